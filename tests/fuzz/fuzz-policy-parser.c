/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the policy parser, and the evaluator over whatever it compiled. Policy files are
 * trusted, but the settings GUI feeds the parser every keystroke of the user's editing, and a
 * crash or a rule that means more than it says would be as bad as a hostile input.
 */
#include <stdint.h>
#include <string.h>

#include "macro.h"
#include "policy.h"
#include "strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char system_info[] =
	"{\"domains\": {"
	"\"dom0\": {\"type\": \"AdminVM\", \"tags\": [\"t\"], \"power_state\": \"Running\"},"
	"\"work\": {\"type\": \"AppVM\", \"tags\": [\"t\", \"u\"], \"default_dispvm\": \"dvm\"},"
	"\"personal\": {\"type\": \"AppVM\", \"tags\": [], \"power_state\": \"Running\"},"
	"\"dvm\": {\"type\": \"AppVM\", \"tags\": [\"u\"], \"template_for_dispvms\": true},"
	"\"disp1\": {\"type\": \"DispVM\", \"template\": \"dvm\", \"default_dispvm\": \"dvm\"}}}";

static const char *const targets[] = { "personal",    "dom0",	"@adminvm", "",	   "@dispvm",
				       "@dispvm:dvm", "nosuch", "@anyvm",   "work" };
static const char *const sources[] = { "work", "dom0", "disp1" };

/* Every pairing of a few sources and targets, for the service of the first rule (or "svc"). */
static void evaluate_some(const struct policy *p, const struct policy_system_info *info)
{
	struct policy_rule_info r = { .service = "svc", .argument = "+" };
	struct policy_decision d;

	policy_rule_get(p, 0, &r);
	const char *service = streq(r.service, "*") ? "svc" : r.service;
	const char *argument = r.argument[0] == '+' ? r.argument + 1 : "";
	for (size_t s = 0; s < ELEMENTSOF(sources); s++)
		for (size_t t = 0; t < ELEMENTSOF(targets); t++) {
			struct policy_request req = { service, argument, sources[s], targets[t] };
			if (policy_evaluate(p, &req, info, &d) == 0 && d.result == POLICY_ASK)
				policy_decision_accept_answer(&d, d.targets_for_ask[0]);
			free(policy_decision_to_json(&d));
			policy_decision_finish(&d);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_system_info *info = NULL;
	struct policy *p = NULL;

	/* Absolute includes read real files: keep away from pseudo-files that block or never end;
	 * they say nothing about the parser. */
	if (memmem(data, size, "/proc", 5) || memmem(data, size, "/sys", 4) ||
	    memmem(data, size, "/dev", 4))
		return 0;
	if (policy_system_info_parse(system_info, strlen(system_info), &info, NULL) < 0)
		abort();
	policy_parse_text("fuzz.policy", (const char *)data, size, NULL, &p);
	for (size_t i = 0; i < policy_error_count(p); i++)
		if (!policy_error_get(p, i)->message[0])
			abort(); /* every error says something */
	if (p)
		evaluate_some(p, info);
	policy_free(p);
	policy_system_info_free(info);
	return 0;
}
