/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The source's side of the wire: the header it sends, and the reply line it reads back.
 *
 * Trust: the reply comes from the target VM; only the four known lines are accepted, so the
 * target can tell the source nothing but one of four words (never where the file went).
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "savefile.h"
#include "strutil.h"

static const char *const lines[] = {
	[SAVEFILE_SAVED] = SAVEFILE_REPLY_SAVED "\n",
	[SAVEFILE_CANCELLED] = SAVEFILE_REPLY_CANCELLED "\n",
	[SAVEFILE_REFUSED] = SAVEFILE_REPLY_REFUSED "\n",
	[SAVEFILE_FAILED] = SAVEFILE_REPLY_FAILED "\n",
};

ssize_t savefile_header_encode(void *buf, const char *name, uint64_t size)
{
	struct savefile_wire_header h;
	size_t len = strlen(name);

	if (len == 0 || len > FILECOPY_NAME_MAX)
		return -ENAMETOOLONG;
	h = (struct savefile_wire_header){ .version = htole32(SAVEFILE_VERSION),
					   .namelen = htole32((uint32_t)len),
					   .size = htole64(size) };
	memcpy(buf, &h, sizeof(h));
	memcpy((char *)buf + sizeof(h), name, len);
	return (ssize_t)(sizeof(h) + len);
}

const char *savefile_reply_line(enum savefile_reply r)
{
	return lines[r];
}

int savefile_reply_parse(const void *untrusted_buf, size_t len, enum savefile_reply *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(lines); i++)
		if (len == strlen(lines[i]) && memcmp(untrusted_buf, lines[i], len) == 0) {
			*ret = (enum savefile_reply)i;
			return 0;
		}
	return -EBADMSG;
}
