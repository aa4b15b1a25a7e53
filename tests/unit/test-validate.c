/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "strutil.h"
#include "tap.h"
#include "validate.h"

static const struct {
	const char *name;
	bool valid;
} vm_names[] = {
	{ "work", true },
	{ "a", true },
	{ "Work-2.old_x", true },
	{ "abcdefghijklmnopqrstuvwxyz01234", true },   /* 31 characters */
	{ "abcdefghijklmnopqrstuvwxyz012345", false }, /* 32 */
	{ "", false },
	{ "2work", false },
	{ "-work", false },
	{ ".work", false },
	{ "wo rk", false },
	{ "work/..", false },
	{ "wörk", false },
	{ "@anyvm", false },
	{ "work\n", false },
};

static const struct {
	const char *name;
	bool valid;
} services[] = {
	{ "bulkhead.OpenURL", true },
	{ "qubes.Filecopy", true },
	{ "a_b-c.d", true },
	{ "", false },
	{ ".", false },
	{ "..", false },
	{ "bulkhead/OpenURL", false },
	{ "bulkhead.OpenURL+arg", false },
	{ "x y", false },
};

static void test_split(void)
{
	char svc[SERVICE_NAME_MAX + 1], arg[SERVICE_ARG_MAX + 1];

	is_int(service_split("bulkhead.OpenURL", svc, arg), 0, "split without argument");
	ok(streq(svc, "bulkhead.OpenURL") && streq(arg, ""), "  service whole, argument empty");
	is_int(service_split("bulkhead.Filecopy+a.b+c", svc, arg), 0, "split at the first '+'");
	ok(streq(svc, "bulkhead.Filecopy") && streq(arg, "a.b+c"), "  argument keeps later '+'");
	is_int(service_split("svc+", svc, arg), 0, "a bare '+' is an empty argument");
	is_int(service_split("+arg", svc, arg), -EINVAL, "no service name: EINVAL");
	is_int(service_split("svc+a/b", svc, arg), -EINVAL, "'/' in an argument: EINVAL");
	is_int(service_split(
		       "svc+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		       svc, arg),
	       -EINVAL, "argument over 63 bytes: EINVAL");
}

int main(void)
{
	char shown[64];

	for (size_t i = 0; i < sizeof(vm_names) / sizeof(vm_names[0]); i++)
		ok(vm_name_is_valid(vm_names[i].name) == vm_names[i].valid, "VM name \"%s\" %s",
		   str_escape(shown, sizeof(shown), vm_names[i].name, strlen(vm_names[i].name)),
		   vm_names[i].valid ? "accepted" : "refused");
	ok(!vm_name_is_valid(NULL), "NULL VM name refused");
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		ok(service_name_is_valid(services[i].name) == services[i].valid,
		   "service \"%s\" %s", services[i].name,
		   services[i].valid ? "accepted" : "refused");
	ok(service_argument_is_valid(""), "empty argument accepted");
	ok(service_argument_is_valid("+a.b_c-d"), "argument characters [A-Za-z0-9._+-]");
	ok(!service_argument_is_valid("a b"), "space in argument refused");
	test_split();
	return tap_done();
}
