package io.peapod.runtime.container;

import io.peapod.helper.Helper;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupManagers;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * What every container verb works with: where records live, how processes are made
 * (the helper), how cgroups are reached, and what this host lets us grant.
 */
public record RuntimeContext(StateStore store, Helper helper, Function<String, CgroupManager> cgroups,
                             HostLimits limits, String defaultCgroupParent) {

    /** The real thing: state under {@code stateRoot}, cgroups of this machine's layout. */
    public static RuntimeContext forHost(Path stateRoot) {
        return new RuntimeContext(new FileStateStore(stateRoot, false), new Helper(), CgroupManagers::forPath,
                HostLimits.current(), "peapod");
    }

    /** The cgroup a container lives in: its spec's cgroupsPath, else one under peapod's parent. */
    public String cgroupPathFor(String id, String specPath) {
        if (specPath != null && !specPath.isEmpty()) {
            String p = specPath;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            return p;
        }
        return defaultCgroupParent + "/" + id;
    }
}
