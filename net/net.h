/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-VM networking (docs/networking.md): the firewall's rules (net-rules.c), the guest's
 * frames as net-filter sees them (net-frame.c), and the addresses of a VM's private link.
 *
 * A rule is Qubes' qvm-firewall in one line: "ACTION TARGET", ACTION allow or deny, TARGET
 * HOST[/PREFIX][:PORT[-PORT]][/PROTO] with HOST an IPv4 address, a DNS name (resolved on the
 * host when the rules are loaded) or '*'; PROTO tcp, udp or icmp. The first rule that matches
 * a packet decides; a packet no rule matches is denied.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Every VM's private link is the same: each has its own passt, so the addresses never meet.
 * The gateway is the host's loopback (passt maps it), DNS_ADDR passt's DNS forwarder. */
#define NET_GUEST_ADDR "10.0.2.15"
#define NET_PREFIX 24
#define NET_GATEWAY_ADDR "10.0.2.2"
#define NET_DNS_ADDR "10.0.2.3"
/* The link's MTU: the guest's default, and passt is told the same (its own default, 65520,
 * is for guests that take it by DHCP), so that no frame to the guest exceeds the guest's MTU
 * or needs more than one of its receive buffers. */
#define NET_MTU "1500"
#define NET_GUEST_MAC "52:54:00:12:34:56"

#define NET_RULES_MAX 256
#define NET_HOST_MAX 253
#define NET_RULE_TEXT_MAX 300

enum net_action {
	NET_ALLOW,
	NET_DENY,
};

enum net_proto {
	NET_PROTO_ANY = 0,
	NET_PROTO_ICMP = 1,
	NET_PROTO_TCP = 6,
	NET_PROTO_UDP = 17,
};

struct net_rule {
	enum net_action action;
	char name[NET_HOST_MAX + 1]; /* a DNS name to resolve; "" for an address or '*' */
	uint32_t addr;		     /* host byte order */
	uint8_t prefix;		     /* 0 with addr 0: any host */
	uint16_t port_lo, port_hi;   /* 0, 0: any port */
	uint8_t proto;		     /* enum net_proto */
};

struct net_ruleset {
	struct net_rule rule[NET_RULES_MAX];
	size_t n;
};

/* What a rule is matched against: a guest's outbound IPv4 packet. */
struct net_packet {
	uint32_t daddr; /* host byte order */
	uint8_t proto;
	uint16_t dport; /* 0 for ICMP */
};

/* net-rules.c */
/* One rule from its text. -EINVAL for anything else. */
int net_rule_parse(const char *text, struct net_rule *ret);
/* The canonical text of a rule (what `vmctl firewall list` prints). */
int net_rule_format(const struct net_rule *r, char *buf, size_t size);
bool net_rule_matches(const struct net_rule *r, const struct net_packet *p);
/* One rule per line, '#' comments and blank lines ignored. With numeric_only, DNS names are
 * refused (a compiled rule file). On -EINVAL, *bad_line is the 1-based line at fault. */
int net_ruleset_parse(const char *text, bool numeric_only, struct net_ruleset *ret,
		      size_t *bad_line);
/* First match wins; no match denies. */
enum net_action net_ruleset_decide(const struct net_ruleset *rs, const struct net_packet *p);
/* A name's IPv4 addresses (host byte order), at most max; 0 or -errno. */
typedef int (*net_resolver)(const char *name, uint32_t *addrs, size_t max, size_t *n);
/* A DNS-name rule becomes one rule per address the name has now (resolve NULL: the system's
 * resolver, getaddrinfo). A deny rule whose name does not resolve would let through what it
 * was meant to stop: the result is then "deny *" and -EHOSTUNREACH. */
int net_ruleset_resolve(const struct net_ruleset *in, struct net_ruleset *out,
			net_resolver resolve);
/* The text form, one rule per line. */
int net_ruleset_format(const struct net_ruleset *rs, char **ret);

/* net-frame.c: an Ethernet frame from the guest. */
enum net_frame_kind {
	NET_FRAME_ARP,
	NET_FRAME_IPV4,
	NET_FRAME_OTHER, /* valid Ethernet, a protocol the filter does not pass (IPv6, ...) */
};
#define NET_FRAME_MIN 14
#define NET_FRAME_MAX 65550 /* passt's largest MTU plus the Ethernet header */
/* The frame's kind, with *ret filled for IPv4 (TCP, UDP and ICMP only). -EBADMSG for a frame
 * that is truncated, malformed, fragmented or of another IP protocol: it is dropped. */
int net_frame_parse(const uint8_t *untrusted_frame, size_t len, struct net_packet *ret);

/* net-queue.c: a bounded byte ring between two non-blocking sockets (net-filter's buffers). */
struct net_queue {
	uint8_t *data;
	size_t size, head, len; /* the bytes held are len of them from head, wrapping at size */
};
int net_queue_init(struct net_queue *q, size_t size);
void net_queue_free(struct net_queue *q);
static inline size_t net_queue_room(const struct net_queue *q)
{
	return q->size - q->len;
}
/* Read what fits from / write what the peer takes to fd: bytes moved, -EAGAIN when the peer
 * has nothing or takes nothing now, -ECONNRESET at end of stream, -ENOBUFS when full. */
ssize_t net_queue_read(struct net_queue *q, int fd);
ssize_t net_queue_write(struct net_queue *q, int fd);
/* Append all of p, or nothing (-ENOBUFS). */
int net_queue_push(struct net_queue *q, const void *p, size_t len);
/* Copy up to len bytes from the front without removing them; the count copied. */
size_t net_queue_peek(const struct net_queue *q, void *p, size_t len);
void net_queue_consume(struct net_queue *q, size_t len);
