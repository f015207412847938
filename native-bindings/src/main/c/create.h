/* The create and exec modes, and `start` for containers without a monitor. */
#ifndef PEAPOD_CREATE_H
#define PEAPOD_CREATE_H

/* result: where the result line goes (NULL = stdout). */
int cmd_create(const char *planfile, int is_exec, const char *result);
int cmd_start(const char *state_dir);

/* exec.c: waits for the exec'd process; returns its exit code (128+signal). */
int exec_wait(int pid);

#endif
