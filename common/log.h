/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging to stderr with journald's "<N>" priority prefixes, so that a daemon run under systemd
 * (or read by `journalctl`) keeps its levels, and a person at a terminal can still read it.
 *
 * Libraries don't log; the caller logs once:  return log_error_errno(r, "open %s: %m", path);
 * The _errno variants set errno from the error so %m prints it, and return -abs(error).
 *
 * Anything that came from a VM goes through log_untrusted() first: escaped and truncated, so a
 * VM can neither forge log lines (newlines, ANSI escapes) nor flood the log with one string.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "macro.h"

/* Longest VM-supplied string that appears in a log line, before escaping. */
#define LOG_UNTRUSTED_MAX 120
/* Room for an escaped, truncated VM string: each byte may become "\xNN", plus "..." and NUL. */
#define LOG_UNTRUSTED_BUFSIZE (LOG_UNTRUSTED_MAX * 4 + 4)

void log_set_max_level(int level);
int log_get_max_level(void);
/* Program name shown after the priority prefix ("<3>qrexec-daemon[work]: ..."). */
void log_set_ident(const char *ident);
/* Read BULKHEAD_LOG_LEVEL (err, warning, notice, info, debug, or 0-7) from the environment. */
void log_parse_environment(void);
int log_level_from_string(const char *s);

int log_internal(int level, int error, const char *file, int line, const char *func,
		 const char *format, ...) _printf_(6, 7);

/* Escape and truncate bytes from an untrusted peer for a log line; returns buf. */
const char *log_untrusted(char buf[static LOG_UNTRUSTED_BUFSIZE], const void *data, size_t len);

#define log_full_errno(level, error, ...) \
	log_internal(level, error, __FILE__, __LINE__, __func__, __VA_ARGS__)

#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, e, __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, e, __VA_ARGS__)
#define log_notice_errno(e, ...) log_full_errno(LOG_NOTICE, e, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, e, __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, e, __VA_ARGS__)

/* For "out of memory" paths: logs and returns -ENOMEM. */
#define log_oom() log_full_errno(LOG_ERR, ENOMEM, "Out of memory.")
