/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guid's parser of agent messages: turns one framed message from the VM (untrusted) into a
 * validated struct gui_agent_msg, or says why it is a protocol violation. Stateless: checks
 * that need the window table (is the damage inside *this* window?) are the caller's, with the
 * rules in gui-validate.h.
 */
#pragma once

#include "gui-proto.h"
#include "gui-validate.h"
#include "msg.h"

struct gui_agent_msg {
	uint32_t type;
	uint32_t id;
	union {
		struct gui_version version;
		struct gui_create create;
		struct gui_map map;
		struct gui_configure configure;
		char title[GUI_TITLE_SANE_MAX]; /* sanitised UTF-8 */
		struct gui_class cls;		/* NUL-terminated, printable ASCII */
		struct gui_hints hints;
		struct gui_flags flags;
		struct gui_cursor cursor;
		struct {
			struct gui_damage d;
			/* w*h*4 bytes, points into the message; NULL for SHM_DAMAGE */
			const uint8_t *pixels;
		} damage;
		struct gui_shm_buffer shm_buffer; /* checked against GUI_SHM_MAX only */
		struct {
			uint32_t type; /* enum gui_clipboard_type */
			uint32_t len;  /* at most GUI_CLIPBOARD_MAX; 0 unless TEXT or PNG */
			/* Into the message. Only the framing is checked here: the content is the
			 * clipboard validators' (clipboard_check_*) before anything uses it. */
			const uint8_t *untrusted_data;
		} clipboard;
	} u;
};

/* 0 and *ret filled, or -EPROTO with *why naming the violation (a static string). */
int gui_parse_agent_msg(const struct msg *untrusted, struct gui_agent_msg *ret, const char **why);
/* The type's name for log lines ("damage"), or NULL for an unknown type. */
const char *gui_msg_type_name(uint32_t type);
