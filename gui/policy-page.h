/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Policy page: a sidebar of services (Open URL, File copy, Clipboard, then every other
 * service the policy names) and, for each, its rules in the order they are checked: rules of
 * other files before and after, read-only with their file:line, and the GUI's own rules, which
 * can be added, edited, reordered and removed. libpolicy validates as the person types.
 */
#pragma once

#include "policy-file.h"
#include "settings.h"

struct policy_page *policy_page_new(struct settings *s);
void policy_page_free(struct policy_page *p);
GtkWidget *policy_page_widget(struct policy_page *p);
/* Rebuild every service's rows from s->policy (after loading from disk). */
void policy_page_rebuild(struct policy_page *p);
/* Show the errors of s->policy on the rows and in the problems bar. */
void policy_page_show_errors(struct policy_page *p);
/* Show one service's rules; FALSE if there is no such page. */
gboolean policy_page_select_service(struct policy_page *p, const char *service);
/* Show a (possibly new) service's page; FALSE if the name is not a valid service name. */
gboolean policy_page_add_service(struct policy_page *p, const char *service);
/* Append an editable rule to its service's page (created if new) and show it. */
void policy_page_add_rule(struct policy_page *p, const struct policy_file_rule *rule);
/* What a row's Move up/down (delta -1/+1) or Remove button does, for the row at index (0 =
 * the first of the service's own rules); FALSE if there is no such row. */
gboolean policy_page_move_rule(struct policy_page *p, const char *service, int index, int delta);
gboolean policy_page_remove_rule(struct policy_page *p, const char *service, int index);
/* The services that have a page, for the tester's chooser; free the array only. */
GPtrArray *policy_page_services(struct policy_page *p);
