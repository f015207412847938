/*
 * seccomp-probe: installs a seccomp filter read from a file (an array of struct sock_filter as
 * SeccompCompiler writes it), then makes the system calls named on the command line and prints
 * one line per call: "<name> <return value> <errno>".
 *
 *   seccomp-probe FILTER FLAGS CALL...
 *
 * Calls: getpid, mkdir:PATH, rmdir:PATH, chdir:PATH, mount, unshare-user, clone3, kexec,
 * socket-inet, socket-vsock, personality:HEX.
 * Raw syscall(2) is used throughout, so that no C library fallback hides what the kernel said.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int load_filter(const char *path, unsigned long flags)
{
	static struct sock_filter insns[4096];
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t n = fread(insns, sizeof(insns[0]), 4096, f);
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "%s: empty filter\n", path);
		return -1;
	}
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "prctl(PR_SET_NO_NEW_PRIVS): %s\n", strerror(errno));
		return -1;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) != 0) {
		fprintf(stderr, "seccomp(SECCOMP_SET_MODE_FILTER): %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static long call(const char *what)
{
	const char *arg = strchr(what, ':');
	arg = arg ? arg + 1 : "";
	if (strcmp(what, "getpid") == 0)
		return syscall(SYS_getpid);
	if (strncmp(what, "mkdir:", 6) == 0)
		return syscall(SYS_mkdir, arg, 0700);
	if (strncmp(what, "rmdir:", 6) == 0)
		return syscall(SYS_rmdir, arg);
	if (strncmp(what, "chdir:", 6) == 0)
		return syscall(SYS_chdir, arg);
	if (strcmp(what, "mount") == 0)
		return syscall(SYS_mount, "none", "/nonexistent-peapod-probe", "tmpfs", 0UL, NULL);
	if (strcmp(what, "unshare-user") == 0)
		return syscall(SYS_unshare, CLONE_NEWUSER);
	if (strcmp(what, "clone3") == 0)
		return syscall(SYS_clone3, NULL, 0);
	if (strcmp(what, "kexec") == 0)
		return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL);
	if (strcmp(what, "socket-inet") == 0)
		return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (strcmp(what, "socket-vsock") == 0)
		return syscall(SYS_socket, 40, SOCK_STREAM, 0);
	if (strncmp(what, "personality:", 12) == 0)
		return syscall(SYS_personality, strtoul(arg, NULL, 16));
	fprintf(stderr, "unknown call %s\n", what);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FILTER FLAGS CALL...\n", argv[0]);
		return 2;
	}
	if (load_filter(argv[1], strtoul(argv[2], NULL, 0)) != 0)
		return 1;
	for (int i = 3; i < argc; i++) {
		errno = 0;
		long rc = call(argv[i]);
		int err = rc < 0 ? errno : 0;
		printf("%s %ld %d\n", argv[i], rc < 0 ? -1L : rc > 0 ? 1L : 0L, err);
		fflush(stdout);
	}
	return 0;
}
