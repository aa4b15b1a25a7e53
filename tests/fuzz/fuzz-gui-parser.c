/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: what guid does with a VM's GUI stream before any X call — framing
 * (msg_reader), the per-type parser (guid/parse-agent.c), and the window-table geometry rules
 * (damage inside its window, override-redirect windows kept on screen or demoted), with a
 * small model of the window table standing in for guid's; and for clipboard answers the
 * validators guid runs before storing (text rules, PNG structure).
 */
#include <stdint.h>
#include <string.h>

#include "clipboard.h"
#include "gui-stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MODEL_WINDOWS 16

static volatile uint8_t sink;

struct model_window {
	uint32_t id, w, h;
};

static struct model_window *lookup(struct model_window *t, uint32_t id)
{
	for (int i = 0; i < MODEL_WINDOWS; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

/* What guid-clipboard.c checks before it stores a copy; a refusal is no violation. */
static int check_clipboard(const struct gui_agent_msg *m)
{
	struct clipboard_limits l = { 256 << 10, 8 << 20, 4096 * 4096 };
	const uint8_t *d = m->u.clipboard.untrusted_data;
	uint32_t w, h;

	if (m->u.clipboard.type == GUI_CLIPBOARD_TEXT)
		(void)clipboard_check_text(d, m->u.clipboard.len, &l);
	else if (m->u.clipboard.type == GUI_CLIPBOARD_PNG)
		(void)clipboard_check_png_structure(d, m->u.clipboard.len, &l, &w, &h);
	return 0;
}

/* What guid-window.c and guid-paint.c decide; returns 0 to go on, -1 for a violation. */
static int apply(struct model_window *t, const struct gui_agent_msg *m)
{
	struct model_window *w = lookup(t, m->id);
	struct gui_rect r;

	switch (m->type) {
	case GUI_MSG_CREATE:
		if (w || !(w = lookup(t, 0)))
			return -1;
		r = gui_rect_keep_on_screen(m->u.create.r, 1280, 800);
		(void)gui_rect_covers_screen(&r, 1280, 800);
		*w = (struct model_window){ m->id, m->u.create.r.w, m->u.create.r.h };
		return 0;
	case GUI_MSG_CONFIGURE:
		if (!w)
			return -1;
		w->w = m->u.configure.r.w, w->h = m->u.configure.r.h;
		return 0;
	case GUI_MSG_DESTROY:
		if (!w)
			return -1;
		w->id = 0;
		return 0;
	case GUI_MSG_CLIPBOARD_DATA:
		return check_clipboard(m);
	case GUI_MSG_DAMAGE:
		if (!w || !gui_damage_is_inside(&m->u.damage.d, w->w, w->h))
			return -1;
		/* The last pixel byte the painter would read must be inside the message. */
		sink ^= m->u.damage.pixels[(size_t)m->u.damage.d.w * m->u.damage.d.h * 4 - 1];
		return 0;
	}
	return 0;
}

static int apply_model(void *model, const struct gui_agent_msg *m)
{
	return apply(model, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_window table[MODEL_WINDOWS] = { 0 };

	gui_stream_run(data, size, apply_model, table);
	return 0;
}
