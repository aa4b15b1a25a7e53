/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqrexec: what the qrexec programs share. The wire structs are in qrexec-proto.h; this
 * header has the parsers (one file per source of untrusted input), the local-fd pump, and the
 * guest's client call. Functions return >= 0 or -errno and never log.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "qrexec-proto.h"
#include "validate.h"

/* A call request after validation: every field is safe to use and to log. */
struct qrexec_call {
	char target[QREXEC_TARGET_FIELD]; /* a VM name, "@default", "@adminvm", "@dispvm[:VM]" */
	char service[SERVICE_NAME_MAX + 1];
	char argument[SERVICE_ARG_MAX + 1];
	char full[QREXEC_SERVICE_FIELD]; /* "Service" or "Service+Argument" */
};

/* An exec request after validation (source and target as above, plus an optional command). */
struct qrexec_exec {
	char source[QREXEC_NAME_FIELD];
	struct qrexec_call call;
	uint32_t flags;
	const char *command; /* QREXEC_EXEC_COMMAND: NUL-separated argv inside the message */
	size_t command_len;
};

/*
 * Parsers of messages from a VM (parse-agent.c). -EBADMSG: malformed (wrong size, missing
 * NUL): a protocol violation. -EINVAL: well-formed but a name is not acceptable: refuse.
 */
int qrexec_parse_hello(const struct msg *m, uint32_t *ret_version);
int qrexec_parse_call_request(const struct msg *m, struct qrexec_call *ret);
int qrexec_parse_refused(const struct msg *m, int *ret_code, char reason[QREXEC_REASON_FIELD]);
int qrexec_parse_window(const struct msg *m, uint32_t *ret_bytes);
int qrexec_parse_exit(const struct msg *m, int *ret_status);
/* Exec requests come from the host (link, channel to the agent); same rules. */
int qrexec_parse_exec_request(const struct msg *m, struct qrexec_exec *ret);

/* Requested-target syntax: a VM name, "", "@default", "@adminvm", "@dispvm", "@dispvm:VM". */
bool qrexec_target_is_valid(const char *s);
/* Copy a fixed, NUL-padded wire field that must hold a NUL: 0 or -EBADMSG. */
int qrexec_field_copy(char *dst, const char *field, size_t size);

/* The URL check of bulkhead.OpenURL (parse-url.c): http/https/ftp/mailto, at most
 * QREXEC_URL_MAX bytes, no control characters, no spaces, valid UTF-8. */
#define QREXEC_URL_MAX 8192
bool qrexec_url_is_valid(const char *untrusted_url, size_t len);
/* The caller side's looser test: "SCHEME://..." or "mailto:...". */
bool qrexec_url_looks_like_url(const char *s);

/* bulkhead.OpenInVM (parse-open.c): the call's stdin is "NAME\n" then the file's bytes. NAME:
 * one path component, at most QREXEC_OPEN_NAME_MAX bytes of valid UTF-8, no controls, no
 * leading '-' or '.'. */
#define QREXEC_OPEN_NAME_MAX 255
#define QREXEC_OPEN_SIZE_MAX (1024ULL * 1024 * 1024)
bool qrexec_file_name_is_valid(const char *untrusted_name, size_t len);
/* The header at the start of untrusted[0..len): its length with the '\n' and the name in name,
 * 0 when the line is not complete yet, -EINVAL when it can never be valid. */
int qrexec_open_header_parse(const char *untrusted, size_t len,
			     char name[static QREXEC_OPEN_NAME_MAX + 1]);

/* Fill wire structs (name fields zero-padded; -ENAMETOOLONG if a string does not fit). */
int qrexec_exec_request_init(struct qrexec_exec_request *e, const char *source, const char *target,
			     const char *service, uint32_t flags);
void qrexec_refused_init(struct qrexec_refused *r, int code, const char *reason);
