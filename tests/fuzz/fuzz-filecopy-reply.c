/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the sender's parser of the receiver's reply (untrusted-reply.c), both from a
 * buffer and read from an fd as the sender does, and the sanitiser that shows its last_name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "filecopy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct filecopy_reply reply;
	char shown[256];
	int fd;

	if (filecopy_reply_parse(data, size, &reply) == 0)
		filecopy_name_sanitize(shown, sizeof(shown), reply.last_name, reply.last_name_len);
	fd = memfd_create("reply", MFD_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	lseek(fd, 0, SEEK_SET);
	if (filecopy_reply_read(fd, &reply) == 0) {
		filecopy_name_sanitize(shown, sizeof(shown), reply.last_name, reply.last_name_len);
		(void)filecopy_error_sentence(reply.error_code);
	}
	close(fd);
	filecopy_name_sanitize(shown, sizeof(shown), data, size);
	return 0;
}
