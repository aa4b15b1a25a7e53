/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden policy directories, as `vmd -n` has pass/fail configuration files: each directory
 * under tests/unit/policy-golden/ holds one or more "*.d" policy directories (loaded in name
 * order) and the file "expected": "policy OK (N rules in M files)" with every rule as
 * FILE:LINE: ..., or every error as FILE:LINE: message. Paths are relative to the case.
 * BULKHEAD_REGENERATE=1 rewrites the expected files from what the library does now.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "test-policy-util.h"

#define DIRS_MAX 8

static bool is_dir(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/* The "*.d" directories of the case, in byte order. */
static size_t case_dirs(char *names[static DIRS_MAX])
{
	struct dirent **list;
	int n = scandir(".", &list, NULL, alphasort);
	size_t k = 0;

	for (int i = 0; i < n; i++) {
		if (k < DIRS_MAX && str_endswith(list[i]->d_name, ".d") &&
		    is_dir(AT_FDCWD, list[i]->d_name))
			names[k++] = strdup(list[i]->d_name);
		free(list[i]);
	}
	free(n >= 0 ? list : NULL);
	return k;
}

static void render_rules(FILE *f, const struct policy *p)
{
	struct policy_rule_info r;

	for (size_t i = 0; policy_rule_get(p, i, &r) == 0; i++)
		fprintf(f, "%s:%u: %s %s %s %s %s%s%s\n", r.file, r.line, r.service, r.argument,
			r.source, r.target, policy_action_to_string(r.action), *r.params ? " " : "",
			r.params);
}

/* What `vmctl policy check` would say, plus the rules when the policy loads. */
static char *render_case(int *ret_r)
{
	char *dirs[DIRS_MAX], *buf = NULL;
	size_t n = case_dirs(dirs), size = 0;
	struct policy *p = NULL;
	FILE *f = open_memstream(&buf, &size);

	*ret_r = policy_load((const char *const *)dirs, n, &p);
	if (policy_error_count(p) == 0) {
		fprintf(f, "policy OK (%zu rules in %zu files)\n", policy_rule_count(p),
			policy_file_count(p));
		render_rules(f, p);
	}
	for (size_t i = 0; i < policy_error_count(p); i++) {
		const struct policy_error *e = policy_error_get(p, i);
		fprintf(f, "%s:%u: %s\n", e->file, e->line, e->message);
	}
	fclose(f);
	policy_free(p);
	for (size_t i = 0; i < n; i++)
		free(dirs[i]);
	return buf;
}

static void write_expected(const char *text)
{
	FILE *f = fopen("expected", "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		tap_bail_out("cannot write expected");
}

static void check_case(const char *root, const char *name)
{
	_cleanup_free_ char *dir = str_new_printf("%s/%s", root, name), *got = NULL, *want = NULL;
	size_t len;
	int r;

	if (!dir || chdir(dir) < 0)
		tap_bail_out("cannot enter a golden case");
	got = render_case(&r);
	if (getenv("BULKHEAD_REGENERATE") && streq(getenv("BULKHEAD_REGENERATE"), "1"))
		write_expected(got);
	if (fd_read_file(AT_FDCWD, "expected", 1 << 20, &want, &len) < 0)
		tap_bail_out("a golden case has no expected file (run with BULKHEAD_REGENERATE=1)");
	is_int(r, str_startswith(name, "ok-") ? 0 : -EINVAL, "%s: loads as its name says", name);
	if (!is_str(got, want, "%s: output as expected", name))
		diag("got:\n%s", got);
}

int main(void)
{
	const char *src = getenv("BULKHEAD_SOURCE_ROOT");
	_cleanup_free_ char *root = src ? str_new_printf("%s/tests/unit/policy-golden", src) : NULL;
	struct dirent **list;
	int n;

	if (!root)
		tap_bail_out("BULKHEAD_SOURCE_ROOT is not set");
	n = scandir(root, &list, NULL, alphasort);
	if (n < 0)
		tap_bail_out("cannot read policy-golden");
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.' && (str_startswith(list[i]->d_name, "ok-") ||
						  str_startswith(list[i]->d_name, "bad-")))
			check_case(root, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return tap_done();
}
