/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl firewall VM list [--json] | add [--before N] RULE | del N|RULE | reset
 *
 * Edits a VM's firewall (docs/networking.md) as a whole list: GetFirewall, change, SetFirewall.
 * bulkheadd validates every rule and, for a running VM, the filter applies the new list at
 * once. Two edits at the same instant may lose one; the list printed afterwards shows which.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manager-client.h"
#include "strutil.h"

int vmctl_firewall_get(const struct vmctl_command *cmd, const char *vm, struct firewall_rules *rs)
{
	DBusMessage *call = manager_call_new("GetFirewall"), *reply;
	DBusMessageIter it, arr;

	if (call)
		dbus_message_append_args(call, DBUS_TYPE_STRING, &vm, DBUS_TYPE_INVALID);
	reply = manager_call(cmd, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	rs->n = 0;
	if (dbus_message_iter_init(reply, &it) &&
	    dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_ARRAY) {
		dbus_message_iter_recurse(&it, &arr);
		for (; rs->n < FIREWALL_RULES_MAX &&
		       dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRING;
		     dbus_message_iter_next(&arr)) {
			const char *s;
			dbus_message_iter_get_basic(&arr, &s);
			str_copy(rs->text[rs->n++], FIREWALL_RULE_TEXT_MAX + 1, s);
		}
	}
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

int vmctl_firewall_set(const struct vmctl_command *cmd, const char *vm,
		       const struct firewall_rules *rs)
{
	DBusMessage *call = manager_call_new("SetFirewall"), *reply;
	DBusMessageIter it, arr;

	if (call) {
		dbus_message_iter_init_append(call, &it);
		dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &vm);
		dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &arr);
		for (size_t i = 0; i < rs->n; i++) {
			const char *s = rs->text[i];
			dbus_message_iter_append_basic(&arr, DBUS_TYPE_STRING, &s);
		}
		dbus_message_iter_close_container(&it, &arr);
	}
	reply = manager_call(cmd, call);
	if (!reply)
		return VMCTL_EXIT_FAILURE;
	dbus_message_unref(reply);
	return VMCTL_EXIT_OK;
}

/* JSON strings: a rule holds no control characters, only '"' and '\\' need escaping. */
static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static int do_list(const char *vm, int argc, char **argv)
{
	static struct firewall_rules rs;
	bool json = argc == 1 && streq(argv[0], "--json");
	int r;

	if (argc > 1 || (argc == 1 && !json))
		return vmctl_usage_error(&vmctl_cmd_firewall, "unexpected argument '%s'", argv[0]);
	r = vmctl_firewall_get(&vmctl_cmd_firewall, vm, &rs);
	if (r != VMCTL_EXIT_OK)
		return r;
	if (json)
		putchar('[');
	for (size_t i = 0; i < rs.n; i++) {
		if (!json) {
			printf("%zu\t%s\n", i + 1, rs.text[i]);
			continue;
		}
		printf("%s", i ? ", " : "");
		print_json_string(rs.text[i]);
	}
	if (json)
		printf("]\n");
	return VMCTL_EXIT_OK;
}

/* A 1-based rule number in [1, max]; 0 if s is not one. */
static size_t rule_number(const char *s, size_t max)
{
	char *end;
	unsigned long v;

	if (!s[0] || strspn(s, "0123456789") != strlen(s))
		return 0;
	v = strtoul(s, &end, 10);
	return v >= 1 && v <= max ? (size_t)v : 0;
}

/* RULE is "ACTION TARGET", as one argument or two. */
static int join_rule(int argc, char **argv, char *buf, size_t size)
{
	if (argc == 1)
		return str_copy(buf, size, argv[0]);
	if (argc == 2)
		return str_printf(buf, size, "%s %s", argv[0], argv[1]);
	return -EINVAL;
}

static int do_add(const char *vm, int argc, char **argv)
{
	static struct firewall_rules rs;
	char rule[FIREWALL_RULE_TEXT_MAX + 1];
	size_t at;
	bool before = argc >= 2 && streq(argv[0], "--before");
	int r = vmctl_firewall_get(&vmctl_cmd_firewall, vm, &rs);

	if (r != VMCTL_EXIT_OK)
		return r;
	at = before ? rule_number(argv[1], rs.n) : rs.n + 1;
	if (at == 0)
		return vmctl_usage_error(&vmctl_cmd_firewall, "--before needs a rule number, 1-%zu",
					 rs.n);
	if (join_rule(argc - (before ? 2 : 0), argv + (before ? 2 : 0), rule, sizeof(rule)) < 0)
		return vmctl_usage_error(&vmctl_cmd_firewall, "add needs one rule: ACTION TARGET");
	if (rs.n >= FIREWALL_RULES_MAX)
		return fprintf(stderr, "vmctl: firewall: %s has %d rules already\n", vm,
			       FIREWALL_RULES_MAX),
		       VMCTL_EXIT_FAILURE;
	memmove(rs.text[at], rs.text[at - 1], (rs.n - (at - 1)) * sizeof(rs.text[0]));
	str_copy(rs.text[at - 1], sizeof(rs.text[0]), rule);
	rs.n++;
	return vmctl_firewall_set(&vmctl_cmd_firewall, vm, &rs);
}

/* By number, or by the rule's text as `list` prints it. */
static int do_del(const char *vm, int argc, char **argv)
{
	static struct firewall_rules rs;
	char rule[FIREWALL_RULE_TEXT_MAX + 1] = "";
	size_t at;
	int r = vmctl_firewall_get(&vmctl_cmd_firewall, vm, &rs);

	if (r != VMCTL_EXIT_OK)
		return r;
	at = argc == 1 ? rule_number(argv[0], rs.n) : 0;
	if (at == 0 && join_rule(argc, argv, rule, sizeof(rule)) >= 0)
		for (size_t i = 0; i < rs.n && !at; i++)
			at = streq(rs.text[i], rule) ? i + 1 : 0;
	if (at == 0)
		return fprintf(stderr, "vmctl: firewall: %s has no rule '%s'\n", vm,
			       argc ? argv[0] : ""),
		       VMCTL_EXIT_FAILURE;
	memmove(rs.text[at - 1], rs.text[at], (rs.n - at) * sizeof(rs.text[0]));
	rs.n--;
	return vmctl_firewall_set(&vmctl_cmd_firewall, vm, &rs);
}

static int do_reset(const char *vm, int argc, char **argv)
{
	static struct firewall_rules rs = { .text = { "allow *" }, .n = 1 };

	if (argc > 0)
		return vmctl_usage_error(&vmctl_cmd_firewall, "unexpected argument '%s'", argv[0]);
	return vmctl_firewall_set(&vmctl_cmd_firewall, vm, &rs);
}

static int run_firewall(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const char *vm, int argc, char **argv);
	} verbs[] = {
		{ "list", do_list }, { "add", do_add }, { "del", do_del }, { "reset", do_reset }
	};
	int r = argc >= 2 ? manager_check_name(&vmctl_cmd_firewall, argv[1]) : VMCTL_EXIT_USAGE;

	if (argc < 2)
		return vmctl_usage_error(&vmctl_cmd_firewall, "needs a VM name");
	if (r != VMCTL_EXIT_OK)
		return r;
	if (argc == 2)
		return do_list(argv[1], 0, NULL);
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		if (streq(argv[2], verbs[i].name))
			return verbs[i].run(argv[1], argc - 3, argv + 3);
	return vmctl_usage_error(&vmctl_cmd_firewall, "unknown action '%s'", argv[2]);
}

const struct vmctl_command vmctl_cmd_firewall = {
	.name = "firewall",
	.args = "VM [list [--json] | add [--before N] RULE | del N|RULE | reset]",
	.summary = "Show or change a VM's network firewall",
	.help = "  RULE is ACTION TARGET, first match wins, no match denies:\n"
		"    ACTION  allow or deny\n"
		"    TARGET  HOST[/PREFIX][:PORT[-PORT]][/PROTO]; HOST an IPv4 address, a DNS\n"
		"            name (resolved on the host when the rules load) or *; PROTO tcp,\n"
		"            udp or icmp\n"
		"  list      the rules, numbered (--json: an array of rule strings)\n"
		"  add       append RULE, or insert it before rule N\n"
		"  del       remove rule N, or the rule written exactly as RULE\n"
		"  reset     back to the default: allow *\n"
		"  Changes hold at once for a running VM. Example:\n"
		"    vmctl firewall browser add --before 1 deny 10.0.2.2:8080/tcp\n",
	.run = run_firewall,
};
