package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Path;

final class PidsController implements Controller {
    @Override
    public String name() {
        return "pids";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.pidsLimit() != null;
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.pidsLimit() != null) {
            CgroupFiles.write(dir.resolve("pids.max"), r.pidsLimit() == -1 ? "max" : Long.toString(r.pidsLimit()));
        }
    }

    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        s.pidsCurrent = CgroupFiles.readLong(dir.resolve("pids.current"));
        s.pidsLimit = CgroupFiles.readLimit(dir.resolve("pids.max"));
    }
}
