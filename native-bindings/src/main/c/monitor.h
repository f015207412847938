/* The monitor: parent of one container process (MONITOR yes). */
#ifndef PEAPOD_MONITOR_H
#define PEAPOD_MONITOR_H

#include "plan.h"

/* Runs in the forked monitor: detaches, spawns the container, writes the
 * result line ("ok PID MONITORPID" or "error ...") to result_fd, then relays
 * and supervises until the container exits. Never returns. */
void monitor_main(const struct plan *p, int result_fd) __attribute__((noreturn));

#endif
