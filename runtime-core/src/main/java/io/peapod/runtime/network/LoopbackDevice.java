package io.peapod.runtime.network;

import io.peapod.sys.SyscallException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * Brings {@code lo} up in the calling thread's network namespace with two ioctls
 * (SIOCGIFFLAGS, SIOCSIFFLAGS) on a datagram socket. A socket belongs to the network
 * namespace of the thread that creates it, so a thread that unshared or setns'ed into
 * a namespace reaches that namespace's {@code lo}. This avoids forking {@code ip} for
 * every pod and works where iproute2 is not installed.
 */
final class LoopbackDevice {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;
    private static final int IFF_UP = 0x1;

    /** The socket calls this class needs; libc's own signatures. */
    public interface SocketLib {
        int socket(int domain, int type, int protocol);

        int ioctl(int fd, long request, @In @Out byte[] ifreq);

        int close(int fd);

        String strerror(int errnum);
    }

    private static final class Holder {
        static final SocketLib LIB = LibraryLoader.create(SocketLib.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIB);
    }

    private LoopbackDevice() {
    }

    /** Sets IFF_UP on {@code lo} of the current thread's network namespace; a no-op if it is up. */
    static void bringUp() {
        SocketLib lib = Holder.LIB;
        int fd = lib.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw failure("socket", "AF_INET", "SOCK_DGRAM|SOCK_CLOEXEC", 0);
        }
        try {
            byte[] ifreq = new byte[IFREQ_SIZE];
            byte[] name = "lo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, ifreq, 0, name.length);
            if (lib.ioctl(fd, SIOCGIFFLAGS, ifreq) != 0) {
                throw failure("ioctl", fd, "SIOCGIFFLAGS", "lo");
            }
            int flags = (ifreq[IFNAMSIZ] & 0xff) | ((ifreq[IFNAMSIZ + 1] & 0xff) << 8);
            if ((flags & IFF_UP) != 0) {
                return;
            }
            flags |= IFF_UP;
            ifreq[IFNAMSIZ] = (byte) flags;
            ifreq[IFNAMSIZ + 1] = (byte) (flags >>> 8);
            if (lib.ioctl(fd, SIOCSIFFLAGS, ifreq) != 0) {
                throw failure("ioctl", fd, "SIOCSIFFLAGS", "lo", "IFF_UP");
            }
        } finally {
            lib.close(fd);
        }
    }

    private static SyscallException failure(String call, Object... arguments) {
        int errno = Holder.RUNTIME.getLastError();
        return new SyscallException(call, errno, Holder.LIB.strerror(errno), arguments);
    }
}
