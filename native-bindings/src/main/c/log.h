/* The CRI log file written by the monitor. */
#ifndef PEAPOD_LOG_H
#define PEAPOD_LOG_H

#include <stddef.h>

#include "error.h"

struct crilog {
    int fd;             /* -1 without LOG */
    const char *path;
    size_t max_line;
};

int log_open(struct crilog *l, struct perr *e);
/* Closes and opens the path again (after the kubelet rotated it). */
int log_reopen(struct crilog *l, struct perr *e);
/* One chunk read from the container: every complete line is an F record, a
 * trailing part without newline (or a piece of max_line bytes) a P record. */
void log_write(struct crilog *l, const char *stream, const char *buf, size_t n);

#endif
