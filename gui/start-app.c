/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-start-app ID: in a VM, start the application whose desktop file id is ID (as the
 * host's menu entry "[vm] Application" asks, through `vmctl run VM -- bulkhead-start-app ID`),
 * detached from the call: the call ends as soon as the application has started, and the
 * application keeps running in the VM's own session and display.
 * bulkhead-start-app --open FILE: open FILE with this VM's default application for its type
 * and wait until that application exits (bulkhead.OpenInVM).
 *
 * Exit: 0 started, 127 no such application in this VM, 1 it could not be started, 2 usage;
 * with --open, the application's own status.
 * Trust: runs in the VM, as the VM's user; ID comes from the host and is checked anyway;
 * FILE was written by bulkhead.OpenInVM under a name it checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gdesktopappinfo.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static gboolean id_is_valid(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= 80 && id[0] != '.' &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* In the child, before exec: its own session, so the call's end does not end it. */
static void detach(gpointer unused)
{
	setsid();
}

static int launch(GDesktopAppInfo *app)
{
	g_autoptr(GError) err = NULL;
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	gboolean ok = g_desktop_app_info_launch_uris_as_manager_with_fds(
		app, NULL, NULL, G_SPAWN_SEARCH_PATH, detach, NULL, NULL, NULL, null_fd, null_fd,
		null_fd, &err);

	if (null_fd >= 0)
		close(null_fd);
	if (!ok) {
		fprintf(stderr, "bulkhead-start-app: %s: %s\n", g_app_info_get_id(G_APP_INFO(app)),
			err->message);
		return 1;
	}
	return 0;
}

static void remember_pid(GDesktopAppInfo *app, GPid pid, gpointer data)
{
	*(GPid *)data = pid;
}

/* The default application for FILE's type, run on it, waited for. */
static int open_and_wait(const char *path)
{
	g_autoptr(GFile) file = g_file_new_for_path(path);
	g_autofree char *type = g_content_type_guess(path, NULL, 0, NULL);
	g_autoptr(GAppInfo) info = g_app_info_get_default_for_type(type, FALSE);
	g_autoptr(GError) err = NULL;
	GList uris = { .data = g_file_get_uri(file) };
	GPid pid = 0;
	int status = 0;

	if (!info || !G_IS_DESKTOP_APP_INFO(info)) {
		fprintf(stderr, "bulkhead-start-app: no application for %s in this VM\n", type);
		g_free(uris.data);
		return 127;
	}
	if (!g_desktop_app_info_launch_uris_as_manager(G_DESKTOP_APP_INFO(info), &uris, NULL,
						       G_SPAWN_SEARCH_PATH |
							       G_SPAWN_DO_NOT_REAP_CHILD,
						       NULL, NULL, remember_pid, &pid, &err)) {
		fprintf(stderr, "bulkhead-start-app: %s: %s\n", path, err->message);
		g_free(uris.data);
		return 1;
	}
	g_free(uris.data);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	g_autofree char *file = NULL;
	g_autoptr(GDesktopAppInfo) app = NULL;

	if (argc == 3 && strcmp(argv[1], "--open") == 0)
		return open_and_wait(argv[2]);
	if (argc != 2 || !id_is_valid(argv[1])) {
		fprintf(stderr, "Usage: bulkhead-start-app DESKTOP-ID (as in ID.desktop)\n"
				"       bulkhead-start-app --open FILE\n");
		return 2;
	}
	file = g_strconcat(argv[1], ".desktop", NULL);
	app = g_desktop_app_info_new(file);
	if (!app) {
		fprintf(stderr, "bulkhead-start-app: no application %s in this VM\n", argv[1]);
		return 127;
	}
	return launch(app);
}
