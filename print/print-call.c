/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A print job's way out of a VM: the document becomes the stdin of a bulkhead.Print call
 * through the VM's qrexec agent; the policy picks the print VM, the host's filter sanitises
 * the document on the way (docs/print.md). The agent reads the file itself (fd passing).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "local-call.h"
#include "print-call.h"
#include "print.h"
#include "strutil.h"

int print_check_document(int fd, char *err, size_t errlen)
{
	char magic[5];
	struct stat st;

	if (fstat(fd, &st) < 0)
		return snprintf(err, errlen, "%s", strerror(errno)), -errno;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > PRINT_DOC_MAX)
		return snprintf(err, errlen, "the document is over %u MiB", PRINT_DOC_MAX >> 20),
		       -EFBIG;
	if (S_ISREG(st.st_mode) &&
	    (pread(fd, magic, sizeof(magic), 0) != sizeof(magic) || memcmp(magic, "%PDF-", 5)))
		return snprintf(err, errlen, "not a PDF document (only PDF is printed)"),
		       -EMEDIUMTYPE;
	return 0;
}

int print_call(const char *target, int fd, int out_fd, int err_fd, char *err, size_t errlen)
{
	char reason[QREXEC_REASON_FIELD];
	int fds[3] = { fd, out_fd, err_fd }, code;

	int sock = qrexec_local_call_start(target, PRINT_SERVICE, fds, &code, reason);
	if (sock < 0) {
		snprintf(err, errlen, "%s", reason);
		return code;
	}
	return qrexec_local_call_wait(sock);
}
