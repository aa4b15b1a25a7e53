/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading Bulkhead's <metadata> back from libvirt. The text is libvirt's re-serialisation of
 * what bulkheadd wrote, but anyone with `virsh edit` can change it, so every value goes through
 * the same validating setters as a D-Bus SetProperty; a domain whose metadata does not parse is
 * treated as not Bulkhead's.
 */
#include <errno.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domain-xml.h"
#include "macro.h"
#include "strutil.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(xmlDocPtr, xmlFreeDoc)
DEFINE_TRIVIAL_CLEANUP_FUNC(xmlChar *, xmlFree)

static bool is_ours(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       streq((const char *)n->ns->href, BULKHEAD_XML_NS) &&
	       streq((const char *)n->name, name);
}

static bool is_plain(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns && streq((const char *)n->name, name);
}

/* Children are in the namespace of their <vm>: ours, or none in libvirt's GetMetadata form. */
static bool is_child(const xmlNode *n, bool ours, const char *name)
{
	return ours ? is_ours(n, name) : is_plain(n, name);
}

static xmlNode *find_child(xmlNode *parent, bool ours, const char *name)
{
	for (xmlNode *c = parent->children; c; c = c->next)
		if (ours ? is_ours(c, name) : is_plain(c, name))
			return c;
	return NULL;
}

static int parse_tags(xmlNode *tags, bool ours, struct vm_props *p)
{
	p->n_tags = 0;
	for (xmlNode *t = tags->children; t; t = t->next) {
		_cleanup_(xmlFreep) xmlChar *v = NULL;
		int r;

		if (!is_child(t, ours, "tag"))
			continue;
		v = xmlNodeGetContent(t);
		r = v ? vm_props_add_tag(p, (const char *)v) : -EINVAL;
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_vm_element(xmlNode *vm, struct vm_props *p)
{
	bool ours = vm->ns != NULL;

	for (xmlNode *c = vm->children; c; c = c->next) {
		_cleanup_(xmlFreep) xmlChar *v = NULL;
		int r;

		if (c->type != XML_ELEMENT_NODE || !is_child(c, ours, (const char *)c->name))
			continue;
		if (streq((const char *)c->name, "tags")) {
			r = parse_tags(c, ours, p);
		} else {
			v = xmlNodeGetContent(c);
			if (!v)
				return -ENOMEM;
			r = vm_props_set(p, (const char *)c->name, (const char *)v);
			if (r == -ENOENT) /* a newer Bulkhead's key: keep going */
				r = 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* <domain><name>N</name><metadata><bulkhead:vm/></metadata></domain> */
static xmlNode *find_in_domain(xmlNode *root, struct vm_props *p)
{
	xmlNode *name = find_child(root, false, "name");
	xmlNode *md = find_child(root, false, "metadata");
	_cleanup_(xmlFreep) xmlChar *v = name ? xmlNodeGetContent(name) : NULL;

	if (!v || !vm_name_is_valid((const char *)v) || !md)
		return NULL;
	str_copy(p->name, sizeof(p->name), (const char *)v);
	return find_child(md, true, "vm");
}

int vm_metadata_parse(const char *xml, struct vm_props *p)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	struct vm_props tmp;
	xmlNode *root, *vm;
	int r;

	doc = xmlReadMemory(xml, (int)strnlen(xml, 1 << 24), "metadata.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root)
		return -EINVAL;
	if (vm_props_init(&tmp, vm_name_is_valid(p->name) ? p->name : "x") < 0)
		return -EINVAL;
	vm = is_plain(root, "domain") ? find_in_domain(root, &tmp) : root;
	if (!vm || !(is_ours(vm, "vm") || is_plain(vm, "vm")))
		return -EINVAL;
	r = parse_vm_element(vm, &tmp);
	if (r < 0)
		return r;
	*p = tmp;
	return 0;
}
