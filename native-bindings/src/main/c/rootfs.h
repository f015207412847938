/* Mount-related init steps. Paths given as "dest" resolve inside the rootfs. */
#ifndef PEAPOD_ROOTFS_H
#define PEAPOD_ROOTFS_H

#include "error.h"
#include "plan.h"

int step_mount_host(const struct rec *r, struct perr *e);
int step_mount(const char *rootfs, const struct rec *r, struct perr *e);
int step_mknod(const char *rootfs, const struct rec *r, struct perr *e);
int step_symlink(const char *rootfs, const struct rec *r, struct perr *e);
int step_propagation(const struct rec *r, struct perr *e);
int step_pivot_root(const char *rootfs, struct perr *e);
int step_chroot(const char *rootfs, struct perr *e);
int step_mask(const struct rec *r, struct perr *e);
int step_readonly(const struct rec *r, int bind_first, struct perr *e);

#endif
