/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The candidates of an ask (POLICY.md, evaluation step 5): what the user may choose from. They
 * are collected from every rule of the service that matches the source, read backwards so
 * that an earlier rule has the last word: allow and ask rules add their targets, deny rules
 * take theirs away. The user can then only pick a target that some rule would allow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"

struct candidates {
	char **v;
	size_t n, cap;
};

static void candidates_finish(struct candidates *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i]);
	free(cs->v);
}

static ssize_t candidates_find(const struct candidates *cs, const char *s)
{
	for (size_t i = 0; i < cs->n; i++)
		if (streq(cs->v[i], s))
			return (ssize_t)i;
	return -1;
}

static void candidates_remove_at(struct candidates *cs, size_t i)
{
	free(cs->v[i]);
	cs->v[i] = cs->v[--cs->n];
}

/* Add (once) or remove s; takes ownership of s, which may be NULL only on allocation failure. */
static int candidates_apply(struct candidates *cs, char *s, bool add)
{
	ssize_t at;

	if (!s)
		return -ENOMEM;
	at = candidates_find(cs, s);
	if (!add || at >= 0) {
		if (!add && at >= 0)
			candidates_remove_at(cs, (size_t)at);
		free(s);
		return 0;
	}
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 8;
		char **a = reallocarray(cs->v, cap, sizeof(char *));
		if (!a) {
			free(s);
			return -ENOMEM;
		}
		cs->v = a;
		cs->cap = cap;
	}
	cs->v[cs->n++] = s;
	return 0;
}

/* Every VM (but the admin VM for @anyvm) and a new disposable of every template. */
static int expand_all(const struct eval_ctx *c, struct candidates *cs, bool add, bool with_admin)
{
	const struct policy_system_info *info = c->info;
	int r = 0;

	for (size_t i = 0; i < info->n_vms && r >= 0; i++) {
		const struct vm *vm = &info->vms[i];
		if (with_admin || !vm->is_admin)
			r = candidates_apply(cs, strdup(vm->name), add);
		if (r >= 0 && vm->template_for_dispvms)
			r = candidates_apply(cs, str_new_printf("@dispvm:%s", vm->name), add);
	}
	return r;
}

/* VMs with a tag or type, or disposables of templates with a tag. */
static int expand_matching(const struct token *t, const struct eval_ctx *c, struct candidates *cs,
			   bool add)
{
	const struct policy_system_info *info = c->info;
	int r = 0;

	for (size_t i = 0; i < info->n_vms && r >= 0; i++) {
		const struct vm *vm = &info->vms[i];
		if (t->kind == TOKEN_TAG && vm_has_tag(vm, t->value))
			r = candidates_apply(cs, strdup(vm->name), add);
		else if (t->kind == TOKEN_TYPE && streq(vm->type, t->value))
			r = candidates_apply(cs, strdup(vm->name), add);
		else if (t->kind == TOKEN_DISPVM_TAG && vm->template_for_dispvms &&
			 vm_has_tag(vm, t->value))
			r = candidates_apply(cs, str_new_printf("@dispvm:%s", vm->name), add);
	}
	return r;
}

/* A rule's target (its target= if it has one) as concrete names. */
static int expand_token(const struct token *t, const struct eval_ctx *c, struct candidates *cs,
			bool add)
{
	const struct policy_system_info *info = c->info;

	switch (t->kind) {
	case TOKEN_NAME:
		if (!system_info_find(info, t->value))
			return 0;
		return candidates_apply(cs, strdup(t->value), add);
	case TOKEN_ADMINVM:
		return info->admin ? candidates_apply(cs, strdup(info->admin->name), add) : 0;
	case TOKEN_ANY:
	case TOKEN_ANYVM:
		return expand_all(c, cs, add, t->kind == TOKEN_ANY);
	case TOKEN_DISPVM:
		return candidates_apply(cs, strdup("@dispvm"), add);
	case TOKEN_DISPVM_TEMPLATE:
		if (!system_info_dispvm_template(info, t->value))
			return 0;
		return candidates_apply(cs, str_new_printf("@dispvm:%s", t->value), add);
	case TOKEN_DEFAULT:
		return 0;
	default:
		return expand_matching(t, c, cs, add);
	}
}

static const struct token *rule_target_token(const struct rule *r)
{
	return r->target_param_text ? &r->target_param : &r->target;
}

static int collect(const struct policy *p, const struct rule *ask, const struct eval_ctx *c,
		   struct candidates *cs)
{
	struct rule_iter it;
	uint32_t i;
	int r = 0;

	if (ask->target_param_text)
		return expand_token(&ask->target_param, c, cs, true);
	rule_iter_init(&it, p, c->service, true);
	while (r >= 0 && rule_iter_next(&it, &i)) {
		const struct rule *rule = &p->rules[i];
		if (rule_matches_source_indexed(rule, c))
			r = expand_token(rule_target_token(rule), c, cs,
					 rule->action != POLICY_DENY);
	}
	return r;
}

/* A candidate that autostart=no keeps: a VM already running (a new disposable never is). */
static bool candidate_running(const struct eval_ctx *c, const char *name)
{
	const struct vm *vm = name[0] == '@' ? NULL : system_info_find(c->info, name);
	return vm && vm->running;
}

/* An internal VM (or a disposable of an internal template) is a helper the user never picks. */
static bool candidate_internal(const struct eval_ctx *c, const char *name)
{
	const char *vm_name = str_startswith(name, "@dispvm:") ? name + strlen("@dispvm:") : name;
	const struct vm *vm = vm_name[0] == '@' ? NULL : system_info_find(c->info, vm_name);

	return vm && vm->internal;
}

/* "@dispvm" becomes the caller's own default; the caller, internal VMs and, with autostart=no,
 * what is not running are taken out. */
static int refine(const struct rule *ask, const struct eval_ctx *c, struct candidates *cs)
{
	ssize_t at = candidates_find(cs, "@dispvm");
	const struct vm *tmpl =
		c->source->default_dispvm
			? system_info_dispvm_template(c->info, c->source->default_dispvm)
			: NULL;
	int r = 0;

	if (at >= 0)
		candidates_remove_at(cs, (size_t)at);
	if (at >= 0 && tmpl)
		r = candidates_apply(cs, str_new_printf("@dispvm:%s", tmpl->name), true);
	if ((at = candidates_find(cs, c->source->name)) >= 0)
		candidates_remove_at(cs, (size_t)at);
	for (size_t i = cs->n; i > 0; i--)
		if (candidate_internal(c, cs->v[i - 1]) ||
		    (ask->autostart == 0 && !candidate_running(c, cs->v[i - 1])))
			candidates_remove_at(cs, i - 1);
	return r;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* default_target= names one candidate, spelled as the candidates are. */
static int set_default_target(const struct rule *ask, const struct eval_ctx *c,
			      struct policy_decision *d)
{
	struct candidates one = {};
	int r;

	if (!ask->default_target_text)
		return 0;
	r = expand_token(&ask->default_target, c, &one, true);
	if (r >= 0)
		r = refine(ask, c, &one);
	for (size_t i = 0; r >= 0 && one.n == 1 && i < d->n_targets_for_ask; i++)
		if (streq(d->targets_for_ask[i], one.v[0]) &&
		    !(d->default_target = strdup(one.v[0])))
			r = -ENOMEM;
	candidates_finish(&one);
	return r;
}

int ask_collect(const struct policy *p, const struct rule *ask, const struct eval_ctx *c,
		struct policy_decision *d)
{
	struct candidates cs = {};
	int r = collect(p, ask, c, &cs);

	if (r >= 0)
		r = refine(ask, c, &cs);
	if (r < 0 || cs.n == 0) {
		candidates_finish(&cs);
		return r < 0 ? r : decision_deny(d, "No target to ask for: no rule allows one.");
	}
	qsort(cs.v, cs.n, sizeof(char *), compare_strings);
	d->targets_for_ask = TAKE_PTR(cs.v);
	d->n_targets_for_ask = cs.n;
	d->result = POLICY_ASK;
	d->notify = ask->notify == 1;
	d->autostart = ask->autostart != 0;
	if (ask->user && !(d->user = strdup(ask->user)))
		return -ENOMEM;
	if ((r = set_default_target(ask, c, d)) < 0)
		return r;
	return decision_set_reason(d, "Ask the user (%s:%u).", ask->file, ask->line);
}
