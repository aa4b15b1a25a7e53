/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * POLICY.md, row by row: each case is a small policy, one request against the VM list of
 * policy-golden/sysinfo.json, and the decision expected (rendered by test_render()) with the
 * line of the deciding rule (0: no rule matched). The VMs: dom0 (AdminVM, tag admin-tag),
 * work (tags trusted, work-tag; halted), personal, mail (default_dispvm mail-dvm), untrusted
 * (tag untrusted, no default_dispvm), tmpl (TemplateVM), sa (StandaloneVM), default-dvm and
 * mail-dvm (disposable templates; default-dvm tagged dvm-tag, halted) and disp123 (DispVM of
 * default-dvm), mgmt and mgmt-dvm (internal: helper VMs never offered by an ask; mgmt-dvm a
 * disposable template). Running: dom0, personal, mail, untrusted, mail-dvm, disp123, mgmt,
 * mgmt-dvm. Cases with includes set include_dir: relative includes resolve against
 * policy-conformance-include/ there (the policy directory).
 */
#include "test-policy-util.h"

struct eval_case {
	const char *what;
	const char *policy;
	const char *service; /* SERVICE[+ARG] */
	const char *source;
	const char *target;
	const char *expect;
	unsigned line;
	bool with_include_dir;
};

/* Everything but work and dom0, for ask lists built from @anyvm by work. */
#define ANY_BUT_WORK                                                                          \
	"@dispvm:default-dvm,@dispvm:mail-dvm,default-dvm,disp123,mail,mail-dvm,personal,sa," \
	"tmpl,untrusted"

static const struct eval_case cases[] = {
	/* Token: VM name. */
	{ "name: source and target", "svc * work personal allow", "svc", "work", "personal",
	  "allow personal", 1 },
	{ "name: other source does not match", "svc * work personal allow", "svc", "mail",
	  "personal", "deny", 0 },
	{ "name: unknown requested target becomes @default",
	  "svc * work @default allow target=personal", "svc", "work", "nosuch", "allow personal",
	  1 },
	{ "name: a rule naming an unknown VM does not match it", "svc * work nosuch allow", "svc",
	  "work", "nosuch", "deny", 0 },
	{ "name: in target=", "svc * work @anyvm allow target=personal", "svc", "work", "mail",
	  "allow personal", 1 },
	{ "name: target= naming no VM denies", "svc * work @anyvm allow target=ghost", "svc",
	  "work", "mail", "deny", 1 },
	{ "name: source column is exact", "svc * mail personal allow", "svc", "mail-dvm",
	  "personal", "deny", 0 },
	/* Token: the admin VM, by name or @adminvm. */
	{ "admin: rule dom0 matches request @adminvm", "svc * work dom0 allow", "svc", "work",
	  "@adminvm", "allow dom0", 1 },
	{ "admin: rule @adminvm matches request dom0", "svc * work @adminvm allow", "svc", "work",
	  "dom0", "allow dom0", 1 },
	{ "admin: @adminvm resolves to the admin VM's name", "svc * work @adminvm allow", "svc",
	  "work", "@adminvm", "allow dom0", 1 },
	{ "admin: source @adminvm", "svc * @adminvm work allow", "svc", "dom0", "work",
	  "allow work", 1 },
	{ "admin: source dom0 by name", "svc * dom0 work allow", "svc", "dom0", "work",
	  "allow work", 1 },
	{ "admin: target=@adminvm", "svc * work @anyvm allow target=@adminvm", "svc", "work",
	  "personal", "allow dom0", 1 },
	{ "admin: target=dom0", "svc * work @anyvm allow target=dom0", "svc", "work", "personal",
	  "allow dom0", 1 },
	/* Token: @anyvm. */
	{ "@anyvm: source is never the admin VM", "svc * @anyvm work allow", "svc", "dom0", "work",
	  "deny", 0 },
	{ "@anyvm: target is never the admin VM", "svc * work @anyvm allow", "svc", "work", "dom0",
	  "deny", 0 },
	{ "@anyvm: nor @adminvm", "svc * work @anyvm allow", "svc", "work", "@adminvm", "deny", 0 },
	{ "@anyvm: matches a @default request (then no target)", "svc * work @anyvm allow", "svc",
	  "work", "", "deny", 1 },
	{ "@anyvm: matches @dispvm", "svc * work @anyvm allow", "svc", "work", "@dispvm",
	  "allow @dispvm:default-dvm", 1 },
	{ "@anyvm: matches @dispvm:X", "svc * work @anyvm allow", "svc", "work", "@dispvm:mail-dvm",
	  "allow @dispvm:mail-dvm", 1 },
	{ "@anyvm: any other source", "svc * @anyvm personal allow", "svc", "disp123", "personal",
	  "allow personal", 1 },
	/* Token: *. */
	{ "*: target includes the admin VM", "svc * work * allow", "svc", "work", "dom0",
	  "allow dom0", 1 },
	{ "*: source includes the admin VM", "svc * * work allow", "svc", "dom0", "work",
	  "allow work", 1 },
	{ "*: matches @default (then no target)", "svc * work * allow", "svc", "work", "", "deny",
	  1 },
	{ "*: matches @adminvm", "svc * work * allow", "svc", "work", "@adminvm", "allow dom0", 1 },
	/* Token: @default. */
	{ "@default: empty target", "svc * work @default allow target=personal", "svc", "work", "",
	  "allow personal", 1 },
	{ "@default: literal @default", "svc * work @default allow target=personal", "svc", "work",
	  "@default", "allow personal", 1 },
	{ "@default: not a named target", "svc * work @default allow target=personal", "svc",
	  "work", "personal", "deny", 0 },
	{ "@default: ask offers what other rules allow",
	  "svc * work @default ask\n"
	  "svc * work personal allow",
	  "svc", "work", "", "ask personal", 1 },
	/* Token: @tag:. */
	{ "@tag: source", "svc * @tag:trusted personal allow", "svc", "work", "personal",
	  "allow personal", 1 },
	{ "@tag: source without the tag", "svc * @tag:trusted personal allow", "svc", "mail",
	  "personal", "deny", 0 },
	{ "@tag: target admin VM by name", "svc * work @tag:admin-tag allow", "svc", "work", "dom0",
	  "allow dom0", 1 },
	{ "@tag: not the admin VM as @adminvm", "svc * work @tag:admin-tag allow", "svc", "work",
	  "@adminvm", "deny", 0 },
	{ "@tag: source admin VM by name", "svc * @tag:admin-tag work allow", "svc", "dom0", "work",
	  "allow work", 1 },
	{ "@tag: a disposable request is not the template", "svc * work @tag:dvm-tag allow", "svc",
	  "work", "@dispvm:default-dvm", "deny", 0 },
	{ "@tag: target", "svc * work @tag:untrusted allow", "svc", "work", "untrusted",
	  "allow untrusted", 1 },
	/* Token: @type:. */
	{ "@type: source AppVM", "svc * @type:AppVM personal allow", "svc", "work", "personal",
	  "allow personal", 1 },
	{ "@type: target AdminVM by name", "svc * work @type:AdminVM allow", "svc", "work", "dom0",
	  "allow dom0", 1 },
	{ "@type: not as @adminvm", "svc * work @type:AdminVM allow", "svc", "work", "@adminvm",
	  "deny", 0 },
	{ "@type: source DispVM", "svc * @type:DispVM work allow", "svc", "disp123", "work",
	  "allow work", 1 },
	{ "@type: TemplateVM", "svc * work @type:TemplateVM allow", "svc", "work", "tmpl",
	  "allow tmpl", 1 },
	{ "@type: StandaloneVM", "svc * work @type:StandaloneVM allow", "svc", "work", "sa",
	  "allow sa", 1 },
	{ "@type: source AdminVM", "svc * @type:AdminVM work allow", "svc", "dom0", "work",
	  "allow work", 1 },
	/* Token: @dispvm. */
	{ "@dispvm: the caller's default template", "svc * work @dispvm allow", "svc", "work",
	  "@dispvm", "allow @dispvm:default-dvm", 1 },
	{ "@dispvm: only the literal request", "svc * work @dispvm allow", "svc", "work",
	  "@dispvm:default-dvm", "deny", 0 },
	{ "@dispvm: a caller without default_dispvm", "svc * untrusted @dispvm allow", "svc",
	  "untrusted", "@dispvm", "deny", 1 },
	{ "@dispvm: target=@dispvm", "svc * work @anyvm allow target=@dispvm", "svc", "work",
	  "personal", "allow @dispvm:default-dvm", 1 },
	{ "@dispvm: target=@dispvm uses the caller's default",
	  "svc * mail @anyvm allow "
	  "target=@dispvm",
	  "svc", "mail", "personal", "allow @dispvm:mail-dvm", 1 },
	/* Token: @dispvm:X. */
	{ "@dispvm:X: exact request", "svc * work @dispvm:default-dvm allow", "svc", "work",
	  "@dispvm:default-dvm", "allow @dispvm:default-dvm", 1 },
	{ "@dispvm:X: @dispvm resolving to X", "svc * work @dispvm:default-dvm allow", "svc",
	  "work", "@dispvm", "allow @dispvm:default-dvm", 1 },
	{ "@dispvm:X: not plain X", "svc * work @dispvm:default-dvm allow", "svc", "work",
	  "default-dvm", "deny", 0 },
	{ "@dispvm:X: @dispvm resolving elsewhere", "svc * mail @dispvm:default-dvm allow", "svc",
	  "mail", "@dispvm", "deny", 0 },
	{ "@dispvm:X: X must be a disposable template", "svc * work * allow", "svc", "work",
	  "@dispvm:personal", "deny", 0 },
	{ "@dispvm:X: X must exist", "svc * work * allow", "svc", "work", "@dispvm:ghost", "deny",
	  0 },
	{ "@dispvm:X: in target=", "svc * work @anyvm allow target=@dispvm:mail-dvm", "svc", "work",
	  "personal", "allow @dispvm:mail-dvm", 1 },
	{ "@dispvm:X: target= not a template", "svc * work @anyvm allow target=@dispvm:personal",
	  "svc", "work", "mail", "deny", 1 },
	{ "@dispvm:X: source, a disposable of X", "svc * @dispvm:default-dvm work allow", "svc",
	  "disp123", "work", "allow work", 1 },
	{ "@dispvm:X: source, a disposable of another", "svc * @dispvm:mail-dvm work allow", "svc",
	  "disp123", "work", "deny", 0 },
	{ "@dispvm:X: source, not the template itself", "svc * @dispvm:default-dvm work allow",
	  "svc", "default-dvm", "work", "deny", 0 },
	/* Token: @dispvm:@tag:T. */
	{ "@dispvm:@tag: request @dispvm:X", "svc * work @dispvm:@tag:dvm-tag allow", "svc", "work",
	  "@dispvm:default-dvm", "allow @dispvm:default-dvm", 1 },
	{ "@dispvm:@tag: request @dispvm", "svc * work @dispvm:@tag:dvm-tag allow", "svc", "work",
	  "@dispvm", "allow @dispvm:default-dvm", 1 },
	{ "@dispvm:@tag: template without the tag", "svc * work @dispvm:@tag:dvm-tag allow", "svc",
	  "work", "@dispvm:mail-dvm", "deny", 0 },
	{ "@dispvm:@tag: source", "svc * @dispvm:@tag:dvm-tag work allow", "svc", "disp123", "work",
	  "allow work", 1 },
	/* Tokens valid only in rules are refused as a request's target. */
	{ "request: @anyvm refused", "svc * work * allow", "svc", "work", "@anyvm", "deny", 0 },
	{ "request: * refused", "svc * work * allow", "svc", "work", "*", "deny", 0 },
	{ "request: @tag: refused", "svc * work * allow", "svc", "work", "@tag:trusted", "deny",
	  0 },
	{ "request: @type: refused", "svc * work * allow", "svc", "work", "@type:AppVM", "deny",
	  0 },
	{ "request: @dispvm:@tag: refused", "svc * work * allow", "svc", "work",
	  "@dispvm:@tag:dvm-tag", "deny", 0 },
	{ "request: invalid name refused", "svc * work * allow", "svc", "work", "bad name", "deny",
	  0 },
	{ "request: unknown keyword refused", "svc * work * allow", "svc", "work", "@bogus", "deny",
	  0 },
	{ "request: unknown source denied", "svc * * * allow", "svc", "ghost", "work", "deny", 0 },
	{ "request: invalid service denied", "* * * * allow", "s/v", "work", "personal", "deny",
	  0 },
	/* Evaluation: first match, the service index, arguments. */
	{ "first match: deny before allow", "svc * work personal deny\nsvc * work personal allow",
	  "svc", "work", "personal", "deny", 1 },
	{ "first match: allow before deny", "svc * work personal allow\nsvc * work personal deny",
	  "svc", "work", "personal", "allow personal", 1 },
	{ "no match: deny with notify", "svc * work personal allow", "other", "work", "personal",
	  "deny", 0 },
	{ "* service before a specific rule", "* * work personal deny\nsvc * work personal allow",
	  "svc", "work", "personal", "deny", 1 },
	{ "specific rule before * service", "svc * work personal allow\n* * @anyvm @anyvm deny",
	  "svc", "work", "personal", "allow personal", 1 },
	{ "interleaved: specific rule third",
	  "other * work personal allow\n"
	  "* * work mail deny\nsvc * work personal allow\n* * @anyvm @anyvm deny",
	  "svc", "work", "personal", "allow personal", 3 },
	{ "interleaved: * rule second",
	  "other * work personal allow\n"
	  "* * work mail deny\nsvc * work mail allow\n* * @anyvm @anyvm deny",
	  "svc", "work", "mail", "deny", 2 },
	{ "interleaved: last * rule",
	  "svc * work mail allow\n* * work mail deny\n"
	  "svc * work personal allow\n* * @anyvm @anyvm deny notify=no",
	  "svc", "work", "untrusted", "deny notify=no", 4 },
	{ "argument: exact", "svc +a work personal allow", "svc+a", "work", "personal",
	  "allow personal", 1 },
	{ "argument: another", "svc +a work personal allow", "svc+b", "work", "personal", "deny",
	  0 },
	{ "argument: case-sensitive", "svc +a work personal allow", "svc+A", "work", "personal",
	  "deny", 0 },
	{ "argument: * matches any", "svc * work personal allow", "svc+xyz", "work", "personal",
	  "allow personal", 1 },
	{ "argument: none is +", "svc + work personal allow", "svc", "work", "personal",
	  "allow personal", 1 },
	{ "argument: empty is +", "svc + work personal allow", "svc+", "work", "personal",
	  "allow personal", 1 },
	{ "argument: +a does not match none", "svc +a work personal allow", "svc", "work",
	  "personal", "deny", 0 },
	{ "argument: with + inside", "svc +a+b work personal allow", "svc+a+b", "work", "personal",
	  "allow personal", 1 },
	{ "service: case-sensitive", "Svc * work personal allow", "svc", "work", "personal", "deny",
	  0 },
	/* deny. */
	{ "deny: notify defaults to yes", "svc * work personal deny", "svc", "work", "personal",
	  "deny", 1 },
	{ "deny: notify=no", "svc * work personal deny notify=no", "svc", "work", "personal",
	  "deny notify=no", 1 },
	/* allow. */
	{ "allow: notify defaults to no", "svc * work personal allow", "svc", "work", "personal",
	  "allow personal", 1 },
	{ "allow: notify=yes", "svc * work personal allow notify=yes", "svc", "work", "personal",
	  "allow personal notify=yes", 1 },
	{ "allow: user=", "svc * work personal allow user=root", "svc", "work", "personal",
	  "allow personal user=root", 1 },
	/* Loopback: evaluated as the rules say; the broker refuses to run it (policy-daemon.c). */
	{ "allow: loopback evaluates as the rules say", "svc * work @anyvm allow", "svc", "work",
	  "work", "allow work", 1 },
	{ "allow: loopback through target= evaluates as the rules say",
	  "svc * work @anyvm allow target=work", "svc", "work", "personal", "allow work", 1 },
	{ "allow: a loopback deny rule still denies", "svc * work work deny", "svc", "work", "work",
	  "deny", 1 },
	{ "allow: a redirect is final",
	  "svc * work personal allow target=ghost\n"
	  "svc * work personal allow",
	  "svc", "work", "personal", "deny", 1 },
	{ "allow: target= replaces the request", "svc * work personal allow target=mail", "svc",
	  "work", "personal", "allow mail", 1 },
	{ "allow: autostart=no, target halted", "svc * mail work allow autostart=no", "svc", "mail",
	  "work", "deny", 1 },
	{ "allow: autostart=no, target running", "svc * work personal allow autostart=no", "svc",
	  "work", "personal", "allow personal autostart=no", 1 },
	{ "allow: autostart=no, a new disposable is never running",
	  "svc * work @dispvm allow "
	  "autostart=no",
	  "svc", "work", "@dispvm", "deny", 1 },
	{ "allow: autostart=yes", "svc * work tmpl allow autostart=yes", "svc", "work", "tmpl",
	  "allow tmpl", 1 },
	/* ask. */
	{ "ask: target= is the only candidate", "svc * work @anyvm ask target=personal", "svc",
	  "work", "mail", "ask personal", 1 },
	{ "ask: the caller is taken out", "svc * work @anyvm ask target=work", "svc", "work",
	  "mail", "deny", 1 },
	{ "ask: candidates from all matching rules",
	  "svc * work personal ask\n"
	  "svc * work mail allow\nsvc * work dom0 deny",
	  "svc", "work", "personal", "ask mail,personal", 1 },
	{ "ask: later deny does not remove an earlier ask's",
	  "svc * work personal ask\n"
	  "svc * work personal deny",
	  "svc", "work", "personal", "ask personal", 1 },
	{ "ask: earlier deny removes",
	  "svc * work mail deny\nsvc * work personal ask\n"
	  "svc * work mail allow",
	  "svc", "work", "personal", "ask personal", 2 },
	{ "ask: deny removes what a later rule added",
	  "svc * work personal ask\n"
	  "svc * work mail deny\nsvc * work @anyvm allow",
	  "svc", "work", "personal",
	  "ask @dispvm:default-dvm,@dispvm:mail-dvm,default-dvm,disp123,mail-dvm,personal,sa,"
	  "tmpl,untrusted",
	  1 },
	{ "ask: @anyvm leaves out the admin VM", "svc * work @anyvm ask", "svc", "work", "personal",
	  "ask " ANY_BUT_WORK, 1 },
	{ "ask: * includes the admin VM", "svc * work * ask", "svc", "work", "personal",
	  "ask @dispvm:default-dvm,@dispvm:mail-dvm,default-dvm,disp123,dom0,mail,mail-dvm,"
	  "personal,sa,tmpl,untrusted",
	  1 },
	{ "ask: @dispvm becomes the caller's default", "svc * mail @dispvm ask", "svc", "mail",
	  "@dispvm", "ask @dispvm:mail-dvm", 1 },
	{ "ask: no default disposable, nothing to ask",
	  "svc * untrusted @anyvm ask "
	  "target=@dispvm",
	  "svc", "untrusted", "personal", "deny", 1 },
	{ "ask: default_target offered when a candidate",
	  "svc * work personal ask "
	  "default_target=personal",
	  "svc", "work", "personal", "ask personal default=personal", 1 },
	{ "ask: default_target not a candidate", "svc * work personal ask default_target=mail",
	  "svc", "work", "personal", "ask personal", 1 },
	{ "ask: the requested target is not the default", "svc * work @anyvm ask target=personal",
	  "svc", "work", "personal", "ask personal", 1 },
	{ "ask: default_target=@dispvm", "svc * work @anyvm ask default_target=@dispvm", "svc",
	  "work", "mail", "ask " ANY_BUT_WORK " default=@dispvm:default-dvm", 1 },
	{ "ask: autostart=no keeps running VMs", "svc * work @anyvm ask autostart=no", "svc",
	  "work", "personal", "ask disp123,mail,mail-dvm,personal,untrusted autostart=no", 1 },
	{ "ask: other arguments are not collected",
	  "svc +a work personal ask\n"
	  "svc +b work mail allow",
	  "svc+a", "work", "personal", "ask personal", 1 },
	{ "ask: other sources are not collected",
	  "svc * work personal ask\n"
	  "svc * mail untrusted allow",
	  "svc", "work", "personal", "ask personal", 1 },
	{ "ask: * service rules are collected", "svc * work personal ask\n* * work mail allow",
	  "svc", "work", "personal", "ask mail,personal", 1 },
	{ "ask: @dispvm:@tag: expands to templates",
	  "svc * work personal ask\n"
	  "svc * work @dispvm:@tag:dvm-tag allow",
	  "svc", "work", "personal", "ask @dispvm:default-dvm,personal", 1 },
	{ "ask: @tag: expands", "svc * work personal ask\nsvc * work @tag:untrusted allow", "svc",
	  "work", "personal", "ask personal,untrusted", 1 },
	{ "ask: @type: expands", "svc * work personal ask\nsvc * work @type:TemplateVM allow",
	  "svc", "work", "personal", "ask personal,tmpl", 1 },
	{ "ask: target= of collected rules",
	  "svc * work personal ask\n"
	  "svc * work mail allow target=sa",
	  "svc", "work", "personal", "ask personal,sa", 1 },
	{ "ask: @adminvm expands to its name", "svc * work personal ask\nsvc * work @adminvm allow",
	  "svc", "work", "personal", "ask dom0,personal", 1 },
	{ "ask: @dispvm:X expands", "svc * work personal ask\nsvc * work @dispvm:mail-dvm allow",
	  "svc", "work", "personal", "ask @dispvm:mail-dvm,personal", 1 },
	{ "ask: user= and notify=yes", "svc * work personal ask user=u notify=yes", "svc", "work",
	  "personal", "ask personal user=u notify=yes", 1 },
	{ "ask: a @default request", "svc * work @default ask\nsvc * work mail allow", "svc",
	  "work", "", "ask mail", 1 },
	{ "ask: unknown VM in a rule adds nothing",
	  "svc * work personal ask\n"
	  "svc * work ghost allow",
	  "svc", "work", "personal", "ask personal", 1 },
	/* Internal VMs: reachable by allow, never offered by ask. */
	{ "internal: allow reaches an internal VM", "svc * work mgmt allow", "svc", "work", "mgmt",
	  "allow mgmt", 1 },
	{ "internal: a rule naming one adds nothing to an ask",
	  "svc * work personal ask\n"
	  "svc * work mgmt allow",
	  "svc", "work", "personal", "ask personal", 1 },
	{ "internal: ask target= naming one leaves nothing to ask",
	  "svc * work @anyvm ask target=mgmt", "svc", "work", "personal", "deny", 1 },
	{ "internal: a disposable of an internal template is not offered",
	  "svc * work personal ask\n"
	  "svc * work @dispvm:mgmt-dvm allow",
	  "svc", "work", "personal", "ask personal", 1 },
	{ "internal: default_target naming one is not offered",
	  "svc * work @anyvm ask default_target=mgmt", "svc", "work", "personal",
	  "ask " ANY_BUT_WORK, 1 },
	{ "internal: * asks leave them out", "svc * work * ask", "svc", "work", "personal",
	  "ask @dispvm:default-dvm,@dispvm:mail-dvm,default-dvm,disp123,dom0,mail,mail-dvm,"
	  "personal,sa,tmpl,untrusted",
	  1 },
	/* Relative include paths: against the policy directory, also from an included file. */
	{ "include: relative to the policy directory, nested too", "!include include/outer.inc",
	  "svc", "work", "personal", "allow personal", 1, true },
	{ "include: relative !include-dir", "!include-dir rules.d", "svc", "work", "mail",
	  "allow mail", 1, true },
	{ "include: relative !include-service", "!include-service svc * include/old-svc", "svc",
	  "work", "personal", "allow personal", 1, true },
	/* Lines and directives that are not rules. */
	{ "comments and blank lines", "# a comment\n\n   \n\t# indented\nsvc * work personal allow",
	  "svc", "work", "personal", "allow personal", 5 },
	{ "tabs and runs of blanks split fields", "svc\t*  work \t personal\tallow", "svc", "work",
	  "personal", "allow personal", 1 },
	{ "DOS line ends", "svc * work mail deny\r\nsvc * work personal allow\r\n", "svc", "work",
	  "personal", "allow personal", 2 },
};

static void run_case(const struct eval_case *c, const struct policy_system_info *info)
{
	char service[SERVICE_NAME_MAX + 1] = "", argument[SERVICE_ARG_MAX + 1] = "", got[1024];
	struct policy_decision d;
	struct policy *p = NULL;
	_cleanup_free_ char *dir =
		c->with_include_dir ? str_new_printf("%s/tests/unit/policy-conformance-include",
						     getenv("BULKHEAD_SOURCE_ROOT"))
				    : NULL;
	int r = policy_parse_text("test.policy", c->policy, strlen(c->policy), dir, &p);

	if (!ok(r == 0, "%s: the policy loads", c->what))
		diag("  %s", policy_error_count(p) ? policy_error_get(p, 0)->message : "?");
	if (service_split(c->service, service, argument) < 0)
		snprintf(service, sizeof(service), "%s",
			 c->service); /* an invalid name on purpose */
	struct policy_request req = { service, argument, c->source, c->target };
	is_int(policy_evaluate(p, &req, info, &d), 0, "%s: evaluates", c->what);
	test_render(&d, got, sizeof(got));
	is_str(got, c->expect, "%s: the decision", c->what);
	if (!is_int(d.matched_line, c->line, "%s: decided by line %u", c->what, c->line))
		diag("  reason: %s", d.reason);
	ok(d.reason && *d.reason, "%s: has a reason", c->what);
	policy_decision_finish(&d);
	policy_free(p);
}

int main(void)
{
	struct policy_system_info *info = test_sysinfo();

	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		run_case(&cases[i], info);
	diag("%zu conformance cases", ELEMENTSOF(cases));
	policy_system_info_free(info);
	return tap_done();
}
