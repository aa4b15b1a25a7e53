/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "domain-xml.h"
#include "macro.h"
#include "net.h"
#include "strutil.h"

/* Paths come from the host's configuration, not from a VM, but may still hold '&' or '<'. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void put_elem(FILE *f, const char *indent, const char *pfx, const char *name,
		     const char *value)
{
	fprintf(f, "%s<%s%s>", indent, pfx, name);
	put_escaped(f, value);
	fprintf(f, "</%s%s>\n", pfx, name);
}

/* pfx "bulkhead:" inside a domain; "" for virDomainSetMetadata, which takes the element
 * without a namespace and puts it in the one it is given. */
static void put_metadata(FILE *f, const struct vm_props *p, const char *in, const char *pfx)
{
	char num[16];
	_cleanup_free_ char *in2 = str_new_printf("%s  ", in);
	_cleanup_free_ char *in3 = str_new_printf("%s    ", in);

	if (pfx[0])
		fprintf(f, "%s<%svm xmlns:" BULKHEAD_XML_PREFIX "='%s'>\n", in, pfx,
			BULKHEAD_XML_NS);
	else
		fprintf(f, "%s<vm>\n", in);
	put_elem(f, in2, pfx, "class", vm_class_to_string(p->klass));
	put_elem(f, in2, pfx, "label", p->label);
	put_elem(f, in2, pfx, "template", p->template_name);
	snprintf(num, sizeof(num), "%" PRIu32, p->memory_mib);
	put_elem(f, in2, pfx, "memory", num);
	snprintf(num, sizeof(num), "%" PRIu32, p->vcpus);
	put_elem(f, in2, pfx, "vcpus", num);
	fprintf(f, "%s<%stags>\n", in2, pfx);
	for (size_t i = 0; i < p->n_tags; i++)
		put_elem(f, in3, pfx, "tag", p->tags[i]);
	fprintf(f, "%s</%stags>\n", in2, pfx);
	put_elem(f, in2, pfx, "default_dispvm", p->default_dispvm);
	put_elem(f, in2, pfx, "autostart", p->autostart ? "true" : "false");
	put_elem(f, in2, pfx, "menu", p->menu);
	put_elem(f, in2, pfx, "template_for_dispvms", p->template_for_dispvms ? "true" : "false");
	snprintf(num, sizeof(num), "%" PRIu32, p->preload_dispvm_max);
	put_elem(f, in2, pfx, "preload_dispvm_max", num);
	put_elem(f, in2, pfx, "net", p->net == VM_NET_NAT ? "nat" : "none");
	if (p->internal) /* only when set: older domains' metadata stays byte for byte */
		put_elem(f, in2, pfx, "internal", "true");
	fprintf(f, "%s</%svm>\n", in, pfx);
}

/* A FILE* on a growing buffer; the finish step hands the buffer over. */
static int finish_memstream(FILE **f, char **buf, char **ret)
{
	int r = ferror(*f) ? -ENOMEM : 0;

	if (fclose(TAKE_PTR(*f)) != 0)
		r = -ENOMEM;
	if (r < 0)
		return r;
	*ret = TAKE_PTR(*buf);
	return 0;
}

int vm_metadata_xml(const struct vm_props *p, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	_cleanup_(fclosep) FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	put_metadata(f, p, "", "");
	return finish_memstream(&f, &buf, ret);
}

/* Every device sits on the root bus at a fixed slot, as an integrated endpoint: left to itself
 * libvirt puts each behind its own pcie-root-port, and the guest kernel then enumerates and
 * probes six PCIe ports under TCG (~0.15 s of each boot, docs/vm-boot.md). The NIC is at 0x10
 * (put_net). */
enum pci_slot {
	SLOT_DISK = 0x02,
	SLOT_SHARE_USR = 0x03,
	SLOT_SHARE_GUEST = 0x04,
	SLOT_SERIAL = 0x05,
	SLOT_BALLOON = 0x06,
};

static void put_pci_address(FILE *f, enum pci_slot slot)
{
	fprintf(f,
		"      <address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' "
		"function='0x0'/>\n",
		(unsigned)slot);
}

static void put_share(FILE *f, const char *source, const char *tag, enum pci_slot slot)
{
	fputs("    <filesystem type='mount' accessmode='passthrough'>\n"
	      "      <source dir='",
	      f);
	put_escaped(f, source);
	fprintf(f,
		"'/>\n"
		"      <target dir='%s'/>\n"
		"      <readonly/>\n",
		tag);
	put_pci_address(f, slot);
	fputs("    </filesystem>\n", f);
}

static void put_channel(FILE *f, const char *path, const char *port)
{
	fputs("    <channel type='unix'>\n"
	      "      <source mode='bind' path='",
	      f);
	put_escaped(f, path);
	fprintf(f,
		"'/>\n"
		"      <target type='virtio' name='%s'/>\n"
		"    </channel>\n",
		port);
}

static void put_disk(FILE *f, const char *volume)
{
	fputs("    <disk type='file' device='disk'>\n"
	      "      <driver name='qemu' type='qcow2' discard='unmap'/>\n"
	      "      <source file='",
	      f);
	put_escaped(f, volume);
	fputs("'/>\n"
	      "      <target dev='vda' bus='virtio'/>\n",
	      f);
	put_pci_address(f, SLOT_DISK);
	fputs("    </disk>\n", f);
}

static void put_serial(FILE *f, const char *log)
{
	fputs("    <serial type='file'>\n"
	      "      <source path='",
	      f);
	put_escaped(f, log);
	fputs("' append='on'/>\n"
	      "      <target port='0'/>\n"
	      "    </serial>\n",
	      f);
}

/* The lean guest (docs/memory.md): without the trace events' files in tracefs, ~12,000
 * inodes and dentries made at every boot (10 MiB of slab, 0.14 s under TCG) for a tracing
 * nobody does in a VM; and the init's memory trim after boot (guest-init-mem.c). A second
 * initcall_blacklist adds to the first. */
static void put_lean_cmdline(FILE *f, const struct vm_host_config *h)
{
	if (h->lean)
		fputs(" initcall_blacklist=tracer_init_tracefs bulkhead.lean=1", f);
}

/* What the guest init reads from /proc/cmdline. quiet + loglevel keep the TCG console cheap;
 * mitigations=off and rodata=off because the guest's isolation is the VM boundary, not in-guest
 * barriers: the guest kernel write-protecting its own text and read-only data, then walking
 * its page tables for W+X mappings, costs ~0.1 s under TCG (docs/vm-boot.md) and guards the
 * guest only against itself. noreplace-smp: with one vCPU the kernel rewrites every
 * LOCK prefix in its text, and in each module it loads, into a no-op (its "UP alternatives"):
 * thousands of text pokes under TCG to save a few cycles per atomic. cryptomgr.notests skips the self-tests of every crypto algorithm built into the kernel,
 * ~0.25 s of each boot under TCG (docs/vm-boot.md): they guard against a miscompiled kernel,
 * and the guest's kernel is the host's, which runs the same tests at its own boot. The
 * initcalls skipped are two more self-tests (kdf108, blake2s: ~0.1 s under TCG) and the CPU
 * LED trigger (no LEDs); a kernel without them ignores the names. */
static void put_cmdline(FILE *f, const struct vm_props *p, const struct vm_host_config *h)
{
	fprintf(f,
		"    <cmdline>console=ttyS0 quiet loglevel=4 panic=-1 mitigations=off rodata=off "
		"noreplace-smp cryptomgr.notests=1 "
		"initcall_blacklist=crypto_kdf108_init,blake2s_mod_init,ledtrig_cpu_init "
		"rdinit=/init bulkhead.name=%s",
		p->name);
	fputs(" bulkhead.guest=", f);
	if (h->guest_usr_path)
		put_escaped(f, h->guest_usr_path);
	else
		fprintf(f, "share:%s", h->guest_sub);
	fprintf(f, " bulkhead.gui=%d%s", h->gui,
		p->klass == VM_CLASS_DISPVM ? " bulkhead.disposable=1" : "");
	if (h->net_socket)
		fprintf(f, " bulkhead.net=%s/%d,%s,%s", NET_GUEST_ADDR, NET_PREFIX,
			NET_GATEWAY_ADDR, NET_DNS_ADDR);
	put_lean_cmdline(f, h);
	fputs("</cmdline>\n", f);
}

static void put_os(FILE *f, const struct vm_props *p, const struct vm_host_config *h)
{
	fprintf(f,
		"  <os>\n"
		"    <type arch='x86_64' machine='%s'>hvm</type>\n"
		"    <kernel>",
		h->machine);
	put_escaped(f, h->kernel);
	fputs("</kernel>\n    <initrd>", f);
	put_escaped(f, h->initrd);
	fputs("</initrd>\n", f);
	put_cmdline(f, p, h);
	fputs("  </os>\n", f);
}

/* TCG keeps every block of guest code it translated until its cache is full, and QEMU 7.2's
 * default cache is 1 GiB: an idle VM held ~60 MiB of code translated once at boot. A smaller
 * cache is flushed and refilled instead (docs/memory.md: what it costs the boot). KVM runs
 * guest code natively and has no such cache. */
#define LEAN_TB_CACHE_MIB 32

static void put_tcg_cache(FILE *f, const struct vm_host_config *h)
{
	if (!h->lean || !streq(h->domain_type, "qemu"))
		return;
	fprintf(f,
		"    <tcg>\n"
		"      <tb-cache unit='MiB'>%d</tb-cache>\n"
		"    </tcg>\n",
		LEAN_TB_CACHE_MIB);
}

static void put_head(FILE *f, const struct vm_props *p, const struct vm_host_config *h)
{
	fprintf(f, "<domain type='%s'%s>\n  <name>%s</name>\n", h->domain_type,
		h->net_socket || h->gui_shm ? " xmlns:qemu='" QEMU_XML_NS "'" : "", p->name);
	if (h->uuid)
		fprintf(f, "  <uuid>%s</uuid>\n", h->uuid);
	fputs("  <metadata>\n", f);
	put_metadata(f, p, "    ", BULKHEAD_XML_PREFIX ":");
	fprintf(f,
		"  </metadata>\n"
		"  <memory unit='MiB'>%" PRIu32 "</memory>\n"
		"  <vcpu>%" PRIu32 "</vcpu>\n",
		p->memory_mib, p->vcpus);
	put_os(f, p, h);
	/* host-passthrough only where KVM runs the guest; TCG emulates its default model. */
	if (streq(h->domain_type, "kvm"))
		fputs("  <cpu mode='host-passthrough'/>\n", f);
	fputs("  <features>\n    <acpi/>\n", f);
	put_tcg_cache(f, h);
	fputs("  </features>\n"
	      "  <clock offset='utc'/>\n"
	      "  <on_poweroff>destroy</on_poweroff>\n"
	      "  <on_reboot>destroy</on_reboot>\n"
	      "  <on_crash>destroy</on_crash>\n",
	      f);
}

/* QEMU option values double their commas; then the XML escaping. */
static void put_qemu_value(FILE *f, const char *s)
{
	char one[2] = { 0 };

	for (; *s; s++) {
		one[0] = *s;
		put_escaped(f, *s == ',' ? ",," : one);
	}
}

/* The NIC libvirt 9.0 has no element for: a virtio-net on a stream netdev whose server is
 * QEMU itself, so net-filter can connect (and reconnect after a restart) once QEMU runs. No
 * option ROM: the kernel boots directly, iPXE would only cost boot time. These arguments come
 * before libvirt's devices, which fill pcie.0 from slot 1: the NIC takes slot 0x10, far above
 * what libvirt's few root ports use. */
static void put_net(FILE *f, const struct vm_host_config *h)
{
	if (!h->net_socket)
		return;
	fputs("    <qemu:arg value='-netdev'/>\n"
	      "    <qemu:arg value='stream,id=bhnet0,server=on,addr.type=unix,addr.path=",
	      f);
	put_qemu_value(f, h->net_socket);
	fputs("'/>\n"
	      "    <qemu:arg value='-device'/>\n"
	      "    <qemu:arg value='virtio-net-pci,netdev=bhnet0,mac=" NET_GUEST_MAC
	      ",bus=pcie.0,addr=0x10,romfile='/>\n",
	      f);
}

/* The region of window pixels the VM's gui-agent and the host's guid share (docs/decisions.md,
 * ivshmem): an ivshmem-plain device on a memory-backend-file in the VM's runtime dir. libvirt's
 * <shmem> would put the file in /dev/shm under a name global to the host; this way it lives and
 * goes with the VM's other runtime files. Slot 0x11, beside the NIC and for the same reason. */
static void put_gui_shm(FILE *f, const struct vm_host_config *h)
{
	if (!h->gui_shm)
		return;
	fputs("    <qemu:arg value='-object'/>\n"
	      "    <qemu:arg value='memory-backend-file,id=bhgui0,share=on,mem-path=",
	      f);
	put_qemu_value(f, h->gui_shm);
	fprintf(f,
		",size=%uM'/>\n"
		"    <qemu:arg value='-device'/>\n"
		"    <qemu:arg value='ivshmem-plain,memdev=bhgui0,bus=pcie.0,addr=0x11'/>\n",
		h->gui_shm_mib);
}

/* QEMU arguments libvirt has no element for, in one <qemu:commandline>. */
static void put_qemu_args(FILE *f, const struct vm_host_config *h)
{
	if (!h->net_socket && !h->gui_shm)
		return;
	fputs("  <qemu:commandline>\n", f);
	put_net(f, h);
	put_gui_shm(f, h);
	fputs("  </qemu:commandline>\n", f);
}

/* No display, no USB, no network unless net is nat: every device is attack surface and boot time. */
static void put_devices(FILE *f, const struct vm_host_config *h)
{
	fputs("  <devices>\n    <emulator>", f);
	put_escaped(f, h->emulator);
	fputs("</emulator>\n", f);
	put_disk(f, h->home_volume);
	put_share(f, h->usr_dir, "hostusr", SLOT_SHARE_USR);
	if (!h->guest_usr_path)
		put_share(f, h->guest_share, "bulkhead", SLOT_SHARE_GUEST);
	fputs("    <controller type='usb' model='none'/>\n"
	      "    <controller type='virtio-serial' index='0'>\n",
	      f);
	put_pci_address(f, SLOT_SERIAL);
	fputs("    </controller>\n", f);
	put_channel(f, h->qrexec_socket, "org.bulkhead.qrexec.0");
	put_channel(f, h->gui_socket, "org.bulkhead.gui.0");
	put_serial(f, h->console_log);
	/* Free page reporting hands the pages the guest frees (its boot's scratch memory, the
	 * unpacked initramfs) back to the host: most of an idle VM's footprint otherwise. */
	fputs("    <memballoon model='virtio' freePageReporting='on'>\n", f);
	put_pci_address(f, SLOT_BALLOON);
	fputs("    </memballoon>\n"
	      "  </devices>\n",
	      f);
}

/* The kernel command line splits on spaces; the guest init refuses "..". */
static bool cmdline_word_is_valid(const char *s)
{
	return s && s[0] && !strpbrk(s, " \t\n\"'") && !strstr(s, "..");
}

static bool guest_dir_is_valid(const struct vm_host_config *h)
{
	if (h->guest_usr_path)
		return str_startswith(h->guest_usr_path, "/usr/") &&
		       cmdline_word_is_valid(h->guest_usr_path);
	return h->guest_share && cmdline_word_is_valid(h->guest_sub);
}

int vm_domain_xml(const struct vm_props *p, const struct vm_host_config *h, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	_cleanup_(fclosep) FILE *f = NULL;

	if (!vm_name_is_valid(p->name) || (p->net == VM_NET_NAT) != (h->net_socket != NULL) ||
	    !vm_class_to_string(p->klass) || !guest_dir_is_valid(h) ||
	    (h->gui_shm && (!h->gui || h->gui_shm_mib == 0)) ||
	    (h->uuid && strspn(h->uuid, "0123456789abcdef-") != strlen(h->uuid)))
		return -EINVAL;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	put_head(f, p, h);
	put_devices(f, h);
	put_qemu_args(f, h);
	fputs("</domain>\n", f);
	return finish_memstream(&f, &buf, ret);
}
