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

/* A VM's firewall as a whole list (GetFirewall, SetFirewall; cmd-firewall.c), for vmctl
 * firewall and vmctl backup. Exit codes. */
#define FIREWALL_RULES_MAX 256
#define FIREWALL_RULE_TEXT_MAX 300
struct firewall_rules {
	char text[FIREWALL_RULES_MAX][FIREWALL_RULE_TEXT_MAX + 1];
	size_t n;
};
int vmctl_firewall_get(const struct vmctl_command *cmd, const char *vm, struct firewall_rules *rs);
int vmctl_firewall_set(const struct vmctl_command *cmd, const char *vm,
		       const struct firewall_rules *rs);
