/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Decisions: building them, accepting the user's answer to an ask, and their JSON form. */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)

static void free_targets(struct policy_decision *d)
{
	for (size_t i = 0; i < d->n_targets_for_ask; i++)
		free(d->targets_for_ask[i]);
	free(d->targets_for_ask);
	d->targets_for_ask = NULL;
	d->n_targets_for_ask = 0;
}

void policy_decision_finish(struct policy_decision *d)
{
	if (!d)
		return;
	free_targets(d);
	free(d->target);
	free(d->default_target);
	free(d->user);
	free(d->matched_file);
	free(d->matched_rule);
	free(d->reason);
	*d = (struct policy_decision){ .result = POLICY_DENY, .notify = true };
}

static _printf_(2, 0) int set_reason_va(struct policy_decision *d, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	free(d->reason);
	d->reason = s;
	return 0;
}

int decision_set_reason(struct policy_decision *d, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_reason_va(d, fmt, ap);
	va_end(ap);
	return r;
}

/* Deny, dropping whatever an allow or ask had filled in; notify defaults to yes on deny. */
int decision_deny(struct policy_decision *d, const char *fmt, ...)
{
	va_list ap;
	int r;

	free_targets(d);
	free(d->target);
	free(d->default_target);
	free(d->user);
	d->target = d->default_target = d->user = NULL;
	d->result = POLICY_DENY;
	d->notify = true;
	d->autostart = false;
	va_start(ap, fmt);
	r = set_reason_va(d, fmt, ap);
	va_end(ap);
	return r;
}

int decision_set_rule(struct policy_decision *d, const struct rule *r)
{
	d->matched_file = strdup(r->file);
	d->matched_rule = strdup(r->text);
	d->matched_line = r->line;
	return d->matched_file && d->matched_rule ? 0 : -ENOMEM;
}

int policy_decision_accept_answer(struct policy_decision *d, const char *answer)
{
	char *target;

	if (!d || d->result != POLICY_ASK || !answer)
		return -EPERM;
	for (size_t i = 0; i < d->n_targets_for_ask; i++) {
		if (!streq(d->targets_for_ask[i], answer))
			continue;
		if (!(target = strdup(answer)))
			return -ENOMEM;
		free(d->target);
		d->target = target;
		d->result = POLICY_ALLOW;
		return 0;
	}
	return -EPERM;
}

/* json-c's constructors return NULL on failure, and json_object_object_add() takes NULL as
 * JSON null: so a failed allocation could silently become null. Count them instead. */
static struct json_object *string_or_null(const char *s, bool *oom)
{
	struct json_object *o = s ? json_object_new_string(s) : NULL;

	if (s && !o)
		*oom = true;
	return o;
}

static struct json_object *targets_array(const struct policy_decision *d, bool *oom)
{
	struct json_object *a;

	if (d->result != POLICY_ASK)
		return NULL;
	if (!(a = json_object_new_array())) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < d->n_targets_for_ask; i++)
		if (json_object_array_add(a, string_or_null(d->targets_for_ask[i], oom)) < 0)
			*oom = true;
	return a;
}

static int add(struct json_object *o, const char *key, struct json_object *v, bool *oom)
{
	if (json_object_object_add(o, key, v) < 0)
		*oom = true;
	return 0;
}

static struct json_object *decision_object(const struct policy_decision *d, bool *oom)
{
	struct json_object *o = json_object_new_object();
	bool deny = d->result == POLICY_DENY;

	if (!o)
		return NULL;
	add(o, "result", string_or_null(policy_action_to_string(d->result), oom), oom);
	add(o, "target", string_or_null(d->target, oom), oom);
	add(o, "targets_for_ask", targets_array(d, oom), oom);
	add(o, "default_target", string_or_null(d->default_target, oom), oom);
	add(o, "user", string_or_null(d->user, oom), oom);
	add(o, "notify", json_object_new_boolean(d->notify), oom);
	add(o, "autostart", deny ? NULL : json_object_new_boolean(d->autostart), oom);
	add(o, "matched_file", string_or_null(d->matched_file, oom), oom);
	add(o, "matched_lineno", d->matched_file ? json_object_new_int((int)d->matched_line) : NULL,
	    oom);
	add(o, "matched_rule", string_or_null(d->matched_rule, oom), oom);
	add(o, "reason", string_or_null(d->reason, oom), oom);
	return o;
}

char *policy_decision_to_json(const struct policy_decision *d)
{
	bool oom = false;
	_cleanup_(json_object_putp) struct json_object *o = decision_object(d, &oom);
	const char *s;

	if (!o || oom)
		return NULL;
	s = json_object_to_json_string_ext(o,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	return s ? strdup(s) : NULL;
}
