/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit log (JSON lines, one per decision, appended to <state>/audit.log; `vmctl log`
 * prints it) and the desktop notifications for denials and notify=yes.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "macro.h"
#include "notify.h"
#include "policy-daemon.h"
#include "strutil.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)

static void iso_time(char buf[64])
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(buf, 64, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, 64 - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

static void add_str(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

static struct json_object *audit_record(const struct pd_request *req,
					const struct policy_decision *dec, const char *answered_by)
{
	char now[64], rule[4200];
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	iso_time(now);
	snprintf(rule, sizeof(rule), "%s:%u", dec->matched_file ? dec->matched_file : "",
		 dec->matched_line);
	add_str(o, "time", now);
	add_str(o, "source", req->source);
	add_str(o, "target", req->target[0] ? req->target : "@default");
	add_str(o, "resolved_target", dec->result == POLICY_ALLOW ? dec->target : NULL);
	add_str(o, "service", req->service);
	add_str(o, "argument", req->argument);
	add_str(o, "decision", policy_action_to_string(dec->result));
	add_str(o, "rule", dec->matched_file ? rule : NULL);
	add_str(o, "answered_by", answered_by);
	add_str(o, "reason", dec->reason);
	return o;
}

void pd_audit(struct pd *pd, const struct pd_request *req, const struct policy_decision *dec,
	      const char *answered_by)
{
	_cleanup_(json_object_putp) struct json_object *o = audit_record(req, dec, answered_by);
	const char *line = o ? json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
			     : NULL;

	if (!line)
		return (void)log_oom();
	_cleanup_close_ int fd =
		open(pd->audit_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	_cleanup_free_ char *text = str_new_printf("%s\n", line);
	int r = fd < 0 ? negative_errno() : text ? fd_write_all(fd, text, strlen(text)) : -ENOMEM;
	if (r < 0)
		log_warning_errno(r, "Cannot append to the audit log %s: %m", pd->audit_path);
}

void pd_notify(struct pd *pd, const struct pd_request *req, const struct policy_decision *dec)
{
	char body[512];
	bool denied = dec->result != POLICY_ALLOW;

	if (!denied && !dec->notify)
		return;
	snprintf(body, sizeof(body), "%s → %s: %s%s%s", req->source,
		 denied ? (req->target[0] ? req->target : "@default") : dec->target, req->service,
		 req->argument[0] ? "+" : "", req->argument);
	int r = notifier_send(pd->notifier, denied ? "Bulkhead: request denied" : "Bulkhead", body);
	if (r < 0)
		log_debug_errno(r, "No notification sent: %m");
}
