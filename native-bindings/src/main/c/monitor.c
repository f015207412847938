/* The monitor (conmon-like): one poll loop over a signalfd, ctl.sock,
 * attach.sock and its clients, and the container's output pipes or pty. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "spawn.h"
#include "util.h"

#define MAX_CLIENTS 16
#define BUF 8192

struct mon {
    const struct plan *p;
    struct stdio_set io;
    struct spawned c;
    struct crilog log;
    int sfd, ctl, att;
    int clients[MAX_CLIENTS];
    int nclients, attached_once, exited, status;
    char ctl_path[PATH_MAX], att_path[PATH_MAX];
};

static int listen_at(const char *dir, const char *name, char *path, struct perr *e)
{
    struct sockaddr_un addr;
    int s;

    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(path, PATH_MAX, "%s/%s", dir, name);
    if (strlen(path) >= sizeof addr.sun_path)
        return perr_set(e, "MONITOR", "bind", ENAMETOOLONG, "%s", path);
    strcpy(addr.sun_path, path);
    unlink(path);
    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s < 0)
        return perr_set(e, "MONITOR", "socket", errno, "%s", path);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 16) < 0) {
        int saved = errno;
        close(s);
        return perr_set(e, "MONITOR", "bind", saved, "%s", path);
    }
    return s;
}

/* Every attach client gets: 1 byte stream (1 stdout, 2 stderr), u32 LE length, data.
 * A client that cannot keep up (non-blocking send fails) is dropped. */
static void drop_client(struct mon *m, int i)
{
    close(m->clients[i]);
    m->clients[i] = m->clients[--m->nclients];
    if (m->p->stdin_once && m->io.in >= 0) {
        close(m->io.in);
        m->io.in = -1;
    }
}

static void relay(struct mon *m, int stream, const char *buf, size_t n)
{
    unsigned char head[5] = {(unsigned char)stream, (unsigned char)n, (unsigned char)(n >> 8),
                             (unsigned char)(n >> 16), (unsigned char)(n >> 24)};

    log_write(&m->log, stream, buf, n);
    for (int i = 0; i < m->nclients; i++) {
        if (send(m->clients[i], head, 5, MSG_NOSIGNAL | MSG_MORE) != 5 ||
            send(m->clients[i], buf, n, MSG_NOSIGNAL) != (ssize_t)n)
            drop_client(m, i--);
    }
}

/* Reads what is there; 0 at EOF (the fd is closed and set to -1). */
static int pump(struct mon *m, int *fd, int stream)
{
    char buf[BUF];
    ssize_t n = read(*fd, buf, sizeof buf);

    if (n > 0) {
        relay(m, stream, buf, (size_t)n);
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 1;
    close(*fd);             /* EOF, or EIO from a pty whose slave is gone */
    *fd = -1;
    log_flush(&m->log, stream);
    return 0;
}

static void to_stdin(struct mon *m, int i)
{
    char buf[BUF];
    ssize_t n = read(m->clients[i], buf, sizeof buf);
    int in = m->io.master >= 0 ? m->io.master : m->io.in;

    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            drop_client(m, i);
        return;
    }
    if (in < 0)
        return;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = write(in, buf + off, (size_t)(n - off));
        if (w > 0) {
            off += w;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd pf = {in, POLLOUT, 0};
            if (poll(&pf, 1, 5000) <= 0)
                return;     /* the container does not read its stdin: drop the rest */
        } else if (errno != EINTR) {
            return;
        }
    }
}

static void answer(int fd, const char *line)
{
    write_all(fd, line, strlen(line));
}

static void command(struct mon *m, int fd)
{
    char buf[128], out[512];
    struct timeval tv = {2, 0};
    struct perr e;
    ssize_t n;
    int rows, cols;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    n = recv(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return;
    buf[n] = 0;
    buf[strcspn(buf, "\r\n")] = 0;
    if (strcmp(buf, "start") == 0) {
        if (spawn_start(&m->c, &e) < 0)
            answer(fd, (perr_line(&e, out, sizeof out), out));
        else
            answer(fd, "ok\n");
    } else if (strcmp(buf, "reopen-log") == 0) {
        if (log_reopen(&m->log, &e) < 0)
            answer(fd, (perr_line(&e, out, sizeof out), out));
        else
            answer(fd, "ok\n");
    } else if (sscanf(buf, "resize %d %d", &rows, &cols) == 2) {
        struct winsize ws = {(unsigned short)rows, (unsigned short)cols, 0, 0};
        if (m->io.master < 0)
            answer(fd, "error RESIZE - 0 the container has no terminal\n");
        else if (rows < 1 || cols < 1 || rows > 65535 || cols > 65535)
            answer(fd, (perr_set(&e, "RESIZE", "-", 0, "size %d %d is out of range 1..65535", rows, cols),
                        perr_line(&e, out, sizeof out), out));
        else if (ioctl(m->io.master, TIOCSWINSZ, &ws) < 0)
            answer(fd, (perr_set(&e, "RESIZE", "ioctl", errno, "TIOCSWINSZ"),
                        perr_line(&e, out, sizeof out), out));
        else
            answer(fd, "ok\n");
    } else if (strcmp(buf, "state") == 0) {
        snprintf(out, sizeof out, m->exited ? "stopped\n" : "running %d\n", m->c.pid);
        answer(fd, out);
    } else {
        perr_set(&e, "CTL", "-", 0, "unknown command \"%.60s\"", buf);
        answer(fd, (perr_line(&e, out, sizeof out), out));
    }
}

static void reap(struct mon *m)
{
    struct signalfd_siginfo si;
    int status;
    pid_t pid;

    while (read(m->sfd, &si, sizeof si) == sizeof si)
        ;   /* SIGTERM/SIGINT/SIGHUP: the monitor outlives whoever sends them */
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        if (pid == m->c.pid) {
            m->exited = 1;
            m->status = status;
        }
}

/* Reads what the fd still holds without waiting for more. */
static void drain(struct mon *m, int *fd, int stream)
{
    while (*fd >= 0 && pump(m, fd, stream) && *fd >= 0) {
        struct pollfd pf = {*fd, POLLIN, 0};
        if (poll(&pf, 1, 0) <= 0)
            break;
    }
}

static void finish(struct mon *m)
{
    char path[PATH_MAX], buf[64];
    struct perr e;
    int n;

    drain(m, &m->io.out, 1);
    drain(m, &m->io.err, 2);
    drain(m, &m->io.master, 1);
    log_flush(&m->log, 1);
    log_flush(&m->log, 2);
    n = snprintf(buf, sizeof buf, "status %d\nfinished %lld\n", m->status, (long long)now_nanos());
    snprintf(path, sizeof path, "%s/exit", m->p->state_dir);
    atomic_write("EXIT", path, buf, (size_t)n, &e);
    unlink(m->ctl_path);
    unlink(m->att_path);
    _exit(0);
}

static void loop(struct mon *m)
{
    struct pollfd pf[6 + MAX_CLIENTS];

    for (;;) {
        int n = 0, fd;

        pf[n++] = (struct pollfd){m->sfd, POLLIN, 0};
        pf[n++] = (struct pollfd){m->ctl, POLLIN, 0};
        pf[n++] = (struct pollfd){m->att, POLLIN, 0};
        pf[n++] = (struct pollfd){m->io.out, POLLIN, 0};
        pf[n++] = (struct pollfd){m->io.err, POLLIN, 0};
        pf[n++] = (struct pollfd){m->io.master, POLLIN, 0};
        for (int i = 0; i < m->nclients; i++)
            pf[n++] = (struct pollfd){m->clients[i], POLLIN, 0};
        if (poll(pf, (nfds_t)n, -1) < 0 && errno != EINTR)
            _exit(1);
        if (pf[0].revents)
            reap(m);
        if (m->exited)
            finish(m);
        if (pf[1].revents && (fd = accept4(m->ctl, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
            command(m, fd);
            close(fd);
        }
        if (pf[2].revents && (fd = accept4(m->att, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
            if (m->nclients == MAX_CLIENTS)
                close(fd);
            else
                m->clients[m->nclients++] = fd;
        }
        if (pf[3].revents)
            pump(m, &m->io.out, 1);
        if (pf[4].revents)
            pump(m, &m->io.err, 2);
        if (pf[5].revents)
            pump(m, &m->io.master, 1);
        /* Output relay may have dropped clients (the array was compacted):
         * only serve slots that still hold the polled fd. */
        for (int i = n - 1; i >= 6; i--)
            if (pf[i].revents && i - 6 < m->nclients && m->clients[i - 6] == pf[i].fd)
                to_stdin(m, i - 6);
    }
}

static void report(int fd, const char *line)
{
    write_all(fd, line, strlen(line));
    close(fd);
}

void monitor_main(const struct plan *p, int result_fd)
{
    struct mon m;
    struct perr e;
    char line[512], path[PATH_MAX];
    sigset_t set;
    int n, null;

    memset(&m, 0, sizeof m);
    m.p = p;
    m.ctl = m.att = -1;
    m.log.path = p->log;
    m.log.max_line = (size_t)p->log_max_line;
    setsid();
    if (chdir("/") < 0)         /* do not pin the caller's cwd mount */
        _exit(1);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    m.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    n = snprintf(line, sizeof line, "%d\n", getpid());
    snprintf(path, sizeof path, "%s/monitor.pid", p->state_dir);
    if (m.sfd < 0)
        perr_set(&e, "MONITOR", "signalfd", errno, "monitor");
    if (m.sfd < 0 || atomic_write("MONITOR", path, line, (size_t)n, &e) < 0 ||
        log_open(&m.log, &e) < 0 || stdio_prepare(p, &m.io, &e) < 0 ||
        (m.ctl = listen_at(p->state_dir, "ctl.sock", m.ctl_path, &e)) < 0 ||
        (m.att = listen_at(p->state_dir, "attach.sock", m.att_path, &e)) < 0 ||
        spawn(p, &m.io, &m.c, &e) < 0) {
        if (m.ctl >= 0)
            unlink(m.ctl_path);
        if (m.att >= 0)
            unlink(m.att_path);
        unlink(path);
        perr_line(&e, line, sizeof line);
        report(result_fd, line);
        _exit(1);
    }
    {
        int fds[] = {m.io.out, m.io.err, m.io.in, m.io.master};
        for (int i = 0; i < 4; i++)
            if (fds[i] >= 0)
                set_nonblock(fds[i]);
    }
    snprintf(line, sizeof line, "ok %d %d\n", m.c.pid, getpid());
    report(result_fd, line);
    /* Let go of the caller's stdio so that nobody waits on the monitor. */
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3 && null >= 0; i++)
        dup2(null, i);
    if (null > 2)
        close(null);
    loop(&m);
    _exit(0);
}
