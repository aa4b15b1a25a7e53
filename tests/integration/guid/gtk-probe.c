/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gtk-probe FILE [fullscreen]: a GTK 3 window ("probe") for the guid tests: one button filling
 * the window; a click appends "clicked" to FILE, a close request appends "closed" and quits.
 * With "fullscreen", the window ("fs-probe") asks to be fullscreen before it is shown.
 */
#include <gtk/gtk.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *out;

static void note(const char *what)
{
	FILE *f = fopen(out, "a");

	if (f) {
		fprintf(f, "%s\n", what);
		fclose(f);
	}
}

static void on_clicked(GtkButton *b, gpointer data)
{
	note("clicked");
}

static gboolean on_delete(GtkWidget *w, GdkEvent *ev, gpointer data)
{
	note("closed");
	gtk_main_quit();
	return FALSE;
}

int main(int argc, char **argv)
{
	GtkWidget *win, *button;

	gtk_init(&argc, &argv);
	bool fullscreen = argc == 3 && strcmp(argv[2], "fullscreen") == 0;

	if (argc != 2 && !fullscreen) {
		fprintf(stderr, "usage: gtk-probe FILE [fullscreen]\n");
		return 2;
	}
	out = argv[1];
	win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_window_set_title(GTK_WINDOW(win), fullscreen ? "fs-probe" : "probe");
	gtk_window_set_default_size(GTK_WINDOW(win), 300, 200);
	gtk_window_move(GTK_WINDOW(win), fullscreen ? 900 : 560, 20);
	if (fullscreen)
		gtk_window_fullscreen(GTK_WINDOW(win));
	button = gtk_button_new_with_label("Click me");
	gtk_container_add(GTK_CONTAINER(win), button);
	g_signal_connect(button, "clicked", G_CALLBACK(on_clicked), NULL);
	g_signal_connect(win, "delete-event", G_CALLBACK(on_delete), NULL);
	gtk_widget_show_all(win);
	gtk_main();
	return 0;
}
