package io.peapod.sys;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Raw libc, mirroring the C signatures. Callers read errno right after a call on
 * the same thread; {@link LinuxSyscalls} is the checked facade everyone else uses.
 */
public interface LibC {
    int mount(String source, String target, String fstype, long flags, String data);

    int umount2(String target, int flags);

    int mknod(String path, int mode, long dev);

    int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

    long lgetxattr(String path, String name, @Out byte[] value, long size);

    int lchown(String path, int uid, int gid);

    int chmod(String path, int mode);

    /** {@code times} is two struct timespec: atime sec, nsec, mtime sec, nsec. */
    int utimensat(int dirfd, String path, @In long[] times, int flags);

    int statfs(String path, @Out byte[] buf);

    int kill(int pid, int sig);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int setns(int fd, int nstype);

    int unshare(int flags);

    long syscall(long number, long a1, long a2, long a3, long a4);

    int open(String path, int flags, int mode);

    int close(int fd);

    int getpid();

    int getuid();

    int geteuid();

    String strerror(int errnum);
}
