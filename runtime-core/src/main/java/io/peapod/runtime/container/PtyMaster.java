package io.peapod.runtime.container;

import io.peapod.sys.SyscallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The master side of an exec session's pty, received from the helper over a console socket.
 * One thread reads (until EIO once the slave side is gone); any thread writes or resizes.
 * The fd is closed under a write lock so that no writer ever uses a recycled fd number.
 */
final class PtyMaster implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final long TIOCSWINSZ = 0x5414;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private static final class Holder {
        static final TerminalLibC LIBC = LibraryLoader.create(TerminalLibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    }

    private final int fd;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private PtyMaster(int fd) {
        this.fd = fd;
    }

    private static TerminalLibC libc() {
        return Holder.LIBC;
    }

    private static SyscallException error(String call, Object... args) {
        int errno = Holder.RUNTIME.getLastError();
        return new SyscallException(call, errno, "errno " + errno, args);
    }

    /** A listening Unix socket at {@code path} for the helper's CONSOLE_SOCKET; returns its fd. */
    static int listen(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > 107) {
            throw new IllegalArgumentException("console socket path " + path + " is longer than 107 bytes");
        }
        byte[] addr = new byte[2 + name.length + 1];
        addr[0] = AF_UNIX;
        System.arraycopy(name, 0, addr, 2, name.length);
        int s = libc().socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (s < 0) {
            throw error("socket", "AF_UNIX");
        }
        if (libc().bind(s, addr, addr.length) < 0 || libc().listen(s, 1) < 0) {
            SyscallException e = error("bind", path);
            libc().close(s);
            throw e;
        }
        return s;
    }

    static void closeFd(int fd) {
        libc().close(fd);
    }

    /**
     * Takes the pty master the helper sent to the listening socket {@code listener}. The helper
     * sends it before it reports its result, so by then the connection is queued.
     */
    static PtyMaster receive(int listener, Path path) {
        int conn = libc().accept4(listener, null, null, SOCK_CLOEXEC);
        if (conn < 0) {
            throw error("accept4", path);
        }
        try {
            Runtime rt = Holder.RUNTIME;
            Pointer data = Memory.allocateDirect(rt, 1);
            Pointer iov = Memory.allocateDirect(rt, 16);
            iov.putAddress(0, data.address());
            iov.putLong(8, 1);
            Pointer control = Memory.allocateDirect(rt, 24);
            Pointer msg = Memory.allocateDirect(rt, 56);
            msg.putAddress(16, iov.address());
            msg.putLong(24, 1);
            msg.putAddress(32, control.address());
            msg.putLong(40, 24);
            long n;
            do {
                n = libc().recvmsg(conn, msg, MSG_CMSG_CLOEXEC);
            } while (n < 0 && rt.getLastError() == EINTR);
            if (n < 0) {
                throw error("recvmsg", path);
            }
            if (msg.getLong(40) < 20 || control.getInt(8) != SOL_SOCKET || control.getInt(12) != SCM_RIGHTS) {
                throw new IllegalStateException("the helper sent no pty master over the console socket " + path);
            }
            return new PtyMaster(control.getInt(16));
        } finally {
            libc().close(conn);
        }
    }

    void resize(int rows, int cols) {
        if (rows <= 0 || cols <= 0 || rows > 0xffff || cols > 0xffff) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is out of range");
        }
        lock.readLock().lock();
        try {
            if (closed) {
                return;
            }
            if (libc().ioctl(fd, TIOCSWINSZ, new short[] {(short) rows, (short) cols, 0, 0}) < 0) {
                throw error("ioctl", fd, "TIOCSWINSZ", rows, cols);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Reads until the process side of the terminal is gone (EIO), which is EOF here. */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                byte[] buf = off == 0 ? b : new byte[len];
                for (;;) {
                    long n;
                    lock.readLock().lock();
                    try {
                        if (closed) {
                            return -1;
                        }
                        n = libc().read(fd, buf, Math.min(len, buf.length));
                    } finally {
                        lock.readLock().unlock();
                    }
                    if (n > 0) {
                        if (buf != b) {
                            System.arraycopy(buf, 0, b, off, (int) n);
                        }
                        return (int) n;
                    }
                    if (n < 0 && Holder.RUNTIME.getLastError() == EINTR) {
                        continue;
                    }
                    return -1;
                }
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] buf = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                int done = 0;
                while (done < len) {
                    byte[] rest = done == 0 ? buf : java.util.Arrays.copyOfRange(buf, done, len);
                    long n;
                    lock.readLock().lock();
                    try {
                        if (closed) {
                            throw new IOException("the terminal of the exec session is closed");
                        }
                        n = libc().write(fd, rest, len - done);
                    } finally {
                        lock.readLock().unlock();
                    }
                    if (n < 0) {
                        int errno = Holder.RUNTIME.getLastError();
                        if (errno == EINTR || errno == EAGAIN) {
                            continue;
                        }
                        throw new IOException("write to the exec session's terminal failed: errno " + errno);
                    }
                    done += (int) n;
                }
            }
        };
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                libc().close(fd);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
