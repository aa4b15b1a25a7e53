/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the clipboard validators a VM's copy goes through (text, PNG structure, and
 * the full libpng decode the receiving side runs). The first byte picks the checker. */
#include <stdint.h>

#include "clipboard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clipboard_limits l = {
		.text_max = 1 << 20,
		.image_max = 1 << 20,
		.image_max_pixels = 1 << 20,
	};
	uint32_t w, h;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		clipboard_check_text(data + 1, size - 1, &l);
		break;
	case 1:
		clipboard_check_png_structure(data + 1, size - 1, &l, &w, &h);
		break;
	default:
		clipboard_check_png_decode(data + 1, size - 1, &l);
	}
	return 0;
}
