package io.peapod.cli.oci;

import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Busybox bundles and an in-process runner for {@link OciMain}. */
final class OciTesting {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private OciTesting() {
    }

    record Result(int code, String out, String err) {
    }

    /** Runs {@code peapod oci ARGS} in this JVM with stdout and stderr captured. */
    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = OciMain.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A bundle at {@code dir}: static busybox rootfs, the default spec without a terminal, running {@code args}. */
    static Spec bundle(Path dir, String... args) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        for (String d : List.of("bin", "proc", "sys", "dev", "etc", "tmp", "root")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        for (String applet : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            applet = applet.trim();
            if (!applet.isEmpty() && !applet.equals("busybox") && !applet.contains("/")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
        }
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
        Spec spec = DefaultSpec.create(false);
        spec.process.terminal = false;
        spec.root.readonly = false;
        spec.process.args = new ArrayList<>(List.of(args));
        save(dir, spec);
        return spec;
    }

    static void save(Path dir, Spec spec) {
        SpecIO.write(spec, dir.resolve("config.json"));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The repository's peapod-oci launcher (built by the package phase before the ITs run). */
    static Path launcher() {
        Path here = Path.of("").toAbsolutePath();
        for (Path d = here; d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("peapod-oci")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d.resolve("peapod-oci");
            }
        }
        throw new IllegalStateException("no peapod-oci launcher above " + here);
    }
}
