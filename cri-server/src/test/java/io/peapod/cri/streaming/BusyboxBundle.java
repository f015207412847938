package io.peapod.cri.streaming;

// Copied from runtime-core's test sources (io.peapod.runtime.testing), which are not published as a test jar.

import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI bundle whose rootfs is Debian's static busybox with its applets linked in:
 * a deterministic workload with no network and no dynamic libraries.
 */
final class BusyboxBundle {
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private final Path dir;
    private final Spec spec;

    private BusyboxBundle(Path dir, Spec spec) {
        this.dir = dir;
        this.spec = spec;
    }

    public static boolean available() {
        return Files.isExecutable(BUSYBOX);
    }

    /** A bundle at {@code dir} with the default spec (runc spec's) but a writable root and no terminal, running {@code args}. */
    public static BusyboxBundle create(Path dir, String... args) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        populateRootfs(rootfs);
        Spec spec = DefaultSpec.create(false);
        spec.process.terminal = false;
        spec.root.readonly = false;
        spec.process.args = new ArrayList<>(List.of(args));
        BusyboxBundle b = new BusyboxBundle(dir, spec);
        b.save();
        return b;
    }

    public static void populateRootfs(Path rootfs) throws IOException {
        for (String d : List.of("bin", "proc", "sys", "dev", "etc", "tmp", "root", "var", "usr/bin", "sbin")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String applet : applets()) {
            Path link = rootfs.resolve("bin").resolve(applet);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !applet.contains("/")) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
    }

    private static List<String> applets() throws IOException {
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                list.add(line.trim());
            }
        }
        return list;
    }

    public Path dir() {
        return dir;
    }

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    public Spec spec() {
        return spec;
    }

    /** Writes the (possibly modified) spec back to config.json. */
    public BusyboxBundle save() {
        SpecIO.write(spec, dir.resolve("config.json"));
        return this;
    }
}
