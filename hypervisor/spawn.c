/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running the host tools bulkheadd relies on (qemu-img, mkfs.ext4, bulkhead-mkinitramfs). */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv.h"
#include "log.h"
#include "strutil.h"

extern char **environ;

int hv_run(const char *const *argv)
{
	pid_t pid;
	int status, r;

	r = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
	if (r != 0)
		return log_error_errno(r, "Cannot run %s: %m", argv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return log_error_errno(errno, "waitpid %s: %m", argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("%s failed (status %d)", argv[0], status);
		return -EIO;
	}
	return 0;
}

int hv_program_path(const char *env, const char *dir, const char *name, char *buf, size_t size)
{
	const char *v = env ? getenv(env) : NULL;

	if (v && v[0])
		return str_copy(buf, size, v);
	return str_printf(buf, size, "%s/%s", dir, name);
}
