/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The "Default print VM" choice of the VMs page (print-setting.c). */
#pragma once

/* Bulkhead's headers before GTK's (settings.h says why). */
#include "print.h"
#include <gtk/gtk.h>

struct print_setting;

/* state: a string action mirroring the saved value (may be NULL); error: shows a message. */
struct print_setting *print_setting_new(GSimpleAction *state,
					void (*error)(void *ctx, const char *text), void *ctx);
void print_setting_free(struct print_setting *p);
GtkWidget *print_setting_widget(struct print_setting *p);
void print_setting_fill(struct print_setting *p, char **names, size_t n);
/* Choose (and so save) a listed VM, or "" for none; FALSE if it is not offered. */
gboolean print_setting_choose(struct print_setting *p, const char *vm);
