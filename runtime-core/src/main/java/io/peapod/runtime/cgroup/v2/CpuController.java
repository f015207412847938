package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

final class CpuController implements Controller {
    @Override
    public Set<String> controllers(CgroupResources r) {
        return Set.of("cpu");
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasCpu();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.cpuRealtimeRuntime() != null || r.cpuRealtimePeriod() != null) {
            throw new CgroupException("cgroup " + dir + ": cpu realtime runtime/period are not supported on cgroup v2");
        }
        if (r.cpuShares() != null) {
            CgroupFiles.write(dir.resolve("cpu.weight"), sharesToWeight(r.cpuShares()));
        }
        if (r.cpuQuota() != null || r.cpuPeriod() != null) {
            Path max = dir.resolve("cpu.max");
            String quota;
            if (r.cpuQuota() != null) {
                quota = r.cpuQuota() == -1 ? "max" : Long.toString(r.cpuQuota());
            } else {
                quota = CgroupFiles.read(max).split(" ")[0]; // keep the current quota, change the period
            }
            CgroupFiles.write(max, r.cpuPeriod() == null ? quota : quota + " " + r.cpuPeriod());
        }
        if (r.cpuBurst() != null) {
            CgroupFiles.write(dir.resolve("cpu.max.burst"), r.cpuBurst());
        }
        if (r.cpuIdle() != null) {
            CgroupFiles.write(dir.resolve("cpu.idle"), r.cpuIdle() ? "1" : "0");
        }
    }

    /** Maps v1 shares [2..262144] onto v2 weight [1..10000] linearly, as runc and crun do. */
    static long sharesToWeight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /** cpu.stat exists in every v2 cgroup; the throttling lines only with the cpu controller. */
    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        Path file = dir.resolve("cpu.stat");
        if (!Files.exists(file)) {
            return;
        }
        Map<String, Long> stat = CgroupFiles.readKeyed(file);
        s.cpuUsageNanos = stat.getOrDefault("usage_usec", 0L) * 1000;
        s.cpuUserNanos = stat.getOrDefault("user_usec", 0L) * 1000;
        s.cpuSystemNanos = stat.getOrDefault("system_usec", 0L) * 1000;
        s.cpuPeriods = stat.getOrDefault("nr_periods", 0L);
        s.cpuThrottledPeriods = stat.getOrDefault("nr_throttled", 0L);
        s.cpuThrottledTimeNanos = stat.getOrDefault("throttled_usec", 0L) * 1000;
    }
}
