/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden-file tests for the generated domain XML, and the metadata round trip.
 * BULKHEAD_REGENERATE=1 rewrites the golden files from the current output (review the diff).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "domain-xml.h"
#include "fdio.h"
#include "macro.h"
#include "strutil.h"
#include "tap.h"

static const struct vm_host_config host_tcg = {
	.domain_type = "qemu",
	.emulator = "/usr/bin/qemu-system-x86_64",
	.machine = "q35",
	.kernel = "/boot/vmlinuz-6.1.0-56-amd64",
	.initrd = "/state/boot/initramfs-6.1.0-56-amd64.img",
	.usr_dir = "/usr",
	.guest_usr_path = "/usr/lib/bulkhead/guest",
	.home_volume = "/state/vms/work/private.qcow2",
	.qrexec_socket = "/run/user/1000/bulkhead/vms/work/qrexec.sock",
	.gui_socket = "/run/user/1000/bulkhead/vms/work/gui.sock",
	.console_log = "/state/vms/work/console.log",
	.lean = true,
};

static struct vm_host_config host_kvm(void)
{
	struct vm_host_config h = host_tcg;

	h.domain_type = "kvm";
	h.uuid = "0b6f8c1e-3c2a-4d6e-9f00-1234567890ab";
	h.guest_usr_path = NULL;
	h.guest_share = "/home/dev/src/bulkhead/build & co";
	h.guest_sub = "guest";
	h.gui = true;
	h.gui_shm = "/run/user/1000/bulkhead/vms/dev,box/gui.shm";
	h.gui_shm_mib = 64;
	return h;
}

static struct vm_props props(const char *name, const char *const *kv)
{
	struct vm_props p;

	if (vm_props_init(&p, name) < 0)
		tap_bail_out("vm_props_init");
	for (; kv && kv[0]; kv += 2)
		if (vm_props_set(&p, kv[0], kv[1]) < 0)
			tap_bail_out("vm_props_set");
	return p;
}

static void check_golden(const char *name, const char *got)
{
	const char *root = getenv("BULKHEAD_SOURCE_ROOT");
	_cleanup_free_ char *path = NULL, *want = NULL;
	size_t len;
	int r;

	path = str_new_printf("%s/tests/unit/hypervisor-golden/%s.xml", root ? root : ".", name);
	if (getenv("BULKHEAD_REGENERATE") && streq(getenv("BULKHEAD_REGENERATE"), "1")) {
		FILE *f = fopen(path, "we");
		ok(f && fputs(got, f) >= 0 && fclose(f) == 0, "%s: regenerated %s", name, path);
		return;
	}
	r = fd_read_file(AT_FDCWD, path, 1 << 20, &want, &len);
	if (!ok(r >= 0 && streq(got, want), "%s: matches the golden file", name)) {
		diag("golden: %s (r=%d); got:", path, r);
		fputs(got, stdout);
	}
}

static void test_golden(void)
{
	static const char *const work_kv[] = { "label", "blue",		"memory", "512",
					       "tags",	"trusted,mail", NULL };
	static const char *const tmpl_kv[] = { "class",	      "TemplateVM", "label",
					       "black",	      "vcpus",	    "2",
					       "autostart",   "true",	    "default_dispvm",
					       "default-dvm", NULL };
	struct vm_props work = props("work", work_kv), tmpl = props("tmpl-1", tmpl_kv);
	struct vm_host_config kvm = host_kvm();
	_cleanup_free_ char *a = NULL, *b = NULL;

	is_int(vm_domain_xml(&work, &host_tcg, &a), 0, "AppVM domain XML generated");
	check_golden("appvm-tcg", a ? a : "");
	is_int(vm_domain_xml(&tmpl, &kvm, &b), 0, "TemplateVM on KVM generated");
	check_golden("templatevm-kvm", b ? b : "");
}

/* A nat VM: its NIC on QEMU's stream netdev (commas in the path doubled for QEMU), its
 * address on the kernel command line; a none VM has no NIC, and the two never mix. */
static void test_golden_net(void)
{
	static const char *const kv[] = { "label", "orange", "net", "nat", NULL };
	struct vm_props browser = props("browser", kv), work = props("work", NULL);
	struct vm_host_config h = host_tcg;
	_cleanup_free_ char *a = NULL, *b = NULL;

	h.net_socket = "/run/user/1000/bulkhead/vms/browser/net,1.sock";
	is_int(vm_domain_xml(&browser, &h, &a), 0, "nat AppVM domain XML generated");
	check_golden("appvm-nat", a ? a : "");
	is_int(vm_domain_xml(&work, &h, &b), -EINVAL, "a none VM given a NIC socket is refused");
	h.net_socket = NULL;
	is_int(vm_domain_xml(&browser, &h, &b), -EINVAL, "a nat VM without its socket is refused");
}

/* The memory-saving settings (docs/memory.md): a small TCG cache where TCG runs the guest, no
 * trace event files, the guest's trim after boot, free page reporting; the benchmark's
 * baseline turns all but the last off and keeps the XML main had before them. */
static void test_lean(void)
{
	struct vm_props work = props("work", NULL);
	struct vm_host_config h = host_tcg;
	struct vm_host_config kvm = host_kvm();
	_cleanup_free_ char *lean = NULL, *off = NULL, *k = NULL;

	is_int(vm_domain_xml(&work, &h, &lean), 0, "lean TCG domain generated");
	ok(lean && strstr(lean, "<tcg>\n      <tb-cache unit='MiB'>32</tb-cache>"),
	   "  a 32 MiB TCG translation cache");
	ok(lean && strstr(lean,
			  " initcall_blacklist=tracer_init_tracefs bulkhead.lean=1</cmdline>"),
	   "  no trace event files, and the guest trims after boot");
	ok(lean && strstr(lean, "<memballoon model='virtio' freePageReporting='on'>"),
	   "  free page reporting");
	h.lean = false;
	is_int(vm_domain_xml(&work, &h, &off), 0, "baseline domain generated");
	ok(off && !strstr(off, "<tcg>") && !strstr(off, "bulkhead.lean") &&
		   !strstr(off, "tracer_init_tracefs"),
	   "  without the cache size, the trace events' blacklist or the trim");
	is_int(vm_domain_xml(&work, &kvm, &k), 0, "lean KVM domain generated");
	ok(k && !strstr(k, "<tcg>") && strstr(k, "bulkhead.lean=1"),
	   "  no TCG cache under KVM, the trim still");
}

static bool props_equal(const struct vm_props *a, const struct vm_props *b)
{
	for (size_t i = 0; i < vm_prop_keys_count; i++) {
		char x[256], y[256];
		if (vm_props_get(a, vm_prop_keys[i], x, sizeof(x)) < 0 ||
		    vm_props_get(b, vm_prop_keys[i], y, sizeof(y)) < 0 || !streq(x, y)) {
			diag("%s differs", vm_prop_keys[i]);
			return false;
		}
	}
	return streq(a->name, b->name);
}

static void test_round_trip(void)
{
	static const char *const kv[] = { "class",
					  "DispVM",
					  "label",
					  "orange",
					  "tags",
					  "a,b-c,d_e",
					  "memory",
					  "300",
					  "vcpus",
					  "3",
					  "default_dispvm",
					  "dvm",
					  "autostart",
					  "yes",
					  "menu",
					  "debian-xterm,dillo",
					  "template_for_dispvms",
					  "true",
					  "preload_dispvm_max",
					  "3",
					  NULL };
	struct vm_props in = props("personal", kv), out, out2;
	_cleanup_free_ char *md = NULL, *dom = NULL;

	is_int(vm_metadata_xml(&in, &md), 0, "metadata element generated");
	vm_props_init(&out, "personal");
	is_int(vm_metadata_parse(md, &out), 0, "metadata element parses");
	ok(props_equal(&in, &out), "element round trip keeps every property");
	ok(strstr(md, "<vm>") == md, "the element is in no namespace, as SetMetadata wants it");
	is_int(vm_domain_xml(&in, &host_tcg, &dom), 0, "domain generated");
	memset(&out2, 0, sizeof(out2));
	is_int(vm_metadata_parse(dom, &out2), 0, "whole domain parses");
	ok(props_equal(&in, &out2), "domain round trip keeps every property and the name");
}

static void test_reject(void)
{
	struct vm_props p;
	const char *bad[] = {
		"<other/>",
		"<vm><label>pink</label></vm>",
		"<x:vm xmlns:x='urn:other'/>",
		"<b:vm xmlns:b='" BULKHEAD_XML_NS "'><b:label>pink</b:label></b:vm>",
		"<b:vm xmlns:b='" BULKHEAD_XML_NS "'><b:memory>-1</b:memory></b:vm>",
		"<b:vm xmlns:b='" BULKHEAD_XML_NS "'><b:tags><b:tag>a b</b:tag></b:tags></b:vm>",
		"<domain><name>../x</name><metadata><b:vm xmlns:b='" BULKHEAD_XML_NS
		"'/></metadata></domain>",
		"<domain><name>x</name></domain>",
		"not xml",
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		vm_props_init(&p, "keep");
		ok(vm_metadata_parse(bad[i], &p) == -EINVAL && streq(p.label, "red"),
		   "rejected, props untouched: %s", bad[i]);
	}
	vm_props_init(&p, "keep");
	is_int(vm_metadata_parse("<b:vm xmlns:b='" BULKHEAD_XML_NS
				 "'><b:future>1</b:future><b:label>green</b:label></b:vm>",
				 &p),
	       0, "unknown keys from a newer version are skipped");
	is_str(p.label, "green", "  and known ones still read");
}

static void test_setters(void)
{
	struct vm_props p;
	char buf[64];

	is_int(vm_props_init(&p, "1bad"), -EINVAL, "invalid name refused");
	vm_props_init(&p, "ok");
	is_int(vm_props_set(&p, "memory", "64"), -EINVAL, "memory below the minimum refused");
	is_int(vm_props_set(&p, "memory", "12x"), -EINVAL, "memory with junk refused");
	is_int(vm_props_set(&p, "name", "x"), -EPERM, "name is not a settable property");
	is_int(vm_props_set(&p, "colour", "x"), -ENOENT, "unknown key");
	is_int(vm_props_set(&p, "tags", "good,b@d"), -EINVAL, "one bad tag refuses all");
	is_int((int)p.n_tags, 0, "  and keeps the old tags");
	is_int(vm_props_set(&p, "default_dispvm", ""), 0, "empty default_dispvm allowed");
	vm_props_get(&p, "autostart", buf, sizeof(buf));
	is_str(buf, "false", "autostart defaults to false");
}

/* The menu property: a set of desktop ids, edited one at a time or set whole. */
static void test_menu(void)
{
	struct vm_props p;
	char many[VM_MENU_TEXT_MAX] = "";

	vm_props_init(&p, "work");
	is_int(vm_props_set(&p, "menu", "debian-xterm, dillo,debian-xterm"), 0,
	       "menu set from a list");
	is_str(p.menu, "debian-xterm,dillo", "  duplicates dropped, order kept");
	ok(vm_props_menu_has(&p, "dillo") && !vm_props_menu_has(&p, "dill"),
	   "  membership is exact");
	is_int(vm_props_menu_add(&p, "org.gnome.Calculator"), 0, "an id with dots is added");
	is_int(vm_props_menu_remove(&p, "dillo"), 0, "one id removed");
	is_str(p.menu, "debian-xterm,org.gnome.Calculator", "  the others kept in order");
	is_int(vm_props_set(&p, "menu", "ok,../etc/passwd"), -EINVAL, "a path is not an id");
	is_int(vm_props_menu_add(&p, ".hidden"), -EINVAL, "nor a dot file");
	is_str(p.menu, "debian-xterm,org.gnome.Calculator", "  refusals change nothing");
	for (int i = 0; i < VM_MENU_APPS_MAX; i++)
		str_printf(many + strlen(many), sizeof(many) - strlen(many), "%sa%d", i ? "," : "",
			   i);
	is_int(vm_props_set(&p, "menu", many), 0, "%d apps fit", VM_MENU_APPS_MAX);
	is_int(vm_props_menu_add(&p, "one-more"), -E2BIG, "  one more is refused");
}

/* The guest dir reaches the kernel command line: nothing that splits it or climbs out of it. */
static void test_guest_dir(void)
{
	static const char *const usr_bad[] = { "/opt/bulkhead", "/usr/lib/../../etc",
					       "/usr/lib/a b", NULL };
	static const char *const sub_bad[] = { "..", "a b", "", NULL };
	struct vm_props work = props("work", (const char *const[]){ NULL });
	struct vm_host_config h = host_tcg;
	char *xml = NULL;

	for (size_t i = 0; usr_bad[i]; i++) {
		h.guest_usr_path = usr_bad[i];
		is_int(vm_domain_xml(&work, &h, &xml), -EINVAL, "guest dir '%s' refused",
		       usr_bad[i]);
	}
	h = host_kvm();
	for (size_t i = 0; sub_bad[i]; i++) {
		h.guest_sub = sub_bad[i];
		is_int(vm_domain_xml(&work, &h, &xml), -EINVAL, "share subdir '%s' refused",
		       sub_bad[i]);
	}
	h.guest_share = NULL;
	h.guest_sub = "guest";
	is_int(vm_domain_xml(&work, &h, &xml), -EINVAL, "a subdir without a share refused");
}

int main(void)
{
	test_golden();
	test_guest_dir();
	test_golden_net();
	test_lean();
	test_round_trip();
	test_reject();
	test_setters();
	test_menu();
	return tap_done();
}
