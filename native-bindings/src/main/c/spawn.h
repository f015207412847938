/* Creating the container process in stages (see PLAN.md "Process creation")
 * and the sync protocol between the parent and the stages. */
#ifndef PEAPOD_SPAWN_H
#define PEAPOD_SPAWN_H

#include <sys/types.h>

#include "error.h"
#include "plan.h"

enum { MSG_USERNS = 1, MSG_MAPPED, MSG_PID, MSG_CREATED, MSG_START, MSG_ERROR };

struct sync_msg {
    int kind;
    int pid;
    struct perr e;
};

/* The container's stdio as prepared by the parent before the first fork. */
struct stdio_set {
    int child[3];   /* becomes the container's fd 0, 1, 2; -1 = inherit */
    int out, err;   /* read ends of stdout/stderr pipes, kept by the monitor */
    int in;         /* write end of the stdin pipe, kept by the monitor */
    int master;     /* pty master (TTY without CONSOLE_SOCKET), received and kept by the monitor */
    int console;    /* with TTY: where the container sends the master of the pty it opens, the
                     * connected CONSOLE_SOCKET or the container's end of a socketpair to the monitor */
    int console_peer;   /* the monitor's end of that socketpair, until the master arrived */
    unsigned short rows, cols;  /* the pty's initial size (CONSOLE_SIZE), 0 = leave it */
};

struct spawned {
    pid_t pid;      /* the container process, host pid */
    int sync;       /* parent end of the sync socket, open while START wait is pending */
};

int sync_send(int fd, int kind, int pid, const struct perr *e);
/* 1 with a message, 0 at EOF (every child end closed, e.g. by execve), -1 on error. */
int sync_recv(int fd, struct sync_msg *m);

/* stdio.c */
int stdio_prepare(const struct plan *p, struct stdio_set *io, struct perr *e);
int stdio_apply(const struct stdio_set *io, struct perr *e);
void stdio_close_child(struct stdio_set *io);
/* In the container (after the init steps): open a pty on its own /dev/ptmx, give it the
 * initial size, make it the controlling terminal on fd 0-2 and send the master over io->console. */
int stdio_console(const struct stdio_set *io, struct perr *e);
/* In the monitor, once the container is created: take the master it sent into io->master. */
int stdio_receive_master(struct stdio_set *io, struct perr *e);

/* Creates the container process; it has run its init steps when this returns 0
 * (and, with START now, has called execve successfully). The caller must be a
 * child subreaper so that the container can be reaped on failure. */
int spawn(const struct plan *p, struct stdio_set *io, struct spawned *out, struct perr *e);

/* Releases a START wait container; 0 once execve succeeded, else the
 * container's error (it then exits). */
int spawn_start(struct spawned *s, struct perr *e);

/* init.c: stage 2, the container process. Never returns. */
void init_run(const struct plan *p, const struct stdio_set *io, int sync, int fifo)
    __attribute__((noreturn));

#endif
