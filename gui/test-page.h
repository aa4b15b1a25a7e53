/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "Test a request" page: service, argument, source and target in, libpolicy's decision
 * out (allow and to where, deny, or ask with the candidates) and the rule that decided,
 * evaluated against the policy as edited, unsaved changes included.
 */
#pragma once

#include "settings.h"

struct test_page *test_page_new(struct settings *s);
void test_page_free(struct test_page *t);
GtkWidget *test_page_widget(struct test_page *t);
/* Evaluate again (policy, drafts or VM list changed). */
void test_page_update(struct test_page *t);
/* Fill in a request (any NULL field is left as it is) and evaluate it. */
void test_page_set_request(struct test_page *t, const char *service, const char *argument,
			   const char *source, const char *target);
/* Refill the choosers from the policy's services and this system-info JSON. */
void test_page_set_choices(struct test_page *t, const char *system_info_json);
