package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** OCI {@code linux.resources.unified}: raw interface files written verbatim, after everything else. */
final class UnifiedController implements Controller {
    private static final Set<String> KERNEL_CONTROLLERS = Set.of("cpu", "cpuset", "io", "memory", "hugetlb", "pids",
            "rdma", "misc");

    @Override
    public Set<String> controllers(CgroupResources r) {
        Set<String> controllers = new LinkedHashSet<>();
        if (r.hasUnified()) {
            for (String key : r.unified().keySet()) {
                String prefix = key.substring(0, key.indexOf('.'));
                if (KERNEL_CONTROLLERS.contains(prefix)) {
                    controllers.add(prefix);
                }
            }
        }
        return controllers;
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasUnified();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        r.unified().forEach((key, value) -> {
            // CgroupResources refuses keys with '/' or "..": the file is always directly in dir.
            Path file = dir.resolve(key);
            if (!Files.exists(file)) {
                throw new CgroupException("unified cgroup key " + key + " cannot be set: " + file
                        + " does not exist (unknown file or controller not enabled)");
            }
            CgroupFiles.write(file, value);
        });
    }
}
