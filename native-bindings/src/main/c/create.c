/* `create` and `exec`: load the plan, fork the monitor or spawn directly,
 * print the one result line. `start`: release a container through exec.fifo. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create.h"
#include "monitor.h"
#include "spawn.h"
#include "util.h"

static int print_error_to(int out, const struct perr *e)
{
    char line[512];
    write_all(out, line, (size_t)perr_line(e, line, sizeof line));
    return 1;
}

static int print_error(const struct perr *e)
{
    return print_error_to(1, e);
}

static int with_monitor(const struct plan *p, int out)
{
    char line[512];
    size_t len = 0;
    int res[2], status;
    struct perr e;
    pid_t pid;

    if (pipe2(res, O_CLOEXEC) < 0)
        return print_error_to(out, (perr_set(&e, "MONITOR", "pipe2", errno, "result pipe"), &e));
    pid = fork();
    if (pid < 0)
        return print_error_to(out, (perr_set(&e, "MONITOR", "fork", errno, "monitor"), &e));
    if (pid == 0) {
        close(res[0]);
        monitor_main(p, res[1]);
    }
    close(res[1]);
    /* Up to the newline: the container (before execve) still holds the write end. */
    while (len < sizeof line - 1 && (len == 0 || line[len - 1] != '\n')) {
        ssize_t n = read(res[0], line + len, sizeof line - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    line[len] = 0;
    if (len == 0 || line[len - 1] != '\n') {
        waitpid(pid, &status, 0);
        return print_error_to(out, (perr_set(&e, "MONITOR", "-", 0,
                                     "the monitor exited without a result (wait status %d)",
                                     status), &e));
    }
    write_all(out, line, len);
    if (strncmp(line, "ok ", 3) == 0)
        return 0;
    waitpid(pid, NULL, 0);
    return 1;
}

int cmd_create(const char *planfile, int is_exec, const char *result)
{
    struct plan p;
    struct stdio_set io;
    struct spawned c;
    struct perr e;
    char line[64];
    int n, out = 1;

    /* With RESULT the helper's own stdout is free for the container (STDIO 1 -). */
    if (result && (out = open(result, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
        return print_error((perr_set(&e, "RESULT", "open", errno, "%s", result), &e));
    if (plan_load(planfile, &p, &e) < 0)
        return print_error_to(out, &e);
    if (is_exec && p.start_wait)
        return print_error_to(out, (perr_set(&e, "PLAN", "-", 0, "plan: exec takes no START wait"), &e));
    if (p.monitor)
        return with_monitor(&p, out);
    /* Be the container's parent until we exit, so that a failure can reap it
     * and exec can wait for it; then it moves to our caller's subreaper. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return print_error_to(out, (perr_set(&e, "SPAWN", "prctl", errno, "PR_SET_CHILD_SUBREAPER"), &e));
    if (stdio_prepare(&p, &io, &e) < 0 || spawn(&p, &io, &c, &e) < 0)
        return print_error_to(out, &e);
    n = snprintf(line, sizeof line, "ok %d 0\n", c.pid);
    write_all(out, line, (size_t)n);
    if (out != 1)
        close(out);
    return is_exec ? exec_wait(c.pid) : 0;
}

int cmd_start(const char *state_dir)
{
    char path[PATH_MAX], buf[512];
    size_t len = 0;
    struct perr e;
    int fd;

    snprintf(path, sizeof path, "%s/exec.fifo", state_dir);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return print_error((perr_set(&e, "START", "open", errno, "%s", path), &e));
    /* The first byte says the container is waiting; then EOF (execve closed
     * the fifo) means it runs, or an error line says why it did not. */
    for (;;) {
        struct pollfd pf = {fd, POLLIN, 0};
        int r = poll(&pf, 1, len == 0 ? 10000 : 30000);
        ssize_t n;

        if (r == 0) {
            close(fd);
            return print_error((perr_set(&e, "START", "poll", ETIMEDOUT,
                                         "no container is waiting on %s", path), &e));
        }
        if (r < 0 && errno == EINTR)
            continue;
        n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0 || len + (size_t)n >= sizeof buf - 1) {
            if (n > 0)
                len += (size_t)n;
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    unlink(path);
    buf[len] = 0;
    if (len == 0)
        return print_error((perr_set(&e, "START", "read", 0, "%s closed without a start byte", path), &e));
    if (len > 1) {
        write_all(1, buf + 1, len - 1);
        return 1;
    }
    write_all(1, "ok\n", 3);
    return 0;
}
