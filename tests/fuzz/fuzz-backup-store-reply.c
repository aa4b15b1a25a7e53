/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what a hostile backup VM answers to the host's store requests
 * (backup/untrusted-store-reply.c, through backup/store-vm.c). The input is the VM's whole
 * side of a session: the host opens the store, then asks for a list, an object, whether one
 * exists, and puts one, each reading its reply from the input. The parsers also get the input
 * on their own, as a reply head and as a LIST body.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdio.h"
#include "store-vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void session(const uint8_t *data, size_t size)
{
	struct backup_store *s = NULL;
	uint8_t *obj = NULL;
	char **names = NULL;
	size_t len, n = 0;
	int sv[2];

	/* The requests are small, so they fit in the socket's buffer unread. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	if (fd_write_all(sv[1], data, size) < 0 || shutdown(sv[1], SHUT_WR) < 0)
		abort();
	if (backup_store_vm_open(sv[0], 0, "/home/user/backups", true, &s) == 0) {
		if (s->ops->list(s, "manifests", &names, &n) == 0)
			backup_strv_free(names, n);
		if (s->ops->get(s, "header", 4096, &obj, &len) == 0)
			free(obj);
		(void)s->ops->exists(s, "chunks/ab/ab12");
		(void)s->ops->put(s, "latest", "0123456789", 10);
		backup_store_free(s);
	}
	close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backup_store_reply rep;
	char **names = NULL;
	size_t n = 0;

	if (size > 65536)
		return 0;
	if (size >= BACKUP_STORE_HEAD_SIZE)
		(void)backup_store_reply_parse(data, data[0] % 6, 1u << 20, &rep);
	if (backup_store_list_parse(data, size, &names, &n) == 0)
		backup_strv_free(names, n);
	session(data, size);
	return 0;
}
