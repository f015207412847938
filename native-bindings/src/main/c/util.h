/* Small I/O helpers shared by every mode. */
#ifndef PEAPOD_UTIL_H
#define PEAPOD_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* write(2) until done, retrying EINTR; -1 with errno on failure. */
int write_all(int fd, const void *buf, size_t len);

/* Writes data to path via path.tmp + fsync + rename; fills e with step. */
int atomic_write(const char *step, const char *path, const char *data, size_t len,
                 struct perr *e);

/* Writes a short string to an existing file (procfs, cgroupfs). */
int write_file(const char *step, const char *path, const char *data, struct perr *e);

/* C-style number (0x hex, leading 0 octal); 0 on success, -1 if s is not
 * entirely a number. */
int parse_i64(const char *s, int64_t *out);
int parse_u64(const char *s, uint64_t *out);

int set_nonblock(int fd);

/* Restores default dispositions and an empty mask (before execve). */
void reset_signals(void);

/* CLOCK_REALTIME in nanoseconds. */
int64_t now_nanos(void);

#endif
