#ifndef PEAPOD_PAUSE_H
#define PEAPOD_PAUSE_H
int cmd_pause(void);
#endif
