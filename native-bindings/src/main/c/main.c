/* peapod-helper: executes plans written by peapod's Java side. See PLAN.md. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        puts("peapod-helper plan 1");
        return 0;
    }
    fprintf(stderr, "usage: peapod-helper create|exec PLANFILE | pause | kill PID SIGNAL\n");
    return 2;
}
