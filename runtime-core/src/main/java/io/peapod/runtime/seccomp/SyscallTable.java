package io.peapod.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * System call numbers of the architectures a filter compiled here can cover: x86_64, its x32 ABI
 * and i386. Loaded from resources generated from the kernel's UAPI headers. Also knows the names
 * that exist only on other architectures (arm, ppc, s390, mips, 32-bit-only calls), so that a
 * profile written for several architectures — like Docker's — is accepted while a misspelt name
 * is not.
 */
public final class SyscallTable {

    /** The bit that marks an x32 system call number. */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    public static final SyscallTable X86_64 = load("x86_64", 0);
    public static final SyscallTable X32 = load("x32", X32_SYSCALL_BIT);
    public static final SyscallTable X86 = load("x86", 0);

    /** Names of system calls found on architectures other than the three tables above. */
    private static final Set<String> OTHER_ARCH_NAMES = Set.of(
            // 32-bit-only variants (arm, mips o32, ppc32, s390 …)
            "_llseek", "_newselect", "chown32", "fchown32", "lchown32", "fadvise64_64", "fcntl64",
            "fstat64", "fstatat64", "fstatfs64", "ftruncate64", "getegid32", "geteuid32", "getgid32",
            "getgroups32", "getresgid32", "getresuid32", "getuid32", "lstat64", "mmap2", "sendfile64",
            "setfsgid32", "setfsuid32", "setgid32", "setgroups32", "setregid32", "setresgid32",
            "setresuid32", "setreuid32", "setuid32", "stat64", "statfs64", "truncate64", "ugetrlimit",
            "socketcall", "ipc", "sigreturn", "waitpid", "recv", "send", "sync_file_range2",
            "clock_adjtime64", "clock_getres_time64", "clock_gettime64", "clock_nanosleep_time64",
            "clock_settime64", "futex_time64", "io_pgetevents_time64", "mq_timedreceive_time64",
            "mq_timedsend_time64", "ppoll_time64", "pselect6_time64", "recvmmsg_time64",
            "rt_sigtimedwait_time64", "sched_rr_get_interval_time64", "semtimedop_time64",
            "timer_gettime64", "timer_settime64", "timerfd_gettime64", "timerfd_settime64",
            "utimensat_time64",
            // arm / arm64
            "arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush", "set_tls", "get_tls",
            "usr26", "usr32",
            // powerpc
            "spu_create", "spu_run", "subpage_prot", "sys_debug_setcontext", "switch_endian", "rtas",
            "multiplexer", "swapcontext", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
            // s390
            "s390_guarded_storage", "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr",
            "s390_sthyi",
            // mips, riscv, sparc, m68k, alpha
            "sysmips", "cachectl", "riscv_flush_icache", "riscv_hwprobe", "atomic_barrier",
            "atomic_cmpxchg_32", "memory_ordering", "getpagesize", "utrap_install", "kern_features",
            "perfctr", "sched_get_affinity", "sched_set_affinity", "osf_getsysinfo", "osf_setsysinfo",
            // historic ones in profiles
            "oldolduname", "olduname", "oldstat", "oldlstat", "oldfstat", "readdir", "sgetmask", "ssetmask",
            "signal", "sigaction", "sigpending", "sigprocmask", "sigsuspend", "vm86", "vm86old");

    private final String arch;
    private final Map<String, Integer> numbers;

    private SyscallTable(String arch, Map<String, Integer> numbers) {
        this.arch = arch;
        this.numbers = numbers;
    }

    private static SyscallTable load(String arch, int bit) {
        String resource = "syscalls-" + arch + ".txt";
        Map<String, Integer> m = new HashMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("system call table resource " + resource + " is missing");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                m.put(f[0], Integer.parseInt(f[1]) | bit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read system call table " + resource, e);
        }
        return new SyscallTable(arch, Collections.unmodifiableMap(m));
    }

    /** The libseccomp-style architecture name without prefix: x86_64, x32, x86. */
    public String arch() {
        return arch;
    }

    /** The number of the named call on this architecture (with the x32 bit for x32). */
    public OptionalInt number(String name) {
        Integer n = numbers.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** All names of this table. */
    public Set<String> names() {
        return numbers.keySet();
    }

    /** Whether some Linux architecture has a system call of this name. */
    public static boolean isKnownAnywhere(String name) {
        return name != null && (X86_64.numbers.containsKey(name) || X32.numbers.containsKey(name)
                || X86.numbers.containsKey(name) || OTHER_ARCH_NAMES.contains(name));
    }

    /** All names known to any table or to the list of other architectures' calls. */
    public static Set<String> allKnownNames() {
        Set<String> all = new HashSet<>(X86_64.numbers.keySet());
        all.addAll(X32.numbers.keySet());
        all.addAll(X86.numbers.keySet());
        all.addAll(OTHER_ARCH_NAMES);
        return all;
    }
}
