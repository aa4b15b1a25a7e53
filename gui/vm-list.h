/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VM names of a system-info JSON document (POLICY.md), for the tester's choosers.
 * libpolicy keeps its parsed system info opaque, so the names are read here with json-c.
 */
#pragma once

#include <glib.h>

/* Names of the domains, sorted; with disposable templates also "@dispvm:NAME". NULL-terminated,
 * free with g_strfreev(). Invalid JSON gives an empty list. */
char **vm_list_from_system_info(const char *json);
