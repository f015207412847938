/* CRI log records: "<RFC3339Nano UTC> <stream> <P|F> <text>\n". No buffering:
 * a chunk is written as it was read, so the monitor holds no line state. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int log_open(struct crilog *l, struct perr *e)
{
    if (!l->path) {
        l->fd = -1;
        return 0;
    }
    l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (l->fd < 0)
        return perr_set(e, "LOG", "open", errno, "%s", l->path);
    return 0;
}

int log_reopen(struct crilog *l, struct perr *e)
{
    if (l->fd >= 0)
        close(l->fd);
    return log_open(l, e);
}

static void record(struct crilog *l, const char *stream, char tag, const char *text, size_t n)
{
    char head[80];
    struct timespec ts;
    struct tm tm;
    struct iovec iov[3];
    int hn;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    hn = snprintf(head, sizeof head, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ %s %c ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, ts.tv_nsec, stream, tag);
    iov[0].iov_base = head;
    iov[0].iov_len = (size_t)hn;
    iov[1].iov_base = (void *)text;
    iov[1].iov_len = n;
    iov[2].iov_base = "\n";
    iov[2].iov_len = 1;
    /* O_APPEND writes of one record are not interleaved with a rotation's copy;
     * a short write (disk full) loses the rest of this record only. */
    while (writev(l->fd, iov, 3) < 0 && errno == EINTR)
        ;
}

void log_write(struct crilog *l, const char *stream, const char *buf, size_t n)
{
    if (l->fd < 0)
        return;
    while (n > 0) {
        const char *nl = memchr(buf, '\n', n);
        size_t len = nl ? (size_t)(nl - buf) : n;

        if (len > l->max_line) {
            record(l, stream, 'P', buf, l->max_line);
            buf += l->max_line;
            n -= l->max_line;
            continue;
        }
        record(l, stream, nl ? 'F' : 'P', buf, len);
        buf += len + (nl ? 1 : 0);
        n -= len + (nl ? 1 : 0);
    }
}
