/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmctl policy check | eval: the policy engine offline, as `vmd -n` checks vmd.conf. Both read
 * the same directories the policy daemon does, unless given --policy-dir.
 */
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "policy.h"
#include "vmctl.h"

#define SYSTEM_INFO_MAX (16 * 1024 * 1024)
#define DIRS_MAX 64

struct policy_args {
	const char *dirs[DIRS_MAX];
	size_t n_dirs;
	char **default_dirs; /* when no --policy-dir was given */
	const char *system_info;
	bool json;
	char **positional;
	int n_positional;
};

static void policy_args_finish(struct policy_args *a)
{
	policy_strv_free(a->default_dirs);
}

static int add_dir(struct policy_args *a, const char *dir)
{
	struct stat st;

	if (a->n_dirs == DIRS_MAX)
		return vmctl_usage_error(&vmctl_cmd_policy, "too many --policy-dir options");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return vmctl_usage_error(&vmctl_cmd_policy, "'%s' is not a directory", dir);
	a->dirs[a->n_dirs++] = dir;
	return 0;
}

/* Options of both subcommands; eval's are refused by check. Returns 0 or an exit code. */
static int parse_args(int argc, char **argv, bool is_eval, struct policy_args *a)
{
	static const struct option options[] = {
		{ "policy-dir", required_argument, NULL, 'd' },
		{ "system-info", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{},
	};
	int c, r;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
		if (c == 'd' && (r = add_dir(a, optarg)))
			return r;
		if (c == '?' || (!is_eval && (c == 's' || c == 'j')))
			return vmctl_usage_error(&vmctl_cmd_policy, "%s: unknown option '%s'",
						 argv[0], argv[optind - 1]);
		if (c == 's')
			a->system_info = optarg;
		if (c == 'j')
			a->json = true;
	}
	a->positional = argv + optind;
	a->n_positional = argc - optind;
	return 0;
}

static int load(struct policy_args *a, struct policy **ret)
{
	int r;

	if (a->n_dirs == 0) {
		r = policy_default_dirs(&a->default_dirs);
		if (r < 0)
			return log_oom();
		for (char **d = a->default_dirs; *d; d++)
			a->dirs[a->n_dirs++] = *d;
	}
	r = policy_load(a->dirs, a->n_dirs, ret);
	return r == -ENOMEM ? log_oom() : 0;
}

static int run_check(int argc, char **argv)
{
	_cleanup_(policy_args_finish) struct policy_args a = {};
	struct policy *p = NULL;
	size_t n_errors;
	int r = parse_args(argc, argv, false, &a);

	if (r)
		return r;
	if (a.n_positional > 0)
		return vmctl_usage_error(&vmctl_cmd_policy, "check: unexpected argument '%s'",
					 a.positional[0]);
	if (load(&a, &p) < 0)
		return VMCTL_EXIT_FAILURE;
	n_errors = policy_error_count(p);
	for (size_t i = 0; i < n_errors; i++) {
		const struct policy_error *e = policy_error_get(p, i);
		fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->message);
	}
	if (n_errors == 0)
		printf("policy OK (%zu rules in %zu files)\n", policy_rule_count(p),
		       policy_file_count(p));
	policy_free(p);
	return n_errors ? VMCTL_EXIT_FAILURE : VMCTL_EXIT_OK;
}

static int read_system_info(const char *path, struct policy_system_info **ret)
{
	_cleanup_free_ char *json = NULL, *error = NULL;
	size_t len;
	int r = fd_read_file(AT_FDCWD, path, SYSTEM_INFO_MAX, &json, &len);

	if (r < 0)
		return log_error_errno(r, "Cannot read system info %s: %m", path);
	r = policy_system_info_parse(json, len, ret, &error);
	if (r == -ENOMEM)
		return log_oom();
	if (r < 0)
		return log_error_errno(r, "%s: %s", path, error ? error : "invalid system info");
	return 0;
}

static void print_list(const char *label, char **v, size_t n)
{
	printf("%s:", label);
	for (size_t i = 0; i < n; i++)
		printf("%s %s", i ? "," : "", v[i]);
	printf("\n");
}

static void print_decision(const struct policy_decision *d)
{
	printf("result: %s\n", policy_action_to_string(d->result));
	if (d->target)
		printf("target: %s\n", d->target);
	if (d->result == POLICY_ASK)
		print_list("targets for ask", d->targets_for_ask, d->n_targets_for_ask);
	if (d->default_target)
		printf("default target: %s\n", d->default_target);
	if (d->user)
		printf("user: %s\n", d->user);
	printf("notify: %s\n", d->notify ? "yes" : "no");
	if (d->result != POLICY_DENY)
		printf("autostart: %s\n", d->autostart ? "yes" : "no");
	if (d->matched_file)
		printf("rule: %s:%u: %s\n", d->matched_file, d->matched_line, d->matched_rule);
	printf("reason: %s\n", d->reason);
}

static int print_result(const struct policy_args *a, const struct policy_decision *d)
{
	_cleanup_free_ char *json = NULL;

	if (!a->json) {
		print_decision(d);
		return VMCTL_EXIT_OK;
	}
	if (!(json = policy_decision_to_json(d)))
		return log_oom(), VMCTL_EXIT_FAILURE;
	printf("%s\n", json);
	return VMCTL_EXIT_OK;
}

/* The decision for the request in a.positional, printed. */
static int evaluate(struct policy_args *a, const char *service, const char *argument)
{
	struct policy_system_info *info = NULL;
	struct policy_decision d;
	struct policy *p = NULL;
	int r;

	if (read_system_info(a->system_info, &info) < 0)
		return VMCTL_EXIT_FAILURE;
	if (load(a, &p) < 0) {
		policy_system_info_free(info);
		return VMCTL_EXIT_FAILURE;
	}
	struct policy_request req = { service, argument, a->positional[1], a->positional[2] };
	r = policy_evaluate(p, &req, info, &d);
	r = r < 0 ? (log_oom(), VMCTL_EXIT_FAILURE) : print_result(a, &d);
	policy_decision_finish(&d);
	policy_free(p);
	policy_system_info_free(info);
	return r;
}

static int run_eval(int argc, char **argv)
{
	_cleanup_(policy_args_finish) struct policy_args a = {};
	char service[SERVICE_NAME_MAX + 1], argument[SERVICE_ARG_MAX + 1];
	int r = parse_args(argc, argv, true, &a);

	if (r)
		return r;
	if (!a.system_info)
		return vmctl_usage_error(&vmctl_cmd_policy, "eval: --system-info FILE is required");
	if (a.n_positional != 3)
		return vmctl_usage_error(&vmctl_cmd_policy,
					 "eval: expected SERVICE[+ARG] SOURCE TARGET");
	if (service_split(a.positional[0], service, argument) < 0)
		return vmctl_usage_error(&vmctl_cmd_policy, "eval: invalid service '%s'",
					 a.positional[0]);
	return evaluate(&a, service, argument);
}

static int run_policy(int argc, char **argv)
{
	if (argc < 2)
		return vmctl_usage_error(&vmctl_cmd_policy, "missing subcommand (check or eval)");
	if (streq(argv[1], "check"))
		return run_check(argc - 1, argv + 1);
	if (streq(argv[1], "eval"))
		return run_eval(argc - 1, argv + 1);
	return vmctl_usage_error(&vmctl_cmd_policy, "unknown subcommand '%s'", argv[1]);
}

const struct vmctl_command vmctl_cmd_policy = {
	.name = "policy",
	.args = "check [--policy-dir DIR]... | eval [--policy-dir DIR]... --system-info FILE "
		"[--json] SERVICE[+ARG] SOURCE TARGET",
	.summary = "Check the policy, or evaluate a request offline",
	.help = "check   Load every policy file; print \"policy OK (N rules in M files)\" and exit 0,\n"
		"        or list each error as FILE:LINE: message and exit 1.\n"
		"eval    Decide one request against the policy and the VM list in FILE (the JSON\n"
		"        of POLICY.md) and print the decision and the rule that made it; --json\n"
		"        prints one JSON object. A policy that does not load denies. Exit 0.\n"
		"\n"
		"--policy-dir DIR  Read DIR instead of the default directories (repeatable;\n"
		"                  a file in a later DIR replaces one of the same name).\n"
		"Default directories: $XDG_RUNTIME_DIR/bulkhead/policy.d, /etc/bulkhead/policy.d,\n"
		"$XDG_CONFIG_HOME/bulkhead/policy.d. See vmctl-policy(1), docs/policy-guide.md.\n",
	.run = run_policy,
};
