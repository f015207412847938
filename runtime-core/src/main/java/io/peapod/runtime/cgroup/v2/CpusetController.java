package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import java.nio.file.Path;
import java.util.Set;

/** v2 cpusets start out inheriting the parent's effective set, so unlike v1 nothing needs copying. */
final class CpusetController implements Controller {
    @Override
    public Set<String> controllers(CgroupResources r) {
        return Set.of("cpuset");
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasCpuset();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.cpusetCpus() != null) {
            CgroupFiles.write(dir.resolve("cpuset.cpus"), r.cpusetCpus());
        }
        if (r.cpusetMems() != null) {
            CgroupFiles.write(dir.resolve("cpuset.mems"), r.cpusetMems());
        }
    }
}
