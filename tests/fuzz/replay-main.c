/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In ordinary builds every fuzz target is linked with this main(): it replays each file of the
 * target's committed corpus through LLVMFuzzerTestOneInput, so the corpus (including every
 * crash ever found) runs as a plain test under ASan/UBSan in CI.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdio.h"
#include "macro.h"
#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(int dirfd, const char *name)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = fd_read_file(dirfd, name, 16 << 20, &data, &len);

	if (r < 0)
		return r;
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	return 0;
}

int main(int argc, char **argv)
{
	struct dirent **names;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
		return 2;
	}
	_cleanup_close_ int dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	n = scandir(argv[1], &names, NULL, alphasort);
	if (dirfd < 0 || n < 0)
		tap_bail_out("cannot read the corpus directory");
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			/* A crash aborts the process under ASan: reaching ok() is the pass. */
			ok(replay_file(dirfd, names[i]->d_name) == 0, "replay %s",
			   names[i]->d_name);
		free(names[i]);
	}
	free(names);
	if (tap_count == 0)
		tap_bail_out("empty corpus");
	return tap_done();
}
