/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bulkheadd.conf: what parses, what is refused, and that a refusal names the line. */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static void test_good(void)
{
	struct hv_config c = { .uri = "keep" };
	char err[128] = "";

	is_int(hv_config_parse("# comment\n\n  uri = qemu:///session  \nstate_dir=/srv/vms\n", &c,
			       err, sizeof(err)),
	       0, "a file with comments, blanks and spaces parses");
	is_str(c.uri, "qemu:///session", "  uri, trimmed");
	is_str(c.state_dir, "/srv/vms", "  state_dir");
	is_str(c.runtime_dir, "", "  an absent key stays unset");
	is_int(hv_config_parse("", &c, err, sizeof(err)), 0, "an empty file parses");
	is_str(c.uri, "qemu:///session", "  and changes nothing");
}

static void test_bad(void)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "uri qemu:///session\n", "line 1: expected 'key = value'" },
		{ "\n# x\nstate-dir = /x\n", "line 3: unknown key" },
		{ "uri =\n", "line 1: empty value" },
		{ "runtime_dir = run\n", "line 1: directories must be absolute paths" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hv_config c = { .uri = "keep" };
		char err[128] = "";
		ok(hv_config_parse(bad[i].text, &c, err, sizeof(err)) == -EINVAL &&
			   strcmp(c.uri, "keep") == 0,
		   "refused, nothing applied: %s", bad[i].err);
		is_str(err, bad[i].err, "  the error names the line");
	}
}

int main(void)
{
	test_good();
	test_bad();
	return tap_done();
}
