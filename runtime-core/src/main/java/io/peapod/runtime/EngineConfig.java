package io.peapod.runtime;

import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.network.CniOptions;
import java.nio.file.Path;

/**
 * Where the engine keeps things and how it reaches the outside.
 *
 * @param root         persistent state: images, snapshots, writable layers (default /var/lib/peapod)
 * @param state        volatile state: container and pod records, monitors' sockets, pinned
 *                     namespaces (default /run/peapod)
 * @param cni          CNI config and plugin directories
 * @param registries   mirrors, insecure registries, credentials
 * @param cgroupParent the cgroup under which peapod's own pods and containers go
 */
public record EngineConfig(Path root, Path state, CniOptions cni, RegistryConfig registries, String cgroupParent) {
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/peapod");
    public static final Path DEFAULT_STATE = Path.of("/run/peapod");

    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_ROOT, DEFAULT_STATE, CniOptions.defaults(), new RegistryConfig(), "peapod");
    }

    public EngineConfig withRoots(Path newRoot, Path newState) {
        return new EngineConfig(newRoot, newState, cni, registries, cgroupParent);
    }
}
