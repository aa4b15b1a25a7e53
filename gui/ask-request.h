/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One Ask() call of org.bulkhead.PolicyAgent1: what was asked, and the D-Bus invocation that
 * waits for the answer. Exactly one reply is ever sent per request (ask_request_reply).
 */
#pragma once

#include <gio/gio.h>

#define ASK_TIMEOUT_DEFAULT 60
#define ASK_TIMEOUT_MAX 3600

struct ask_request {
	GDBusMethodInvocation *invocation; /* NULL once answered */
	char *source;
	char *service;
	char *argument;
	char *requested_target;
	char **targets; /* the candidates, exactly as given */
	char *default_target;
	char *rule;	    /* details["rule"], file:line */
	char *source_label; /* details["source_label"] */
	guint timeout_s;
	gint64 deadline_us; /* monotonic time of the automatic deny */
	guint timeout_id;
};

/* Build a request from Ask's parameters "(sssasas{ss})"; takes over the
 * handler's ownership of invocation. */
struct ask_request *ask_request_new(GDBusMethodInvocation *invocation, GVariant *parameters);
void ask_request_free(struct ask_request *req);

/* True if target is one of the candidates and may be offered (gui_target_is_valid). */
gboolean ask_request_has_target(const struct ask_request *req, const char *target);

/* Answer (allowed, target) or deny (FALSE, ""); later calls do nothing. An allow whose target
 * is not a candidate is turned into a deny, so the caller never gets a target it did not offer. */
void ask_request_reply(struct ask_request *req, gboolean allowed, const char *target);
