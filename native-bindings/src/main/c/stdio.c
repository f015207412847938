/* The container's fd 0-2: files, inherited fds, pipes to the monitor or a pty. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

static int open_path(const char *path, int fd, int *out, struct perr *e)
{
    int flags = fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND;

    if (path && strcmp(path, "-") == 0) {
        *out = -1;
        return 0;
    }
    if (!path)
        path = "/dev/null";
    *out = open(path, flags | O_CLOEXEC | O_NOCTTY, 0644);
    if (*out < 0)
        return perr_set(e, "STDIO", "open", errno, "fd %d: %s", fd, path);
    return 0;
}

static int make_pipe(int *child, int *parent, int child_reads, struct perr *e)
{
    int p[2];

    if (pipe2(p, O_CLOEXEC) < 0)
        return perr_set(e, "STDIO", "pipe2", errno, "container stdio");
    *child = child_reads ? p[0] : p[1];
    *parent = child_reads ? p[1] : p[0];
    return 0;
}

static int connect_console(const char *path, int *out, struct perr *e)
{
    struct sockaddr_un addr;
    int s;

    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path)
        return perr_set(e, "CONSOLE_SOCKET", "connect", ENAMETOOLONG, "%s", path);
    strcpy(addr.sun_path, path);
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int saved = errno;
        if (s >= 0)
            close(s);
        return perr_set(e, "CONSOLE_SOCKET", "connect", saved, "%s", path);
    }
    *out = s;
    return 0;
}

static int send_master(int s, int master, struct perr *e)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char byte = 0;
    struct iovec iov = {&byte, 1};
    struct msghdr msg;
    struct cmsghdr *c;

    memset(&msg, 0, sizeof msg);
    memset(cbuf, 0, sizeof cbuf);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &master, sizeof(int));
    if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0)
        return perr_set(e, "CONSOLE_SOCKET", "sendmsg", errno, "pty master");
    return 0;
}

/* The pty comes from the container's own /dev/ptmx (its devpts), so that the slave is
 * a /dev/pts/N of the container and ttyname() works inside, as with runc; the socket it
 * goes out on was connected (or made) on the host before any namespace change. The size
 * is set before the pty becomes anyone's terminal, so no SIGWINCH is sent for it. */
int stdio_console(const struct stdio_set *io, struct perr *e)
{
    struct winsize ws = {io->rows, io->cols, 0, 0};
    int unlock = 0, master, slave;

    if (io->console < 0)
        return 0;
    if (io->console_peer >= 0)
        close(io->console_peer);
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return perr_set(e, "TTY", "open", errno, "/dev/ptmx in the container");
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        return perr_set(e, "TTY", "ioctl", errno, "TIOCSPTLCK");
    if (io->rows && ioctl(master, TIOCSWINSZ, &ws) < 0)
        return perr_set(e, "CONSOLE_SIZE", "ioctl", errno, "TIOCSWINSZ %u rows %u columns",
                        io->rows, io->cols);
    slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return perr_set(e, "TTY", "ioctl", errno, "TIOCGPTPEER");
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return perr_set(e, "TTY", "ioctl", errno, "TIOCSCTTY");
    for (int i = 0; i < 3; i++)
        if (dup2(slave, i) < 0)
            return perr_set(e, "TTY", "dup2", errno, "fd %d", i);
    if (send_master(io->console, master, e) < 0)
        return -1;
    close(master);
    close(slave);
    close(io->console);
    return 0;
}

int stdio_receive_master(struct stdio_set *io, struct perr *e)
{
    char cbuf[CMSG_SPACE(sizeof(int))];
    char byte;
    struct iovec iov = {&byte, 1};
    struct msghdr msg;
    struct cmsghdr *c;
    ssize_t n;

    if (io->console_peer < 0)
        return 0;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    do
        n = recvmsg(io->console_peer, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    close(io->console_peer);
    io->console_peer = -1;
    if (n < 0)
        return perr_set(e, "TTY", "recvmsg", errno, "pty master from the container");
    c = CMSG_FIRSTHDR(&msg);
    if (n == 0 || !c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return perr_set(e, "TTY", "-", 0, "the container sent no pty master");
    memcpy(&io->master, CMSG_DATA(c), sizeof(int));
    return 0;
}

/* TTY without CONSOLE_SOCKET: the container sends its pty master to the monitor. */
static int console_pair(struct stdio_set *io, struct perr *e)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return perr_set(e, "TTY", "socketpair", errno, "pty master channel");
    io->console_peer = sv[0];
    io->console = sv[1];
    return 0;
}

int stdio_prepare(const struct plan *p, struct stdio_set *io, struct perr *e)
{
    io->out = io->err = io->in = io->master = io->console = io->console_peer = -1;
    io->rows = p->console_rows;
    io->cols = p->console_cols;
    for (int i = 0; i < 3; i++)
        io->child[i] = -1;
    if (p->tty && p->console_socket)
        return connect_console(p->console_socket, &io->console, e);
    if (p->tty)
        return console_pair(io, e);
    if (p->stdin_pipe && !p->stdio[0]) {
        if (make_pipe(&io->child[0], &io->in, 1, e) < 0)
            return -1;
    } else if (open_path(p->stdio[0], 0, &io->child[0], e) < 0) {
        return -1;
    }
    for (int i = 1; i < 3; i++) {
        if (p->monitor && !p->stdio[i]) {
            if (make_pipe(&io->child[i], i == 1 ? &io->out : &io->err, 0, e) < 0)
                return -1;
        } else if (open_path(p->stdio[i], i, &io->child[i], e) < 0) {
            return -1;
        }
    }
    return 0;
}

int stdio_apply(const struct stdio_set *io, struct perr *e)
{
    int high[3];

    /* Lift every source above 2 first so that no dup2 overwrites another source. */
    for (int i = 0; i < 3; i++) {
        high[i] = -1;
        if (io->child[i] >= 0 && (high[i] = fcntl(io->child[i], F_DUPFD_CLOEXEC, 3)) < 0)
            return perr_set(e, "STDIO", "fcntl", errno, "fd %d", i);
    }
    for (int i = 0; i < 3; i++)
        if (high[i] >= 0 && dup2(high[i], i) < 0)
            return perr_set(e, "STDIO", "dup2", errno, "fd %d", i);
    return 0;
}

void stdio_close_child(struct stdio_set *io)
{
    for (int i = 0; i < 3; i++) {
        if (io->child[i] >= 0 && (i == 0 || io->child[i] != io->child[i - 1]))
            close(io->child[i]);
        io->child[i] = -1;
    }
    if (io->console >= 0)
        close(io->console);
    io->console = -1;
}
