/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: every byte here comes from a VM's gui-agent and may be hostile. Each message type has
 * one table entry (its exact payload size) and one validator; a value leaves this file only
 * after its validator accepted it, and the first thing wrong makes the whole message a
 * protocol violation. Nothing here allocates or keeps state.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "macro.h"
#include "parse-agent.h"
#include "shm-region.h"

#define VARIABLE_LEN UINT32_MAX

typedef const char *(*validator_t)(const struct msg *untrusted, struct gui_agent_msg *ret);

struct msg_rule {
	const char *name;
	uint32_t len;	   /* exact payload length, or VARIABLE_LEN */
	bool needs_window; /* id must name a window (!= 0) */
	validator_t validate;
};

/* Copy a payload made of 32-bit fields into host order. */
static void copy_le32(void *dst, const uint8_t *src, size_t len)
{
	uint32_t *w = dst;

	memcpy(dst, src, len);
	for (size_t i = 0; i < len / 4; i++)
		w[i] = le32toh(w[i]);
}

static const char *validate_version(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	copy_le32(&ret->u.version, untrusted->payload, sizeof(ret->u.version));
	return NULL; /* any number: the handshake decides what it can agree on */
}

static const char *validate_create(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_create untrusted_c;

	copy_le32(&untrusted_c, untrusted->payload, sizeof(untrusted_c));
	if (!gui_rect_is_valid(&untrusted_c.r))
		return "window size or position out of range";
	if (untrusted_c.override_redirect > 1 || untrusted_c.parent != 0)
		return "bad create flags";
	ret->u.create = untrusted_c;
	return NULL;
}

static const char *validate_empty(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	return NULL;
}

static const char *validate_map(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_map untrusted_m;

	copy_le32(&untrusted_m, untrusted->payload, sizeof(untrusted_m));
	if (untrusted_m.override_redirect > 1)
		return "bad map flags";
	ret->u.map = untrusted_m;
	return NULL;
}

static const char *validate_configure(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_configure untrusted_c;

	copy_le32(&untrusted_c, untrusted->payload, sizeof(untrusted_c));
	if (!gui_rect_is_valid(&untrusted_c.r))
		return "window size or position out of range";
	if (untrusted_c.override_redirect > 1)
		return "bad configure flags";
	ret->u.configure = untrusted_c;
	return NULL;
}

static const char *validate_title(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	if (untrusted->len < 1 || untrusted->len > GUI_TITLE_MAX)
		return "title length out of range";
	gui_title_sanitise(untrusted->payload, untrusted->len, ret->u.title, sizeof(ret->u.title));
	return NULL;
}

/* A class field: NUL-terminated within its size; other bytes become '_' unless printable. */
static const char *sanitise_class_field(char *field, size_t size)
{
	if (!memchr(field, '\0', size))
		return "class name not terminated";
	for (char *p = field; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '_';
	return NULL;
}

static const char *validate_class(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_class untrusted_c;
	const char *why;

	memcpy(&untrusted_c, untrusted->payload, sizeof(untrusted_c));
	why = sanitise_class_field(untrusted_c.res_class, sizeof(untrusted_c.res_class));
	if (!why)
		why = sanitise_class_field(untrusted_c.res_name, sizeof(untrusted_c.res_name));
	if (!why)
		ret->u.cls = untrusted_c;
	return why;
}

static bool hint_pair_ok(uint32_t w, uint32_t h)
{
	return w <= GUI_MAX_WIDTH && h <= GUI_MAX_HEIGHT;
}

static const char *validate_hints(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_hints untrusted_h;

	copy_le32(&untrusted_h, untrusted->payload, sizeof(untrusted_h));
	if (untrusted_h.flags & ~(uint32_t)GUI_HINT_ALL)
		return "unknown size hint flags";
	if (!hint_pair_ok(untrusted_h.min_w, untrusted_h.min_h) ||
	    !hint_pair_ok(untrusted_h.max_w, untrusted_h.max_h) ||
	    !hint_pair_ok(untrusted_h.inc_w, untrusted_h.inc_h) ||
	    !hint_pair_ok(untrusted_h.base_w, untrusted_h.base_h))
		return "size hint out of range";
	ret->u.hints = untrusted_h;
	return NULL;
}

static const char *validate_flags(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_flags untrusted_f;

	copy_le32(&untrusted_f, untrusted->payload, sizeof(untrusted_f));
	if ((untrusted_f.set | untrusted_f.unset) & ~(uint32_t)GUI_FLAG_ALL)
		return "unknown window flags";
	if (untrusted_f.set & untrusted_f.unset)
		return "a flag both set and unset";
	ret->u.flags = untrusted_f;
	return NULL;
}

static const char *validate_cursor(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_cursor untrusted_c;

	copy_le32(&untrusted_c, untrusted->payload, sizeof(untrusted_c));
	if (untrusted_c.shape != GUI_CURSOR_DEFAULT &&
	    (untrusted_c.shape >= GUI_CURSOR_FONT_GLYPHS || untrusted_c.shape % 2))
		return "unknown cursor shape";
	ret->u.cursor = untrusted_c;
	return NULL;
}

static bool damage_rect_in_range(const struct gui_damage *untrusted_d)
{
	return gui_size_is_valid(untrusted_d->w, untrusted_d->h) &&
	       untrusted_d->x < GUI_MAX_WIDTH && untrusted_d->y < GUI_MAX_HEIGHT;
}

static const char *validate_damage(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_damage untrusted_d;

	if (untrusted->len < sizeof(untrusted_d))
		return "damage message too short";
	copy_le32(&untrusted_d, untrusted->payload, sizeof(untrusted_d));
	if (!damage_rect_in_range(&untrusted_d))
		return "damage rectangle out of range";
	if ((uint64_t)untrusted_d.w * untrusted_d.h * 4 != untrusted->len - sizeof(untrusted_d))
		return "damage length is not w*h*4";
	if (untrusted->len - sizeof(untrusted_d) > GUI_DAMAGE_MAX_BYTES)
		return "damage over 8 MiB of pixels";
	ret->u.damage.d = untrusted_d;
	ret->u.damage.pixels = untrusted->payload + sizeof(untrusted_d);
	return NULL;
}

/* A rectangle to repaint from the window's shared buffer: in range here; inside the window and
 * its buffer is the window table's check (shm-region.h). */
static const char *validate_shm_damage(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_damage untrusted_d;

	copy_le32(&untrusted_d, untrusted->payload, sizeof(untrusted_d));
	if (!damage_rect_in_range(&untrusted_d))
		return "damage rectangle out of range";
	ret->u.damage.d = untrusted_d;
	ret->u.damage.pixels = NULL;
	return NULL;
}

/* A window buffer in the largest region there may be; guid checks it again against its own. */
static const char *validate_shm_buffer(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_shm_buffer untrusted_b;

	copy_le32(&untrusted_b, untrusted->payload, sizeof(untrusted_b));
	return gui_shm_buffer_check(&untrusted_b, GUI_SHM_MAX, &ret->u.shm_buffer);
}

/* The framing of a clipboard answer: a known type, data only with TEXT or PNG, at most the
 * hard cap (more is a violation, not a refusal: an honest agent never fetches more). */
static const char *validate_clipboard(const struct msg *untrusted, struct gui_agent_msg *ret)
{
	struct gui_clipboard untrusted_c;

	if (untrusted->len < sizeof(untrusted_c))
		return "clipboard message too short";
	copy_le32(&untrusted_c, untrusted->payload, sizeof(untrusted_c));
	uint32_t untrusted_len = untrusted->len - (uint32_t)sizeof(untrusted_c);
	if (untrusted_c.type > GUI_CLIPBOARD_TOO_LARGE || untrusted_c.reserved != 0)
		return "unknown clipboard type";
	if (untrusted_len > GUI_CLIPBOARD_MAX)
		return "clipboard data over the hard cap";
	bool has_data =
		untrusted_c.type == GUI_CLIPBOARD_TEXT || untrusted_c.type == GUI_CLIPBOARD_PNG;
	if (!has_data && untrusted_len != 0)
		return "clipboard data without a type";
	ret->u.clipboard.type = untrusted_c.type;
	ret->u.clipboard.len = untrusted_len;
	ret->u.clipboard.untrusted_data = untrusted->payload + sizeof(untrusted_c);
	return NULL;
}

static const struct msg_rule *rule_for(uint32_t type)
{
	static const struct msg_rule rules[] = {
		[GUI_MSG_VERSION] = { "version", sizeof(struct gui_version), false,
				      validate_version },
		[GUI_MSG_CREATE] = { "create", sizeof(struct gui_create), true, validate_create },
		[GUI_MSG_DESTROY] = { "destroy", 0, true, validate_empty },
		[GUI_MSG_MAP] = { "map", sizeof(struct gui_map), true, validate_map },
		[GUI_MSG_UNMAP] = { "unmap", 0, true, validate_empty },
		[GUI_MSG_CONFIGURE] = { "configure", sizeof(struct gui_configure), true,
					validate_configure },
		[GUI_MSG_TITLE] = { "title", VARIABLE_LEN, true, validate_title },
		[GUI_MSG_CLASS] = { "class", sizeof(struct gui_class), true, validate_class },
		[GUI_MSG_HINTS] = { "hints", sizeof(struct gui_hints), true, validate_hints },
		[GUI_MSG_FLAGS] = { "flags", sizeof(struct gui_flags), true, validate_flags },
		[GUI_MSG_CURSOR] = { "cursor", sizeof(struct gui_cursor), false, validate_cursor },
		[GUI_MSG_DAMAGE] = { "damage", VARIABLE_LEN, true, validate_damage },
		[GUI_MSG_CLIPBOARD_DATA] = { "clipboard", VARIABLE_LEN, false, validate_clipboard },
		[GUI_MSG_SHM_BUFFER] = { "shm-buffer", sizeof(struct gui_shm_buffer), true,
					 validate_shm_buffer },
		[GUI_MSG_SHM_DAMAGE] = { "shm-damage", sizeof(struct gui_damage), true,
					 validate_shm_damage },
	};

	if (type >= ELEMENTSOF(rules) || !rules[type].validate)
		return NULL;
	return &rules[type];
}

const char *gui_msg_type_name(uint32_t type)
{
	const struct msg_rule *rule = rule_for(type);
	return rule ? rule->name : NULL;
}

int gui_parse_agent_msg(const struct msg *untrusted, struct gui_agent_msg *ret, const char **why)
{
	const struct msg_rule *rule = rule_for(untrusted->type);

	*why = NULL;
	if (!rule)
		*why = "unknown message type";
	else if (rule->len != VARIABLE_LEN && untrusted->len != rule->len)
		*why = "wrong payload length";
	else if (rule->needs_window && untrusted->id == 0)
		*why = "window id 0";
	else if (!rule->needs_window && untrusted->type == GUI_MSG_VERSION && untrusted->id != 0)
		*why = "version message for a window";
	else if (untrusted->type == GUI_MSG_CLIPBOARD_DATA && untrusted->id != 0)
		*why = "clipboard message for a window";
	else
		*why = rule->validate(untrusted, ret);
	if (*why)
		return -EPROTO;
	ret->type = untrusted->type;
	ret->id = untrusted->id;
	return 0;
}
