/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Save in another VM…": the application is given a file in a private directory
 * ($XDG_RUNTIME_DIR/bulkhead-save/XXXXXX, mode 0700) and saves there as it would anywhere.
 * inotify tells us when it is done: the file closed after writing (IN_CLOSE_WRITE) or renamed
 * into place (IN_MOVED_TO, as GIO's g_file_replace does). Half a second without more writes,
 * then vm-save-to offers it to another VM (the policy or the ask prompt picks which), whose
 * user chooses where it goes. The private copy and its directory are removed afterwards, and
 * after HANDOFF_EXPIRE_S if the application never wrote anything.
 */
#include <errno.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "filecopy.h"
#include "paths.h"
#include "portal.h"

#define HANDOFF_SETTLE_MS 500
#define HANDOFF_EXPIRE_S (30 * 60)

struct handoff {
	char *dir, *path, *leaf;
	int inotify_fd;
	guint watch_id, settle_id, expire_id;
};

static void handoff_stop_watching(struct handoff *h)
{
	g_clear_handle_id(&h->watch_id, g_source_remove);
	g_clear_handle_id(&h->settle_id, g_source_remove);
	g_clear_handle_id(&h->expire_id, g_source_remove);
	if (h->inotify_fd >= 0)
		close(h->inotify_fd);
	h->inotify_fd = -1;
}

static void handoff_free(struct handoff *h)
{
	handoff_stop_watching(h);
	g_unlink(h->path);
	g_rmdir(h->dir);
	g_free(h->dir);
	g_free(h->path);
	g_free(h->leaf);
	g_free(h);
}

/* $BULKHEAD_VM_SAVE_TO, the one beside this program (a build tree), or the guest's. */
static char *vm_save_to_path(void)
{
	const char *env = g_getenv("BULKHEAD_VM_SAVE_TO");
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *dir = self ? g_path_get_dirname(self) : NULL;
	char *beside = dir ? g_build_filename(dir, "vm-save-to", NULL) : NULL;

	if (env && *env)
		return g_free(beside), g_strdup(env);
	if (beside && g_file_test(beside, G_FILE_TEST_IS_EXECUTABLE))
		return beside;
	g_free(beside);
	return g_strdup(BULKHEAD_GUEST_BINDIR "/vm-save-to");
}

static void on_sent(GPid pid, int status, gpointer user_data)
{
	struct handoff *h = user_data;
	g_autoptr(GError) error = NULL;

	if (!g_spawn_check_wait_status(status, &error))
		g_printerr("bulkhead-portal-filechooser: %s was not saved in another VM (%s)\n",
			   h->leaf, error->message);
	g_spawn_close_pid(pid);
	handoff_free(h);
}

static gboolean send_now(gpointer user_data)
{
	struct handoff *h = user_data;
	g_autofree char *prog = vm_save_to_path();
	char *argv[] = { prog, h->path, NULL };
	g_autoptr(GError) error = NULL;
	GPid pid;

	h->settle_id = 0;
	handoff_stop_watching(h);
	if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error)) {
		g_printerr("bulkhead-portal-filechooser: cannot run %s: %s\n", prog,
			   error->message);
		handoff_free(h);
		return G_SOURCE_REMOVE;
	}
	g_child_watch_add(pid, on_sent, h);
	return G_SOURCE_REMOVE;
}

/* Each write that completes restarts the settling time. */
static gboolean on_inotify(int fd, GIOCondition cond, gpointer user_data)
{
	struct handoff *h = user_data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(fd, buf, sizeof(buf));

	for (ssize_t i = 0; n > 0 && i < n;) {
		const struct inotify_event *e = (const struct inotify_event *)(buf + i);
		if (e->len && strcmp(e->name, h->leaf) == 0) {
			g_clear_handle_id(&h->settle_id, g_source_remove);
			h->settle_id = g_timeout_add(HANDOFF_SETTLE_MS, send_now, h);
		}
		i += (ssize_t)(sizeof(*e) + e->len);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_expire(gpointer user_data)
{
	struct handoff *h = user_data;

	h->expire_id = 0;
	handoff_free(h);
	return G_SOURCE_REMOVE;
}

static int watch(struct handoff *h)
{
	h->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (h->inotify_fd < 0 ||
	    inotify_add_watch(h->inotify_fd, h->dir, IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
		return -errno;
	h->watch_id = g_unix_fd_add(h->inotify_fd, G_IO_IN, on_inotify, h);
	h->expire_id = g_timeout_add_seconds(HANDOFF_EXPIRE_S, on_expire, h);
	return 0;
}

char *portal_handoff_start(const char *name, GError **error)
{
	char leaf[FILECOPY_NAME_MAX + 1];
	g_autofree char *base = g_build_filename(g_get_user_runtime_dir(), "bulkhead-save", NULL);
	g_autofree char *tmpl = g_build_filename(base, "XXXXXX", NULL);
	struct handoff *h = g_new0(struct handoff, 1);

	/* The name goes to another VM, which applies file copy's rules: check them here. */
	if (!name || filecopy_leaf_name_parse(name, strlen(name), leaf) < 0)
		g_strlcpy(leaf, "file", sizeof(leaf));
	h->inotify_fd = -1;
	if (g_mkdir_with_parents(base, 0700) < 0 || !g_mkdtemp_full(tmpl, 0700)) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
			    "cannot make a private directory in %s: %s", base, g_strerror(errno));
		return g_free(h), NULL;
	}
	h->dir = g_steal_pointer(&tmpl);
	h->leaf = g_strdup(leaf);
	h->path = g_build_filename(h->dir, leaf, NULL);
	if (watch(h) < 0) {
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno), "inotify: %s",
			    g_strerror(errno));
		return handoff_free(h), NULL;
	}
	return g_filename_to_uri(h->path, NULL, error);
}
