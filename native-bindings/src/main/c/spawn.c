/* Staged process creation, like runc's nsexec: the parent writes id maps for
 * stage 1, stage 1 joins and creates namespaces, stage 2 is the container. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "util.h"

int sync_send(int fd, int kind, int pid, const struct perr *e)
{
    struct sync_msg m;

    memset(&m, 0, sizeof m);
    m.kind = kind;
    m.pid = pid;
    if (e)
        m.e = *e;
    while (send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

int sync_recv(int fd, struct sync_msg *m)
{
    ssize_t n;

    do
        n = recv(fd, m, sizeof *m, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    if (n != sizeof *m) {
        errno = EPROTO;
        return -1;
    }
    return 1;
}

/* After joining or creating a user namespace, become its root when root is
 * mapped (as runc does); SETUID/SETGID steps choose the final ids. */
static void become_ns_root(void)
{
    if (setresgid(0, 0, 0) == 0)
        setgroups(0, NULL);
    setresuid(0, 0, 0);
}

static int stage1_namespaces(const struct plan *p, int sync, struct perr *e)
{
    int fds[PLAN_MAX_JOINS];
    struct sync_msg m;

    for (int i = 0; i < p->ncgroups; i++)
        if (write_file("CGROUP_PROCS", p->cgroups[i], "0", e) < 0)
            return -1;
    for (int i = 0; i < p->njoins; i++) {
        fds[i] = open(p->joins[i].path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0)
            return perr_set(e, "NS_JOIN", "open", errno, "%s", p->joins[i].path);
    }
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < p->njoins; i++) {
            int user = p->joins[i].type == CLONE_NEWUSER;
            if (user != (pass == 0))
                continue;
            if (setns(fds[i], p->joins[i].type) < 0)
                return perr_set(e, "NS_JOIN", "setns", errno, "%s", p->joins[i].path);
            close(fds[i]);
            if (user)
                become_ns_root();
        }
    if (p->ns_new & CLONE_NEWUSER) {
        if (unshare(CLONE_NEWUSER) < 0)
            return perr_set(e, "NS_NEW", "unshare", errno, "user namespace");
        if (sync_send(sync, MSG_USERNS, 0, NULL) < 0)
            return perr_set(e, "NS_NEW", "send", errno, "sync socket");
        if (sync_recv(sync, &m) != 1 || m.kind != MSG_MAPPED)
            return perr_set(e, "NS_NEW", "recv", errno, "no id maps from the parent");
        become_ns_root();
    }
    if ((p->ns_new & ~CLONE_NEWUSER) && unshare(p->ns_new & ~CLONE_NEWUSER) < 0)
        return perr_set(e, "NS_NEW", "unshare", errno, "flags 0x%x", p->ns_new & ~CLONE_NEWUSER);
    return 0;
}

static void stage1(const struct plan *p, const struct stdio_set *io, int sync, int fifo)
{
    struct perr e;
    sigset_t none;
    pid_t pid;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (stage1_namespaces(p, sync, &e) < 0) {
        sync_send(sync, MSG_ERROR, 0, &e);
        _exit(1);
    }
    pid = fork();
    if (pid < 0) {
        perr_set(&e, "NS_NEW", "fork", errno, "container process");
        sync_send(sync, MSG_ERROR, 0, &e);
        _exit(1);
    }
    if (pid == 0)
        init_run(p, io, sync, fifo);
    sync_send(sync, MSG_PID, pid, NULL);
    _exit(0);
}

static int write_maps(const struct plan *p, pid_t pid, struct perr *e)
{
    char path[64];

    if (p->uid_map) {
        snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
        if (write_file("UID_MAP", path, p->uid_map, e) < 0)
            return -1;
    }
    if (p->setgroups_deny) {
        snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
        if (write_file("SETGROUPS_DENY", path, "deny", e) < 0)
            return -1;
    }
    if (p->gid_map) {
        snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
        if (write_file("GID_MAP", path, p->gid_map, e) < 0)
            return -1;
    }
    return 0;
}

static int open_fifo(const struct plan *p, struct perr *e)
{
    char path[PATH_MAX];
    int fd;

    snprintf(path, sizeof path, "%s/exec.fifo", p->state_dir);
    unlink(path);
    if (mkfifo(path, 0600) < 0)
        return perr_set(e, "START", "mkfifo", errno, "%s", path);
    fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return perr_set(e, "START", "open", errno, "%s", path);
    return fd;
}

/* Stage 2 becomes our child (we are a subreaper) only once stage 1 is gone,
 * so stage 1 is reaped first. */
static void kill_reap(pid_t pid1, pid_t pid2)
{
    if (pid2 > 0)
        kill(pid2, SIGKILL);
    if (pid1 > 0) {
        kill(pid1, SIGKILL);
        waitpid(pid1, NULL, 0);
    }
    if (pid2 > 0)
        waitpid(pid2, NULL, 0);
}

/* Waits for the outcome of execve: EOF on the sync socket means success. */
static int exec_outcome(int sync, struct perr *e)
{
    struct sync_msg m;
    int r = sync_recv(sync, &m);

    if (r == 0)
        return 0;
    if (r < 0)
        return perr_set(e, "EXEC", "recv", errno, "sync socket");
    if (m.kind == MSG_ERROR) {
        *e = m.e;
        return -1;
    }
    return perr_set(e, "EXEC", "-", 0, "unexpected message %d before execve", m.kind);
}

int spawn(const struct plan *p, struct stdio_set *io, struct spawned *out, struct perr *e)
{
    int sv[2], fifo = -1, created = 0, failed = 0, r;
    pid_t pid1, pid2 = 0;
    struct sync_msg m;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return perr_set(e, "SPAWN", "socketpair", errno, "sync socket");
    if (p->start_wait && !p->monitor && (fifo = open_fifo(p, e)) < 0)
        goto fail_early;
    pid1 = fork();
    if (pid1 < 0) {
        perr_set(e, "SPAWN", "fork", errno, "stage 1");
        goto fail_early;
    }
    if (pid1 == 0) {
        close(sv[0]);
        stage1(p, io, sv[1], fifo);
    }
    close(sv[1]);
    if (fifo >= 0)
        close(fifo);
    stdio_close_child(io);

    /* Until the container reported CREATED (or an error) and stage 1 its pid. */
    while (!(created || failed) || pid2 == 0) {
        r = sync_recv(sv[0], &m);
        if (r <= 0)
            break;
        if (m.kind == MSG_USERNS) {
            if (write_maps(p, pid1, e) < 0) {
                failed = 1;
                break;
            }
            sync_send(sv[0], MSG_MAPPED, 0, NULL);
        } else if (m.kind == MSG_PID) {
            pid2 = m.pid;
            waitpid(pid1, NULL, 0);
            pid1 = 0;
        } else if (m.kind == MSG_CREATED) {
            created = 1;
        } else if (m.kind == MSG_ERROR && !failed) {
            *e = m.e;
            failed = 1;
        }
    }
    if (!created && !failed)
        perr_set(e, "SPAWN", "recv", r < 0 ? errno : 0,
                 "the container process ended before it was created");
    if (failed || !created)
        goto fail;
    /* The container sent its pty master before it reported CREATED. */
    if (stdio_receive_master(io, e) < 0)
        goto fail;
    if (!p->start_wait && exec_outcome(sv[0], e) < 0)
        goto fail;
    if (p->pid_file) {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%d", pid2);
        if (atomic_write("PID_FILE", p->pid_file, buf, (size_t)n, e) < 0)
            goto fail;
    }
    out->pid = pid2;
    if (p->start_wait && p->monitor) {
        out->sync = sv[0];
    } else {
        out->sync = -1;
        close(sv[0]);
    }
    return 0;

fail:
    kill_reap(pid1, pid2);
    close(sv[0]);
    if (p->start_wait && !p->monitor) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/exec.fifo", p->state_dir);
        unlink(path);
    }
    return -1;
fail_early:
    close(sv[0]);
    close(sv[1]);
    return -1;
}

int spawn_start(struct spawned *s, struct perr *e)
{
    int r;

    if (s->sync < 0)
        return perr_set(e, "START", "-", 0, "container %d was already started", s->pid);
    if (sync_send(s->sync, MSG_START, 0, NULL) < 0) {
        r = perr_set(e, "START", "send", errno, "container %d is gone", s->pid);
    } else {
        r = exec_outcome(s->sync, e);
    }
    close(s->sync);
    s->sync = -1;
    return r;
}
