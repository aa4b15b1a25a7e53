/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Loading from real directories in a scratch dir (files too big for golden files, include
 * depth, in-memory overrides as the settings GUI uses them), system info errors, and the
 * decision's JSON form and ask answers.
 */
#include <sys/stat.h>

#include "test-policy-util.h"

static char scratch[] = "/tmp/test-policy-load-XXXXXX";

static char *path_in(const char *name)
{
	char *p = str_new_printf("%s/%s", scratch, name);
	if (!p)
		tap_bail_out("out of memory");
	return p;
}

static void write_file(const char *name, const char *text, size_t len)
{
	_cleanup_free_ char *path = path_in(name);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || fd_write_all(fd, text, len) < 0)
		tap_bail_out("cannot write a scratch file");
}

static void write_text(const char *name, const char *text)
{
	write_file(name, text, strlen(text));
}

static void make_dir(const char *name)
{
	_cleanup_free_ char *path = path_in(name);
	if (mkdir(path, 0755) < 0)
		tap_bail_out("mkdir");
}

static const char *first_error(const struct policy *p)
{
	const struct policy_error *e = policy_error_get(p, 0);
	return e ? e->message : "";
}

static void test_big_file_on_disk(void)
{
	_cleanup_free_ char *big = malloc(POLICY_FILE_MAX + 1), *dir = path_in("big.d");
	const char *dirs[] = { dir };
	struct policy *p = NULL;

	make_dir("big.d");
	memset(big, '#', POLICY_FILE_MAX + 1);
	write_file("big.d/10-big.policy", big, POLICY_FILE_MAX + 1);
	is_int(policy_load(dirs, 1, &p), -EINVAL, "a file over 1 MiB fails the load");
	ok(strstr(first_error(p), "larger than 1048576 bytes") != NULL, "  saying so");
	is_int(policy_error_get(p, 0)->line, 0, "  at line 0");
	policy_free(p);
	for (size_t i = 1000; i < POLICY_FILE_MAX; i += 1000)
		big[i] = '\n'; /* short comment lines: only the file's size is at its limit */
	write_file("big.d/10-big.policy", big, POLICY_FILE_MAX);
	is_int(policy_load(dirs, 1, &p), 0, "exactly 1 MiB is fine");
	policy_free(p);
}

static void test_include_depth(void)
{
	_cleanup_free_ char *dir = path_in("deep.d");
	const char *dirs[] = { dir };
	struct policy *p = NULL;

	make_dir("deep.d");
	for (int i = 0; i < 20; i++) {
		char name[64], text[64];
		snprintf(name, sizeof(name), "deep.d/%02d.inc", i);
		snprintf(text, sizeof(text), "!include %02d.inc\n", i + 1);
		write_text(name, text);
	}
	write_text("deep.d/20.inc", "svc * work personal allow\n");
	write_text("deep.d/10-top.policy", "!include 00.inc\n");
	is_int(policy_load(dirs, 1, &p), -EINVAL, "includes nested 21 deep fail");
	ok(strstr(first_error(p), "nested more than 16 deep") != NULL, "  saying so");
	policy_free(p);
}

static void test_include_fanout(void)
{
	_cleanup_free_ char *dir = path_in("fan.d"), *text = NULL;
	const char *dirs[] = { dir };
	struct policy *p = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	make_dir("fan.d");
	write_text("fan.d/empty.inc", "");
	for (int i = 0; i < 20000; i++)
		fputs("!include empty.inc\n", f);
	fclose(f);
	write_file("fan.d/10-fan.policy", text, size);
	is_int(policy_load(dirs, 1, &p), -EINVAL, "20,000 includes of an empty file fail");
	ok(strstr(first_error(p), "with its includes is larger than") != NULL, "  as too large");
	policy_free(p);
}

static void test_missing_dir(void)
{
	const char *dirs[] = { "/nonexistent/policy.d" };
	struct policy *p = NULL;

	is_int(policy_load(dirs, 1, &p), 0, "a directory that does not exist is empty");
	is_int(policy_file_count(p), 0, "  no files");
	policy_free(p);
	is_int(policy_load(NULL, 0, &p), 0, "no directories at all: an empty policy");
	policy_free(p);
}

static void test_overrides(void)
{
	_cleanup_free_ char *a = path_in("ov-a.d"), *b = path_in("ov-b.d");
	const char *dirs[] = { a, b };
	struct policy_override replace[] = {
		{ "50-config-x.policy", "svc * work mail allow\n", 22 },
		{ "60-new.policy", "svc * work untrusted allow\n", 27 },
	};
	struct policy_override bad = { "50-config-x.policy", "svc * work\n", 11 };
	struct policy_override bad_name = { "../x.policy", "", 0 };
	struct policy_rule_info r;
	struct policy *p = NULL;

	make_dir("ov-a.d");
	make_dir("ov-b.d");
	write_text("ov-a.d/50-config-x.policy", "svc * work personal allow\n");
	write_text("ov-b.d/90-default.policy", "* * @anyvm @anyvm deny\n");
	is_int(policy_load_with_overrides(dirs, 2, replace, 2, &p), 0, "overrides load");
	is_int(policy_rule_count(p), 3, "  3 rules: the replaced file's rule is gone");
	policy_rule_get(p, 0, &r);
	ok(streq(r.target, "mail") && str_endswith(r.file, "ov-a.d/50-config-x.policy"),
	   "  the override takes the replaced file's place and path");
	policy_rule_get(p, 1, &r);
	ok(streq(r.target, "untrusted") && str_endswith(r.file, "ov-b.d/60-new.policy"),
	   "  a new file is added in name order, in the last directory");
	is_int(policy_file_count(p), 3, "  3 files");
	policy_free(p);
	is_int(policy_load_with_overrides(dirs, 2, &bad, 1, &p), -EINVAL, "a bad override fails");
	ok(str_endswith(policy_error_get(p, 0)->file, "ov-a.d/50-config-x.policy") &&
		   policy_error_get(p, 0)->line == 1,
	   "  with the error at the file being edited");
	policy_free(p);
	is_int(policy_load_with_overrides(dirs, 2, &bad_name, 1, &p), -EINVAL,
	       "an override with a bad name fails");
	ok(strstr(first_error(p), "Invalid policy file name") != NULL, "  saying so");
	policy_free(p);
}

static void test_parse_text_includes(void)
{
	struct policy *p = NULL;

	write_text("inc.inc", "svc * work personal allow\n");
	is_int(policy_parse_text("x.policy", "!include inc.inc\n", 17, scratch, &p), 0,
	       "policy_parse_text resolves includes against include_dir");
	is_int(policy_rule_count(p), 1, "  and reads them");
	is_int(policy_file_count(p), 2, "  counting both files");
	policy_free(p);
}

static void test_sysinfo_errors(void)
{
	static const struct {
		const char *json, *message;
	} cases[] = {
		{ "", "ends too early" },
		{ "[1]", "must be a JSON object" },
		{ "{}", "needs a \"domains\" object" },
		{ "{\"domains\": []}", "needs a \"domains\" object" },
		{ "{\"domains\": {\"a\": 1}}", "must be an object" },
		{ "{\"domains\": {\"a\": {}}}", "has no 'type'" },
		{ "{\"domains\": {\"a\": {\"type\": 1}}}", "must be a string" },
		{ "{\"domains\": {\"a\": {\"type\": \"AppVM\", \"tags\": \"x\"}}}",
		  "must be an array" },
		{ "{\"domains\": {\"a\": {\"type\": \"AppVM\", \"tags\": [1]}}}",
		  "must be a string" },
		{ "{\"domains\": {\"a\": {\"type\": \"AppVM\", \"template_for_dispvms\": 1}}}",
		  "must be true or false" },
		{ "{\"domains\": {\"bad name\": {\"type\": \"AppVM\"}}}", "Invalid domain name" },
		{ "{\"domains\": {\"a\": {\"type\": \"AdminVM\"}, \"b\": {\"type\": \"AdminVM\"}}}",
		  "More than one" },
		{ "{\"domains\": {}} x", "data after" },
		{ "{\"domains\": {", "ends too early" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct policy_system_info *info = (void *)1;
		_cleanup_free_ char *error = NULL;
		int r = policy_system_info_parse(cases[i].json, strlen(cases[i].json), &info,
						 &error);
		if (!ok(r == -EINVAL && !info && error && strstr(error, cases[i].message),
			"system info %s: %s", cases[i].json, cases[i].message))
			diag("  got %d: %s", r, error ? error : "(null)");
	}
}

static void test_json(const struct policy_system_info *info)
{
	const char *text = "svc * work personal ask default_target=personal user=u\n"
			   "svc * work mail allow\n";
	struct policy_request req = { "svc", "", "work", "personal" };
	_cleanup_free_ char *json = NULL, *json2 = NULL;
	struct policy_decision d;
	struct policy *p = NULL;

	policy_parse_text("t.policy", text, strlen(text), NULL, &p);
	policy_evaluate(p, &req, info, &d);
	json = policy_decision_to_json(&d);
	is_str(json,
	       "{\"result\":\"ask\",\"target\":null,\"targets_for_ask\":[\"mail\",\"personal\"],"
	       "\"default_target\":\"personal\",\"user\":\"u\",\"notify\":false,\"autostart\":true,"
	       "\"matched_file\":\"t.policy\",\"matched_lineno\":1,\"matched_rule\":\"svc * work "
	       "personal ask default_target=personal user=u\",\"reason\":\"Ask the user "
	       "(t.policy:1).\"}",
	       "an ask decision as JSON");
	is_int(policy_decision_accept_answer(&d, "dom0"), -EPERM, "an answer not offered: -EPERM");
	is_int(d.result, POLICY_ASK, "  the decision unchanged");
	is_int(policy_decision_accept_answer(&d, "mail"), 0, "a candidate is accepted");
	ok(d.result == POLICY_ALLOW && streq(d.target, "mail"), "  as an allow of it");
	is_int(policy_decision_accept_answer(&d, "mail"), -EPERM, "  only once");
	policy_decision_finish(&d);
	policy_decision_finish(&d);
	ok(true, "policy_decision_finish() twice is harmless");
	policy_free(p);
	policy_evaluate(NULL, &req, info, &d);
	json2 = policy_decision_to_json(&d);
	is_str(json2,
	       "{\"result\":\"deny\",\"target\":null,\"targets_for_ask\":null,\"default_target\":"
	       "null,\"user\":null,\"notify\":true,\"autostart\":null,\"matched_file\":null,"
	       "\"matched_lineno\":null,\"matched_rule\":null,\"reason\":\"No policy is loaded.\"}",
	       "a deny without a rule as JSON: nulls");
	policy_decision_finish(&d);
}

static struct policy_system_info *sysinfo_of(const char *json)
{
	struct policy_system_info *info = NULL;

	if (policy_system_info_parse(json, strlen(json), &info, NULL) < 0)
		tap_bail_out("a test system info does not parse");
	return info;
}

/* The print filter's disposable template (no policy involved): the source's default_dispvm if
 * it is a template, else the host's only template, else none. */
static void test_dispvm_for(void)
{
	static const char *const one =
		"{\"domains\": {"
		"\"work\": {\"type\": \"AppVM\"},"
		"\"mail\": {\"type\": \"AppVM\", \"default_dispvm\": \"work\"},"
		"\"dvm\": {\"type\": \"AppVM\", \"template_for_dispvms\": true}}}";
	static const char *const two =
		"{\"domains\": {"
		"\"work\": {\"type\": \"AppVM\", \"default_dispvm\": \"dvm2\"},"
		"\"mail\": {\"type\": \"AppVM\"},"
		"\"dvm\": {\"type\": \"AppVM\", \"template_for_dispvms\": true},"
		"\"dvm2\": {\"type\": \"AppVM\", \"template_for_dispvms\": true}}}";
	struct policy_system_info *info = sysinfo_of(one);

	is_str(policy_system_info_dispvm_for(info, "work"), "dvm", "dispvm_for: the only template");
	is_str(policy_system_info_dispvm_for(info, "mail"), "dvm",
	       "  a default_dispvm that is no template is passed over");
	is_str(policy_system_info_dispvm_for(info, "nosuch"), "dvm", "  whoever asks");
	policy_system_info_free(info);
	info = sysinfo_of(two);
	is_str(policy_system_info_dispvm_for(info, "work"), "dvm2",
	       "  the source's default_dispvm");
	ok(!policy_system_info_dispvm_for(info, "mail"), "  several templates, none chosen: none");
	policy_system_info_free(info);
	info = sysinfo_of("{\"domains\": {\"work\": {\"type\": \"AppVM\"}}}");
	ok(!policy_system_info_dispvm_for(info, "work"), "  no template: none");
	policy_system_info_free(info);
}

static void test_default_dirs(void)
{
	char **dirs = NULL;

	setenv("XDG_RUNTIME_DIR", "/run/user/1", 1);
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	is_int(policy_default_dirs(&dirs), 3, "three default directories");
	is_str(dirs[0], "/run/user/1/bulkhead/policy.d", "  runtime first");
	is_str(dirs[1], "/etc/bulkhead/policy.d", "  then /etc");
	is_str(dirs[2], "/cfg/bulkhead/policy.d", "  then the user's");
	policy_strv_free(dirs);
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	is_int(policy_default_dirs(&dirs), 2, "without XDG_RUNTIME_DIR: two");
	is_str(dirs[1], "/home/u/.config/bulkhead/policy.d", "  ~/.config by default");
	policy_strv_free(dirs);
}

int main(void)
{
	struct policy_system_info *info = test_sysinfo();

	if (!mkdtemp(scratch))
		tap_bail_out("mkdtemp");
	test_big_file_on_disk();
	test_include_depth();
	test_include_fanout();
	test_missing_dir();
	test_overrides();
	test_parse_text_includes();
	test_sysinfo_errors();
	test_json(info);
	test_dispvm_for();
	test_default_dirs();
	policy_system_info_free(info);
	_cleanup_free_ char *cmd = str_new_printf("rm -rf '%s'", scratch);
	if (cmd && system(cmd) != 0)
		diag("could not remove %s", scratch);
	return tap_done();
}
