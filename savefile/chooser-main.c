/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * savefile-chooser --source VM --suggested-name NAME --size BYTES: the save dialog of bulkhead.SaveFile,
 * run by the service inside the target VM, on this VM's own display (so the host's GUI proxy
 * frames it in this VM's colour, and it shows only this VM's files).
 *
 * Output (stdout, to the service): "new" or "replace", a NUL, the chosen absolute path, a NUL.
 * "replace" means the file existed when the user accepted, which with
 * gtk_file_chooser_set_do_overwrite_confirmation() means they confirmed replacing it.
 * Exit: 0 chosen, 1 cancelled or closed, 2 bad arguments.
 *
 * savefile-chooser --source VM --failed REASON: the error the service shows when the data did
 * not arrive whole after the user chose a place (REASON is the service's own sentence).
 *
 * Trust: the service validated NAME (file copy's name rules) and the broker named VM; both are
 * checked again here and shown as plain text only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gtk/gtk.h>

#include "filecopy.h"
#include "validate.h"

struct args {
	const char *source, *name;
	guint64 size;
	const char
		*failed; /* --failed: tell the user a save failed, and why (the service's words) */
};

static int parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--source") == 0)
			a->source = argv[i + 1];
		else if (strcmp(argv[i], "--suggested-name") == 0)
			a->name = argv[i + 1];
		else if (strcmp(argv[i], "--size") == 0)
			a->size = g_ascii_strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--failed") == 0)
			a->failed = argv[i + 1];
		else
			return -EINVAL;
	}
	if (argc % 2 == 0 || !a->source || !vm_name_is_valid(a->source))
		return -EINVAL;
	if (a->failed)
		return 0;
	if (!a->name)
		return -EINVAL;
	char checked[FILECOPY_NAME_MAX + 1];
	return filecopy_leaf_name_parse(a->name, strlen(a->name), checked);
}

/* "work offers a file of 1.2 MB. Choose where to keep it in this VM." */
static GtkWidget *explanation_new(const struct args *a)
{
	g_autofree char *size = g_format_size(a->size);
	g_autofree char *text = g_strdup_printf(
		"The VM %s offers a file of %s. Choose where to keep it in this VM.", a->source,
		size);
	GtkWidget *label = gtk_label_new(text);

	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
	gtk_label_set_xalign(GTK_LABEL(label), 0);
	gtk_widget_show(label);
	return label;
}

static GtkWidget *dialog_new(const struct args *a)
{
	g_autofree char *title = g_strdup_printf("Save file from %s", a->source);
	GtkWidget *d = gtk_file_chooser_dialog_new(title, NULL, GTK_FILE_CHOOSER_ACTION_SAVE,
						   "_Cancel", GTK_RESPONSE_CANCEL, "_Save",
						   GTK_RESPONSE_ACCEPT, NULL);
	GtkFileChooser *fc = GTK_FILE_CHOOSER(d);

	gtk_dialog_set_default_response(GTK_DIALOG(d), GTK_RESPONSE_ACCEPT);
	gtk_file_chooser_set_do_overwrite_confirmation(fc, TRUE);
	gtk_file_chooser_set_local_only(fc, TRUE);
	gtk_file_chooser_set_current_folder(fc, g_get_home_dir());
	gtk_file_chooser_set_current_name(fc, a->name);
	gtk_file_chooser_set_extra_widget(fc, explanation_new(a));
	return d;
}

static int print_choice(const char *path)
{
	struct stat st;
	bool exists = lstat(path, &st) == 0;

	if (path[0] != '/')
		return 2;
	fputs(exists ? "replace" : "new", stdout);
	fputc('\0', stdout);
	fputs(path, stdout);
	fputc('\0', stdout);
	return fflush(stdout) == 0 ? 0 : 2;
}

/* The user chose a place and nothing appeared there: say so, and why. */
static int show_failure(const struct args *a)
{
	g_autofree char *title = g_strdup_printf("File from %s not saved", a->source);
	GtkWidget *d = gtk_message_dialog_new(NULL, 0, GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
					      "The file from %s was not saved", a->source);

	gtk_window_set_title(GTK_WINDOW(d), title);
	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "%s", a->failed);
	gtk_dialog_run(GTK_DIALOG(d));
	gtk_widget_destroy(d);
	return 0;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	int code = 1;

	/* A service has no session bus: GIO would autolaunch one (dbus-launch) that outlives the
	 * dialog and holds the call's stderr. Local files are all this dialog shows anyway. */
	if (!getenv("DBUS_SESSION_BUS_ADDRESS"))
		setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:", 1);
	setenv("GIO_USE_VFS", "local", 1);
	if (!gtk_init_check(&argc, &argv)) {
		fprintf(stderr, "savefile-chooser: cannot open the display\n");
		return 2;
	}
	if (parse_args(argc, argv, &a) < 0) {
		fprintf(stderr,
			"Usage: savefile-chooser --source VM --suggested-name NAME --size BYTES\n"
			"       savefile-chooser --source VM --failed REASON\n");
		return 2;
	}
	if (a.failed)
		return show_failure(&a);
	GtkWidget *d = dialog_new(&a);
	if (gtk_dialog_run(GTK_DIALOG(d)) == GTK_RESPONSE_ACCEPT) {
		g_autofree char *path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(d));
		code = path ? print_choice(path) : 1;
	}
	gtk_widget_destroy(d);
	/* The chooser reads folders with GIO jobs of its own: let them finish before exiting. */
	while (gtk_events_pending())
		gtk_main_iteration();
	return code;
}
