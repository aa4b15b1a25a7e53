/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one place a VM's libvirt domain XML is generated: from its Bulkhead properties plus the
 * host-side facts (kernel, initramfs, shares, volume, sockets). Golden-file tests pin the
 * output (tests/unit/hypervisor-golden/).
 *
 * Bulkhead's properties travel inside the domain as <metadata><bulkhead:vm xmlns:bulkhead=NS>,
 * so libvirt is the registry and `virsh dumpxml` shows them.
 */
#pragma once

#include <stdbool.h>

#include "vm-config.h"

#define BULKHEAD_XML_NS "https://bulkhead.dev/xmlns/vm/1"
#define BULKHEAD_XML_PREFIX "bulkhead"
#define QEMU_XML_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* Host-side inputs of a domain; every path absolute. */
struct vm_host_config {
	const char *uuid;	 /* an existing domain's, when redefining it; NULL for a new one */
	const char *domain_type; /* "kvm" or "qemu" (TCG) */
	const char *emulator;	 /* /usr/bin/qemu-system-x86_64 */
	const char *machine;	 /* "q35" */
	const char *kernel;
	const char *initrd;
	const char *usr_dir; /* shared read-only as mount tag "hostusr" */
	/* Bulkhead's guest dir ({bin,rpc}/), /opt/bulkhead in the guest: a path the guest sees
	 * under the shared /usr (an install), or guest_share's subdirectory guest_sub (a build
	 * tree: the build root, shared read-only as tag "bulkhead"). */
	const char *guest_usr_path; /* "/usr/lib/bulkhead/guest", or NULL */
	const char *guest_share;
	const char *guest_sub;
	bool gui;		   /* start the VM's X server and gui-agent */
	const char *home_volume;   /* qcow2, /home/user in the guest */
	const char *qrexec_socket; /* host end of org.bulkhead.qrexec.0 */
	const char *gui_socket;	   /* host end of org.bulkhead.gui.0 */
	const char *console_log;   /* the serial console, appended */
	const char *net_socket;	   /* QEMU listens here for net-filter; NULL: no NIC */
	const char *gui_shm;	   /* backs the ivshmem-plain region of window pixels, or NULL */
	unsigned gui_shm_mib;
	/* The memory-saving settings (docs/memory.md): a smaller TCG translation cache and the
	 * guest's trim after boot. Off only for the memory benchmark's baseline. */
	bool lean;
};

/* The whole <domain> document. 0 or -errno; *ret is malloc'd. */
int vm_domain_xml(const struct vm_props *p, const struct vm_host_config *h, char **ret);
/* The metadata element alone, without namespace: what virDomainSetMetadata takes and
 * virDomainGetMetadata returns. */
int vm_metadata_xml(const struct vm_props *p, char **ret);
/* Read props back from a <vm> element as virDomainGetMetadata returns it (no namespace: it
 * was fetched by ours), a <bulkhead:vm> element, or a whole <domain> document. In a domain,
 * the name comes from <name>; from the element alone, p->name is kept as the caller set it.
 * -EINVAL for XML that is not ours or holds an invalid value (the VM is then not Bulkhead's). */
int vm_metadata_parse(const char *xml, struct vm_props *p);
