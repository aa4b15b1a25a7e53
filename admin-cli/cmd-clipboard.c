/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl clipboard: look at, clear, and exchange the global inter-VM clipboard with the host's
 * own X clipboard. Showing never prints the content unless asked, so a glance at the clipboard
 * over someone's shoulder (or in a terminal log) does not leak it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clipboard.h"
#include "log.h"
#include "strutil.h"
#include "vmctl.h"
#include "x11-selection.h"

#define HOST_SOURCE "host"

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void print_json(const struct clipboard_entry *e, bool empty)
{
	if (empty) {
		printf("{\"empty\":true}\n");
		return;
	}
	printf("{\"empty\":false,\"source\":\"%s\",\"type\":\"%s\",\"size\":%zu,"
	       "\"copied_usec\":%llu,\"age_seconds\":%llu}\n",
	       e->source, clipboard_type_to_mime(e->type), e->len, (unsigned long long)e->time_usec,
	       (unsigned long long)((now_usec() - e->time_usec) / 1000000u));
}

static void print_human(const struct clipboard_entry *e, bool content)
{
	printf("Source:  %s\nType:    %s\nSize:    %zu bytes\nAge:     %llu s\n", e->source,
	       clipboard_type_to_mime(e->type), e->len,
	       (unsigned long long)((now_usec() - e->time_usec) / 1000000u));
	if (content && e->type == CLIPBOARD_TEXT) {
		printf("Content:\n");
		fwrite(e->data, 1, e->len, stdout);
		printf("\n");
	} else if (content) {
		printf("Content: (an image; use 'vmctl clipboard to-host' to paste it on the host)\n");
	}
}

static int show(const char *dir, bool json, bool content)
{
	struct clipboard_entry e = { 0 };
	int r = content ? clipboard_store_read(dir, &e) : clipboard_store_peek(dir, &e);

	if (r == -ENOENT) {
		if (json)
			print_json(&e, true);
		else
			printf("The global clipboard is empty.\n");
		return VMCTL_EXIT_OK;
	}
	if (r < 0) {
		log_error_errno(r, "Cannot read the global clipboard in %s: %m", dir);
		return VMCTL_EXIT_FAILURE;
	}
	if (json)
		print_json(&e, false);
	else
		print_human(&e, content);
	clipboard_entry_wipe(&e);
	return VMCTL_EXIT_OK;
}

static Display *open_host_display(const char *name)
{
	Display *dpy = XOpenDisplay(name);

	if (!dpy)
		log_error("Cannot open the host display %s.", name ?: getenv("DISPLAY") ?: "(unset)");
	return dpy;
}

static int from_host(const char *dir, const char *display)
{
	struct clipboard_limits limits;
	struct clipboard_entry e = { .source = HOST_SOURCE };
	Display *dpy = open_host_display(display);
	int r;

	if (!dpy)
		return VMCTL_EXIT_FAILURE;
	clipboard_limits_from_env(&limits);
	r = x11_selection_fetch(dpy, "CLIPBOARD", MAX(limits.text_max, limits.image_max), 5000, &e);
	XCloseDisplay(dpy);
	str_copy(e.source, sizeof(e.source), HOST_SOURCE);
	if (r == -ENOENT)
		log_error("The host clipboard is empty (or holds neither text nor a PNG image).");
	else if (r < 0)
		log_error_errno(r, "Cannot read the host clipboard: %m");
	else if ((r = clipboard_check(e.type, e.data, e.len, &limits)) < 0)
		log_error_errno(r, "The host clipboard's %s was refused: %m",
				clipboard_type_to_mime(e.type));
	if (r >= 0) {
		e.time_usec = now_usec();
		r = clipboard_store_put(dir, &e);
		if (r < 0)
			log_error_errno(r, "Cannot store the global clipboard: %m");
		else
			printf("Copied %zu bytes from the host clipboard.\n", e.len);
	}
	clipboard_entry_wipe(&e);
	return r < 0 ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

/* Leave the caller's terminal and pipes, as a selection owner outlives the command. */
static void detach(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
	}
	setsid();
}

/* The child that owns the host's CLIPBOARD and PRIMARY until another program takes them. */
static _noreturn_ void serve_host_selection(Display *dpy, struct clipboard_entry *e, int ready_fd)
{
	static const char *const selections[] = { "CLIPBOARD", "PRIMARY" };
	struct x11_selection_owner o;

	if (x11_selection_owner_start(&o, dpy, selections, 2, e->type, e->data, e->len) < 0)
		_exit(1);
	close(ready_fd);
	detach();
	while (o.owned > 0) {
		XEvent ev;
		XNextEvent(dpy, &ev);
		x11_selection_owner_handle(&o, &ev);
	}
	clipboard_entry_wipe(e);
	_exit(0);
}

/* Fork the owner; the parent returns once the child holds the selections (or failed). */
static int spawn_owner(const char *display, struct clipboard_entry *e)
{
	int status, p[2];
	char ready;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		Display *dpy = open_host_display(display);
		if (!dpy)
			_exit(1);
		/* The pipe closes once we own the selections, or at exit: the parent wakes. */
		serve_host_selection(dpy, e, p[1]);
	}
	close(p[1]);
	bool started = pid > 0 && read(p[0], &ready, 1) == 0;
	close(p[0]);
	if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid)
		return -EBUSY;
	return started ? 0 : -ECHILD;
}

static int to_host(const char *dir, const char *display)
{
	struct clipboard_entry e = { 0 };
	int r = clipboard_store_take(dir, &e);

	if (r == -ENOENT) {
		log_error("The global clipboard is empty: nothing to paste on the host.");
		return VMCTL_EXIT_FAILURE;
	}
	if (r < 0) {
		log_error_errno(r, "Cannot read the global clipboard: %m");
		return VMCTL_EXIT_FAILURE;
	}
	r = spawn_owner(display, &e);
	if (r < 0)
		log_error_errno(r, "Cannot own the host clipboard: %m");
	else
		printf("Pasted %zu bytes from %s into the host clipboard; global clipboard wiped.\n",
		       e.len, e.source);
	clipboard_entry_wipe(&e);
	return r < 0 ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

static int run_clipboard(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "content", no_argument, NULL, 'c' },
		{ "display", required_argument, NULL, 'd' },
		{},
	};
	bool json = false, content = false;
	const char *display = NULL;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'c')
			content = true;
		else if (c == 'd')
			display = optarg;
		else
			return vmctl_usage_error(&vmctl_cmd_clipboard, "unknown option '%s'",
						 argv[optind - 1]);
	}
	if (optind + 1 != argc)
		return vmctl_usage_error(&vmctl_cmd_clipboard, "expected one action");

	_cleanup_free_ char *dir = clipboard_store_default_dir();
	const char *action = argv[optind];
	if (!dir)
		return log_oom(), VMCTL_EXIT_FAILURE;
	if (streq(action, "show"))
		return show(dir, json, content);
	if (streq(action, "clear")) {
		int r = clipboard_store_clear(dir);
		if (r < 0)
			return log_error_errno(r, "Cannot clear the clipboard: %m"),
			       VMCTL_EXIT_FAILURE;
		printf("Global clipboard cleared.\n");
		return VMCTL_EXIT_OK;
	}
	if (streq(action, "from-host"))
		return from_host(dir, display);
	if (streq(action, "to-host"))
		return to_host(dir, display);
	return vmctl_usage_error(&vmctl_cmd_clipboard, "unknown action '%s'", action);
}

const struct vmctl_command vmctl_cmd_clipboard = {
	.name = "clipboard",
	.args = "show [--json] [--content] | clear | from-host | to-host [--display DISPLAY]",
	.summary = "Show, clear, or exchange the global inter-VM clipboard with the host",
	.help = "The global clipboard holds what Ctrl+Shift+C copied from a VM until\n"
		"Ctrl+Shift+V pastes it into another VM (then it is wiped).\n\n"
		"  show        source VM, type, size and age (--content also prints text)\n"
		"  clear       wipe the global clipboard\n"
		"  from-host   copy the host's X clipboard (text or PNG) into it, labelled 'host'\n"
		"  to-host     paste it into the host's X clipboard, then wipe it\n",
	.run = run_clipboard,
};
