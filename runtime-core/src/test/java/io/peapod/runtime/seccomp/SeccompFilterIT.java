package io.peapod.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SeccompSyscall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads compiled filters into the real kernel: a small C program (src/test/c/seccomp-probe.c,
 * built here with gcc into target/) reads the filter bytes, installs them with no_new_privs and
 * seccomp(SECCOMP_SET_MODE_FILTER), makes the calls it is told to and prints what it got back.
 */
class SeccompFilterIT {

    static Path probe;

    @TempDir
    Path tmp;

    @BeforeAll
    static void buildProbe() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed: cannot build the probe");
        assumeTrue(Files.exists(Path.of("/proc/sys/kernel/seccomp/actions_avail")),
                "kernel without seccomp filter support");
        Path source = Path.of("src/test/c/seccomp-probe.c").toAbsolutePath();
        probe = Path.of("target/seccomp-probe").toAbsolutePath();
        Files.createDirectories(probe.getParent());
        List<String> out = run(List.of("/usr/bin/gcc", "-O2", "-Wall", "-Werror", "-o", probe.toString(),
                source.toString()));
        assertEquals(List.of(), out, "gcc output");
    }

    private static List<String> run(List<String> cmd) throws IOException, InterruptedException {
        java.lang.Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(cmd + " did not finish in 30 s");
            }
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(cmd + " exited with " + p.exitValue() + ": " + text);
            }
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        } finally {
            p.destroyForcibly();
        }
    }

    private List<String> probe(Seccomp profile, String... calls) throws Exception {
        Path filter = tmp.resolve("filter.bpf");
        Files.write(filter, SeccompCompiler.compile(profile));
        List<String> cmd = new ArrayList<>(List.of(probe.toString(), filter.toString(),
                Integer.toString(SeccompCompiler.filterFlags(profile))));
        cmd.addAll(List.of(calls));
        return run(cmd);
    }

    @Test
    void deniedCallsFailWithTheirErrnoAndOthersWork() throws Exception {
        Seccomp s = new Seccomp();
        s.defaultAction = "SCMP_ACT_ALLOW";
        s.architectures = List.of("SCMP_ARCH_X86_64");
        SeccompSyscall mkdir = new SeccompSyscall(List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO");
        SeccompSyscall chdir = new SeccompSyscall(List.of("chdir"), "SCMP_ACT_ERRNO");
        chdir.errnoRet = 38L;
        s.syscalls = List.of(mkdir, chdir);
        String dir = tmp.resolve("made").toString();
        assertEquals(List.of("getpid 1 0", "mkdir:" + dir + " -1 1", "chdir:/ -1 38"),
                probe(s, "getpid", "mkdir:" + dir, "chdir:/"));
        assertEquals(false, Files.exists(Path.of(dir)));
    }

    @Test
    void runtimeDefaultProfileInTheKernel() throws Exception {
        String dir = tmp.resolve("d").toString();
        List<String> got = probe(DefaultProfile.runtimeDefault(), "getpid", "mkdir:" + dir, "rmdir:" + dir,
                "mount", "unshare-user", "clone3", "kexec", "socket-inet", "socket-vsock",
                "personality:ffffffff", "personality:400000");
        assertEquals(List.of(
                "getpid 1 0",
                "mkdir:" + dir + " 0 0",
                "rmdir:" + dir + " 0 0",
                "mount -1 1",
                "unshare-user -1 1",
                "clone3 -1 38",
                "kexec -1 1",
                "socket-inet 1 0",
                "socket-vsock -1 1",
                "personality:ffffffff 0 0",
                "personality:400000 -1 1"), got);
    }

    @Test
    void withoutTheFilterRootGetsOtherAnswers() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to tell filter and kernel refusals apart");
        Seccomp allowAll = new Seccomp();
        allowAll.defaultAction = "SCMP_ACT_ALLOW";
        // As root, mount fails only because its target does not exist: ENOENT, not the filter's EPERM.
        assertEquals(List.of("mount -1 2", "getpid 1 0"), probe(allowAll, "mount", "getpid"));
    }
}
