package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** CPU accounting only: no limits, just usage. */
final class CpuacctController implements Controller {
    /** cpuacct.stat counts USER_HZ ticks, which is 100 on every Linux ABI. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    @Override
    public String name() {
        return "cpuacct";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return false;
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
    }

    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        s.cpuUsageNanos = CgroupFiles.readLong(dir.resolve("cpuacct.usage"));
        Path user = dir.resolve("cpuacct.usage_user");
        Path sys = dir.resolve("cpuacct.usage_sys");
        if (Files.exists(user) && Files.exists(sys)) {
            s.cpuUserNanos = CgroupFiles.readLong(user);
            s.cpuSystemNanos = CgroupFiles.readLong(sys);
        } else {
            Map<String, Long> stat = CgroupFiles.readKeyed(dir.resolve("cpuacct.stat"));
            s.cpuUserNanos = stat.getOrDefault("user", 0L) * NANOS_PER_TICK;
            s.cpuSystemNanos = stat.getOrDefault("system", 0L) * NANOS_PER_TICK;
        }
    }
}
