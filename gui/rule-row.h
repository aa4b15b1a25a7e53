/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One row of a service's rule list. Editable rows (the GUI's own file) have an entry per column,
 * an action chooser, move and remove buttons, and a line for the error libpolicy reports on
 * that rule; read-only rows (other files) show the rule and the file:line it comes from.
 */
#pragma once

#include "policy-file.h"
#include "policy.h"
#include <gtk/gtk.h>

enum rule_column {
	RULE_COL_ARGUMENT,
	RULE_COL_SOURCE,
	RULE_COL_TARGET,
	RULE_COL_ACTION,
	RULE_COL_PARAMS,
	RULE_COL_ORIGIN, /* file:line, or the move/remove buttons */
	RULE_COL_COUNT,
};

struct rule_row;

struct rule_row_callbacks {
	void (*changed)(struct rule_row *row, gpointer data);
	void (*move)(struct rule_row *row, int delta, gpointer data);
	void (*remove)(struct rule_row *row, gpointer data);
};

/* Column widths line up across the header and every row of one list. */
struct rule_columns {
	GtkSizeGroup *group[RULE_COL_COUNT];
};
void rule_columns_init(struct rule_columns *c);
void rule_columns_finish(struct rule_columns *c);
/* The header line: "Argument  Source  Target  Action  Options". */
GtkWidget *rule_columns_header_new(struct rule_columns *c, const char *last_title);

/* A new editable row (a GtkListBoxRow that owns the struct). */
struct rule_row *rule_row_new(const struct policy_file_rule *rule, struct rule_columns *cols,
			      const struct rule_row_callbacks *cb, gpointer data);
GtkWidget *rule_row_widget(struct rule_row *row);
struct rule_row *rule_row_from_widget(GtkWidget *widget);
/* The row's current fields; strings valid until the row changes. */
void rule_row_get(struct rule_row *row, struct policy_file_rule *ret);
/* Show libpolicy's message for this rule, or clear it (NULL). */
void rule_row_set_error(struct rule_row *row, const char *message);
/* Put the keyboard focus on the row's first field (after adding), or on a move button. */
void rule_row_focus(struct rule_row *row);
void rule_row_focus_move(struct rule_row *row, int delta);

/* A read-only row for a rule from another file. */
GtkWidget *rule_row_readonly_new(const struct policy_rule_info *info, struct rule_columns *cols);
