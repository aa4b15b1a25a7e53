/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Documents in memory files (spool.c). */
#pragma once

#include <stdint.h>

/* A new anonymous memory file (close-on-exec), or -errno. */
int print_memfd(const char *name);
/* Copy in to out until EOF; -EFBIG once more than max bytes came (out then holds a part). */
int print_spool_fd(int in, int out, uint64_t max, uint64_t *ret_len);
/* Copy the whole of a seekable fd, from its start, to another fd. */
int print_copy_out(int from, int to);
