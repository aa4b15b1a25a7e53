/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: net-filter's parser of the guest's Ethernet frames (net/net-frame.c), then the
 * rule match on what it accepted. Every byte is the guest's; an accepted IPv4 packet must
 * name TCP, UDP or ICMP, and only TCP and UDP carry a port.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct net_ruleset rs;
	struct net_packet p;
	uint8_t *copy = malloc(size ? size : 1); /* exact size, so ASan sees any overread */
	int kind;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (rs.n == 0 &&
	    net_ruleset_parse("deny 10.0.2.2:8080/tcp\nallow 10.0.0.0/8\n", true, &rs, NULL) < 0)
		abort();
	kind = net_frame_parse(copy, size, &p);
	if (kind == NET_FRAME_IPV4) {
		if (p.proto != NET_PROTO_TCP && p.proto != NET_PROTO_UDP &&
		    p.proto != NET_PROTO_ICMP)
			abort();
		if (p.proto == NET_PROTO_ICMP && p.dport != 0)
			abort();
		net_ruleset_decide(&rs, &p);
	}
	if (kind >= 0 && (size < NET_FRAME_MIN || size > NET_FRAME_MAX))
		abort();
	free(copy);
	return 0;
}
