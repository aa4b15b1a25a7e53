/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each VM's applications in the host's menu, as freedesktop.org menus have them: one desktop
 * entry per chosen application, "[work] XTerm", that runs `vmctl run work --
 * bulkhead-start-app ID` (starting the VM first), grouped in a folder per VM whose icon is the
 * VM's label colour.
 *
 *   $XDG_DATA_HOME/applications/bulkhead/<vm>/<id>.desktop     the entries
 *   $XDG_DATA_HOME/desktop-directories/bulkhead-<vm>.directory  the folder's name and icon
 *   $XDG_CONFIG_HOME/menus/applications-merged/bulkhead-<vm>.menu  the folder itself
 *   $XDG_DATA_HOME/icons/hicolor/scalable/apps/bulkhead-label-<colour>.svg
 *
 * The applications a VM may offer are its template's: for the `host` template, the host's own
 * desktop entries (the VM runs the host's /usr). Every name written here was validated (VM
 * names, label names, desktop ids): nothing needs quoting in an Exec line or a path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desktop-entry.h"
#include "fdio.h"
#include "hv.h"
#include "label.h"
#include "log.h"
#include "strutil.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir)

#ifndef BULKHEAD_BINDIR
#define BULKHEAD_BINDIR "/usr/local/bin"
#endif

/* Where the host template's applications are, most specific first (XDG_DATA_DIRS order). */
static const char *const host_app_dirs[] = { "/usr/local/share/applications",
					     "/usr/share/applications" };

static int xdg_dir(const char *env, const char *fallback, char *buf, size_t size)
{
	const char *v = getenv(env), *home = getenv("HOME");

	if (v && v[0] == '/')
		return str_copy(buf, size, v);
	if (!home || home[0] != '/')
		return -ENOENT;
	return str_printf(buf, size, "%s/%s", home, fallback);
}

/* $XDG_DATA_HOME/<fmt...> */
_printf_(3, 4) static int data_path(char *buf, size_t size, const char *fmt, ...)
{
	char base[HV_PATH_MAX], rel[HV_PATH_MAX];
	va_list ap;
	int r = xdg_dir("XDG_DATA_HOME", ".local/share", base, sizeof(base)), n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (r < 0 || n < 0 || (size_t)n >= sizeof(rel))
		return r < 0 ? r : -ENAMETOOLONG;
	return str_printf(buf, size, "%s/%s", base, rel);
}

static int apps_dir(const char *vm, char *buf, size_t size)
{
	return data_path(buf, size, "applications/bulkhead/%s", vm);
}

static int menu_file(const char *vm, char *buf, size_t size)
{
	char base[HV_PATH_MAX];
	int r = xdg_dir("XDG_CONFIG_HOME", ".config", base, sizeof(base));

	return r < 0 ? r
		     : str_printf(buf, size, "%s/menus/applications-merged/bulkhead-%s.menu", base,
				  vm);
}

/* The host template's entry for id, if it offers one. */
static int template_app(const char *id, struct hv_app *ret)
{
	char path[HV_PATH_MAX];
	struct desktop_entry e;

	for (size_t i = 0; i < ELEMENTSOF(host_app_dirs); i++) {
		_cleanup_free_ char *text = NULL;
		if (str_printf(path, sizeof(path), "%s/%s.desktop", host_app_dirs[i], id) < 0 ||
		    fd_read_file(AT_FDCWD, path, DESKTOP_ENTRY_MAX, &text, NULL) < 0 ||
		    desktop_entry_parse(text, &e) < 0 || !desktop_entry_is_launchable(&e))
			continue;
		*ret = (struct hv_app){ .terminal_emulator = e.terminal_emulator };
		str_copy(ret->id, sizeof(ret->id), id);
		str_copy(ret->name, sizeof(ret->name), e.name);
		str_copy(ret->icon, sizeof(ret->icon), e.icon);
		return 0;
	}
	return -ENOENT;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct hv_app *)a)->id, ((const struct hv_app *)b)->id);
}

static bool listed(const struct hv_app *apps, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (streq(apps[i].id, id))
			return true;
	return false;
}

/* The launchable entries of one directory, appended to *apps (at most HV_APPS_MAX in all). */
static int scan_dir(const char *dir, struct hv_app **apps, size_t *n)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	char id[VM_MENU_ID_MAX + 1];

	while (d && (de = readdir(d)) && *n < HV_APPS_MAX) {
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || !streq(dot, ".desktop") || (size_t)(dot - de->d_name) >= sizeof(id))
			continue;
		memcpy(id, de->d_name, (size_t)(dot - de->d_name));
		id[dot - de->d_name] = '\0';
		if (!vm_menu_id_is_valid(id) || listed(*apps, *n, id) ||
		    template_app(id, &(*apps)[*n]) < 0)
			continue;
		(*n)++;
	}
	return 0;
}

int hv_menu_list_apps(const struct vm_props *p, struct hv_app **ret, size_t *n)
{
	_cleanup_free_ struct hv_app *apps = calloc(HV_APPS_MAX, sizeof(*apps));

	*n = 0;
	if (!apps)
		return -ENOMEM;
	if (!streq(p->template_name, "host"))
		return -ENOENT;
	for (size_t i = 0; i < ELEMENTSOF(host_app_dirs); i++)
		scan_dir(host_app_dirs[i], &apps, n);
	qsort(apps, *n, sizeof(*apps), by_id);
	*ret = TAKE_PTR(apps);
	return 0;
}

void hv_menu_default(struct vm_props *p)
{
	_cleanup_free_ struct hv_app *apps = NULL;
	size_t n = 0;

	if (p->menu[0] || hv_menu_list_apps(p, &apps, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (apps[i].terminal_emulator) {
			vm_props_menu_add(p, apps[i].id);
			return;
		}
}

static int write_text(const char *path, const char *text)
{
	char dir[HV_PATH_MAX];
	int r = str_copy(dir, sizeof(dir), path);

	if (r >= 0 && strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	if (r >= 0)
		r = hv_mkdir_p(dir, 0755);
	return r < 0 ? r : fd_write_file_atomic(path, text, strlen(text), 0644);
}

static int write_entry(const struct vm_props *p, const struct hv_app *app, const char *dir)
{
	const char *vmctl = getenv("BULKHEAD_VMCTL");
	char path[HV_PATH_MAX];
	_cleanup_free_ char *text = str_new_printf(
		"[Desktop Entry]\nType=Application\nVersion=1.0\nName=[%s] %s\n"
		"Comment=%s in the VM %s\nIcon=%s\nExec=%s run %s -- bulkhead-start-app %s\n"
		"Categories=X-Bulkhead-VM-%s;\nX-Bulkhead-VM=%s\nX-Bulkhead-App=%s\n",
		p->name, app->name, app->name, p->name,
		app->icon[0] ? app->icon : "application-x-executable",
		vmctl && vmctl[0] ? vmctl : BULKHEAD_BINDIR "/vmctl", p->name, app->id, p->name,
		p->name, app->id);

	if (!text || str_printf(path, sizeof(path), "%s/%s.desktop", dir, app->id) < 0)
		return -ENOMEM;
	return write_text(path, text);
}

/* The folder: its .directory (name, label icon), the icon itself and the .menu that makes it. */
static int write_folder(const struct vm_props *p)
{
	char path[HV_PATH_MAX];
	uint32_t rgb = 0;
	_cleanup_free_ char *dir_text = str_new_printf(
		"[Desktop Entry]\nType=Directory\nName=VM: %s\nIcon=bulkhead-label-%s\n", p->name,
		p->label);
	_cleanup_free_ char *menu_text = str_new_printf(
		"<!DOCTYPE Menu PUBLIC \"-//freedesktop//DTD Menu 1.0//EN\"\n"
		" \"http://www.freedesktop.org/standards/menu-spec/menu-1.0.dtd\">\n"
		"<Menu>\n  <Name>Applications</Name>\n  <Menu>\n    <Name>bulkhead-%s</Name>\n"
		"    <Directory>bulkhead-%s.directory</Directory>\n"
		"    <Include><Category>X-Bulkhead-VM-%s</Category></Include>\n  </Menu>\n</Menu>\n",
		p->name, p->name, p->name);
	_cleanup_free_ char *svg = NULL;
	int r = label_parse_rgb(p->label, &rgb);

	svg = str_new_printf("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"48\" height=\"48\">"
			     "<rect x=\"4\" y=\"4\" width=\"40\" height=\"40\" rx=\"8\" "
			     "fill=\"#%06x\"/></svg>\n",
			     rgb);
	if (r < 0 || !dir_text || !menu_text || !svg)
		return r < 0 ? r : -ENOMEM;
	r = data_path(path, sizeof(path), "icons/hicolor/scalable/apps/bulkhead-label-%s.svg",
		      p->label);
	if (r >= 0)
		r = write_text(path, svg);
	if (r >= 0)
		r = data_path(path, sizeof(path), "desktop-directories/bulkhead-%s.directory",
			      p->name);
	if (r >= 0)
		r = write_text(path, dir_text);
	if (r >= 0)
		r = menu_file(p->name, path, sizeof(path));
	return r < 0 ? r : write_text(path, menu_text);
}

/* Entries of apps no longer chosen (or no longer in the template) go. */
static void remove_stale(const struct vm_props *p, const char *dir)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	char id[VM_MENU_ID_MAX + 1], path[HV_PATH_MAX];

	while (d && (de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		if (!dot || !streq(dot, ".desktop") || (size_t)(dot - de->d_name) >= sizeof(id))
			continue;
		memcpy(id, de->d_name, (size_t)(dot - de->d_name));
		id[dot - de->d_name] = '\0';
		if (!vm_props_menu_has(p, id) &&
		    str_printf(path, sizeof(path), "%s/%s", dir, de->d_name) >= 0)
			unlink(path);
	}
}

int hv_menu_sync(const struct vm_props *p)
{
	char dir[HV_PATH_MAX], copy[VM_MENU_TEXT_MAX], *save = NULL;
	struct hv_app app;
	int r = apps_dir(p->name, dir, sizeof(dir));

	if (r >= 0)
		r = hv_mkdir_p(dir, 0755);
	if (r >= 0)
		r = write_folder(p);
	if (r < 0)
		return log_warning_errno(r, "Cannot write the menu of VM %s: %m", p->name);
	remove_stale(p, dir);
	str_copy(copy, sizeof(copy), p->menu);
	for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		if (template_app(id, &app) < 0)
			log_notice("VM %s: its template has no application %s", p->name, id);
		else if ((r = write_entry(p, &app, dir)) < 0)
			log_warning_errno(r, "VM %s: cannot write the menu entry %s: %m", p->name,
					  id);
	}
	return 0;
}

int hv_menu_remove(const char *vm)
{
	char path[HV_PATH_MAX];

	if (apps_dir(vm, path, sizeof(path)) >= 0)
		hv_rm_rf(path);
	if (data_path(path, sizeof(path), "desktop-directories/bulkhead-%s.directory", vm) >= 0)
		unlink(path);
	if (menu_file(vm, path, sizeof(path)) >= 0)
		unlink(path);
	return 0;
}
