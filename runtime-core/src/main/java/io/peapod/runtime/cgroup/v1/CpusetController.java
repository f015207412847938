package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import java.nio.file.Path;

final class CpusetController implements Controller {
    static final String CPUS = "cpuset.cpus";
    static final String MEMS = "cpuset.mems";

    @Override
    public String name() {
        return "cpuset";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasCpuset();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.cpusetCpus() != null) {
            CgroupFiles.write(dir.resolve(CPUS), r.cpusetCpus());
        }
        if (r.cpusetMems() != null) {
            CgroupFiles.write(dir.resolve(MEMS), r.cpusetMems());
        }
    }

    /**
     * A new v1 cpuset cgroup starts with empty cpus and mems and refuses processes until both are set, so
     * copy them down from the parent along {@code relative}, top first.
     */
    static void inheritFromParents(Path mount, String relative) {
        Path parent = mount;
        for (String part : relative.split("/")) {
            Path child = parent.resolve(part);
            for (String file : new String[] {CPUS, MEMS}) {
                if (CgroupFiles.read(child.resolve(file)).isEmpty()) {
                    CgroupFiles.write(child.resolve(file), CgroupFiles.read(parent.resolve(file)));
                }
            }
            parent = child;
        }
    }
}
