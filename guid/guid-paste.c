/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inter-VM clipboard, paste half: Ctrl+Shift+V on one of this VM's windows. guid peeks at
 * the global clipboard's header and asks the policy daemon about bulkhead.ClipboardPaste
 * (source: the VM the data came from; target: this VM) without blocking its loop, since an
 * `ask` waits for the user. If allowed, the entry is taken (read and wiped under the store's
 * lock, and only if it is still the entry the policy was asked about) and sent to the agent,
 * which owns CLIPBOARD and PRIMARY with it. So the data reaches exactly one VM.
 *
 * Trust: nothing here comes from the VM, whose agent only receives. Fails closed: no policy
 * daemon, a malformed answer, or a clipboard that changed meanwhile mean nothing is pasted and
 * the store is left as it is.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guid.h"
#include "log.h"
#include "policy-client.h"
#include "strutil.h"

#define PASTE_SERVICE "bulkhead.ClipboardPaste"
/* A query older than this is abandoned by the next Ctrl+Shift+V (the ask dialog times out
 * after a minute; a policy daemon that never answers must not block pastes for good). */
#define PASTE_WAIT_MAX_USEC (120u * 1000000u)

static uint64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void notify_denied(struct guid *g, const char *source, const char *why)
{
	char body[256];

	log_info("Clipboard paste from %s into %s not done: %s", source, g->cfg->domain, why);
	snprintf(body, sizeof(body), "Nothing pasted from %s into %s: %s", source, g->cfg->domain,
		 why);
	guid_clipboard_notify(g, "Bulkhead clipboard: paste denied", body);
}

static void pasted(struct guid *g, const struct clipboard_entry *e)
{
	char body[256];

	log_info("Pasted %zu bytes (%s) from %s", e->len, clipboard_type_to_mime(e->type),
		 e->source);
	snprintf(body, sizeof(body), "Pasted %zu bytes into %s; global clipboard wiped", e->len,
		 g->cfg->domain);
	guid_clipboard_notify(g, "Bulkhead clipboard", body);
}

/* Take the entry (if it is still `expect`) and hand it to the agent. */
static int paste_now(struct guid *g, const struct clipboard_entry *expect)
{
	struct clipboard_entry e = { 0 };
	struct gui_clipboard head = { .type = 0 };
	int r = clipboard_store_take_if(g->clip.store_dir, expect, &e);

	if (r == -ESTALE || r == -ENOENT) {
		notify_denied(g, expect->source, "the global clipboard changed meanwhile");
		return 0;
	}
	if (r < 0) {
		log_error_errno(r, "Cannot take the global clipboard: %m");
		return 0;
	}
	head.type = (uint32_t)e.type;
	r = guid_send_clipboard(g, GUI_MSG_CLIPBOARD_PASTE, &head, e.data, e.len);
	if (r >= 0)
		r = guid_outq_flush(g); /* before the notification's D-Bus round trip */
	if (r >= 0)
		pasted(g, &e);
	clipboard_entry_wipe(&e);
	return r;
}

static void paste_abandon(struct guid *g)
{
	g->clip.policy_fd = safe_close(g->clip.policy_fd);
	g->clip.paste = (struct clipboard_entry){ 0 };
}

/* A query is on its way: a second Ctrl+Shift+V waits for it, unless it is stale. */
static bool paste_waiting(struct guid *g)
{
	if (g->clip.policy_fd < 0)
		return false;
	if (monotonic_usec() - g->clip.paste_started_usec < PASTE_WAIT_MAX_USEC) {
		log_info("Clipboard paste ignored: the last one still waits for the policy");
		return true;
	}
	log_warning("The policy daemon never answered the last paste; asking again");
	paste_abandon(g);
	return false;
}

static int ask_policy(struct guid *g, const struct clipboard_entry *e)
{
	int fd = qrexec_policy_query_send(g->clip.policy_socket, e->source, g->cfg->domain,
					  PASTE_SERVICE, "");

	if (fd < 0) {
		log_warning_errno(fd, "Cannot ask the policy daemon at %s: %m",
				  g->clip.policy_socket);
		notify_denied(g, e->source, "the policy daemon cannot be reached");
		return 0;
	}
	g->clip.policy_fd = fd;
	g->clip.paste = *e;
	g->clip.paste_started_usec = monotonic_usec();
	return 0;
}

int guid_clipboard_paste_requested(struct guid *g, struct guid_window *w)
{
	struct clipboard_entry e = { 0 };
	int r;

	if (!guid_clipboard_supported(g) || paste_waiting(g))
		return 0;
	log_info("Clipboard paste requested on window 0x%x", w->id);
	r = clipboard_store_peek(g->clip.store_dir, &e);
	if (r == -ENOENT) {
		guid_clipboard_notify(g, "Bulkhead clipboard",
				      "Nothing pasted: the global "
				      "clipboard is empty");
		return 0;
	}
	if (r < 0) {
		log_error_errno(r, "Cannot read the global clipboard in %s: %m", g->clip.store_dir);
		return 0;
	}
	/* Back into the VM it came from: no data crosses between VMs, nothing to decide. */
	if (streq(e.source, g->cfg->domain))
		return paste_now(g, &e);
	return ask_policy(g, &e);
}

int guid_clipboard_policy_readable(struct guid *g)
{
	char target[QREXEC_TARGET_FIELD];
	struct clipboard_entry expect = g->clip.paste;
	bool allowed;
	int r = qrexec_policy_query_recv(g->clip.policy_fd, &allowed, target);

	paste_abandon(g);
	if (r < 0) {
		log_warning_errno(r, "No answer from the policy daemon: %m");
		notify_denied(g, expect.source, "the policy daemon did not answer");
		return 0;
	}
	/* A redirect (target=) cannot apply to a paste: only this VM is an answer. */
	if (!allowed || !streq(target, g->cfg->domain)) {
		notify_denied(g, expect.source,
			      "refused by policy; the global clipboard is unchanged");
		return 0;
	}
	return paste_now(g, &expect);
}
