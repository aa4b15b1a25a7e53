/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VMs page: bulkheadd's VM list (org.bulkhead.Manager1 on the session bus) with state,
 * label and template; start, shut down, create and remove; and the default print VM. When the manager is not on the bus
 * the page says so instead of showing an empty list, and it comes back by itself when the
 * manager starts.
 */
#pragma once

#include "settings.h"

struct vms_page *vms_page_new(struct settings *s);
void vms_page_free(struct vms_page *v);
GtkWidget *vms_page_widget(struct vms_page *v);
/* Select a VM's row (as a click would) and put the keyboard focus on the list. */
gboolean vms_page_select(struct vms_page *v, const char *name);
/* Choose the default print VM (saved at once): a listed VM, or "" for none. */
gboolean vms_page_set_print_vm(struct vms_page *v, const char *name);
