/* Mount steps. A destination inside the rootfs is resolved with openat2
 * RESOLVE_IN_ROOT, creating missing components one by one without ever
 * following a symlink out of the rootfs, then mounted via /proc/self/fd/N. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "plan.h"
#include "rootfs.h"

#define MAX_LINKS 40

static int openat2_in(int root, const char *path, int flags)
{
    struct open_how how;

    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    return (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof how);
}

static const char *nullable(const char *s)
{
    return strcmp(s, "-") == 0 ? NULL : s;
}

/* Opens dest (O_PATH) inside rootfs. create: 0 never, 'd' missing components
 * become directories, 'f' the last one becomes an empty file. */
static int resolve(const char *step, const char *rootfs, const char *dest, int create,
                   struct perr *e)
{
    char done[PATH_MAX] = "", rest[PATH_MAX], tmp[PATH_MAX];
    int root, fd, links = 0;

    root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return perr_set(e, step, "open", errno, "rootfs %s", rootfs);
    fd = openat2_in(root, dest, O_PATH);
    if (fd >= 0 || errno != ENOENT || !create) {
        int saved = errno;
        close(root);
        return fd >= 0 ? fd : perr_set(e, step, "openat2", saved, "%s in %s", dest, rootfs);
    }
    if (snprintf(rest, sizeof rest, "%s", dest) >= (int)sizeof rest)
        goto toolong;
    for (;;) {
        char *c = rest, *next;
        struct stat st;
        int parent;

        while (*c == '/')
            c++;
        if (!*c) {
            fd = openat2_in(root, done, O_PATH);
            if (fd < 0)
                perr_set(e, step, "openat2", errno, "%s in %s", dest, rootfs);
            close(root);
            return fd;
        }
        next = strchr(c, '/');
        if (next)
            *next++ = 0;
        if (snprintf(tmp, sizeof tmp, "%s/%s", done, c) >= (int)sizeof tmp)
            goto toolong;
        fd = openat2_in(root, tmp, O_PATH);
        if (fd >= 0) {
            close(fd);
            strcpy(done, tmp);
            memmove(rest, next ? next : "", strlen(next ? next : "") + 1);
            continue;
        }
        if (errno != ENOENT)
            break;
        parent = openat2_in(root, done, O_PATH | O_DIRECTORY);
        if (parent < 0)
            break;
        if (fstatat(parent, c, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            /* Missing: create it in the (already resolved) parent directory. */
            int r = (next && *next) || create == 'd' ? mkdirat(parent, c, 0755)
                                                     : mknodat(parent, c, S_IFREG | 0644, 0);
            if (r < 0 && errno != EEXIST) {
                int saved = errno;
                close(parent);
                close(root);
                return perr_set(e, step, (next && *next) || create == 'd' ? "mkdirat" : "mknodat",
                                saved, "%s in %s", tmp, rootfs);
            }
            close(parent);
            strcpy(done, tmp);
            memmove(rest, next ? next : "", strlen(next ? next : "") + 1);
            continue;
        }
        if (!S_ISLNK(st.st_mode) || ++links > MAX_LINKS) {
            close(parent);
            errno = S_ISLNK(st.st_mode) ? ELOOP : ENOENT;
            break;
        }
        /* A dangling symlink: continue with its target, resolved in the root. */
        {
            char target[PATH_MAX];
            ssize_t n = readlinkat(parent, c, target, sizeof target - 1);
            close(parent);
            if (n < 0)
                break;
            target[n] = 0;
            if (target[0] == '/')
                done[0] = 0;
            if (snprintf(tmp, sizeof tmp, "%s/%s", target, next ? next : "") >= (int)sizeof tmp)
                goto toolong;
            strcpy(rest, tmp);
        }
    }
    {
        int saved = errno;
        close(root);
        return perr_set(e, step, "openat2", saved, "%s in %s", dest, rootfs);
    }
toolong:
    close(root);
    return perr_set(e, step, "-", ENAMETOOLONG, "%s in %s", dest, rootfs);
}

int step_mount_host(const struct rec *r, struct perr *e)
{
    unsigned long flags = (unsigned long)plan_u64(r->f[3]);

    if (mount(nullable(r->f[0]), r->f[1], nullable(r->f[2]), flags, nullable(r->f[4])) < 0)
        return perr_set(e, "MOUNT_HOST", "mount", errno, "%s on %s", r->f[0], r->f[1]);
    return 0;
}

/* Flags that a bind mount only takes on a remount. */
#define BIND_REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
                            MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

int step_mount(const char *rootfs, const struct rec *r, struct perr *e)
{
    unsigned long flags = (unsigned long)plan_u64(r->f[3]);
    char proc[64];
    int fd = resolve("MOUNT", rootfs, r->f[1], r->f[5][0], e);

    if (fd < 0)
        return -1;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (mount(nullable(r->f[0]), proc, nullable(r->f[2]), flags, nullable(r->f[4])) < 0) {
        int saved = errno;
        close(fd);
        return perr_set(e, "MOUNT", "mount", saved, "%s on %s (%s)", r->f[0], r->f[1], proc);
    }
    close(fd);
    if ((flags & MS_BIND) && (flags & BIND_REMOUNT_FLAGS)) {
        /* fd named the directory below; the new mount needs a fresh lookup. */
        if ((fd = resolve("MOUNT", rootfs, r->f[1], 0, e)) < 0)
            return -1;
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        if (mount(NULL, proc, NULL, MS_REMOUNT | MS_BIND | (flags & (BIND_REMOUNT_FLAGS | MS_REC)),
                  NULL) < 0) {
            int saved = errno;
            close(fd);
            return perr_set(e, "MOUNT", "mount", saved, "remount %s", r->f[1]);
        }
        close(fd);
    }
    return 0;
}

/* The parent directory of dest inside rootfs (created), and dest's last name. */
static int resolve_parent(const char *step, const char *rootfs, const char *dest,
                          const char **name, struct perr *e)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(dest, '/');

    if (!slash || !slash[1])
        return perr_set(e, step, "-", EINVAL, "%s is not an absolute file path", dest);
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - dest), dest);
    *name = slash + 1;
    return resolve(step, rootfs, dir, 'd', e);
}

int step_mknod(const char *rootfs, const struct rec *r, struct perr *e)
{
    const char *name;
    int dir = resolve_parent("MKNOD", rootfs, r->f[0], &name, e);
    mode_t mode = (mode_t)plan_u64(r->f[1]);
    dev_t dev = makedev((unsigned)plan_u64(r->f[2]), (unsigned)plan_u64(r->f[3]));

    if (dir < 0)
        return -1;
    if (mknodat(dir, name, mode, dev) < 0) {
        int saved = errno;
        close(dir);
        return perr_set(e, "MKNOD", "mknodat", saved, "%s", r->f[0]);
    }
    /* The mode as written, not filtered by the helper's umask. */
    if (fchmodat(dir, name, mode & 07777, 0) < 0) {
        int saved = errno;
        close(dir);
        return perr_set(e, "MKNOD", "fchmodat", saved, "%s", r->f[0]);
    }
    if (fchownat(dir, name, (uid_t)plan_i64(r->f[4]), (gid_t)plan_i64(r->f[5]),
                 AT_SYMLINK_NOFOLLOW) < 0) {
        int saved = errno;
        close(dir);
        return perr_set(e, "MKNOD", "fchownat", saved, "%s", r->f[0]);
    }
    close(dir);
    return 0;
}

int step_symlink(const char *rootfs, const struct rec *r, struct perr *e)
{
    const char *name;
    int dir = resolve_parent("SYMLINK", rootfs, r->f[1], &name, e);

    if (dir < 0)
        return -1;
    if (symlinkat(r->f[0], dir, name) < 0) {
        int saved = errno;
        close(dir);
        return perr_set(e, "SYMLINK", "symlinkat", saved, "%s -> %s", r->f[1], r->f[0]);
    }
    close(dir);
    return 0;
}

int step_propagation(const struct rec *r, struct perr *e)
{
    if (mount(NULL, "/", NULL, (unsigned long)plan_u64(r->f[0]), NULL) < 0)
        return perr_set(e, "PROPAGATION", "mount", errno, "/ flags %s", r->f[0]);
    return 0;
}

int step_pivot_root(const char *rootfs, struct perr *e)
{
    if (chdir(rootfs) < 0)
        return perr_set(e, "PIVOT_ROOT", "chdir", errno, "%s", rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return perr_set(e, "PIVOT_ROOT", "pivot_root", errno, "%s", rootfs);
    /* The old root is stacked under the new one: keep its unmount from
     * propagating to the host, then detach it. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return perr_set(e, "PIVOT_ROOT", "mount", errno, "make old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
        return perr_set(e, "PIVOT_ROOT", "umount2", errno, "old root");
    if (chdir("/") < 0)
        return perr_set(e, "PIVOT_ROOT", "chdir", errno, "/");
    return 0;
}

int step_chroot(const char *rootfs, struct perr *e)
{
    if (chdir(rootfs) < 0)
        return perr_set(e, "CHROOT", "chdir", errno, "%s", rootfs);
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return perr_set(e, "CHROOT", "mount", errno, "move %s to /", rootfs);
    if (chroot(".") < 0)
        return perr_set(e, "CHROOT", "chroot", errno, "%s", rootfs);
    if (chdir("/") < 0)
        return perr_set(e, "CHROOT", "chdir", errno, "/");
    return 0;
}

int step_mask(const struct rec *r, struct perr *e)
{
    struct stat st;
    int rc;

    if (stat(r->f[0], &st) < 0)
        return errno == ENOENT ? 0 : perr_set(e, "MASK", "stat", errno, "%s", r->f[0]);
    if (S_ISDIR(st.st_mode))
        rc = mount("tmpfs", r->f[0], "tmpfs", MS_RDONLY, "size=0");
    else
        rc = mount("/dev/null", r->f[0], NULL, MS_BIND, NULL);
    if (rc < 0)
        return perr_set(e, "MASK", "mount", errno, "%s", r->f[0]);
    return 0;
}

/* READONLY binds the path onto itself first; REMOUNT_RO only remounts. The
 * remount keeps nosuid/nodev/noexec, which a user namespace may not drop. */
int step_readonly(const struct rec *r, int bind_first, struct perr *e)
{
    const char *step = bind_first ? "READONLY" : "REMOUNT_RO";
    const char *path = r->f[0];
    struct statvfs sv;
    unsigned long keep = 0;

    if (bind_first && mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return errno == ENOENT ? 0 : perr_set(e, step, "mount", errno, "bind %s", path);
    if (statvfs(path, &sv) < 0)
        return perr_set(e, step, "statvfs", errno, "%s", path);
    keep |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
    keep |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
    keep |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
    if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0)
        return perr_set(e, step, "mount", errno, "remount %s read-only", path);
    return 0;
}
