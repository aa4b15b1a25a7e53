/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The receiver's sandbox: before it reads a byte of the stream, the receiver moves into a user
 * and mount namespace of its own whose root directory is the incoming folder (bind-mounted
 * nosuid,nodev,noexec; the old root detached), with no capabilities and no_new_privs. A bug in
 * the receiver can then reach nothing but the folder it was going to write anyway. Where
 * namespaces are unavailable (a container that forbids them, an old kernel), the receiver still
 * confines every walk with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS (or O_NOFOLLOW components), and
 * the program says which confinement is in force.
 *
 * The path given here is the target VM's own (the user's ~/Incoming/<source>): trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "filecopy.h"
#include "macro.h"
#include "strutil.h"

int filecopy_mkdir_p(const char *path)
{
	char buf[FILECOPY_PATH_MAX];
	struct stat st;

	if (str_copy(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (stat(buf, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int write_proc(const char *file, const char *text)
{
	_cleanup_close_ int fd = open(file, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return fd_write_all(fd, text, strlen(text));
}

static int map_ids(uid_t uid, gid_t gid)
{
	char line[64];
	int r = write_proc("/proc/self/setgroups", "deny");

	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	r = write_proc("/proc/self/uid_map", line);
	if (r < 0)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_proc("/proc/self/gid_map", line);
}

/* The flags a bind remount must keep (the kernel locks them in a user namespace), plus ours. */
static unsigned long remount_flags(const char *dir)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
		{ ST_RDONLY, MS_RDONLY },     { ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV },	      { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME },   { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	struct statvfs sv;

	if (statvfs(dir, &sv) == 0)
		for (size_t i = 0; i < ELEMENTSOF(keep); i++)
			if (sv.f_flag & keep[i].st)
				flags |= keep[i].ms;
	return flags;
}

/* Make dir the root of a private mount namespace, the old root gone. */
static int make_root(const char *dir)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(dir, dir, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, dir, NULL, remount_flags(dir), NULL) < 0 || chdir(dir) < 0)
		return -errno;
	/* pivot_root(".", "."): the old root ends up stacked on "." and is then detached. */
	if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

static int enter_namespace(const char *dir)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int r;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -errno;
	r = map_ids(uid, gid);
	if (r == 0)
		r = make_root(dir);
	return r < 0 ? r : drop_capabilities();
}

/* Try the whole setup in a throw-away child first: a failure half-way (after unshare) would
 * leave this process unable to write files, so only a setup known to work is done for real. */
static int probe_namespace(const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int r = enter_namespace(dir);
		_exit(r < 0 ? -r : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

static int open_dir(const char *dir)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int filecopy_sandbox_enter(const char *dir, bool allow_namespace, int *ret_dirfd,
			   enum filecopy_sandbox *ret_kind, int *ret_reason)
{
	char real[FILECOPY_PATH_MAX];
	int r = filecopy_mkdir_p(dir);

	if (r < 0)
		return r;
	if (!realpath(dir, real))
		return -errno;
	*ret_reason = allow_namespace ? probe_namespace(real) : -EPERM;
	if (*ret_reason == 0) {
		r = enter_namespace(real);
		if (r < 0)
			return r;
		*ret_kind = FILECOPY_SANDBOX_NAMESPACE;
		return (*ret_dirfd = open_dir("/")) < 0 ? *ret_dirfd : 0;
	}
	*ret_kind = FILECOPY_SANDBOX_BENEATH;
	return (*ret_dirfd = open_dir(real)) < 0 ? *ret_dirfd : 0;
}
