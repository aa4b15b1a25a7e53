/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The agent's half of the inter-VM clipboard. On guid's CLIPBOARD_REQUEST (the user pressed
 * Ctrl+Shift+C on one of this VM's windows) it fetches the VM's CLIPBOARD selection and sends
 * it; on CLIPBOARD_PASTE it validates the data fully (UTF-8 rules, or a complete PNG decode)
 * and owns CLIPBOARD and PRIMARY with it, answering the VM's applications from the event loop
 * until another program takes the selections.
 *
 * Trust: the paste comes from the host, which already validated it; the agent checks it again
 * (the decode is the check the host deliberately does not run) because its applications are
 * about to parse it. What the VM's selection owner hands over is bounded by the fetch.
 */
#include <endian.h>
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "agent.h"
#include "log.h"

/* An owner that does not answer within this time counts as an empty clipboard. */
#define FETCH_TIMEOUT_MS 2000

static const char *const owned_selections[] = { "CLIPBOARD", "PRIMARY" };

int agent_clipboard_init(struct agent *a)
{
	int r = clipboard_limits_from_env(&a->clip.limits);

	if (r < 0)
		return log_error_errno(r, "BULKHEAD_CLIPBOARD_TEXT_MAX/_IMAGE_MAX must be 256..%u",
				       CLIPBOARD_HARD_MAX);
	return sodium_init() < 0 ? log_error_errno(EIO, "libsodium does not initialise") : 0;
}

/* Stop owning the selections and wipe what was pasted. */
static void release(struct agent *a)
{
	x11_selection_owner_finish(&a->clip.owner);
	if (a->clip.data) {
		sodium_memzero(a->clip.data, a->clip.len);
		sodium_free(a->clip.data);
	}
	a->clip.data = NULL;
	a->clip.len = 0;
}

void agent_clipboard_finish(struct agent *a)
{
	release(a);
}

bool agent_clipboard_is_own_window(struct agent *a, Window w)
{
	return w != None && w == a->clip.owner.window;
}

/* A request to an owner window a newer paste already replaced: the X server sent it before
 * the window went, and a requestor that gets no answer waits for ever. Refuse it. */
static void refuse_request(struct agent *a, const XSelectionRequestEvent *req)
{
	XEvent reply = { .xselection = {
				 .type = SelectionNotify,
				 .display = req->display,
				 .requestor = req->requestor,
				 .selection = req->selection,
				 .target = req->target,
				 .property = None,
				 .time = req->time,
			 } };

	XSendEvent(a->dpy, req->requestor, False, NoEventMask, &reply);
	XFlush(a->dpy);
}

bool agent_clipboard_event(struct agent *a, const XEvent *ev)
{
	if (a->clip.owner.window && x11_selection_owner_handle(&a->clip.owner, ev)) {
		if (a->clip.owner.owned == 0)
			release(a); /* both selections now belong to other programs */
		return true;
	}
	/* The agent owns no selection through any other window. */
	if (ev->type != SelectionRequest)
		return false;
	refuse_request(a, &ev->xselectionrequest);
	return true;
}

/* The agent itself owns CLIPBOARD (the last paste): asking the X server would wait on
 * ourselves, so answer from the data we hold. */
static int send_own(struct agent *a, size_t max)
{
	if (a->clip.len > max)
		return agent_send_clipboard(a, GUI_CLIPBOARD_TOO_LARGE, NULL, 0);
	return agent_send_clipboard(a, a->clip.owner.type, a->clip.data, a->clip.len);
}

static bool own_clipboard(struct agent *a)
{
	Atom sel = XInternAtom(a->dpy, "CLIPBOARD", False);

	return a->clip.data && XGetSelectionOwner(a->dpy, sel) == a->clip.owner.window;
}

int agent_clipboard_request(struct agent *a, const struct msg *m)
{
	struct gui_clipboard_request rq;
	struct clipboard_entry e = { 0 };

	if (m->len != sizeof(rq))
		return log_error_errno(EPROTO, "Clipboard request from guid has length %u", m->len);
	memcpy(&rq, m->payload, sizeof(rq));
	size_t max = MIN(le32toh(rq.max_len), GUI_CLIPBOARD_MAX);
	if (own_clipboard(a))
		return send_own(a, max);
	int r = x11_selection_fetch(a->dpy, "CLIPBOARD", max, FETCH_TIMEOUT_MS, &e);
	if (r == -EMSGSIZE)
		return agent_send_clipboard(a, GUI_CLIPBOARD_TOO_LARGE, NULL, 0);
	if (r < 0) {
		log_info("Nothing to copy: %s", r == -ETIMEDOUT
							? "the clipboard owner did not answer"
							: "no text or PNG on the clipboard");
		return agent_send_clipboard(a, GUI_CLIPBOARD_NONE, NULL, 0);
	}
	r = agent_send_clipboard(a, e.type, e.data, e.len);
	clipboard_entry_wipe(&e);
	return r;
}

/* Keep a copy that outlives the channel's buffer, then own both selections with it. */
static int own(struct agent *a, enum clipboard_type type, const uint8_t *data, size_t len)
{
	uint8_t *copy = sodium_malloc(len ? len : 1);

	if (!copy)
		return log_oom();
	memcpy(copy, data, len);
	release(a);
	a->clip.data = copy;
	a->clip.len = len;
	int r = x11_selection_owner_start(&a->clip.owner, a->dpy, owned_selections,
					  ELEMENTSOF(owned_selections), type, copy, len);
	if (r < 0)
		log_warning_errno(r, "Another program kept the clipboard: %m");
	else
		log_info("Pasted %zu bytes (%s): this VM's CLIPBOARD and PRIMARY", len,
			 clipboard_type_to_mime(type));
	return 0;
}

int agent_clipboard_paste(struct agent *a, const struct msg *m)
{
	struct gui_clipboard h;

	if (m->len < sizeof(h))
		return log_error_errno(EPROTO, "Clipboard paste from guid too short");
	memcpy(&h, m->payload, sizeof(h));
	uint32_t type = le32toh(h.type);
	const uint8_t *data = m->payload + sizeof(h);
	size_t len = m->len - sizeof(h);
	if (type != GUI_CLIPBOARD_TEXT && type != GUI_CLIPBOARD_PNG)
		return log_error_errno(EPROTO, "Clipboard paste from guid of type %u", type);
	int r = clipboard_check((enum clipboard_type)type, data, len, &a->clip.limits);
	if (r < 0) {
		/* What the host let through and this VM refuses: say so, keep running. */
		log_warning_errno(r, "Pasted %s refused: %m", clipboard_type_to_mime(type));
		r = 0;
	} else {
		r = own(a, (enum clipboard_type)type, data, len);
	}
	/* The channel's buffer is reused; leave no copy of the paste in it. */
	sodium_memzero((void *)data, len);
	return r;
}
