/* SPDX-License-Identifier: GPL-2.0-or-later */
/* qrexec-policy-daemon's private header. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "msg.h"
#include "outq.h"
#include "policy.h"
#include "qrexec-proto.h"
#include "validate.h"

struct notifier;

#define PD_CLIENTS 128
/* Prompts open at once; more are denied, so no VM can pile up dialogs or threads. */
#define PD_ASKS_MAX 16

struct pd_client {
	int fd;
	uint32_t generation; /* an ask answer for a client that reconnected is dropped */
	struct msg_reader rd;
	struct outq q;
};

/* One request, validated, as the policy library and the audit log see it. */
struct pd_request {
	char source[QREXEC_NAME_FIELD];
	char target[QREXEC_TARGET_FIELD];
	char service[SERVICE_NAME_MAX + 1];
	char argument[SERVICE_ARG_MAX + 1];
	size_t client;
	uint32_t generation, qid;
};

struct pd_sysinfo {
	const char *path; /* --system-info FILE, or NULL: ask bulkheadd */
	struct stat st;
	char *json;
	struct policy_system_info *info;
	void *bus; /* DBusConnection for GetSystemInfo */
};

struct pd {
	char **dirs;
	size_t n_dirs;
	int *watches;
	struct policy *policy;
	int inotify_fd;
	struct pd_sysinfo sys;
	const char *socket_path;
	int listen_fd;
	char *audit_path;
	struct notifier *notifier;
	int ask_pipe[2];
	int ask_timeout_ms;
	unsigned asks_pending;
	struct pd_client clients[PD_CLIENTS];
};

/* policy-daemon.c */
void pd_reply(struct pd *pd, const struct pd_request *req, bool allowed, const char *target,
	      const char *reason);
void pd_finish_decision(struct pd *pd, const struct pd_request *req, struct policy_decision *dec,
			const char *answered_by);

/* policy-ask.c: the ask runs on a thread; its result arrives on pd->ask_pipe. */
int pd_ask_start(struct pd *pd, const struct pd_request *req, struct policy_decision *dec);
void pd_ask_readable(struct pd *pd);

/* policy-audit.c */
void pd_audit(struct pd *pd, const struct pd_request *req, const struct policy_decision *dec,
	      const char *answered_by);
void pd_notify(struct pd *pd, const struct pd_request *req, const struct policy_decision *dec);

/* policy-sysinfo.c */
const struct policy_system_info *pd_sysinfo_get(struct pd *pd);
/* The label colour of a VM for the ask dialog, "" if unknown; malloc'd. */
char *pd_sysinfo_label(struct pd *pd, const char *vm);
