package io.peapod.kube.testing;

import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.Engine;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.network.CniOptions;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An engine over a short temp root (/tmp/pp-xxxxxx: the monitors' socket paths must fit in
 * 107 bytes), with no CNI configuration (pods get loopback only), its own cgroup parent and
 * the busybox image built by examples/build-busybox-image.sh and imported.
 */
public final class KubeTestEnv implements AutoCloseable {
    public static final String IMAGE = "peapod.local/busybox:test";
    /** {@link #IMAGE} with User "nobody" (65534 in its /etc/passwd); see {@link #importBusybox}. */
    public static final String NOBODY_IMAGE = "peapod.local/busybox:nobody";

    public final Path dir;
    public final String cgroupParent;
    public final EngineConfig config;
    private Engine engine;

    /** Skips the calling test class unless this runs as root with Debian's busybox-static installed. */
    public static void assumeUsable() {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")),
                "needs /bin/busybox (busybox-static)");
    }

    public KubeTestEnv() throws IOException, InterruptedException {
        dir = shortTempDir();
        cgroupParent = "peapod-test-" + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(dir.resolve("cni"));
        config = new EngineConfig(dir.resolve("root"), dir.resolve("run"),
                new CniOptions(dir.resolve("cni"), CniOptions.DEFAULT_BIN_DIRS, dir.resolve("cni-cache"),
                        Duration.ofSeconds(30)), new RegistryConfig(), cgroupParent);
        engine = Engine.open(config);
        try (InputStream in = new FileInputStream(busyboxArchive(dir).toFile())) {
            engine.images().importArchive(in, null, e -> { });
        }
    }

    /** Builds and imports the busybox image as {@code name}, with {@code user} as its config's User. */
    public void importBusybox(String name, String user) throws IOException, InterruptedException {
        Path archive = busyboxArchive(dir.resolve("busybox-" + user.replace(':', '-') + ".tar"), name, user);
        try (InputStream in = new FileInputStream(archive.toFile())) {
            engine.images().importArchive(in, null, e -> { });
        }
    }

    public Engine engine() {
        return engine;
    }

    /** Releases the engine's lock (so another process can open the root), or reopens it. */
    public void release() {
        engine.close();
        engine = null;
    }

    public Engine reopen() {
        engine = Engine.open(config);
        return engine;
    }

    /** The OCI archive of {@link #IMAGE}, built by the examples' script. */
    public static Path busyboxArchive(Path dir) throws IOException, InterruptedException {
        return busyboxArchive(dir.resolve("busybox.tar"), IMAGE, "");
    }

    /** The busybox image as {@code name}, with {@code user} ("" for none) as its config's User, into {@code out}. */
    public static Path busyboxArchive(Path out, String name, String user) throws IOException, InterruptedException {
        Path script = Path.of("..", "examples", "build-busybox-image.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(script.toString(), name, out.toString(), user).redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(script + " failed: " + log);
        }
        return out;
    }

    public static Path shortTempDir() throws IOException {
        for (int i = 0; i < 100; i++) {
            String name = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
            try {
                return Files.createDirectory(Path.of("/tmp", "pp-" + name));
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
        throw new IOException("no free /tmp/pp-* name");
    }

    /** Removes every pod and container left, the cgroups and the directory. */
    @Override
    public void close() throws IOException {
        if (engine == null) {
            engine = Engine.open(config);
        }
        try {
            for (var pod : engine.pods().list()) {
                for (var c : engine.pods().containersOf(pod.id())) {
                    engine.removeContainer(c.id(), true);
                }
                engine.pods().stop(pod.id(), Duration.ZERO);
                engine.pods().remove(pod.id());
            }
            for (var c : engine.containers().list()) {
                engine.removeContainer(c.id(), true);
            }
        } finally {
            engine.close();
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(l -> l.split(" ")[4]).filter(m -> m.startsWith(dir.toString()))
                    .sorted((a, b) -> b.length() - a.length()).toList();
            for (String m : mounts) {
                new ProcessBuilder("umount", "-l", m).start();
            }
            CgroupManagers.forPath(cgroupParent).destroy();
            try {
                new ProcessBuilder("rm", "-rf", dir.toString()).inheritIO().start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
