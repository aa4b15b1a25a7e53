/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guid's window table: ids chosen by a hostile VM, a hard cap, and churn that must not wear it
 * out (tombstones). */
#include <errno.h>
#include <stdlib.h>

#include "guid.h"
#include "tap.h"

static struct guid_window windows[GUI_MAX_WINDOWS + 1];

static void test_cap(struct guid_table *t)
{
	int failed = 0;

	for (uint32_t i = 0; i < GUI_MAX_WINDOWS; i++) {
		windows[i].id = i * 2048 + 1; /* all in the same home slot */
		failed += guid_table_add(t, &windows[i]) != 0;
	}
	is_int(failed, 0, "%d windows whose ids all collide fit", GUI_MAX_WINDOWS);
	windows[GUI_MAX_WINDOWS].id = 7;
	is_int(guid_table_add(t, &windows[GUI_MAX_WINDOWS]), -EMFILE, "one more is refused");
	ok(guid_table_get(t, 999 * 2048 + 1) == &windows[999], "the last one is found");
	ok(guid_table_get(t, 5) == NULL, "an unknown id is not");
}

static void test_duplicates_and_removal(struct guid_table *t)
{
	struct guid_window dup = { .id = 1 };

	is_int(guid_table_add(t, &dup), -EEXIST, "an id already there is refused");
	guid_table_remove(t, 1);
	ok(guid_table_get(t, 1) == NULL, "a removed id is gone");
	ok(guid_table_get(t, 2048 + 1) == &windows[1], "its neighbours in the probe chain remain");
	is_int(guid_table_add(t, &dup), 0, "its place can be taken again");
	guid_table_remove(t, 12345); /* not there: nothing happens */
	is_int((int)t->count, GUI_MAX_WINDOWS, "the count is right");
}

static void test_churn(void)
{
	struct guid_table t;
	struct guid_window a = { 0 }, keep = { .id = 424242 };
	int failed = 0;

	guid_table_init(&t);
	guid_table_add(&t, &keep);
	for (uint32_t i = 1; i <= 100000; i++) {
		a.id = i;
		failed += guid_table_add(&t, &a) != 0;
		guid_table_remove(&t, i);
	}
	is_int(failed, 0, "100000 create/destroy cycles with fresh ids");
	ok(guid_table_get(&t, 424242) == &keep, "a long-lived window survives the churn");
	ok(t.used < t.cap, "tombstones are reclaimed");
	guid_table_finish(&t);
}

int main(void)
{
	struct guid_table t;

	is_int(guid_table_init(&t), 0, "init");
	test_cap(&t);
	test_duplicates_and_removal(&t);
	guid_table_finish(&t);
	test_churn();
	return tap_done();
}
