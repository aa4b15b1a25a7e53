/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared display helpers. Trust: every string here may have come from a VM; it is escaped and
 * shown as plain text. Label colours come from a fixed table so a VM's "label" cannot inject
 * CSS or markup.
 */
#include <string.h>

/* Bulkhead's headers before GLib's: GLib redefines MIN/MAX cleanly, the reverse warns. */
#include "strutil.h"
#include "validate.h"
#include "gui-util.h"

struct label_colour {
	const char *name;
	const char *rgb;
};

/* Qubes' label colours, so a Qubes user recognises them. */
static const struct label_colour label_colours[] = {
	{ "red", "#cc0000" },	 { "orange", "#f57900" }, { "yellow", "#edd400" },
	{ "green", "#73d216" },	 { "gray", "#888a85" },	  { "blue", "#3465a4" },
	{ "purple", "#75507b" }, { "black", "#2e3436" },
};

static const char *const label_names[] = { "red",  "orange", "yellow", "green", "gray",
					   "blue", "purple", "black",  NULL };

const char *const *gui_label_names(void)
{
	return label_names;
}

static const struct label_colour *label_find(const char *label)
{
	for (size_t i = 0; label && i < G_N_ELEMENTS(label_colours); i++)
		if (strcmp(label_colours[i].name, label) == 0)
			return &label_colours[i];
	return NULL;
}

gboolean gui_label_is_known(const char *label)
{
	return label_find(label) != NULL;
}

void gui_label_rgb(const char *label, GdkRGBA *out)
{
	const struct label_colour *c = label_find(label);

	gdk_rgba_parse(out, c ? c->rgb : "#888a85");
}

static void draw_dot(cairo_t *cr, const char *label, int w, int h)
{
	double r = MIN(w, h) / 2.0 - 1;
	GdkRGBA rgba;

	/* A white halo keeps the colour visible on a selected (blue) row... */
	cairo_arc(cr, w / 2.0, h / 2.0, r, 0, 2 * G_PI);
	cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
	cairo_fill(cr);
	gui_label_rgb(label, &rgba);
	cairo_arc(cr, w / 2.0, h / 2.0, r - 1, 0, 2 * G_PI);
	gdk_cairo_set_source_rgba(cr, &rgba);
	cairo_fill_preserve(cr);
	/* ...and a thin dark ring keeps yellow and gray visible on a light theme. */
	cairo_set_source_rgba(cr, 0, 0, 0, 0.35);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
}

static gboolean dot_draw(GtkWidget *widget, cairo_t *cr, gpointer user_data)
{
	draw_dot(cr, user_data, gtk_widget_get_allocated_width(widget),
		 gtk_widget_get_allocated_height(widget));
	return FALSE;
}

GdkPixbuf *gui_label_pixbuf_new(const char *label, int size)
{
	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size, size);
	cairo_t *cr = cairo_create(surface);
	GdkPixbuf *pixbuf;

	draw_dot(cr, label, size, size);
	cairo_destroy(cr);
	pixbuf = gdk_pixbuf_get_from_surface(surface, 0, 0, size, size);
	cairo_surface_destroy(surface);
	return pixbuf;
}

GtkWidget *gui_label_dot_new(const char *label)
{
	GtkWidget *dot = gtk_drawing_area_new();
	const struct label_colour *c = label_find(label);

	/* The table entry is static, so the draw handler can keep the pointer. */
	gtk_widget_set_size_request(dot, 16, 16);
	gtk_widget_set_valign(dot, GTK_ALIGN_CENTER);
	g_signal_connect(dot, "draw", G_CALLBACK(dot_draw), (gpointer)(c ? c->name : "gray"));
	return dot;
}

char *gui_escape(const char *untrusted)
{
	char buf[GUI_SHOWN_MAX * 4 + 1];
	size_t len;

	if (!untrusted)
		return g_strdup("");
	len = strnlen(untrusted, GUI_SHOWN_MAX + 1);
	str_escape(buf, sizeof(buf), untrusted, MIN(len, (size_t)GUI_SHOWN_MAX));
	/* Cut at GUI_SHOWN_MAX bytes, and say so. */
	return g_strconcat(buf, len > GUI_SHOWN_MAX ? "..." : "", NULL);
}

struct service_name {
	const char *service;
	const char *title;
	const char *phrase;
};

static const struct service_name services[] = {
	{ "bulkhead.OpenURL", "Open URL", "open a URL" },
	{ "bulkhead.Filecopy", "File copy", "copy files" },
	{ "bulkhead.ClipboardPaste", "Clipboard", "paste its clipboard" },
	{ "bulkhead.Print", "Print", "print a document" },
	{ "bulkhead.SaveFile", "Save file", "save a file" },
	{ "bulkhead.OpenInVM", "Open in VM", "open a file" },
};

static const struct service_name *service_find(const char *service)
{
	for (size_t i = 0; service && i < G_N_ELEMENTS(services); i++)
		if (strcmp(services[i].service, service) == 0)
			return &services[i];
	return NULL;
}

const char *gui_service_title(const char *service)
{
	const struct service_name *s = service_find(service);

	return s ? s->title : NULL;
}

char *gui_service_phrase(const char *service)
{
	const struct service_name *s = service_find(service);
	g_autofree char *esc = NULL;

	if (s)
		return g_strdup(s->phrase);
	esc = gui_escape(service);
	return g_strdup_printf("call %s", esc);
}

gboolean gui_target_is_valid(const char *target)
{
	const char *vm;

	if (!target)
		return FALSE;
	if (strcmp(target, "@dispvm") == 0)
		return TRUE;
	vm = g_str_has_prefix(target, "@dispvm:") ? target + strlen("@dispvm:") : target;
	return vm_name_is_valid(vm);
}

char *gui_target_display(const char *target)
{
	g_autofree char *esc = NULL;

	if (strcmp(target, "@dispvm") == 0)
		return g_strdup("Disposable VM");
	if (g_str_has_prefix(target, "@dispvm:")) {
		esc = gui_escape(target + strlen("@dispvm:"));
		return g_strdup_printf("Disposable VM (%s)", esc);
	}
	return gui_escape(target);
}

void gui_label_set_emphasis(GtkLabel *label, double scale)
{
	PangoAttrList *attrs = pango_attr_list_new();

	pango_attr_list_insert(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
	if (scale != 1.0)
		pango_attr_list_insert(attrs, pango_attr_scale_new(scale));
	gtk_label_set_attributes(label, attrs);
	pango_attr_list_unref(attrs);
}

void gui_label_dim(GtkWidget *label)
{
	gtk_style_context_add_class(gtk_widget_get_style_context(label), "dim-label");
}

const char *gui_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}
