/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chunk writer: a thread that seals and stores the chunks a backup found missing, while
 * the caller goes on reading, cutting and hashing the volume. On two cores this takes
 * compression and encryption off the reading path. The queue is short (a few chunks, at most
 * a few MiB): reading never runs far ahead of what is written.
 *
 * The thread has its own codec and error; the repository's keys and store are only
 * read (the directory store keeps no state between calls).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"
#include "macro.h"

#define QUEUE_LEN 4

struct job {
	uint8_t id[BACKUP_ID_SIZE];
	uint8_t *data;
	size_t len;
};

struct backup_writer {
	struct backup_repo *r;
	struct backup_codec *codec;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct job queue[QUEUE_LEN];
	size_t head, count;
	bool closing;
	int error;
	char failed[80];		/* the chunk that could not be written */
	uint64_t new_chunks, new_bytes; /* written by the thread, read after the join */
};

static int write_one(struct backup_writer *w, const struct job *j)
{
	struct backup_repo *r = w->r;
	const uint8_t *sealed;
	size_t sealed_len;
	char name[80];
	int k = backup_chunk_seal(w->codec, r->keys, j->id, j->data, j->len, &sealed, &sealed_len);

	backup_chunk_name(j->id, name);
	if (k >= 0)
		k = r->store->ops->put(r->store, name, sealed, sealed_len);
	if (k < 0) {
		memcpy(w->failed, name, sizeof(name));
		return k;
	}
	w->new_chunks++;
	w->new_bytes += sealed_len;
	return 0;
}

/* Next job, or false when closing and nothing is left. */
static bool take(struct backup_writer *w, struct job *j)
{
	pthread_mutex_lock(&w->lock);
	while (w->count == 0 && !w->closing)
		pthread_cond_wait(&w->changed, &w->lock);
	bool got = w->count > 0;
	if (got) {
		*j = w->queue[w->head];
		w->head = (w->head + 1) % QUEUE_LEN;
		w->count--;
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	return got;
}

static void *run(void *arg)
{
	struct backup_writer *w = arg;
	struct job j;
	int k = 0;

	while (take(w, &j)) {
		if (k >= 0) /* after a failure, drain the queue without writing */
			k = write_one(w, &j);
		free(j.data);
		if (k < 0) {
			pthread_mutex_lock(&w->lock);
			w->error = w->error ? w->error : k;
			pthread_cond_broadcast(&w->changed); /* a waiting put returns the error */
			pthread_mutex_unlock(&w->lock);
		}
	}
	return NULL;
}

int backup_writer_start(struct backup_repo *r, struct backup_writer **ret)
{
	struct backup_writer *w = calloc(1, sizeof(*w));
	int k = w ? backup_codec_new(r->header.chunk_max, &w->codec) : -ENOMEM;

	if (k >= 0) {
		w->r = r;
		pthread_mutex_init(&w->lock, NULL);
		pthread_cond_init(&w->changed, NULL);
		k = -pthread_create(&w->thread, NULL, run, w);
	}
	if (k < 0) {
		if (w)
			backup_codec_free(w->codec);
		free(w);
		return k;
	}
	*ret = w;
	return 0;
}

int backup_writer_put(struct backup_writer *w, const uint8_t id[BACKUP_ID_SIZE],
		      const uint8_t *data, size_t len)
{
	struct job j = { .data = malloc(len), .len = len };
	int k;

	if (!j.data)
		return -ENOMEM;
	memcpy(j.id, id, BACKUP_ID_SIZE);
	memcpy(j.data, data, len);
	pthread_mutex_lock(&w->lock);
	while (w->count == QUEUE_LEN && !w->error)
		pthread_cond_wait(&w->changed, &w->lock);
	k = w->error;
	if (!k) {
		w->queue[(w->head + w->count) % QUEUE_LEN] = j;
		w->count++;
		pthread_cond_broadcast(&w->changed);
	}
	pthread_mutex_unlock(&w->lock);
	if (k)
		free(j.data);
	return k;
}

int backup_writer_finish(struct backup_writer *w, struct backup_stats *stats)
{
	int k;

	pthread_mutex_lock(&w->lock);
	w->closing = true;
	pthread_cond_broadcast(&w->changed);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	k = w->error;
	if (k && !w->r->error[0])
		backup_repo_fail(w->r, k, "Cannot write %s/%s: %s", w->r->dest, w->failed,
				 strerror(-k));
	stats->new_chunks += w->new_chunks;
	stats->new_bytes_stored += w->new_bytes;
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->changed);
	backup_codec_free(w->codec);
	free(w);
	return k;
}
