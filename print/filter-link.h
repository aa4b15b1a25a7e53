/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The print filter's two links (filter-link.c): blocking message I/O with a deadline. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

struct flink {
	int fd;
	struct msg_reader rd;
};

int flink_init(struct flink *l, int fd);
void flink_finish(struct flink *l);
/* The next message: 1 (*m valid until the next call), 0 at EOF, -ETIMEDOUT, -errno. */
int flink_next(struct flink *l, struct msg *m, int timeout_ms);
int flink_send(struct flink *l, uint32_t type, const void *payload, size_t len);
int flink_send_window(struct flink *l, uint32_t bytes);
int flink_send_exit(struct flink *l, int status);
/* From fd, as much as *credit allows, as DATA_STDIN; at fd's EOF the empty message, and
 * *sent_eof. 0 or -errno (-EPIPE: the link is gone). */
int flink_send_stdin(struct flink *l, int fd, uint32_t *credit, bool *sent_eof);
/* Connect to <runtime_dir>/qrexec/<vm>.sock, a VM's daemon. */
int flink_connect(struct flink *l, const char *runtime_dir, const char *vm);
