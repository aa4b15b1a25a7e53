/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GUI's pure parts, no display needed: the GUI's policy file names, the generated text
 * (checked against libpolicy, which must read rule i on line i + 1 + POLICY_FILE_HEADER_LINES),
 * the atomic write, how targets and VM strings are shown, the VM list from system info, and
 * how an Ask() request is read.
 */
#include <unistd.h>

#include "policy.h"
#include "tap.h"

#include "ask-request.h"
#include "gui-util.h"
#include "policy-file.h"
#include "vm-list.h"

static void test_names(void)
{
	static const char *const cases[][2] = {
		{ "bulkhead.OpenURL", "50-config-openurl.policy" },
		{ "bulkhead.Filecopy", "50-config-filecopy.policy" },
		{ "bulkhead.ClipboardPaste", "50-config-clipboardpaste.policy" },
		{ "qubes.Foo_Bar-2", "50-config-qubes.foo_bar-2.policy" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = policy_file_name_for_service(cases[i][0]);
		is_str(name, cases[i][1], "%s is saved in %s", cases[i][0], cases[i][1]);
		ok(policy_file_is_config(name), "  which is recognised as the GUI's");
	}
	ok(!policy_file_is_config("30-user.policy"), "30-user.policy is not the GUI's");
}

static void test_render(void)
{
	const struct policy_file_rule rules[] = {
		{ "bulkhead.OpenURL", "*", "mail", "browser", "allow", "" },
		{ "bulkhead.OpenURL", "*", "@anyvm", "@dispvm", "allow", "notify=yes" },
	};
	g_autofree char *text = policy_file_render(rules, G_N_ELEMENTS(rules));
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	struct policy *p = NULL;
	struct policy_rule_info info;

	is_str(lines[POLICY_FILE_HEADER_LINES], "bulkhead.OpenURL * mail browser allow",
	       "a rule without options is one line");
	is_str(lines[POLICY_FILE_HEADER_LINES + 1],
	       "bulkhead.OpenURL * @anyvm @dispvm allow notify=yes", "options follow the action");
	is_int(policy_parse_text("50-config-openurl.policy", text, strlen(text), NULL, &p), 0,
	       "libpolicy reads the generated text");
	is_int(policy_rule_count(p), 2, "  two rules");
	is_int(policy_rule_get(p, 1, &info), 0, "  the second one");
	is_int(info.line, POLICY_FILE_HEADER_LINES + 2, "  on the line the rows are mapped to");
	policy_free(p);
}

static int count_entries(const char *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	int n = 0;

	while (d && g_dir_read_name(d))
		n++;
	return n;
}

static void test_write(void)
{
	g_autofree char *tmp = g_dir_make_tmp("gui-pure-XXXXXX", NULL);
	g_autofree char *dir = g_build_filename(tmp, "policy.d", NULL);
	g_autofree char *path = g_build_filename(dir, "50-config-x.policy", NULL);
	g_autofree char *got = NULL;

	is_int(policy_file_write_atomic(dir, "50-config-x.policy", "one\n"), 0,
	       "write into a directory that does not exist yet");
	is_int(policy_file_write_atomic(dir, "50-config-x.policy", "two\n"), 0, "replace it");
	ok(g_file_get_contents(path, &got, NULL, NULL) && strcmp(got, "two\n") == 0,
	   "  the file has the new text");
	is_int(count_entries(dir), 1, "  and no temporary file is left");
	is_int(policy_file_remove(dir, "50-config-x.policy"), 0, "remove it");
	is_int(policy_file_remove(dir, "50-config-x.policy"), 0, "  removing it again is fine");
	ok(policy_file_write_atomic("/proc/no/such", "x.policy", "") < 0,
	   "an unwritable directory is an error");
	rmdir(dir);
	rmdir(tmp);
}

static void test_display(void)
{
	g_autofree char *d1 = gui_target_display("@dispvm:default-dvm");
	g_autofree char *d2 = gui_target_display("@dispvm");
	g_autofree char *e1 = gui_escape("a\nb\x1b[31m");
	g_autofree char *e2 = gui_escape("<b>bold</b>");
	g_autofree char *long_text = g_strnfill(500, 'x');
	g_autofree char *e3 = gui_escape(long_text);

	is_str(d1, "Disposable VM (default-dvm)", "@dispvm:X is shown as Disposable VM (X)");
	is_str(d2, "Disposable VM", "@dispvm alone");
	ok(gui_target_is_valid("work") && gui_target_is_valid("@dispvm:work"), "VM targets");
	ok(!gui_target_is_valid("<b>x</b>") && !gui_target_is_valid("") &&
		   !gui_target_is_valid("@dispvm:") && !gui_target_is_valid("@anyvm"),
	   "markup, empty, an empty @dispvm: and rule-only tokens are never offered");
	is_str(e1, "a\\nb\\x1b[31m", "control characters from a VM are escaped");
	is_str(e2, "<b>bold</b>", "markup stays text (labels use set_text, never markup)");
	ok(strlen(e3) <= GUI_SHOWN_MAX + 3 && g_str_has_suffix(e3, "..."),
	   "long strings are cut with ...");
	ok(gui_label_is_known("blue") && !gui_label_is_known("red;background:url(x)"),
	   "label colours come from a fixed table");
}

static void test_vm_list(void)
{
	g_auto(GStrv) vms = vm_list_from_system_info(
		"{\"domains\": {\"work\": {\"template_for_dispvms\": false},"
		" \"dvm\": {\"template_for_dispvms\": true}, \"bad name\": {}}}");
	g_auto(GStrv) none = vm_list_from_system_info("not json");
	g_autofree char *joined = g_strjoinv(",", vms);

	is_str(joined, "@dispvm:dvm,dvm,work", "VM names, sorted, with @dispvm:X for templates");
	is_int(g_strv_length(none), 0, "invalid JSON gives no VMs");
}

static struct ask_request *request(const char *timeout, const char *default_target)
{
	GVariantBuilder details;
	const char *const targets[] = { "browser", "@dispvm:dvm", "<b>x</b>", NULL };

	g_variant_builder_init(&details, G_VARIANT_TYPE("a{ss}"));
	g_variant_builder_add(&details, "{ss}", "rule", "50-x.policy:3");
	if (timeout)
		g_variant_builder_add(&details, "{ss}", "timeout", timeout);
	g_autoptr(GVariant) params = g_variant_ref_sink(
		g_variant_new("(ssss^ass@a{ss})", "work", "bulkhead.OpenURL", "", "", targets,
			      default_target, g_variant_builder_end(&details)));
	/* No invocation: replies are then no-ops, which is all this test needs. */
	return ask_request_new(NULL, params);
}

static void test_request(void)
{
	static const char *const timeouts[][2] = {
		{ NULL, "60" }, { "5", "5" }, { "0", "60" }, { "abc", "60" }, { "99999", "3600" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(timeouts); i++) {
		struct ask_request *r = request(timeouts[i][0], "browser");
		is_int(r->timeout_s, atoi(timeouts[i][1]), "timeout %s -> %s s",
		       timeouts[i][0] ? timeouts[i][0] : "(none)", timeouts[i][1]);
		ask_request_free(r);
	}
	struct ask_request *r = request("5", "evil");
	is_str(r->rule, "50-x.policy:3", "details[rule] is read");
	ok(ask_request_has_target(r, "browser") && ask_request_has_target(r, "@dispvm:dvm"),
	   "candidates are answerable");
	ok(!ask_request_has_target(r, "evil") && !ask_request_has_target(r, "<b>x</b>") &&
		   !ask_request_has_target(r, NULL),
	   "other names, invalid candidates and nothing are not");
	ask_request_free(r);
}

int main(void)
{
	test_names();
	test_render();
	test_write();
	test_display();
	test_vm_list();
	test_request();
	return tap_done();
}
