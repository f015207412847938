/* `exec` without a monitor: the helper stays the process's parent (as a
 * subreaper) and exits with its exit code. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "create.h"

int exec_wait(int pid)
{
    int status;
    pid_t r;

    /* Reparented grandchildren are reaped on the way. */
    for (;;) {
        r = waitpid(-1, &status, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return 127;
        if (r == pid)
            break;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
