/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One framed message from the VM: parse (parse-agent.c), then the handshake or the handler.
 *
 * Trust: the message is the VM's, hostile until gui_parse_agent_msg() accepted it; a message
 * it rejects is logged (type, window, length — never the raw payload) and ends this guid.
 */
#include <errno.h>
#include <unistd.h>

#include "guid.h"
#include "log.h"
#include "parse-agent.h"

static int violation(const struct msg *untrusted, const char *why)
{
	const char *name = gui_msg_type_name(untrusted->type);

	return log_error_errno(EPROTO,
			       "Protocol violation: %s (type %u %s, window 0x%x, length %u)", why,
			       untrusted->type, name ?: "unknown", untrusted->id, untrusted->len);
}

/* Whoever waits for this VM's GUI (bulkheadd's disposable pool) may go on. Best effort: a
 * caller that went away changes nothing here. */
static void signal_ready(struct guid *g)
{
	if (g->ready_fd < 0)
		return;
	(void)!write(g->ready_fd, "ready\n", 6);
	close(g->ready_fd);
	g->ready_fd = -1;
}

/* The agent speaks first; the answer carries the agreed version and the host screen size. */
static int handshake(struct guid *g, const struct gui_agent_msg *m)
{
	uint32_t v = m->u.version.version;
	struct gui_hello hello = { .screen_w = g->screen_w, .screen_h = g->screen_h };

	if (m->type != GUI_MSG_VERSION)
		return log_error_errno(EPROTO, "Protocol violation: %s before the version",
				       gui_msg_type_name(m->type));
	if (v >> 16 != GUI_PROTO_MAJOR)
		return log_error_errno(EPROTO, "Agent speaks protocol %u.%u, guid %u.%u", v >> 16,
				       v & 0xffff, GUI_PROTO_MAJOR, GUI_PROTO_MINOR);
	hello.version = MIN(v, GUI_PROTO_VERSION);
	g->version = hello.version;
	g->handshake_done = true;
	log_info("Agent connected, protocol %u.%u", hello.version >> 16, hello.version & 0xffff);
	int r = guid_send32(g, GUI_MSG_HELLO, 0, &hello, sizeof(hello));
	if (r >= 0)
		r = guid_shm_offer(g);
	if (r >= 0)
		signal_ready(g);
	return r;
}

static int route(struct guid *g, const struct gui_agent_msg *m)
{
	struct guid_window *w = NULL;

	if (!g->handshake_done)
		return handshake(g, m);
	if (m->type == GUI_MSG_VERSION)
		return log_error_errno(EPROTO, "Protocol violation: a second version message");
	if (m->type == GUI_MSG_CLIPBOARD_DATA)
		return guid_clipboard_data(g, m);
	if (m->type != GUI_MSG_CURSOR)
		return guid_window_handle(g, m);
	if (m->id != 0 && !(w = guid_table_get(&g->table, m->id)))
		return log_error_errno(EPROTO, "Protocol violation: cursor for unknown window 0x%x",
				       m->id);
	guid_paint_set_cursor(g, w, m->u.cursor.shape);
	return 0;
}

int guid_dispatch(struct guid *g, const struct msg *untrusted)
{
	/* Large (a title of 1.5 KiB); static keeps it off the stack, guid is single-threaded. */
	static struct gui_agent_msg m;
	const char *why;

	if (gui_parse_agent_msg(untrusted, &m, &why) < 0)
		return violation(untrusted, why);
	return route(g, &m);
}
