package io.peapod.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

    @TempDir
    static Path bundle;

    @BeforeEach
    void rootfs() throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
    }

    static Arguments bad(String expected, Consumer<Spec> breakIt) {
        return Arguments.of(expected, breakIt);
    }

    static List<Long> longs(long... v) {
        List<Long> l = new ArrayList<>();
        for (long x : v) {
            l.add(x);
        }
        return l;
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                bad("ociVersion: missing", s -> s.ociVersion = null),
                bad("ociVersion: unsupported version \"2.0.0\"; a 1.x version is required", s -> s.ociVersion = "2.0.0"),
                bad("root: missing", s -> s.root = null),
                bad("root.path: missing", s -> s.root.path = ""),
                bad("root.path: root filesystem \"nothere\" (" + bundle.resolve("nothere") + ") is not a directory",
                        s -> s.root.path = "nothere"),
                bad("process.args: empty; the process needs at least a program to run", s -> s.process.args = List.of()),
                bad("process.cwd: working directory \"srv\" is not an absolute path", s -> s.process.cwd = "srv"),
                bad("process.env[1]: environment entry \"=x\" is not NAME=value",
                        s -> s.process.env = List.of("A=b", "=x")),
                bad("process.user.uid: value 4294967296 is not within 0…4294967295", s -> s.process.user.uid = 4294967296L),
                bad("process.user.additionalGids[1]: value -1 is not within 0…4294967295",
                        s -> s.process.user.additionalGids = longs(1, -1)),
                bad("process.capabilities.effective[1]: unknown capability \"CAP_FLY\"",
                        s -> s.process.capabilities.effective = List.of("CAP_KILL", "CAP_FLY")),
                bad("process.capabilities.effective[3]: capability \"CAP_SYS_ADMIN\" is not in the permitted set",
                        s -> s.process.capabilities.effective.add("CAP_SYS_ADMIN")),
                bad("process.rlimits[1].type: unknown rlimit type \"RLIMIT_FILES\"",
                        s -> s.process.rlimits.add(new PosixRlimit("RLIMIT_FILES", 1, 1))),
                bad("process.rlimits[1]: soft limit 2048 of RLIMIT_CORE is above the hard limit 1024",
                        s -> s.process.rlimits.add(new PosixRlimit("RLIMIT_CORE", 1024, 2048))),
                bad("process.rlimits[1].type: rlimit \"RLIMIT_NOFILE\" given twice",
                        s -> s.process.rlimits.add(new PosixRlimit("RLIMIT_NOFILE", 1, 1))),
                bad("process.oomScoreAdj: value 1001 is not within -1000…1000", s -> s.process.oomScoreAdj = 1001),
                bad("process.consoleSize: set although process.terminal is not true", s -> {
                    s.process.terminal = false;
                    s.process.consoleSize = new Box(24, 80);
                }),
                bad("process.consoleSize.width: value 70000 is not within 0…65535", s -> {
                    s.process.terminal = true;
                    s.process.consoleSize = new Box(24, 70000);
                }),
                bad("mounts[2].destination: mount destination \"dev/pts\" is not an absolute path",
                        s -> s.mounts.get(2).destination = "dev/pts"),
                bad("hooks.poststop[0].path: hook program \"hook.sh\" is not an absolute path", s -> {
                    s.hooks = new Hooks();
                    Hook h = new Hook();
                    h.path = "hook.sh";
                    s.hooks.poststop = List.of(h);
                }),
                bad("linux.namespaces[2].type: unknown namespace type \"netz\"",
                        s -> s.linux.namespaces.get(2).type = "netz"),
                bad("linux.namespaces[6].type: namespace type \"pid\" listed twice",
                        s -> s.linux.namespaces.add(new LinuxNamespace("pid"))),
                bad("linux.namespaces[1].path: namespace file \"/proc/self/ns/nope\" does not exist",
                        s -> s.linux.namespaces.get(1).path = "/proc/self/ns/nope"),
                bad("linux.uidMappings: id mappings given without a user namespace in linux.namespaces",
                        s -> s.linux.uidMappings = List.of(new LinuxIdMapping(0, 1000, 1))),
                bad("linux.uidMappings: a new user namespace needs uid mappings",
                        s -> s.linux.namespaces.add(new LinuxNamespace("user"))),
                bad("linux.gidMappings[0].size: mapping of zero ids", s -> {
                    s.linux.namespaces.add(new LinuxNamespace("user"));
                    s.linux.uidMappings = List.of(new LinuxIdMapping(0, 100000, 65536));
                    s.linux.gidMappings = List.of(new LinuxIdMapping(0, 100000, 0));
                }),
                bad("linux.uidMappings[1].containerID: container ids 1000…1009 overlap those of"
                        + " linux.uidMappings[0] 0…65535", s -> {
                            s.linux.namespaces.add(new LinuxNamespace("user"));
                            s.linux.uidMappings = List.of(new LinuxIdMapping(0, 100000, 65536),
                                    new LinuxIdMapping(1000, 1000, 10));
                            s.linux.gidMappings = List.of(new LinuxIdMapping(0, 100000, 65536));
                        }),
                bad("linux.gidMappings[1].hostID: host ids 100005…100005 overlap those of"
                        + " linux.gidMappings[0] 100000…100009", s -> {
                            s.linux.namespaces.add(new LinuxNamespace("user"));
                            s.linux.uidMappings = List.of(new LinuxIdMapping(0, 100000, 65536));
                            s.linux.gidMappings = List.of(new LinuxIdMapping(0, 100000, 10),
                                    new LinuxIdMapping(20, 100005, 1));
                        }),
                bad("hostname: hostname \"peapod\" set without a uts namespace",
                        s -> s.linux.namespaces.removeIf(n -> n.type.equals("uts"))),
                bad("domainname: domainname \"example.org\" set without a uts namespace", s -> {
                    s.hostname = null;
                    s.domainname = "example.org";
                    s.linux.namespaces.removeIf(n -> n.type.equals("uts"));
                }),
                bad("linux.sysctl.kernel.panic: sysctl \"kernel.panic\" is not namespaced; setting it would change the host",
                        s -> sysctl(s, "kernel.panic", "1")),
                bad("linux.sysctl.net.ipv4.ip_forward: sysctl \"net.ipv4.ip_forward\" needs a network namespace"
                        + " in linux.namespaces", s -> {
                            s.linux.namespaces.removeIf(n -> n.type.equals("network"));
                            sysctl(s, "net.ipv4.ip_forward", "1");
                        }),
                bad("linux.sysctl.net/../x: malformed sysctl name \"net/../x\"", s -> sysctl(s, "net/../x", "1")),
                bad("linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_MAYBE\"", s -> {
                    s.linux.seccomp = new Seccomp();
                    s.linux.seccomp.defaultAction = "SCMP_ACT_ERRNO";
                    s.linux.seccomp.syscalls = List.of(new SeccompSyscall(List.of("read"), "SCMP_ACT_MAYBE"));
                }),
                bad("linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_IN\"", s -> {
                    s.linux.seccomp = new Seccomp();
                    s.linux.seccomp.defaultAction = "SCMP_ACT_ERRNO";
                    SeccompSyscall r = new SeccompSyscall(List.of("read"), "SCMP_ACT_ALLOW");
                    r.args = List.of(new SeccompArg(0, 1, null, "SCMP_CMP_IN"));
                    s.linux.seccomp.syscalls = List.of(r);
                }),
                bad("linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"", s -> {
                    s.linux.seccomp = new Seccomp();
                    s.linux.seccomp.defaultAction = "SCMP_ACT_ERRNO";
                    s.linux.seccomp.architectures = List.of("SCMP_ARCH_VAX");
                }),
                bad("linux.resources.memory.limit: value -2 is negative (only -1, unlimited, is allowed)", s -> {
                    s.linux.resources.memory = new LinuxMemory();
                    s.linux.resources.memory.limit = -2L;
                }),
                bad("linux.resources.cpu.quota: value -5 is negative (only -1, unlimited, is allowed)", s -> {
                    s.linux.resources.cpu = new LinuxCpu();
                    s.linux.resources.cpu.quota = -5L;
                }),
                bad("linux.resources.memory.swappiness: swappiness 101 is not within 0…100", s -> {
                    s.linux.resources.memory = new LinuxMemory();
                    s.linux.resources.memory.swappiness = 101L;
                }),
                bad("linux.resources.blockIO.weight: weight 5 is not within 10…1000", s -> {
                    s.linux.resources.blockIO = new LinuxBlockIo();
                    s.linux.resources.blockIO.weight = 5;
                }),
                bad("linux.resources.cpu.cpus: cpu list \"0-3,x\" is not like \"0-3,5\"", s -> {
                    s.linux.resources.cpu = new LinuxCpu();
                    s.linux.resources.cpu.cpus = "0-3,x";
                }),
                bad("linux.resources.devices[0].access: access \"rwx\" is not a combination of r, w and m",
                        s -> s.linux.resources.devices.set(0, new LinuxDeviceCgroup(true, "c", 1L, 3L, "rwx"))),
                bad("linux.resources.devices[0]: a rule for all device types cannot name numbers or a partial access"
                        + " (major 1, minor null, access \"rwm\"); use type c or b",
                        s -> s.linux.resources.devices.set(0, new LinuxDeviceCgroup(false, "a", 1L, null, "rwm"))),
                bad("linux.resources.devices[0]: a rule for all device types cannot name numbers or a partial access"
                        + " (major null, minor null, access \"w\"); use type c or b",
                        s -> s.linux.resources.devices.set(0, new LinuxDeviceCgroup(false, null, null, null, "w"))),
                bad("linux.cgroupsPath: cgroups path \"/peapod/../../etc\" contains \"..\"",
                        s -> s.linux.cgroupsPath = "/peapod/../../etc"),
                bad("linux.cgroupsPath: cgroups path \"system.slice:peapod:..\" contains \"..\"",
                        s -> s.linux.cgroupsPath = "system.slice:peapod:.."),
                bad("linux.rootfsPropagation: unknown propagation \"rsharedx\"", s -> s.linux.rootfsPropagation = "rsharedx"),
                bad("linux.maskedPaths[0]: path \"proc/kcore\" is not absolute",
                        s -> s.linux.maskedPaths.set(0, "proc/kcore")),
                bad("linux.devices[0].type: unknown device type \"x\"; expected c, b, u or p", s -> {
                    LinuxDevice d = new LinuxDevice();
                    d.path = "/dev/fuse";
                    d.type = "x";
                    s.linux.devices = List.of(d);
                }),
                bad("linux.timeOffsets: time offsets need a new time namespace in linux.namespaces", s -> {
                    s.linux.timeOffsets = new LinkedHashMap<>();
                    s.linux.timeOffsets.put("monotonic", new LinuxTimeOffset());
                }),
                bad("linux.personality.domain: unknown personality domain \"BSD\"", s -> {
                    s.linux.personality = new LinuxPersonality();
                    s.linux.personality.domain = "BSD";
                }));
    }

    static void sysctl(Spec s, String name, String value) {
        s.linux.sysctl = new LinkedHashMap<>();
        s.linux.sysctl.put(name, value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void rejects(String expected, Consumer<Spec> breakIt) {
        Spec spec = DefaultSpec.create(false);
        SpecValidator.validate(spec, bundle);
        breakIt.accept(spec);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SpecValidator.validate(spec, bundle));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void acceptsWhatTheSpecAllows() throws Exception {
        Spec spec = DefaultSpec.create(false);
        spec.domainname = "example.org";
        spec.linux.namespaces.get(1).path = "/proc/self/ns/net";
        spec.linux.namespaces.add(new LinuxNamespace("user", "/proc/self/ns/user"));
        spec.linux.uidMappings = List.of(new LinuxIdMapping(0, 100000, 65536), new LinuxIdMapping(65536, 1000, 1));
        spec.linux.gidMappings = List.of(new LinuxIdMapping(0, 100000, 65536));
        spec.linux.sysctl = new LinkedHashMap<>();
        spec.linux.sysctl.put("net.ipv4.ip_unprivileged_port_start", "0");
        spec.linux.sysctl.put("kernel.shm_rmid_forced", "1");
        spec.linux.sysctl.put("fs.mqueue.msg_max", "20");
        spec.linux.cgroupsPath = "system.slice:peapod:abc";
        spec.linux.seccomp = io.peapod.runtime.seccomp.DefaultProfile.runtimeDefault();
        spec.linux.resources.memory = new LinuxMemory();
        spec.linux.resources.memory.limit = -1L;
        spec.linux.resources.memory.swap = -1L;
        spec.linux.resources.cpu = new LinuxCpu();
        spec.linux.resources.cpu.quota = -1L;
        spec.linux.resources.cpu.cpus = "0-1,3";
        spec.linux.resources.pids = new LinuxPids(-1);
        spec.process.rlimits.add(new PosixRlimit("RLIMIT_CORE", Uint64.INFINITY, Uint64.INFINITY));
        spec.linux.rootfsPropagation = "rprivate";
        SpecValidator.validate(spec, bundle);
        // Without a bundle directory the rootfs is not looked for.
        spec.root.path = "not-yet-mounted";
        SpecValidator.validate(spec, null);
        // A config read from disk validates the same way.
        SpecValidator.validate(SpecIO.fromJson(SpecIO.toJson(spec)), null);
    }

    @Test
    void aJoinedUtsNamespaceMayCarryTheHostname() {
        Spec spec = DefaultSpec.create(false);
        spec.linux.namespace("uts").path = "/proc/self/ns/uts";
        SpecValidator.validate(spec, bundle);
    }

    @Test
    void nullSpec() {
        assertThrows(InvalidArgumentException.class, () -> SpecValidator.validate(null, bundle));
    }
}
