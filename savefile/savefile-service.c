/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.SaveFile: the target VM's end of "save a file into another VM". Run by the qrexec
 * agent as the VM's user, with the call on stdin/stdout and QREXEC_REMOTE_DOMAIN set by the
 * broker (the only trusted name of the source).
 *
 *   1. read and check the header (untrusted-header.c) and the declared size against the limits
 *      (file copy's max_bytes): a bad header is refused before anything is shown;
 *   2. ask this VM's user where to put the file: savefile-chooser, a GTK save dialog on this
 *      VM's own display, with the suggested name (already validated) as its only VM input;
 *   3. write exactly the declared bytes there, atomically (write.c); reply one word.
 *
 * Trust: stdin is the source VM's: hostile. Its header goes through the bounded parser, its
 * data is only copied. The chosen path is this VM's user's answer (trusted) and never leaves
 * this VM: not in the reply, and not on stderr, which the broker may show the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "paths.h"
#include "savefile.h"
#include "strutil.h"
#include "validate.h"

#define CHOOSER_NAME "savefile-chooser"

/* What the user chose in the dialog. */
struct choice {
	char path[FILECOPY_PATH_MAX];
	bool replace; /* the file existed and the dialog's overwrite confirmation was accepted */
};

static void reply(enum savefile_reply r)
{
	const char *line = savefile_reply_line(r);

	(void)fd_write_all(STDOUT_FILENO, line, strlen(line)); /* the source may be gone */
}

/* $BULKHEAD_SAVEFILE_CHOOSER, the one beside this program (a build tree), or the guest's. */
static const char *chooser_path(void)
{
	static char beside[FILECOPY_PATH_MAX];
	const char *env = getenv("BULKHEAD_SAVEFILE_CHOOSER");
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", beside, sizeof(beside) - sizeof(CHOOSER_NAME));
	if (n > 0) {
		beside[n] = '\0';
		char *slash = strrchr(beside, '/');
		if (slash) {
			strcpy(slash + 1, CHOOSER_NAME); /* room kept by readlink's size above */
			if (access(beside, X_OK) == 0)
				return beside;
		}
	}
	return BULKHEAD_GUEST_BINDIR "/" CHOOSER_NAME;
}

/* The dialog's process: stdin from /dev/null (never the stream), stdout to the pipe, stderr
 * nowhere (GTK's messages could name local paths; the broker may hand stderr to the caller). */
static _noreturn_ void chooser_exec(int out_fd, const char *source, const char *name, uint64_t size)
{
	char sizebuf[32];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	snprintf(sizebuf, sizeof(sizebuf), "%llu", (unsigned long long)size);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    (!getenv("BULKHEAD_SAVEFILE_DEBUG") && dup2(null, 2) < 0))
		_exit(127);
	execl(chooser_path(), CHOOSER_NAME, "--source", source, "--suggested-name", name, "--size",
	      sizebuf, (char *)NULL);
	_exit(127);
}

/* The chooser prints "new" or "replace", a NUL, the absolute path, a NUL. */
static int parse_choice(const char *buf, size_t len, struct choice *c)
{
	const char *path = memchr(buf, '\0', len);

	if (!path || len < 2 || buf[len - 1] != '\0' || path[1] != '/')
		return -EBADMSG;
	c->replace = streq(buf, "replace");
	if (!c->replace && !streq(buf, "new"))
		return -EBADMSG;
	return str_copy(c->path, sizeof(c->path), path + 1);
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* 1 with *c filled when the user chose a place, 0 when they cancelled, or -errno. */
static int ask_user(const char *source, const struct savefile_header *h, struct choice *c)
{
	char buf[FILECOPY_PATH_MAX + 16];
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0)
		chooser_exec(p[1], source, h->name, h->size);
	close(p[1]);
	ssize_t n = pid < 0 ? -errno : fd_read_full(p[0], buf, sizeof(buf));
	close(p[0]);
	if (pid < 0)
		return (int)n;
	int status = wait_child(pid);
	if (status == 1)
		return 0;
	if (status == 127)
		return -ENOENT;
	if (status != 0) /* a crash, or killed (out of memory?): say which */
		log_error("The save dialog (%s) ended with status %d.", chooser_path(), status);
	if (status != 0 || n <= 0 || (size_t)n == sizeof(buf))
		return -EIO;
	return parse_choice(buf, (size_t)n, c) < 0 ? -EBADMSG : 1;
}

/* Open the chosen directory and write the file in it. */
static int save(const struct choice *c, const struct savefile_header *h, uint64_t *got)
{
	char dir[FILECOPY_PATH_MAX];
	const char *leaf = strrchr(c->path, '/') + 1;
	mode_t mask = umask(0);

	umask(mask);
	if (!*leaf || streq(leaf, ".") || streq(leaf, ".."))
		return -EISDIR;
	snprintf(dir, sizeof(dir), "%.*s", (int)(leaf - c->path), c->path);
	_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	return savefile_write(STDIN_FILENO, dirfd, leaf, h->size, c->replace, 0666 & ~mask, got);
}

static void failure_sentence(char *buf, size_t size, int r, const char *source,
			     const struct savefile_header *h, uint64_t got)
{
	if (r == -EPIPE)
		snprintf(buf, size,
			 "The file from %s ended after %llu of %llu bytes: nothing was saved.",
			 source, (unsigned long long)got, (unsigned long long)h->size);
	else if (r == -EMSGSIZE)
		snprintf(buf, size,
			 "%s sent more than the %llu bytes it declared: nothing was saved.", source,
			 (unsigned long long)h->size);
	else if (r == -EEXIST)
		snprintf(buf, size,
			 "A file of the chosen name appeared meanwhile; it was not replaced.");
	else if (r == -ENOSPC)
		snprintf(buf, size,
			 "The file from %s (%llu bytes) does not fit on this disk: nothing "
			 "was saved.",
			 source, (unsigned long long)h->size);
	else
		snprintf(buf, size, "Saving the file from %s failed (%s): nothing was saved.",
			 source, strerror(-r));
}

/* Tell this VM's user too: they chose a place and nothing appeared there. The message runs on
 * its own (double fork, nothing of the call's streams), so the reply does not wait for it. */
static void tell_user(const char *source, const char *why)
{
	pid_t pid = fork();

	if (pid > 0)
		wait_child(pid);
	if (pid != 0)
		return;
	if (fork() != 0)
		_exit(0);
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	execl(chooser_path(), CHOOSER_NAME, "--source", source, "--failed", why, (char *)NULL);
	_exit(127);
}

/* Both users hear why: the source's through the call's stderr (the broker hands it back), this
 * VM's in a message; the reply itself is only "failed". */
static int report_failure(int r, const char *source, const struct savefile_header *h, uint64_t got)
{
	char why[512];

	failure_sentence(why, sizeof(why), r, source, h, got);
	log_error("%s", why);
	tell_user(source, why);
	reply(SAVEFILE_FAILED);
	return 1;
}

static int load_max_bytes(uint64_t *ret)
{
	struct filecopy_limits l;
	char where[FILECOPY_PATH_MAX] = "";
	int r;

	filecopy_limits_init(&l);
	r = filecopy_limits_load(&l, where, sizeof(where));
	if (r < 0)
		return log_error_errno(r, "Bad limits in %s: %m", where);
	*ret = l.max_bytes;
	return 0;
}

/* Header and limits: 0 to go on, or 1 after a refusal was sent and logged. */
static int check_offer(const char *source, uint64_t max_bytes, struct savefile_header *h)
{
	int r = savefile_header_read(STDIN_FILENO, h);

	if (r < 0) {
		log_error("Refusing a file from %s: %s.", source, savefile_header_error(r));
		return reply(SAVEFILE_REFUSED), 1;
	}
	if (max_bytes && h->size > max_bytes) {
		log_error("Refusing a file from %s: it declares %llu bytes, over the limit of %llu "
			  "(max_bytes in filecopy.conf).",
			  source, (unsigned long long)h->size, (unsigned long long)max_bytes);
		return reply(SAVEFILE_REFUSED), 1;
	}
	return 0;
}

/* One offer, from its header to the reply; returns the exit status. */
static int serve(const char *source, uint64_t max_bytes)
{
	struct savefile_header h;
	struct choice c;
	uint64_t got = 0;
	int r;

	if (check_offer(source, max_bytes, &h) != 0)
		return 1;
	r = ask_user(source, &h, &c);
	if (r < 0)
		return log_error_errno(r, "The save dialog failed: %m"), reply(SAVEFILE_FAILED), 1;
	if (r == 0)
		return log_info("Saving a file from %s: cancelled.", source),
		       reply(SAVEFILE_CANCELLED), 0;
	r = save(&c, &h, &got);
	if (r < 0)
		return report_failure(r, source, &h, got);
	log_info("Saved a file of %llu bytes from %s.", (unsigned long long)h.size, source);
	reply(SAVEFILE_SAVED);
	return 0;
}

int main(void)
{
	const char *source = getenv("QREXEC_REMOTE_DOMAIN");
	uint64_t max_bytes;

	log_set_ident("bulkhead.SaveFile");
	/* The broker hands stderr to the caller: routine lines stay out of its terminal. */
	log_set_max_level(LOG_NOTICE);
	log_parse_environment();
	signal(SIGPIPE, SIG_IGN);
	if (!source || !vm_name_is_valid(source))
		return log_error("QREXEC_REMOTE_DOMAIN is not a VM name (run by the agent only)."),
		       2;
	if (load_max_bytes(&max_bytes) < 0)
		return reply(SAVEFILE_FAILED), 2;
	return serve(source, max_bytes);
}
