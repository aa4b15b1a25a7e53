/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-settings' shared state: the policy being edited (files on disk plus the unsaved
 * drafts of the GUI's own files), the VM list for the tester, and the pages that show them.
 * The pages never talk to each other; they call settings_*() and are told of changes.
 */
#pragma once

/* Bulkhead's headers before GTK's: GLib redefines MIN/MAX cleanly, the reverse warns. */
#include "policy.h"
#include <gtk/gtk.h>

struct policy_page;
struct test_page;
struct vms_page;

struct settings {
	GtkApplication *app;
	GtkWindow *window;
	GtkStack *stack;
	char **dirs; /* policy dirs in order; the last one is the user's, where Save writes */
	size_t n_dirs;
	char *system_info_file; /* --system-info: VM list for the tester instead of the manager */
	struct policy_system_info *info; /* NULL until known */
	char *info_source;		 /* where info came from, for the tester's note */
	GHashTable *drafts;		 /* file base name -> unsaved text ("" + removed: NULL) */
	struct policy *policy;		 /* disk files with the drafts applied */
	GPtrArray *monitors; /* GFileMonitor of each policy dir: other files change under us */
	guint reload_id;     /* pending reload after a burst of changes */
	GSimpleAction *save_action;
	GSimpleAction *problems_action; /* state: the errors the window shows */
	GSimpleAction *decision_action; /* state: the tester's shown result */
	GSimpleAction *manager_action;	/* state: is the manager's VM list shown (b) */
	GSimpleAction *vm_error_action; /* state: the manager error the VMs page shows (s) */
	GSimpleAction *vms_action; /* state: the VM rows shown, "name state label class template" */
	GSimpleAction *print_vm_action; /* state: the saved default print VM (s) */
	struct policy_page *policy_page;
	struct test_page *test_page;
	struct vms_page *vms_page;
};

/* settings-policy.c: the policy document. */
void settings_policy_init(struct settings *s);
void settings_policy_finish(struct settings *s);
/* Replace (text) or drop (NULL text: back to the file on disk) the draft of one GUI file, then
 * re-validate the whole policy and tell the pages. */
void settings_policy_set_draft(struct settings *s, const char *name, const char *text);
/* Reload from disk, dropping drafts. */
void settings_policy_reload(struct settings *s);
/* Write every draft atomically if the whole policy is valid; 0 or -errno (-EINVAL: invalid). */
int settings_policy_save(struct settings *s, GError **error);
/* The user's policy directory (the last one). */
const char *settings_user_dir(const struct settings *s);
/* Use this VM list (JSON) for the tester; takes nothing, copies what it needs. */
void settings_set_system_info(struct settings *s, const char *json, const char *source);
/* Publish the errors currently shown (problems action state). */
void settings_publish_problems(struct settings *s, GPtrArray *lines);

/* settings-window.c */
GtkWindow *settings_window_new(struct settings *s);
void settings_window_select_page(struct settings *s, const char *name);
/* Show a transient error message in the window. */
void settings_window_error(struct settings *s, const char *text);
