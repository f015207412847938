package io.peapod.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SeccompSyscall;
import org.junit.jupiter.api.Test;

class DefaultProfileTest {

    static final int X86_64 = SeccompArch.AUDIT_ARCH_X86_64;
    static final int I386 = SeccompArch.AUDIT_ARCH_I386;
    static final int ALLOW = 0x7fff0000;
    static final int EPERM = 0x00050000 | 1;
    static final int ENOSYS = 0x00050000 | 38;

    final BpfInterpreter filter = new BpfInterpreter(SeccompCompiler.compile(DefaultProfile.runtimeDefault()));

    static int nr(String name) {
        return SyscallTable.X86_64.number(name).orElseThrow();
    }

    @Test
    void programStaysSmall() {
        int names = 0;
        for (SeccompSyscall r : DefaultProfile.runtimeDefault().syscalls) {
            names += r.names.size();
        }
        assertTrue(names > 300, names + " names");
        // Consecutive numbers collapse into range tests: a few hundred instructions for three ABIs.
        assertTrue(filter.size() < 450, "program has " + filter.size() + " instructions");
    }

    @Test
    void ordinaryCallsAreAllowed() {
        for (String name : new String[] {"read", "write", "openat", "close", "execve", "mmap", "futex",
            "exit_group", "getpid", "rt_sigaction", "ptrace", "mkdir", "wait4", "epoll_wait", "io_uring_setup"}) {
            assertEquals(ALLOW, filter.run(nr(name), X86_64), name);
        }
    }

    @Test
    void dangerousCallsAreDenied() {
        for (String name : new String[] {"kexec_load", "kexec_file_load", "init_module", "finit_module",
            "delete_module", "bpf", "perf_event_open", "mount", "umount2", "pivot_root", "unshare", "setns",
            "keyctl", "add_key", "request_key", "reboot", "swapon", "swapoff", "acct", "settimeofday",
            "clock_settime", "clock_adjtime", "open_by_handle_at", "userfaultfd", "quotactl", "iopl", "ioperm",
            "syslog", "fsopen", "move_mount", "open_tree", "lookup_dcookie", "vhangup", "uselib"}) {
            assertEquals(EPERM, filter.run(nr(name), X86_64), name);
        }
    }

    @Test
    void cloneMayNotCreateNamespaces() {
        int clone = nr("clone");
        long threadFlags = 0x3d0f00; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
        assertEquals(ALLOW, filter.run(clone, X86_64, threadFlags));
        assertEquals(ALLOW, filter.run(clone, X86_64, 17)); // fork(): SIGCHLD
        assertEquals(EPERM, filter.run(clone, X86_64, 0x10000000L | 17)); // CLONE_NEWUSER
        assertEquals(EPERM, filter.run(clone, X86_64, 0x20000000L | 17)); // CLONE_NEWPID
        assertEquals(EPERM, filter.run(clone, X86_64, 0x00020000L)); // CLONE_NEWNS
        assertEquals(ENOSYS, filter.run(nr("clone3"), X86_64));
    }

    @Test
    void socketsAndPersonality() {
        assertEquals(ALLOW, filter.run(nr("socket"), X86_64, 2)); // AF_INET
        assertEquals(ALLOW, filter.run(nr("socket"), X86_64, 1)); // AF_UNIX
        assertEquals(EPERM, filter.run(nr("socket"), X86_64, 40)); // AF_VSOCK
        assertEquals(ALLOW, filter.run(nr("personality"), X86_64, 0));
        assertEquals(ALLOW, filter.run(nr("personality"), X86_64, 0xffffffffL));
        assertEquals(EPERM, filter.run(nr("personality"), X86_64, 0x0040000)); // ADDR_NO_RANDOMIZE
    }

    @Test
    void compatAbisAreFilteredToo() {
        assertEquals(ALLOW, filter.run(3, I386)); // i386 read
        assertEquals(ALLOW, filter.run(102, I386)); // i386 socketcall
        assertEquals(EPERM, filter.run(21, I386)); // i386 mount
        assertEquals(EPERM, filter.run(SyscallTable.X86.number("kexec_load").orElseThrow(), I386));
        assertEquals(ALLOW, filter.run(0 | SyscallTable.X32_SYSCALL_BIT, X86_64)); // x32 read
        assertEquals(EPERM, filter.run(nr("mount") | SyscallTable.X32_SYSCALL_BIT, X86_64));
    }

    /** The action the profile's rules give nr on this table, by reading them directly (all args zero). */
    static int reference(Seccomp s, SyscallTable table, int nr) {
        for (SeccompSyscall r : s.syscalls) {
            boolean named = r.names.stream().anyMatch(n -> table.number(n).orElse(-1) == nr);
            if (!named) {
                continue;
            }
            boolean argsHold = r.args == null || r.args.stream().allMatch(
                    a -> SeccompCompilerTest.holds(a.op, 0, a.value, a.valueTwo == null ? 0 : a.valueTwo));
            if (argsHold) {
                return SeccompAction.fromSpecName(r.action).orElseThrow().returnValue(r.errnoRet);
            }
        }
        return EPERM;
    }

    @Test
    void everyNumberOfEveryAbiGetsWhatTheRulesSay() {
        Seccomp s = DefaultProfile.runtimeDefault();
        for (int nr = 0; nr < 600; nr++) {
            assertEquals(reference(s, SyscallTable.X86_64, nr), filter.run(nr, X86_64), "x86_64 " + nr);
            assertEquals(reference(s, SyscallTable.X86, nr), filter.run(nr, I386), "i386 " + nr);
            int x32 = nr | SyscallTable.X32_SYSCALL_BIT;
            assertEquals(reference(s, SyscallTable.X32, x32), filter.run(x32, X86_64), "x32 " + nr);
        }
    }

    @Test
    void everyNameIsKnown() {
        Seccomp s = DefaultProfile.runtimeDefault();
        SeccompCompiler.validate(s, "profile");
    }
}
