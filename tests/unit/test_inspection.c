/*
 * Unit tests of the sampling rules of random inspections
 * (src/domain/inspection_rules.c): the class of a unit, the checks of a
 * rules document (INS-020), and the quota arithmetic (INS-023).  Plans,
 * the commit, the beacon and the draw are tested end to end over HTTP on
 * both databases (tests/api/inspection.test.mjs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/jx.h"
#include "domain/inspection_int.h"

static json_t *
doc(const char *text)
{
	json_error_t	 je;
	json_t		*j = json_loads(text, 0, &je);

	if (j == NULL)
		fail_msg("bad test JSON %s: %s", text, je.text);
	return j;
}

static void
test_inspection__ins023_class_of(void **state)
{
	(void)state;
	assert_string_equal(ins_class_of(0), "general");
	assert_string_equal(ins_class_of(INS_CAT_KEY | INS_CAT_CROWDED),
	    "key_crowded");
	assert_string_equal(ins_class_of(INS_CAT_KEY | INS_CAT_HIGH_RISK),
	    "high_risk");
	assert_string_equal(ins_class_of(INS_CAT_KEY | INS_CAT_PUBLIC),
	    "key");
	assert_string_equal(ins_class_of(INS_CAT_PUBLIC | INS_CAT_CROWDED),
	    "public_gathering");
	assert_string_equal(ins_class_of(INS_CAT_CROWDED | INS_CAT_RENTAL),
	    "crowded");
	assert_string_equal(ins_class_of(INS_CAT_SPECIAL | INS_CAT_THREE_SMALL),
	    "special_industry");
	assert_string_equal(ins_class_of(INS_CAT_THREE_SMALL | INS_CAT_RENTAL),
	    "three_small");
	assert_string_equal(ins_class_of(INS_CAT_RENTAL), "rental");
}

static void
test_inspection__ins020_rules_checked(void **state)
{
	static const struct {
		const char	*json;
		int		 code;
		const char	*field;
	} bad[] = {
		{ "[]", ERR_TYPE, "rules" },
		{ "{}", ERR_MISSING, "rules" },
		{ "{\"rules\": {}}", ERR_TYPE, "rules" },
		{ "{\"rules\": []}", ERR_RANGE, "rules" },
		{ "{\"rules\": [1]}", ERR_TYPE, "rules[0]" },
		{ "{\"rules\": [{\"grade\": \"*\", \"ratio_pct\": 1, "
		    "\"source\": \"s\"}]}", ERR_MISSING, "rules[0].class" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
		    "\"ratio_pct\": -1, \"source\": \"s\"}]}", ERR_RANGE,
		    "rules[0].ratio_pct" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
		    "\"ratio_pct\": \"5\", \"source\": \"s\"}]}", ERR_TYPE,
		    "rules[0].ratio_pct" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
		    "\"ratio_pct\": 0.125, \"source\": \"s\"}]}", ERR_INVALID,
		    "rules[0].ratio_pct" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
		    "\"ratio_pct\": 5, \"min\": -1, \"source\": \"s\"}]}",
		    ERR_RANGE, "rules[0].min" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
		    "\"ratio_pct\": 5, \"source\": \"\"}]}", ERR_RANGE,
		    "rules[0].source" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
		    "\"ratio_pct\": 5, \"source\": \"s\"}], \"x\": 1}",
		    ERR_UNKNOWN_FIELD, "x" },
		{ "{\"rules\": [{\"class\": \"key\", \"grade\": \"warm\", "
		    "\"ratio_pct\": 5, \"source\": \"s\"}]}", ERR_INVALID,
		    "rules[0].grade" },
	};
	struct ins_rules	 r;
	struct err		 e;
	json_t			*j;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		j = doc(bad[i].json);
		err_clear(&e);
		assert_int_equal(ins_rules_compile(j, &r, &e), bad[i].code);
		assert_string_equal(e.field, bad[i].field);
		assert_null(r.rules);
		json_decref(j);
	}
	j = doc("{\"note\": \"n\", \"rules\": [{\"class\": \"*\", \"grade\": "
	    "\"*\", \"ratio_pct\": 2.5, \"source\": \"s\"}, {\"class\": "
	    "\"key\", \"grade\": \"none\", \"ratio_pct\": 100, \"min\": 3, "
	    "\"source\": \"s\"}]}");
	assert_int_equal(ins_rules_compile(j, &r, &e), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.rules[0].ratio_bp, 250);
	assert_int_equal(r.rules[1].min, 3);
	ins_rules_free(&r);
	json_decref(j);
}

static void
test_inspection__ins023_quota(void **state)
{
	struct ins_rules	 r;
	struct err		 e;
	json_t			*j;
	int			 rule;

	(void)state;
	j = doc("{\"rules\": ["
	    "{\"class\": \"*\", \"grade\": \"*\", \"ratio_pct\": 3, "
	    "\"source\": \"s\"},"
	    "{\"class\": \"key\", \"grade\": \"*\", \"ratio_pct\": 20, "
	    "\"min\": 1, \"source\": \"s\"},"
	    "{\"class\": \"*\", \"grade\": \"high\", \"ratio_pct\": 30, "
	    "\"min\": 1, \"source\": \"s\"},"
	    "{\"class\": \"*\", \"grade\": \"low\", \"ratio_pct\": 1, "
	    "\"source\": \"s\"},"
	    "{\"class\": \"rental\", \"grade\": \"none\", \"ratio_pct\": 0.5, "
	    "\"source\": \"s\"}]}");
	assert_int_equal(ins_rules_compile(j, &r, &e), 0);
	json_decref(j);
	/* ceil(100 × 3 %) = 3; ceil(101 × 3 %) = 4 (3.03 rounds up). */
	assert_int_equal(ins_quota(&r, "general", "none", 100, &rule), 3);
	assert_int_equal(rule, 0);
	assert_int_equal(ins_quota(&r, "general", "none", 101, &rule), 4);
	/* The highest matching ratio wins, whatever its place. */
	assert_int_equal(ins_quota(&r, "key", "low", 100, &rule), 20);
	assert_int_equal(rule, 1);
	assert_int_equal(ins_quota(&r, "key", "high", 100, &rule), 30);
	assert_int_equal(rule, 2);
	/* low 1 % loses to the general 3 %: the more frequent check. */
	assert_int_equal(ins_quota(&r, "general", "low", 100, &rule), 3);
	/* min, and never more than the stratum. */
	assert_int_equal(ins_quota(&r, "key", "none", 2, &rule), 1);
	assert_int_equal(ins_quota(&r, "key", "high", 1, &rule), 1);
	assert_int_equal(ins_quota(&r, "key", "none", 0, &rule), 0);
	/* rental's 0.5 % loses to the 3 % that also matches. */
	assert_int_equal(ins_quota(&r, "rental", "none", 1000, &rule), 30);
	ins_rules_free(&r);
	/* A stratum no rule matches gets nothing. */
	j = doc("{\"rules\": [{\"class\": \"key\", \"grade\": \"*\", "
	    "\"ratio_pct\": 50, \"source\": \"s\"}]}");
	assert_int_equal(ins_rules_compile(j, &r, &e), 0);
	json_decref(j);
	assert_int_equal(ins_quota(&r, "general", "none", 100, &rule), 0);
	assert_int_equal(rule, -1);
	assert_int_equal(ins_quota(&r, "key", "none", 7, &rule), 4);
	ins_rules_free(&r);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_inspection__ins023_class_of),
		cmocka_unit_test(test_inspection__ins020_rules_checked),
		cmocka_unit_test(test_inspection__ins023_quota),
	};

	jx_init();
	return cmocka_run_group_tests_name("inspection rules", tests, NULL,
	    NULL);
}
