/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tokens of the source and target columns (POLICY.md, "Tokens"), classified once at load. */
#include <errno.h>
#include <string.h>

#include "policy-internal.h"
#include "strutil.h"
#include "validate.h"

#define TAG_MAX 63

/* Tags name groups of VMs; the same alphabet as VM names, any first character. */
bool tag_is_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];
		if (n >= TAG_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return n > 0;
}

/* The VM classes of POLICY.md; anything else is surely a typo, so it is an error. */
static bool type_is_valid(const char *s)
{
	static const char *const types[] = { "AppVM", "TemplateVM", "StandaloneVM", "DispVM",
					     "AdminVM" };

	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		if (streq(s, types[i]))
			return true;
	return false;
}

static int token_set(struct token *t, enum token_kind kind, const char *text, const char *value)
{
	t->kind = kind;
	t->text = text;
	t->value = value;
	t->hash = name_hash(value);
	return 0;
}

/* "@dispvm:" followed by a template name or "@tag:T". */
static int parse_dispvm(const char *s, const char *value, struct token *ret, const char **why)
{
	const char *tag = str_startswith(value, "@tag:");

	if (!*value)
		return *why = "empty value after '@dispvm:'", -EINVAL;
	if (tag) {
		if (!*tag)
			return *why = "empty value after '@dispvm:@tag:'", -EINVAL;
		if (!tag_is_valid(tag))
			return *why = "invalid tag after '@dispvm:@tag:'", -EINVAL;
		return token_set(ret, TOKEN_DISPVM_TAG, s, tag);
	}
	if (!vm_name_is_valid(value))
		return *why = "invalid disposable template name after '@dispvm:'", -EINVAL;
	return token_set(ret, TOKEN_DISPVM_TEMPLATE, s, value);
}

/* "@word" or "@prefix:value". */
static int parse_keyword(const char *s, struct token *ret, const char **why)
{
	const char *v;

	if (streq(s, "@adminvm"))
		return token_set(ret, TOKEN_ADMINVM, s, s);
	if (streq(s, "@anyvm"))
		return token_set(ret, TOKEN_ANYVM, s, s);
	if (streq(s, "@default"))
		return token_set(ret, TOKEN_DEFAULT, s, s);
	if (streq(s, "@dispvm"))
		return token_set(ret, TOKEN_DISPVM, s, s);
	if ((v = str_startswith(s, "@dispvm:")))
		return parse_dispvm(s, v, ret, why);
	if ((v = str_startswith(s, "@tag:"))) {
		if (!*v)
			return *why = "empty value after '@tag:'", -EINVAL;
		if (!tag_is_valid(v))
			return *why = "invalid tag after '@tag:'", -EINVAL;
		return token_set(ret, TOKEN_TAG, s, v);
	}
	if ((v = str_startswith(s, "@type:"))) {
		if (!*v)
			return *why = "empty value after '@type:'", -EINVAL;
		if (!type_is_valid(v))
			return *why = "unknown VM type (expected AppVM, TemplateVM, StandaloneVM, "
				      "DispVM or AdminVM)",
			       -EINVAL;
		return token_set(ret, TOKEN_TYPE, s, v);
	}
	return *why = "unknown keyword", -EINVAL;
}

int token_parse(const char *s, struct token *ret, const char **ret_why)
{
	const char *why = NULL;
	int r;

	if (streq(s, "*"))
		return token_set(ret, TOKEN_ANY, s, s);
	if (s[0] == '@')
		r = parse_keyword(s, ret, &why);
	else if (vm_name_is_valid(s))
		r = token_set(ret, TOKEN_NAME, s, s);
	else
		why = "not a valid VM name", r = -EINVAL;
	if (r < 0 && ret_why)
		*ret_why = why;
	return r;
}
