/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy's top-level files: every directory's "*.policy" files merged by base name (a later
 * directory's file replaces an earlier one's), the in-memory overrides on top, then all read in
 * byte order of their base names. The public loaders of policy.h live here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"

struct entry {
	char *name;
	const char *dir; /* NULL: no directory (an override with nothing to replace) */
	const struct policy_override *override;
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

static void entries_finish(struct entries *es)
{
	for (size_t i = 0; i < es->n; i++)
		free(es->e[i].name);
	free(es->e);
}

/* Add name, or replace the entry of the same name. */
static int entries_put(struct entries *es, const char *name, const char *dir,
		       const struct policy_override *override)
{
	struct entry *e = NULL;

	for (size_t i = 0; i < es->n && !e; i++)
		if (streq(es->e[i].name, name))
			e = &es->e[i];
	if (!e) {
		if (es->n == es->cap) {
			size_t cap = es->cap ? es->cap * 2 : 16;
			struct entry *a = reallocarray(es->e, cap, sizeof(*a));
			if (!a)
				return -ENOMEM;
			es->e = a;
			es->cap = cap;
		}
		e = &es->e[es->n];
		*e = (struct entry){ .name = strdup(name) };
		if (!e->name)
			return -ENOMEM;
		es->n++;
	}
	e->dir = override && e->dir ? e->dir : dir;
	e->override = override;
	return 0;
}

static int collect_dir(struct policy *p, struct entries *es, const char *dir)
{
	char **names = NULL;
	int n = policy_dir_list(dir, &names), r = 0;

	if (n == -ENOENT)
		return 0; /* e.g. no runtime overrides today */
	if (n < 0)
		return n == -ENOMEM ? n
				    : policy_add_error(p, dir, 0, "Cannot read the directory: %s.",
						       strerror(-n));
	for (int i = 0; i < n && r >= 0; i++)
		r = entries_put(es, names[i], dir, NULL);
	policy_strv_free(names);
	return r;
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int load_entry(struct parse_ctx *ctx, const struct entry *e)
{
	_cleanup_free_ char *path =
		e->dir ? str_new_printf("%s/%s", e->dir, e->name) : strdup(e->name);
	const struct policy_override *o = e->override;
	const char *display;

	if (!path)
		return -ENOMEM;
	ctx->policy_dir = e->dir;
	if (!policy_file_name_is_valid(e->name))
		return policy_add_error(ctx->policy, path, 0,
					"Invalid policy file name: use only lower-case letters, "
					"digits, '_', '.' and '-'.");
	if (!o)
		return include_file(ctx, path, 0, path, NULL);
	if (!(display = policy_add_file(ctx->policy, path)))
		return -ENOMEM;
	ctx->depth = 1;
	ctx->total_bytes += o->len;
	return parse_text(ctx, display, o->text ? o->text : "", o->text ? o->len : 0, NULL);
}

/* Build the index and hand p out, or free it when memory ran out. */
static int finish(struct policy *p, int r, struct policy **ret)
{
	if (r >= 0)
		r = service_index_build(p);
	if (r < 0) {
		policy_free(p);
		*ret = NULL;
		return -ENOMEM;
	}
	*ret = p;
	return p->n_errors ? -EINVAL : 0;
}

static int merge_all(struct policy *p, struct entries *es, const char *const *dirs, size_t n_dirs,
		     const struct policy_override *overrides, size_t n_overrides)
{
	const char *last_dir = n_dirs ? dirs[n_dirs - 1] : NULL;
	int r = 0;

	for (size_t i = 0; i < n_dirs && r >= 0; i++)
		r = collect_dir(p, es, dirs[i]);
	for (size_t i = 0; i < n_overrides && r >= 0; i++)
		r = entries_put(es, overrides[i].name ? overrides[i].name : "", last_dir,
				&overrides[i]);
	if (r >= 0 && es->n > 0)
		qsort(es->e, es->n, sizeof(*es->e), compare_entries);
	/* One context for the whole load: the size budget covers every file. */
	struct parse_ctx ctx = { .policy = p };
	for (size_t i = 0; i < es->n && r >= 0; i++) {
		ctx.depth = 0;
		r = load_entry(&ctx, &es->e[i]);
	}
	return r;
}

int policy_load_with_overrides(const char *const *dirs, size_t n_dirs,
			       const struct policy_override *overrides, size_t n_overrides,
			       struct policy **ret)
{
	struct policy *p = policy_new();
	struct entries es = {};
	int r;

	if (!p) {
		*ret = NULL;
		return -ENOMEM;
	}
	r = merge_all(p, &es, dirs, n_dirs, overrides, n_overrides);
	entries_finish(&es);
	return finish(p, r, ret);
}

int policy_load(const char *const *dirs, size_t n_dirs, struct policy **ret)
{
	return policy_load_with_overrides(dirs, n_dirs, NULL, 0, ret);
}

int policy_parse_text(const char *display_name, const char *text, size_t len,
		      const char *include_dir, struct policy **ret)
{
	struct policy *p = policy_new();
	struct parse_ctx ctx = { .policy = p, .policy_dir = include_dir, .depth = 1 };
	const char *display;
	int r;

	if (!p) {
		*ret = NULL;
		return -ENOMEM;
	}
	display = policy_add_file(p, display_name ? display_name : "(policy)");
	r = display ? parse_text(&ctx, display, text ? text : "", text ? len : 0, NULL) : -ENOMEM;
	return finish(p, r, ret);
}
