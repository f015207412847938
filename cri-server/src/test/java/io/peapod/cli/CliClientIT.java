package io.peapod.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.cli.common.Terminal;
import io.peapod.cli.remote.CommandClient;
import io.peapod.cli.serve.ServeCommand;
import io.peapod.cri.service.CriEvents;
import io.peapod.kube.testing.KubeTestEnv;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The command line as a client of a running daemon: the same scenarios as {@link CliIT}, each
 * command sent over the daemon's command socket and run on the daemon's engine, plus what only
 * a daemon does (pods stay supervised after the command; the launcher's real client).
 */
class CliClientIT extends CliScenarios {
    private CriEvents events;
    private ServeCommand.Daemon daemon;

    @Override
    void startMode() {
        events = new CriEvents();
        daemon = ServeCommand.Daemon.start(env.engine(), events, env.config.state().resolve("peapod.sock"));
    }

    @Override
    void stopMode() {
        daemon.stop();
        events.close();
    }

    @Override
    Result run(List<String> args, byte[] stdin, Terminal terminal) {
        String[] argv = args.toArray(String[]::new);
        if (!CommandClient.daemonMayRun(argv)) {
            return CliIT.embedded(args, stdin, terminal);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path socket = CommandClient.socketFor(argv);
        assertEquals(daemon.commandSocket(), socket, "the client finds the daemon of the state directory");
        OptionalInt code = CommandClient.run(socket, argv, new ByteArrayInputStream(stdin), out, err, terminal);
        assertTrue(code.isPresent(), "the daemon answers on " + socket);
        return new Result(code.getAsInt(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void podsRunThroughTheDaemonStaySupervised() throws Exception {
        Path manifest = env.dir.resolve("restarts.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: supervised}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: %s
                    imagePullPolicy: Never
                    command: [sh, -c, 'sleep 1; exit 1']
                """.formatted(KubeTestEnv.IMAGE));
        Result run = peapod("pod", "run", "--timeout", "0", manifest.toString());
        assertTrue(run.code() == 0 || run.code() == 1, run.toString());
        assertFalse(run.out().contains("probes and restarts need"), "the daemon supervises: " + run.out());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        String status = "";
        while (System.nanoTime() < deadline && !status.contains("\"restartCount\" : 1")) {
            Thread.sleep(500);
            status = peapod("pod", "status", "supervised", "-o", "json").out();
        }
        assertTrue(status.contains("\"restartCount\" : 1"),
                "the daemon restarted the failed container after the command ended: " + status);
        Result rm = peapod("pod", "rm", "supervised");
        assertEquals(0, rm.code(), rm.toString());
        assertFalse(peapod("pod", "ls").out().contains("supervised"));
    }

    @Test
    void aDaemonServesOnlyItsOwnRoot() throws Exception {
        List<String> args = new ArrayList<>(List.of("ps", "--root", env.dir.resolve("other").toString(), "--state",
                env.config.state().toString()));
        Result r = run(args, new byte[0], Terminal.NONE);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("uses root " + env.config.root() + ", not " + env.dir.resolve("other")), r.err());
        assertTrue(peapod("info").out().contains("mode: client of the daemon (pid " + ProcessHandle.current().pid()),
                "info says who answered");
        Result bare = run(List.of("ps", "--state", env.config.state().toString()), new byte[0], Terminal.NONE);
        assertEquals(0, bare.code(), "without --root the daemon's root is used: " + bare);
        Result otherCni = run(List.of("run", "--state", env.config.state().toString(), "--cni-conf-dir",
                env.dir.resolve("other-cni").toString(), "--network", "cni", KubeTestEnv.IMAGE, "true"), new byte[0],
                Terminal.NONE);
        assertEquals(1, otherCni.code());
        assertTrue(otherCni.err().contains("uses CNI config dir " + env.config.cni().confDir() + ", not "
                + env.dir.resolve("other-cni")), otherCni.err());
    }

    @Test
    void garbageOnTheCommandSocketHarmsNothing() throws Exception {
        byte[][] junk = {"GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            {0x50, 0x50, 0x44, 0x31, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, new byte[0]};
        for (byte[] bytes : junk) {
            try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(daemon.commandSocket()));
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.shutdownOutput();
                java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(64);
                assertEquals(-1, ch.read(answer), "the daemon hangs up without running anything");
            }
        }
        Result ps = peapod("ps");
        assertEquals(0, ps.code(), "the daemon still serves: " + ps);
    }

    @Test
    void theLauncherIsAClientWhenADaemonAnswers() throws Exception {
        Path launcher = Path.of("..", "peapod").toAbsolutePath().normalize();
        Result detached = peapod("run", "-d", "--name", "vialauncher", KubeTestEnv.IMAGE, "sleep", "60");
        assertEquals(0, detached.code(), detached.err());
        Process p = new ProcessBuilder(launcher.toString(), "ps", "--state", env.config.state().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("vialauncher"), "the daemon's containers, with the daemon's root: " + out);
    }
}
