package io.peapod.runtime.pod;

import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.network.NamespacePinner;
import io.peapod.runtime.network.NetworkPlugin;
import io.peapod.runtime.util.RecordDirectory;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the sandbox verbs work with: the container runtime that runs infra and app
 * containers, the namespace pinner, the network plugin, the sandbox records and the
 * helper binary the infra container runs.
 */
public final class PodContext {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");

    private final ContainerRuntime containers;
    private final NamespacePinner pinner;
    private final NetworkPlugin network;
    private final RecordDirectory<SandboxRecord> records;
    private final Path helperBinary;
    private final Function<String, CgroupManager> cgroups;
    private final String defaultCgroupParent;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public PodContext(ContainerRuntime containers, NamespacePinner pinner, NetworkPlugin network, Path podsRoot,
                      Path helperBinary, Function<String, CgroupManager> cgroups, String defaultCgroupParent) {
        this.containers = containers;
        this.pinner = pinner;
        this.network = network;
        this.records = new RecordDirectory<>(podsRoot, "sandbox.json", SandboxRecord.class, "pod sandbox", false);
        this.helperBinary = helperBinary;
        this.cgroups = cgroups;
        this.defaultCgroupParent = defaultCgroupParent;
    }

    public ContainerRuntime containers() {
        return containers;
    }

    public NamespacePinner pinner() {
        return pinner;
    }

    public NetworkPlugin network() {
        return network;
    }

    RecordDirectory<SandboxRecord> records() {
        return records;
    }

    Path helperBinary() {
        return helperBinary;
    }

    CgroupManager cgroup(String path) {
        return cgroups.apply(path);
    }

    String defaultCgroupParent() {
        return defaultCgroupParent;
    }

    /** The lock that serialises changes to one sandbox. */
    Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidArgumentException("invalid pod sandbox id \"" + id + "\"");
        }
        return id;
    }

    SandboxRecord load(String id) {
        return records.load(checkId(id)).orElseThrow(() -> new NotFoundException("pod sandbox " + id
                + " does not exist"));
    }

    Path directoryOf(String id) {
        return records.directoryOf(checkId(id));
    }
}
