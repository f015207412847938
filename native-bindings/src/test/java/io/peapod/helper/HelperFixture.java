package io.peapod.helper;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import io.peapod.sys.Syscalls;

/**
 * A busybox rootfs in a temp dir, plans for containers in it, and cleanup of every
 * process the test started (SIGKILL to containers and monitors) and of the temp dir.
 */
final class HelperFixture implements AutoCloseable {
    static final String[] APPLETS = {"sh", "echo", "cat", "hostname", "sleep", "id", "ls", "touch",
        "readlink", "printf", "tty", "stty", "wc", "grep", "true", "test", "[", "pwd"};

    final Path dir;
    final Path rootfs;
    final Helper helper = new Helper();
    private final List<Integer> pids = new ArrayList<>();

    HelperFixture() {
        assumeTrue(isRoot(), "needs root (namespaces, mounts)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs busybox-static at /bin/busybox");
        try {
            dir = Files.createTempDirectory("peapod-helper-it");
            // A container in a user namespace runs as an unprivileged host uid: it must traverse dir.
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            rootfs = dir.resolve("rootfs");
            Files.createDirectories(rootfs.resolve("bin"));
            Files.createDirectories(rootfs.resolve("proc"));
            Files.createDirectories(rootfs.resolve("etc"));
            Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
            for (String applet : APPLETS) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    Path stateDir(String name) {
        try {
            return Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A monitored container in new pid/uts/ipc/net/mnt namespaces running {@code sh -c script}. */
    Plan container(Path state) {
        return new Plan().id(state.getFileName().toString()).stateDir(state).monitor(true)
                .newNamespace(Plan.Namespace.PID).newNamespace(Plan.Namespace.UTS)
                .newNamespace(Plan.Namespace.IPC).newNamespace(Plan.Namespace.NET)
                .newNamespace(Plan.Namespace.MNT)
                .log(state.resolve("log"))
                .propagation(Syscalls.MS_REC | Syscalls.MS_PRIVATE)
                .rootfs(rootfs)
                .mountHost(rootfs.toString(), rootfs, null, Syscalls.MS_BIND | Syscalls.MS_REC, null)
                .mount("proc", "/proc", "proc", 0, null, false);
    }

    static Plan run(Plan plan, String script) {
        return plan.pivotRoot().hostname("box").env("PATH=/bin").pathSearch("/bin").args("sh", "-c", script);
    }

    Created create(Path state, Plan plan) {
        Path file = state.resolve("plan");
        plan.write(file);
        Created c = helper.create(file);
        track(c);
        return c;
    }

    void track(Created c) {
        pids.add(c.pid());
        if (c.monitorPid() > 0) {
            pids.add(c.monitorPid());
        }
    }

    void track(int pid) {
        pids.add(pid);
    }

    static ExitStatus awaitExit(Path state) {
        await(() -> ExitFile.read(state).isPresent(), "exit file in " + state);
        return ExitFile.read(state).orElseThrow();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of the CRI log records (without timestamp, stream and tag). */
    static List<String> logText(Path log) {
        return lines(log).stream().map(l -> l.split(" ", 4)[3]).toList();
    }

    static boolean alive(int pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !read(Path.of("/proc/" + pid + "/stat")).matches("\\d+ \\(.*\\) Z .*");
    }

    @Override
    public void close() {
        for (int pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (int pid : pids) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (Files.exists(Path.of("/proc/" + pid)) && safeAlive(pid) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean safeAlive(int pid) {
        try {
            return alive(pid);
        } catch (UncheckedIOException e) {
            return false;
        }
    }
}
