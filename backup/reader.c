/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chunk reader: a thread that reads a blob's chunks from DEST and authenticates and
 * decompresses them, in order, a few chunks ahead of the caller, who hashes each back to its
 * id and only then writes it. Two cores share the work of a restore or a verify; nothing
 * unchecked reaches the caller's file, since the id check stays on the caller's side.
 *
 * Trust: the thread handles untrusted bytes exactly as backup_repo_chunk does (same fetch);
 * it hands over only plaintext that passed the AEAD tag, or an error code.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"

#define AHEAD 4

struct result {
	uint8_t *plain;
	int error;
};

struct backup_reader {
	struct backup_repo *r;
	const struct backup_blob *b;
	struct backup_codec *codec;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct result queue[AHEAD];
	size_t head, count, taken;
	bool stop;
};

static struct result fetch_one(struct backup_reader *rd, size_t i)
{
	const struct backup_chunk_ref *ref = &rd->b->chunks[i];
	struct result res = { 0 };
	const uint8_t *plain;

	res.error = backup_repo_chunk_fetch(rd->r, rd->codec, ref, &plain);
	if (res.error >= 0 && !(res.plain = malloc(ref->len)))
		res.error = -ENOMEM;
	if (res.error >= 0)
		memcpy(res.plain, plain, ref->len);
	return res;
}

/* Room in the queue, or false when told to stop. */
static bool wait_room(struct backup_reader *rd)
{
	pthread_mutex_lock(&rd->lock);
	while (rd->count == AHEAD && !rd->stop)
		pthread_cond_wait(&rd->changed, &rd->lock);
	bool go = !rd->stop;
	pthread_mutex_unlock(&rd->lock);
	return go;
}

static void *run(void *arg)
{
	struct backup_reader *rd = arg;

	for (size_t i = 0; i < rd->b->n_chunks && wait_room(rd); i++) {
		struct result res = fetch_one(rd, i);
		pthread_mutex_lock(&rd->lock);
		rd->queue[(rd->head + rd->count) % AHEAD] = res;
		rd->count++;
		pthread_cond_broadcast(&rd->changed);
		pthread_mutex_unlock(&rd->lock);
		if (res.error < 0)
			break; /* the caller stops at this chunk */
	}
	return NULL;
}

int backup_reader_start(struct backup_repo *r, const struct backup_blob *b,
			struct backup_reader **ret)
{
	struct backup_reader *rd = calloc(1, sizeof(*rd));
	int k = rd ? backup_codec_new(r->header.chunk_max, &rd->codec) : -ENOMEM;

	if (k >= 0) {
		rd->r = r;
		rd->b = b;
		pthread_mutex_init(&rd->lock, NULL);
		pthread_cond_init(&rd->changed, NULL);
		k = -pthread_create(&rd->thread, NULL, run, rd);
	}
	if (k < 0) {
		if (rd)
			backup_codec_free(rd->codec);
		free(rd);
		return k;
	}
	*ret = rd;
	return 0;
}

int backup_reader_next(struct backup_reader *rd, uint8_t **plain)
{
	struct result res;

	pthread_mutex_lock(&rd->lock);
	while (rd->count == 0)
		pthread_cond_wait(&rd->changed, &rd->lock);
	res = rd->queue[rd->head];
	rd->head = (rd->head + 1) % AHEAD;
	rd->count--;
	rd->taken++;
	pthread_cond_broadcast(&rd->changed);
	pthread_mutex_unlock(&rd->lock);
	*plain = res.plain;
	return res.error;
}

void backup_reader_free(struct backup_reader *rd)
{
	if (!rd)
		return;
	pthread_mutex_lock(&rd->lock);
	rd->stop = true;
	pthread_cond_broadcast(&rd->changed);
	pthread_mutex_unlock(&rd->lock);
	pthread_join(rd->thread, NULL);
	for (; rd->count > 0; rd->count--, rd->head = (rd->head + 1) % AHEAD)
		free(rd->queue[rd->head].plain);
	pthread_mutex_destroy(&rd->lock);
	pthread_cond_destroy(&rd->changed);
	backup_codec_free(rd->codec);
	free(rd);
}
