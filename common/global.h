/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bulkhead's global settings (Qubes' qubes-prefs): "key = value" lines in
 * $XDG_CONFIG_HOME/bulkhead/global.conf (docs/interfaces.md). Host-side only, written by
 * vmctl prefs --global and the settings app, read by whoever needs a setting. Keys are
 * [a-z0-9_]+; values one line of printable text.
 */
#pragma once

/* The file's path, malloc'd (NULL: out of memory or no home). */
char *bulkhead_global_path(void);
/* The value of key (malloc'd in *ret), or NULL in *ret when unset. 0 or -errno. */
int bulkhead_global_get(const char *key, char **ret);
/* Set key to value, or remove it (value NULL), rewriting the file atomically. 0 or -errno
 * (-EINVAL: a bad key or value). */
int bulkhead_global_set(const char *key, const char *value);
/* Replace path's content through path.tmp and rename(2). 0 or -errno. */
int bulkhead_file_write_atomic(const char *path, const char *text);
/* The config dir, $XDG_CONFIG_HOME/bulkhead, else ~/.config/bulkhead; malloc'd. */
char *bulkhead_config_dir(void);
