/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rule rows. Rules are the user's own text (or files on the host), not VM data, but they are
 * still shown as plain text: nothing here parses markup.
 */
#include <string.h>

#include "gui-util.h"
#include "rule-row.h"

static const char *const actions[] = { "allow", "deny", "ask" };

struct rule_row {
	GtkWidget *widget; /* GtkListBoxRow */
	char *service;	   /* kept as read, written back as is */
	GtkEntry *entry[RULE_COL_COUNT];
	GtkComboBoxText *action;
	GtkWidget *up, *down;
	GtkLabel *error;
	const struct rule_row_callbacks *cb;
	gpointer data;
};

void rule_columns_init(struct rule_columns *c)
{
	for (int i = 0; i < RULE_COL_COUNT; i++)
		c->group[i] = gtk_size_group_new(GTK_SIZE_GROUP_HORIZONTAL);
}

void rule_columns_finish(struct rule_columns *c)
{
	for (int i = 0; i < RULE_COL_COUNT; i++)
		g_clear_object(&c->group[i]);
}

static GtkWidget *cell_label(const char *text, struct rule_columns *c, int col)
{
	GtkWidget *l = gtk_label_new(NULL);

	gtk_label_set_text(GTK_LABEL(l), text);
	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_ellipsize(GTK_LABEL(l), PANGO_ELLIPSIZE_END);
	gtk_size_group_add_widget(c->group[col], l);
	return l;
}

GtkWidget *rule_columns_header_new(struct rule_columns *c, const char *last_title)
{
	static const char *const titles[] = { "Argument", "Source", "Target", "Action", "Options" };
	/* About the editable fields' widths, so a list with only read-only rows lines up too. */
	static const int widths[] = { 66, 140, 140, 75, 160 };
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);

	gtk_widget_set_margin_start(box, 12);
	gtk_widget_set_margin_end(box, 12);
	for (int i = 0; i < RULE_COL_ORIGIN; i++) {
		GtkWidget *l = cell_label(titles[i], c, i);
		gtk_widget_set_size_request(l, widths[i], -1);
		gui_label_dim(l);
		gtk_box_pack_start(GTK_BOX(box), l, i == RULE_COL_PARAMS, TRUE, 0);
	}
	GtkWidget *last = cell_label(last_title, c, RULE_COL_ORIGIN);
	gui_label_dim(last);
	gtk_box_pack_start(GTK_BOX(box), last, FALSE, TRUE, 0);
	return box;
}

static void row_free(gpointer data)
{
	struct rule_row *row = data;

	g_free(row->service);
	g_free(row);
}

static void on_field_changed(gpointer unused, struct rule_row *row)
{
	row->cb->changed(row, row->data);
}

static GtkWidget *field_new(struct rule_row *row, int col, const char *value, int width,
			    const char *name, struct rule_columns *c)
{
	GtkWidget *e = gtk_entry_new();

	gtk_entry_set_text(GTK_ENTRY(e), value ? value : "");
	gtk_entry_set_width_chars(GTK_ENTRY(e), width);
	gtk_entry_set_placeholder_text(GTK_ENTRY(e), name);
	gtk_widget_set_tooltip_text(e, name);
	gtk_size_group_add_widget(c->group[col], e);
	row->entry[col] = GTK_ENTRY(e);
	g_signal_connect(e, "changed", G_CALLBACK(on_field_changed), row);
	return e;
}

static GtkWidget *action_new(struct rule_row *row, const char *value, struct rule_columns *c)
{
	GtkWidget *combo = gtk_combo_box_text_new();
	gboolean known = FALSE;

	for (size_t i = 0; i < G_N_ELEMENTS(actions); i++) {
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), actions[i], actions[i]);
		known |= g_strcmp0(value, actions[i]) == 0;
	}
	/* An unknown action read from the file is kept, so its error can be shown and fixed. */
	if (!known && value)
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), value, value);
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(combo), value ? value : "deny");
	gtk_widget_set_tooltip_text(combo, "Action");
	gtk_size_group_add_widget(c->group[RULE_COL_ACTION], combo);
	row->action = GTK_COMBO_BOX_TEXT(combo);
	g_signal_connect(combo, "changed", G_CALLBACK(on_field_changed), row);
	return combo;
}

static void on_up(GtkButton *b, struct rule_row *row)
{
	row->cb->move(row, -1, row->data);
}

static void on_down(GtkButton *b, struct rule_row *row)
{
	row->cb->move(row, +1, row->data);
}

static void on_remove(GtkButton *b, struct rule_row *row)
{
	row->cb->remove(row, row->data);
}

static GtkWidget *icon_button(const char *icon, const char *tip, GCallback cb, gpointer data)
{
	GtkWidget *b = gtk_button_new_from_icon_name(icon, GTK_ICON_SIZE_BUTTON);

	gtk_widget_set_tooltip_text(b, tip);
	atk_object_set_name(gtk_widget_get_accessible(b), tip);
	gtk_button_set_relief(GTK_BUTTON(b), GTK_RELIEF_NONE);
	g_signal_connect(b, "clicked", cb, data);
	return b;
}

static GtkWidget *buttons_new(struct rule_row *row, struct rule_columns *c)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);

	row->up = icon_button("go-up-symbolic", "Move up", G_CALLBACK(on_up), row);
	row->down = icon_button("go-down-symbolic", "Move down", G_CALLBACK(on_down), row);
	gtk_box_pack_start(GTK_BOX(box), row->up, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), row->down, FALSE, FALSE, 0);
	gtk_box_pack_start(
		GTK_BOX(box),
		icon_button("user-trash-symbolic", "Remove rule", G_CALLBACK(on_remove), row),
		FALSE, FALSE, 0);
	gtk_size_group_add_widget(c->group[RULE_COL_ORIGIN], box);
	return box;
}

static GtkWidget *error_label_new(struct rule_row *row)
{
	GtkWidget *l = gtk_label_new(NULL);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
	gtk_style_context_add_class(gtk_widget_get_style_context(l), "bulkhead-error");
	gtk_widget_set_no_show_all(l, TRUE);
	row->error = GTK_LABEL(l);
	return l;
}

static GtkWidget *fields_new(struct rule_row *row, const struct policy_file_rule *r,
			     struct rule_columns *c)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkBox *b = GTK_BOX(box);

	gtk_box_pack_start(b, field_new(row, RULE_COL_ARGUMENT, r->argument, 6, "Argument", c),
			   FALSE, TRUE, 0);
	gtk_box_pack_start(b, field_new(row, RULE_COL_SOURCE, r->source, 15, "Source", c), FALSE,
			   TRUE, 0);
	gtk_box_pack_start(b, field_new(row, RULE_COL_TARGET, r->target, 15, "Target", c), FALSE,
			   TRUE, 0);
	gtk_box_pack_start(b, action_new(row, r->action, c), FALSE, TRUE, 0);
	gtk_box_pack_start(b, field_new(row, RULE_COL_PARAMS, r->params, 16, "Options", c), TRUE,
			   TRUE, 0);
	gtk_box_pack_start(b, buttons_new(row, c), FALSE, TRUE, 0);
	return box;
}

struct rule_row *rule_row_new(const struct policy_file_rule *r, struct rule_columns *cols,
			      const struct rule_row_callbacks *cb, gpointer data)
{
	struct rule_row *row = g_new0(struct rule_row, 1);
	GtkWidget *vbox = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);

	row->service = g_strdup(r->service);
	row->cb = cb;
	row->data = data;
	gtk_container_set_border_width(GTK_CONTAINER(vbox), 6);
	gtk_widget_set_margin_start(vbox, 6);
	gtk_box_pack_start(GTK_BOX(vbox), fields_new(row, r, cols), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(vbox), error_label_new(row), FALSE, FALSE, 0);
	row->widget = gtk_list_box_row_new();
	gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row->widget), FALSE);
	gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row->widget), FALSE);
	gtk_container_add(GTK_CONTAINER(row->widget), vbox);
	g_object_set_data_full(G_OBJECT(row->widget), "rule-row", row, row_free);
	gtk_widget_show_all(row->widget);
	return row;
}

GtkWidget *rule_row_widget(struct rule_row *row)
{
	return row->widget;
}

struct rule_row *rule_row_from_widget(GtkWidget *widget)
{
	return g_object_get_data(G_OBJECT(widget), "rule-row");
}

void rule_row_get(struct rule_row *row, struct policy_file_rule *ret)
{
	const char *action = gtk_combo_box_get_active_id(GTK_COMBO_BOX(row->action));

	ret->service = row->service;
	ret->argument = gtk_entry_get_text(row->entry[RULE_COL_ARGUMENT]);
	ret->source = gtk_entry_get_text(row->entry[RULE_COL_SOURCE]);
	ret->target = gtk_entry_get_text(row->entry[RULE_COL_TARGET]);
	ret->action = action ? action : "deny";
	ret->params = gtk_entry_get_text(row->entry[RULE_COL_PARAMS]);
}

void rule_row_set_error(struct rule_row *row, const char *message)
{
	gtk_label_set_text(row->error, message ? message : "");
	gtk_widget_set_visible(GTK_WIDGET(row->error), message != NULL);
	for (int i = 0; i < RULE_COL_COUNT; i++) {
		if (!row->entry[i])
			continue;
		GtkStyleContext *ctx = gtk_widget_get_style_context(GTK_WIDGET(row->entry[i]));
		if (message)
			gtk_style_context_add_class(ctx, GTK_STYLE_CLASS_WARNING);
		else
			gtk_style_context_remove_class(ctx, GTK_STYLE_CLASS_WARNING);
	}
}

void rule_row_focus(struct rule_row *row)
{
	gtk_widget_grab_focus(GTK_WIDGET(row->entry[RULE_COL_SOURCE]));
}

void rule_row_focus_move(struct rule_row *row, int delta)
{
	gtk_widget_grab_focus(delta < 0 ? row->up : row->down);
}

static char *origin_text(const struct policy_rule_info *info)
{
	if (strcmp(info->service, "*") == 0)
		return g_strdup_printf("%s:%u (any service)", gui_basename(info->file), info->line);
	return g_strdup_printf("%s:%u", gui_basename(info->file), info->line);
}

GtkWidget *rule_row_readonly_new(const struct policy_rule_info *info, struct rule_columns *c)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	g_autofree char *origin = origin_text(info);
	GtkWidget *row = gtk_list_box_row_new();
	GtkWidget *last;

	gtk_container_set_border_width(GTK_CONTAINER(box), 6);
	gtk_widget_set_margin_start(box, 6);
	gtk_box_pack_start(GTK_BOX(box), cell_label(info->argument, c, RULE_COL_ARGUMENT), FALSE,
			   TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), cell_label(info->source, c, RULE_COL_SOURCE), FALSE, TRUE,
			   0);
	gtk_box_pack_start(GTK_BOX(box), cell_label(info->target, c, RULE_COL_TARGET), FALSE, TRUE,
			   0);
	gtk_box_pack_start(GTK_BOX(box),
			   cell_label(policy_action_to_string(info->action), c, RULE_COL_ACTION),
			   FALSE, TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), cell_label(info->params, c, RULE_COL_PARAMS), TRUE, TRUE,
			   0);
	last = cell_label(origin, c, RULE_COL_ORIGIN);
	gui_label_dim(last);
	gtk_box_pack_start(GTK_BOX(box), last, FALSE, TRUE, 0);
	gtk_widget_set_tooltip_text(row, info->text);
	gtk_list_box_row_set_selectable(GTK_LIST_BOX_ROW(row), FALSE);
	gtk_container_add(GTK_CONTAINER(row), box);
	gtk_widget_show_all(row);
	return row;
}
