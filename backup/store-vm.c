/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host's end of bulkhead.Backup (store-proto.h): each store operation is one request and
 * one reply over the call's stream. The writer thread's puts and the caller's exists run at
 * once during a backup, so a mutex keeps one request on the wire at a time.
 *
 * A reply that breaks the protocol leaves the stream in an unknown place: the store is then
 * broken, and every later operation fails with EBADMSG.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "macro.h"
#include "store-vm.h"

struct vm_store {
	struct backup_store base;
	int fd;
	pid_t child;
	bool broken;
	pthread_mutex_t lock;
};

static struct vm_store *to_vm(struct backup_store *s)
{
	return (struct vm_store *)s;
}

static int send_request(struct vm_store *v, uint8_t op, uint8_t flags, const char *name,
			const void *data, uint64_t data_len, bool send_data)
{
	uint8_t head[BACKUP_STORE_HEAD_SIZE] = { op, flags };
	size_t name_len = strlen(name);
	uint16_t nl = htole16((uint16_t)name_len);
	uint64_t dl = htole64(data_len);
	int r;

	if (name_len == 0 || name_len > BACKUP_STORE_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(head + 2, &nl, 2);
	memcpy(head + 8, &dl, 8);
	r = fd_write_all(v->fd, head, sizeof(head));
	if (r >= 0)
		r = fd_write_all(v->fd, name, name_len);
	if (r >= 0 && send_data && data_len)
		r = fd_write_all(v->fd, data, (size_t)data_len);
	return r;
}

/* The reply to op: its status, and its body (malloc'd, *body_len bytes) when body is set. */
static int read_reply(struct vm_store *v, uint8_t op, uint64_t max, uint8_t **body,
		      size_t *body_len, bool *answered)
{
	uint8_t head[BACKUP_STORE_HEAD_SIZE];
	struct backup_store_reply rep;
	_cleanup_free_ uint8_t *buf = NULL;
	int r = fd_read_exact(v->fd, head, sizeof(head));

	if (r < 0)
		return r == -EPIPE ? -EBADMSG : r;
	r = backup_store_reply_parse(head, op, max, &rep);
	if (r < 0)
		return r;
	buf = malloc(rep.len + 1);
	if (!buf)
		return -ENOMEM;
	r = fd_read_exact(v->fd, buf, rep.len);
	if (r < 0)
		return r == -EPIPE ? -EBADMSG : r;
	*answered = true;
	if (rep.status < 0)
		return rep.status;
	if (body) {
		*body = TAKE_PTR(buf);
		*body_len = rep.len;
	}
	return 0;
}

/* One round trip. Errors of the stream (not the VM's answer) break the store for good. */
static int call(struct vm_store *v, uint8_t op, uint8_t flags, const char *name, const void *data,
		uint64_t data_len, bool send_data, uint8_t **body, size_t *body_len)
{
	bool answered = false;
	int r;

	pthread_mutex_lock(&v->lock);
	if (v->broken) {
		pthread_mutex_unlock(&v->lock);
		return -EBADMSG;
	}
	r = send_request(v, op, flags, name, data, data_len, send_data);
	if (r >= 0)
		r = read_reply(v, op, send_data ? 0 : data_len, body, body_len, &answered);
	/* An error the VM answered (ENOENT, ENOSPC ...) keeps the stream in step; nothing else. */
	if (r < 0 && !answered)
		v->broken = true;
	pthread_mutex_unlock(&v->lock);
	return r;
}

static int vm_get(struct backup_store *s, const char *name, size_t max, uint8_t **ret,
		  size_t *ret_len)
{
	return call(to_vm(s), BACKUP_STORE_GET, 0, name, NULL, max, false, ret, ret_len);
}

static int vm_put(struct backup_store *s, const char *name, const void *data, size_t len)
{
	if (len > BACKUP_STORE_OBJECT_MAX)
		return -EFBIG;
	return call(to_vm(s), BACKUP_STORE_PUT, 0, name, data, len, true, NULL, NULL);
}

static int vm_exists(struct backup_store *s, const char *name)
{
	int r = call(to_vm(s), BACKUP_STORE_EXISTS, 0, name, NULL, 0, false, NULL, NULL);

	return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

static int vm_list(struct backup_store *s, const char *dir, char ***ret, size_t *n)
{
	_cleanup_free_ uint8_t *body = NULL;
	size_t len = 0;
	int r = call(to_vm(s), BACKUP_STORE_LIST, 0, dir, NULL, 0, false, &body, &len);

	*ret = NULL;
	*n = 0;
	if (r == -ENOENT)
		return 0; /* as a directory store: a directory not made yet is empty */
	return r < 0 ? r : backup_store_list_parse(body, len, ret, n);
}

static void vm_free(struct backup_store *s)
{
	struct vm_store *v = to_vm(s);

	/* The service ends at the end of its stream; then the call's client exits. */
	close_nointr_keep_errno(v->fd);
	while (v->child > 0 && waitpid(v->child, NULL, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_destroy(&v->lock);
	free(v);
}

static const struct backup_store_ops vm_ops = {
	.get = vm_get,
	.put = vm_put,
	.exists = vm_exists,
	.list = vm_list,
	.free = vm_free,
};

int backup_store_vm_open(int fd, pid_t child, const char *path, bool create,
			 struct backup_store **ret)
{
	struct vm_store *v = calloc(1, sizeof(*v));
	int r;

	if (!v) {
		close(fd);
		return -ENOMEM;
	}
	*v = (struct vm_store){ .base.ops = &vm_ops, .fd = fd, .child = child };
	pthread_mutex_init(&v->lock, NULL);
	r = call(v, BACKUP_STORE_OPEN, create ? BACKUP_STORE_FLAG_CREATE : 0, path, NULL, 0, false,
		 NULL, NULL);
	if (r < 0) {
		vm_free(&v->base);
		return r;
	}
	*ret = &v->base;
	return 0;
}
