/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the firewall's rule parser (net/net-rules.c). Rules come from the user, and
 * net-filter reads them back from a file; both ends must agree, so a rule that parses must
 * print to a text that parses to the same rule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct net_rule *a, const struct net_rule *b)
{
	return a->action == b->action && strcmp(a->name, b->name) == 0 && a->addr == b->addr &&
	       a->prefix == b->prefix && a->port_lo == b->port_lo && a->port_hi == b->port_hi &&
	       a->proto == b->proto;
}

static void check_round_trip(const struct net_rule *r)
{
	char text[NET_RULE_TEXT_MAX + 1];
	struct net_rule again;

	if (net_rule_format(r, text, sizeof(text)) < 0 || net_rule_parse(text, &again) < 0 ||
	    !same(r, &again))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_ruleset rs;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (net_ruleset_parse(s, false, &rs, NULL) >= 0)
		for (size_t i = 0; i < rs.n; i++)
			check_round_trip(&rs.rule[i]);
	free(s);
	return 0;
}
