/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "manager-client.h"
#include "strutil.h"

/* The state dir as bulkheadd finds it by default (docs/interfaces.md, "Runtime paths"). */
static int console_path(const char *name, char *buf, size_t size)
{
	const char *state = getenv("BULKHEAD_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state && state[0])
		return str_printf(buf, size, "%s/vms/%s/console.log", state, name);
	if (xdg && xdg[0])
		return str_printf(buf, size, "%s/bulkhead/vms/%s/console.log", xdg, name);
	if (home && home[0])
		return str_printf(buf, size, "%s/.local/state/bulkhead/vms/%s/console.log", home,
				  name);
	return -ENOENT;
}

/* The log is what the VM wrote: shown raw, its escape sequences would reach the terminal of
 * whoever reads it (retitle it, rewrite the screen). Controls other than tab and line ends are
 * shown as \xNN. */
static int write_escaped(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		bool plain = c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');
		if (plain ? putchar(c) == EOF : printf("\\x%02x", c) < 0)
			return -EIO;
	}
	return 0;
}

static int copy_available(int fd)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write_escaped(buf, (size_t)n) < 0)
			return -EIO;
	fflush(stdout);
	return n < 0 ? -errno : 0;
}

static int run_console(int argc, char **argv)
{
	bool follow = argc == 3 && (streq(argv[2], "--follow") || streq(argv[2], "-f"));
	struct timespec tick = { .tv_nsec = 250 * 1000 * 1000 };
	char path[4096], state[32];
	_cleanup_close_ int fd = -1;
	int r = manager_check_name(&vmctl_cmd_console, argv[1]);

	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc > 3 || (argc == 3 && !follow))
		return vmctl_usage_error(&vmctl_cmd_console, "unexpected argument '%s'", argv[2]);
	if (manager_get_text(&vmctl_cmd_console, argv[1], "state", state, sizeof(state)) != 0)
		return VMCTL_EXIT_FAILURE;
	if (console_path(argv[1], path, sizeof(path)) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "vmctl: console: VM '%s' has no console log yet (%s)\n", argv[1],
			path);
		return VMCTL_EXIT_FAILURE;
	}
	do {
		if (copy_available(fd) < 0)
			return VMCTL_EXIT_FAILURE;
	} while (follow && nanosleep(&tick, NULL) == 0);
	return VMCTL_EXIT_OK;
}

const struct vmctl_command vmctl_cmd_console = {
	.name = "console",
	.args = "NAME [--follow]",
	.summary = "Show a VM's serial console log",
	.help = "The kernel's and the guest init's messages from the VM's boots. Control\n"
		"characters the VM wrote (terminal escapes) are shown as \\xNN.\n\n"
		"  --follow, -f   keep printing what the VM writes, until interrupted\n",
	.run = run_console,
};
