/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The requester's side of bulkheadd's dispvm socket (dispvm-client.h), shared by the qrexec
 * daemons ("@dispvm:X" targets, daemon-dispvm.c) and the print filter.
 *
 * Trust: bulkheadd is a host process; its answer is still bounded by the caller's buffer and
 * the name validated before it becomes a socket path.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "dispvm-client.h"
#include "fdio.h"
#include "macro.h"
#include "strutil.h"
#include "validate.h"

static int dispvm_connect(const char *runtime_dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (str_printf(sa.sun_path, sizeof(sa.sun_path), "%s/dispvm.sock", runtime_dir) < 0)
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return TAKE_FD(fd);
}

int qrexec_dispvm_request(const char *runtime_dir, const char *template, bool hold)
{
	char line[VM_NAME_MAX + 8];

	if (*template && !vm_name_is_valid(template))
		return -EINVAL;
	if (str_printf(line, sizeof(line), "%s%s\n", template, hold ? " hold" : "") < 0)
		return -EINVAL;
	_cleanup_close_ int fd = dispvm_connect(runtime_dir);
	if (fd < 0)
		return fd;
	int r = fd_write_all(fd, line, strlen(line));
	return r < 0 ? r : TAKE_FD(fd);
}

const char *qrexec_dispvm_reply_parse(char *line, const char **ret_name)
{
	*ret_name = NULL;
	if (str_startswith(line, "OK ") && vm_name_is_valid(line + 3)) {
		*ret_name = line + 3;
		return NULL;
	}
	if (str_startswith(line, "ERR ") && line[4])
		return line + 4;
	return "bulkheadd gave no disposable";
}
