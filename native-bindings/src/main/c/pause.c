/* `pause`: the infra process of a pod. Sleeps, reaps zombies (it is PID 1 of
 * a shared pid namespace), exits 0 on SIGTERM or SIGINT. */
#include <signal.h>
#include <sys/wait.h>

#include "pause.h"

int cmd_pause(void)
{
    sigset_t set;
    int sig;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    while (waitpid(-1, NULL, WNOHANG) > 0)      /* a SIGCHLD before the mask was lost */
        ;
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGTERM || sig == SIGINT)
            return 0;
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
}
