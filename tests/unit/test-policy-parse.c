/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The line grammar of POLICY.md, one bad line at a time: each must be an error at its line with
 * a message that names the problem, and the policy must then deny everything. Then the lines
 * that are fine, and what a rule looks like through policy_rule_get().
 */
#include "test-policy-util.h"

struct bad_case {
	const char *text;
	unsigned line;
	const char *message; /* a part of the expected message */
};

static const struct bad_case bad[] = {
	{ "svc * work personal", 1, "needs service, argument, source, target and action" },
	{ "# ok\nsvc", 2, "found 1 field" },
	{ "sv!c * work personal allow", 1, "Invalid service name 'sv!c'" },
	{ "* +x work personal allow", 1, "Service '*' needs argument '*'" },
	{ "svc arg work personal allow", 1, "Invalid argument 'arg'" },
	{ "svc +a/b work personal allow", 1, "Invalid argument '+a/b'" },
	{ "svc * work personal permit", 1, "Invalid action 'permit'" },
	{ "svc * @default personal allow", 1, "'@default' is not valid as source" },
	{ "svc * @dispvm personal allow", 1, "'@dispvm' is not valid as source" },
	{ "svc * work @foo allow", 1, "Invalid target '@foo': unknown keyword" },
	{ "svc * @anyvmx work allow", 1, "unknown keyword" },
	{ "svc * @tag: work allow", 1, "empty value after '@tag:'" },
	{ "svc * work @type: allow", 1, "empty value after '@type:'" },
	{ "svc * work @dispvm: allow", 1, "empty value after '@dispvm:'" },
	{ "svc * work @dispvm:@tag: allow", 1, "empty value after '@dispvm:@tag:'" },
	{ "svc * work @type:appvm allow", 1, "unknown VM type" },
	{ "svc * work @dispvm:@type:AppVM allow", 1, "invalid disposable template name" },
	{ "svc * work @tag:a/b allow", 1, "invalid tag" },
	{ "svc * 1work personal allow", 1, "not a valid VM name" },
	{ "svc * work @anyvm allow target=@anyvm", 1, "'@anyvm' is not valid as target=" },
	{ "svc * work @anyvm allow target=*", 1, "'*' is not valid as target=" },
	{ "svc * work @anyvm allow target=@default", 1, "'@default' is not valid as target=" },
	{ "svc * work @anyvm allow target=@tag:x", 1, "'@tag:x' is not valid as target=" },
	{ "svc * work @anyvm allow target=@type:AppVM", 1, "is not valid as target=" },
	{ "svc * work @anyvm ask default_target=@dispvm:@tag:x", 1,
	  "is not valid as default_target=" },
	{ "svc * work @anyvm allow default_target=work", 1,
	  "Parameter 'default_target' is not valid for allow" },
	{ "svc * work @anyvm deny target=work", 1, "Parameter 'target' is not valid for deny" },
	{ "svc * work @anyvm deny user=root", 1, "Parameter 'user' is not valid for deny" },
	{ "svc * work @anyvm deny autostart=no", 1, "Parameter 'autostart' is not valid for deny" },
	{ "svc * work @anyvm allow notify=yes notify=no", 1, "Parameter 'notify' is given twice" },
	{ "svc * work @anyvm allow target=a target=b", 1, "Parameter 'target' is given twice" },
	{ "svc * work @anyvm allow user=a user=b", 1, "Parameter 'user' is given twice" },
	{ "svc * work @anyvm allow notify=maybe", 1, "Invalid value 'maybe' for notify=" },
	{ "svc * work @anyvm allow autostart=1", 1, "Invalid value '1' for autostart=" },
	{ "svc * work @anyvm allow notify", 1, "Invalid parameter 'notify': expected key=value" },
	{ "svc * work @anyvm allow # a comment", 1, "Invalid parameter '#'" },
	{ "svc * work @anyvm allow foo=bar", 1, "Unknown parameter 'foo=bar'" },
	{ "svc * work @anyvm allow =x", 1, "Invalid parameter '=x'" },
	{ "svc * work @anyvm allow target=", 1, "Empty value for parameter 'target'" },
	{ "svc * work @anyvm allow user=r@t", 1, "Invalid user name 'r@t'" },
	{ "svc * work @default allow", 1, "needs target=" },
	{ "svc * work @default allow notify=yes", 1, "needs target=" },
	{ "!frob x", 1, "Unknown directive '!frob'" },
	{ "!include", 1, "!include takes one path" },
	{ "!include a b", 1, "!include takes one path" },
	{ "!include-dir", 1, "!include-dir takes one path" },
	{ "!include-service svc *", 1, "!include-service takes SERVICE ARGUMENT PATH" },
	{ "!include-service * +a x", 1, "Service '*' needs argument '*'" },
	{ "!include relative.policy", 1, "needs a policy directory" },
	{ "!include /nonexistent/x.policy", 1, "Cannot read '/nonexistent/x.policy'" },
	{ "!include-dir /nonexistent", 1, "Cannot read directory '/nonexistent'" },
	{ "!include /", 1, "is not a regular file" },
	{ "ok * work personal allow\n\n\nsvc * work personal alow", 4, "Invalid action 'alow'" },
	{ "svc * work personal allow\x01", 1, "Invalid action" },
	{ "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7", 1,
	  "Too many fields" },
};

static void check_bad(const struct bad_case *c, const struct policy_system_info *info)
{
	struct policy *p = NULL;
	const struct policy_error *e;
	struct policy_decision d;
	struct policy_request req = { "svc", "", "work", "personal" };

	is_int(policy_parse_text("t.policy", c->text, strlen(c->text), NULL, &p), -EINVAL,
	       "bad: %s", c->message);
	e = policy_error_get(p, 0);
	if (!ok(e && e->line == c->line && strstr(e->message, c->message),
		"  error at line %u says \"%s\"", c->line, c->message))
		diag("  got %s:%u: %s", e ? e->file : "-", e ? e->line : 0, e ? e->message : "-");
	ok(e && streq(e->file, "t.policy"), "  names the file");
	ok(e && e->message[strlen(e->message) - 1] == '.', "  is a sentence");
	policy_evaluate(p, &req, info, &d);
	ok(d.result == POLICY_DENY && strstr(d.reason, "failed to load"), "  and denies");
	policy_decision_finish(&d);
	policy_free(p);
}

/* Lines that must each give exactly one error, the rest of the file still being read. */
static void test_every_error_listed(void)
{
	const char *text = "svc * work personal allow\nbad\nsvc * work\nsvc * work personal ask\n"
			   "x * @tag: work allow\n";
	struct policy *p = NULL;

	is_int(policy_parse_text("t.policy", text, strlen(text), NULL, &p), -EINVAL,
	       "several errors: fails");
	is_int(policy_error_count(p), 3, "  every bad line listed");
	is_int(policy_error_get(p, 0)->line, 2, "  first at line 2");
	is_int(policy_error_get(p, 1)->line, 3, "  then line 3");
	is_int(policy_error_get(p, 2)->line, 5, "  then line 5");
	is_int(policy_rule_count(p), 2, "  the good rules are kept for display");
	policy_free(p);
}

static void test_limits(void)
{
	size_t n = 26 + POLICY_LINE_MAX + 1; /* line 2: one byte too long */
	_cleanup_free_ char *big = malloc(POLICY_FILE_MAX + 2);
	struct policy *p = NULL;

	memset(big, '#', POLICY_FILE_MAX + 1);
	memcpy(big, "svc * work personal allow\n", 26);
	big[n] = '\n';
	is_int(policy_parse_text("t.policy", big, n + 1, NULL, &p), -EINVAL, "a long line fails");
	is_int(policy_error_get(p, 0)->line, 2, "  at its line");
	ok(strstr(policy_error_get(p, 0)->message, "longer than 65536 bytes") != NULL, "  says so");
	policy_free(p);
	is_int(policy_parse_text("t.policy", big, 26 + POLICY_LINE_MAX, NULL, &p), 0,
	       "a line of exactly 64 KiB is fine");
	policy_free(p);
	is_int(policy_parse_text("t.policy", big, POLICY_FILE_MAX + 1, NULL, &p), -EINVAL,
	       "a file over 1 MiB fails");
	is_int(policy_error_get(p, 0)->line, 0, "  as a whole file (line 0)");
	policy_free(p);
	is_int(policy_parse_text("t.policy", "svc * a b allow\0x", 17, NULL, &p), -EINVAL,
	       "a NUL byte fails");
	ok(strstr(policy_error_get(p, 0)->message, "NUL") != NULL, "  says so");
	policy_free(p);
}

static void test_good_lines(void)
{
	const char *text = "svc * work personal allow\n"
			   "  # indented comment\n"
			   "svc +arg @tag:t @dispvm:@tag:u ask target=@dispvm:dvm default_target=x "
			   "user=u notify=yes autostart=no\n"
			   "* * @anyvm @anyvm deny notify=no\n"
			   "svc + @type:AppVM @default allow target=@adminvm\n"
			   "svc * @dispvm:dvm @dispvm allow\n";
	struct policy_rule_info r;
	struct policy *p = NULL;

	is_int(policy_parse_text("g.policy", text, strlen(text), NULL, &p), 0, "good lines load");
	is_int(policy_rule_count(p), 5, "  5 rules");
	is_int(policy_file_count(p), 1, "  in 1 file");
	is_int(policy_rule_get(p, 1, &r), 0, "rule 2 readable");
	is_int(r.line, 3, "  line");
	is_str(r.file, "g.policy", "  file");
	is_str(r.service, "svc", "  service");
	is_str(r.argument, "+arg", "  argument");
	is_str(r.source, "@tag:t", "  source");
	is_str(r.target, "@dispvm:@tag:u", "  target");
	is_int(r.action, POLICY_ASK, "  action");
	is_str(r.target_param, "@dispvm:dvm", "  target=");
	is_str(r.default_target, "x", "  default_target=");
	is_str(r.user, "u", "  user=");
	is_int(r.notify, 1, "  notify=");
	is_int(r.autostart, 0, "  autostart=");
	is_str(r.params, "target=@dispvm:dvm default_target=x user=u notify=yes autostart=no",
	       "  params");
	ok(strncmp(r.text, "svc +arg @tag:t", 15) == 0, "  text");
	is_int(policy_rule_get(p, 0, &r), 0, "rule 1 readable");
	ok(!r.target_param && !r.user && r.notify == -1 && r.autostart == -1 && !*r.params,
	   "  unset parameters are NULL, -1 and \"\"");
	is_int(policy_rule_get(p, 5, &r), -ERANGE, "past the end: -ERANGE");
	policy_free(p);
}

static void test_empty_and_null(const struct policy_system_info *info)
{
	struct policy_request req = { "svc", NULL, "work", NULL };
	struct policy_decision d;
	struct policy *p = NULL;

	is_int(policy_parse_text("e.policy", "", 0, NULL, &p), 0, "an empty file loads");
	is_int(policy_rule_count(p), 0, "  with no rules");
	policy_evaluate(p, &req, info, &d);
	is_int(d.result, POLICY_DENY, "  and denies");
	policy_decision_finish(&d);
	policy_free(p);
	is_int(policy_evaluate(NULL, &req, info, &d), 0, "a NULL policy evaluates");
	ok(d.result == POLICY_DENY && strstr(d.reason, "No policy"), "  to deny");
	policy_decision_finish(&d);
	is_int(policy_error_count(NULL) + policy_rule_count(NULL) + policy_file_count(NULL), 0,
	       "counts of NULL are 0");
	policy_free(NULL);
}

int main(void)
{
	struct policy_system_info *info = test_sysinfo();

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		check_bad(&bad[i], info);
	test_every_error_listed();
	test_limits();
	test_good_lines();
	test_empty_and_null(info);
	policy_system_info_free(info);
	return tap_done();
}
