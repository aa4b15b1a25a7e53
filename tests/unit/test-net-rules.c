/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firewall's rule language (net/net-rules.c) and the guest frame parser (net-frame.c):
 * what parses, what it means, what a packet meets, and the frames that must not pass.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net.h"
#include "strutil.h"
#include "tap.h"

static const struct {
	const char *text, *canonical; /* canonical NULL: the text must be refused */
} parse_cases[] = {
	{ "allow *", "allow *" },
	{ "deny 10.0.2.2", "deny 10.0.2.2" },
	{ "deny 10.0.0.0/8", "deny 10.0.0.0/8" },
	{ "allow 10.0.2.2:8080", "allow 10.0.2.2:8080" },
	{ "allow 10.0.2.2:8080/tcp", "allow 10.0.2.2:8080/tcp" },
	{ "allow  192.168.0.0/16:1000-2000/udp", "allow 192.168.0.0/16:1000-2000/udp" },
	{ "deny */icmp", "deny */icmp" },
	{ "deny 10.0.0.0/8/tcp", "deny 10.0.0.0/8/tcp" },
	{ "allow *:53/udp", "allow *:53/udp" },
	{ "allow example.com:443/tcp", "allow example.com:443/tcp" },
	{ "deny localhost", "deny localhost" },
	{ "allow 0.0.0.0/0", "allow *" },
	{ "allow 10.0.0.1/8", NULL }, /* host bits set */
	{ "allow 10.0.2", NULL },     /* neither an address nor a name */
	{ "allow 10.0.2.2:0", NULL }, /* port 0 */
	{ "allow 10.0.2.2:70000", NULL },
	{ "allow 10.0.2.2:90-80", NULL }, /* empty range */
	{ "allow 10.0.2.2:80/icmp", NULL },
	{ "allow 10.0.2.2/33", NULL },
	{ "allow */8", NULL },
	{ "allow example.com/24", NULL },
	{ "allow -bad.example", NULL },
	{ "allow exa_mple.com", NULL },
	{ "accept 10.0.2.2", NULL },
	{ "allow", NULL },
	{ "allow 10.0.2.2 extra", NULL },
	{ "allow 10.0.2.2:80/sctp", NULL },
	{ "", NULL },
};

static void test_parse(void)
{
	for (size_t i = 0; i < ELEMENTSOF(parse_cases); i++) {
		struct net_rule r;
		char buf[NET_RULE_TEXT_MAX + 1] = "";
		int ret = net_rule_parse(parse_cases[i].text, &r);

		if (!parse_cases[i].canonical) {
			is_int(ret, -EINVAL, "'%s' is refused", parse_cases[i].text);
			continue;
		}
		if (ret >= 0)
			net_rule_format(&r, buf, sizeof(buf));
		is_str(buf, parse_cases[i].canonical, "'%s' reads as '%s'", parse_cases[i].text,
		       parse_cases[i].canonical);
	}
}

static struct net_packet pkt(const char *ip, uint8_t proto, uint16_t port)
{
	struct in_addr a;

	if (inet_pton(AF_INET, ip, &a) != 1)
		tap_bail_out("bad test address");
	return (struct net_packet){ .daddr = ntohl(a.s_addr), .proto = proto, .dport = port };
}

static struct net_ruleset *ruleset(const char *text)
{
	static struct net_ruleset rs;

	if (net_ruleset_parse(text, false, &rs, NULL) < 0)
		tap_bail_out("bad test rules");
	return &rs;
}

static bool allows(const struct net_ruleset *rs, const char *ip, uint8_t proto, uint16_t port)
{
	struct net_packet p = pkt(ip, proto, port);

	return net_ruleset_decide(rs, &p) == NET_ALLOW;
}

/* Qubes' semantics: the first rule that matches decides; no match denies. */
static void test_match(void)
{
	struct net_ruleset *rs = ruleset("deny 10.0.2.2:8080/tcp\n"
					 "# a comment, and a blank line\n"
					 "\n"
					 "allow 10.0.2.0/24\n"
					 "allow *:53/udp\n"
					 "deny */icmp\n"
					 "allow 192.168.1.1:1000-2000\n");

	is_int((int)rs->n, 5, "comments and blank lines are not rules");
	ok(!allows(rs, "10.0.2.2", NET_PROTO_TCP, 8080), "the first matching rule decides: deny");
	ok(allows(rs, "10.0.2.2", NET_PROTO_UDP, 8080), "  the protocol is part of the match");
	ok(allows(rs, "10.0.2.2", NET_PROTO_TCP, 8081), "  another port falls to the next rule");
	ok(allows(rs, "10.0.2.254", NET_PROTO_ICMP, 0), "a prefix covers its network");
	ok(!allows(rs, "10.0.3.1", NET_PROTO_ICMP, 0), "  and nothing beyond it");
	ok(allows(rs, "8.8.8.8", NET_PROTO_UDP, 53), "*:53/udp allows DNS anywhere");
	ok(!allows(rs, "8.8.8.8", NET_PROTO_TCP, 53), "  but not TCP to port 53");
	ok(allows(rs, "192.168.1.1", NET_PROTO_TCP, 1000), "a port range includes its start");
	ok(allows(rs, "192.168.1.1", NET_PROTO_UDP, 2000), "  and its end, for TCP and UDP");
	ok(!allows(rs, "192.168.1.1", NET_PROTO_TCP, 2001), "  and nothing past it");
	ok(!allows(rs, "192.168.1.1", NET_PROTO_ICMP, 0), "a port rule never matches ICMP");
	ok(!allows(rs, "1.2.3.4", NET_PROTO_TCP, 80), "no rule matches: denied");
	ok(!allows(ruleset(""), "10.0.2.2", NET_PROTO_TCP, 80), "an empty list denies everything");
	ok(allows(ruleset("allow *"), "1.2.3.4", NET_PROTO_ICMP, 0), "allow * allows everything");
}

static void test_ruleset_errors(void)
{
	struct net_ruleset rs;
	size_t line = 0;

	is_int(net_ruleset_parse("allow *\n\nallow 10.0.2\n", false, &rs, &line), -EINVAL,
	       "a bad rule fails the whole list");
	is_int((int)line, 3, "  naming its line");
	is_int(net_ruleset_parse("allow localhost\n", true, &rs, &line), -EINVAL,
	       "a compiled list holds no names");
}

/* A resolver that knows one name, so the unresolvable case needs no DNS query. */
static int table_resolve(const char *name, uint32_t *addrs, size_t max, size_t *n)
{
	*n = 0;
	if (!streq(name, "two.example"))
		return -EHOSTUNREACH;
	addrs[(*n)++] = 0x0a000001;
	addrs[(*n)++] = 0x0a000002;
	return 0;
}

static void test_resolve(void)
{
	static struct net_ruleset out;
	struct net_packet lo = pkt("127.0.0.1", NET_PROTO_TCP, 80);
	struct net_packet two = pkt("10.0.0.2", NET_PROTO_TCP, 443);

	is_int(net_ruleset_resolve(ruleset("deny localhost:80\nallow *\n"), &out, NULL), 0,
	       "localhost resolves with the system's resolver (from /etc/hosts)");
	ok(out.n >= 2 && net_ruleset_decide(&out, &lo) == NET_DENY,
	   "  and its rule now matches 127.0.0.1");
	is_int(net_ruleset_resolve(ruleset("deny two.example:443\nallow *\n"), &out, table_resolve),
	       0, "a name with two addresses...");
	ok(out.n == 3 && net_ruleset_decide(&out, &two) == NET_DENY,
	   "  ...becomes one rule per address, in the name's place");
	is_int(net_ruleset_resolve(ruleset("allow gone.example\nallow 10.0.2.2\n"), &out,
				   table_resolve),
	       0, "an allow rule whose name does not resolve is dropped");
	is_int((int)out.n, 1, "  leaving the others");
	is_int(net_ruleset_resolve(ruleset("deny gone.example\nallow *\n"), &out, table_resolve),
	       -EHOSTUNREACH, "a deny rule whose name does not resolve...");
	ok(out.n == 1 && out.rule[0].action == NET_DENY && out.rule[0].prefix == 0,
	   "  ...denies everything rather than let through what it was meant to stop");
}

/* An Ethernet frame: IPv4 to 10.0.2.2 carrying proto, with a transport header of l4_len. */
static size_t ipv4_frame(uint8_t *f, uint8_t proto, size_t l4_len)
{
	size_t total = 20 + l4_len;

	memset(f, 0, 14 + total);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(total >> 8);
	f[17] = (uint8_t)total;
	f[14 + 6] = 0x40; /* DF */
	f[14 + 9] = proto;
	memcpy(f + 14 + 16, (uint8_t[]){ 10, 0, 2, 2 }, 4);
	f[34 + 2] = 0x1f; /* destination port 8080 */
	f[34 + 3] = 0x90;
	if (proto == NET_PROTO_TCP)
		f[34 + 12] = 5 << 4;
	return 14 + total;
}

static void test_frames(void)
{
	uint8_t f[128];
	struct net_packet p = { 0 };
	size_t n;

	n = ipv4_frame(f, NET_PROTO_TCP, 20);
	is_int(net_frame_parse(f, n, &p), NET_FRAME_IPV4, "a TCP segment parses");
	ok(p.daddr == 0x0a000202 && p.dport == 8080 && p.proto == NET_PROTO_TCP,
	   "  to 10.0.2.2:8080/tcp");
	is_int(net_frame_parse(f, n - 1, &p), -EBADMSG, "  cut short, it is dropped");
	f[14] = 0x44;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "an IPv4 header shorter than 20 bytes");
	f[14] = 0x45;
	f[34 + 12] = 4 << 4;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "a TCP data offset under 5 words");
	f[34 + 12] = 15 << 4;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "a TCP header longer than the packet");
	n = ipv4_frame(f, NET_PROTO_TCP, 20);
	f[14 + 16] = 127;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "a packet to 127.0.0.1 never passes");
	f[14 + 16] = 255;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "  nor to a broadcast address");
	f[14 + 16] = 224;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "  nor to multicast");
	f[14 + 16] = 0;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "  nor to 0.0.0.0/8");
	n = ipv4_frame(f, NET_PROTO_UDP, 8);
	is_int(net_frame_parse(f, n, &p), NET_FRAME_IPV4, "a UDP datagram parses");
	f[14 + 6] = 0x20; /* MF */
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "a first fragment is dropped");
	f[14 + 6] = 0x00;
	f[14 + 7] = 0x10;
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "a later fragment is dropped");
	n = ipv4_frame(f, NET_PROTO_UDP, 4);
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "a UDP header cut short");
	n = ipv4_frame(f, NET_PROTO_ICMP, 8);
	is_int(net_frame_parse(f, n, &p), NET_FRAME_IPV4, "an ICMP message parses");
	n = ipv4_frame(f, 47, 8);
	is_int(net_frame_parse(f, n, &p), -EBADMSG, "another IP protocol (GRE) is dropped");
	f[12] = 0x86;
	f[13] = 0xdd;
	is_int(net_frame_parse(f, n, &p), NET_FRAME_OTHER, "IPv6 is not passed");
	is_int(net_frame_parse(f, 13, &p), -EBADMSG, "a frame shorter than an Ethernet header");
}

static void test_arp(void)
{
	uint8_t f[42] = { [12] = 0x08, [13] = 0x06, [15] = 1, [16] = 0x08, [18] = 6, [19] = 4 };
	struct net_packet p;

	is_int(net_frame_parse(f, sizeof(f), &p), NET_FRAME_ARP, "an IPv4 ARP message parses");
	is_int(net_frame_parse(f, sizeof(f) - 1, &p), -EBADMSG, "  cut short, it is dropped");
	f[19] = 16;
	is_int(net_frame_parse(f, sizeof(f), &p), -EBADMSG, "ARP for another protocol size");
}

int main(void)
{
	test_parse();
	test_match();
	test_ruleset_errors();
	test_resolve();
	test_frames();
	test_arp();
	return tap_done();
}
