/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host daemons' last line of defence: once a program has opened what it needs (sockets,
 * the display, its files), sandbox_apply() takes away what a compromised parser could misuse.
 * In this order: no core dumps and not dumpable (clipboard data and secrets never land in a
 * core file or reach a ptrace of the same user), no_new_privs, Landlock (files: only the paths
 * the program's profile and its caller name), and a seccomp allow-list (system calls: only those
 * in the program's table; everything else kills the process or fails with EPERM, per profile).
 *
 * The profiles are data tables (sandbox-profiles.c), one per program, so a test program can
 * apply exactly what a daemon applies and try what must be refused (tests/unit/sandbox-probe.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum sandbox_fs {
	SANDBOX_FS_READ = 1 << 0,     /* open files for reading, list directories */
	SANDBOX_FS_WRITE = 1 << 1,    /* open existing files for writing, truncate them */
	SANDBOX_FS_CREATE = 1 << 2,   /* create and remove files, directories and symlinks */
	SANDBOX_FS_MAKE_REG = 1 << 3, /* create regular files and write them; never remove */
};

/* Beneath path, the accesses in mask (enum sandbox_fs). A path that does not exist yet is
 * granted read-only through its parent, unless that is a top-level directory (then: nothing). */
struct sandbox_path {
	const char *path;
	unsigned access;
};

/* One allow-list entry: a system call, with at most one condition on one argument: allowed
 * when (arg & mask) == value (mask 0: arg == value). arg < 0: no condition. Entries for the
 * same call are alternatives. */
struct sandbox_syscall {
	int nr;
	int arg;
	uint64_t mask;
	uint64_t value;
};

enum sandbox_violation {
	SANDBOX_KILL,  /* SIGSYS to the whole process: for programs that parse VM data */
	SANDBOX_EPERM, /* the call fails with EPERM: for programs whose libraries have fallbacks */
};

struct sandbox_profile {
	const char *name;
	enum sandbox_violation on_violation;
	const struct sandbox_syscall *syscalls;
	size_t n_syscalls;
	const struct sandbox_path *paths; /* fixed paths; the caller adds its own */
	size_t n_paths;
};

struct sandbox_status {
	int landlock_abi; /* 0: the kernel has no Landlock, files are not limited */
};

extern const struct sandbox_profile sandbox_profile_qrexec_daemon;
extern const struct sandbox_profile sandbox_profile_policy_daemon;
extern const struct sandbox_profile sandbox_profile_guid;
extern const struct sandbox_profile sandbox_profile_filecopy_receive;
extern const struct sandbox_profile sandbox_profile_net_filter;

/* The profile called name ("qrexec-daemon", ...), or NULL. */
const struct sandbox_profile *sandbox_profile_find(const char *name);

/* Apply profile p plus the caller's paths to this process, for good. Call it before any thread
 * starts (Landlock binds the calling thread and its future children only). 0 or -errno; on an
 * error the process may be partly restricted and should exit. */
int sandbox_apply(const struct sandbox_profile *p, const struct sandbox_path *extra, size_t n_extra,
		  struct sandbox_status *ret);
