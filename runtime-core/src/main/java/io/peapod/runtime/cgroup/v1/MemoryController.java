package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

final class MemoryController implements Controller {
    static final String LIMIT = "memory.limit_in_bytes";
    static final String MEMSW_LIMIT = "memory.memsw.limit_in_bytes";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasMemory();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        Long limit = r.memoryLimit();
        Long swap = r.memorySwap();
        Path limitFile = dir.resolve(LIMIT);
        Path memswFile = dir.resolve(MEMSW_LIMIT);
        if (swap != null && !Files.exists(memswFile)) {
            throw new CgroupException("memory+swap limit " + swap + " cannot be set: " + memswFile
                    + " does not exist (swap accounting is off; boot with swapaccount=1)");
        }
        if (limit != null && swap != null) {
            // memsw must never be below the memory limit: raise memsw first when growing, lower the limit
            // first when shrinking.
            long current = CgroupFiles.readLong(limitFile);
            if (swap == -1 || swap > current) {
                CgroupFiles.write(memswFile, swap);
                CgroupFiles.write(limitFile, limit);
            } else {
                CgroupFiles.write(limitFile, limit);
                CgroupFiles.write(memswFile, swap);
            }
        } else if (limit != null) {
            CgroupFiles.write(limitFile, limit);
        } else if (swap != null) {
            CgroupFiles.write(memswFile, swap);
        }
        if (r.memoryReservation() != null) {
            CgroupFiles.write(dir.resolve("memory.soft_limit_in_bytes"), r.memoryReservation());
        }
        if (r.memorySwappiness() != null) {
            CgroupFiles.write(dir.resolve("memory.swappiness"), r.memorySwappiness());
        }
        if (r.disableOomKiller() != null) {
            CgroupFiles.write(dir.resolve("memory.oom_control"), r.disableOomKiller() ? "1" : "0");
        }
    }

    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        s.memoryUsage = CgroupFiles.readLong(dir.resolve("memory.usage_in_bytes"));
        s.memoryLimit = CgroupFiles.readLimit(dir.resolve(LIMIT));
        Map<String, Long> stat = CgroupFiles.readKeyed(dir.resolve("memory.stat"));
        long inactiveFile = stat.getOrDefault("total_inactive_file", 0L);
        s.memoryWorkingSet = Math.max(0, s.memoryUsage - inactiveFile);
        s.memoryRss = stat.getOrDefault("total_rss", 0L);
        s.memoryCache = stat.getOrDefault("total_cache", 0L);
        s.pageFaults = stat.getOrDefault("total_pgfault", 0L);
        s.majorPageFaults = stat.getOrDefault("total_pgmajfault", 0L);
        Path memswUsage = dir.resolve("memory.memsw.usage_in_bytes");
        if (Files.exists(memswUsage)) {
            s.swapUsage = Math.max(0, CgroupFiles.readLong(memswUsage) - s.memoryUsage);
        }
        s.oomKills = oomKills(dir);
    }

    static long oomKills(Path dir) {
        Path file = dir.resolve("memory.oom_control");
        Long kills = CgroupFiles.readKeyed(file).get("oom_kill");
        if (kills == null) {
            throw new CgroupException(file + " has no oom_kill counter (kernel older than 4.13?)");
        }
        return kills;
    }
}
