/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl's side of org.bulkhead.Manager1 (docs/interfaces.md): one blocking call per
 * subcommand. Errors from bulkheadd already name the VM and the reason; they are printed as
 * "vmctl: VERB: MESSAGE" and the command exits 1.
 */
#pragma once

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stdio.h>

#include "vmctl.h"

/* A method call on the manager, to fill with arguments. */
DBusMessage *manager_call_new(const char *method);
/* Send it and wait; NULL after printing the error (D-Bus's or bulkheadd's). Consumes call. */
DBusMessage *manager_call(const struct vmctl_command *cmd, DBusMessage *call);
/* For methods taking just the VM name: Start, Kill, RemoveVM. Returns the exit code. */
int manager_call_name(const struct vmctl_command *cmd, const char *method, const char *name);
/* The VM's state ("Running", "Halted", ...) into buf; exit code. */
int manager_get_text(const struct vmctl_command *cmd, const char *name, const char *key, char *buf,
		     size_t size);
/* Print a property variant as text (tags comma-separated) or as JSON. */
void manager_print_variant(FILE *f, DBusMessageIter *variant, bool json);
/* s as a JSON string, quoted and escaped. */
void manager_print_json_string(FILE *f, const char *s);
/* Is the next argument a VM name (not an option)? Prints the usage error if not. */
int manager_check_name(const struct vmctl_command *cmd, const char *name);
