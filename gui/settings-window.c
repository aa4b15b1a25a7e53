/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The settings window: a header bar with the page switcher (VMs, Policy, Test) and the policy's
 * Save/Revert buttons, and the three pages in a stack. Everything is reachable by keyboard:
 * Ctrl+S saves, Alt+1..3 switch pages (accelerators of app.select-page).
 */
#include "policy-page.h"
#include "settings.h"
#include "test-page.h"
#include "vms-page.h"

static GtkWidget *header_new(struct settings *s)
{
	GtkWidget *bar = gtk_header_bar_new();
	GtkWidget *switcher = gtk_stack_switcher_new();
	GtkWidget *save = gtk_button_new_with_label("Save"); /* Ctrl+S; Alt+S is Start */
	GtkWidget *revert = gtk_button_new_with_mnemonic("Re_vert");

	gtk_header_bar_set_show_close_button(GTK_HEADER_BAR(bar), TRUE);
	gtk_header_bar_set_title(GTK_HEADER_BAR(bar), "Bulkhead Settings");
	gtk_stack_switcher_set_stack(GTK_STACK_SWITCHER(switcher), s->stack);
	gtk_header_bar_set_custom_title(GTK_HEADER_BAR(bar), switcher);
	gtk_actionable_set_action_name(GTK_ACTIONABLE(save), "app.save");
	gtk_actionable_set_action_name(GTK_ACTIONABLE(revert), "app.revert");
	gtk_style_context_add_class(gtk_widget_get_style_context(save), "suggested-action");
	gtk_widget_set_tooltip_text(save, "Write your rules to the policy (Ctrl+S)");
	gtk_widget_set_tooltip_text(revert, "Forget unsaved changes");
	gtk_header_bar_pack_end(GTK_HEADER_BAR(bar), save);
	gtk_header_bar_pack_end(GTK_HEADER_BAR(bar), revert);
	return bar;
}

static void add_page(struct settings *s, GtkWidget *page, const char *name, const char *title)
{
	gtk_widget_show_all(page);
	gtk_stack_add_titled(s->stack, page, name, title);
}

static void on_destroy(GtkWidget *w, struct settings *s)
{
	s->window = NULL;
}

GtkWindow *settings_window_new(struct settings *s)
{
	GtkWidget *w = gtk_application_window_new(s->app);

	s->window = GTK_WINDOW(w);
	s->stack = GTK_STACK(gtk_stack_new());
	gtk_stack_set_transition_type(s->stack, GTK_STACK_TRANSITION_TYPE_NONE);
	s->vms_page = vms_page_new(s);
	s->policy_page = policy_page_new(s);
	s->test_page = test_page_new(s);
	add_page(s, vms_page_widget(s->vms_page), "vms", "VMs");
	add_page(s, policy_page_widget(s->policy_page), "policy", "Policy");
	add_page(s, test_page_widget(s->test_page), "test", "Test");
	gtk_window_set_titlebar(s->window, header_new(s));
	gtk_window_set_title(s->window, "Bulkhead Settings");
	gtk_window_set_icon_name(s->window, "bulkhead");
	gtk_window_set_default_size(s->window, 1100, 680);
	gtk_container_add(GTK_CONTAINER(w), GTK_WIDGET(s->stack));
	g_signal_connect(w, "destroy", G_CALLBACK(on_destroy), s);
	gtk_widget_show_all(w);
	return s->window;
}

void settings_window_select_page(struct settings *s, const char *name)
{
	if (gtk_stack_get_child_by_name(s->stack, name))
		gtk_stack_set_visible_child_name(s->stack, name);
}

void settings_window_error(struct settings *s, const char *text)
{
	GtkWidget *d = gtk_message_dialog_new(s->window, GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR,
					      GTK_BUTTONS_CLOSE, "%s", "Could not save the policy");

	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", text);
	g_signal_connect(d, "response", G_CALLBACK(gtk_widget_destroy), NULL);
	gtk_window_present(GTK_WINDOW(d));
}
