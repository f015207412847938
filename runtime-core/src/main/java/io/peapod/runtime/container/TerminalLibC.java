package io.peapod.runtime.container;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The few libc calls an exec session's terminal needs: a Unix socket to receive the pty
 * master over (SCM_RIGHTS), then reads, writes and TIOCSWINSZ on that master.
 * Public only because jnr-ffi requires it.
 */
public interface TerminalLibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    int listen(int fd, int backlog);

    int accept4(int fd, Pointer address, Pointer length, int flags);

    long recvmsg(int fd, Pointer message, int flags);

    long read(int fd, @Out byte[] buffer, long count);

    long write(int fd, @In byte[] buffer, long count);

    int ioctl(int fd, long request, @In short[] argument);

    int close(int fd);
}
