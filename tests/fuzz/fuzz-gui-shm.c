/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: shared-memory pixels (GUI protocol 1.2) as guid checks them — a VM's stream of
 * window, SHM_BUFFER and SHM_DAMAGE messages through the parser (guid/parse-agent.c) and the
 * region rules (guid/shm-region.c), with a small model of guid's window table. The region is
 * a heap block of exactly its size: every rectangle the rules accept has its first and last
 * byte read, so one that reaches past the region is an ASan report, not a silent pass.
 * The first input byte picks the region's size (1 to 4 MiB); the rest is the stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gui-stream.h"
#include "shm-region.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MODEL_WINDOWS 8

static volatile uint8_t sink;

struct model_window {
	uint32_t id, w, h;
	struct gui_shm_buffer buf;
};

static struct model_window *lookup(struct model_window *t, uint32_t id)
{
	for (int i = 0; i < MODEL_WINDOWS; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

/* What guid-shm.c decides, and what the painter would read. */
static int paint(const uint8_t *region, struct model_window *w, const struct gui_damage *d)
{
	uint64_t first, span;

	if (!gui_damage_is_inside(d, w->w, w->h) || gui_shm_damage_span(&w->buf, d, &first, &span))
		return -1;
	sink ^= region[first] ^ region[first + span - 1];
	return 0;
}

static int apply(const uint8_t *region, uint64_t region_size, struct model_window *t,
		 const struct gui_agent_msg *m)
{
	struct model_window *w = lookup(t, m->id);

	if (m->type == GUI_MSG_CREATE) {
		if (w || !(w = lookup(t, 0)))
			return -1;
		*w = (struct model_window){ m->id, m->u.create.r.w, m->u.create.r.h };
		return 0;
	}
	if (!w)
		return m->type == GUI_MSG_CLIPBOARD_DATA || m->type == GUI_MSG_CURSOR ? 0 : -1;
	switch (m->type) {
	case GUI_MSG_CONFIGURE:
		w->w = m->u.configure.r.w, w->h = m->u.configure.r.h;
		return 0;
	case GUI_MSG_DESTROY:
		w->id = 0;
		return 0;
	case GUI_MSG_SHM_BUFFER:
		return gui_shm_buffer_check(&m->u.shm_buffer, region_size, &w->buf) ? -1 : 0;
	case GUI_MSG_SHM_DAMAGE:
		return paint(region, w, &m->u.damage.d);
	}
	return 0;
}

struct model {
	const uint8_t *region;
	uint64_t region_size;
	struct model_window table[MODEL_WINDOWS];
};

static int apply_model(void *model, const struct gui_agent_msg *m)
{
	struct model *x = model;
	return apply(x->region, x->region_size, x->table, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t region_size;
	uint8_t *region = NULL;

	if (size < 1)
		return 0;
	region_size = (uint64_t)(1 + data[0] % 4) << 20;
	if (gui_shm_region_check(region_size) || !(region = calloc(1, region_size)))
		return 0;
	struct model model = { region, region_size, { { 0 } } };
	gui_stream_run(data + 1, size - 1, apply_model, &model);
	free(region);
	return 0;
}
