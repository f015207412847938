package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

final class PidsController implements Controller {
    @Override
    public Set<String> controllers(CgroupResources r) {
        return Set.of("pids");
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
        if (Files.exists(dir.resolve("pids.current"))) {
            s.pidsCurrent = CgroupFiles.readLong(dir.resolve("pids.current"));
            s.pidsLimit = CgroupFiles.readLimit(dir.resolve("pids.max"));
        }
    }
}
