/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bulkhead-start-app ID: in a VM, start the application whose desktop file id is ID (as the
 * host's menu entry "[vm] Application" asks, through `vmctl run VM -- bulkhead-start-app ID`),
 * detached from the call: the call ends as soon as the application has started, and the
 * application keeps running in the VM's own session and display.
 *
 * Exit: 0 started, 127 no such application in this VM, 1 it could not be started, 2 usage.
 * Trust: runs in the VM, as the VM's user; ID comes from the host and is checked anyway.
 */
#include <fcntl.h>
#include <gio/gdesktopappinfo.h>
#include <stdio.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	g_autofree char *file = NULL;
	g_autoptr(GDesktopAppInfo) app = NULL;

	if (argc != 2 || !id_is_valid(argv[1])) {
		fprintf(stderr, "Usage: bulkhead-start-app DESKTOP-ID (as in ID.desktop)\n");
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
