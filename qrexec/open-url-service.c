/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.OpenURL: the service that opens a URL from another VM in this VM's browser.
 *
 * Trust: the URL on stdin was chosen by the calling VM (QREXEC_REMOTE_DOMAIN). It is read with a
 * hard limit, checked by qrexec_url_is_valid (parse-url.c: http/https/ftp/mailto, at most
 * 8 KiB, no control characters or spaces, UTF-8), and passed as exactly one argv element: no
 * shell ever sees it. The browser is $BULKHEAD_BROWSER, else the first line of
 * /etc/bulkhead/browser, else x-www-browser; its words are split on spaces (a configuration,
 * not VM data). It runs detached, so the call ends when the browser has started.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "paths.h"
#include "qrexec.h"
#include "strutil.h"

#define BROWSER_CONFIG "/etc/bulkhead/browser"
#define BROWSER_DEFAULT "x-www-browser"

/* Read the whole URL; one trailing newline is allowed (vm-open-url sends one). */
static int read_url(char *buf, size_t size, size_t *ret_len)
{
	ssize_t n = fd_read_full(0, buf, size);

	if (n < 0)
		return (int)n;
	if ((size_t)n == size)
		return -E2BIG;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	*ret_len = (size_t)n;
	return 0;
}

static char *browser_command(void)
{
	const char *env = getenv("BULKHEAD_BROWSER");
	char *text = NULL;
	size_t len;

	if (env && *env)
		return strdup(env);
	if (fd_read_file(AT_FDCWD, BROWSER_CONFIG, 4096, &text, &len) >= 0) {
		text[strcspn(text, "\n")] = '\0';
		if (*text)
			return text;
		free(text);
	}
	return strdup(BROWSER_DEFAULT);
}

/* argv = the command's words, then the URL as one more word. */
static int build_argv(char *command, const char *url, char **argv, size_t max)
{
	size_t n = 0;

	for (char *w = strtok(command, " \t"); w; w = strtok(NULL, " \t"))
		if (n + 2 < max)
			argv[n++] = w;
	if (n == 0)
		return -EINVAL;
	argv[n++] = (char *)url;
	argv[n] = NULL;
	return 0;
}

/* In a disposable the browser is the reason the VM exists: the call, and so the VM, lasts as
 * long as the browser (the guest init marks disposables, from the kernel command line). */
static int run_in_foreground(char **argv)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0)
		dup2(null, 0), dup2(null, 1), dup2(null, 2);
	execvp(argv[0], argv);
	return -errno;
}

/* Double fork: the browser belongs to nobody's call and holds none of its pipes. */
static int spawn_detached(char **argv)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0), dup2(null, 1), dup2(null, 2);
		if (fork() == 0) {
			execvp(argv[0], argv);
			_exit(127);
		}
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int main(void)
{
	static char url[QREXEC_URL_MAX + 2];
	char buf[LOG_UNTRUSTED_BUFSIZE], *argv[32];
	const char *source = getenv("QREXEC_REMOTE_DOMAIN");
	size_t len = 0;

	log_set_ident("bulkhead.OpenURL");
	if (read_url(url, sizeof(url), &len) < 0 || memchr(url, '\0', len) ||
	    !qrexec_url_is_valid(url, len)) {
		log_error("Refusing URL from %s: %s", source ? source : "?",
			  log_untrusted(buf, url, len));
		return 1;
	}
	_cleanup_free_ char *command = browser_command();
	if (!command || build_argv(command, url, argv, ELEMENTSOF(argv)) < 0)
		return log_error("No browser configured."), 1;
	log_info("Opening a URL from %s with %s.", source ? source : "?", argv[0]);
	if (access(BULKHEAD_DISPOSABLE_MARK, F_OK) == 0)
		return run_in_foreground(argv) < 0 ? 1 : 0;
	return spawn_detached(argv) < 0 ? 1 : 0;
}
