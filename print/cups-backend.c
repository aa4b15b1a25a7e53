/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CUPS backend `bulkhead` (device URI bulkhead:/ or bulkhead:/VM): the "Bulkhead" queue of
 * a VM hands each job to bulkhead.Print, so any application's Print dialog prints through the
 * broker (docs/print.md). Backend protocol (backend(7)): no arguments lists the device;
 * "job user title copies options [file]" prints file, else stdin. Messages to stderr with
 * ERROR:/INFO: prefixes become the job's state message; a refused job is cancelled (exit 5),
 * never retried and never stops the queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "print-call.h"
#include "print.h"
#include "spool.h"
#include "validate.h"

#define CUPS_BACKEND_OK 0
#define CUPS_BACKEND_FAILED 1
#define CUPS_BACKEND_CANCEL 5
/* Where a guest's agent listens (the guest init's BULKHEAD_RUNTIME_DIR); cupsd gives its
 * backends a clean environment. */
#define GUEST_RUNTIME_DIR "/run/bulkhead"

/* bulkhead:/ -> @default (the policy decides), bulkhead:/VM -> VM. */
static const char *target_of(const char *uri)
{
	if (!uri || strncmp(uri, "bulkhead:/", 10) != 0 || !uri[10])
		return "@default";
	return vm_name_is_valid(uri + 10) ? uri + 10 : NULL;
}

static int open_job(int argc, char **argv)
{
	if (argc == 7)
		return open(argv[6], O_RDONLY | O_CLOEXEC);
	int fd = print_memfd("job");
	if (fd < 0 || print_spool_fd(0, fd, PRINT_DOC_MAX, NULL) < 0)
		return safe_close(fd), -1;
	return fd;
}

/* The call's stderr, each line as an ERROR: for the job's state, control bytes dropped. */
static void report(int err_fd)
{
	char buf[2048];
	ssize_t n = pread(err_fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		for (char *p = line; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		fprintf(stderr, "ERROR: %s\n", line);
	}
}

static int print_job(const char *target, int fd)
{
	_cleanup_close_ int err_fd = print_memfd("stderr");
	char err[256];

	if (print_check_document(fd, err, sizeof(err)) < 0)
		return fprintf(stderr, "ERROR: Not printed: %s\n", err), CUPS_BACKEND_CANCEL;
	fprintf(stderr, "INFO: Sending the job to Bulkhead's print VM\n");
	err[0] = '\0';
	int status = print_call(target, fd, 2, err_fd < 0 ? 2 : err_fd, err, sizeof(err));
	report(err_fd);
	if (status == 0)
		return fprintf(stderr, "INFO: Printed through Bulkhead\n"), CUPS_BACKEND_OK;
	fprintf(stderr, "ERROR: Not printed (status %d)%s%s\n", status, err[0] ? ": " : "", err);
	return CUPS_BACKEND_CANCEL;
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		printf("direct bulkhead \"Bulkhead\" \"Print through Bulkhead's print VM\"\n");
		return CUPS_BACKEND_OK;
	}
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "Usage: %s job-id user title copies options [file]\n", argv[0]);
		return CUPS_BACKEND_FAILED;
	}
	setenv("BULKHEAD_RUNTIME_DIR", GUEST_RUNTIME_DIR, 0);
	const char *target = target_of(getenv("DEVICE_URI"));
	if (!target)
		return fprintf(stderr, "ERROR: Bad device URI\n"), CUPS_BACKEND_CANCEL;
	_cleanup_close_ int fd = open_job(argc, argv);
	if (fd < 0)
		return fprintf(stderr, "ERROR: Cannot read the job (over %u MiB?)\n",
			       PRINT_DOC_MAX >> 20),
		       CUPS_BACKEND_CANCEL;
	return print_job(target, fd);
}
