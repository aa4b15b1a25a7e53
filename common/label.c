/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Label colours, as the user configures them for each VM (trusted input, checked anyway): guid
 * frames windows in them, bulkheadd draws the VM's menu icon in them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "label.h"
#include "macro.h"

/* Qubes' label colours (the Tango palette), so a Qubes user reads them the same way. */
static const struct {
	const char *name;
	uint32_t rgb;
} labels[] = {
	{ "red", 0xcc0000 },   { "orange", 0xf57900 }, { "yellow", 0xedd400 },
	{ "green", 0x73d216 }, { "gray", 0x555753 },   { "grey", 0x555753 },
	{ "blue", 0x3465a4 },  { "purple", 0x75507b }, { "black", 0x000000 },
};

int label_parse_rgb(const char *label, uint32_t *rgb)
{
	for (size_t i = 0; i < ELEMENTSOF(labels); i++)
		if (strcasecmp(label, labels[i].name) == 0) {
			*rgb = labels[i].rgb;
			return 0;
		}
	if (label[0] != '#' || strlen(label) != 7 ||
	    strspn(label + 1, "0123456789abcdefABCDEF") != 6)
		return -EINVAL;
	*rgb = (uint32_t)strtoul(label + 1, NULL, 16);
	return 0;
}
