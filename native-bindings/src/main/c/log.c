/* CRI log records: "<RFC3339Nano UTC> <stream> <P|F> <text>\n". A line is
 * held back until its newline (up to max_line bytes per stream), as
 * containerd does; longer lines and a last line without newline become P. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

/* One record whose text is a followed by b (either may be empty). */
static void record(struct crilog *l, int stream, char tag, const char *a, size_t an,
                   const char *b, size_t bn)
{
    char head[80];
    struct timespec ts;
    struct tm tm;
    struct iovec iov[4];
    int hn;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    hn = snprintf(head, sizeof head, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ %s %c ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec, ts.tv_nsec, stream == 1 ? "stdout" : "stderr", tag);
    iov[0] = (struct iovec){head, (size_t)hn};
    iov[1] = (struct iovec){(void *)a, an};
    iov[2] = (struct iovec){(void *)b, bn};
    iov[3] = (struct iovec){"\n", 1};
    /* One writev per record, so a record is never split by another writer of
     * the O_APPEND file; a failed write (disk full) loses this record only. */
    while (writev(l->fd, iov, 4) < 0 && errno == EINTR)
        ;
}

void log_write(struct crilog *l, int stream, const char *buf, size_t n)
{
    int s = stream == 1 ? 0 : 1;

    if (l->fd < 0)
        return;
    while (n > 0) {
        const char *nl = memchr(buf, '\n', n);
        size_t seg = nl ? (size_t)(nl - buf) : n, room = l->max_line - l->len[s];

        if (seg > room) {
            /* The line reaches max_line: cut a P record of exactly max_line bytes. */
            record(l, stream, 'P', l->part[s], l->len[s], buf, room);
            l->len[s] = 0;
            buf += room;
            n -= room;
        } else if (nl) {
            record(l, stream, 'F', l->part[s], l->len[s], buf, seg);
            l->len[s] = 0;
            buf += seg + 1;
            n -= seg + 1;
        } else {
            if (!l->part[s] && !(l->part[s] = malloc(l->max_line))) {
                record(l, stream, 'P', NULL, 0, buf, seg);  /* no memory: do not hold it */
                return;
            }
            memcpy(l->part[s] + l->len[s], buf, seg);
            l->len[s] += seg;
            return;
        }
    }
}

void log_flush(struct crilog *l, int stream)
{
    int s = stream == 1 ? 0 : 1;

    if (l->fd >= 0 && l->len[s] > 0)
        record(l, stream, 'P', l->part[s], l->len[s], NULL, 0);
    l->len[s] = 0;
}
