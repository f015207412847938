/* peapod-helper: executes plans written by peapod's Java side. See PLAN.md. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "create.h"
#include "pause.h"
#include "util.h"

static int cmd_kill(const char *pid_s, const char *sig_s)
{
    int64_t pid, sig;
    struct perr e;
    char line[512];

    if (parse_i64(pid_s, &pid) < 0 || pid <= 0 || parse_i64(sig_s, &sig) < 0 || sig < 0 || sig > 64)
        perr_set(&e, "KILL", "-", EINVAL, "bad pid \"%s\" or signal \"%s\"", pid_s, sig_s);
    else if (kill((pid_t)pid, (int)sig) == 0)
        return 0;
    else
        perr_set(&e, "KILL", "kill", errno, "pid %s signal %s", pid_s, sig_s);
    write_all(1, line, (size_t)perr_line(&e, line, sizeof line));
    return 1;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (strcmp(mode, "--version") == 0) {
        puts("peapod-helper plan 1");
        return 0;
    }
    if ((argc == 3 || argc == 4) && strcmp(mode, "create") == 0)
        return cmd_create(argv[2], 0, argc == 4 ? argv[3] : NULL);
    if ((argc == 3 || argc == 4) && strcmp(mode, "exec") == 0)
        return cmd_create(argv[2], 1, argc == 4 ? argv[3] : NULL);
    if (argc == 3 && strcmp(mode, "start") == 0)
        return cmd_start(argv[2]);
    if (argc == 4 && strcmp(mode, "kill") == 0)
        return cmd_kill(argv[2], argv[3]);
    if (argc == 2 && strcmp(mode, "pause") == 0)
        return cmd_pause();
    fprintf(stderr, "usage: peapod-helper create|exec PLANFILE [RESULTFILE] | start STATE_DIR | "
                    "kill PID SIGNAL | pause | --version\n");
    return 2;
}
