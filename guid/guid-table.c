/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The window table: VM window id -> struct guid_window, open addressing. Ids are chosen by the
 * VM, so the table is sized by GUI_MAX_WINDOWS (never grows) and probing is bounded by its
 * capacity: a hostile VM can make lookups slower, never unbounded or out of bounds.
 */
#include <errno.h>
#include <stdlib.h>

#include "guid.h"

#define TOMBSTONE ((struct guid_window *)1)

static size_t slot_of(const struct guid_table *t, uint32_t id)
{
	return (id * 2654435761u) & (t->cap - 1);
}

int guid_table_init(struct guid_table *t)
{
	*t = (struct guid_table){ .cap = 2048 }; /* power of two, >= 2 * GUI_MAX_WINDOWS */
	t->slots = calloc(t->cap, sizeof(*t->slots));
	return t->slots ? 0 : -ENOMEM;
}

void guid_table_finish(struct guid_table *t)
{
	free(t->slots);
	*t = (struct guid_table){ 0 };
}

static struct guid_window **find(const struct guid_table *t, uint32_t id)
{
	size_t i = slot_of(t, id);

	for (size_t n = 0; n < t->cap; n++, i = (i + 1) & (t->cap - 1)) {
		struct guid_window *w = t->slots[i];
		if (!w)
			return NULL;
		if (w != TOMBSTONE && w->id == id)
			return &t->slots[i];
	}
	return NULL;
}

struct guid_window *guid_table_get(const struct guid_table *t, uint32_t id)
{
	struct guid_window **s = find(t, id);
	return s ? *s : NULL;
}

/* Tombstones pile up under create/destroy churn: rebuild in place when they fill the table. */
static void rehash(struct guid_table *t)
{
	struct guid_window **old = t->slots;
	struct guid_window *live[GUI_MAX_WINDOWS];
	size_t n = 0;

	for (size_t i = 0; i < t->cap; i++)
		if (old[i] && old[i] != TOMBSTONE)
			live[n++] = old[i];
	for (size_t i = 0; i < t->cap; i++)
		old[i] = NULL;
	t->used = t->count = 0;
	for (size_t i = 0; i < n; i++)
		guid_table_add(t, live[i]);
}

int guid_table_add(struct guid_table *t, struct guid_window *w)
{
	if (find(t, w->id))
		return -EEXIST;
	if (t->count >= GUI_MAX_WINDOWS)
		return -EMFILE;
	if (t->used >= t->cap * 3 / 4)
		rehash(t);
	size_t i = slot_of(t, w->id);
	while (t->slots[i] && t->slots[i] != TOMBSTONE)
		i = (i + 1) & (t->cap - 1);
	if (!t->slots[i])
		t->used++;
	t->slots[i] = w;
	t->count++;
	return 0;
}

void guid_table_remove(struct guid_table *t, uint32_t id)
{
	struct guid_window **s = find(t, id);

	if (!s)
		return;
	*s = TOMBSTONE;
	t->count--;
}
