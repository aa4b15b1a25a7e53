/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Evaluation (POLICY.md, "Evaluation"): the first rule that matches decides. The request comes
 * from the policy daemon, which got it from a VM: its service, argument and target are checked
 * here before anything is compared, and whatever is not understood is denied.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"
#include "validate.h"

static bool request_is_admin(const struct eval_ctx *c)
{
	return c->kind == REQUEST_ADMIN_LITERAL || (c->kind == REQUEST_VM && c->target->is_admin);
}

const struct vm *eval_dispvm_template(const struct eval_ctx *c)
{
	if (c->kind == REQUEST_DISPVM_TEMPLATE)
		return c->target;
	if (c->kind == REQUEST_DISPVM && c->source->default_dispvm)
		return system_info_dispvm_template(c->info, c->source->default_dispvm);
	return NULL;
}

/* A VM name in a rule names the admin VM also when the request spelled it "@adminvm". */
static bool name_matches_request(const char *name, uint32_t hash, const struct eval_ctx *c)
{
	if (c->kind == REQUEST_VM)
		return c->target->name_hash == hash && streq(c->target->name, name);
	return c->kind == REQUEST_ADMIN_LITERAL && c->info->admin &&
	       streq(c->info->admin->name, name);
}

static bool target_matches(const struct token *t, const struct eval_ctx *c)
{
	const struct vm *tmpl;

	switch (t->kind) {
	case TOKEN_ANY:
		return true;
	case TOKEN_ANYVM:
		return !request_is_admin(c);
	case TOKEN_NAME:
		return name_matches_request(t->value, t->hash, c);
	case TOKEN_ADMINVM:
		return request_is_admin(c);
	case TOKEN_DEFAULT:
		return c->kind == REQUEST_DEFAULT;
	/* Tags and types look at VMs named as such: "@adminvm" is not a name. */
	case TOKEN_TAG:
		return c->kind == REQUEST_VM && vm_has_tag(c->target, t->value);
	case TOKEN_TYPE:
		return c->kind == REQUEST_VM && streq(c->target->type, t->value);
	case TOKEN_DISPVM:
		return c->kind == REQUEST_DISPVM;
	case TOKEN_DISPVM_TEMPLATE:
		return (tmpl = eval_dispvm_template(c)) && streq(tmpl->name, t->value);
	case TOKEN_DISPVM_TAG:
		return (tmpl = eval_dispvm_template(c)) && vm_has_tag(tmpl, t->value);
	default:
		return false;
	}
}

/* "@dispvm:X" as a source: a disposable VM made from template X (system info's "template"). */
static const struct vm *source_dispvm_template(const struct eval_ctx *c)
{
	const struct vm *s = c->source;

	if (!streq(s->type, "DispVM") || !s->template)
		return NULL;
	return system_info_find(c->info, s->template);
}

static bool source_matches(const struct token *t, const struct eval_ctx *c)
{
	const struct vm *s = c->source, *tmpl;

	switch (t->kind) {
	case TOKEN_ANY:
		return true;
	case TOKEN_ANYVM:
		return !s->is_admin;
	case TOKEN_NAME:
		return s->name_hash == t->hash && streq(s->name, t->value);
	case TOKEN_ADMINVM:
		return s->is_admin;
	case TOKEN_TAG:
		return vm_has_tag(s, t->value);
	case TOKEN_TYPE:
		return streq(s->type, t->value);
	case TOKEN_DISPVM_TEMPLATE:
		return (tmpl = source_dispvm_template(c)) && streq(tmpl->name, t->value);
	case TOKEN_DISPVM_TAG:
		return (tmpl = source_dispvm_template(c)) && vm_has_tag(tmpl, t->value);
	default:
		return false;
	}
}

bool rule_matches_source_indexed(const struct rule *r, const struct eval_ctx *c)
{
	if (!r->any_argument &&
	    (r->argument_hash != c->argument_hash || !streq(r->argument, c->argument)))
		return false;
	return source_matches(&r->source, c);
}

bool rule_matches_source(const struct rule *r, const struct eval_ctx *c)
{
	if (!r->any_service && !streq(r->service, c->service))
		return false;
	return rule_matches_source_indexed(r, c);
}

bool rule_matches_request_indexed(const struct rule *r, const struct eval_ctx *c)
{
	return rule_matches_source_indexed(r, c) && target_matches(&r->target, c);
}

bool rule_matches_request(const struct rule *r, const struct eval_ctx *c)
{
	return rule_matches_source(r, c) && target_matches(&r->target, c);
}

/* The request's target, as POLICY.md's "as a request's target" column allows. */
static int resolve_request_target(struct eval_ctx *c, const char *target, struct policy_decision *d)
{
	struct token t;

	c->kind = REQUEST_DEFAULT;
	if (!target || !*target)
		return 0;
	if (token_parse(target, &t, NULL) < 0)
		return decision_deny(d, "The requested target is not a valid VM name.") ?: -EPERM;
	switch (t.kind) {
	case TOKEN_NAME:
		c->target = system_info_find(c->info, t.value);
		c->kind = c->target ? REQUEST_VM : REQUEST_DEFAULT; /* unknown: as @default */
		return 0;
	case TOKEN_ADMINVM:
		c->kind = REQUEST_ADMIN_LITERAL;
		return 0;
	case TOKEN_DEFAULT:
		return 0;
	case TOKEN_DISPVM:
		c->kind = REQUEST_DISPVM;
		return 0;
	case TOKEN_DISPVM_TEMPLATE:
		c->kind = REQUEST_DISPVM_TEMPLATE;
		if ((c->target = system_info_dispvm_template(c->info, t.value)))
			return 0;
		return decision_deny(d, "%s is not a disposable template.", t.value) ?: -EPERM;
	default:
		return decision_deny(d, "%s is valid only in rules, not as a requested target.",
				     target)
			       ?: -EPERM;
	}
}

/* Check the request and fill c; a request that cannot be understood is denied (-EPERM). */
static int eval_ctx_init(struct eval_ctx *c, const struct policy_request *req,
			 const struct policy_system_info *info, char *argbuf,
			 struct policy_decision *d)
{
	const char *arg = req->argument ? req->argument : "";
	static const struct policy_system_info empty = {};

	*c = (struct eval_ctx){ .info = info ? info : &empty, .service = req->service };
	if (!req->service || !service_name_is_valid(req->service) ||
	    !service_argument_is_valid(arg))
		return decision_deny(d, "The service name or argument is not valid.") ?: -EPERM;
	argbuf[0] = '+';
	strcpy(argbuf + 1, arg);
	c->argument = argbuf;
	c->argument_hash = name_hash(argbuf);
	if (req->source && streq(req->source, "@adminvm"))
		c->source = c->info->admin;
	else if (req->source)
		c->source = system_info_find(c->info, req->source);
	if (!c->source)
		return decision_deny(d, "The source VM is not in the system info.") ?: -EPERM;
	return resolve_request_target(c, req->target, d);
}

static const struct rule *first_match(const struct policy *p, const struct eval_ctx *c, bool linear)
{
	struct rule_iter it;
	uint32_t i;

	for (i = 0; linear && i < p->n_rules; i++)
		if (rule_matches_request(&p->rules[i], c))
			return &p->rules[i];
	if (linear)
		return NULL;
	rule_iter_init(&it, p, c->service, false);
	while (rule_iter_next(&it, &i))
		if (rule_matches_request_indexed(&p->rules[i], c))
			return &p->rules[i];
	return NULL;
}

/* Where an allowed call goes: a VM, or a new disposable from a template. */
struct resolved {
	const struct vm *vm;
	const struct vm *dispvm_template;
};

/* A new disposable from template name, or from the source's default when name is NULL. */
static int resolve_dispvm(const struct eval_ctx *c, const char *name, struct resolved *ret,
			  struct policy_decision *d)
{
	if (!name && !c->source->default_dispvm)
		return decision_deny(d, "%s has no default disposable template.", c->source->name)
			       ?: -EPERM;
	ret->dispvm_template =
		system_info_dispvm_template(c->info, name ? name : c->source->default_dispvm);
	if (!ret->dispvm_template)
		return decision_deny(d, "%s is not a disposable template.",
				     name ? name : c->source->default_dispvm)
			       ?: -EPERM;
	return 0;
}

static int resolve_admin(const struct eval_ctx *c, struct resolved *ret, struct policy_decision *d)
{
	if (!(ret->vm = c->info->admin))
		return decision_deny(d, "The system info has no admin VM.") ?: -EPERM;
	return 0;
}

/* A target= value. */
static int resolve_param(const struct token *t, const struct eval_ctx *c, struct resolved *ret,
			 struct policy_decision *d)
{
	switch (t->kind) {
	case TOKEN_NAME:
		if (!(ret->vm = system_info_find(c->info, t->value)))
			return decision_deny(d, "The rule's target=%s is not an existing VM.",
					     t->value)
				       ?: -EPERM;
		return 0;
	case TOKEN_ADMINVM:
		return resolve_admin(c, ret, d);
	case TOKEN_DISPVM:
		return resolve_dispvm(c, NULL, ret, d);
	default:
		return resolve_dispvm(c, t->value, ret, d);
	}
}

/* The requested target, when the rule gives no target=. */
static int resolve_requested(const struct eval_ctx *c, struct resolved *ret,
			     struct policy_decision *d)
{
	switch (c->kind) {
	case REQUEST_VM:
		ret->vm = c->target;
		return 0;
	case REQUEST_ADMIN_LITERAL:
		return resolve_admin(c, ret, d);
	case REQUEST_DISPVM:
		return resolve_dispvm(c, NULL, ret, d);
	case REQUEST_DISPVM_TEMPLATE:
		ret->dispvm_template = c->target;
		return 0;
	default:
		return decision_deny(d, "No target: the request names none (or an unknown VM) and "
					"the rule gives no target=.")
			       ?: -EPERM;
	}
}

static int decide_allow(const struct rule *r, const struct eval_ctx *c, struct policy_decision *d)
{
	struct resolved t = {};
	int k = r->target_param_text ? resolve_param(&r->target_param, c, &t, d)
				     : resolve_requested(c, &t, d);

	if (k < 0)
		return k == -EPERM ? 0 : k;
	if (r->autostart == 0 && (t.dispvm_template || !t.vm->running))
		return decision_deny(d, "The target is not running and the rule says "
					"autostart=no.");
	d->target =
		t.vm ? strdup(t.vm->name) : str_new_printf("@dispvm:%s", t.dispvm_template->name);
	if (!d->target || (r->user && !(d->user = strdup(r->user))))
		return -ENOMEM;
	d->result = POLICY_ALLOW;
	d->notify = r->notify == 1;
	d->autostart = r->autostart != 0;
	return decision_set_reason(d, "Allowed by %s:%u.", r->file, r->line);
}

static int decide(const struct policy *p, const struct rule *r, const struct eval_ctx *c,
		  struct policy_decision *d)
{
	int k = decision_set_rule(d, r);

	if (k < 0)
		return k;
	switch (r->action) {
	case POLICY_ALLOW:
		return decide_allow(r, c, d);
	case POLICY_ASK:
		return ask_collect(p, r, c, d);
	case POLICY_DENY:
	default:
		k = decision_deny(d, "Denied by %s:%u.", r->file, r->line);
		d->notify = r->notify != 0;
		return k;
	}
}

static int evaluate(const struct policy *p, const struct policy_request *req,
		    const struct policy_system_info *info, struct policy_decision *d, bool linear)
{
	char argbuf[SERVICE_ARG_MAX + 2];
	struct eval_ctx c;
	const struct rule *r;
	int k;

	if (!p)
		return decision_deny(d, "No policy is loaded.");
	if (p->n_errors)
		return decision_deny(d, "The policy failed to load: %s:%u: %s", p->errors[0].file,
				     p->errors[0].line, p->errors[0].message);
	if ((k = eval_ctx_init(&c, req, info, argbuf, d)) < 0)
		return k == -EPERM ? 0 : k;
	if (!(r = first_match(p, &c, linear)))
		return decision_deny(d, "No rule matches; the default is deny.");
	return decide(p, r, &c, d);
}

static int evaluate_top(const struct policy *p, const struct policy_request *req,
			const struct policy_system_info *info, struct policy_decision *ret,
			bool linear)
{
	int k;

	*ret = (struct policy_decision){ .result = POLICY_DENY, .notify = true };
	k = evaluate(p, req, info, ret, linear);
	if (k < 0)
		ret->result = POLICY_DENY; /* out of memory half-way: never leave an allow */
	return k;
}

int policy_evaluate(const struct policy *p, const struct policy_request *req,
		    const struct policy_system_info *info, struct policy_decision *ret)
{
	return evaluate_top(p, req, info, ret, false);
}

int policy_evaluate_linear(const struct policy *p, const struct policy_request *req,
			   const struct policy_system_info *info, struct policy_decision *ret)
{
	return evaluate_top(p, req, info, ret, true);
}
