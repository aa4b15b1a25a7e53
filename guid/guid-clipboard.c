/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inter-VM clipboard, copy half (GUI-AND-CLIPBOARD.md). guid consumes Ctrl+Shift+C on this
 * VM's windows (guid-input.c: the VM never sees the keys) and asks the agent for the VM's
 * CLIPBOARD; the answer, once validated, becomes the global clipboard: the store in
 * <runtime>/clipboard (clipboard/store.c), shared with the other guids and vmctl.
 *
 * Trust: the answer is the VM's. parse-agent.c checked its framing (a known type, at most the
 * hard cap: more already ended this guid); here the content goes through the clipboard
 * validators in one block before it is stored. The source recorded is --domain, never a name
 * the VM sent. Content an honest VM may hold but we refuse (too large, control characters, a
 * malformed PNG) is a refusal with a notification, not a protocol violation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guid.h"
#include "log.h"
#include "notify.h"
#include "parse-agent.h"
#include "policy-client.h"
#include "strutil.h"

_Static_assert((int)GUI_CLIPBOARD_TEXT == (int)CLIPBOARD_TEXT &&
		       (int)GUI_CLIPBOARD_PNG == (int)CLIPBOARD_PNG,
	       "the wire's clipboard types are the store's");
_Static_assert(GUI_CLIPBOARD_MAX == CLIPBOARD_HARD_MAX, "one hard cap");

/* Every copy and paste notifies; a burst of key presses must not flood the desktop. */
#define NOTIFY_PER_MINUTE 30

int guid_clipboard_init(struct guid *g)
{
	struct guid_clipboard *c = &g->clip;
	int r = clipboard_limits_from_env(&c->limits);

	c->policy_fd = -1;
	if (r < 0)
		return log_error_errno(r, "BULKHEAD_CLIPBOARD_TEXT_MAX/_IMAGE_MAX must be 256..%u",
				       CLIPBOARD_HARD_MAX);
	c->store_dir = clipboard_store_default_dir();
	c->policy_socket = qrexec_policy_socket_default();
	if (!c->store_dir || !c->policy_socket || notifier_new(NOTIFY_PER_MINUTE, &c->notifier) < 0)
		return log_oom();
	return 0;
}

void guid_clipboard_finish(struct guid *g)
{
	struct guid_clipboard *c = &g->clip;

	c->policy_fd = safe_close(c->policy_fd);
	notifier_free(c->notifier);
	free(c->store_dir);
	free(c->policy_socket);
	*c = (struct guid_clipboard){ .policy_fd = -1 };
}

void guid_clipboard_notify(struct guid *g, const char *summary, const char *body)
{
	int r = notifier_send(g->clip.notifier, summary, body);

	if (r < 0)
		log_debug_errno(r, "No notification sent: %m");
}

/* Agents older than protocol 1.1 know no clipboard messages: never send them one. */
bool guid_clipboard_supported(struct guid *g)
{
	if (g->handshake_done && g->version >= (1u << 16 | 1u))
		return true;
	log_warning("The agent of %s speaks no clipboard (protocol %u.%u)", g->cfg->domain,
		    g->version >> 16, g->version & 0xffff);
	return false;
}

int guid_clipboard_copy_requested(struct guid *g, struct guid_window *w)
{
	struct gui_clipboard_request rq = {
		.max_len = (uint32_t)MAX(g->clip.limits.text_max, g->clip.limits.image_max),
	};

	if (!guid_clipboard_supported(g))
		return 0;
	if (g->clip.copies_pending >= GUID_COPIES_PENDING_MAX) {
		log_info("Clipboard copy ignored: %u copies are still waiting for the VM",
			 g->clip.copies_pending);
		return 0;
	}
	log_info("Clipboard copy requested on window 0x%x", w->id);
	g->clip.copies_pending++;
	return guid_send32(g, GUI_MSG_CLIPBOARD_REQUEST, 0, &rq, sizeof(rq));
}

static void refuse(struct guid *g, const char *why)
{
	char body[256];

	log_info("Clipboard copy from %s refused: %s", g->cfg->domain, why);
	snprintf(body, sizeof(body), "Nothing copied from %s: %s", g->cfg->domain, why);
	guid_clipboard_notify(g, "Bulkhead clipboard", body);
}

static const char *refusal_reason(int r, enum clipboard_type type)
{
	switch (r) {
	case -EMSGSIZE:
		return type == CLIPBOARD_TEXT ? "the text is over the size limit"
					      : "the image is over the size limit";
	case -EILSEQ:
		return "the text is not valid UTF-8 or holds control characters";
	case -E2BIG:
		return "the image has too many pixels";
	default:
		return "the image is not a well-formed PNG";
	}
}

static uint64_t realtime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void stored(struct guid *g, const struct clipboard_entry *e)
{
	char body[128];

	log_info("Copied %zu bytes (%s) from %s", e->len, clipboard_type_to_mime(e->type),
		 e->source);
	snprintf(body, sizeof(body), "Copied %zu bytes from %s", e->len, e->source);
	guid_clipboard_notify(g, "Bulkhead clipboard", body);
}

/* Validate the VM's bytes, then store them as the global clipboard. */
static int store_copy(struct guid *g, enum clipboard_type type, const uint8_t *untrusted_data,
		      size_t len)
{
	uint32_t width, height;
	int r = type == CLIPBOARD_TEXT
			? clipboard_check_text(untrusted_data, len, &g->clip.limits)
			: clipboard_check_png_structure(untrusted_data, len, &g->clip.limits,
							&width, &height);
	if (r < 0) {
		refuse(g, refusal_reason(r, type));
		return 0;
	}
	/* Validated: from here on these are the clipboard's bytes. */
	struct clipboard_entry e = { .type = type, .time_usec = realtime_usec(), .len = len };
	e.data = (uint8_t *)untrusted_data;
	str_copy(e.source, sizeof(e.source), g->cfg->domain);
	r = clipboard_store_put(g->clip.store_dir, &e);
	if (r < 0) {
		log_error_errno(r, "Cannot store the global clipboard in %s: %m",
				g->clip.store_dir);
		guid_clipboard_notify(g, "Bulkhead clipboard", "Nothing copied: cannot store it");
		return 0;
	}
	stored(g, &e);
	return 0;
}

int guid_clipboard_data(struct guid *g, const struct gui_agent_msg *m)
{
	uint32_t type = m->u.clipboard.type;
	size_t len = m->u.clipboard.len;
	int r = 0;

	if (g->clip.copies_pending == 0)
		return log_error_errno(EPROTO,
				       "Protocol violation: clipboard data nobody asked for");
	g->clip.copies_pending--;
	if (type == GUI_CLIPBOARD_NONE)
		refuse(g, "its clipboard is empty (or holds neither text nor a PNG image)");
	else if (type == GUI_CLIPBOARD_TOO_LARGE)
		refuse(g, "its clipboard is over the size limit");
	else
		r = store_copy(g, (enum clipboard_type)type, m->u.clipboard.untrusted_data, len);
	/* The bytes are in the store now (or refused): leave no copy in the read buffer. */
	explicit_bzero((void *)m->u.clipboard.untrusted_data, len);
	return r;
}
