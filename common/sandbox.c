/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox_apply(): core dumps off, no_new_privs, Landlock, seccomp (sandbox.h says why each).
 * Landlock is called through raw system calls (glibc has no wrappers); a kernel without it is
 * reported in the status, not an error, so the daemons still run there with seccomp alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "macro.h"
#include "sandbox-internal.h"
#include "sandbox.h"

#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
#define LL_CREATE                                                                                  \
	(LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |                          \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SYM | \
	 LANDLOCK_ACCESS_FS_REFER)

/* Every right the kernel's ABI knows is handled, so what no rule grants is refused. */
static uint64_t landlock_handled(int abi)
{
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return all;
}

static uint64_t landlock_rights(unsigned access, uint64_t handled, bool is_dir)
{
	uint64_t r = 0;

	if (access & SANDBOX_FS_READ)
		r |= LL_READ;
	if (access & SANDBOX_FS_WRITE)
		r |= LL_WRITE;
	if (access & SANDBOX_FS_CREATE)
		r |= LL_CREATE | LL_WRITE;
	if (access & SANDBOX_FS_MAKE_REG)
		r |= LANDLOCK_ACCESS_FS_MAKE_REG | LL_WRITE;
	if (!is_dir) /* a file's rule may hold only rights that apply to files */
		r &= LANDLOCK_ACCESS_FS_READ_FILE | LL_WRITE;
	return r & handled;
}

/* The path itself or, when it does not exist, its parent (so that a directory such as
 * /etc/bulkhead/policy.d may appear later), never a top-level directory: a missing
 * /etc/bulkhead must not open all of /etc. */
static int open_beneath_or_ancestor(const char *path, unsigned *access)
{
	char buf[4096];
	char *slash;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (int up = 0;; up++) {
		int fd = open(buf, O_PATH | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			return fd >= 0 ? fd : -errno;
		slash = strrchr(buf, '/');
		if (up == 1 || !slash || slash == buf || !strchr(buf + 1, '/') ||
		    strchr(buf + 1, '/') == slash)
			return -ENOENT;
		*slash = '\0';
		*access &= SANDBOX_FS_READ; /* a parent is granted for a future child: read only */
	}
}

static int landlock_add_path(int ruleset, const struct sandbox_path *sp, uint64_t handled)
{
	unsigned access = sp->access;
	_cleanup_close_ int fd = open_beneath_or_ancestor(sp->path, &access);
	struct stat st;

	if (fd == -ENOENT)
		return 0; /* nothing there to grant */
	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? fd : -errno;
	struct landlock_path_beneath_attr attr = {
		.allowed_access = landlock_rights(access, handled, S_ISDIR(st.st_mode)),
		.parent_fd = fd,
	};
	if (attr.allowed_access == 0)
		return 0;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
		return -errno;
	return 0;
}

static int landlock_apply(const struct sandbox_path *const lists[], const size_t counts[],
			  size_t n_lists, int *ret_abi)
{
	int abi =
		(int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	*ret_abi = abi > 0 ? abi : 0;
	if (abi <= 0)
		return 0; /* ENOSYS or EOPNOTSUPP: this kernel cannot limit files */
	struct landlock_ruleset_attr attr = { .handled_access_fs = landlock_handled(abi) };
	_cleanup_close_ int ruleset =
		(int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -errno;
	for (size_t l = 0; l < n_lists; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			int r = landlock_add_path(ruleset, &lists[l][i], attr.handled_access_fs);
			if (r < 0)
				return r;
		}
	return syscall(SYS_landlock_restrict_self, ruleset, 0) < 0 ? -errno : 0;
}

static int seccomp_add(scmp_filter_ctx ctx, const struct sandbox_syscall *s)
{
	if (s->arg < 0)
		return seccomp_rule_add_exact(ctx, SCMP_ACT_ALLOW, s->nr, 0);
	struct scmp_arg_cmp cmp = s->mask ? SCMP_CMP(s->arg, SCMP_CMP_MASKED_EQ, s->mask, s->value)
					  : SCMP_CMP(s->arg, SCMP_CMP_EQ, s->value);
	return seccomp_rule_add_exact_array(ctx, SCMP_ACT_ALLOW, s->nr, 1, &cmp);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release)

static int seccomp_apply(const struct sandbox_profile *p)
{
	uint32_t deny =
		p->on_violation == SANDBOX_KILL ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(deny);
	const struct sandbox_syscall *lists[] = { sandbox_base_syscalls, sandbox_sanitizer_syscalls,
						  p->syscalls };
	const size_t counts[] = { sandbox_n_base_syscalls, sandbox_n_sanitizer_syscalls,
				  p->n_syscalls };
	int r;

	if (!ctx)
		return -ENOMEM;
	/* glibc falls back from clone3 to clone on ENOSYS; clone3's flags cannot be filtered. */
	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	for (size_t l = 0; r >= 0 && l < ELEMENTSOF(lists); l++)
		for (size_t i = 0; r >= 0 && i < counts[l]; i++)
			r = seccomp_add(ctx, &lists[l][i]);
	return r < 0 ? r : seccomp_load(ctx);
}

int sandbox_apply(const struct sandbox_profile *p, const struct sandbox_path *extra, size_t n_extra,
		  struct sandbox_status *ret)
{
	const struct sandbox_path *lists[] = { sandbox_sanitizer_paths, p->paths, extra };
	const size_t counts[] = { sandbox_n_sanitizer_paths, p->n_paths, n_extra };
	struct rlimit no_core = { 0, 0 };
	int r;

	if (setrlimit(RLIMIT_CORE, &no_core) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	r = landlock_apply(lists, counts, ELEMENTSOF(lists), &ret->landlock_abi);
	return r < 0 ? r : seccomp_apply(p);
}

const struct sandbox_profile *sandbox_profile_find(const char *name)
{
	const struct sandbox_profile *all[] = {
		&sandbox_profile_qrexec_daemon, &sandbox_profile_policy_daemon,
		&sandbox_profile_guid,		&sandbox_profile_filecopy_receive,
		&sandbox_profile_net_filter,
	};

	for (size_t i = 0; i < ELEMENTSOF(all); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
