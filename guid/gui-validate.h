/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure rules guid applies to what a VM says about its windows: title sanitising and geometry
 * (size limits, damage inside the window, override-redirect windows kept on screen and demoted
 * when they would cover the screen). No X, no I/O: unit-tested and fuzzed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gui-proto.h"

/* Worst case: every input byte becomes U+FFFD (3 bytes), plus the NUL. */
#define GUI_TITLE_SANE_MAX (GUI_TITLE_MAX * 3 + 1)

/* Copy an untrusted title into out as valid UTF-8 with no control characters: invalid
 * sequences, C0/C1 controls, DEL and bidirectional overrides (which could visually move the
 * "[vm]" prefix) become U+FFFD. Always NUL-terminates; stops at a whole character that would
 * not fit. Returns the length written. */
size_t gui_title_sanitise(const uint8_t *untrusted, size_t len, char *out, size_t outsize);

bool gui_size_is_valid(uint32_t w, uint32_t h);
/* A window rectangle: valid size, position within the host's coordinate range. */
bool gui_rect_is_valid(const struct gui_rect *r);
/* The damage rectangle lies inside a w x h window (overflow-safe). */
bool gui_damage_is_inside(const struct gui_damage *d, uint32_t w, uint32_t h);
/* More than 90 % of the screen is covered by r. */
bool gui_rect_covers_screen(const struct gui_rect *r, uint32_t screen_w, uint32_t screen_h);
/* Move r so that it lies on the screen (its top-left corner when it is larger than the
 * screen); the size never changes. */
struct gui_rect gui_rect_keep_on_screen(struct gui_rect r, uint32_t screen_w, uint32_t screen_h);
