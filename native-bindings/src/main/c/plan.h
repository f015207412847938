/* The plan: every record of the file, plus the process-tree settings pulled
 * out of it. Parsed and validated completely before any fork. */
#ifndef PEAPOD_PLAN_H
#define PEAPOD_PLAN_H

#include <linux/filter.h>
#include <stdint.h>

#include "error.h"

#define PLAN_MAX_JOINS 8

struct rec {
    const char *op;
    int nf;
    char **f;
};

struct ns_join {
    int type;                   /* CLONE_NEW* */
    const char *path;
};

struct plan {
    char *buf;
    struct rec *recs;
    int nrecs;

    const char *id, *state_dir, *log, *console_socket, *pid_file, *path_search;
    const char *uid_map, *gid_map;
    const char *stdio[3];       /* NULL = /dev/null, "-" = inherit */
    int monitor, start_wait, tty, stdin_pipe, stdin_once, setgroups_deny;
    unsigned short console_rows, console_cols;  /* CONSOLE_SIZE; 0 = not given */
    long log_max_line;
    int ns_new;                 /* CLONE_NEW* flags, user included */
    struct ns_join joins[PLAN_MAX_JOINS];
    int njoins;
    const char **cgroups;
    int ncgroups;
    char **argv;                /* NULL-terminated */
    char **envp;                /* NULL-terminated */
    struct sock_filter *filter;
    unsigned short nfilter;
    unsigned int seccomp_flags;
    int has_seccomp;
};

/* Reads and validates PLANFILE; errors have step PLAN. */
int plan_load(const char *path, struct plan *p, struct perr *e);

/* Number fields, already validated by plan_load. */
int64_t plan_i64(const char *s);
uint64_t plan_u64(const char *s);

#endif
