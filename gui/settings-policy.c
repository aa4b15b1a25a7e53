/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy document of bulkhead-settings: the files on disk, the drafts of the GUI's own
 * files, and the policy libpolicy loads from both. Every draft change reloads the WHOLE policy
 * with the drafts as in-memory overrides, so an error anywhere (the edited rule, or a broken
 * file elsewhere) is seen before anything is written, and Save stays disabled until there is
 * none: the policy daemon only ever reads complete, valid files from us.
 */
#include <errno.h>
#include <string.h>

#include "policy-file.h"
#include "policy-page.h"
#include "settings.h"
#include "test-page.h"

const char *settings_user_dir(const struct settings *s)
{
	return s->dirs[s->n_dirs - 1];
}

static gboolean policy_is_valid(const struct settings *s)
{
	return s->policy && policy_error_count(s->policy) == 0;
}

static void update_save(struct settings *s)
{
	gboolean dirty = g_hash_table_size(s->drafts) > 0;
	GAction *revert = g_action_map_lookup_action(G_ACTION_MAP(s->app), "revert");

	g_simple_action_set_enabled(s->save_action, dirty && policy_is_valid(s));
	if (revert)
		g_simple_action_set_enabled(G_SIMPLE_ACTION(revert), dirty);
}

/* Load the disk files with the drafts in place of their namesakes. */
static void load(struct settings *s)
{
	g_autoptr(GArray) ov = g_array_new(FALSE, TRUE, sizeof(struct policy_override));
	GHashTableIter it;
	gpointer name, text;

	g_hash_table_iter_init(&it, s->drafts);
	while (g_hash_table_iter_next(&it, &name, &text)) {
		struct policy_override o = { .name = name, .text = text, .len = strlen(text) };
		g_array_append_val(ov, o);
	}
	g_clear_pointer(&s->policy, policy_free);
	/* -EINVAL still yields a policy (with its errors), which is what the pages show. */
	(void)policy_load_with_overrides((const char *const *)s->dirs, s->n_dirs,
					 (const struct policy_override *)(void *)ov->data, ov->len,
					 &s->policy);
}

static void changed(struct settings *s)
{
	load(s);
	update_save(s);
	if (s->policy_page)
		policy_page_show_errors(s->policy_page);
	if (s->test_page)
		test_page_update(s->test_page);
}

/* Files changed on disk: rebuild the rows if nothing is being edited, else keep the person's
 * rows and only validate again (the whole policy, now with the new files). */
static gboolean on_reload_timeout(gpointer data)
{
	struct settings *s = data;

	s->reload_id = 0;
	if (g_hash_table_size(s->drafts) == 0)
		settings_policy_reload(s);
	else
		changed(s);
	return G_SOURCE_REMOVE;
}

static void on_dir_changed(GFileMonitor *m, GFile *file, GFile *other, GFileMonitorEvent event,
			   gpointer data)
{
	struct settings *s = data;
	g_autofree char *name = g_file_get_basename(file);
	g_autofree char *dir = g_path_get_dirname(g_file_peek_path(file));

	/* Our temp files and our own saves are not news (and a rebuild would steal the focus). */
	if (name[0] == '.' ||
	    (policy_file_is_config(name) && strcmp(dir, settings_user_dir(s)) == 0))
		return;
	if (!s->reload_id)
		s->reload_id = g_timeout_add(200, on_reload_timeout, s);
}

static void watch_dirs(struct settings *s)
{
	s->monitors = g_ptr_array_new_with_free_func(g_object_unref);
	for (size_t i = 0; i < s->n_dirs; i++) {
		g_autoptr(GFile) dir = g_file_new_for_path(s->dirs[i]);
		GFileMonitor *m = g_file_monitor_directory(dir, G_FILE_MONITOR_NONE, NULL, NULL);
		if (!m)
			continue;
		g_signal_connect(m, "changed", G_CALLBACK(on_dir_changed), s);
		g_ptr_array_add(s->monitors, m);
	}
}

void settings_policy_init(struct settings *s)
{
	s->drafts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	load(s);
	update_save(s);
	watch_dirs(s);
}

void settings_policy_finish(struct settings *s)
{
	g_clear_handle_id(&s->reload_id, g_source_remove);
	g_clear_pointer(&s->monitors, g_ptr_array_unref);
	g_clear_pointer(&s->drafts, g_hash_table_unref);
	g_clear_pointer(&s->policy, policy_free);
}

void settings_policy_set_draft(struct settings *s, const char *name, const char *text)
{
	if (text)
		g_hash_table_replace(s->drafts, g_strdup(name), g_strdup(text));
	else
		g_hash_table_remove(s->drafts, name);
	changed(s);
}

void settings_policy_reload(struct settings *s)
{
	g_hash_table_remove_all(s->drafts);
	load(s);
	update_save(s);
	if (s->policy_page)
		policy_page_rebuild(s->policy_page);
	if (s->test_page)
		test_page_update(s->test_page);
}

int settings_policy_save(struct settings *s, GError **error)
{
	GHashTableIter it;
	gpointer name, text;

	if (!policy_is_valid(s)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "The policy has errors; nothing was saved.");
		return -EINVAL;
	}
	g_hash_table_iter_init(&it, s->drafts);
	while (g_hash_table_iter_next(&it, &name, &text)) {
		int r = policy_file_write_atomic(settings_user_dir(s), name, text);
		if (r < 0) {
			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(-r),
				    "Could not save %s in %s: %s", (char *)name,
				    settings_user_dir(s), g_strerror(-r));
			return r;
		}
		g_hash_table_iter_remove(&it);
	}
	changed(s);
	return 0;
}

void settings_set_system_info(struct settings *s, const char *json, const char *source)
{
	struct policy_system_info *info = NULL;
	g_autofree char *err = NULL;

	if (policy_system_info_parse(json, strlen(json), &info, &err) < 0) {
		g_warning("system info from %s: %s", source, err ? err : "invalid");
		return;
	}
	g_clear_pointer(&s->info, policy_system_info_free);
	s->info = info;
	g_free(s->info_source);
	s->info_source = g_strdup(source);
	if (s->test_page)
		test_page_set_choices(s->test_page, json);
}

void settings_publish_problems(struct settings *s, GPtrArray *lines)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE_STRING_ARRAY);
	for (guint i = 0; i < lines->len; i++)
		g_variant_builder_add(&b, "s", (const char *)lines->pdata[i]);
	if (s->problems_action)
		g_simple_action_set_state(s->problems_action, g_variant_builder_end(&b));
	else
		g_variant_builder_clear(&b);
}
