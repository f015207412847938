package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class MemoryController implements Controller {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryController.class);

    @Override
    public Set<String> controllers(CgroupResources r) {
        return Set.of("memory");
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasMemory();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (Boolean.TRUE.equals(r.disableOomKiller())) {
            throw new CgroupException("cgroup " + dir + ": disabling the OOM killer is not supported on cgroup v2");
        }
        if (r.memorySwappiness() != null) {
            LOG.warn("cgroup {}: memory swappiness {} ignored, cgroup v2 has no per-cgroup swappiness", dir,
                    r.memorySwappiness());
        }
        String swapMax = swapMax(r.memoryLimit(), r.memorySwap());
        if (swapMax != null && !Files.exists(dir.resolve("memory.swap.max"))) {
            throw new CgroupException("memory+swap limit " + r.memorySwap() + " cannot be set: "
                    + dir.resolve("memory.swap.max") + " does not exist (swap accounting is off)");
        }
        if (r.memoryLimit() != null) {
            CgroupFiles.write(dir.resolve("memory.max"), max(r.memoryLimit()));
        }
        if (swapMax != null) {
            CgroupFiles.write(dir.resolve("memory.swap.max"), swapMax);
        }
        if (r.memoryReservation() != null) {
            CgroupFiles.write(dir.resolve("memory.low"),
                    r.memoryReservation() == -1 ? "0" : Long.toString(r.memoryReservation()));
        }
    }

    /**
     * OCI's swap is memory plus swap; memory.swap.max is the swap alone. {@code null} when nothing is to be
     * written.
     */
    static String swapMax(Long limit, Long swap) {
        if (swap == null) {
            return null;
        }
        if (swap == -1) {
            return "max";
        }
        if (limit == null || limit == -1) {
            throw new CgroupException("memory+swap limit " + swap + " needs a memory limit on cgroup v2 (got "
                    + limit + ")");
        }
        return Long.toString(swap - limit);
    }

    private static String max(long v) {
        return v == -1 ? "max" : Long.toString(v);
    }

    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        if (!Files.exists(dir.resolve("memory.current"))) {
            return; // memory controller not enabled for this cgroup
        }
        s.memoryUsage = CgroupFiles.readLong(dir.resolve("memory.current"));
        s.memoryLimit = CgroupFiles.readLimit(dir.resolve("memory.max"));
        Map<String, Long> stat = CgroupFiles.readKeyed(dir.resolve("memory.stat"));
        s.memoryWorkingSet = Math.max(0, s.memoryUsage - stat.getOrDefault("inactive_file", 0L));
        s.memoryRss = stat.getOrDefault("anon", 0L);
        s.memoryCache = stat.getOrDefault("file", 0L);
        s.pageFaults = stat.getOrDefault("pgfault", 0L);
        s.majorPageFaults = stat.getOrDefault("pgmajfault", 0L);
        if (Files.exists(dir.resolve("memory.swap.current"))) {
            s.swapUsage = CgroupFiles.readLong(dir.resolve("memory.swap.current"));
        }
        s.oomKills = oomKills(dir);
    }

    /** memory.events counts this cgroup and its descendants; 0 when the memory controller is not enabled. */
    static long oomKills(Path dir) {
        Path events = dir.resolve("memory.events");
        if (!Files.exists(events)) {
            return 0;
        }
        return CgroupFiles.readKeyed(events).getOrDefault("oom_kill", 0L);
    }
}
