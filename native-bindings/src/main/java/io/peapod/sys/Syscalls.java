package io.peapod.sys;

/**
 * The libc calls Java makes itself. Every method throws {@link SyscallException}
 * naming the call, errno and arguments when the kernel refuses it. The real
 * implementation is {@link LinuxSyscalls}; tests may record calls instead.
 */
public interface Syscalls {
    long MS_RDONLY = 1L;
    long MS_NOSUID = 2L;
    long MS_NODEV = 4L;
    long MS_NOEXEC = 8L;
    long MS_REMOUNT = 32L;
    long MS_BIND = 4096L;
    long MS_MOVE = 8192L;
    long MS_REC = 16384L;
    long MS_PRIVATE = 1L << 18;
    long MS_SLAVE = 1L << 19;
    long MS_SHARED = 1L << 20;

    int MNT_FORCE = 1;
    int MNT_DETACH = 2;

    int S_IFIFO = 0010000;
    int S_IFCHR = 0020000;
    int S_IFBLK = 0060000;

    int CLONE_NEWNS = 0x00020000;
    int CLONE_NEWCGROUP = 0x02000000;
    int CLONE_NEWUTS = 0x04000000;
    int CLONE_NEWIPC = 0x08000000;
    int CLONE_NEWUSER = 0x10000000;
    int CLONE_NEWPID = 0x20000000;
    int CLONE_NEWNET = 0x40000000;

    /** bpf_attach_type of a cgroup device program (linux/bpf.h). */
    int BPF_CGROUP_DEVICE = 6;
    /** Attach beside the programs already attached; all must allow (linux/bpf.h BPF_F_ALLOW_MULTI). */
    int BPF_F_ALLOW_MULTI = 2;

    void mount(String source, String target, String fstype, long flags, String data);

    void umount2(String target, int flags);

    void mknod(String path, int mode, long dev);

    void lsetxattr(String path, String name, byte[] value);

    /** The attribute's value, or {@code null} when the file does not have it. */
    byte[] lgetxattr(String path, String name);

    void lchown(String path, int uid, int gid);

    StatFs statfs(String path);

    /** chmod(2) with all twelve mode bits (setuid, setgid, sticky included); follows a final symlink. */
    default void chmod(String path, int mode) {
        throw new UnsupportedOperationException("chmod is not implemented by " + getClass().getName());
    }

    /** utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW): sets times without opening the file. */
    default void lutimes(String path, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos) {
        throw new UnsupportedOperationException("lutimes is not implemented by " + getClass().getName());
    }

    void kill(int pid, int signal);

    /** Opens a pidfd for {@code pid}. The caller closes it with {@link #close(int)}. */
    int pidfdOpen(int pid);

    void pidfdSendSignal(int pidfd, int signal);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    /** Joins the namespace behind {@code path} on the calling thread. */
    void setns(String path, int nstype);

    void unshare(int flags);

    void close(int fd);

    /** open(path, O_RDONLY|O_DIRECTORY|O_CLOEXEC): a directory fd, e.g. a cgroup's, for bpf(2) targets. */
    default int openDirectory(String path) {
        throw new UnsupportedOperationException("openDirectory is not implemented by " + getClass().getName());
    }

    /**
     * bpf(BPF_PROG_LOAD) of a BPF_PROG_TYPE_CGROUP_DEVICE program ({@code instructions} are struct bpf_insn,
     * 8 bytes each, little-endian). Returns the program's fd; a refusal names the verifier's reason.
     */
    default int bpfLoadDeviceProgram(byte[] instructions, String name) {
        throw new UnsupportedOperationException("bpfLoadDeviceProgram is not implemented by " + getClass().getName());
    }

    /** bpf(BPF_PROG_ATTACH): attaches program {@code progFd} to {@code targetFd} (a cgroup directory fd). */
    default void bpfProgAttach(int targetFd, int progFd, int attachType, int flags) {
        throw new UnsupportedOperationException("bpfProgAttach is not implemented by " + getClass().getName());
    }

    /** bpf(BPF_PROG_DETACH) of one program attached with BPF_F_ALLOW_MULTI. */
    default void bpfProgDetach(int targetFd, int progFd, int attachType) {
        throw new UnsupportedOperationException("bpfProgDetach is not implemented by " + getClass().getName());
    }

    /** bpf(BPF_PROG_QUERY): the ids of the programs attached directly to {@code targetFd}, in run order. */
    default int[] bpfProgQuery(int targetFd, int attachType) {
        throw new UnsupportedOperationException("bpfProgQuery is not implemented by " + getClass().getName());
    }

    /** bpf(BPF_PROG_GET_FD_BY_ID): an fd for an attached program, e.g. to detach it. */
    default int bpfProgGetFdById(int id) {
        throw new UnsupportedOperationException("bpfProgGetFdById is not implemented by " + getClass().getName());
    }

    int getpid();

    int geteuid();

    /** Encodes a device number the way glibc's makedev does. */
    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }
}
