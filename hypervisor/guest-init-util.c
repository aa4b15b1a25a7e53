/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers of the guest init: console log, files, directories, waiting for devices. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guest-init.h"

/* One line per event on the serial console: the host's `vmctl console` and the e2e tests read
 * these, so the prefix is fixed. */
void init_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "bulkhead-init: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	if (write(STDERR_FILENO, line, strlen(line)) < 0) {
		/* nowhere else to say it */
	}
}

_Noreturn void init_fail(const char *what)
{
	init_log("fatal: %s (errno %d: %s); powering off", what, errno, strerror(errno));
	sync();
	sleep(1);
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

double init_uptime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int init_write_file(const char *path, const char *content, mode_t mode)
{
	size_t len = strlen(content);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, content, len) != (ssize_t)len) {
		init_log("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

int init_mkdir_p(const char *path, mode_t mode)
{
	char buf[INIT_PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -1;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

void init_symlink(const char *target, const char *path)
{
	if (symlink(target, path) < 0 && errno != EEXIST)
		init_log("symlink %s: %s", path, strerror(errno));
}

/* Devices appear asynchronously after their driver's module loads. */
bool init_wait_path(const char *path, int timeout_ms)
{
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		if (access(path, F_OK) == 0)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}
