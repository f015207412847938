package io.peapod.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SeccompArg;
import io.peapod.runtime.spec.SeccompSyscall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompCompilerTest {

    static final int X86_64 = SeccompArch.AUDIT_ARCH_X86_64;
    static final int I386 = SeccompArch.AUDIT_ARCH_I386;
    static final int ALLOW = 0x7fff0000;
    static final int KILL_PROCESS = 0x80000000;
    static final int KILL_THREAD = 0;
    static final int ERRNO = 0x00050000;
    static final int TRAP = 0x00030000;
    static final int LOG = 0x7ffc0000;
    static final int TRACE = 0x7ff00000;

    static int nr(String name) {
        return SyscallTable.X86_64.number(name).orElseThrow();
    }

    static Seccomp profile(String defaultAction, SeccompSyscall... rules) {
        Seccomp s = new Seccomp();
        s.defaultAction = defaultAction;
        s.syscalls = new ArrayList<>(List.of(rules));
        return s;
    }

    static SeccompSyscall rule(String action, String... names) {
        return new SeccompSyscall(new ArrayList<>(List.of(names)), action);
    }

    static SeccompSyscall rule(String action, Long errno, List<SeccompArg> args, String... names) {
        SeccompSyscall r = rule(action, names);
        r.errnoRet = errno;
        r.args = args;
        return r;
    }

    static BpfInterpreter compile(Seccomp s) {
        return new BpfInterpreter(SeccompCompiler.compile(s));
    }

    @Test
    void allowListWithErrnoDefault() {
        Seccomp s = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "read", "write", "getpid"));
        BpfInterpreter f = compile(s);
        assertEquals(ALLOW, f.run(nr("read"), X86_64));
        assertEquals(ALLOW, f.run(nr("getpid"), X86_64));
        assertEquals(ERRNO | 1, f.run(nr("mkdir"), X86_64), "default ERRNO without defaultErrnoRet is EPERM");
        s.defaultErrnoRet = 13L;
        assertEquals(ERRNO | 13, compile(s).run(nr("mkdir"), X86_64));
    }

    @Test
    void everyActionHasItsReturnValue() {
        Seccomp s = profile("SCMP_ACT_ALLOW",
                rule("SCMP_ACT_KILL", "kexec_load"),
                rule("SCMP_ACT_KILL_PROCESS", "reboot"),
                rule("SCMP_ACT_KILL_THREAD", "swapon"),
                rule("SCMP_ACT_TRAP", "acct"),
                rule("SCMP_ACT_ERRNO", 38L, null, "mkdir"),
                rule("SCMP_ACT_TRACE", 7L, null, "chdir"),
                rule("SCMP_ACT_TRACE", "fchdir"),
                rule("SCMP_ACT_LOG", "getpid"));
        BpfInterpreter f = compile(s);
        assertEquals(KILL_THREAD, f.run(nr("kexec_load"), X86_64));
        assertEquals(KILL_PROCESS, f.run(nr("reboot"), X86_64));
        assertEquals(KILL_THREAD, f.run(nr("swapon"), X86_64));
        assertEquals(TRAP, f.run(nr("acct"), X86_64));
        assertEquals(ERRNO | 38, f.run(nr("mkdir"), X86_64));
        assertEquals(TRACE | 7, f.run(nr("chdir"), X86_64));
        assertEquals(TRACE | 1, f.run(nr("fchdir"), X86_64));
        assertEquals(LOG, f.run(nr("getpid"), X86_64));
        assertEquals(ALLOW, f.run(nr("read"), X86_64));
    }

    @Test
    void architecturesNotListedAreKilled() {
        Seccomp s = profile("SCMP_ACT_ALLOW", rule("SCMP_ACT_ERRNO", "mkdir"));
        BpfInterpreter f = compile(s);
        assertEquals(KILL_PROCESS, f.run(3, I386), "i386 not listed");
        assertEquals(KILL_PROCESS, f.run(nr("read") | SyscallTable.X32_SYSCALL_BIT, X86_64), "x32 not listed");
        assertEquals(KILL_PROCESS, f.run(0, 0xC00000B7), "aarch64 never matches");
        assertEquals(ALLOW, f.run(-1, X86_64), "nr -1 (skipped by a tracer) meets the default action");
        assertEquals(ERRNO | 1, f.run(nr("mkdir"), X86_64));
    }

    @Test
    void listedCompatArchitecturesUseTheirOwnNumbers() {
        Seccomp s = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "getpid", "rt_sigaction", "socketcall"));
        s.architectures = new ArrayList<>(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
                "SCMP_ARCH_AARCH64"));
        BpfInterpreter f = compile(s);
        int i386Getpid = SyscallTable.X86.number("getpid").orElseThrow();
        assertEquals(20, i386Getpid);
        assertEquals(ALLOW, f.run(20, I386));
        assertEquals(ERRNO | 1, f.run(39, I386), "39 is mkdir on i386, getpid only on x86_64");
        assertEquals(ALLOW, f.run(102, I386), "socketcall exists on i386 only");
        assertEquals(ERRNO | 1, f.run(102, X86_64), "102 is getuid on x86_64");
        assertEquals(ALLOW, f.run(39, X86_64));
        // x32 numbers: getpid is common (39 | bit), rt_sigaction is an x32 special (512 | bit).
        assertEquals(ALLOW, f.run(39 | SyscallTable.X32_SYSCALL_BIT, X86_64));
        assertEquals(ALLOW, f.run(512 | SyscallTable.X32_SYSCALL_BIT, X86_64));
        assertEquals(ERRNO | 1, f.run(13 | SyscallTable.X32_SYSCALL_BIT, X86_64),
                "13 is the 64-bit rt_sigaction, not valid as an x32 number");
        assertEquals(ALLOW, f.run(13, X86_64));
    }

    /** Reference semantics of the spec's comparisons on unsigned 64-bit values. */
    static boolean holds(String op, long arg, long value, long valueTwo) {
        int c = Long.compareUnsigned(arg, value);
        return switch (op) {
            case "SCMP_CMP_EQ" -> c == 0;
            case "SCMP_CMP_NE" -> c != 0;
            case "SCMP_CMP_LT" -> c < 0;
            case "SCMP_CMP_LE" -> c <= 0;
            case "SCMP_CMP_GT" -> c > 0;
            case "SCMP_CMP_GE" -> c >= 0;
            case "SCMP_CMP_MASKED_EQ" -> (arg & value) == valueTwo;
            default -> throw new IllegalArgumentException(op);
        };
    }

    static final long[] EDGES = {
        0L, 1L, 2L, 0x7fffffffL, 0x80000000L, 0xfffffffeL, 0xffffffffL, 0x100000000L, 0x100000001L,
        0x1ffffffffL, 0x200000000L, 0x7fffffffffffffffL, 0x8000000000000000L, 0xffffffff00000000L,
        0xfffffffffffffffeL, -1L, 0x123456789L, 0x1234567800000000L,
    };

    @Test
    void argumentComparisonsAreUnsigned64Bit() {
        String[] ops = {"SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE"};
        for (String op : ops) {
            for (long value : EDGES) {
                Seccomp s = profile("SCMP_ACT_ERRNO",
                        rule("SCMP_ACT_ALLOW", null, List.of(new SeccompArg(2, value, null, op)), "ioctl"));
                BpfInterpreter f = compile(s);
                for (long arg : EDGES) {
                    int expected = holds(op, arg, value, 0) ? ALLOW : ERRNO | 1;
                    int got = f.run(nr("ioctl"), X86_64, 0, 0, arg);
                    assertEquals(expected, got, () -> String.format("0x%x %s 0x%x", arg, op, value));
                }
            }
        }
    }

    @Test
    void maskedEqualComparesBothWords() {
        long[][] maskDatum = {
            {0xffL, 0x12L}, {0xff00000000L, 0x1200000000L}, {0xffffffffffffffffL, 0x100000001L},
            {0x7e020000L, 0L}, {0x8000000000000001L, 0x8000000000000000L},
        };
        for (long[] md : maskDatum) {
            Seccomp s = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", null,
                    List.of(new SeccompArg(5, md[0], md[1], "SCMP_CMP_MASKED_EQ")), "mmap"));
            BpfInterpreter f = compile(s);
            for (long arg : EDGES) {
                for (long extra : new long[] {0, md[1], md[1] | 0x10000, ~md[0]}) {
                    long a = arg ^ extra;
                    int expected = holds("SCMP_CMP_MASKED_EQ", a, md[0], md[1]) ? ALLOW : ERRNO | 1;
                    assertEquals(expected, f.run(nr("mmap"), X86_64, 0, 0, 0, 0, 0, a),
                            () -> String.format("(0x%x & 0x%x) == 0x%x", a, md[0], md[1]));
                }
            }
        }
    }

    @Test
    void conditionsOfOneRuleAreAndedAndRulesAreTriedInOrder() {
        Seccomp s = profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", null, List.of(
                        new SeccompArg(0, 10, null, "SCMP_CMP_GE"),
                        new SeccompArg(0, 20, null, "SCMP_CMP_LT"),
                        new SeccompArg(1, 0x100000000L, null, "SCMP_CMP_EQ")), "kill"),
                rule("SCMP_ACT_ERRNO", 3L, List.of(new SeccompArg(0, 15, null, "SCMP_CMP_EQ")), "kill"),
                rule("SCMP_ACT_ERRNO", 4L, null, "kill"),
                rule("SCMP_ACT_ALLOW", "kill"));
        BpfInterpreter f = compile(s);
        int kill = nr("kill");
        assertEquals(ALLOW, f.run(kill, X86_64, 10, 0x100000000L));
        assertEquals(ALLOW, f.run(kill, X86_64, 15, 0x100000000L), "first matching rule decides");
        assertEquals(ERRNO | 3, f.run(kill, X86_64, 15, 0));
        assertEquals(ERRNO | 4, f.run(kill, X86_64, 20, 0x100000000L));
        assertEquals(ERRNO | 4, f.run(kill, X86_64, 0x1000000000aL, 0x100000000L), "high word counts");
        assertEquals(ERRNO | 1, f.run(nr("read"), X86_64));
    }

    @Test
    void compatArchitecturesCompareTheLowWordOnly() {
        Seccomp s = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", null,
                List.of(new SeccompArg(0, 0x100000005L, null, "SCMP_CMP_EQ")), "kill"));
        s.architectures = new ArrayList<>(List.of("SCMP_ARCH_X86"));
        BpfInterpreter f = compile(s);
        int i386Kill = SyscallTable.X86.number("kill").orElseThrow();
        assertEquals(ALLOW, f.run(i386Kill, I386, 5));
        assertEquals(ERRNO | 1, f.run(nr("kill"), X86_64, 5));
        assertEquals(ALLOW, f.run(nr("kill"), X86_64, 0x100000005L));
    }

    @Test
    void longJumpsAreBridged() {
        // 80 conditional rules on one call make its body far longer than 255 instructions, so
        // the jump over it, and the fall-through of every failed rule, need ja trampolines.
        List<SeccompSyscall> rules = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            rules.add(rule("SCMP_ACT_ERRNO", (long) (100 + i),
                    List.of(new SeccompArg(0, 1000 + i, null, "SCMP_CMP_EQ")), "ioctl"));
        }
        rules.add(rule("SCMP_ACT_ALLOW", "read"));
        // Many distinct actions in a row, each with many names, stretch the plain groups too.
        List<String> names = new ArrayList<>(SyscallTable.X86_64.names());
        names.removeAll(List.of("ioctl", "read", "write"));
        names.sort(null);
        rules.add(rule("SCMP_ACT_ERRNO", 9L, null, names.subList(0, 300).toArray(new String[0])));
        rules.add(rule("SCMP_ACT_ALLOW", "write"));
        Seccomp s = profile("SCMP_ACT_KILL_PROCESS", rules.toArray(new SeccompSyscall[0]));
        BpfInterpreter f = compile(s);
        assertTrue(f.size() > 400, "program has " + f.size() + " instructions");
        assertTrue(f.count(0x05) > 0, "no ja trampoline was needed?");
        int ioctl = nr("ioctl");
        for (int i = 0; i < 80; i++) {
            assertEquals(ERRNO | (100 + i), f.run(ioctl, X86_64, 1000 + i));
        }
        assertEquals(KILL_PROCESS, f.run(ioctl, X86_64, 999));
        assertEquals(ALLOW, f.run(nr("read"), X86_64));
        assertEquals(ALLOW, f.run(nr("write"), X86_64));
        for (String n : names.subList(0, 300)) {
            assertEquals(ERRNO | 9, f.run(nr(n), X86_64), n);
        }
        for (String n : names.subList(300, names.size())) {
            assertEquals(KILL_PROCESS, f.run(nr(n), X86_64), n);
        }
    }

    @Test
    void namesMissingOnAnArchitectureAreSkippedThere() {
        Seccomp s = profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "s390_sthyi", "socketcall", "getpid",
                "arm_fadvise64_64", "swapcontext", "riscv_flush_icache", "sync_file_range2", "stime", "umount",
                "clock_settime64", "set_tls", "breakpoint", "cacheflush", "quotactl_fd"));
        BpfInterpreter f = compile(s);
        assertEquals(ALLOW, f.run(nr("getpid"), X86_64));
    }

    @Test
    void badProfilesAreRejectedWithTheirPath() {
        // an unknown name is ignored (as runc does: podman's default profile names "syscall")
        BpfInterpreter f = compile(profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_ALLOW", "read"),
                rule("SCMP_ACT_ALLOW", "getpid", "frobnicate")));
        assertEquals(ALLOW, f.run(nr("getpid"), X86_64));

        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.compile(
                profile("SCMP_ACT_ERRNO", rule("SCMP_ACT_NOTIFY", "read"))));
        assertTrue(e.getMessage().startsWith("linux.seccomp.syscalls[0].action: seccomp action \"SCMP_ACT_NOTIFY\""
                + " is not supported"), e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_DENY")));
        assertEquals("linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\"", e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", null, List.of(new SeccompArg(6, 0, null, "SCMP_CMP_EQ")), "read"))));
        assertEquals("linux.seccomp.syscalls[0].args[0].index: argument index 6 is not 0…5", e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", null, List.of(new SeccompArg(0, 0, null, "SCMP_CMP_LIKE")), "read"))));
        assertEquals("linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_LIKE\"", e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.compile(profile("SCMP_ACT_ERRNO",
                rule("SCMP_ACT_ALLOW", 5L, null, "read"))));
        assertTrue(e.getMessage().startsWith("linux.seccomp.syscalls[0].errnoRet: errno 5 given for action"), e.getMessage());

        Seccomp arch = profile("SCMP_ACT_ERRNO");
        arch.architectures = List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_Z80");
        e = assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.compile(arch));
        assertEquals("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"", e.getMessage());
    }

    @Test
    void filterFlags() {
        Seccomp s = profile("SCMP_ACT_ALLOW");
        s.flags = List.of("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
        assertEquals(6, SeccompCompiler.filterFlags(s));
        s.flags = List.of("SECCOMP_FILTER_FLAG_BOGUS");
        assertThrows(InvalidArgumentException.class, () -> SeccompCompiler.filterFlags(s));
    }

    @Test
    void allowAllProfileIsTiny() {
        BpfInterpreter f = compile(profile("SCMP_ACT_ALLOW"));
        assertTrue(f.size() < 10, "size " + f.size());
        assertEquals(ALLOW, f.run(nr("reboot"), X86_64));
    }
}
