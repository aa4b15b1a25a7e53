/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Trust: every byte here was written by the guest, which may be hostile. The parser reads
 * only within len, checks every length field against what is really there, and answers with
 * a kind the filter may pass or -EBADMSG; anything it does not understand is dropped.
 *
 * What passes to passt (docs/networking.md): ARP for IPv4 over Ethernet (the link needs it to
 * find the gateway), and unfragmented IPv4 carrying TCP, UDP or ICMP, whose destination the
 * rules then judge. Fragments are refused: a later fragment carries no ports to judge, and
 * passt, which ends every flow in its own sockets, never needs them. IPv6 is not passed at
 * all (passt runs IPv4-only), so neighbour discovery is not needed either.
 */
#include <errno.h>

#include "net.h"

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_LEN 28
#define IPV4_MIN_HLEN 20
#define TCP_MIN_HLEN 20
#define UDP_HLEN 8
#define ICMP_MIN_LEN 8

static uint16_t read_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ARP request or reply, Ethernet hardware, IPv4 protocol addresses. */
static int parse_arp(const uint8_t *untrusted_arp, size_t len)
{
	if (len < ARP_LEN)
		return -EBADMSG;
	if (read_be16(untrusted_arp) != 1 || read_be16(untrusted_arp + 2) != ETHERTYPE_IPV4 ||
	    untrusted_arp[4] != 6 || untrusted_arp[5] != 4)
		return -EBADMSG;
	return NET_FRAME_ARP;
}

/* The transport header must be whole: a rule's port is read from it. */
static int parse_l4(const uint8_t *untrusted_l4, size_t len, struct net_packet *p)
{
	switch (p->proto) {
	case NET_PROTO_TCP:
		if (len < TCP_MIN_HLEN || (untrusted_l4[12] >> 4) * 4 < TCP_MIN_HLEN ||
		    (size_t)(untrusted_l4[12] >> 4) * 4 > len)
			return -EBADMSG;
		break;
	case NET_PROTO_UDP:
		if (len < UDP_HLEN)
			return -EBADMSG;
		break;
	case NET_PROTO_ICMP:
		return len < ICMP_MIN_LEN ? -EBADMSG : NET_FRAME_IPV4;
	default:
		return -EBADMSG;
	}
	p->dport = read_be16(untrusted_l4 + 2);
	return NET_FRAME_IPV4;
}

static uint32_t read_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Never a destination of a guest's packet, whatever the rules say: "this network" (0/8), the
 * loopback (127/8: only the gateway address may stand for the host's loopback, so that
 * "deny 10.0.2.2" means what it says), multicast and reserved/broadcast (224/3). */
static bool destination_is_routable(uint32_t daddr)
{
	uint8_t first = daddr >> 24;

	return first != 0 && first != 127 && first < 224;
}

static int parse_ipv4(const uint8_t *untrusted_ip, size_t len, struct net_packet *p)
{
	size_t hlen, total;
	uint16_t frag;

	if (len < IPV4_MIN_HLEN || untrusted_ip[0] >> 4 != 4)
		return -EBADMSG;
	hlen = (size_t)(untrusted_ip[0] & 0x0f) * 4;
	total = read_be16(untrusted_ip + 2);
	frag = read_be16(untrusted_ip + 6);
	/* Ethernet may pad a short packet, never truncate it. */
	if (hlen < IPV4_MIN_HLEN || total < hlen || total > len)
		return -EBADMSG;
	if (frag & 0x3fff) /* MF set or an offset: a fragment */
		return -EBADMSG;
	if (!destination_is_routable(read_be32(untrusted_ip + 16)))
		return -EBADMSG;
	*p = (struct net_packet){
		.daddr = read_be32(untrusted_ip + 16),
		.proto = untrusted_ip[9],
	};
	return parse_l4(untrusted_ip + hlen, total - hlen, p);
}

int net_frame_parse(const uint8_t *untrusted_frame, size_t len, struct net_packet *ret)
{
	uint16_t ethertype;

	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX)
		return -EBADMSG;
	ethertype = read_be16(untrusted_frame + 12);
	if (ethertype == ETHERTYPE_ARP)
		return parse_arp(untrusted_frame + ETH_HLEN, len - ETH_HLEN);
	if (ethertype == ETHERTYPE_IPV4)
		return parse_ipv4(untrusted_frame + ETH_HLEN, len - ETH_HLEN, ret);
	return NET_FRAME_OTHER;
}
