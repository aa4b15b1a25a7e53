/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The second half of a move: delete the sources, but only what was actually sent, and only
 * after the receiver confirmed the whole copy (the caller's job). Children go before their
 * directory, and a directory is removed only when empty, so a file that appeared in it while
 * the copy ran is kept (with its directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "filecopy.h"
#include "strutil.h"

int filecopy_remove_sent(struct filecopy_sender *s, char *failed, size_t failedsize)
{
	int first = 0;

	for (size_t i = s->n_sent; i-- > 0;) {
		const char *path = s->sent[i] + 1;
		int flags = s->sent[i][0] == 'd' ? AT_REMOVEDIR : 0;
		if (unlinkat(AT_FDCWD, path, flags) < 0 && errno != ENOENT && first == 0) {
			first = -errno;
			str_copy(failed, failedsize, path);
		}
	}
	return first;
}
