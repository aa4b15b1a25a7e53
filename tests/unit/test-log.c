/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "tap.h"

/* Run fn with stderr redirected into a buffer; returns what it logged. */
static char *capture_stderr(void (*fn)(void))
{
	static char out[8192];
	int p[2], saved = dup(2);

	if (pipe(p) < 0)
		abort();
	dup2(p[1], 2);
	close(p[1]);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t n = fd_read_full(p[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	return out;
}

static int ret_errno;

static void log_some(void)
{
	log_set_ident("test");
	log_set_max_level(LOG_INFO);
	log_info("hello %d", 42);
	log_debug("not shown at info");
	ret_errno = log_error_errno(-ENOENT, "open x: %m");
}

static void log_hostile(void)
{
	char buf[LOG_UNTRUSTED_BUFSIZE];
	char evil[1000];

	memset(evil, 'A', sizeof(evil));
	memcpy(evil, "x\n<0>forged\x1b[31m", 17);
	log_warning("title: %s", log_untrusted(buf, evil, sizeof(evil)));
}

int main(void)
{
	char *out = capture_stderr(log_some);

	ok(strstr(out, "<6>test: hello 42\n") != NULL, "info line has <6> prefix and ident");
	ok(strstr(out, "not shown") == NULL, "debug suppressed at info level");
	ok(strstr(out, "<3>test: open x: No such file or directory\n") != NULL,
	   "error line has <3> and %%m prints the given errno");
	is_int(ret_errno, -ENOENT, "log_error_errno returns -errno");

	out = capture_stderr(log_hostile);
	ok(strchr(out, '\n') == out + strlen(out) - 1, "a VM string cannot add a line");
	ok(strstr(out, "x\\n<0>forged\\x1b[31m") != NULL, "controls are escaped");
	ok(strlen(out) < 600, "a 1000-byte VM string is truncated (%zu bytes logged)", strlen(out));
	ok(strstr(out, "...\n") != NULL, "truncation is marked");

	is_int(log_level_from_string("debug"), LOG_DEBUG, "level by name");
	is_int(log_level_from_string("4"), LOG_WARNING, "level by number");
	is_int(log_level_from_string("loud"), -EINVAL, "unknown level refused");
	return tap_done();
}
