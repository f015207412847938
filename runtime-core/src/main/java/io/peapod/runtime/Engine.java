package io.peapod.runtime;

import io.peapod.helper.Helper;
import io.peapod.image.Image;
import io.peapod.image.ImageService;
import io.peapod.image.snapshot.Mount;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.FileStateStore;
import io.peapod.runtime.container.HostLimits;
import io.peapod.runtime.container.RuntimeContext;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.network.CniNetworkPlugin;
import io.peapod.runtime.network.CniOrLoopbackNetworkPlugin;
import io.peapod.runtime.network.LoopbackNetworkPlugin;
import io.peapod.runtime.network.NamespacePinner;
import io.peapod.runtime.network.NetworkPlugin;
import io.peapod.runtime.pod.PodContext;
import io.peapod.runtime.pod.SandboxRuntime;
import io.peapod.runtime.spec.Root;
import io.peapod.runtime.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The whole runtime on one machine: images, pod sandboxes and containers over one pair
 * of state directories. The daemon holds one; without a daemon, each command line
 * invocation holds one while it works. Only one engine may own a root, or a state
 * directory, at a time: their lock files say who does (a daemon's state directory must not
 * be shared by a command that names another root).
 */
public final class Engine implements AutoCloseable {
    /** Annotation on containers made from an image: the image id (config digest). */
    public static final String IMAGE_ID = "io.peapod.image-id";
    /** Annotation on containers made from an image: the name it was asked for by. */
    public static final String IMAGE_NAME = "io.peapod.image-name";

    private final EngineConfig config;
    /** Open with an exclusive lock on the root's, and the state directory's, lock file. */
    private final FileChannel rootLock;
    private final FileChannel stateLock;
    private final ContainerRuntime containers;
    private final ImageService images;
    private final SandboxRuntime pods;
    private final NetworkPlugin network;
    /** False for a view lent to a caller (see {@link #lent()}): closing it leaves the engine open. */
    private final boolean owner;

    private Engine(EngineConfig config, FileChannel rootLock, FileChannel stateLock) {
        this.owner = true;
        this.config = config;
        this.rootLock = rootLock;
        this.stateLock = stateLock;
        Helper helper = new Helper();
        this.containers = new ContainerRuntime(new RuntimeContext(
                new FileStateStore(config.state().resolve("containers"), false), helper, CgroupManagers::forPath,
                HostLimits.current(), config.cgroupParent()));
        this.images = ImageService.open(config.root(), config.registries(), this::imageInUse);
        NamespacePinner pinner = new NamespacePinner(config.state());
        this.network = new CniOrLoopbackNetworkPlugin(new CniNetworkPlugin(config.cni()),
                new LoopbackNetworkPlugin(pinner));
        this.pods = new SandboxRuntime(new PodContext(containers, pinner, network, config.state().resolve("pods"),
                helper.binary(), CgroupManagers::forPath, config.cgroupParent()));
    }

    private Engine(Engine shared) {
        this.owner = false;
        this.config = shared.config;
        this.rootLock = shared.rootLock;
        this.stateLock = shared.stateLock;
        this.containers = shared.containers;
        this.images = shared.images;
        this.pods = shared.pods;
        this.network = shared.network;
    }

    /**
     * This engine for code written to open and close its own (a command run by a daemon on a
     * client's behalf): the view's {@link #close()} does nothing, the owner keeps the lock.
     */
    public Engine lent() {
        return new Engine(this);
    }

    /**
     * Opens the engine over {@code config}'s directories, taking the root's lock.
     *
     * @throws FailedPreconditionException when another process (a daemon) owns the root
     */
    public static Engine open(EngineConfig config) {
        try {
            Files.createDirectories(config.root());
            Files.createDirectories(config.state());
            FileChannel root = locked(config.root().resolve("lock"));
            if (root == null) {
                throw new FailedPreconditionException("peapod root " + config.root()
                        + " is in use by another peapod process (a daemon?): talk to it or stop it");
            }
            FileChannel state = locked(config.state().resolve("lock"));
            if (state == null) {
                root.close();
                throw new FailedPreconditionException("peapod state directory " + config.state()
                        + " is in use by another peapod process with another root than " + config.root()
                        + " (a daemon?): name its root, or stop it");
            }
            return new Engine(config, root, state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open peapod root " + config.root() + ": " + e.getMessage(), e);
        }
    }

    /** The file opened with an exclusive lock held (released when closed), or null if another holds it. */
    private static FileChannel locked(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            ch.close();
            return null;
        }
        return ch;
    }

    public EngineConfig config() {
        return config;
    }

    public ContainerRuntime containers() {
        return containers;
    }

    public ImageService images() {
        return images;
    }

    public SandboxRuntime pods() {
        return pods;
    }

    public NetworkPlugin network() {
        return network;
    }

    /** A container's bundle directory under the persistent root: its rootfs mount point lives there. */
    public Path bundleOf(String containerId) {
        return config.root().resolve("containers").resolve(containerId);
    }

    /**
     * An image's root filesystem made ready for one container: the image, the container's
     * bundle directory (with the empty {@code rootfs} mount point), the overlay mounts and the
     * image's layer directories (topmost first) for reading files such as /etc/passwd.
     */
    public record PreparedRootfs(Image image, Path bundle, List<Mount> mounts, List<Path> layersTopmostFirst) {
    }

    /** Prepares {@code imageRef}'s layers plus a writable layer for {@code containerId}. */
    public PreparedRootfs prepareRootfs(String containerId, String imageRef) {
        Image image = images.inspect(imageRef);
        Path bundle = bundleOf(containerId);
        try {
            Files.createDirectories(bundle.resolve("rootfs"));
            List<Mount> mounts = images.rootfsMounts(image.id().toString(), containerId);
            List<Path> layers = new java.util.ArrayList<>();
            for (Mount m : mounts) {
                String lower = m.option("lowerdir");
                if (lower != null) {
                    for (String dir : lower.split(":")) {
                        Path p = Path.of(dir);
                        layers.add(m.workingDirectory() == null || p.isAbsolute() ? p : m.workingDirectory().resolve(p));
                    }
                }
            }
            return new PreparedRootfs(image, bundle, mounts, layers);
        } catch (IOException e) {
            discard(containerId);
            throw new UncheckedIOException("cannot create bundle of container " + containerId, e);
        } catch (RuntimeException e) {
            discard(containerId);
            throw e;
        }
    }

    /** Gives up a prepared root filesystem of a container that was not created. */
    public void discard(String containerId) {
        images.removeContainerSnapshot(containerId);
        deleteTree(bundleOf(containerId));
    }

    /**
     * Creates a container on a prepared root filesystem. {@code spec}'s root is set to the
     * bundle's mount point; with {@code sandboxId} the container joins that pod (the spec must
     * already name the pod's namespaces). On failure the prepared rootfs is discarded.
     */
    public ContainerRecord createPrepared(String containerId, PreparedRootfs rootfs, Spec spec, String sandboxId,
                                          CreateOptions options) {
        boolean done = false;
        try {
            spec.root = new Root("rootfs", spec.root != null && Boolean.TRUE.equals(spec.root.readonly));
            if (spec.annotations == null) {
                spec.annotations = new LinkedHashMap<>();
            }
            spec.annotations.put(IMAGE_ID, rootfs.image().id().toString());
            ContainerRecord r = sandboxId == null
                    ? containers.create(containerId, spec, rootfs.bundle(), options, rootfs.mounts())
                    : pods.createContainer(sandboxId, containerId, spec, rootfs.bundle(), options, rootfs.mounts());
            done = true;
            return r;
        } finally {
            if (!done) {
                discard(containerId);
            }
        }
    }

    /** {@link #prepareRootfs} and {@link #createPrepared} in one. */
    public ContainerRecord createFromImage(String containerId, String imageRef, Spec spec, String sandboxId,
                                           CreateOptions options) {
        PreparedRootfs rootfs = prepareRootfs(containerId, imageRef);
        if (spec.annotations == null) {
            spec.annotations = new LinkedHashMap<>();
        }
        spec.annotations.put(IMAGE_NAME, imageRef);
        return createPrepared(containerId, rootfs, spec, sandboxId, options);
    }

    /**
     * Brings the state on disk back in line after a crash or a daemon restart: namespace
     * pins no sandbox owns are released, sandboxes whose infra container is gone give up
     * their pins, and containers whose create never finished are deleted. Running
     * containers and ready pods are left exactly as they are.
     *
     * @return one line per repair made, for the log
     */
    public List<String> reconcile() {
        List<String> repairs = new java.util.ArrayList<>();
        java.util.Set<String> sandboxIds = new java.util.HashSet<>();
        for (var pod : pods.list()) {
            sandboxIds.add(pod.id());
            if (pod.state() == io.peapod.runtime.pod.SandboxState.NOTREADY && pod.netns() != null) {
                pods.stop(pod.id(), java.time.Duration.ZERO);
                repairs.add("pod sandbox " + pod.id() + " is not ready: released its namespaces and network");
            }
        }
        var pinner = pods.context().pinner();
        for (var type : io.peapod.runtime.network.NamespaceType.values()) {
            for (Path pin : pinner.listPins(type)) {
                if (!sandboxIds.contains(pin.getFileName().toString())) {
                    pinner.unpin(pin);
                    repairs.add("released " + type.runDirName() + " pin " + pin + " that no sandbox owns");
                }
            }
        }
        java.util.Set<String> containerIds = new java.util.HashSet<>();
        for (ContainerRecord c : containers.list()) {
            if (c.status() == io.peapod.runtime.container.ContainerStatus.CREATING) {
                removeContainer(c.id(), true);
                repairs.add("container " + c.id() + " was left half-created: removed");
            } else {
                containerIds.add(c.id());
            }
        }
        for (String key : images.snapshotter().activeKeys()) {
            if (!containerIds.contains(key)) {
                discard(key);
                repairs.add("writable layer " + key + " belongs to no container: removed");
            }
        }
        return repairs;
    }

    /** Deletes a container with its writable layer and bundle directory. */
    public void removeContainer(String containerId, boolean force) {
        containers.delete(containerId, force);
        discard(containerId);
    }

    private boolean imageInUse(String imageId) {
        for (ContainerRecord c : containers.list()) {
            if (c.annotations() != null && imageId.equals(c.annotations().get(IMAGE_ID))) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path dir) {
        try {
            io.peapod.runtime.util.FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!owner) {
            return;
        }
        try {
            images.close();
            stateLock.close();
            rootLock.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the locks of " + config.root() + " and "
                    + config.state(), e);
        }
    }
}
