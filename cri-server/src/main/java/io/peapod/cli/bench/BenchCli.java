package io.peapod.cli.bench;

import io.peapod.runtime.util.FileTrees;
import io.peapod.runtime.util.ShortTempDirs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peapod bench cli}: the command line's wall time, JVM start included, against a Go
 * client: {@code peapod --version}, {@code peapod ps} as a running daemon's client and
 * embedded, and containerd's {@code ctr containers ls} against its own containerd, run in
 * turn so that the machine's noise falls on all of them alike.
 */
@Command(name = "cli", description = "Time `peapod ps` (client of a daemon, and embedded) and `peapod --version` "
        + "against `ctr containers ls`.")
public final class BenchCli implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "30", description = "runs of each command (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--cli", description = "the peapod launcher (default ./peapod)", defaultValue = "./peapod")
    Path cli;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        Path work = ShortTempDirs.create();
        Process daemon = null;
        Process containerd = null;
        try {
            String launcher = cli.toAbsolutePath().toString();
            Path root = work.resolve("r");
            Path state = work.resolve("s");
            daemon = new ProcessBuilder(launcher, "serve", "--root", root.toString(), "--state", state.toString(),
                    "--log-level", "warn").redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile())
                    .start();
            awaitSocket(daemon, state.resolve("cli.sock"), work.resolve("serve.log"));
            List<String> ctr = null;
            if (onPath("containerd") && onPath("ctr")) {
                Path dir = work.resolve("c");
                Files.createDirectories(dir);
                Path socket = dir.resolve("containerd.sock");
                Files.writeString(dir.resolve("config.toml"), "version = 2\nroot = \"" + dir.resolve("root")
                        + "\"\nstate = \"" + dir.resolve("state") + "\"\ndisabled_plugins = "
                        + "[\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \"" + socket + "\"\n[ttrpc]\n"
                        + "  address = \"" + socket + ".ttrpc\"\n");
                containerd = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
                awaitSocket(containerd, socket, dir.resolve("containerd.log"));
                ctr = List.of("ctr", "--address", socket.toString(), "containers", "ls");
            } else {
                out.println("(containerd and ctr are not installed: no Go client to compare with)");
            }
            List<Timed> commands = new ArrayList<>();
            commands.add(new Timed(new Samples("peapod --version"), List.of(launcher, "--version")));
            commands.add(new Timed(new Samples("peapod ps (daemon's client)"),
                    List.of(launcher, "ps", "--state", state.toString())));
            if (ctr != null) {
                commands.add(new Timed(new Samples("ctr containers ls (Go)"), ctr));
            }
            for (Timed c : commands) {
                time(c.argv()); // warm the page cache and the daemons
            }
            for (int i = 0; i < runs; i++) {
                for (Timed c : commands) {
                    c.samples().add(time(c.argv()));
                }
            }
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
            Samples embedded = new Samples("peapod ps (embedded)");
            List<String> embeddedPs = List.of(launcher, "ps", "--root", root.toString(), "--state", state.toString());
            time(embeddedPs);
            for (int i = 0; i < Math.max(5, runs / 3); i++) {
                embedded.add(time(embeddedPs));
            }
            out.println(Samples.header());
            for (Timed c : commands) {
                out.println(c.samples().row());
            }
            out.println(embedded.row());
            out.flush();
            return 0;
        } finally {
            for (Process p : new Process[] {daemon, containerd}) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
            FileTrees.delete(work);
        }
    }

    private record Timed(Samples samples, List<String> argv) {
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void awaitSocket(Process p, Path socket, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("no socket " + socket + " appeared; log: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    private static long time(List<String> argv) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int rc = p.waitFor();
        long ns = System.nanoTime() - t0;
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited with " + rc);
        }
        return ns;
    }
}
