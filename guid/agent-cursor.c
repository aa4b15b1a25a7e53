/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM's pointer shape, followed with XFixes. Cursors travel as names of the X cursor font
 * (what themed cursors are called after), never as images: guid shows its own font cursor for
 * the name, so a VM cannot draw an arbitrary picture under the host's pointer.
 */
#include <string.h>
#include <X11/cursorfont.h>
#include <X11/extensions/Xfixes.h>

#include "agent.h"
#include "log.h"

static const struct {
	const char *name;
	uint32_t shape;
} cursor_names[] = {
	{ "left_ptr", XC_left_ptr },
	{ "default", XC_left_ptr },
	{ "arrow", XC_left_ptr },
	{ "xterm", XC_xterm },
	{ "text", XC_xterm },
	{ "ibeam", XC_xterm },
	{ "hand1", XC_hand1 },
	{ "hand2", XC_hand2 },
	{ "pointer", XC_hand2 },
	{ "watch", XC_watch },
	{ "wait", XC_watch },
	{ "progress", XC_watch },
	{ "crosshair", XC_crosshair },
	{ "cross", XC_cross },
	{ "fleur", XC_fleur },
	{ "move", XC_fleur },
	{ "sb_h_double_arrow", XC_sb_h_double_arrow },
	{ "col-resize", XC_sb_h_double_arrow },
	{ "ew-resize", XC_sb_h_double_arrow },
	{ "sb_v_double_arrow", XC_sb_v_double_arrow },
	{ "row-resize", XC_sb_v_double_arrow },
	{ "ns-resize", XC_sb_v_double_arrow },
	{ "top_left_corner", XC_top_left_corner },
	{ "nw-resize", XC_top_left_corner },
	{ "top_right_corner", XC_top_right_corner },
	{ "ne-resize", XC_top_right_corner },
	{ "bottom_left_corner", XC_bottom_left_corner },
	{ "sw-resize", XC_bottom_left_corner },
	{ "bottom_right_corner", XC_bottom_right_corner },
	{ "se-resize", XC_bottom_right_corner },
	{ "top_side", XC_top_side },
	{ "n-resize", XC_top_side },
	{ "bottom_side", XC_bottom_side },
	{ "s-resize", XC_bottom_side },
	{ "left_side", XC_left_side },
	{ "w-resize", XC_left_side },
	{ "right_side", XC_right_side },
	{ "e-resize", XC_right_side },
	{ "question_arrow", XC_question_arrow },
	{ "help", XC_question_arrow },
	{ "X_cursor", XC_X_cursor },
	{ "not-allowed", XC_X_cursor },
};

static uint32_t shape_for(const char *name)
{
	for (size_t i = 0; name && i < ELEMENTSOF(cursor_names); i++)
		if (strcmp(name, cursor_names[i].name) == 0)
			return cursor_names[i].shape;
	return GUI_CURSOR_DEFAULT;
}

int agent_cursor_init(struct agent *a)
{
	if (!XFixesQueryExtension(a->dpy, &a->fixes_event, &a->fixes_error)) {
		log_warning("No XFIXES in the VM's X server: the pointer shape is not followed");
		a->fixes_event = -1;
		return 0;
	}
	XFixesSelectCursorInput(a->dpy, a->root, XFixesDisplayCursorNotifyMask);
	return 0;
}

bool agent_cursor_is_event(struct agent *a, const XEvent *ev)
{
	return a->fixes_event >= 0 && ev->type == a->fixes_event + XFixesCursorNotify;
}

int agent_cursor_event(struct agent *a, XEvent *ev)
{
	XFixesCursorNotifyEvent *c = (XFixesCursorNotifyEvent *)ev;
	char *name = c->cursor_name ? XGetAtomName(a->dpy, c->cursor_name) : NULL;
	struct gui_cursor msg = { .shape = shape_for(name) };

	XFree(name);
	return agent_send32(a, GUI_MSG_CURSOR, 0, &msg, sizeof(msg));
}
