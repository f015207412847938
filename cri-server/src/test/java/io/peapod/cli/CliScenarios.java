package io.peapod.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.cli.common.Terminal;
import io.peapod.kube.testing.KubeTestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command line driven as a user would, over a temp root: every scenario runs in both
 * modes, embedded ({@link CliIT}) and as a client of a running daemon ({@link CliClientIT}).
 * Needs root.
 */
abstract class CliScenarios {
    protected KubeTestEnv env;

    record Result(int code, String out, String err) {
    }

    @BeforeAll
    static void requireRoot() {
        KubeTestEnv.assumeUsable();
    }

    @BeforeEach
    void setUp() throws Exception {
        env = new KubeTestEnv();
        startMode();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            stopMode();
        } finally {
            env.close();
        }
    }

    /** Gets the engine ready for commands: released for an embedded CLI, or served by a daemon. */
    abstract void startMode() throws Exception;

    abstract void stopMode() throws Exception;

    /** Runs {@code args} with {@code stdin} and the caller's {@code terminal}; output as UTF-8. */
    abstract Result run(List<String> args, byte[] stdin, Terminal terminal) throws Exception;

    protected Result peapod(String... args) throws Exception {
        return peapodWithInput("", args);
    }

    protected Result peapodWithInput(String stdin, String... args) throws Exception {
        return peapodWith(stdin, Terminal.NONE, args);
    }

    /** Runs a command (with the root and state options added). */
    protected Result peapodWith(String stdin, Terminal terminal, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        int at = all.size() > 1 && List.of("pod", "image").contains(all.get(0)) ? 2 : 1;
        all.addAll(at, List.of("--root", env.config.root().toString(), "--state", env.config.state().toString()));
        if (!all.contains("--cni-conf-dir")) {
            // the test's own CNI directory (loopback-only pods), never the host's /etc/cni/net.d
            all.addAll(at, List.of("--cni-conf-dir", env.config.cni().confDir().toString()));
        }
        return run(all, stdin.getBytes(StandardCharsets.UTF_8), terminal);
    }

    /** A terminal the test resizes. */
    static final class ResizableTerminal implements Terminal {
        private volatile int[] size;
        private volatile ResizeListener listener;

        ResizableTerminal(int rows, int cols) {
            size = new int[] {rows, cols};
        }

        @Override
        public int[] size() {
            return size;
        }

        @Override
        public Restore raw() {
            return () -> { };
        }

        @Override
        public Restore watchSize(ResizeListener l) {
            listener = l;
            return () -> listener = null;
        }

        /** Resizes once a command watches the size; false if none did within 10 s. */
        boolean resize(int rows, int cols) throws InterruptedException {
            for (int i = 0; i < 100 && listener == null; i++) {
                Thread.sleep(100);
            }
            ResizeListener l = listener;
            if (l == null) {
                return false;
            }
            size = new int[] {rows, cols};
            l.resized(rows, cols);
            return true;
        }
    }

    @Test
    void containersFromTheCommandLine() throws Exception {
        Result ls = peapod("image", "ls");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().contains("peapod.local/busybox"), ls.out());

        Result run = peapod("run", "--rm", "-e", "WHO=peapod", KubeTestEnv.IMAGE, "sh", "-c", "echo hi $WHO; exit 3");
        assertEquals(3, run.code(), "the container's exit code is ours: " + run);
        assertEquals("hi peapod\n", run.out());

        Result detached = peapod("run", "-d", "--name", "sleeper", "--memory", "32m", KubeTestEnv.IMAGE,
                "sh", "-c", "echo up; sleep 100");
        assertEquals(0, detached.code(), detached.err());
        String id = detached.out().trim();
        assertEquals(64, id.length(), detached.out());
        Result ps = peapod("ps");
        assertTrue(ps.out().startsWith("CONTAINER ID"), ps.out());
        assertTrue(ps.out().contains(id.substring(0, 12)) && ps.out().contains("sleeper")
                && ps.out().contains("Up "), ps.out());
        Thread.sleep(300);
        assertEquals("up\n", peapod("logs", "sleeper").out());
        Result stats = peapod("stats", "--interval", "200");
        assertTrue(stats.out().contains("sleeper") && stats.out().contains(" / 33.6MB"), stats.out());
        Result json = peapod("ps", "-o", "json");
        assertTrue(json.out().contains("\"name\" : \"sleeper\""), json.out());
        assertEquals(0, peapod("stop", "-t", "1", "sleeper").code());
        assertTrue(peapod("ps", "-a").out().contains("Exited (137)"));
        assertEquals(0, peapod("rm", id.substring(0, 8)).code());
        assertFalse(peapod("ps", "-a").out().contains("sleeper"));

        Result missing = peapod("logs", "nobody");
        assertEquals(1, missing.code());
        assertEquals("peapod: no container nobody\n", missing.err(), "one line, no stack trace");
    }

    @Test
    void execRunsInTheContainerWithItsExitCode() throws Exception {
        Result detached = peapod("run", "-d", "--name", "target", KubeTestEnv.IMAGE, "sleep", "100");
        assertEquals(0, detached.code(), detached.err());
        Result exec = peapod("exec", "target", "sh", "-c", "echo pid1=$(cat /proc/1/cmdline | tr '\\0' ' '); exit 4");
        assertEquals(4, exec.code(), exec.err());
        assertEquals("pid1=sleep 100\n", exec.out());
        Result cat = peapodWithInput("round trip\n", "exec", "-i", "target", "cat");
        assertEquals(0, cat.code(), cat.err());
        assertEquals("round trip\n", cat.out());
        Result talker = peapod("run", "-d", "--name", "talker", KubeTestEnv.IMAGE, "sh", "-c",
                "sleep 1; echo late line; sleep 0.2");
        assertEquals(0, talker.code(), talker.err());
        Result attach = peapod("attach", "talker");
        assertEquals(0, attach.code(), attach.err());
        assertEquals("late line\n", attach.out(),
                "attach shows output from the moment it attached until the container exits");
        assertEquals(0, peapod("rm", "-f", "talker").code());
        Result missing = peapod("exec", "nobody", "true");
        assertEquals(1, missing.code());
        assertEquals(0, peapod("rm", "-f", "target").code());
    }

    @Test
    void aForegroundRunLeavesTheStoreToOtherCommands() throws Exception {
        var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return peapod("run", "--rm", "--name", "fg", KubeTestEnv.IMAGE, "sh", "-c", "sleep 3; echo done");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Result ps = null;
        for (int i = 0; i < 100 && (ps == null || !ps.out().contains(" fg")); i++) {
            Thread.sleep(100);
            ps = peapod("ps");
        }
        assertEquals(0, ps.code(), "ps runs while a container runs in the foreground: " + ps);
        assertTrue(ps.out().contains(" fg"), ps.out());
        Result exec = peapod("exec", "fg", "echo", "inside");
        assertEquals("inside\n", exec.out(), "exec too, and its own lock is released while it runs: " + exec);
        Result r = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertEquals("done\n", r.out());
        assertFalse(peapod("ps", "-a").out().contains(" fg"), "--rm took the store back to remove it");
    }

    @Test
    void runPassesStdinAndGivesATerminal() throws Exception {
        Result cat = peapodWithInput("to the container\n", "run", "--rm", "-i", KubeTestEnv.IMAGE, "sh", "-c",
                "cat; echo after end of input; exit 5");
        assertEquals(5, cat.code(), cat.err());
        assertEquals("to the container\nafter end of input\n", cat.out(),
                "the end of our stdin ends the container's");
        Result tty = peapod("run", "--rm", "-t", KubeTestEnv.IMAGE, "sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo on a tty");
        assertEquals(0, tty.code(), tty.err());
        assertEquals("on a tty\r\n", tty.out(), "a terminal's line endings");
        assertFalse(peapod("ps", "-a").out().contains(KubeTestEnv.IMAGE), "--rm removed both");
    }

    @Test
    void aTerminalStartsWithTheCallersSizeAndFollowsItsResizes() throws Exception {
        assertEquals(0, peapod("run", "-d", "--name", "resized", KubeTestEnv.IMAGE, "sleep", "100").code());
        ResizableTerminal terminal = new ResizableTerminal(10, 40);
        var exec = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return peapodWith("", terminal, "exec", "-t", "resized", "sh", "-c",
                        "stty size; trap 'stty size; exit 7' WINCH; while :; do sleep 0.1; done");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(terminal.resize(33, 111), "exec -t watches the caller's terminal");
        Result r = exec.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(7, r.code(), r.toString());
        assertEquals("10 40\r\n33 111\r\n", r.out());
        assertEquals(0, peapod("rm", "-f", "resized").code());
    }

    @Test
    void usersAreNamesOrIdsOfTheImagesOwnPasswd() throws Exception {
        Result byName = peapod("run", "--rm", "--user", "nobody", KubeTestEnv.IMAGE, "sh", "-c", "id -u; id -g");
        assertEquals(0, byName.code(), byName.err());
        assertEquals("65534\n65534\n", byName.out(), "nobody's uid and group from the image's /etc/passwd");
        Result withGroup = peapod("run", "--rm", "-u", "nobody:root", KubeTestEnv.IMAGE, "sh", "-c", "id -u; id -g");
        assertEquals("65534\n0\n", withGroup.out(), withGroup.err());
        Result numeric = peapod("run", "--rm", "-u", "4242", KubeTestEnv.IMAGE, "sh", "-c", "id -u; id -g");
        assertEquals("4242\n0\n", numeric.out(), "a uid not in /etc/passwd runs with gid 0: " + numeric.err());

        List<String> bundlesBefore = bundles();
        Result missing = peapod("run", "--rm", "--user", "ghost", KubeTestEnv.IMAGE, "true");
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("peapod: container ") && missing.err().contains("user \"ghost\"")
                && missing.err().contains("/etc/passwd") && missing.err().lines().count() == 1, missing.err());
        assertEquals(bundlesBefore, bundles(), "the refused container left no bundle behind");

        Path archive = KubeTestEnv.busyboxArchive(env.dir.resolve("nobody.tar"), KubeTestEnv.NOBODY_IMAGE, "nobody");
        Result imported = peapod("image", "import", archive.toString());
        assertEquals(0, imported.code(), imported.err());
        Result imageUser = peapod("run", "--rm", KubeTestEnv.NOBODY_IMAGE, "id", "-u");
        assertEquals(0, imageUser.code(), imageUser.err());
        assertEquals("65534\n", imageUser.out(), "the image's User, a name");
        assertEquals("0\n", peapod("run", "--rm", "-u", "root", KubeTestEnv.NOBODY_IMAGE, "id", "-u").out(),
                "--user wins over the image's User");
    }

    @Test
    void runOnTheCniNetworkGetsAnAddressAndRmTakesItsSandbox() throws Exception {
        Path plugins = Path.of("/usr/lib/cni");
        for (String plugin : List.of("bridge", "host-local")) {
            assumeTrue(Files.isExecutable(plugins.resolve(plugin)), "needs " + plugins.resolve(plugin)
                    + " (Debian's containernetworking-plugins)");
        }
        String bridge = "pprun" + UUID.randomUUID().toString().substring(0, 6);
        String taken = sh("ip", "-o", "addr") + sh("ip", "route");
        String subnet;
        do {
            subnet = "10.232." + ThreadLocalRandom.current().nextInt(1, 250) + ".";
        } while (taken.contains(subnet));
        Path ipam = env.dir.resolve("ipam");
        // the test engine's CNI config dir (empty: loopback-only pods), read at each sandbox's set-up; the
        // embedded command line is pointed at it, a daemon uses it already
        String cniConfDir = env.config.cni().confDir().toString();
        Files.writeString(env.config.cni().confDir().resolve("10-run-it.conflist"), """
                {"cniVersion": "1.0.0", "name": "peapod-run-it", "plugins": [{"type": "bridge", "bridge": "%s",
                 "isGateway": true, "ipMasq": false, "ipam": {"type": "host-local", "subnet": "%s0/24",
                 "dataDir": "%s"}}]}""".formatted(bridge, subnet, ipam));
        try {
            Result fg = peapod("run", "--rm", "--network", "cni", "--cni-conf-dir", cniConfDir, KubeTestEnv.IMAGE,
                    "ip", "-o", "-4", "addr", "show", "eth0");
            assertEquals(0, fg.code(), fg.err());
            assertTrue(fg.out().matches("\\d+: eth0 +inet " + Pattern.quote(subnet)
                    + "\\d+/24 .*\n"), "one eth0 address from the bridge's subnet and nothing else: " + fg.out());
            assertEquals(List.of(), networkLeftovers(bridge, ipam), "--rm took the sandbox");

            Result detached = peapod("run", "-d", "--name", "web", "--network", "cni", "--cni-conf-dir", cniConfDir,
                    KubeTestEnv.IMAGE, "sleep", "100");
            assertEquals(0, detached.code(), detached.err());
            String addr = peapod("exec", "web", "ip", "-o", "-4", "addr", "show", "eth0").out();
            Matcher ip = Pattern.compile("inet (" + Pattern.quote(subnet) + "\\d+)/24").matcher(addr);
            assertTrue(ip.find(), addr);
            Result inspect = peapod("inspect", "web");
            assertTrue(inspect.out().contains("\"ipAddress\" : \"" + ip.group(1) + "\""), inspect.out());
            assertTrue(inspect.out().contains("\"network\" : \"peapod-run-it\""), inspect.out());
            Result ps = peapod("ps", "-a");
            assertEquals(2, ps.out().lines().count(), "the sandbox's infra container is not listed: " + ps.out());
            assertEquals(1, pins("netns").size(), "the sandbox's network namespace is pinned");
            Path netns = env.config.state().resolve("netns").resolve(pins("netns").get(0));
            assertTrue(sh("ip", "-o", "link", "show", "master", bridge).contains("master " + bridge),
                    "the container's veth is on the bridge");

            Result rm = peapod("rm", "-f", "web");
            assertEquals(0, rm.code(), rm.err());
            assertEquals(List.of(), networkLeftovers(bridge, ipam), "rm took the sandbox");
            assertEquals(List.of(), pins("netns"));
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(netns + " "),
                    "the network namespace is no longer mounted at " + netns);
        } finally {
            sh("ip", "link", "del", bridge);
        }
    }

    @Test
    void runOnTheCniNetworkWithoutAConfigIsRefused() throws Exception {
        Result r = peapod("run", "--rm", "--network", "cni", "--cni-conf-dir", env.config.cni().confDir().toString(),
                KubeTestEnv.IMAGE, "true");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("peapod: --network cni: no CNI network configuration")
                && r.err().contains(env.config.cni().confDir().toString()), r.err());
        assertEquals(List.of(), pins("netns"));
        assertEquals(List.of(), bundles(), "nothing was created");
    }

    /** Sandboxes, bridge ports and address allocations still there. */
    private List<String> networkLeftovers(String bridge, Path ipam) throws Exception {
        List<String> left = new ArrayList<>();
        left.addAll(pins("pods"));
        sh("ip", "-o", "link", "show", "master", bridge).lines().forEach(l -> left.add("bridge port " + l));
        Path allocations = ipam.resolve("peapod-run-it");
        if (Files.isDirectory(allocations)) {
            try (var s = Files.list(allocations)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("10."))
                        .forEach(n -> left.add("allocated " + n));
            }
        }
        return left;
    }

    /** The entries of a directory under the state directory (netns pins, pod sandbox records). */
    private List<String> pins(String dir) throws IOException {
        Path d = env.config.state().resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** The containers' bundle directories under the root. */
    private List<String> bundles() throws IOException {
        Path dir = env.config.root().resolve("containers");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void podsFromTheCommandLine() throws Exception {
        Path manifest = env.dir.resolve("pod.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: clipod}
                spec:
                  terminationGracePeriodSeconds: 1
                  initContainers:
                  - {name: init, image: %1$s, imagePullPolicy: Never, command: [sh, -c, 'echo init done']}
                  containers:
                  - name: app
                    image: %1$s
                    imagePullPolicy: Never
                    command: [sh, -c, 'echo serving; sleep 100']
                    readinessProbe: {exec: {command: ['true']}, periodSeconds: 1}
                """.formatted(KubeTestEnv.IMAGE));
        Result run = peapod("pod", "run", manifest.toString());
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("clipod") && run.out().contains("1/1") && run.out().contains("Running"),
                run.out());
        Result ls = peapod("pod", "ls");
        assertTrue(ls.out().contains("clipod"), ls.out());
        Result status = peapod("pod", "status", "clipod");
        assertTrue(status.out().contains("Status:      Running"), status.out());
        assertTrue(status.out().contains("Ready             True"), status.out());
        Result json = peapod("pod", "status", "clipod", "-o", "json");
        assertTrue(json.out().contains("\"phase\" : \"Running\""), json.out());
        assertEquals("init done\n", peapod("pod", "logs", "clipod", "-c", "init").out());
        assertEquals("serving\n", peapod("pod", "logs", "clipod").out());
        Result again = peapod("pod", "run", manifest.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains("pod default/clipod already exists"), again.err());
        Result stop = peapod("pod", "stop", "--grace", "1", "clipod");
        assertEquals(0, stop.code(), stop.toString());
        Result stopped = peapod("pod", "status", "clipod", "-o", "json");
        // sh as PID 1 ignores SIGTERM: SIGKILL after the grace period
        assertTrue(stopped.out().contains("\"phase\" : \"Failed\"") && stopped.out().contains("\"exitCode\" : 137"),
                "stop keeps the pod, its app killed: " + stopped.out());
        assertTrue(peapod("pod", "ls").out().contains("clipod"));
        assertEquals("serving\n", peapod("pod", "logs", "clipod").out(), "and its logs");
        assertEquals(0, peapod("pod", "rm", "clipod").code());
        assertFalse(peapod("pod", "ls").out().contains("clipod"));
        assertFalse(peapod("ps", "-a").out().contains("clipod"));
    }

    @Test
    void badManifestsAreExplainedAndStartNothing() throws Exception {
        Path bad = env.dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Pod
                metadata: {name: bad}
                spec:
                  containers:
                  - {name: a, image: x, livenessProbe: {periodSeconds: 1}}
                  - {name: a}
                """);
        Result r = peapod("pod", "run", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("spec.containers[0].livenessProbe: needs one handler"), r.err());
        assertTrue(r.err().contains("spec.containers[1].name: duplicate container name \"a\""), r.err());
        assertTrue(r.err().contains("spec.containers[1].image: is required"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        Files.writeString(bad, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: indent\n");
        Result syntax = peapod("pod", "run", bad.toString());
        assertTrue(syntax.err().matches("(?s)peapod: .*bad.yaml: YAML syntax error at line \\d+, column \\d+.*"),
                syntax.err());
        assertTrue(peapod("pod", "ls").out().trim().startsWith("NAME"));
        assertEquals(1, peapod("pod", "ls").out().trim().lines().count(), "nothing started");
    }
}
