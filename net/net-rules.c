/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firewall's rule language (net.h). Rules come from the user (vmctl, the settings app),
 * never from a VM; net-filter reads them back from the compiled file bulkheadd writes. The
 * parser is still bounded and fuzzed: it is the one place both processes agree on meaning.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "net.h"
#include "strutil.h"

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = { { "tcp", NET_PROTO_TCP }, { "udp", NET_PROTO_UDP }, { "icmp", NET_PROTO_ICMP } };

static int parse_proto(const char *s, uint8_t *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(protos); i++)
		if (streq(s, protos[i].name)) {
			*ret = protos[i].proto;
			return 0;
		}
	return -EINVAL;
}

static const char *proto_name(uint8_t proto)
{
	for (size_t i = 0; i < ELEMENTSOF(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

/* A decimal number in [min, max], digits only. */
static int parse_num(const char *s, unsigned long min, unsigned long max, unsigned long *ret)
{
	char *end;

	if (!s[0] || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
		return -EINVAL;
	*ret = strtoul(s, &end, 10);
	return *ret >= min && *ret <= max ? 0 : -EINVAL;
}

static int parse_ports(char *s, struct net_rule *r)
{
	char *dash = strchr(s, '-');
	unsigned long lo, hi;

	if (dash)
		*dash = '\0';
	if (parse_num(s, 1, 65535, &lo) < 0 || parse_num(dash ? dash + 1 : s, lo, 65535, &hi) < 0)
		return -EINVAL;
	r->port_lo = (uint16_t)lo;
	r->port_hi = (uint16_t)hi;
	return 0;
}

/* Letters, digits and '-' in dot-separated labels of 1-63; one letter at least, so that a
 * mistyped address ("10.0.2") is an error, not a name to look up. */
static bool name_is_valid(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (n == 0 || n > NET_HOST_MAX || strspn(s, "0123456789.") == n)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if ((label == 0 && s[i] == '-') || !strchr("abcdefghijklmnopqrstuvwxyz"
								  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
								  "0123456789-",
								  s[i])) {
			return false;
		} else {
			label++;
		}
	}
	return true;
}

/* HOST[/PREFIX]: '*', an IPv4 network (no host bits set beyond the prefix), or a DNS name. */
static int parse_host(char *s, struct net_rule *r)
{
	char *slash = strchr(s, '/');
	unsigned long prefix = 32;
	struct in_addr a;

	if (slash)
		*slash = '\0';
	if (slash && parse_num(slash + 1, 0, 32, &prefix) < 0)
		return -EINVAL;
	if (streq(s, "*"))
		return slash ? -EINVAL : 0;
	if (inet_pton(AF_INET, s, &a) == 1) {
		uint32_t mask = prefix ? UINT32_MAX << (32 - prefix) : 0;

		r->addr = ntohl(a.s_addr);
		r->prefix = (uint8_t)prefix;
		/* "10.0.0.1/8" is a typo more often than a wish: host bits must be zero. */
		return r->addr & ~mask ? -EINVAL : 0;
	}
	if (slash || !name_is_valid(s))
		return -EINVAL;
	return str_copy(r->name, sizeof(r->name), s);
}

/* HOST[/PREFIX]:PORTS[/PROTO] or HOST[/PREFIX][/PROTO]. Ports need tcp, udp or no protocol. */
static int parse_target(char *s, struct net_rule *r)
{
	char *colon = strchr(s, ':'), *slash = strrchr(colon ? colon : s, '/');

	if (slash && (colon || parse_proto(slash + 1, &r->proto) >= 0)) {
		*slash = '\0';
		if (parse_proto(slash + 1, &r->proto) < 0)
			return -EINVAL;
	}
	if (colon) {
		*colon = '\0';
		if (r->proto == NET_PROTO_ICMP || parse_ports(colon + 1, r) < 0)
			return -EINVAL;
	}
	return parse_host(s, r);
}

int net_rule_parse(const char *text, struct net_rule *ret)
{
	char buf[NET_RULE_TEXT_MAX + 1], *save = NULL, *action, *target;
	struct net_rule r = { 0 };

	if (str_copy(buf, sizeof(buf), text) < 0)
		return -EINVAL;
	action = strtok_r(buf, " \t", &save);
	target = action ? strtok_r(NULL, " \t", &save) : NULL;
	if (!target || strtok_r(NULL, " \t", &save))
		return -EINVAL;
	if (streq(action, "allow"))
		r.action = NET_ALLOW;
	else if (streq(action, "deny"))
		r.action = NET_DENY;
	else
		return -EINVAL;
	if (parse_target(target, &r) < 0)
		return -EINVAL;
	*ret = r;
	return 0;
}

static int format_host(const struct net_rule *r, char *buf, size_t size)
{
	struct in_addr a = { .s_addr = htonl(r->addr) };
	char ip[INET_ADDRSTRLEN];

	if (r->name[0])
		return str_copy(buf, size, r->name);
	if (r->prefix == 0)
		return str_copy(buf, size, "*");
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	if (r->prefix == 32)
		return str_copy(buf, size, ip);
	return str_printf(buf, size, "%s/%u", ip, r->prefix);
}

int net_rule_format(const struct net_rule *r, char *buf, size_t size)
{
	char host[NET_HOST_MAX + 8], ports[16] = "";
	const char *proto = proto_name(r->proto);

	if (format_host(r, host, sizeof(host)) < 0)
		return -ENAMETOOLONG;
	if (r->port_lo && r->port_lo == r->port_hi)
		snprintf(ports, sizeof(ports), ":%u", r->port_lo);
	else if (r->port_lo)
		snprintf(ports, sizeof(ports), ":%u-%u", r->port_lo, r->port_hi);
	return str_printf(buf, size, "%s %s%s%s%s", r->action == NET_ALLOW ? "allow" : "deny", host,
			  ports, proto ? "/" : "", proto ? proto : "");
}

bool net_rule_matches(const struct net_rule *r, const struct net_packet *p)
{
	uint32_t mask = r->prefix ? UINT32_MAX << (32 - r->prefix) : 0;

	if (r->name[0]) /* unresolved: matches nothing */
		return false;
	if ((p->daddr & mask) != (r->addr & mask))
		return false;
	if (r->proto != NET_PROTO_ANY && r->proto != p->proto)
		return false;
	if (!r->port_lo)
		return true;
	return (p->proto == NET_PROTO_TCP || p->proto == NET_PROTO_UDP) && p->dport >= r->port_lo &&
	       p->dport <= r->port_hi;
}

enum net_action net_ruleset_decide(const struct net_ruleset *rs, const struct net_packet *p)
{
	for (size_t i = 0; i < rs->n; i++)
		if (net_rule_matches(&rs->rule[i], p))
			return rs->rule[i].action;
	return NET_DENY;
}

static int parse_line(char *line, bool numeric_only, struct net_ruleset *rs)
{
	char *hash = strchr(line, '#');

	if (hash)
		*hash = '\0';
	if (strspn(line, " \t\r") == strlen(line))
		return 0;
	if (rs->n >= NET_RULES_MAX)
		return -E2BIG;
	if (net_rule_parse(line, &rs->rule[rs->n]) < 0)
		return -EINVAL;
	if (numeric_only && rs->rule[rs->n].name[0])
		return -EINVAL;
	rs->n++;
	return 0;
}

int net_ruleset_parse(const char *text, bool numeric_only, struct net_ruleset *ret,
		      size_t *bad_line)
{
	_cleanup_free_ char *copy = strdup(text);
	char *line;
	size_t lineno = 0;

	if (!copy)
		return -ENOMEM;
	ret->n = 0;
	/* strsep, not strtok: empty lines must still count for the line number. */
	for (char *p = copy; (line = strsep(&p, "\n"));) {
		int r = parse_line(line, numeric_only, ret);
		lineno++;
		if (r < 0) {
			if (bad_line)
				*bad_line = lineno;
			return r;
		}
	}
	return 0;
}

static int add_rule(struct net_ruleset *out, const struct net_rule *r)
{
	if (out->n >= NET_RULES_MAX)
		return -E2BIG;
	out->rule[out->n++] = *r;
	return 0;
}

#define ADDRS_PER_NAME 16

static int system_resolve(const char *name, uint32_t *addrs, size_t max, size_t *n)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;

	*n = 0;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -EHOSTUNREACH;
	for (struct addrinfo *ai = res; ai && *n < max; ai = ai->ai_next)
		addrs[(*n)++] = ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

/* Every IPv4 address of a name, each as a /32 copy of the rule; *added 0 when it has none. */
static int resolve_one(const struct net_rule *r, net_resolver resolve, struct net_ruleset *out,
		       size_t *added)
{
	uint32_t addrs[ADDRS_PER_NAME];
	int ret = 0;

	if (resolve(r->name, addrs, ELEMENTSOF(addrs), added) < 0)
		*added = 0;
	for (size_t i = 0; i < *added && ret >= 0; i++) {
		struct net_rule copy = *r;
		copy.name[0] = '\0';
		copy.addr = addrs[i];
		copy.prefix = 32;
		ret = add_rule(out, &copy);
	}
	return ret;
}

int net_ruleset_resolve(const struct net_ruleset *in, struct net_ruleset *out, net_resolver resolve)
{
	static const struct net_rule deny_all = { .action = NET_DENY };
	size_t added;
	int r = 0;

	out->n = 0;
	for (size_t i = 0; i < in->n && r >= 0; i++) {
		if (!in->rule[i].name[0]) {
			r = add_rule(out, &in->rule[i]);
			continue;
		}
		r = resolve_one(&in->rule[i], resolve ? resolve : system_resolve, out, &added);
		if (r >= 0 && added == 0 && in->rule[i].action == NET_DENY) {
			out->n = 0;
			add_rule(out, &deny_all);
			return -EHOSTUNREACH;
		}
	}
	return r;
}

int net_ruleset_format(const struct net_ruleset *rs, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	_cleanup_(fclosep) FILE *f = open_memstream(&buf, &len);
	char line[NET_RULE_TEXT_MAX + 1];

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < rs->n; i++)
		if (net_rule_format(&rs->rule[i], line, sizeof(line)) >= 0)
			fprintf(f, "%s\n", line);
	if (fclose(TAKE_PTR(f)) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(buf);
	return 0;
}
