/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's label: a colour name (Qubes' palette: red orange yellow green gray blue purple black)
 * or #rrggbb. */
#pragma once

#include <stdint.h>

/* 0 and *rgb = 0xrrggbb, or -EINVAL for neither a known name nor #rrggbb. */
int label_parse_rgb(const char *label, uint32_t *rgb);
