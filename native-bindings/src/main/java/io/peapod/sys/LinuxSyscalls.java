package io.peapod.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** {@link Syscalls} through jnr-ffi on glibc (x86_64 layouts). */
public final class LinuxSyscalls implements Syscalls {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;
    private static final int STATFS_SIZE = 120;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static volatile LinuxSyscalls instance;

    private final LibC libc;
    private final Runtime runtime;
    private final Bpf bpf;

    private LinuxSyscalls() {
        this.libc = LibraryLoader.create(LibC.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
        this.bpf = new Bpf(libc, runtime);
    }

    /** The process-wide instance; loading libc once is what costs. */
    public static LinuxSyscalls get() {
        LinuxSyscalls local = instance;
        if (local == null) {
            synchronized (LinuxSyscalls.class) {
                local = instance;
                if (local == null) {
                    local = new LinuxSyscalls();
                    instance = local;
                }
            }
        }
        return local;
    }

    /** Direct access for callers that need a call the facade lacks. */
    public LibC libc() {
        return libc;
    }

    private SyscallException failure(String call, Object... arguments) {
        int errno = runtime.getLastError();
        return new SyscallException(call, errno, libc.strerror(errno), arguments);
    }

    @Override
    public void mount(String source, String target, String fstype, long flags, String data) {
        if (libc.mount(source, target, fstype, flags, data) != 0) {
            throw failure("mount", source, target, fstype, flags, data);
        }
    }

    @Override
    public void umount2(String target, int flags) {
        if (libc.umount2(target, flags) != 0) {
            throw failure("umount2", target, flags);
        }
    }

    @Override
    public void mknod(String path, int mode, long dev) {
        if (libc.mknod(path, mode, dev) != 0) {
            throw failure("mknod", path, "0" + Integer.toOctalString(mode), dev);
        }
    }

    @Override
    public void lsetxattr(String path, String name, byte[] value) {
        if (libc.lsetxattr(path, name, value, value.length, 0) != 0) {
            throw failure("lsetxattr", path, name, value.length + " bytes");
        }
    }

    @Override
    public byte[] lgetxattr(String path, String name) {
        byte[] buffer = new byte[256];
        while (true) {
            long n = libc.lgetxattr(path, name, buffer, buffer.length);
            if (n >= 0) {
                byte[] value = new byte[(int) n];
                System.arraycopy(buffer, 0, value, 0, (int) n);
                return value;
            }
            int errno = runtime.getLastError();
            if (errno == Errno.ENODATA) {
                return null;
            }
            if (errno != 34 /* ERANGE */ || buffer.length >= 1 << 16) {
                throw new SyscallException("lgetxattr", errno, libc.strerror(errno), path, name);
            }
            buffer = new byte[buffer.length * 4];
        }
    }

    @Override
    public void lchown(String path, int uid, int gid) {
        if (libc.lchown(path, uid, gid) != 0) {
            throw failure("lchown", path, uid, gid);
        }
    }

    @Override
    public void chmod(String path, int mode) {
        if (libc.chmod(path, mode) != 0) {
            throw failure("chmod", path, "0" + Integer.toOctalString(mode));
        }
    }

    @Override
    public void lutimes(String path, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos) {
        long[] times = {atimeSeconds, atimeNanos, mtimeSeconds, mtimeNanos};
        if (libc.utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) != 0) {
            throw failure("utimensat", "AT_FDCWD", path, mtimeSeconds, "AT_SYMLINK_NOFOLLOW");
        }
    }

    @Override
    public StatFs statfs(String path) {
        byte[] buf = new byte[STATFS_SIZE];
        if (libc.statfs(path, buf) != 0) {
            throw failure("statfs", path);
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        long type = b.getLong(0);
        long bsize = b.getLong(8);
        return new StatFs(type, bsize, b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40), b.getLong(48));
    }

    @Override
    public void kill(int pid, int signal) {
        if (libc.kill(pid, signal) != 0) {
            throw failure("kill", pid, signal);
        }
    }

    @Override
    public int pidfdOpen(int pid) {
        long fd = libc.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
        if (fd < 0) {
            throw failure("pidfd_open", pid, 0);
        }
        return (int) fd;
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) {
        if (libc.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0) != 0) {
            throw failure("pidfd_send_signal", pidfd, signal, null, 0);
        }
    }

    @Override
    public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        int r = libc.prctl(option, arg2, arg3, arg4, arg5);
        if (r < 0) {
            throw failure("prctl", option, arg2, arg3, arg4, arg5);
        }
        return r;
    }

    @Override
    public void setns(String path, int nstype) {
        int fd = libc.open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("open", path, "O_RDONLY|O_CLOEXEC");
        }
        try {
            if (libc.setns(fd, nstype) != 0) {
                throw failure("setns", path, "0x" + Integer.toHexString(nstype));
            }
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public void unshare(int flags) {
        if (libc.unshare(flags) != 0) {
            throw failure("unshare", "0x" + Integer.toHexString(flags));
        }
    }

    @Override
    public void close(int fd) {
        if (libc.close(fd) != 0) {
            throw failure("close", fd);
        }
    }

    @Override
    public int openDirectory(String path) {
        int fd = libc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("open", path, "O_RDONLY|O_DIRECTORY|O_CLOEXEC");
        }
        return fd;
    }

    @Override
    public int bpfLoadDeviceProgram(byte[] instructions, String name) {
        return bpf.loadCgroupDeviceProgram(instructions, name);
    }

    @Override
    public void bpfProgAttach(int targetFd, int progFd, int attachType, int flags) {
        bpf.progAttach(targetFd, progFd, attachType, flags);
    }

    @Override
    public void bpfProgDetach(int targetFd, int progFd, int attachType) {
        bpf.progDetach(targetFd, progFd, attachType);
    }

    @Override
    public int[] bpfProgQuery(int targetFd, int attachType) {
        return bpf.progQuery(targetFd, attachType);
    }

    @Override
    public int bpfProgGetFdById(int id) {
        return bpf.progGetFdById(id);
    }

    @Override
    public int getpid() {
        return libc.getpid();
    }

    @Override
    public int geteuid() {
        return libc.geteuid();
    }
}
