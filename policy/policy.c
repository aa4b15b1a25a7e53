/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiled policy object: its rules, files and errors, and the accessors of policy.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"

/* Make room for one more element of size elem in *array (holding n of cap). */
static int grow(void **array, size_t *cap, size_t n, size_t elem)
{
	size_t newcap;
	void *a;

	if (n < *cap)
		return 0;
	newcap = *cap ? *cap * 2 : 16;
	a = reallocarray(*array, newcap, elem);
	if (!a)
		return -ENOMEM;
	*array = a;
	*cap = newcap;
	return 0;
}

struct policy *policy_new(void)
{
	return calloc(1, sizeof(struct policy));
}

int policy_add_error(struct policy *p, const char *file, unsigned line, const char *fmt, ...)
{
	_cleanup_free_ char *f = strdup(file ? file : "(policy)");
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (k < 0 || !f ||
	    grow((void **)&p->errors, &p->cap_errors, p->n_errors, sizeof(*p->errors)))
		return -ENOMEM;
	p->errors[p->n_errors++] = (struct policy_error){
		.file = TAKE_PTR(f),
		.line = line,
		.message = TAKE_PTR(msg),
	};
	return 0;
}

const char *policy_add_file(struct policy *p, const char *path)
{
	char *copy = strdup(path);

	if (!copy || grow((void **)&p->files, &p->cap_files, p->n_files, sizeof(*p->files))) {
		free(copy);
		return NULL;
	}
	p->files[p->n_files++] = copy;
	return copy;
}

struct rule *policy_add_rule(struct policy *p)
{
	struct rule *r;

	if (grow((void **)&p->rules, &p->cap_rules, p->n_rules, sizeof(*p->rules)))
		return NULL;
	r = &p->rules[p->n_rules++];
	*r = (struct rule){ .notify = -1, .autostart = -1 };
	return r;
}

void rule_finish(struct rule *r)
{
	free(r->service);
	free(r->argument);
	free(r->source_text);
	free(r->target_text);
	free(r->target_param_text);
	free(r->default_target_text);
	free(r->user);
	free(r->params);
	free(r->text);
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		rule_finish(&p->rules[i]);
	for (size_t i = 0; i < p->n_errors; i++) {
		free((char *)p->errors[i].file);
		free((char *)p->errors[i].message);
	}
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	service_index_finish(&p->index);
	free(p->rules);
	free(p->errors);
	free(p->files);
	free(p);
}

size_t policy_error_count(const struct policy *p)
{
	return p ? p->n_errors : 0;
}

const struct policy_error *policy_error_get(const struct policy *p, size_t i)
{
	return p && i < p->n_errors ? &p->errors[i] : NULL;
}

size_t policy_rule_count(const struct policy *p)
{
	return p ? p->n_rules : 0;
}

size_t policy_file_count(const struct policy *p)
{
	return p ? p->n_files : 0;
}

int policy_rule_get(const struct policy *p, size_t i, struct policy_rule_info *ret)
{
	const struct rule *r;

	if (!p || i >= p->n_rules)
		return -ERANGE;
	r = &p->rules[i];
	*ret = (struct policy_rule_info){
		.file = r->file,
		.line = r->line,
		.service = r->service,
		.argument = r->argument,
		.source = r->source_text,
		.target = r->target_text,
		.action = r->action,
		.params = r->params,
		.text = r->text,
		.target_param = r->target_param_text,
		.default_target = r->default_target_text,
		.user = r->user,
		.notify = r->notify,
		.autostart = r->autostart,
	};
	return 0;
}

const char *policy_action_to_string(enum policy_action a)
{
	switch (a) {
	case POLICY_ALLOW:
		return "allow";
	case POLICY_ASK:
		return "ask";
	case POLICY_DENY:
	default:
		return "deny";
	}
}

void policy_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **s = strv; *s; s++)
		free(*s);
	free(strv);
}

/* Append "<base>/bulkhead/policy.d" when base is set; n counts what was stored. */
static int add_dir(char **strv, int *n, const char *base, const char *suffix)
{
	if (!base || !*base)
		return 0;
	strv[*n] = str_new_printf("%s%s", base, suffix);
	if (!strv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

int policy_default_dirs(char ***ret)
{
	_cleanup_free_ char *home_config = NULL;
	const char *config = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char **strv = calloc(4, sizeof(char *));
	int n = 0;

	if (!strv)
		return -ENOMEM;
	if ((!config || !*config) && home && *home) {
		home_config = str_new_printf("%s/.config", home);
		config = home_config;
	}
	if (add_dir(strv, &n, getenv("XDG_RUNTIME_DIR"), "/bulkhead/policy.d") < 0 ||
	    add_dir(strv, &n, "/etc", "/bulkhead/policy.d") < 0 ||
	    add_dir(strv, &n, config, "/bulkhead/policy.d") < 0) {
		policy_strv_free(strv);
		return -ENOMEM;
	}
	*ret = strv;
	return n;
}
