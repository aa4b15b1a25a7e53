/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manifest's text, line by line (docs/backup-format.md).
 *
 * Trust: the text reaches this parser only after its AEAD tag checked, so it was written by
 * someone with the passphrase. It is parsed as if it were hostile anyway — a bug in an old
 * writer, or a passphrase shared with someone less careful, must not become memory
 * corruption on restore: every line is bounded, every number range-checked, every name
 * validated, every blob's chunks must add up to its announced size, and the text must end with
 * "end". Fuzzed by tests/fuzz/fuzz-backup-manifest.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backup-internal.h"
#include "macro.h"
#include "strutil.h"
#include "validate.h"

#define LINE_MAX_LEN 1024

struct parser {
	struct backup_manifest *m;
	struct backup_vm *vm;	  /* the VM that prop/volume lines belong to */
	struct backup_blob *blob; /* the blob that chunk lines extend */
	uint64_t blob_size;	  /* its announced size */
	unsigned line_no;
	bool ended;
};

/* Plain decimal, no sign, no leading zeros but "0", no overflow. */
static int parse_u64(const char *untrusted, uint64_t *ret)
{
	uint64_t v = 0;

	if (!*untrusted || (untrusted[0] == '0' && untrusted[1]) || strlen(untrusted) > 20)
		return -EBADMSG;
	for (const char *p = untrusted; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*ret = v;
	return 0;
}

/* Split off the first space-separated word: returns the rest ("" if none). */
static char *next_word(char **s)
{
	char *w = *s, *sp = strchr(w, ' ');

	if (sp) {
		*sp = '\0';
		*s = sp + 1;
	} else {
		*s = w + strlen(w);
	}
	return w;
}

static int close_blob(struct parser *p)
{
	if (p->blob && p->blob->size != p->blob_size)
		return -EBADMSG;
	p->blob = NULL;
	return 0;
}

static int open_blob(struct parser *p, struct backup_blob *b, const char *untrusted_size,
		     uint64_t max)
{
	int r = close_blob(p);

	if (r >= 0)
		r = parse_u64(untrusted_size, &p->blob_size);
	if (r >= 0 && p->blob_size > max)
		r = -EBADMSG;
	p->blob = b;
	return r;
}

static int on_chunk(struct parser *p, char *args)
{
	char *hex = next_word(&args);
	uint8_t id[BACKUP_ID_SIZE];
	uint64_t len;
	size_t n;

	if (!p->blob || strlen(hex) != BACKUP_ID_SIZE * 2 || parse_u64(args, &len) < 0)
		return -EBADMSG;
	if (sodium_hex2bin(id, sizeof(id), hex, strlen(hex), NULL, &n, NULL) != 0 ||
	    n != BACKUP_ID_SIZE)
		return -EBADMSG;
	if (len == 0 || len > BACKUP_CHUNK_MAX_CEIL || len > p->blob_size - p->blob->size)
		return -EBADMSG;
	return backup_blob_add(p->blob, id, (uint32_t)len);
}

static int check_vm_done(struct parser *p)
{
	int r = close_blob(p);

	if (r >= 0 && p->vm && p->vm->volume_id.ino == UINT64_MAX)
		r = -EBADMSG; /* a VM without its volume line */
	p->vm = NULL;
	return r;
}

static int on_vm(struct parser *p, char *untrusted_name)
{
	struct backup_vm *vms;
	int r = check_vm_done(p);

	if (r < 0 || p->m->n_policies > 0 || p->m->n_vms >= BACKUP_VMS_MAX ||
	    !vm_name_is_valid(untrusted_name))
		return -EBADMSG;
	for (size_t i = 0; i < p->m->n_vms; i++)
		if (streq(p->m->vms[i].name, untrusted_name))
			return -EBADMSG;
	vms = reallocarray(p->m->vms, p->m->n_vms + 1, sizeof(*vms));
	if (!vms)
		return -ENOMEM;
	p->m->vms = vms;
	p->vm = &vms[p->m->n_vms++];
	*p->vm = (struct backup_vm){ .volume_id.ino = UINT64_MAX }; /* no volume line yet */
	return str_copy(p->vm->name, sizeof(p->vm->name), untrusted_name);
}

bool backup_vm_name_is_valid(const char *s)
{
	return vm_name_is_valid(s);
}

static bool prop_key_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > BACKUP_PROP_KEY_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static bool prop_value_is_valid(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n <= BACKUP_PROP_VALUE_MAX && utf8_is_valid(s, n);
}

bool backup_prop_is_valid(const char *key, const char *value)
{
	return prop_key_is_valid(key) && prop_value_is_valid(value);
}

static int on_prop(struct parser *p, char *args)
{
	char *untrusted_key = next_word(&args);
	struct backup_prop *prop;

	if (!p->vm || p->blob || p->vm->n_props >= BACKUP_PROPS_MAX ||
	    !prop_key_is_valid(untrusted_key) || !prop_value_is_valid(args) ||
	    backup_vm_prop(p->vm, untrusted_key))
		return -EBADMSG;
	prop = &p->vm->props[p->vm->n_props++];
	str_copy(prop->key, sizeof(prop->key), untrusted_key);
	return str_copy(prop->value, sizeof(prop->value), args);
}

static int on_volume(struct parser *p, char *args)
{
	uint64_t *ids[] = { &p->vm->volume_id.dev, &p->vm->volume_id.ino,
			    &p->vm->volume_id.mtime_ns, &p->vm->volume_id.ctime_ns };
	char *untrusted_size = next_word(&args);
	int r;

	if (p->vm->volume_id.ino != UINT64_MAX)
		return -EBADMSG; /* a second volume line */
	r = open_blob(p, &p->vm->volume, untrusted_size, UINT64_MAX / 2);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(ids); i++)
		r = parse_u64(next_word(&args), ids[i]);
	if (r >= 0 && (*args || p->vm->volume_id.ino == UINT64_MAX))
		r = -EBADMSG;
	return r;
}

static int on_firewall(struct parser *p, char *untrusted_size)
{
	if (p->vm->has_firewall)
		return -EBADMSG;
	p->vm->has_firewall = true;
	return open_blob(p, &p->vm->firewall, untrusted_size, BACKUP_POLICY_FILE_MAX);
}

bool backup_file_name_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > BACKUP_FILE_NAME_MAX || s[0] == '.')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int on_policy(struct parser *p, char *args)
{
	char *untrusted_name = next_word(&args);
	struct backup_policy_file *pol;
	int r = check_vm_done(p);

	if (r < 0 || p->m->n_policies >= BACKUP_POLICIES_MAX ||
	    !backup_file_name_is_valid(untrusted_name))
		return -EBADMSG;
	for (size_t i = 0; i < p->m->n_policies; i++)
		if (streq(p->m->policies[i].name, untrusted_name))
			return -EBADMSG;
	pol = reallocarray(p->m->policies, p->m->n_policies + 1, sizeof(*pol));
	if (!pol)
		return -ENOMEM;
	p->m->policies = pol;
	pol = &pol[p->m->n_policies++];
	*pol = (struct backup_policy_file){ 0 };
	str_copy(pol->name, sizeof(pol->name), untrusted_name);
	return open_blob(p, &pol->blob, args, BACKUP_POLICY_FILE_MAX);
}

static int on_end(struct parser *p, char *args)
{
	int r = check_vm_done(p);

	p->ended = true;
	return r >= 0 && !*args ? 0 : -EBADMSG;
}

/* The four lines every manifest starts with, in this order. */
static int on_preamble(struct parser *p, char *line)
{
	static const char *const words[] = { "bulkhead-backup-manifest", "seq", "prev", "time" };
	uint64_t *dst[] = { NULL, &p->m->seq, &p->m->prev_seq, (uint64_t *)&p->m->time };
	char *untrusted_word = next_word(&line);
	uint64_t v;

	if (!streq(untrusted_word, words[p->line_no - 1]) || parse_u64(line, &v) < 0)
		return -EBADMSG;
	if (p->line_no == 1)
		return v == 1 ? 0 : -EPROTONOSUPPORT;
	if (p->line_no == 4 && v > INT64_MAX)
		return -EBADMSG;
	*dst[p->line_no - 1] = v;
	return 0;
}

static int on_line(struct parser *p, char *line)
{
	char *untrusted_word;

	if (p->ended)
		return -EBADMSG; /* anything after "end" */
	if (++p->line_no <= 4)
		return on_preamble(p, line);
	untrusted_word = next_word(&line);
	if (streq(untrusted_word, "chunk"))
		return on_chunk(p, line);
	if (streq(untrusted_word, "vm"))
		return on_vm(p, line);
	if (streq(untrusted_word, "prop"))
		return on_prop(p, line);
	if (streq(untrusted_word, "volume") && p->vm)
		return on_volume(p, line);
	if (streq(untrusted_word, "firewall") && p->vm)
		return on_firewall(p, line);
	if (streq(untrusted_word, "policy"))
		return on_policy(p, line);
	if (streq(untrusted_word, "end"))
		return on_end(p, line);
	return -EBADMSG;
}

static int parse_lines(struct parser *p, const char *untrusted, size_t len)
{
	char line[LINE_MAX_LEN + 1];
	size_t pos = 0;
	int r = 0;

	while (r >= 0 && pos < len) {
		const char *nl = memchr(untrusted + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (untrusted + pos)) : len - pos;
		if (!nl || n > LINE_MAX_LEN || memchr(untrusted + pos, '\0', n))
			return -EBADMSG; /* every line ends in \n; no NUL inside */
		memcpy(line, untrusted + pos, n);
		line[n] = '\0';
		r = on_line(p, line);
		pos += n + 1;
	}
	return r < 0 ? r : p->ended ? 0 : -EBADMSG;
}

int backup_manifest_parse(const char *untrusted, size_t len, struct backup_manifest **ret)
{
	struct parser p = { .m = calloc(1, sizeof(struct backup_manifest)) };
	int r;

	if (!p.m)
		return -ENOMEM;
	r = len <= BACKUP_MANIFEST_MAX ? parse_lines(&p, untrusted, len) : -EFBIG;
	if (r >= 0 && (p.m->seq == 0 || p.m->prev_seq >= p.m->seq))
		r = -EBADMSG;
	if (r < 0) {
		backup_manifest_free(p.m);
		return r;
	}
	*ret = p.m;
	return 0;
}
