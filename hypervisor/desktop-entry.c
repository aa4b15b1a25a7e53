/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "desktop-entry.h"
#include "strutil.h"

static bool is_true(const char *v)
{
	return streq(v, "true");
}

/* ";"-separated list membership, as Categories= is written. */
static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; (p = strstr(p, item)); p += n)
		if ((p == list || p[-1] == ';') && (p[n] == ';' || p[n] == '\0'))
			return true;
	return false;
}

/* A value too long for its field is dropped, not cut: a cut name would be a different name. */
static void copy_or_empty(char *dst, size_t size, const char *value)
{
	if (str_copy(dst, size, value) < 0)
		dst[0] = '\0';
}

static void take(struct desktop_entry *e, const char *key, const char *value)
{
	if (streq(key, "Name"))
		copy_or_empty(e->name, sizeof(e->name), value);
	else if (streq(key, "Icon"))
		copy_or_empty(e->icon, sizeof(e->icon), value);
	else if (streq(key, "Type"))
		e->application = streq(value, "Application");
	else if (streq(key, "NoDisplay") || streq(key, "Hidden"))
		e->hidden |= is_true(value);
	else if (streq(key, "Exec"))
		e->has_exec = value[0] != '\0';
	else if (streq(key, "Categories"))
		e->terminal_emulator = list_has(value, "TerminalEmulator");
}

/* One line, in place: "[Group]", "Key=Value" (spaces around '=' allowed), or ignored. */
static void parse_line(char *line, struct desktop_entry *e, bool *in_main, bool *seen)
{
	char *eq, *key_end;

	if (line[0] == '[') {
		*in_main = streq(line, "[Desktop Entry]");
		*seen |= *in_main;
		return;
	}
	if (!*in_main || line[0] == '#' || !(eq = strchr(line, '=')))
		return;
	for (key_end = eq; key_end > line && key_end[-1] == ' '; key_end--)
		;
	*key_end = '\0';
	eq++;
	eq += strspn(eq, " ");
	take(e, line, eq);
}

int desktop_entry_parse(const char *text, struct desktop_entry *ret)
{
	char line[1024];
	bool in_main = false, seen = false;

	*ret = (struct desktop_entry){ 0 };
	if (strnlen(text, DESKTOP_ENTRY_MAX + 1) > DESKTOP_ENTRY_MAX)
		return -EFBIG;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		/* A line too long for any field we read is skipped whole, not cut. */
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			line[strcspn(line, "\r")] = '\0';
			parse_line(line, ret, &in_main, &seen);
		}
		p += n + (p[n] == '\n');
	}
	return seen ? 0 : -EINVAL;
}

bool desktop_entry_is_launchable(const struct desktop_entry *e)
{
	return e->application && !e->hidden && e->has_exec && e->name[0];
}
