/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-settings: main() wires the application, its options and its actions. The actions
 * are what the buttons use, and GApplication exports them on the session bus
 * (org.gtk.Actions at /org/bulkhead/Settings), which is how the tests drive the real window:
 *   save, revert, select-page(s), select-service(s), add-rule((ssssss)), move-rule((sii))
 *   and remove-rule((si)) (what a row's buttons do: service, row index, delta),
 *   test-request((ssss)), select-vm(s), set-print-vm(s), quit; read-only states: problems
 *   (as), decision (s, JSON), manager (b: the VM list is shown), vms (as: its rows),
 *   vm-error (s), print-vm (s: the saved default print VM).
 */
#include <glib-unix.h>

#include "policy-page.h"
#include "settings.h"
#include "test-page.h"
#include "vms-page.h"

#define APP_ID "org.bulkhead.Settings"

static const char css[] = ".bulkhead-error { color: #c01c28; }";

static void on_save(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;
	g_autoptr(GError) error = NULL;

	if (settings_policy_save(s, &error) < 0)
		settings_window_error(s, error->message);
}

static void on_revert(GSimpleAction *a, GVariant *param, gpointer data)
{
	settings_policy_reload(data);
}

static void on_select_page(GSimpleAction *a, GVariant *param, gpointer data)
{
	settings_window_select_page(data, g_variant_get_string(param, NULL));
}

static void on_select_service(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;

	settings_window_select_page(s, "policy");
	policy_page_select_service(s->policy_page, g_variant_get_string(param, NULL));
}

static void on_add_rule(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;
	struct policy_file_rule r;

	g_variant_get(param, "(&s&s&s&s&s&s)", &r.service, &r.argument, &r.source, &r.target,
		      &r.action, &r.params);
	settings_window_select_page(s, "policy");
	policy_page_add_rule(s->policy_page, &r);
}

static void on_move_rule(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;
	const char *service;
	int index, delta;

	g_variant_get(param, "(&sii)", &service, &index, &delta);
	settings_window_select_page(s, "policy");
	policy_page_move_rule(s->policy_page, service, index, delta < 0 ? -1 : 1);
}

static void on_remove_rule(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;
	const char *service;
	int index;

	g_variant_get(param, "(&si)", &service, &index);
	settings_window_select_page(s, "policy");
	policy_page_remove_rule(s->policy_page, service, index);
}

static void on_test_request(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;
	const char *service, *argument, *source, *target;

	g_variant_get(param, "(&s&s&s&s)", &service, &argument, &source, &target);
	settings_window_select_page(s, "test");
	test_page_set_request(s->test_page, service, argument, source, target);
}

static void on_select_vm(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;

	settings_window_select_page(s, "vms");
	vms_page_select(s->vms_page, g_variant_get_string(param, NULL));
}

static void on_set_print_vm(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;

	settings_window_select_page(s, "vms");
	vms_page_set_print_vm(s->vms_page, g_variant_get_string(param, NULL));
}

static void on_quit(GSimpleAction *a, GVariant *param, gpointer data)
{
	struct settings *s = data;

	if (s->window)
		gtk_widget_destroy(GTK_WIDGET(s->window));
}

static const GActionEntry actions[] = {
	{ "save", on_save },
	{ "revert", on_revert },
	{ "select-page", on_select_page, "s" },
	{ "select-service", on_select_service, "s" },
	{ "add-rule", on_add_rule, "(ssssss)" },
	{ "move-rule", on_move_rule, "(sii)" },
	{ "remove-rule", on_remove_rule, "(si)" },
	{ "test-request", on_test_request, "(ssss)" },
	{ "select-vm", on_select_vm, "s" },
	{ "set-print-vm", on_set_print_vm, "s" },
	{ "quit", on_quit },
};

static GSimpleAction *state_action(struct settings *s, const char *name, GVariant *state)
{
	GSimpleAction *a = g_simple_action_new_stateful(name, NULL, state);

	/* Only a mirror of what the window shows; activating it does nothing. */
	g_simple_action_set_enabled(a, FALSE);
	g_action_map_add_action(G_ACTION_MAP(s->app), G_ACTION(a));
	g_object_unref(a);
	return a;
}

/* Ctrl+S, Ctrl+Q, and Alt+1..3 for the pages in the order of the switcher. */
static void add_accels(struct settings *s)
{
	static const char *const accels[][2] = {
		{ "app.save", "<Control>s" },	       { "app.quit", "<Control>q" },
		{ "app.select-page::vms", "<Alt>1" },  { "app.select-page::policy", "<Alt>2" },
		{ "app.select-page::test", "<Alt>3" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
		const char *const keys[] = { accels[i][1], NULL };
		gtk_application_set_accels_for_action(s->app, accels[i][0], keys);
	}
}

static void add_actions(struct settings *s)
{
	g_action_map_add_action_entries(G_ACTION_MAP(s->app), actions, G_N_ELEMENTS(actions), s);
	s->save_action = G_SIMPLE_ACTION(g_action_map_lookup_action(G_ACTION_MAP(s->app), "save"));
	g_simple_action_set_enabled(s->save_action, FALSE);
	s->problems_action = state_action(s, "problems", g_variant_new_strv(NULL, 0));
	s->decision_action = state_action(s, "decision", g_variant_new_string(""));
	s->manager_action = state_action(s, "manager", g_variant_new_boolean(FALSE));
	s->vms_action = state_action(s, "vms", g_variant_new_strv(NULL, 0));
	s->vm_error_action = state_action(s, "vm-error", g_variant_new_string(""));
	s->print_vm_action = state_action(s, "print-vm", g_variant_new_string(""));
	add_accels(s);
}

static void load_system_info_file(struct settings *s)
{
	g_autofree char *json = NULL;
	g_autoptr(GError) error = NULL;

	if (!s->system_info_file)
		return;
	if (!g_file_get_contents(s->system_info_file, &json, NULL, &error)) {
		g_warning("%s", error->message);
		return;
	}
	settings_set_system_info(s, json, s->system_info_file);
}

static void on_activate(GApplication *app, gpointer data)
{
	struct settings *s = data;

	if (s->window) {
		gtk_window_present(s->window);
		return;
	}
	settings_window_new(s);
	policy_page_rebuild(s->policy_page);
	test_page_set_choices(s->test_page, NULL);
	load_system_info_file(s);
	settings_window_select_page(s, "vms");
}

static gboolean on_quit_signal(gpointer app)
{
	g_application_quit(app);
	return G_SOURCE_CONTINUE;
}

static void on_startup(GApplication *app, gpointer data)
{
	struct settings *s = data;
	g_autoptr(GtkCssProvider) provider = gtk_css_provider_new();

	gtk_css_provider_load_from_data(provider, css, -1, NULL);
	gtk_style_context_add_provider_for_screen(gdk_screen_get_default(),
						  GTK_STYLE_PROVIDER(provider),
						  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
	add_actions(s);
	settings_policy_init(s);
	g_unix_signal_add(SIGTERM, on_quit_signal, app);
	g_unix_signal_add(SIGINT, on_quit_signal, app);
}

static void on_shutdown(GApplication *app, gpointer data)
{
	struct settings *s = data;

	/* The pages go first: their widgets call back into the document while they die. */
	if (s->window)
		gtk_widget_destroy(GTK_WIDGET(s->window));
	s->window = NULL;
	g_clear_pointer(&s->test_page, test_page_free);
	g_clear_pointer(&s->policy_page, policy_page_free);
	g_clear_pointer(&s->vms_page, vms_page_free);
	settings_policy_finish(s);
	g_clear_pointer(&s->info, policy_system_info_free);
}

static char **policy_dirs_opt;
static char *system_info_opt;

static const GOptionEntry options[] = {
	{ "policy-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &policy_dirs_opt,
	  "Read DIR instead of the default policy directories (repeatable; the last one is where "
	  "Save writes)",
	  "DIR" },
	{ "system-info", 0, 0, G_OPTION_ARG_FILENAME, &system_info_opt,
	  "The VM list for the tester, as system-info JSON, instead of asking the manager",
	  "FILE" },
	{ "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Show the version and exit", NULL },
	{ NULL },
};

static int set_dirs(struct settings *s)
{
	int n;

	if (policy_dirs_opt && policy_dirs_opt[0]) {
		s->dirs = g_strdupv(policy_dirs_opt);
		s->n_dirs = g_strv_length(s->dirs);
		return 0;
	}
	n = policy_default_dirs(&s->dirs);
	if (n <= 0) {
		g_printerr("bulkhead-settings: cannot find the policy directories\n");
		return 1;
	}
	s->n_dirs = (size_t)n;
	return 0;
}

static int on_local_options(GApplication *app, GVariantDict *opts, gpointer data)
{
	struct settings *s = data;

	if (g_variant_dict_contains(opts, "version")) {
		g_print("bulkhead-settings (Bulkhead) %s\n", BULKHEAD_VERSION);
		return 0;
	}
	s->system_info_file = g_strdup(system_info_opt);
	return set_dirs(s) ? 1 : -1;
}

static void settings_free_options(struct settings *s)
{
	g_clear_pointer(&policy_dirs_opt, g_strfreev);
	g_clear_pointer(&system_info_opt, g_free);
	g_free(s->system_info_file);
	g_free(s->info_source);
	/* Default dirs come from libpolicy (malloc), --policy-dir ones from GLib: both free(). */
	policy_strv_free(s->dirs);
}

int main(int argc, char **argv)
{
	struct settings s = { 0 };
	int r;

	g_set_prgname("bulkhead-settings");
	g_set_application_name("Bulkhead Settings");
	s.app = gtk_application_new(APP_ID, G_APPLICATION_DEFAULT_FLAGS);
	g_application_add_main_option_entries(G_APPLICATION(s.app), options);
	g_application_set_option_context_summary(G_APPLICATION(s.app),
						 "See Bulkhead's VMs and edit its policy.");
	g_signal_connect(s.app, "handle-local-options", G_CALLBACK(on_local_options), &s);
	g_signal_connect(s.app, "startup", G_CALLBACK(on_startup), &s);
	g_signal_connect(s.app, "activate", G_CALLBACK(on_activate), &s);
	g_signal_connect(s.app, "shutdown", G_CALLBACK(on_shutdown), &s);
	r = g_application_run(G_APPLICATION(s.app), argc, argv);
	g_object_unref(s.app);
	settings_free_options(&s);
	return r;
}
