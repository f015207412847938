/* Small I/O helpers shared by every mode. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int atomic_write(const char *step, const char *path, const char *data, size_t len,
                 struct perr *e)
{
    char tmp[4096];
    int fd;

    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return perr_set(e, step, "-", ENAMETOOLONG, "%s", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return perr_set(e, step, "open", errno, "%s", tmp);
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        return perr_set(e, step, "write", saved, "%s", tmp);
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        return perr_set(e, step, "rename", saved, "%s", path);
    }
    return 0;
}

int write_file(const char *step, const char *path, const char *data, struct perr *e)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return perr_set(e, step, "open", errno, "%s", path);
    if (write_all(fd, data, strlen(data)) < 0) {
        int saved = errno;
        close(fd);
        return perr_set(e, step, "write", saved, "%s", path);
    }
    close(fd);
    return 0;
}

int parse_i64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!*s)
        return -1;
    errno = 0;
    v = strtoll(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!*s || *s == '-')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void reset_signals(void)
{
    sigset_t none;
    struct sigaction dfl;

    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        sigaction(s, &dfl, NULL);      /* SIGKILL/SIGSTOP and RT internals fail harmlessly */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

int64_t now_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
