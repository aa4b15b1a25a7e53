/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libpolicy's private structures, shared by its files; nothing outside policy/ includes this. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy.h"

/* What a source/target column, a target=/default_target= value or a request's target names. */
enum token_kind {
	TOKEN_NAME,	       /* a VM name */
	TOKEN_ADMINVM,	       /* @adminvm */
	TOKEN_ANYVM,	       /* @anyvm */
	TOKEN_ANY,	       /* * */
	TOKEN_DEFAULT,	       /* @default */
	TOKEN_TAG,	       /* @tag:T */
	TOKEN_TYPE,	       /* @type:T */
	TOKEN_DISPVM,	       /* @dispvm */
	TOKEN_DISPVM_TEMPLATE, /* @dispvm:X */
	TOKEN_DISPVM_TAG,      /* @dispvm:@tag:T */
	_TOKEN_KIND_MAX,
};

#define TOKEN_MASK(k) (1u << (k))
/* Where each token may appear (POLICY.md's token table). */
#define TOKENS_SOURCE                                                                   \
	(TOKEN_MASK(TOKEN_NAME) | TOKEN_MASK(TOKEN_ADMINVM) | TOKEN_MASK(TOKEN_ANYVM) | \
	 TOKEN_MASK(TOKEN_ANY) | TOKEN_MASK(TOKEN_TAG) | TOKEN_MASK(TOKEN_TYPE) |       \
	 TOKEN_MASK(TOKEN_DISPVM_TEMPLATE) | TOKEN_MASK(TOKEN_DISPVM_TAG))
#define TOKENS_TARGET (TOKENS_SOURCE | TOKEN_MASK(TOKEN_DEFAULT) | TOKEN_MASK(TOKEN_DISPVM))
#define TOKENS_PARAM                                                                     \
	(TOKEN_MASK(TOKEN_NAME) | TOKEN_MASK(TOKEN_ADMINVM) | TOKEN_MASK(TOKEN_DISPVM) | \
	 TOKEN_MASK(TOKEN_DISPVM_TEMPLATE))

struct token {
	enum token_kind kind;
	const char *text;  /* the whole token as written */
	const char *value; /* the part after the prefix (name, tag, type, template), or text */
	uint32_t hash;	   /* name_hash(value): most comparisons end at a differing hash */
};

/* FNV-1a. Evaluation compares a few hundred names per request; comparing their hashes first
 * keeps that to one integer comparison for all but the (nearly always) equal ones. */
static inline uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Parse s (which must outlive the token). On error returns -EINVAL and a static sentence
 * fragment in *ret_why ("empty value after '@tag:'"). */
int token_parse(const char *s, struct token *ret, const char **ret_why);
bool tag_is_valid(const char *s);

struct rule {
	const char *file; /* interned in policy->files */
	unsigned line;
	char *service;			/* "*" or a name */
	char *argument;			/* "*" or "+arg" */
	bool any_service, any_argument; /* "*": decided at load, not by strcmp per request */
	uint32_t argument_hash;
	char *source_text, *target_text;
	struct token source, target;
	enum policy_action action;
	char *target_param_text, *default_target_text, *user, *params, *text;
	struct token target_param, default_target; /* valid when their _text is set */
	int notify, autostart;			   /* -1 when not given */
};

/* Rules of one service, as indices into policy->rules in file order. */
struct service_bucket {
	const char *service;
	uint32_t *rules;
	size_t n_rules;
};

/* By service, so evaluation reads only the service's rules and the "*" rules, merged in order. */
struct service_index {
	struct service_bucket *buckets; /* sorted by service */
	size_t n_buckets;
	uint32_t *wildcard; /* rules whose service is "*" */
	size_t n_wildcard;
};

struct policy {
	struct rule *rules;
	size_t n_rules, cap_rules;
	struct policy_error *errors;
	size_t n_errors, cap_errors;
	char **files; /* display paths of every file read, includes counted */
	size_t n_files, cap_files;
	struct service_index index;
};

struct policy *policy_new(void);
/* Record an error; -ENOMEM if even that fails. The message is formatted printf-style. */
int policy_add_error(struct policy *p, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Intern a file's display path; returns the stored copy or NULL. */
const char *policy_add_file(struct policy *p, const char *path);
struct rule *policy_add_rule(struct policy *p);
void rule_finish(struct rule *r);

/* One file's text being parsed: where it came from and how its includes resolve. */
struct include_frame {
	dev_t dev;
	ino_t ino;
	const struct include_frame *parent;
};

struct parse_ctx {
	struct policy *policy;
	const char *policy_dir; /* base of relative includes; NULL: they are errors */
	const struct include_frame *stack;
	unsigned depth;
	size_t total_bytes; /* read so far, includes counted: bounds include fan-out */
};

/* The per-service syntax of "!include-service" files, with their service and argument. */
struct old_syntax {
	const char *service;
	const char *argument;
};

/* Parse one file's text (file is its interned display path). old is NULL for the ordinary
 * syntax. Errors are recorded in ctx->policy; returns -ENOMEM only. */
int parse_text(struct parse_ctx *ctx, const char *file, const char *text, size_t len,
	       const struct old_syntax *old);
/* Read and parse a file named by a directive at file:line (path already resolved). */
int include_file(struct parse_ctx *ctx, const char *file, unsigned line, const char *path,
		 const struct old_syntax *old);
int include_dir(struct parse_ctx *ctx, const char *file, unsigned line, const char *dir);
/* "*.policy" names of a directory, not starting with '.', regular files, in byte order.
 * Returns the count, or -errno (-ENOENT when dir does not exist). */
int policy_dir_list(const char *dir, char ***ret);
bool policy_file_name_is_valid(const char *name);

int service_index_build(struct policy *p);
void service_index_finish(struct service_index *idx);

/* Walks a service's rules merged with the "*" rules in file order, forward or backward. */
struct rule_iter {
	const uint32_t *a, *b;
	size_t na, nb, ia, ib;
	bool reverse;
};
void rule_iter_init(struct rule_iter *it, const struct policy *p, const char *service,
		    bool reverse);
bool rule_iter_next(struct rule_iter *it, uint32_t *ret);

struct vm {
	char *name;
	uint32_t name_hash;
	char *type;
	char **tags;
	size_t n_tags;
	char *default_dispvm;
	char *template; /* a DispVM's disposable template, when known */
	bool template_for_dispvms;
	bool internal; /* Qubes' "internal" feature: a helper VM never offered to the user */
	bool running;
	bool is_admin;
};

struct policy_system_info {
	struct vm *vms; /* sorted by name */
	size_t n_vms;
	const struct vm *admin;
};

const struct vm *system_info_find(const struct policy_system_info *info, const char *name);
bool vm_has_tag(const struct vm *vm, const char *tag);
/* A VM that exists and may be used as a disposable template. */
const struct vm *system_info_dispvm_template(const struct policy_system_info *info,
					     const char *name);

/* A request's target after resolution against the system info. */
enum request_kind {
	REQUEST_VM,		 /* a known VM, by name (the admin VM included) */
	REQUEST_ADMIN_LITERAL,	 /* "@adminvm" */
	REQUEST_DEFAULT,	 /* "@default", empty, or an unknown name */
	REQUEST_DISPVM,		 /* "@dispvm" */
	REQUEST_DISPVM_TEMPLATE, /* "@dispvm:X", X a disposable template */
};

struct eval_ctx {
	const struct policy_system_info *info;
	const char *service;
	const char *argument; /* with its '+' */
	uint32_t argument_hash;
	const struct vm *source;
	enum request_kind kind;
	const struct vm *target; /* REQUEST_VM: the VM; REQUEST_DISPVM_TEMPLATE: the template */
};

/* Does r match the request (rule_matches_source: all but the target column)? The _indexed
 * variants skip the service, which the service index already matched. */
bool rule_matches_request(const struct rule *r, const struct eval_ctx *c);
bool rule_matches_source(const struct rule *r, const struct eval_ctx *c);
bool rule_matches_request_indexed(const struct rule *r, const struct eval_ctx *c);
bool rule_matches_source_indexed(const struct rule *r, const struct eval_ctx *c);
/* The disposable template a request for a new disposable names, or NULL. */
const struct vm *eval_dispvm_template(const struct eval_ctx *c);

/* policy_evaluate() without the service index: every rule in order. The benchmark's baseline,
 * and a cross-check that the index changes nothing. */
int policy_evaluate_linear(const struct policy *p, const struct policy_request *req,
			   const struct policy_system_info *info, struct policy_decision *ret);

int ask_collect(const struct policy *p, const struct rule *rule, const struct eval_ctx *c,
		struct policy_decision *d);

/* Decision helpers shared by evaluate.c and ask.c. */
int decision_set_rule(struct policy_decision *d, const struct rule *r);
int decision_deny(struct policy_decision *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int decision_set_reason(struct policy_decision *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
