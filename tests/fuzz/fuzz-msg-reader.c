/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the message framing every VM stream goes through first. */
#include <stdint.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_reader r;
	struct msg m;
	uint8_t sink = 0;

	if (size < 1 || msg_reader_init(&r, data[0] * 64u) < 0)
		return 0;
	data++, size--;
	/* Feed in uneven chunks so partial headers and payloads are exercised too. */
	while (size > 0) {
		size_t chunk = 1 + (data[0] % 97);
		size_t taken = msg_reader_push(&r, data, chunk < size ? chunk : size);
		data += taken, size -= taken;
		int k;
		while ((k = msg_reader_next(&r, &m)) == 1)
			for (uint32_t i = 0; i < m.len; i++)
				sink ^= m.payload[i]; /* every payload byte must be readable */
		if (k < 0 || taken == 0)
			break;
	}
	msg_reader_finish(&r);
	return sink == 0x5a && size == SIZE_MAX; /* never true; keeps the loop */
}
