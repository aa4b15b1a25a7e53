/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ask() parameters as a struct. Trust: the caller is the policy daemon (same user), but the
 * strings describe a request a VM made, so they are treated as untrusted text for display;
 * the answer is checked against the candidate list before it is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "ask-request.h"
#include "gui-util.h"

static guint parse_timeout(const char *text)
{
	char *end = NULL;
	long v;

	if (!text || !*text)
		return ASK_TIMEOUT_DEFAULT;
	v = strtol(text, &end, 10);
	if (*end != '\0' || v <= 0)
		return ASK_TIMEOUT_DEFAULT;
	return (guint)MIN(v, ASK_TIMEOUT_MAX);
}

static void read_details(struct ask_request *req, GVariant *details)
{
	const char *rule = NULL, *label = NULL, *timeout = NULL;

	g_variant_lookup(details, "rule", "&s", &rule);
	g_variant_lookup(details, "source_label", "&s", &label);
	g_variant_lookup(details, "timeout", "&s", &timeout);
	req->rule = g_strdup(rule ? rule : "");
	req->source_label = g_strdup(label ? label : "");
	req->timeout_s = parse_timeout(timeout);
}

struct ask_request *ask_request_new(GDBusMethodInvocation *invocation, GVariant *parameters)
{
	struct ask_request *req = g_new0(struct ask_request, 1);
	g_autoptr(GVariant) details = NULL;

	g_variant_get(parameters, "(ssss^ass@a{ss})", &req->source, &req->service, &req->argument,
		      &req->requested_target, &req->targets, &req->default_target, &details);
	read_details(req, details);
	/* The method-call handler hands us its reference; the reply consumes it. */
	req->invocation = invocation;
	req->deadline_us = g_get_monotonic_time() + (gint64)req->timeout_s * G_USEC_PER_SEC;
	return req;
}

void ask_request_free(struct ask_request *req)
{
	if (!req)
		return;
	/* A request dropped unanswered is a deny: the caller must never hang. */
	ask_request_reply(req, FALSE, "");
	if (req->timeout_id)
		g_source_remove(req->timeout_id);
	g_free(req->source);
	g_free(req->service);
	g_free(req->argument);
	g_free(req->requested_target);
	g_strfreev(req->targets);
	g_free(req->default_target);
	g_free(req->rule);
	g_free(req->source_label);
	g_free(req);
}

gboolean ask_request_has_target(const struct ask_request *req, const char *target)
{
	if (!target || !gui_target_is_valid(target))
		return FALSE;
	return g_strv_contains((const char *const *)req->targets, target);
}

void ask_request_reply(struct ask_request *req, gboolean allowed, const char *target)
{
	GDBusMethodInvocation *inv = req->invocation;

	if (!inv)
		return;
	req->invocation = NULL;
	if (allowed && !ask_request_has_target(req, target))
		allowed = FALSE;
	g_dbus_method_invocation_return_value(
		inv, g_variant_new("(bs)", allowed, allowed ? target : ""));
}
