/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VM's Bulkhead properties: what lives in its libvirt domain's <metadata> (the registry has
 * no other database) and what the domain XML is generated from. Every setter validates, so a
 * struct vm_props that exists is one the rest of the code may trust.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "validate.h"

#define VM_LABEL_MAX 15
#define VM_TAG_MAX 31 /* [A-Za-z0-9_-]{1,31} */
#define VM_TAGS_MAX 16
#define VM_MEMORY_MIN_MIB 128
#define VM_MEMORY_MAX_MIB 65536
#define VM_MEMORY_DEFAULT_MIB 256
#define VM_VCPUS_MAX 64
/* The applications in the VM's host menu: desktop file ids (without .desktop), comma-separated. */
#define VM_MENU_APPS_MAX 32
#define VM_MENU_ID_MAX 80
#define VM_MENU_TEXT_MAX 1024
#define VM_PRELOAD_MAX 8

enum vm_class {
	VM_CLASS_APPVM,
	VM_CLASS_TEMPLATEVM,
	VM_CLASS_DISPVM,
	VM_CLASS_ADMINVM,
};

/* A VM's network: none (no NIC at all) or nat (passt, behind net-filter; docs/networking.md). */
enum vm_net {
	VM_NET_NONE,
	VM_NET_NAT,
};

struct vm_props {
	char name[VM_NAME_MAX + 1];
	enum vm_class klass;
	char label[VM_LABEL_MAX + 1];
	char template_name[VM_NAME_MAX + 1];
	char tags[VM_TAGS_MAX][VM_TAG_MAX + 1];
	size_t n_tags;
	uint32_t memory_mib;
	uint32_t vcpus;
	char default_dispvm[VM_NAME_MAX + 1]; /* "" = none */
	bool autostart;
	char menu[VM_MENU_TEXT_MAX]; /* "debian-xterm,dillo" */
	/* A disposable template: disposables start from a throw-away overlay of its private
	 * volume; preload_dispvm_max of them are kept booted and paused, ready. A DispVM's
	 * template_name is its disposable template. */
	bool template_for_dispvms;
	bool internal; /* a helper VM no ask dialog offers (Qubes' "internal" feature) */
	uint32_t preload_dispvm_max;
	enum vm_net net;
};

/* The property keys, in the order `vmctl prefs` shows them. */
extern const char *const vm_prop_keys[];
extern const size_t vm_prop_keys_count;

const char *vm_class_to_string(enum vm_class c);
int vm_class_from_string(const char *s, enum vm_class *ret);
bool vm_label_is_valid(const char *s);
bool vm_tag_is_valid(const char *s);
/* A desktop file id as the menu keeps it: [A-Za-z0-9._-], not starting with '.'. */
bool vm_menu_id_is_valid(const char *s);
/* Whether id is in p->menu; add or remove one (-E2BIG past VM_MENU_APPS_MAX). */
bool vm_props_menu_has(const struct vm_props *p, const char *id);
int vm_props_menu_add(struct vm_props *p, const char *id);
int vm_props_menu_remove(struct vm_props *p, const char *id);

/* Defaults for a new AppVM of the host template; -EINVAL for an invalid name. */
int vm_props_init(struct vm_props *p, const char *name);
/* Set one property from its text form ("memory" "512", "tags" "a,b", "autostart" "true").
 * -EINVAL for a bad value, -ENOENT for an unknown key, -EPERM for "name". */
int vm_props_set(struct vm_props *p, const char *key, const char *value);
/* Text form of one property into buf (tags comma-separated). -ENOENT for an unknown key. */
int vm_props_get(const struct vm_props *p, const char *key, char *buf, size_t size);
int vm_props_add_tag(struct vm_props *p, const char *tag);
bool vm_props_has_tag(const struct vm_props *p, const char *tag);
