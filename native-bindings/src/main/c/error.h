/* The one error type of the helper (crun style): a function that can fail
 * returns -1 and fills a struct perr; its callers only propagate it. */
#ifndef PEAPOD_ERROR_H
#define PEAPOD_ERROR_H

struct perr {
    char step[24];      /* plan op or phase: MOUNT, PLAN, EXEC, ... */
    char call[24];      /* the failing syscall, "-" when none */
    int err;            /* errno, 0 when none */
    char text[320];     /* one line, no newline */
};

/* Fills e and returns -1. fmt describes the object; when errnum != 0,
 * ": strerror(errnum)" is appended. */
int perr_set(struct perr *e, const char *step, const char *call, int errnum,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "error STEP CALL ERRNO TEXT\n" into buf (NUL-terminated); returns its length. */
int perr_line(const struct perr *e, char *buf, int size);

#endif
