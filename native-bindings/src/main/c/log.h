/* The CRI log file written by the monitor. */
#ifndef PEAPOD_LOG_H
#define PEAPOD_LOG_H

#include <stddef.h>

#include "error.h"

struct crilog {
    int fd;                 /* -1 without LOG */
    const char *path;
    size_t max_line;
    char *part[2];          /* stdout, stderr: an unfinished line, allocated on first use */
    size_t len[2];
};

int log_open(struct crilog *l, struct perr *e);
/* Closes and opens the path again (after the kubelet rotated it). */
int log_reopen(struct crilog *l, struct perr *e);
/* Output of stream 1 (stdout) or 2 (stderr): each line is an F record once its
 * newline arrives; a line longer than max_line is cut into P records. */
void log_write(struct crilog *l, int stream, const char *buf, size_t n);
/* At EOF: what is left of an unfinished line becomes a P record. */
void log_flush(struct crilog *l, int stream);

#endif
