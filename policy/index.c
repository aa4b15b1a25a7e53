/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The service index. A request reads only the rules of its service and the "*" rules. First
 * match must still mean first in file order, so the two lists are walked merged by rule number
 * rather than one after the other; "*" rules are not copied into every service's list, which
 * keeps the index linear in the number of rules whatever the mix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "policy-internal.h"
#include "strutil.h"

/* qsort() has no context argument: sort pairs that carry their service name. */
struct keyed {
	const char *service;
	uint32_t rule;
};

static int compare_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->service, y->service);

	if (c)
		return c;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

void service_index_finish(struct service_index *idx)
{
	for (size_t i = 0; i < idx->n_buckets; i++)
		free(idx->buckets[i].rules);
	free(idx->buckets);
	free(idx->wildcard);
	*idx = (struct service_index){};
}

/* Group the sorted keys [0, n) into buckets of equal service. */
static int fill_buckets(struct service_index *idx, const struct keyed *keys, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		struct service_bucket *b = &idx->buckets[idx->n_buckets];
		for (j = i; j < n && streq(keys[j].service, keys[i].service); j++)
			;
		b->rules = malloc((j - i) * sizeof(uint32_t));
		if (!b->rules)
			return -ENOMEM;
		b->service = keys[i].service;
		b->n_rules = j - i;
		for (size_t k = i; k < j; k++)
			b->rules[k - i] = keys[k].rule;
		idx->n_buckets++;
	}
	return 0;
}

int service_index_build(struct policy *p)
{
	struct service_index *idx = &p->index;
	_cleanup_free_ struct keyed *keys = calloc(p->n_rules + 1, sizeof(*keys));
	size_t n = 0;

	idx->wildcard = calloc(p->n_rules + 1, sizeof(uint32_t));
	idx->buckets = calloc(p->n_rules + 1, sizeof(*idx->buckets));
	if (!keys || !idx->wildcard || !idx->buckets)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->n_rules; i++) {
		if (streq(p->rules[i].service, "*"))
			idx->wildcard[idx->n_wildcard++] = i;
		else
			keys[n++] = (struct keyed){ p->rules[i].service, i };
	}
	qsort(keys, n, sizeof(*keys), compare_keyed);
	return fill_buckets(idx, keys, n);
}

static int compare_bucket(const void *key, const void *elem)
{
	return strcmp(key, ((const struct service_bucket *)elem)->service);
}

void rule_iter_init(struct rule_iter *it, const struct policy *p, const char *service, bool reverse)
{
	const struct service_index *idx = &p->index;
	const struct service_bucket *b = NULL;

	if (idx->n_buckets)
		b = bsearch(service, idx->buckets, idx->n_buckets, sizeof(*b), compare_bucket);
	*it = (struct rule_iter){
		.a = b ? b->rules : NULL,
		.na = b ? b->n_rules : 0,
		.b = idx->wildcard,
		.nb = idx->n_wildcard,
		.reverse = reverse,
	};
	if (reverse) {
		it->ia = it->na;
		it->ib = it->nb;
	}
}

/* Forward: the smaller of the two heads; backward: the larger of the two tails. */
bool rule_iter_next(struct rule_iter *it, uint32_t *ret)
{
	bool has_a, has_b, take_a;

	has_a = it->reverse ? it->ia > 0 : it->ia < it->na;
	has_b = it->reverse ? it->ib > 0 : it->ib < it->nb;
	if (!has_a && !has_b)
		return false;
	if (!it->reverse)
		take_a = has_a && (!has_b || it->a[it->ia] < it->b[it->ib]);
	else
		take_a = has_a && (!has_b || it->a[it->ia - 1] > it->b[it->ib - 1]);
	if (it->reverse)
		*ret = take_a ? it->a[--it->ia] : it->b[--it->ib];
	else
		*ret = take_a ? it->a[it->ia++] : it->b[it->ib++];
	return true;
}
