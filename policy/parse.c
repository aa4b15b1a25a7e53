/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The line parser (POLICY.md, "Line grammar"). Policy files are trusted input, but a mistake in
 * one must never widen what is allowed: every line either compiles to a rule that means exactly
 * what it says or becomes an error with file:line, and any error makes the whole policy deny.
 * One error per line: the first thing found wrong, in column order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"
#include "validate.h"

#define FIELDS_MAX 32
#define QUOTE_MAX 64
#define USER_MAX 32

/* Where the line being parsed is, for its errors. */
struct line_ctx {
	struct parse_ctx *ctx;
	const char *file;
	unsigned line;
	const char *text; /* the line without surrounding blanks */
};

/* A bounded, escaped copy of a value for an error message. */
#define QUOTE(s) str_escape((char[QUOTE_MAX]){ 0 }, QUOTE_MAX, (s), strlen(s))

#define line_error(l, ...) policy_add_error((l)->ctx->policy, (l)->file, (l)->line, __VA_ARGS__)

/* policy_add_error() returns 0 or -ENOMEM; a syntax error is -EINVAL unless memory ran out. */
static int fail(int r)
{
	return r < 0 ? r : -EINVAL;
}

static int check_token(const struct line_ctx *l, const char *what, const char *s, unsigned mask,
		       struct token *ret)
{
	const char *why = "";

	if (token_parse(s, ret, &why) < 0)
		return fail(line_error(l, "Invalid %s '%s': %s.", what, QUOTE(s), why));
	if (!(mask & TOKEN_MASK(ret->kind)))
		return fail(line_error(l, "'%s' is not valid as %s.", QUOTE(s), what));
	return 0;
}

static int check_service(const struct line_ctx *l, const char *service, const char *argument)
{
	if (!streq(service, "*") && !service_name_is_valid(service))
		return fail(line_error(l,
				       "Invalid service name '%s': use letters, digits, '.', '_' "
				       "and '-', or '*'.",
				       QUOTE(service)));
	if (!streq(argument, "*") &&
	    (argument[0] != '+' || !service_argument_is_valid(argument + 1)))
		return fail(line_error(l,
				       "Invalid argument '%s': it must be '*' or '+' followed "
				       "by letters, digits, '.', '_', '+' and '-'.",
				       QUOTE(argument)));
	if (streq(service, "*") && !streq(argument, "*"))
		return fail(line_error(l, "Service '*' needs argument '*'."));
	return 0;
}

static int parse_action(const struct line_ctx *l, const char *s, enum policy_action *ret)
{
	if (streq(s, "allow"))
		*ret = POLICY_ALLOW;
	else if (streq(s, "deny"))
		*ret = POLICY_DENY;
	else if (streq(s, "ask"))
		*ret = POLICY_ASK;
	else
		return fail(line_error(l, "Invalid action '%s': expected allow, deny or ask.",
				       QUOTE(s)));
	return 0;
}

static int parse_yes_no(const struct line_ctx *l, const char *key, const char *value, int *ret)
{
	if (*ret >= 0)
		return fail(line_error(l, "Parameter '%s' is given twice.", key));
	if (streq(value, "yes"))
		*ret = 1;
	else if (streq(value, "no"))
		*ret = 0;
	else
		return fail(line_error(l, "Invalid value '%s' for %s=: expected yes or no.",
				       QUOTE(value), key));
	return 0;
}

static bool user_is_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
	return n > 0 && n <= USER_MAX && s[n] == '\0';
}

/* target=, default_target= and user=: a string value with its own check. */
static int parse_string_param(const struct line_ctx *l, const char *key, const char *value,
			      char **slot, struct token *token)
{
	if (*slot)
		return fail(line_error(l, "Parameter '%s' is given twice.", key));
	*slot = strdup(value);
	if (!*slot)
		return -ENOMEM;
	if (token) {
		/* Parse the rule's own copy, so the token points into memory the rule keeps. */
		_cleanup_free_ char *what = str_new_printf("%s=", key);
		return what ? check_token(l, what, *slot, TOKENS_PARAM, token) : -ENOMEM;
	}
	if (!user_is_valid(value))
		return fail(line_error(l, "Invalid user name '%s'.", QUOTE(value)));
	return 0;
}

static bool param_allowed(const char *key, enum policy_action action)
{
	if (streq(key, "notify"))
		return true;
	if (action == POLICY_DENY)
		return false;
	if (streq(key, "default_target"))
		return action == POLICY_ASK;
	return streq(key, "target") || streq(key, "user") || streq(key, "autostart");
}

static bool param_known(const char *key)
{
	return streq(key, "notify") || streq(key, "default_target") || streq(key, "target") ||
	       streq(key, "user") || streq(key, "autostart");
}

/* The key of "key=value" into buf; false if it does not fit (no key is that long). */
static bool param_key(const char *kv, const char *eq, char buf[static 32])
{
	size_t n = (size_t)(eq - kv);

	if (n >= 32)
		return false;
	memcpy(buf, kv, n);
	buf[n] = '\0';
	return true;
}

static int parse_param(const struct line_ctx *l, struct rule *r, const char *kv)
{
	const char *eq = strchr(kv, '='), *value;
	char key[32];

	if (!eq || eq == kv)
		return fail(
			line_error(l, "Invalid parameter '%s': expected key=value.", QUOTE(kv)));
	value = eq + 1;
	if (!param_key(kv, eq, key) || !param_known(key))
		return fail(line_error(l, "Unknown parameter '%s'.", QUOTE(kv)));
	if (!param_allowed(key, r->action))
		return fail(line_error(l, "Parameter '%s' is not valid for %s.", key,
				       policy_action_to_string(r->action)));
	if (!*value)
		return fail(line_error(l, "Empty value for parameter '%s'.", key));
	if (streq(key, "notify"))
		return parse_yes_no(l, key, value, &r->notify);
	if (streq(key, "autostart"))
		return parse_yes_no(l, key, value, &r->autostart);
	if (streq(key, "user"))
		return parse_string_param(l, key, value, &r->user, NULL);
	if (streq(key, "target"))
		return parse_string_param(l, key, value, &r->target_param_text, &r->target_param);
	return parse_string_param(l, key, value, &r->default_target_text, &r->default_target);
}

/* The parameters as normalised text for display: "k=v k=v" in the order written. */
static int join_params(struct rule *r, char *const *params, size_t n)
{
	size_t len = 1;
	char *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(params[i]) + 1;
	p = r->params = malloc(len);
	if (!p)
		return -ENOMEM;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p = stpcpy(stpcpy(p, i ? " " : ""), params[i]);
	return 0;
}

/* What one rule line says, whichever syntax it was written in. */
struct rule_spec {
	const char *service, *argument, *source, *target, *action;
	char **params;
	size_t n_params;
};

static int rule_columns(const struct line_ctx *l, struct rule *r, const struct rule_spec *s)
{
	int k = check_service(l, s->service, s->argument);

	if (k < 0)
		return k;
	r->service = strdup(s->service);
	r->argument = strdup(s->argument);
	r->source_text = strdup(s->source);
	r->target_text = strdup(s->target);
	r->text = strdup(l->text);
	if (!r->service || !r->argument || !r->source_text || !r->target_text || !r->text)
		return -ENOMEM;
	r->any_service = streq(r->service, "*");
	r->any_argument = streq(r->argument, "*");
	r->argument_hash = name_hash(r->argument);
	if ((k = check_token(l, "source", r->source_text, TOKENS_SOURCE, &r->source)) < 0 ||
	    (k = check_token(l, "target", r->target_text, TOKENS_TARGET, &r->target)) < 0)
		return k;
	return parse_action(l, s->action, &r->action);
}

static int rule_compile(const struct line_ctx *l, const struct rule_spec *s)
{
	struct rule r = { .file = l->file, .line = l->line, .notify = -1, .autostart = -1 };
	struct rule *slot;
	int k = rule_columns(l, &r, s);

	for (size_t i = 0; k >= 0 && i < s->n_params; i++)
		k = parse_param(l, &r, s->params[i]);
	if (k >= 0 && r.action == POLICY_ALLOW && r.target.kind == TOKEN_DEFAULT &&
	    !r.target_param_text)
		k = fail(line_error(l, "An allow rule with target @default needs target=."));
	if (k >= 0)
		k = join_params(&r, s->params, s->n_params);
	if (k >= 0 && !(slot = policy_add_rule(l->ctx->policy)))
		k = -ENOMEM;
	if (k < 0) {
		rule_finish(&r);
		return k;
	}
	*slot = r;
	return 0;
}

/* Split buf in place on runs of spaces and tabs. Returns the count, or -E2BIG. */
static int split_fields(char *buf, char *fields[static FIELDS_MAX])
{
	int n = 0;

	for (char *s = buf; *s;) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		if (n == FIELDS_MAX)
			return -E2BIG;
		fields[n++] = s;
		s += strcspn(s, " \t");
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static int parse_new_rule(const struct line_ctx *l, char **f, int n)
{
	if (n < 5)
		return fail(line_error(l,
				       "A rule needs service, argument, source, target and action "
				       "(found %d field%s).",
				       n, n == 1 ? "" : "s"));
	struct rule_spec s = { f[0], f[1], f[2], f[3], f[4], f + 5, (size_t)(n - 5) };
	return rule_compile(l, &s);
}

/* "SOURCE TARGET ACTION[,key=value...]": Qubes 4.0's per-service syntax. */
static int parse_old_rule(const struct line_ctx *l, const struct old_syntax *old, char **f, int n)
{
	char *params[FIELDS_MAX];
	size_t n_params = 0;
	char *comma;

	if (n != 3)
		return fail(line_error(l,
				       "A rule in an !include-service file is SOURCE TARGET "
				       "ACTION[,key=value...] (found %d field%s).",
				       n, n == 1 ? "" : "s"));
	for (char *s = f[2]; (comma = strchr(s, ',')); s = comma + 1) {
		*comma = '\0';
		if (n_params == FIELDS_MAX)
			return fail(line_error(l, "Too many parameters."));
		params[n_params++] = comma + 1;
	}
	struct rule_spec s = { old->service, old->argument, f[0], f[1], f[2], params, n_params };
	return rule_compile(l, &s);
}

/* An include path: absolute, or relative to the policy directory. */
static int include_path(const struct line_ctx *l, const char *path, char **ret)
{
	if (path[0] == '/')
		*ret = strdup(path);
	else if (l->ctx->policy_dir)
		*ret = str_new_printf("%s/%s", l->ctx->policy_dir, path);
	else
		return fail(line_error(l, "Relative include path '%s' needs a policy directory.",
				       QUOTE(path)));
	return *ret ? 0 : -ENOMEM;
}

static int parse_include_service(const struct line_ctx *l, char **f)
{
	_cleanup_free_ char *path = NULL;
	struct old_syntax old = { f[1], f[2] };
	int r = check_service(l, f[1], f[2]);

	if (r < 0 || (r = include_path(l, f[3], &path)) < 0)
		return r;
	return include_file(l->ctx, l->file, l->line, path, &old);
}

static int parse_directive(const struct line_ctx *l, const struct old_syntax *old, char **f, int n)
{
	_cleanup_free_ char *path = NULL;
	int want = streq(f[0], "!include-service") ? 4 : 2, r;

	if (old)
		return fail(
			line_error(l, "Directives are not allowed in an !include-service file."));
	if (!streq(f[0], "!include") && !streq(f[0], "!include-dir") &&
	    !streq(f[0], "!include-service"))
		return fail(line_error(l, "Unknown directive '%s'.", QUOTE(f[0])));
	if (n != want)
		return fail(line_error(l, "%s takes %s.", f[0],
				       want == 4 ? "SERVICE ARGUMENT PATH" : "one path"));
	if (want == 4)
		return parse_include_service(l, f);
	if ((r = include_path(l, f[1], &path)) < 0)
		return r;
	if (streq(f[0], "!include"))
		return include_file(l->ctx, l->file, l->line, path, NULL);
	return include_dir(l->ctx, l->file, l->line, path);
}

/* buf is the line without surrounding blanks, and not a comment. */
static int parse_statement(const struct line_ctx *l, const struct old_syntax *old, char *buf)
{
	char *f[FIELDS_MAX];
	int n = split_fields(buf, f);

	if (n < 0)
		return fail(line_error(l, "Too many fields (more than %d).", FIELDS_MAX));
	if (n == 0)
		return 0; /* not reached: the caller passes a non-blank line */
	if (f[0][0] == '!')
		return parse_directive(l, old, f, n);
	if (old)
		return parse_old_rule(l, old, f, n);
	return parse_new_rule(l, f, n);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int parse_line(struct line_ctx *l, const struct old_syntax *old, const char *s, size_t len)
{
	_cleanup_free_ char *text = NULL, *buf = NULL;

	if (len > POLICY_LINE_MAX)
		return fail(line_error(l, "The line is longer than %d bytes.", POLICY_LINE_MAX));
	if (memchr(s, '\0', len))
		return fail(line_error(l, "The line contains a NUL byte."));
	/* A trailing CR (a file saved with DOS line ends) is trimmed like a blank. */
	while (len > 0 && (is_blank(s[len - 1]) || s[len - 1] == '\r'))
		len--;
	while (len > 0 && is_blank(*s))
		s++, len--;
	if (len == 0 || s[0] == '#')
		return 0;
	text = str_from_mem(s, len);
	buf = str_from_mem(s, len);
	if (!text || !buf)
		return -ENOMEM;
	l->text = text;
	return parse_statement(l, old, buf);
}

int parse_text(struct parse_ctx *ctx, const char *file, const char *text, size_t len,
	       const struct old_syntax *old)
{
	struct line_ctx l = { .ctx = ctx, .file = file };
	size_t pos = 0;

	if (len > POLICY_FILE_MAX)
		return policy_add_error(ctx->policy, file, 0, "The file is larger than %d bytes.",
					POLICY_FILE_MAX);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		int r;

		l.line++;
		r = parse_line(&l, old, text + pos, end - pos);
		if (r == -ENOMEM)
			return r;
		pos = end + 1;
	}
	return 0;
}
