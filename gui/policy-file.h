/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The settings GUI's own policy files: one "50-config-<topic>.policy" per service in the user's
 * policy directory, its text generated from the rows, written atomically so the policy daemon
 * (which reloads on change) never reads half a file.
 */
#pragma once

#include <glib.h>

/* Lines before the first rule in a generated file; rule i (0-based) is on line i + 1 + this. */
#define POLICY_FILE_HEADER_LINES 3

/* One editable rule, as the rows hold it: the six columns of a policy line. */
struct policy_file_rule {
	const char *service;
	const char *argument;
	const char *source;
	const char *target;
	const char *action;
	const char *params; /* "" for none */
};

/* "bulkhead.OpenURL" -> "50-config-openurl.policy"; other services keep their full name,
 * lower-cased, with characters outside [0-9a-z_.-] as '_'. Free with g_free(). */
char *policy_file_name_for_service(const char *service);
/* True if name looks like a file this GUI writes. */
gboolean policy_file_is_config(const char *name);

/* The whole text of a generated file. Free with g_free(). */
char *policy_file_render(const struct policy_file_rule *rules, size_t n);

/* Write text to dir/name: temp file in dir, fsync, rename over the old file, fsync dir. The
 * directory is created (0700) if missing. Returns 0 or -errno. */
int policy_file_write_atomic(const char *dir, const char *name, const char *text);
/* Remove dir/name (a page emptied of rules) and fsync dir; a missing file is fine. */
int policy_file_remove(const char *dir, const char *name);
