/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-ask: the policy agent. Owns org.bulkhead.PolicyAgent1 on the session bus and turns
 * each Ask() into a dialog. Requests are answered one at a time, in arrival order; each has its
 * own deadline from the moment it arrived, so a queued request that times out is denied without
 * ever being shown, and the caller (which gives up after its own timeout) always gets a reply.
 *
 * Trust: the caller is the policy daemon; the request's strings came from a VM and are only
 * displayed (see ask-dialog.c). main() only wires.
 */
#include <glib-unix.h>
#include <string.h>

#include "ask-dialog.h"
#include "ask-request.h"

#define AGENT_NAME "org.bulkhead.PolicyAgent1"
#define AGENT_PATH "/org/bulkhead/PolicyAgent1"

static const char agent_xml[] = "<node>"
				" <interface name='org.bulkhead.PolicyAgent1'>"
				"  <method name='Ask'>"
				"   <arg direction='in' type='s' name='source'/>"
				"   <arg direction='in' type='s' name='service'/>"
				"   <arg direction='in' type='s' name='argument'/>"
				"   <arg direction='in' type='s' name='requested_target'/>"
				"   <arg direction='in' type='as' name='targets'/>"
				"   <arg direction='in' type='s' name='default_target'/>"
				"   <arg direction='in' type='a{ss}' name='details'/>"
				"   <arg direction='out' type='b' name='allowed'/>"
				"   <arg direction='out' type='s' name='target'/>"
				"  </method>"
				" </interface>"
				"</node>";

struct agent {
	GtkApplication *app;
	GQueue waiting;		     /* struct ask_request *, not yet shown */
	struct ask_request *current; /* shown in dialog */
	GtkWidget *dialog;
	guint registration_id;
};

static void show_next(struct agent *a);

static void update_waiting(struct agent *a)
{
	if (a->dialog)
		ask_dialog_set_waiting(a->dialog, g_queue_get_length(&a->waiting));
}

/* Reply, forget the request, and let the application exit again once nothing is pending. */
static void finish(struct agent *a, struct ask_request *req, gboolean allowed, const char *target)
{
	ask_request_reply(req, allowed, target);
	if (req == a->current) {
		a->current = NULL;
		g_clear_pointer(&a->dialog, gtk_widget_destroy);
	} else {
		g_queue_remove(&a->waiting, req);
	}
	ask_request_free(req);
	g_application_release(G_APPLICATION(a->app));
	show_next(a);
}

static void on_answer(struct ask_request *req, gboolean allowed, const char *target,
		      gpointer user_data)
{
	finish(user_data, req, allowed, target);
}

struct timeout_ctx {
	struct agent *agent;
	struct ask_request *req;
};

static gboolean on_timeout(gpointer user_data)
{
	struct timeout_ctx *t = user_data;

	t->req->timeout_id = 0;
	g_message("request from %s timed out: denied", t->req->source);
	finish(t->agent, t->req, FALSE, "");
	return G_SOURCE_REMOVE;
}

static void show_next(struct agent *a)
{
	if (a->current || g_queue_is_empty(&a->waiting)) {
		update_waiting(a);
		return;
	}
	a->current = g_queue_pop_head(&a->waiting);
	a->dialog = ask_dialog_new(a->app, a->current, on_answer, a);
	update_waiting(a);
	gtk_window_present(GTK_WINDOW(a->dialog));
}

static void start_timeout(struct agent *a, struct ask_request *req)
{
	struct timeout_ctx *t = g_new0(struct timeout_ctx, 1);

	t->agent = a;
	t->req = req;
	req->timeout_id = g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, req->timeout_s, on_timeout,
						     t, g_free);
}

static void handle_ask(struct agent *a, GDBusMethodInvocation *inv, GVariant *parameters)
{
	struct ask_request *req = ask_request_new(inv, parameters);

	g_application_hold(G_APPLICATION(a->app));
	start_timeout(a, req);
	g_queue_push_tail(&a->waiting, req);
	show_next(a);
}

static void on_method_call(GDBusConnection *conn, const char *sender, const char *path,
			   const char *iface, const char *method, GVariant *parameters,
			   GDBusMethodInvocation *inv, gpointer user_data)
{
	if (strcmp(method, "Ask") == 0) {
		handle_ask(user_data, inv, parameters);
		return;
	}
	g_dbus_method_invocation_return_error(inv, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
					      "No such method: %s", method);
}

/* SIGTERM and SIGINT quit cleanly, so pending callers get their deny before the agent goes. */
static gboolean on_quit_signal(gpointer user_data)
{
	g_application_quit(G_APPLICATION(user_data));
	return G_SOURCE_CONTINUE;
}

static const GDBusInterfaceVTable agent_vtable = { .method_call = on_method_call };

/* Sets up what needs a display; the D-Bus object is already exported (agent_dbus_register). */
static void on_startup(GApplication *app, gpointer user_data)
{
	/* A resident agent: it stays until killed or the session ends. */
	g_application_hold(app);
	g_unix_signal_add(SIGTERM, on_quit_signal, app);
	g_unix_signal_add(SIGINT, on_quit_signal, app);
}

/*
 * GApplication calls this before it requests the bus name. Exporting the object any later
 * (in "startup") would let an Ask() that triggered D-Bus activation arrive first and be
 * refused by GDBus as an unknown interface.
 */
static gboolean agent_dbus_register(GApplication *app, GDBusConnection *conn, const char *path,
				    GError **error)
{
	struct agent *a = g_object_get_data(G_OBJECT(app), "agent");
	g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml(agent_xml, NULL);

	a->registration_id = g_dbus_connection_register_object(
		conn, AGENT_PATH, node->interfaces[0], &agent_vtable, a, NULL, error);
	return a->registration_id != 0;
}

static void agent_dbus_unregister(GApplication *app, GDBusConnection *conn, const char *path)
{
	struct agent *a = g_object_get_data(G_OBJECT(app), "agent");

	if (a->registration_id)
		g_dbus_connection_unregister_object(conn, a->registration_id);
	a->registration_id = 0;
}

/* The smallest GtkApplication subclass that can hook dbus_register. */
typedef GtkApplication AgentApp;
typedef GtkApplicationClass AgentAppClass;
GType agent_app_get_type(void);
G_DEFINE_TYPE(AgentApp, agent_app, GTK_TYPE_APPLICATION)

static void agent_app_init(AgentApp *self)
{
}

static void agent_app_class_init(AgentAppClass *klass)
{
	G_APPLICATION_CLASS(klass)->dbus_register = agent_dbus_register;
	G_APPLICATION_CLASS(klass)->dbus_unregister = agent_dbus_unregister;
}

static void on_shutdown(GApplication *app, gpointer user_data)
{
	struct agent *a = user_data;
	struct ask_request *req;

	/* Whatever is still pending is denied (ask_request_free replies). */
	g_clear_pointer(&a->dialog, gtk_widget_destroy);
	g_clear_pointer(&a->current, ask_request_free);
	while ((req = g_queue_pop_head(&a->waiting)))
		ask_request_free(req);
}

static void on_activate(GApplication *app, gpointer user_data)
{
	/* Nothing to show until a request comes; started again, the agent just keeps running. */
}

static const GOptionEntry options[] = {
	{ "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Show the version and exit", NULL },
	{ NULL },
};

static int on_local_options(GApplication *app, GVariantDict *opts, gpointer user_data)
{
	if (g_variant_dict_contains(opts, "version")) {
		g_print("bulkhead-ask (Bulkhead) %s\n", BULKHEAD_VERSION);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct agent a = { 0 };
	int r;

	g_set_prgname("bulkhead-ask");
	a.app = g_object_new(agent_app_get_type(), "application-id", AGENT_NAME, "flags",
			     G_APPLICATION_DEFAULT_FLAGS, NULL);
	g_object_set_data(G_OBJECT(a.app), "agent", &a);
	g_application_add_main_option_entries(G_APPLICATION(a.app), options);
	g_application_set_option_context_summary(G_APPLICATION(a.app),
						 "Answer Bulkhead's policy questions (ask rules).");
	g_signal_connect(a.app, "handle-local-options", G_CALLBACK(on_local_options), &a);
	g_signal_connect(a.app, "startup", G_CALLBACK(on_startup), &a);
	g_signal_connect(a.app, "shutdown", G_CALLBACK(on_shutdown), &a);
	g_signal_connect(a.app, "activate", G_CALLBACK(on_activate), &a);
	r = g_application_run(G_APPLICATION(a.app), argc, argv);
	g_object_unref(a.app);
	return r;
}
