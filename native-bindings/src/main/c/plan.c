/* Reading and validating a plan file (format in PLAN.md). */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan.h"
#include "util.h"

#define MAGIC "PPLAN1\n"
#define MAX_PLAN (16 << 20)

/* Field kinds: s any text, n signed number, u unsigned number. */
struct opdef {
    const char *name;
    const char *kinds;
};

static const struct opdef OPS[] = {
    {"ID", "s"}, {"STATE_DIR", "s"}, {"MONITOR", "s"}, {"NS_JOIN", "ss"}, {"NS_NEW", "s"},
    {"UID_MAP", "s"}, {"GID_MAP", "s"}, {"SETGROUPS_DENY", ""}, {"CGROUP_PROCS", "s"},
    {"STDIO", "ns"}, {"LOG", "s"}, {"LOG_MAX_LINE", "n"}, {"STDIN_PIPE", ""},
    {"STDIN_ONCE", ""}, {"TTY", ""}, {"CONSOLE_SOCKET", "s"}, {"CONSOLE_SIZE", "uu"},
    {"PID_FILE", "s"}, {"START", "s"}, {"ROOTFS", "s"}, {"MOUNT_HOST", "sssus"},
    {"MOUNT", "sssuss"}, {"MKNOD", "suuunn"}, {"SYMLINK", "ss"}, {"PROPAGATION", "u"}, {"PIVOT_ROOT", ""},
    {"CHROOT", ""}, {"MASK", "s"}, {"READONLY", "s"}, {"REMOUNT_RO", "s"}, {"SYSCTL", "ss"},
    {"HOSTNAME", "s"}, {"DOMAINNAME", "s"}, {"RLIMIT", "nnn"}, {"OOM_SCORE_ADJ", "n"},
    {"CAP_BOUNDING", "u"}, {"KEEPCAPS", ""}, {"SETGROUPS", "s"}, {"SETGID", "n"},
    {"SETUID", "n"}, {"CAPS", "uuu"}, {"CAP_AMBIENT", "u"}, {"NO_NEW_PRIVS", ""},
    {"UMASK", "u"}, {"CHDIR", "s"}, {"ENV", "s"}, {"ARG", "s"}, {"PATH_SEARCH", "s"},
    {"SECCOMP", "us"}, {"SECCOMP_NOW", ""},
};

static const struct { const char *name; int flag; } NS_TYPES[] = {
    {"user", CLONE_NEWUSER}, {"pid", CLONE_NEWPID}, {"net", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"mnt", CLONE_NEWNS},
    {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

static int ns_flag(const char *name)
{
    for (size_t i = 0; i < sizeof NS_TYPES / sizeof NS_TYPES[0]; i++)
        if (strcmp(NS_TYPES[i].name, name) == 0)
            return NS_TYPES[i].flag;
    return 0;
}

int64_t plan_i64(const char *s)
{
    int64_t v = 0;
    parse_i64(s, &v);
    return v;
}

uint64_t plan_u64(const char *s)
{
    uint64_t v = 0;
    parse_u64(s, &v);
    return v;
}

static int bad(struct perr *e, const char *op, const char *what, const char *value)
{
    return perr_set(e, "PLAN", "-", 0, "plan: %s: %s \"%s\"", op, what, value);
}

static int check_fields(const struct rec *r, const struct opdef *d, struct perr *e)
{
    int want = (int)strlen(d->kinds);
    if (r->nf != want)
        return perr_set(e, "PLAN", "-", 0, "plan: op %s wants %d fields, got %d", r->op, want, r->nf);
    for (int i = 0; i < want; i++) {
        int64_t n;
        uint64_t u;
        if (d->kinds[i] == 'n' && parse_i64(r->f[i], &n) < 0)
            return bad(e, r->op, "not a number", r->f[i]);
        if (d->kinds[i] == 'u' && parse_u64(r->f[i], &u) < 0)
            return bad(e, r->op, "not an unsigned number", r->f[i]);
    }
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_seccomp(struct plan *p, const struct rec *r, struct perr *e)
{
    const char *hex = r->f[1];
    size_t n = strlen(hex);
    unsigned char *bytes;

    if (n == 0 || n % (2 * sizeof(struct sock_filter)) != 0 || n / 16 > 65535)
        return perr_set(e, "PLAN", "-", 0, "plan: SECCOMP: %zu hex digits is not a whole "
                        "number of 8-byte sock_filter entries", n);
    bytes = malloc(n / 2);
    if (!bytes)
        return perr_set(e, "PLAN", "malloc", ENOMEM, "seccomp filter");
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return perr_set(e, "PLAN", "-", 0, "plan: SECCOMP: bad hex at offset %zu", 2 * i);
        bytes[i] = (unsigned char)(hi << 4 | lo);
    }
    p->filter = (struct sock_filter *)bytes;
    p->nfilter = (unsigned short)(n / 16);
    p->seccomp_flags = (unsigned int)plan_u64(r->f[0]);
    p->has_seccomp = 1;
    return 0;
}

static int is(const struct rec *r, const char *op)
{
    return strcmp(r->op, op) == 0;
}

/* Pulls the process-tree ops into struct plan fields. */
static int collect(struct plan *p, const struct rec *r, int *nargv, int *nenv, struct perr *e)
{
    if (is(r, "ID")) p->id = r->f[0];
    else if (is(r, "STATE_DIR")) p->state_dir = r->f[0];
    else if (is(r, "LOG")) p->log = r->f[0];
    else if (is(r, "CONSOLE_SOCKET")) p->console_socket = r->f[0];
    else if (is(r, "PID_FILE")) p->pid_file = r->f[0];
    else if (is(r, "PATH_SEARCH")) p->path_search = r->f[0];
    else if (is(r, "UID_MAP")) p->uid_map = r->f[0];
    else if (is(r, "GID_MAP")) p->gid_map = r->f[0];
    else if (is(r, "SETGROUPS_DENY")) p->setgroups_deny = 1;
    else if (is(r, "TTY")) p->tty = 1;
    else if (is(r, "STDIN_PIPE")) p->stdin_pipe = 1;
    else if (is(r, "STDIN_ONCE")) p->stdin_once = 1;
    else if (is(r, "CGROUP_PROCS")) p->cgroups[p->ncgroups++] = r->f[0];
    else if (is(r, "ARG")) p->argv[(*nargv)++] = r->f[0];
    else if (is(r, "ENV")) p->envp[(*nenv)++] = r->f[0];
    else if (is(r, "SECCOMP")) return parse_seccomp(p, r, e);
    else if (is(r, "LOG_MAX_LINE")) {
        p->log_max_line = (long)plan_i64(r->f[0]);
        if (p->log_max_line < 1 || p->log_max_line > (1 << 20))
            return bad(e, r->op, "out of range 1..1048576", r->f[0]);
    } else if (is(r, "CONSOLE_SIZE")) {
        for (int i = 0; i < 2; i++)
            if (plan_u64(r->f[i]) < 1 || plan_u64(r->f[i]) > 65535)
                return bad(e, r->op, i == 0 ? "rows out of range 1..65535" : "columns out of range 1..65535",
                           r->f[i]);
        p->console_rows = (unsigned short)plan_u64(r->f[0]);
        p->console_cols = (unsigned short)plan_u64(r->f[1]);
    } else if (is(r, "MONITOR") || is(r, "START")) {
        const char *yes = is(r, "MONITOR") ? "yes" : "wait", *no = is(r, "MONITOR") ? "no" : "now";
        int v = strcmp(r->f[0], yes) == 0 ? 1 : strcmp(r->f[0], no) == 0 ? 0 : -1;
        if (v < 0)
            return bad(e, r->op, is(r, "MONITOR") ? "not yes or no" : "not wait or now", r->f[0]);
        if (is(r, "MONITOR")) p->monitor = v; else p->start_wait = v;
    } else if (is(r, "STDIO")) {
        int64_t fd = plan_i64(r->f[0]);
        if (fd < 0 || fd > 2)
            return bad(e, r->op, "fd is not 0, 1 or 2", r->f[0]);
        p->stdio[fd] = r->f[1];
    } else if (is(r, "NS_NEW")) {
        int f = ns_flag(r->f[0]);
        if (!f)
            return bad(e, r->op, "unknown namespace type", r->f[0]);
        p->ns_new |= f;
    } else if (is(r, "NS_JOIN")) {
        int f = ns_flag(r->f[0]);
        if (!f)
            return bad(e, r->op, "unknown namespace type", r->f[0]);
        if (p->njoins == PLAN_MAX_JOINS)
            return bad(e, r->op, "too many joins at", r->f[1]);
        p->joins[p->njoins].type = f;
        p->joins[p->njoins++].path = r->f[1];
    } else if (is(r, "MOUNT")) {
        if (strcmp(r->f[5], "dir") && strcmp(r->f[5], "file"))
            return bad(e, r->op, "kind is not dir or file", r->f[5]);
    } else if (is(r, "SETGROUPS")) {
        for (const char *s = r->f[0]; *s; s++)
            if ((*s < '0' || *s > '9') && *s != ',')
                return bad(e, r->op, "not a list of gids", r->f[0]);
    }
    return 0;
}

static int validate(const struct plan *p, struct perr *e)
{
    if (!p->argv[0])
        return perr_set(e, "PLAN", "-", 0, "plan: no ARG (the program to run)");
    if (p->monitor && !p->state_dir)
        return perr_set(e, "PLAN", "-", 0, "plan: MONITOR yes needs STATE_DIR");
    if (p->start_wait && !p->state_dir)
        return perr_set(e, "PLAN", "-", 0, "plan: START wait needs STATE_DIR");
    if (!p->monitor && (p->log || p->stdin_pipe))
        return perr_set(e, "PLAN", "-", 0, "plan: LOG and STDIN_PIPE need MONITOR yes");
    if (!p->monitor && p->tty && !p->console_socket)
        return perr_set(e, "PLAN", "-", 0, "plan: TTY without a monitor needs CONSOLE_SOCKET");
    if (p->console_rows && !p->tty)
        return perr_set(e, "PLAN", "-", 0, "plan: CONSOLE_SIZE needs TTY");
    if ((p->uid_map || p->gid_map) && !(p->ns_new & CLONE_NEWUSER))
        return perr_set(e, "PLAN", "-", 0, "plan: UID_MAP/GID_MAP need NS_NEW user");
    return 0;
}

int plan_load(const char *path, struct plan *p, struct perr *e)
{
    struct stat st;
    size_t len = 0, off, n = 0;
    int fd, nargv = 0, nenv = 0;

    memset(p, 0, sizeof *p);
    p->log_max_line = 16384;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return perr_set(e, "PLAN", "open", errno, "%s", path);
    if (fstat(fd, &st) < 0) {
        int saved = errno;
        close(fd);
        return perr_set(e, "PLAN", "fstat", saved, "%s", path);
    }
    if (st.st_size > MAX_PLAN) {
        close(fd);
        return perr_set(e, "PLAN", "-", 0, "plan: %s is %lld bytes, more than %d",
                        path, (long long)st.st_size, MAX_PLAN);
    }
    p->buf = malloc((size_t)st.st_size + 1);
    if (!p->buf) {
        close(fd);
        return perr_set(e, "PLAN", "malloc", ENOMEM, "%s", path);
    }
    while (len < (size_t)st.st_size) {
        ssize_t r = read(fd, p->buf + len, (size_t)st.st_size - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    if (len < 7 || memcmp(p->buf, MAGIC, 7) != 0)
        return perr_set(e, "PLAN", "-", 0, "plan: %s does not start with PPLAN1", path);

    /* First pass: frame the records and count them. */
    for (off = 7; off < len; n++) {
        uint32_t rl;
        if (len - off < 4)
            return perr_set(e, "PLAN", "-", 0, "plan: truncated record header at offset %zu", off);
        memcpy(&rl, p->buf + off, 4);
        rl = le32toh(rl);
        if (rl == 0 || rl > len - off - 4)
            return perr_set(e, "PLAN", "-", 0, "plan: truncated record at offset %zu "
                            "(length %u, %zu bytes left)", off, rl, len - off - 4);
        if (p->buf[off + 4 + rl - 1] != 0)
            return perr_set(e, "PLAN", "-", 0, "plan: record at offset %zu does not end with NUL", off);
        off += 4 + rl;
    }
    p->recs = calloc(n + 1, sizeof *p->recs);
    p->argv = calloc(n + 1, sizeof *p->argv);
    p->envp = calloc(n + 1, sizeof *p->envp);
    p->cgroups = calloc(n + 1, sizeof *p->cgroups);
    if (!p->recs || !p->argv || !p->envp || !p->cgroups)
        return perr_set(e, "PLAN", "malloc", ENOMEM, "%zu records", n);

    for (off = 7; off < len; p->nrecs++) {
        struct rec *r = &p->recs[p->nrecs];
        const struct opdef *d = NULL;
        uint32_t rl;
        char *s, *end;
        int nf = 0;

        memcpy(&rl, p->buf + off, 4);
        rl = le32toh(rl);
        s = p->buf + off + 4;
        end = s + rl;
        off += 4 + rl;
        for (char *c = s; c < end; c++)
            nf += *c == 0;
        r->op = s;
        r->nf = nf - 1;
        r->f = calloc((size_t)nf, sizeof *r->f);
        if (!r->f)
            return perr_set(e, "PLAN", "malloc", ENOMEM, "record %d", p->nrecs);
        s += strlen(s) + 1;
        for (int i = 0; i < r->nf; i++, s += strlen(s) + 1)
            r->f[i] = s;
        for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
            if (strcmp(OPS[i].name, r->op) == 0)
                d = &OPS[i];
        if (!d)
            return perr_set(e, "PLAN", "-", 0, "plan: unknown op \"%s\"", r->op);
        if (check_fields(r, d, e) < 0 || collect(p, r, &nargv, &nenv, e) < 0)
            return -1;
    }
    return validate(p, e);
}
