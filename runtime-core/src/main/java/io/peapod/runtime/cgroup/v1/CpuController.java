package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Path;
import java.util.Map;

final class CpuController implements Controller {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasCpu();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.cpuShares() != null) {
            CgroupFiles.write(dir.resolve("cpu.shares"), r.cpuShares());
        }
        Path period = dir.resolve("cpu.cfs_period_us");
        Path quota = dir.resolve("cpu.cfs_quota_us");
        if (r.cpuPeriod() != null) {
            try {
                CgroupFiles.write(period, r.cpuPeriod());
            } catch (CgroupException e) {
                // A shorter period can be refused while the old quota exceeds what the parent allows for it;
                // writing the new quota first makes it fit.
                if (r.cpuQuota() == null) {
                    throw e;
                }
                CgroupFiles.write(quota, r.cpuQuota());
                CgroupFiles.write(period, r.cpuPeriod());
            }
        }
        if (r.cpuQuota() != null) {
            CgroupFiles.write(quota, r.cpuQuota());
        }
        if (r.cpuBurst() != null) {
            CgroupFiles.write(dir.resolve("cpu.cfs_burst_us"), r.cpuBurst());
        }
        // The runtime must fit in the period, so set the period first.
        if (r.cpuRealtimePeriod() != null) {
            CgroupFiles.write(dir.resolve("cpu.rt_period_us"), r.cpuRealtimePeriod());
        }
        if (r.cpuRealtimeRuntime() != null) {
            CgroupFiles.write(dir.resolve("cpu.rt_runtime_us"), r.cpuRealtimeRuntime());
        }
        if (r.cpuIdle() != null) {
            CgroupFiles.write(dir.resolve("cpu.idle"), r.cpuIdle() ? "1" : "0");
        }
    }

    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        Map<String, Long> stat = CgroupFiles.readKeyed(dir.resolve("cpu.stat"));
        s.cpuPeriods = stat.getOrDefault("nr_periods", 0L);
        s.cpuThrottledPeriods = stat.getOrDefault("nr_throttled", 0L);
        s.cpuThrottledTimeNanos = stat.getOrDefault("throttled_time", 0L);
    }
}
