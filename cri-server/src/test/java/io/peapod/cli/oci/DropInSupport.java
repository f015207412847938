package io.peapod.cli.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running other orchestrators' command lines from the drop-in tests. */
final class DropInSupport {
    private DropInSupport() {
    }

    record Ran(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Ran run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("dropin-out", ".txt");
        Path err = Files.createTempFile("dropin-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new Ran(-1, Files.readString(out), Files.readString(err) + "\n(timed out after "
                        + timeoutSeconds + " s)");
            }
            return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Installs the Debian packages when one of the programs is missing.
     *
     * @return null when every program is there, else why not
     */
    static String ensureInstalled(List<String> programs, List<String> packages) throws Exception {
        if (programs.stream().allMatch(DropInSupport::onPath)) {
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
        cmd.addAll(packages);
        Ran r = run(600, cmd);
        if (r.code() != 0 || !programs.stream().allMatch(DropInSupport::onPath)) {
            return "apt-get install " + String.join(" ", packages) + " failed (exit " + r.code() + "): "
                    + tail(r.all());
        }
        return null;
    }

    static String tail(String s) {
        return s.length() > 1500 ? s.substring(s.length() - 1500) : s;
    }

    /** A busybox root filesystem with its applets, as a directory. */
    static void busyboxRootfs(Path rootfs) throws IOException, InterruptedException {
        for (String d : List.of("bin", "proc", "sys", "dev", "etc", "tmp", "root")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Files.copy(OciTesting.BUSYBOX, rootfs.resolve("bin/busybox"));
        Process p = new ProcessBuilder(OciTesting.BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        for (String applet : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            applet = applet.trim();
            if (!applet.isEmpty() && !applet.equals("busybox") && !applet.contains("/")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
            }
        }
        p.waitFor();
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
    }
}
