/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Policy page. Each service's view keeps its editable rows in a list box whose order is
 * the order of the generated file; every edit regenerates that file's text as a draft, and
 * settings_policy_set_draft() re-validates the whole policy, which comes back here through
 * policy_page_show_errors(). Rows are never rebuilt while the person types, so focus stays.
 */
#include <string.h>

#include "validate.h"
#include "gui-util.h"
#include "policy-page.h"
#include "rule-row.h"

/* The services every installation has, first in the sidebar and always present. */
static const char *const core_services[] = { "bulkhead.OpenURL", "bulkhead.Filecopy",
					     "bulkhead.ClipboardPaste" };

struct service_view {
	struct policy_page *page;
	char *service;
	char *file_name; /* the GUI's file for this service */
	GtkWidget *box;	 /* the stack child */
	GtkListBox *before, *mine, *after;
	GtkWidget *before_section, *after_section;
	struct rule_columns cols;
};

struct policy_page {
	struct settings *s;
	GtkWidget *root;
	GtkInfoBar *problems;
	GtkLabel *problems_label;
	GtkStack *stack;
	GHashTable *views;	   /* service -> struct service_view */
	GHashTable *views_by_file; /* file name -> struct service_view (not owned) */
	GPtrArray *problem_lines;  /* what the page shows, for settings_publish_problems */
};

static const struct rule_row_callbacks row_callbacks;

static void view_free(gpointer data)
{
	struct service_view *v = data;

	rule_columns_finish(&v->cols);
	g_free(v->service);
	g_free(v->file_name);
	g_free(v);
}

/* Regenerate the GUI file's text from the rows and hand it over as a draft. */
static void view_changed(struct service_view *v)
{
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(v->mine));
	g_autoptr(GArray) rules = g_array_new(FALSE, TRUE, sizeof(struct policy_file_rule));
	g_autofree char *text = NULL;

	for (GList *l = children; l; l = l->next) {
		struct policy_file_rule r;
		rule_row_get(rule_row_from_widget(l->data), &r);
		g_array_append_val(rules, r);
	}
	text = policy_file_render((const struct policy_file_rule *)(void *)rules->data, rules->len);
	settings_policy_set_draft(v->page->s, v->file_name, text);
}

static void on_row_changed(struct rule_row *row, gpointer data)
{
	view_changed(data);
}

static void on_row_move(struct rule_row *row, int delta, gpointer data)
{
	struct service_view *v = data;
	GtkWidget *w = rule_row_widget(row);
	int pos = gtk_list_box_row_get_index(GTK_LIST_BOX_ROW(w)) + delta;
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(v->mine));

	if (pos < 0 || pos >= (int)g_list_length(children))
		return;
	g_object_ref(w);
	gtk_container_remove(GTK_CONTAINER(v->mine), w);
	gtk_list_box_insert(v->mine, w, pos);
	g_object_unref(w);
	/* Keep the keyboard on the button, so repeated presses keep moving the same rule. */
	rule_row_focus_move(row, delta);
	view_changed(v);
}

static void on_row_remove(struct rule_row *row, gpointer data)
{
	struct service_view *v = data;

	gtk_widget_destroy(rule_row_widget(row));
	view_changed(v);
}

static const struct rule_row_callbacks row_callbacks = {
	.changed = on_row_changed,
	.move = on_row_move,
	.remove = on_row_remove,
};

static void view_append_editable(struct service_view *v, const struct policy_file_rule *r)
{
	struct rule_row *row = rule_row_new(r, &v->cols, &row_callbacks, v);

	gtk_container_add(GTK_CONTAINER(v->mine), rule_row_widget(row));
}

/* A new row of the user's own, focused for editing. */
static void add_own_rule(struct service_view *v, const char *target, const char *action)
{
	const struct policy_file_rule r = {
		.service = v->service,
		.argument = "*",
		.source = "@anyvm",
		.target = target,
		.action = action,
		.params = "",
	};
	g_autoptr(GList) children = NULL;

	view_append_editable(v, &r);
	children = gtk_container_get_children(GTK_CONTAINER(v->mine));
	rule_row_focus(rule_row_from_widget(g_list_last(children)->data));
	view_changed(v);
}

static void on_add_clicked(GtkButton *button, struct service_view *v)
{
	add_own_rule(v, "@anyvm", "ask");
}

/* Qubes' habit for links and attachments: whatever asks, a new disposable opens it. */
static void on_disposable_clicked(GtkButton *button, struct service_view *v)
{
	add_own_rule(v, "@dispvm", "allow");
}

static gboolean opens_things(const char *service)
{
	return g_str_equal(service, "bulkhead.OpenURL") ||
	       g_str_equal(service, "bulkhead.OpenInVM");
}

static GtkWidget *list_new(GtkListBox **out, const char *placeholder)
{
	GtkWidget *list = gtk_list_box_new();
	GtkWidget *frame = gtk_frame_new(NULL);

	gtk_list_box_set_selection_mode(GTK_LIST_BOX(list), GTK_SELECTION_NONE);
	if (placeholder) {
		GtkWidget *l = gtk_label_new(placeholder);
		gui_label_dim(l);
		gtk_widget_set_margin_top(l, 12);
		gtk_widget_set_margin_bottom(l, 12);
		gtk_widget_show(l);
		gtk_list_box_set_placeholder(GTK_LIST_BOX(list), l);
	}
	gtk_container_add(GTK_CONTAINER(frame), list);
	*out = GTK_LIST_BOX(list);
	return frame;
}

static GtkWidget *section_title(const char *text)
{
	GtkWidget *l = gtk_label_new(text);

	gtk_label_set_xalign(GTK_LABEL(l), 0);
	gui_label_set_emphasis(GTK_LABEL(l), 1.0);
	gtk_widget_set_margin_top(l, 6);
	return l;
}

/* A read-only section ("checked before/after yours"), hidden while it has no rows. */
static GtkWidget *readonly_section(struct service_view *v, const char *title, GtkListBox **list)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);

	gtk_box_pack_start(GTK_BOX(box), section_title(title), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), rule_columns_header_new(&v->cols, "From"), FALSE, FALSE,
			   0);
	gtk_box_pack_start(GTK_BOX(box), list_new(list, NULL), FALSE, FALSE, 0);
	/* Hidden until a rule lands in it; show_all() of the page must not reveal it. */
	gtk_widget_show_all(box);
	gtk_widget_hide(box);
	gtk_widget_set_no_show_all(box, TRUE);
	return box;
}

static GtkWidget *view_heading(struct service_view *v)
{
	const char *title = gui_service_title(v->service);
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
	GtkWidget *t = gtk_label_new(title ? title : v->service);
	g_autofree char *sub = g_strdup_printf(
		"%s. The first rule that matches a request decides; no match denies.", v->service);
	GtkWidget *s = gtk_label_new(sub);

	gtk_label_set_xalign(GTK_LABEL(t), 0);
	gui_label_set_emphasis(GTK_LABEL(t), 1.3);
	gtk_label_set_xalign(GTK_LABEL(s), 0);
	gtk_label_set_line_wrap(GTK_LABEL(s), TRUE);
	gui_label_dim(s);
	gtk_box_pack_start(GTK_BOX(box), t, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), s, FALSE, FALSE, 0);
	return box;
}

static GtkWidget *mine_section(struct service_view *v)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	g_autofree char *title = g_strdup_printf("Your rules (%s)", v->file_name);
	GtkWidget *add = gtk_button_new_with_mnemonic("_Add Rule");
	GtkWidget *add_box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);

	gtk_box_pack_start(GTK_BOX(box), section_title(title), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), rule_columns_header_new(&v->cols, ""), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), list_new(&v->mine, "No rules of your own yet."), FALSE,
			   FALSE, 0);
	g_signal_connect(add, "clicked", G_CALLBACK(on_add_clicked), v);
	gtk_box_pack_end(GTK_BOX(add_box), add, FALSE, FALSE, 0);
	if (opens_things(v->service)) {
		GtkWidget *dvm = gtk_button_new_with_mnemonic("Open in a _Disposable");
		gtk_widget_set_tooltip_text(dvm,
					    "Add a rule: what any VM opens this way opens in a "
					    "new disposable VM (@dispvm), without asking");
		g_signal_connect(dvm, "clicked", G_CALLBACK(on_disposable_clicked), v);
		gtk_box_pack_end(GTK_BOX(add_box), dvm, FALSE, FALSE, 6);
	}
	gtk_box_pack_start(GTK_BOX(box), add_box, FALSE, FALSE, 0);
	return box;
}

static GtkWidget *view_content(struct service_view *v)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
	GtkWidget *scroll = gtk_scrolled_window_new(NULL, NULL);

	gtk_container_set_border_width(GTK_CONTAINER(box), 18);
	gtk_box_pack_start(GTK_BOX(box), view_heading(v), FALSE, FALSE, 0);
	v->before_section = readonly_section(v, "Checked before your rules", &v->before);
	gtk_box_pack_start(GTK_BOX(box), v->before_section, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), mine_section(v), FALSE, FALSE, 0);
	v->after_section = readonly_section(v, "Checked after your rules", &v->after);
	gtk_box_pack_start(GTK_BOX(box), v->after_section, FALSE, FALSE, 0);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_container_add(GTK_CONTAINER(scroll), box);
	return scroll;
}

static struct service_view *view_get(struct policy_page *p, const char *service)
{
	struct service_view *v = g_hash_table_lookup(p->views, service);
	const char *title;

	if (v)
		return v;
	v = g_new0(struct service_view, 1);
	v->page = p;
	v->service = g_strdup(service);
	v->file_name = policy_file_name_for_service(service);
	rule_columns_init(&v->cols);
	v->box = view_content(v);
	gtk_widget_show_all(v->box);
	title = gui_service_title(service);
	gtk_stack_add_titled(p->stack, v->box, service, title ? title : service);
	g_hash_table_insert(p->views, v->service, v);
	g_hash_table_insert(p->views_by_file, v->file_name, v);
	return v;
}

static void list_clear(GtkListBox *list)
{
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(list));

	for (GList *l = children; l; l = l->next)
		gtk_widget_destroy(l->data);
}

static void view_clear(gpointer key, gpointer value, gpointer user_data)
{
	struct service_view *v = value;

	list_clear(v->before);
	list_clear(v->mine);
	list_clear(v->after);
}

/* A rule of another file, shown on every page it concerns, above or below the GUI's rules
 * depending on where its file sorts (files are read in byte order of their names). */
static void place_readonly(struct service_view *v, const struct policy_rule_info *info)
{
	gboolean before = strcmp(gui_basename(info->file), v->file_name) < 0;
	GtkListBox *list = before ? v->before : v->after;

	gtk_container_add(GTK_CONTAINER(list), rule_row_readonly_new(info, &v->cols));
	gtk_widget_show(before ? v->before_section : v->after_section);
}

static void spread_readonly(struct policy_page *p, const struct policy_rule_info *info)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, p->views);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct service_view *v = value;
		if (strcmp(info->service, "*") == 0 || strcmp(info->service, v->service) == 0)
			place_readonly(v, info);
	}
}

static struct service_view *editable_view(struct policy_page *p,
					  const struct policy_rule_info *info)
{
	g_autofree char *dir = g_path_get_dirname(info->file);
	struct service_view *v = g_hash_table_lookup(p->views_by_file, gui_basename(info->file));

	/* Only the GUI's file in the user's directory is edited here; a same-named file in
	 * /etc is someone else's, shown read-only. */
	if (!v || strcmp(dir, settings_user_dir(p->s)) != 0)
		return NULL;
	return v;
}

static void place_rule(struct policy_page *p, const struct policy_rule_info *info)
{
	struct service_view *v = editable_view(p, info);
	struct policy_file_rule r = {
		.service = info->service,
		.argument = info->argument,
		.source = info->source,
		.target = info->target,
		.params = info->params,
		.action = policy_action_to_string(info->action),
	};

	if (v)
		view_append_editable(v, &r);
	else
		spread_readonly(p, info);
}

static int compare_strp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void create_views(struct policy_page *p)
{
	const struct policy *pol = p->s->policy;
	struct policy_rule_info info;
	g_autoptr(GPtrArray) others = g_ptr_array_new();

	for (size_t i = 0; i < G_N_ELEMENTS(core_services); i++)
		view_get(p, core_services[i]);
	for (size_t i = 0; pol && i < policy_rule_count(pol); i++)
		if (policy_rule_get(pol, i, &info) >= 0 && strcmp(info.service, "*") != 0)
			g_ptr_array_add(others, (gpointer)info.service);
	/* Other services after the core ones, alphabetically. */
	g_ptr_array_sort(others, compare_strp);
	for (guint i = 0; i < others->len; i++)
		view_get(p, others->pdata[i]);
}

void policy_page_rebuild(struct policy_page *p)
{
	const struct policy *pol = p->s->policy;
	struct policy_rule_info info;

	g_hash_table_foreach(p->views, view_clear, NULL);
	create_views(p);
	for (size_t i = 0; pol && i < policy_rule_count(pol); i++)
		if (policy_rule_get(pol, i, &info) >= 0)
			place_rule(p, &info);
	policy_page_show_errors(p);
}

static void clear_row_errors(gpointer key, gpointer value, gpointer user_data)
{
	struct service_view *v = value;
	g_autoptr(GList) children = gtk_container_get_children(GTK_CONTAINER(v->mine));

	for (GList *l = children; l; l = l->next)
		rule_row_set_error(rule_row_from_widget(l->data), NULL);
}

/* The editable row an error is about, if it is on a line the GUI generated. */
static struct rule_row *row_for_error(struct policy_page *p, const struct policy_error *e)
{
	struct service_view *v = g_hash_table_lookup(p->views_by_file, gui_basename(e->file));
	GtkListBoxRow *row;

	if (!v || e->line <= POLICY_FILE_HEADER_LINES)
		return NULL;
	row = gtk_list_box_get_row_at_index(v->mine, (int)(e->line - POLICY_FILE_HEADER_LINES - 1));
	return row ? rule_row_from_widget(GTK_WIDGET(row)) : NULL;
}

static void show_problems_bar(struct policy_page *p, GString *text)
{
	if (text->len == 0) {
		gtk_widget_hide(GTK_WIDGET(p->problems));
		return;
	}
	g_string_prepend(text,
			 "The policy has errors. Nothing can be saved until they are "
			 "fixed, and while a saved file is broken every request is denied.\n");
	gtk_label_set_text(p->problems_label, text->str);
	gtk_widget_show(GTK_WIDGET(p->problems));
}

void policy_page_show_errors(struct policy_page *p)
{
	const struct policy *pol = p->s->policy;
	g_autoptr(GString) bar = g_string_new(NULL);

	g_hash_table_foreach(p->views, clear_row_errors, NULL);
	g_ptr_array_set_size(p->problem_lines, 0);
	for (size_t i = 0; pol && i < policy_error_count(pol); i++) {
		const struct policy_error *e = policy_error_get(pol, i);
		char *line = g_strdup_printf("%s:%u: %s", e->file, e->line, e->message);
		struct rule_row *row = row_for_error(p, e);
		g_ptr_array_add(p->problem_lines, line);
		if (row)
			rule_row_set_error(row, e->message);
		else
			g_string_append_printf(bar, "\n%s", line);
	}
	show_problems_bar(p, bar);
	settings_publish_problems(p->s, p->problem_lines);
}

gboolean policy_page_select_service(struct policy_page *p, const char *service)
{
	struct service_view *v = g_hash_table_lookup(p->views, service);

	if (!v)
		return FALSE;
	gtk_stack_set_visible_child(p->stack, v->box);
	return TRUE;
}

/* A page made after loading still shows the rules for any service ("*") from other files. */
static void add_wildcard_rules(struct policy_page *p, struct service_view *v)
{
	const struct policy *pol = p->s->policy;
	struct policy_rule_info info;

	for (size_t i = 0; pol && i < policy_rule_count(pol); i++)
		if (policy_rule_get(pol, i, &info) >= 0 && strcmp(info.service, "*") == 0 &&
		    !editable_view(p, &info))
			place_readonly(v, &info);
}

void policy_page_add_rule(struct policy_page *p, const struct policy_file_rule *rule)
{
	gboolean is_new = !g_hash_table_contains(p->views, rule->service);
	struct service_view *v = view_get(p, rule->service);

	if (is_new)
		add_wildcard_rules(p, v);
	view_append_editable(v, rule);
	policy_page_select_service(p, rule->service);
	view_changed(v);
}

static struct rule_row *own_row(struct policy_page *p, const char *service, int index,
				struct service_view **ret_view)
{
	struct service_view *v = g_hash_table_lookup(p->views, service);
	GtkListBoxRow *row = v && index >= 0 ? gtk_list_box_get_row_at_index(v->mine, index) : NULL;

	*ret_view = v;
	return row ? rule_row_from_widget(GTK_WIDGET(row)) : NULL;
}

gboolean policy_page_move_rule(struct policy_page *p, const char *service, int index, int delta)
{
	struct service_view *v;
	struct rule_row *row = own_row(p, service, index, &v);

	if (!row)
		return FALSE;
	policy_page_select_service(p, service);
	on_row_move(row, delta, v);
	return TRUE;
}

gboolean policy_page_remove_rule(struct policy_page *p, const char *service, int index)
{
	struct service_view *v;
	struct rule_row *row = own_row(p, service, index, &v);

	if (!row)
		return FALSE;
	policy_page_select_service(p, service);
	on_row_remove(row, v);
	return TRUE;
}

GPtrArray *policy_page_services(struct policy_page *p)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer key;

	g_hash_table_iter_init(&it, p->views);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_ptr_array_add(a, key);
	g_ptr_array_sort(a, compare_strp);
	return a;
}

static GtkWidget *problems_bar_new(struct policy_page *p)
{
	GtkWidget *bar = gtk_info_bar_new();
	GtkWidget *label = gtk_label_new(NULL);

	gtk_info_bar_set_message_type(GTK_INFO_BAR(bar), GTK_MESSAGE_ERROR);
	gtk_label_set_xalign(GTK_LABEL(label), 0);
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	gtk_label_set_selectable(GTK_LABEL(label), TRUE);
	gtk_container_add(GTK_CONTAINER(gtk_info_bar_get_content_area(GTK_INFO_BAR(bar))), label);
	gtk_widget_show_all(bar);
	gtk_widget_hide(bar);
	gtk_widget_set_no_show_all(bar, TRUE);
	p->problems = GTK_INFO_BAR(bar);
	p->problems_label = GTK_LABEL(label);
	return bar;
}

gboolean policy_page_add_service(struct policy_page *p, const char *service)
{
	gboolean is_new;

	if (!service_name_is_valid(service))
		return FALSE;
	is_new = !g_hash_table_contains(p->views, service);
	if (is_new)
		add_wildcard_rules(p, view_get(p, service));
	return policy_page_select_service(p, service);
}

static void on_other_service(GtkEntry *entry, struct policy_page *p)
{
	if (policy_page_add_service(p, gtk_entry_get_text(entry)))
		gtk_entry_set_text(entry, "");
	else
		gtk_widget_error_bell(GTK_WIDGET(entry));
}

/* The sidebar, and under it an entry for a service the policy does not name yet. */
static GtkWidget *sidebar_new(struct policy_page *p)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	GtkWidget *sidebar = gtk_stack_sidebar_new();
	GtkWidget *other = gtk_entry_new();

	gtk_stack_sidebar_set_stack(GTK_STACK_SIDEBAR(sidebar), p->stack);
	gtk_entry_set_placeholder_text(GTK_ENTRY(other), "Other service…");
	gtk_widget_set_tooltip_text(other, "Type a service name (e.g. bulkhead.Print) and press "
					   "Enter to edit its rules");
	gtk_container_set_border_width(GTK_CONTAINER(box), 0);
	gtk_widget_set_margin_start(other, 6);
	gtk_widget_set_margin_end(other, 6);
	gtk_widget_set_margin_bottom(other, 6);
	g_signal_connect(other, "activate", G_CALLBACK(on_other_service), p);
	gtk_box_pack_start(GTK_BOX(box), sidebar, TRUE, TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), other, FALSE, FALSE, 0);
	gtk_widget_set_size_request(box, 190, -1);
	return box;
}

static GtkWidget *body_new(struct policy_page *p)
{
	GtkWidget *hbox = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);

	p->stack = GTK_STACK(gtk_stack_new());
	gtk_box_pack_start(GTK_BOX(hbox), sidebar_new(p), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(hbox), gtk_separator_new(GTK_ORIENTATION_VERTICAL), FALSE, FALSE,
			   0);
	gtk_box_pack_start(GTK_BOX(hbox), GTK_WIDGET(p->stack), TRUE, TRUE, 0);
	return hbox;
}

struct policy_page *policy_page_new(struct settings *s)
{
	struct policy_page *p = g_new0(struct policy_page, 1);

	p->s = s;
	p->views = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, view_free);
	p->views_by_file = g_hash_table_new(g_str_hash, g_str_equal);
	p->problem_lines = g_ptr_array_new_with_free_func(g_free);
	p->root = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
	gtk_box_pack_start(GTK_BOX(p->root), problems_bar_new(p), FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(p->root), body_new(p), TRUE, TRUE, 0);
	g_object_ref_sink(p->root);
	return p;
}

void policy_page_free(struct policy_page *p)
{
	if (!p)
		return;
	g_object_unref(p->root);
	g_hash_table_unref(p->views_by_file);
	g_hash_table_unref(p->views);
	g_ptr_array_unref(p->problem_lines);
	g_free(p);
}

GtkWidget *policy_page_widget(struct policy_page *p)
{
	return p->root;
}
