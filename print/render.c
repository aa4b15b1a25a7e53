/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The renderer's sandbox. poppler parses the hostile document here, and nowhere else on the
 * host: pdfinfo counts its pages, then pdftoppm streams them as PPMs (render-pages.c).
 *
 * With a disposable template on the host, the filter renders in a new disposable VM instead
 * (render-dispvm.c, docs/print.md); this sandbox is the fallback (print_render host, or no
 * disposable template). Here the renderer runs on the host, confined:
 *   - new user, mount, network, IPC, UTS and PID namespaces: no network at all (a new netns
 *     has only a down loopback), no other process to see or signal;
 *   - the root is a fresh tmpfs (size-limited) holding the document, with the host's /usr,
 *     /etc/fonts, the font cache and ld.so.cache bound read-only; nothing of $HOME, /tmp,
 *     /run or the session bus;
 *   - no capabilities, no_new_privs, a seccomp filter (render-seccomp.c); RLIMIT_AS,
 *     RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE and no core dumps for poppler; the caller adds a wall-clock timeout and kills it (the namespace's
 *     init is the renderer, so everything in it dies along).
 * A host where namespaces cannot be made does not print: the renderer exits
 * PRINT_RENDER_SETUP and the job fails closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
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
#include "macro.h"
#include "print.h"
#include "render-internal.h"

#define ROOT "/tmp"
#define DOC "/" PRINT_RENDER_DOC

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
	if ((r = write_proc("/proc/self/uid_map", line)) < 0)
		return r;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_proc("/proc/self/gid_map", line);
}

/* Read-only, plus the flags the kernel locks on a mount seen from a user namespace. */
static unsigned long remount_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {
		{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	  { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV;
	struct statvfs sv;

	if (statvfs(path, &sv) == 0)
		for (size_t i = 0; i < ELEMENTSOF(keep); i++)
			if (sv.f_flag & keep[i].st)
				flags |= keep[i].ms;
	return flags;
}

/* Bind a host path read-only at the same place under ROOT; a missing source is skipped (a
 * host without a font cache renders, only slower). */
static int bind_ro(const char *src, bool dir)
{
	char dst[256];
	struct stat st;

	if (stat(src, &st) < 0)
		return 0;
	snprintf(dst, sizeof(dst), ROOT "%s", src);
	if (dir ? mkdir(dst, 0755) < 0 : close(open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) < 0)
		return -errno;
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, dst, NULL, remount_flags(src), NULL) < 0)
		return -errno;
	return 0;
}

static int populate_root(void)
{
	static const char *const dirs[] = { ROOT "/etc", ROOT "/var", ROOT "/var/cache" };
	static const char *const links[][2] = {
		{ "usr/bin", ROOT "/bin" },
		{ "usr/lib", ROOT "/lib" },
		{ "usr/lib64", ROOT "/lib64" },
	};
	int r;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0)
			return -errno;
	for (size_t i = 0; i < ELEMENTSOF(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			return -errno;
	if ((r = bind_ro("/usr", true)) < 0 || (r = bind_ro("/etc/fonts", true)) < 0 ||
	    (r = bind_ro("/var/cache/fontconfig", true)) < 0 ||
	    (r = bind_ro("/etc/ld.so.cache", false)) < 0)
		return r;
	return 0;
}

/* A tmpfs becomes the root; the host's root is detached. */
static int make_root(void)
{
	char opts[64];

	snprintf(opts, sizeof(opts), "size=%u,mode=0755,nr_inodes=1024",
		 PRINT_DOC_MAX + (4u << 20));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", ROOT, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return -errno;
	int r = populate_root();
	if (r < 0)
		return r;
	if (chdir(ROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

static int drop_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

/* The document goes into the sandbox's own tmpfs: poppler opens a plain file by name. */
static int copy_document(int doc_fd)
{
	_cleanup_close_ int out = open(DOC, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	char buf[64 * 1024];
	ssize_t n;
	off_t off = 0;

	if (out < 0)
		return -errno;
	while ((n = pread(doc_fd, buf, sizeof(buf), off)) > 0) {
		int r = fd_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
		off += n;
	}
	return n < 0 ? -errno : 0;
}

/* pid 1 of the new PID namespace: build the root, then render. Never returns. */
static _noreturn_ void sandbox_init(int doc_fd, int out_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (make_root() < 0 || copy_document(doc_fd) < 0 || drop_privileges() < 0 ||
	    print_render_seccomp() < 0)
		_exit(PRINT_RENDER_SETUP);
	close(doc_fd);
	print_render_limits();
	_exit(print_render_pages("", out_fd, null));
}

/* The first child: enters the namespaces, starts their init, and mirrors its exit status. */
static _noreturn_ void sandbox_outer(int doc_fd, int out_fd)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int status;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
		    CLONE_NEWPID) < 0 ||
	    map_ids(uid, gid) < 0)
		_exit(PRINT_RENDER_SETUP);
	pid_t pid = fork();
	if (pid == 0)
		sandbox_init(doc_fd, out_fd);
	close(out_fd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		_exit(PRINT_RENDER_SETUP);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : PRINT_RENDER_PAGE);
}

int print_render_start(int doc_fd, pid_t *ret_pid, int *ret_out)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return safe_close(p[0]), safe_close(p[1]), -errno;
	if (pid == 0) {
		close(p[0]);
		sandbox_outer(doc_fd, p[1]);
	}
	close(p[1]);
	*ret_pid = pid;
	*ret_out = p[0];
	return 0;
}
