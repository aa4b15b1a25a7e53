/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asking the user: org.bulkhead.PolicyAgent1.Ask on the session bus (docs/interfaces.md). An ask
 * may take a minute, so each runs on its own thread with its own private bus connection, and
 * its result comes back to the main loop through a pipe; other requests go on meanwhile.
 * No agent on the bus, an error, a timeout, or an answer outside the candidates: deny.
 */
#include <dbus/dbus.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "policy-daemon.h"
#include "strutil.h"

struct ask {
	struct pd_request req;
	struct policy_decision dec;
	char *label, *rule, *timeout_text;
	int timeout_ms;
	bool allowed;
	char *answer;
	const char *answered_by;
};

static void ask_free(struct ask *a)
{
	policy_decision_finish(&a->dec);
	free(a->label);
	free(a->rule);
	free(a->timeout_text);
	free(a->answer);
	free(a);
}

static bool append_dict_entry(DBusMessageIter *dict, const char *key, const char *value)
{
	DBusMessageIter e;

	return dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e) &&
	       dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key) &&
	       dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &value) &&
	       dbus_message_iter_close_container(dict, &e);
}

static bool append_targets(DBusMessageIter *it, const struct policy_decision *dec)
{
	DBusMessageIter arr;
	bool ok = dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "s", &arr);

	for (size_t i = 0; ok && i < dec->n_targets_for_ask; i++)
		ok = dbus_message_iter_append_basic(&arr, DBUS_TYPE_STRING,
						    &dec->targets_for_ask[i]);
	return ok && dbus_message_iter_close_container(it, &arr);
}

static bool append_ask_args(DBusMessage *m, struct ask *a)
{
	const char *source = a->req.source, *service = a->req.service, *arg = a->req.argument;
	const char *target = a->req.target[0] ? a->req.target : "@default";
	const char *def = a->dec.default_target ? a->dec.default_target : "";
	DBusMessageIter it, dict;

	dbus_message_iter_init_append(m, &it);
	return dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &source) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &service) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &arg) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &target) &&
	       append_targets(&it, &a->dec) &&
	       dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &def) &&
	       dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{ss}", &dict) &&
	       append_dict_entry(&dict, "rule", a->rule) &&
	       append_dict_entry(&dict, "source_label", a->label) &&
	       append_dict_entry(&dict, "timeout", a->timeout_text) &&
	       dbus_message_iter_close_container(&it, &dict);
}

static void read_answer(struct ask *a, DBusMessage *reply)
{
	dbus_bool_t allowed = FALSE;
	const char *target = NULL;

	if (!dbus_message_get_args(reply, NULL, DBUS_TYPE_BOOLEAN, &allowed, DBUS_TYPE_STRING,
				   &target, DBUS_TYPE_INVALID)) {
		a->answered_by = "agent error";
		return;
	}
	a->allowed = allowed;
	a->answer = strdup(target);
	a->answered_by = "user";
}

static void ask_call(struct ask *a)
{
	DBusError err;
	DBusConnection *bus;
	DBusMessage *m, *reply;

	dbus_error_init(&err);
	a->answered_by = "no agent";
	bus = dbus_bus_get_private(DBUS_BUS_SESSION, NULL);
	if (!bus)
		return;
	dbus_connection_set_exit_on_disconnect(bus, FALSE);
	m = dbus_message_new_method_call("org.bulkhead.PolicyAgent1", "/org/bulkhead/PolicyAgent1",
					 "org.bulkhead.PolicyAgent1", "Ask");
	if (m && append_ask_args(m, a)) {
		reply = dbus_connection_send_with_reply_and_block(bus, m, a->timeout_ms, &err);
		if (reply)
			read_answer(a, reply), dbus_message_unref(reply);
		else if (dbus_error_has_name(&err, DBUS_ERROR_NO_REPLY) ||
			 dbus_error_has_name(&err, DBUS_ERROR_TIMEOUT))
			a->answered_by = "timeout";
	}
	if (m)
		dbus_message_unref(m);
	dbus_error_free(&err);
	dbus_connection_close(bus);
	dbus_connection_unref(bus);
}

struct ask_thread_arg {
	struct ask *ask;
	int fd;
};

static void *ask_thread(void *p)
{
	struct ask_thread_arg *arg = p;

	ask_call(arg->ask);
	/* One pointer: far below PIPE_BUF, so the write is atomic among threads. */
	if (write(arg->fd, &arg->ask, sizeof(arg->ask)) != sizeof(arg->ask))
		abort();
	free(arg);
	return NULL;
}

int pd_ask_start(struct pd *pd, const struct pd_request *req, struct policy_decision *dec)
{
	struct ask *a = calloc(1, sizeof(*a));
	struct ask_thread_arg *arg = calloc(1, sizeof(*arg));
	pthread_attr_t attr;
	pthread_t t;

	if (!a || !arg || pd->asks_pending >= PD_ASKS_MAX)
		return free(a), free(arg), -EBUSY;
	a->req = *req;
	a->dec = *dec; /* the decision moves into the ask */
	*dec = (struct policy_decision){ 0 };
	a->timeout_ms = pd->ask_timeout_ms;
	a->label = pd_sysinfo_label(pd, req->source);
	a->rule = str_new_printf("%s:%u", a->dec.matched_file ? a->dec.matched_file : "",
				 a->dec.matched_line);
	a->timeout_text = str_new_printf("%d", pd->ask_timeout_ms / 1000);
	*arg = (struct ask_thread_arg){ a, pd->ask_pipe[1] };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = a->label && a->rule && a->timeout_text ? -pthread_create(&t, &attr, ask_thread, arg)
						       : -ENOMEM;
	pthread_attr_destroy(&attr);
	if (r < 0)
		free(arg), ask_free(a);
	else
		pd->asks_pending++;
	return r;
}

void pd_ask_readable(struct pd *pd)
{
	struct ask *a;

	while (read(pd->ask_pipe[0], &a, sizeof(a)) == sizeof(a)) {
		const char *by = a->answered_by;

		pd->asks_pending--;
		if (a->allowed &&
		    (!a->answer || policy_decision_accept_answer(&a->dec, a->answer) < 0))
			by = "user (target not among the candidates)";
		if (!a->allowed || a->dec.result != POLICY_ALLOW) {
			a->dec.result = POLICY_DENY;
			free(a->dec.reason);
			a->dec.reason = str_new_printf("ask: denied (%s)", by);
		}
		pd_finish_decision(pd, &a->req, &a->dec, by);
		ask_free(a);
	}
}
