/* Stage 2, the container process: the init steps in plan order, stdio, the
 * START wait, seccomp and execve. Every failure goes back over the sync socket. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs.h"
#include "spawn.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int is(const struct rec *r, const char *op)
{
    return strcmp(r->op, op) == 0;
}

static int sysctl(const struct rec *r, struct perr *e)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "/proc/sys/%s", r->f[0]);

    for (char *c = path + 10; c < path + n; c++)
        if (*c == '.')
            *c = '/';
    return write_file("SYSCTL", path, r->f[1], e);
}

static int cap_bounding(uint64_t keep, struct perr *e)
{
    for (int cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
            break;                              /* past the kernel's last capability */
        if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return perr_set(e, "CAP_BOUNDING", "prctl", errno, "drop capability %d", cap);
    }
    return 0;
}

static int caps(const struct rec *r, struct perr *e)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    uint64_t eff = plan_u64(r->f[0]), perm = plan_u64(r->f[1]), inh = plan_u64(r->f[2]);

    for (int i = 0; i < 2; i++) {
        d[i].effective = (uint32_t)(eff >> (32 * i));
        d[i].permitted = (uint32_t)(perm >> (32 * i));
        d[i].inheritable = (uint32_t)(inh >> (32 * i));
    }
    if (syscall(SYS_capset, &h, d) < 0)
        return perr_set(e, "CAPS", "capset", errno, "effective %s permitted %s inheritable %s",
                        r->f[0], r->f[1], r->f[2]);
    return 0;
}

static int ambient(uint64_t mask, struct perr *e)
{
    for (int cap = 0; cap < 64; cap++)
        if ((mask & (1ULL << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return perr_set(e, "CAP_AMBIENT", "prctl", errno, "raise capability %d", cap);
    return 0;
}

static int set_groups(const char *list, struct perr *e)
{
    gid_t gids[NGROUPS_MAX > 1024 ? 1024 : NGROUPS_MAX];
    size_t n = 0;

    for (const char *s = list; *s && n < sizeof gids / sizeof gids[0];) {
        gids[n++] = (gid_t)strtoul(s, (char **)&s, 10);
        if (*s == ',')
            s++;
    }
    if (setgroups(n, gids) < 0)
        return perr_set(e, "SETGROUPS", "setgroups", errno, "%s", list);
    return 0;
}

static int step(const struct rec *r, const char **rootfs, struct perr *e)
{
    if (is(r, "ROOTFS")) {
        *rootfs = r->f[0];
        return 0;
    }
    if (is(r, "MOUNT_HOST"))
        return step_mount_host(r, e);
    if (is(r, "MOUNT") || is(r, "MKNOD") || is(r, "SYMLINK") || is(r, "PIVOT_ROOT") ||
        is(r, "CHROOT")) {
        if (!*rootfs)
            return perr_set(e, r->op, "-", 0, "%s before ROOTFS", r->op);
        if (is(r, "MOUNT")) return step_mount(*rootfs, r, e);
        if (is(r, "MKNOD")) return step_mknod(*rootfs, r, e);
        if (is(r, "SYMLINK")) return step_symlink(*rootfs, r, e);
        if (is(r, "PIVOT_ROOT")) return step_pivot_root(*rootfs, e);
        return step_chroot(*rootfs, e);
    }
    if (is(r, "PROPAGATION")) return step_propagation(r, e);
    if (is(r, "MASK")) return step_mask(r, e);
    if (is(r, "READONLY")) return step_readonly(r, 1, e);
    if (is(r, "REMOUNT_RO")) return step_readonly(r, 0, e);
    if (is(r, "SYSCTL")) return sysctl(r, e);
    if (is(r, "HOSTNAME") && sethostname(r->f[0], strlen(r->f[0])) < 0)
        return perr_set(e, "HOSTNAME", "sethostname", errno, "%s", r->f[0]);
    if (is(r, "DOMAINNAME") && setdomainname(r->f[0], strlen(r->f[0])) < 0)
        return perr_set(e, "DOMAINNAME", "setdomainname", errno, "%s", r->f[0]);
    if (is(r, "RLIMIT")) {
        struct rlimit rl = {(rlim_t)plan_i64(r->f[1]), (rlim_t)plan_i64(r->f[2])};
        if (setrlimit((int)plan_i64(r->f[0]), &rl) < 0)
            return perr_set(e, "RLIMIT", "setrlimit", errno, "resource %s soft %s hard %s",
                            r->f[0], r->f[1], r->f[2]);
    }
    if (is(r, "OOM_SCORE_ADJ"))
        return write_file("OOM_SCORE_ADJ", "/proc/self/oom_score_adj", r->f[0], e);
    if (is(r, "CAP_BOUNDING")) return cap_bounding(plan_u64(r->f[0]), e);
    if (is(r, "KEEPCAPS") && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return perr_set(e, "KEEPCAPS", "prctl", errno, "PR_SET_KEEPCAPS");
    if (is(r, "SETGROUPS")) return set_groups(r->f[0], e);
    if (is(r, "SETGID")) {
        gid_t g = (gid_t)plan_i64(r->f[0]);
        if (setresgid(g, g, g) < 0)
            return perr_set(e, "SETGID", "setresgid", errno, "gid %s", r->f[0]);
    }
    if (is(r, "SETUID")) {
        uid_t u = (uid_t)plan_i64(r->f[0]);
        if (setresuid(u, u, u) < 0)
            return perr_set(e, "SETUID", "setresuid", errno, "uid %s", r->f[0]);
    }
    if (is(r, "CAPS")) return caps(r, e);
    if (is(r, "CAP_AMBIENT")) return ambient(plan_u64(r->f[0]), e);
    if (is(r, "NO_NEW_PRIVS") && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return perr_set(e, "NO_NEW_PRIVS", "prctl", errno, "PR_SET_NO_NEW_PRIVS");
    if (is(r, "UMASK"))
        umask((mode_t)plan_u64(r->f[0]));
    if (is(r, "CHDIR") && chdir(r->f[0]) < 0)
        return perr_set(e, "CHDIR", "chdir", errno, "%s", r->f[0]);
    return 0;       /* process-tree ops were consumed by the parent */
}

static int exec_program(const struct plan *p, struct perr *e)
{
    const char *prog = p->argv[0];
    char path[PATH_MAX];
    int saved = ENOENT;

    if (!strchr(prog, '/') && p->path_search) {
        for (const char *dir = p->path_search; ; ) {
            const char *end = strchrnul(dir, ':');
            int len = (int)(end - dir);
            int n = len ? snprintf(path, sizeof path, "%.*s/%s", len, dir, prog)
                        : snprintf(path, sizeof path, "./%s", prog);
            if (n < (int)sizeof path) {
                execve(path, p->argv, p->envp);
                if (errno == EACCES)
                    saved = EACCES;     /* keep looking, as execvp does */
                else if (errno != ENOENT && errno != ENOTDIR)
                    return perr_set(e, "EXEC", "execve", errno, "%s", path);
            }
            if (!*end)
                break;
            dir = end + 1;
        }
        return perr_set(e, "EXEC", "execve", saved, "%s (searched %s)", prog, p->path_search);
    }
    execve(prog, p->argv, p->envp);
    return perr_set(e, "EXEC", "execve", errno, "%s", prog);
}

static int wait_start(const struct plan *p, int sync, int fifo, int *fifo_w, struct perr *e)
{
    struct sync_msg m;
    char proc[64];

    if (!p->start_wait)
        return 0;
    if (p->monitor) {
        if (sync_recv(sync, &m) != 1 || m.kind != MSG_START)
            _exit(1);   /* the monitor is gone: nobody will ever start us */
        return 0;
    }
    /* Reopen the fifo through the O_PATH fd taken before pivot_root; blocks
     * until `peapod-helper start` opens it for reading. */
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fifo);
    *fifo_w = open(proc, O_WRONLY | O_CLOEXEC);
    if (*fifo_w < 0)
        return perr_set(e, "START", "open", errno, "exec.fifo via %s", proc);
    close(fifo);
    if (write_all(*fifo_w, "0", 1) < 0)
        return perr_set(e, "START", "write", errno, "exec.fifo");
    return 0;
}

static int install_seccomp(const struct plan *p, struct perr *e)
{
    struct sock_fprog prog = {p->nfilter, p->filter};

    if (p->has_seccomp &&
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &prog) < 0)
        return perr_set(e, "SECCOMP", "seccomp", errno, "%u instructions, flags %u",
                        p->nfilter, p->seccomp_flags);
    return 0;
}

void init_run(const struct plan *p, const struct stdio_set *io, int sync, int fifo)
{
    const char *rootfs = NULL;
    struct perr e;
    int fifo_w = -1, filtered = 0;

    reset_signals();
    if (setsid() < 0) {
        perr_set(&e, "INIT", "setsid", errno, "new session");
        goto fail;
    }
    for (int i = 0; i < p->nrecs; i++) {
        /* Without no_new_privs the filter needs CAP_SYS_ADMIN: Java places it
         * before the credentials change. */
        if (is(&p->recs[i], "SECCOMP_NOW")) {
            if (install_seccomp(p, &e) < 0)
                goto fail;
            filtered = 1;
            continue;
        }
        if (step(&p->recs[i], &rootfs, &e) < 0)
            goto fail;
    }
    if (stdio_apply(io, &e) < 0 || stdio_console(io, &e) < 0)
        goto fail;
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (sync_send(sync, MSG_CREATED, 0, NULL) < 0)
        _exit(1);
    if (wait_start(p, sync, fifo, &fifo_w, &e) < 0 || (!filtered && install_seccomp(p, &e) < 0))
        goto fail;
    exec_program(p, &e);
fail:
    sync_send(sync, MSG_ERROR, 0, &e);
    if (fifo_w >= 0) {
        char line[512];
        write_all(fifo_w, line, (size_t)perr_line(&e, line, sizeof line));
    }
    _exit(127);
}
