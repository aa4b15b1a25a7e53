/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead.Backup: the backup VM's end of the VM store (store-proto.h). Run by the qrexec
 * agent with the call on stdin/stdout; keeps the repository's objects in a directory of this
 * VM with the directory store (store-dir.c), so every put is as atomic and durable here as on
 * a USB disk.
 *
 * Only the host may call it (QREXEC_REMOTE_DOMAIN dom0): another VM that a careless policy
 * let through could otherwise delete the backups. Requests are still bounded, and object
 * names may not leave the directory.
 */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "store-vm.h"
#include "strutil.h"
#include "unaligned.h"

struct request {
	uint8_t op, flags;
	uint64_t data_len;
	char name[BACKUP_STORE_PATH_MAX + 1];
};

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

/* "header", "manifests/00000000000000000001", "chunks/ab/ab12...": plain components, none
 * starting with a dot; "." alone (the top directory, for LIST). */
static bool object_name_ok(const char *s)
{
	if (streq(s, "."))
		return true;
	if (strlen(s) > BACKUP_STORE_NAME_MAX)
		return false;
	for (const char *c = s;; c += strcspn(c, "/") + 1) {
		size_t len = strcspn(c, "/");
		if (len == 0 || c[0] == '.' || strspn(c, NAME_CHARS) < len)
			return false;
		if (!c[len])
			return true;
	}
}

/* An absolute directory without "." or ".." components. */
static bool path_ok(const char *s)
{
	if (s[0] != '/')
		return false;
	for (const char *c = s + 1;; c += strcspn(c, "/") + 1) {
		size_t len = strcspn(c, "/");
		if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[len])
			return true;
	}
}

/* 1 a request, 0 the end of the stream, -EBADMSG one this service does not take. */
static int read_request(int fd, struct request *q)
{
	uint8_t head[BACKUP_STORE_HEAD_SIZE];
	ssize_t n = fd_read_full(fd, head, sizeof(head));
	uint16_t name_len;

	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(head))
		return -EBADMSG;
	q->op = head[0];
	q->flags = head[1];
	memcpy(&name_len, head + 2, 2);
	name_len = le16toh(name_len);
	q->data_len = unaligned_read_le64(head + 8);
	if (q->op < BACKUP_STORE_OPEN || q->op > BACKUP_STORE_LIST ||
	    unaligned_read_le32(head + 4) || (q->flags & ~BACKUP_STORE_FLAG_CREATE) ||
	    name_len == 0 || name_len > BACKUP_STORE_PATH_MAX ||
	    q->data_len > BACKUP_STORE_OBJECT_MAX)
		return -EBADMSG;
	if (fd_read_exact(fd, q->name, name_len) < 0)
		return -EBADMSG;
	q->name[name_len] = '\0';
	if (strlen(q->name) != name_len)
		return -EBADMSG;
	if (q->op == BACKUP_STORE_OPEN ? !path_ok(q->name) : !object_name_ok(q->name))
		return -EBADMSG;
	return 1;
}

static int reply(int fd, int status, const void *body, size_t len)
{
	uint8_t head[BACKUP_STORE_HEAD_SIZE] = { 0 };
	uint32_t st = htole32((uint32_t)(status < 0 ? -status : 0));
	uint64_t l = htole64(status < 0 ? 0 : len);
	int r;

	memcpy(head, &st, 4);
	memcpy(head + 8, &l, 8);
	r = fd_write_all(fd, head, sizeof(head));
	if (r >= 0 && status >= 0 && len)
		r = fd_write_all(fd, body, len);
	return r;
}

static int reply_list(int fd, struct backup_store *s, const char *dir)
{
	char **names = NULL;
	size_t n = 0, len = 0;
	_cleanup_free_ char *body = NULL;
	int r = s->ops->list(s, dir, &names, &n);

	for (size_t i = 0; r >= 0 && i < n; i++)
		len += strlen(names[i]) + 1;
	if (r >= 0 && (len > BACKUP_STORE_LIST_BYTES_MAX || n > BACKUP_STORE_LIST_NAMES_MAX))
		r = -EFBIG;
	if (r >= 0 && !(body = malloc(len + 1)))
		r = -ENOMEM;
	for (size_t i = 0, off = 0; r >= 0 && i < n; i++) {
		memcpy(body + off, names[i], strlen(names[i]) + 1);
		off += strlen(names[i]) + 1;
	}
	backup_strv_free(names, n);
	return reply(fd, r, body, len);
}

static int serve(int in, int out, struct backup_store *s, const struct request *q)
{
	_cleanup_free_ uint8_t *data = NULL;
	size_t len = 0;
	int r;

	switch (q->op) {
	case BACKUP_STORE_GET:
		r = s->ops->get(s, q->name, (size_t)q->data_len, &data, &len);
		return reply(out, r, data, len);
	case BACKUP_STORE_PUT:
		data = malloc(q->data_len + 1);
		if (!data || fd_read_exact(in, data, (size_t)q->data_len) < 0)
			return -EBADMSG;
		return reply(out, s->ops->put(s, q->name, data, (size_t)q->data_len), NULL, 0);
	case BACKUP_STORE_EXISTS:
		r = s->ops->exists(s, q->name);
		return reply(out, r == 1 ? 0 : r == 0 ? -ENOENT : r, NULL, 0);
	case BACKUP_STORE_LIST:
		return reply_list(out, s, q->name);
	default:
		return -EBADMSG; /* a second OPEN */
	}
}

static int run(int in, int out)
{
	struct backup_store *s = NULL;
	struct request q;
	int r;

	while ((r = read_request(in, &q)) > 0) {
		if (!s && q.op != BACKUP_STORE_OPEN) {
			r = -EBADMSG;
			break;
		}
		if (!s) {
			int k = backup_store_dir_open(q.name, q.flags & BACKUP_STORE_FLAG_CREATE,
						      &s);
			if (k < 0)
				fprintf(stderr, "bulkhead.Backup: cannot open %s: %s\n", q.name,
					strerror(-k));
			r = reply(out, k, NULL, 0);
			if (k < 0)
				break;
		} else {
			r = serve(in, out, s, &q);
		}
		if (r < 0)
			break;
	}
	backup_store_free(s);
	if (r == -EBADMSG)
		fprintf(stderr, "bulkhead.Backup: a request this service does not take\n");
	return r < 0 ? 1 : 0;
}

int main(void)
{
	const char *caller = getenv("QREXEC_REMOTE_DOMAIN");

	if (!caller || !streq(caller, "dom0")) {
		fprintf(stderr,
			"bulkhead.Backup: only the host may keep backups here (caller: %s)\n",
			caller ? caller : "unknown");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	return run(STDIN_FILENO, STDOUT_FILENO);
}
