/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few keys of a freedesktop.org desktop entry that a VM's menu needs, read from its
 * "[Desktop Entry]" group. Bounded: a file over DESKTOP_ENTRY_MAX bytes, a line without '=',
 * or a value too long for its field is refused or ignored, never truncated into something else.
 * Today the entries come from the host template (the host's own /usr/share/applications);
 * an image template's would come from its image, which is why this parser stays strict.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define DESKTOP_ENTRY_MAX (64 * 1024)

struct desktop_entry {
	char name[128];		/* Name= (not localised) */
	char icon[128];		/* Icon= */
	bool application;	/* Type=Application */
	bool hidden;		/* NoDisplay=true or Hidden=true */
	bool has_exec;		/* Exec= is there */
	bool terminal_emulator; /* Categories= has TerminalEmulator */
};

/* Parse text (NUL-terminated). 0, or -EINVAL when it has no [Desktop Entry] group. */
int desktop_entry_parse(const char *text, struct desktop_entry *ret);
/* An application a menu may offer: a shown application with a name and a command. */
bool desktop_entry_is_launchable(const struct desktop_entry *e);
