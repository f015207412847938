package io.peapod.cli.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Parsing and output shapes of {@code peapod oci}, without root. */
class OciCommandLineTest {
    @TempDir
    Path tmp;

    @Test
    void signalsByNameNumberAndPrefix() {
        assertEquals(9, Signals.parse("9"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(15, Signals.parse("sigterm"));
        assertEquals(10, Signals.parse("USR1"));
        assertEquals(34, Signals.parse("RTMIN"));
        assertEquals(37, Signals.parse("SIGRTMIN+3"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Signals.parse("SIGNOPE"));
        assertEquals("unknown signal \"SIGNOPE\"", e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Signals.parse("0"));
        assertThrows(InvalidArgumentException.class, () -> Signals.parse("65"));
    }

    private static CommandLine parser() {
        CommandLine cl = new CommandLine(new OciCommand());
        cl.getSubcommands().get("exec").setStopAtPositional(true);
        cl.getSubcommands().get("ps").setStopAtPositional(true);
        return cl;
    }

    @Test
    void globalFlagsAsConmonPassesThem() {
        CommandLine.ParseResult r = parser().parseArgs("--root", "/run/x", "--log", "/tmp/l.json", "--log-format",
                "json", "--systemd-cgroup", "create", "--bundle", "/b", "--pid-file", "/p", "--console-socket", "/s",
                "--no-pivot", "--no-new-keyring", "--preserve-fds", "0", "cid");
        OciCommand oci = (OciCommand) r.commandSpec().userObject();
        assertEquals(Path.of("/run/x"), oci.root);
        assertEquals("json", oci.logFormat);
        assertTrue(oci.systemdCgroup);
        OciCreate create = (OciCreate) r.subcommand().commandSpec().userObject();
        assertEquals("cid", create.id);
        assertEquals(Path.of("/b"), create.bundle);
        assertEquals(Path.of("/s"), create.consoleSocket);
        assertTrue(create.noPivot);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, oci::runtime);
        assertTrue(e.getMessage().contains("--systemd-cgroup is not supported"), e.getMessage());
    }

    @Test
    void defaultRootIsRunPeapodOci() {
        CommandLine.ParseResult r = parser().parseArgs("state", "x");
        assertEquals(Path.of("/run/peapod-oci"), ((OciCommand) r.commandSpec().userObject()).root);
    }

    @Test
    void execKeepsTheCommandsOwnOptions() {
        CommandLine.ParseResult r = parser().parseArgs("exec", "--detach", "--pid-file", "/p", "--tty",
                "--console-socket", "/s", "--cwd", "/w", "--env", "A=1", "--user", "1:2", "cid", "sh", "-c", "exit 3");
        OciExec exec = (OciExec) r.subcommand().commandSpec().userObject();
        assertTrue(exec.detach && exec.tty);
        assertEquals("cid", exec.id);
        assertEquals(List.of("sh", "-c", "exit 3"), exec.command);
        assertEquals(List.of("A=1"), exec.env);
        assertEquals("1:2", exec.user);
    }

    @Test
    void killTakesAllAndASignal() {
        CommandLine.ParseResult r = parser().parseArgs("kill", "--all", "cid", "KILL");
        OciKill kill = (OciKill) r.subcommand().commandSpec().userObject();
        assertTrue(kill.all);
        assertEquals("KILL", kill.signal);
        assertEquals("SIGTERM", ((OciKill) parser().parseArgs("kill", "cid").subcommand().commandSpec()
                .userObject()).signal);
    }

    @Test
    void updateMergesResourcesFileAndFlags() throws Exception {
        Path f = tmp.resolve("r.json");
        Files.writeString(f, "{\"memory\":{\"limit\":1000,\"swap\":2000},\"cpu\":{\"shares\":512}}");
        OciUpdate u = (OciUpdate) parser().parseArgs("update", "--resources", f.toString(), "--memory", "4096",
                "--pids-limit", "9", "cid").subcommand().commandSpec().userObject();
        var res = u.resources();
        assertEquals(4096L, res.memory.limit);
        assertEquals(2000L, res.memory.swap);
        assertEquals(512L, res.cpu.shares);
        assertEquals(9L, res.pids.limit);

        Files.writeString(f, "{\"memory\": 12");
        OciUpdate bad = (OciUpdate) parser().parseArgs("update", "-r", f.toString(), "cid").subcommand()
                .commandSpec().userObject();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, bad::resources);
        assertTrue(e.getMessage().startsWith("--resources " + f + ": not a linux.resources object"), e.getMessage());
    }

    @Test
    void psTableKeepsTheHeaderAndTheContainersLines() {
        String ps = "UID        PID  PPID  C STIME TTY          TIME CMD\n"
                + "root         1     0  0 03:00 ?        00:00:01 /sbin/init\n"
                + "root       222     1  0 03:00 ?        00:00:00 sleep 1000\n"
                + "root       333   222  0 03:00 ?        00:00:00 sh -c x\n";
        String out = OciPs.filterTable(ps, Set.of(222, 333));
        assertEquals(3, out.split("\n").length);
        assertFalse(out.contains("/sbin/init"));
        assertThrows(InvalidArgumentException.class, () -> OciPs.filterTable("USER COMMAND\nroot x\n", Set.of(1)));
    }

    @Test
    void eventIntervals() {
        assertEquals(Duration.ofSeconds(5), OciEvents.parseInterval("5s"));
        assertEquals(Duration.ofMillis(250), OciEvents.parseInterval("250ms"));
        assertEquals(Duration.ofMinutes(2), OciEvents.parseInterval("2m"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> OciEvents.parseInterval("soon"));
        assertTrue(e.getMessage().contains("\"soon\""));
        assertThrows(InvalidArgumentException.class, () -> OciEvents.parseInterval("0s"));
    }

    @Test
    void featuresDescribeWhatPeapodDoes() throws Exception {
        JsonNode f = OciJson.MAPPER.valueToTree(OciFeatures.features());
        assertEquals("1.2.0", f.get("ociVersionMax").asText());
        assertEquals(6, f.get("hooks").size());
        assertFalse(f.at("/linux/cgroup/systemd").asBoolean());
        assertTrue(f.at("/linux/seccomp/enabled").asBoolean());
        assertFalse(f.at("/linux/seccomp/actions").toString().contains("SCMP_ACT_NOTIFY"));
        assertTrue(f.at("/linux/capabilities").toString().contains("CAP_SYS_ADMIN"));
        assertTrue(f.get("mountOptions").toString().contains("\"rbind\""));
        assertFalse(f.at("/linux/selinux/enabled").asBoolean());
    }

    @Test
    void stateJsonHasRuncsShape() {
        ContainerRecord r = new ContainerRecord("c1", "/b", "/b/rootfs", ContainerStatus.RUNNING, 42, 7, 0,
                "peapod/c1", "2026-01-01T00:00:00Z", null, null, null, null, "root", Map.of("a", "b"));
        Map<String, Object> m = OciState.stateOf(r);
        assertEquals(List.of("ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner",
                "annotations"), List.copyOf(m.keySet()));
        assertEquals(42, m.get("pid"));
        assertEquals("running", m.get("status"));
        assertEquals(0, OciState.stateOf(r.withExit(0, false, "2026-01-01T00:00:01Z")).get("pid"));
    }

    @Test
    void eventsStatsShape() {
        var b = io.peapod.runtime.cgroup.CgroupStats.builder();
        b.cpuUsageNanos = 5;
        b.pidsCurrent = 2;
        b.pidsLimit = 10;
        JsonNode e = OciJson.MAPPER.valueToTree(OciEvents.event("c1", b.build()));
        assertEquals("stats", e.get("type").asText());
        assertEquals(5, e.at("/data/cpu/usage/total").asLong());
        assertEquals(10, e.at("/data/pids/limit").asLong());
        assertTrue(e.at("/data/memory/usage/limit").isMissingNode(), "unlimited memory has no limit field");
    }

    @Test
    void versionInRuncsFormat() {
        String[] lines = new OciCommand.VersionLines().getVersion();
        assertTrue(lines[0].startsWith("runc version "));
        assertEquals("spec: 1.2.0", lines[lines.length - 1]);
    }
}
