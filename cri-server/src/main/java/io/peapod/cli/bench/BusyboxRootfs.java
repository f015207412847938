package io.peapod.cli.bench;

import io.peapod.runtime.errors.FailedPreconditionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The benchmarks' workload: a root filesystem of Debian's static busybox with its applets linked. */
final class BusyboxRootfs {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxRootfs() {
    }

    /**
     * @param hint what the user can do instead when busybox is missing, for the error
     */
    static Path populate(Path rootfs, String hint) throws IOException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new FailedPreconditionException("/bin/busybox not found: install Debian's busybox-static, " + hint);
        }
        for (String d : List.of("bin", "proc", "sys", "dev", "etc", "tmp")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet.trim()), Path.of("busybox"));
            }
        }
        return rootfs;
    }
}
