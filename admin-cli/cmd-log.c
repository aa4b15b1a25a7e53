/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl log: the policy daemon's audit log (<state>/audit.log, one JSON object per decision),
 * as readable lines or, with --json, as it is. Lines that are not JSON objects are shown as
 * they are rather than dropped: an audit log is read to find out what happened.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strutil.h"
#include "vmctl.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)

static char *default_log_path(void)
{
	const char *d = getenv("BULKHEAD_STATE_DIR");

	if (d && *d)
		return str_new_printf("%s/audit.log", d);
	d = getenv("XDG_STATE_HOME");
	if (d && *d)
		return str_new_printf("%s/bulkhead/audit.log", d);
	d = getenv("HOME");
	return str_new_printf("%s/.local/state/bulkhead/audit.log", d ? d : "");
}

static const char *field(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void print_record(struct json_object *o)
{
	const char *arg = field(o, "argument"), *resolved = field(o, "resolved_target");
	const char *target = field(o, "target"), *rule = field(o, "rule");

	printf("%s  %-5s %s -> %s  %s%s%s", field(o, "time") ?: "?", field(o, "decision") ?: "?",
	       field(o, "source") ?: "?", target ?: "?", field(o, "service") ?: "?",
	       arg && *arg ? "+" : "", arg ?: "");
	if (resolved && target && strcmp(resolved, target) != 0)
		printf("  (to %s)", resolved);
	printf("  %s%s  [%s]\n", rule ? "rule " : "no rule", rule ?: "",
	       field(o, "answered_by") ?: "?");
}

static void print_line(char *line, bool json)
{
	line[strcspn(line, "\n")] = '\0';
	if (json || !*line) {
		if (*line)
			puts(line);
		return;
	}
	_cleanup_(json_object_putp) struct json_object *o = json_tokener_parse(line);
	if (o && json_object_is_type(o, json_type_object))
		print_record(o);
	else
		puts(line);
}

static int run_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "file", required_argument, NULL, 'f' },
		{},
	};
	_cleanup_free_ char *path = NULL;
	bool json = false;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		if (o == 'j')
			json = true;
		else if (o == 'f')
			free(path), path = strdup(optarg);
		else
			return vmctl_usage_error(&vmctl_cmd_log, "unknown option");
	}
	if (optind < argc)
		return vmctl_usage_error(&vmctl_cmd_log, "too many arguments");
	if (!path && !(path = default_log_path()))
		return VMCTL_EXIT_FAILURE;
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "vmctl: log: cannot open %s: %m\n", path);
		return VMCTL_EXIT_FAILURE;
	}
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	while (getline(&line, &size, f) >= 0)
		print_line(line, json);
	return VMCTL_EXIT_OK;
}

const struct vmctl_command vmctl_cmd_log = {
	.name = "log",
	.args = "[--json] [--file FILE]",
	.summary = "Show the audit log of qrexec policy decisions",
	.help = "Every decision of the policy daemon: time, decision, source -> requested target,\n"
		"service+argument, the target it went to, the deciding rule (file:line) and who\n"
		"answered (the policy, or the user for ask rules).\n\n"
		"  --json       print the log's JSON lines as they are\n"
		"  --file FILE  read FILE instead of $BULKHEAD_STATE_DIR/audit.log\n",
	.run = run_log,
};
