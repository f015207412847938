package io.peapod.runtime.seccomp;

import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SeccompArg;
import io.peapod.runtime.spec.SeccompSyscall;
import java.util.ArrayList;
import java.util.List;

/**
 * peapod's RuntimeDefault seccomp profile: an allow-list in the spirit of Docker's and
 * containerd's default. Everything not listed fails with EPERM. Left out on purpose: loading and
 * unloading kernel code (kexec_*, init_module, finit_module, delete_module), bpf and
 * perf_event_open, the mount API (mount, umount2, pivot_root, fsopen, move_mount …), namespace
 * changes (unshare, setns, clone with CLONE_NEW* flags), the kernel keyring (keyctl, add_key,
 * request_key), reboot, swapon/swapoff, acct, setting clocks (settimeofday, clock_settime,
 * clock_adjtime), open_by_handle_at, userfaultfd, quotactl, raw I/O ports (iopl, ioperm), syslog,
 * and personality values other than the harmless ones. ptrace and process_vm_* are allowed: since
 * Linux 4.8 seccomp is re-checked after a tracer changes a call, so ptrace no longer bypasses the
 * filter. clone3 fails with ENOSYS, because its flags live in memory the filter cannot read, and
 * C libraries then fall back to clone, whose flags it can.
 */
public final class DefaultProfile {

    /** The errno of clone3: ENOSYS makes glibc and musl fall back to clone. */
    public static final long ENOSYS = 38;

    /** CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET. */
    public static final long CLONE_NAMESPACE_FLAGS = 0x00020000L | 0x02000000L | 0x04000000L | 0x08000000L
            | 0x10000000L | 0x20000000L | 0x40000000L;

    /** AF_VSOCK: host-guest sockets stay closed to containers. */
    public static final long AF_VSOCK = 40;

    private static final List<String> ALLOWED = List.of(
            // files and descriptors
            "access", "faccessat", "faccessat2", "open", "openat", "openat2", "creat", "close", "close_range",
            "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2",
            "lseek", "_llseek", "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock", "fsync", "fdatasync",
            "sync", "syncfs", "sync_file_range", "truncate", "truncate64", "ftruncate", "ftruncate64",
            "fallocate", "fadvise64", "fadvise64_64", "readahead", "sendfile", "sendfile64", "splice", "tee",
            "vmsplice", "copy_file_range", "ioctl", "pipe", "pipe2", "select", "_newselect", "pselect6",
            "pselect6_time64", "poll", "ppoll", "ppoll_time64", "epoll_create", "epoll_create1", "epoll_ctl",
            "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2",
            "signalfd", "signalfd4", "timerfd_create", "timerfd_settime", "timerfd_settime64", "timerfd_gettime",
            "timerfd_gettime64", "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch",
            "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
            "io_pgetevents_time64", "io_uring_setup", "io_uring_enter", "io_uring_register", "memfd_create",
            "cachestat",
            // paths and metadata
            "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "newfstatat", "fstatat64", "statx",
            "statfs", "statfs64", "fstatfs", "fstatfs64", "getcwd", "chdir", "fchdir", "chroot", "mkdir",
            "mkdirat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat",
            "unlink", "unlinkat", "readlink", "readlinkat", "mknod", "mknodat", "chmod", "fchmod", "fchmodat",
            "fchmodat2", "chown", "chown32", "fchown", "fchown32", "lchown", "lchown32", "fchownat", "umask",
            "utime", "utimes", "futimesat", "utimensat", "utimensat_time64", "getdents", "getdents64",
            "getxattr", "lgetxattr", "fgetxattr", "setxattr", "lsetxattr", "fsetxattr", "listxattr",
            "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "getxattrat",
            "setxattrat", "listxattrat", "removexattrat", "file_getattr", "file_setattr",
            "name_to_handle_at", "fanotify_mark",
            // memory
            "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "pkey_mprotect", "pkey_alloc", "pkey_free",
            "madvise", "process_madvise", "mincore", "msync", "mlock", "mlock2", "munlock", "mlockall",
            "munlockall", "membarrier", "remap_file_pages", "mseal", "map_shadow_stack",
            // processes and threads
            "execve", "execveat", "fork", "vfork", "exit", "exit_group", "wait4", "waitid", "waitpid",
            "getpid", "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "set_tid_address",
            "set_robust_list", "get_robust_list", "futex", "futex_time64", "futex_waitv", "futex_wake",
            "futex_wait", "futex_requeue", "rseq", "arch_prctl", "prctl", "capget", "capset", "ptrace",
            "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
            "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr",
            "sched_getparam", "sched_setparam", "sched_getscheduler", "sched_setscheduler",
            "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval",
            "sched_rr_get_interval_time64", "getpriority", "setpriority", "ioprio_get", "ioprio_set",
            "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "times", "get_thread_area",
            "set_thread_area", "modify_ldt", "restart_syscall", "seccomp", "uname", "sysinfo", "getrandom",
            "getcpu", "process_mrelease", "memfd_secret", "get_mempolicy", "set_mempolicy", "mbind",
            "set_mempolicy_home_node", "landlock_create_ruleset",
            "landlock_add_rule", "landlock_restrict_self", "lsm_get_self_attr", "lsm_list_modules",
            // credentials
            "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32",
            "getresuid", "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32", "setuid",
            "setuid32", "setgid", "setgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setresuid",
            "setresuid32", "setresgid", "setresgid32", "setfsuid", "setfsuid32", "setfsgid", "setfsgid32",
            "setgroups", "setgroups32",
            // signals
            "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
            "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
            "sigaltstack", "sigreturn", "pause", "alarm", "signal", "sigaction", "sigprocmask", "sigpending",
            "sigsuspend",
            // time
            "time", "gettimeofday", "clock_gettime", "clock_gettime64", "clock_getres", "clock_getres_time64",
            "clock_nanosleep", "clock_nanosleep_time64", "nanosleep", "getitimer", "setitimer", "timer_create",
            "timer_settime", "timer_settime64", "timer_gettime", "timer_gettime64", "timer_getoverrun",
            "timer_delete", "adjtimex",
            // networking
            "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
            "sendto", "send", "recvfrom", "recv", "sendmsg", "sendmmsg", "recvmsg", "recvmmsg",
            "recvmmsg_time64", "shutdown", "getsockopt", "setsockopt", "socketcall",
            // System V and POSIX IPC (namespaced)
            "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semtimedop_time64",
            "semctl", "shmget", "shmat", "shmdt", "shmctl", "ipc", "mq_open", "mq_unlink", "mq_timedsend",
            "mq_timedsend_time64", "mq_timedreceive", "mq_timedreceive_time64", "mq_notify", "mq_getsetattr");

    private DefaultProfile() {
    }

    /** A fresh copy of the profile, for x86_64 with its i386 and x32 ABIs. */
    public static Seccomp runtimeDefault() {
        Seccomp s = new Seccomp();
        s.defaultAction = SeccompAction.ERRNO.specName();
        s.defaultErrnoRet = 1L;
        s.architectures = new ArrayList<>(List.of(SeccompArch.X86_64, SeccompArch.X86, SeccompArch.X32));
        List<SeccompSyscall> rules = new ArrayList<>();
        rules.add(new SeccompSyscall(new ArrayList<>(ALLOWED), SeccompAction.ALLOW.specName()));

        // clone without any CLONE_NEW* flag: new processes and threads, no new namespaces.
        SeccompSyscall clone = new SeccompSyscall(new ArrayList<>(List.of("clone")), SeccompAction.ALLOW.specName());
        clone.args = new ArrayList<>(List.of(new SeccompArg(0, CLONE_NAMESPACE_FLAGS, 0L, "SCMP_CMP_MASKED_EQ")));
        rules.add(clone);

        SeccompSyscall clone3 = new SeccompSyscall(new ArrayList<>(List.of("clone3")), SeccompAction.ERRNO.specName());
        clone3.errnoRet = ENOSYS;
        rules.add(clone3);

        // Every socket family but AF_VSOCK.
        SeccompSyscall socket = new SeccompSyscall(new ArrayList<>(List.of("socket")), SeccompAction.ALLOW.specName());
        socket.args = new ArrayList<>(List.of(new SeccompArg(0, AF_VSOCK, null, "SCMP_CMP_NE")));
        rules.add(socket);

        // personality: PER_LINUX, PER_LINUX32, UNAME26 variants, and 0xffffffff which only queries.
        for (long persona : new long[] {0x0, 0x8, 0x20000, 0x20008, 0xffffffffL}) {
            SeccompSyscall p = new SeccompSyscall(new ArrayList<>(List.of("personality")),
                    SeccompAction.ALLOW.specName());
            p.args = new ArrayList<>(List.of(new SeccompArg(0, persona, null, "SCMP_CMP_EQ")));
            rules.add(p);
        }
        s.syscalls = rules;
        return s;
    }
}
