/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the GUI fuzz targets: a VM's byte stream through guid's framing and parser, each
 * accepted message handed to the target's model of guid until one is refused. */
#pragma once

#include "msg.h"
#include "parse-agent.h"

/* 0 to go on, -1: guid would end here (a violation). */
typedef int (*gui_stream_apply_t)(void *model, const struct gui_agent_msg *m);

static inline void gui_stream_run(const uint8_t *data, size_t size, gui_stream_apply_t apply,
				  void *model)
{
	static struct gui_agent_msg out;
	struct msg_reader r;
	struct msg m;
	const char *why;
	int k = 0;

	/* A small maximum keeps runs fast; the parser never depends on the reader's limit. */
	if (msg_reader_init(&r, 1 << 16) < 0)
		return;
	while (size > 0 && k >= 0) {
		size_t taken = msg_reader_push(&r, data, size);
		data += taken, size -= taken;
		while ((k = msg_reader_next(&r, &m)) == 1)
			if (gui_parse_agent_msg(&m, &out, &why) < 0 || apply(model, &out) < 0)
				break;
		if (k == 1 || taken == 0)
			break;
	}
	msg_reader_finish(&r);
}
