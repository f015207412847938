package io.peapod.runtime.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host tools (nsenter, ip, iptables-save, busybox) for the root tests. */
final class Sh {
    record Result(int exit, String out) {
    }

    private Sh() {
    }

    static Result run(String... argv) {
        try {
            Path out = Files.createTempFile("sh-", ".out");
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + List.of(argv));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs and insists on exit 0; returns the output. */
    static String ok(String... argv) {
        Result r = run(argv);
        if (r.exit() != 0) {
            throw new AssertionError(List.of(argv) + " exited " + r.exit() + ": " + r.out());
        }
        return r.out();
    }

    static String mountinfo() {
        try {
            return Files.readString(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isRoot() {
        return io.peapod.sys.LinuxSyscalls.get().geteuid() == 0;
    }
}
