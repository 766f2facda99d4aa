/*
 * Unit tests of the discretion engine (penalty): the shipped items and
 * their statutory ranges (PEN-001, PEN-003), the tier bands of every item
 * and party at their edges in exact yuan (PEN-009), no penalty (PEN-004
 * .. PEN-008), the first-violation exemption (PEN-010), lighter and
 * reduced punishment (PEN-011..PEN-013), warnings and the simple
 * procedure (PEN-014, PEN-015), one act under several norms (PEN-016),
 * the check of a decided amount (PEN-017), bad inputs naming the field
 * (PEN-002) and broken data files refused.  The figures are written here
 * on purpose: changing the data file must be a visible change here too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/jx.h"
#include "core/mem.h"
#include "domain/penalty.h"

static char	penalty_dir[512];	/* data/penalty of the source tree */

/* Every loaded item, party and band: the law's range, 30 % and 70 %. */
static const struct row {
	const char		*item;
	enum penalty_party	 party;
	const char		*band;
	int64_t			 min, max, e30, e70;
} rows[] = {
	{ "FPL-58-1", PENALTY_UNIT, NULL, 30000, 300000, 111000, 219000 },
	{ "FPL-58-2", PENALTY_UNIT, NULL, 30000, 300000, 111000, 219000 },
	{ "FPL-58-3", PENALTY_UNIT, NULL, 30000, 300000, 111000, 219000 },
	{ "FPL-58-4", PENALTY_UNIT, NULL, 30000, 300000, 111000, 219000 },
	{ "FPL-58-P3", PENALTY_UNIT, NULL, 0, 5000, 1500, 3500 },
	{ "FPL-59-1", PENALTY_UNIT, NULL, 10000, 100000, 37000, 73000 },
	{ "FPL-59-2", PENALTY_UNIT, NULL, 10000, 100000, 37000, 73000 },
	{ "FPL-59-3", PENALTY_UNIT, NULL, 10000, 100000, 37000, 73000 },
	{ "FPL-59-4", PENALTY_UNIT, NULL, 10000, 100000, 37000, 73000 },
	{ "FPL-60-1", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-60-2", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-60-2", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "FPL-60-3", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-60-3", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "FPL-60-4", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-60-4", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "FPL-60-5", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-60-5", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "FPL-60-6", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-60-7", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-61", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-63", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "FPL-64", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "FPL-65-2", PENALTY_UNIT, NULL, 5000, 50000, 18500, 36500 },
	{ "FPL-65-2", PENALTY_INDIVIDUAL, NULL, 500, 2000, 950, 1550 },
	{ "FPL-66", PENALTY_UNIT, NULL, 1000, 5000, 2200, 3800 },
	{ "FPL-66", PENALTY_INDIVIDUAL, NULL, 1000, 5000, 2200, 3800 },
	{ "FPL-67", PENALTY_INDIVIDUAL, NULL, 0, 0, 0, 0 },
	{ "FPL-69-1a", PENALTY_UNIT, NULL, 50000, 100000, 65000, 85000 },
	{ "FPL-69-1a", PENALTY_INDIVIDUAL, NULL, 10000, 50000, 22000, 38000 },
	{ "FPL-69-1b", PENALTY_UNIT, NULL, 0, 50000, 15000, 35000 },
	{ "FPL-69-1b", PENALTY_INDIVIDUAL, NULL, 0, 10000, 3000, 7000 },
	{ "GD-44", PENALTY_UNIT, "ordinary", 5000, 20000, 9500, 15500 },
	{ "GD-44", PENALTY_UNIT, "serious", 20000, 50000, 29000, 41000 },
	{ "GD-44", PENALTY_INDIVIDUAL, NULL, 0, 500, 150, 350 },
	{ "GD-45", PENALTY_UNIT, "commercial", 2000, 10000, 4400, 7600 },
	{ "GD-45", PENALTY_UNIT, "non-commercial", 500, 1000, 650, 850 },
	{ "GD-47", PENALTY_UNIT, "lt-1000", 5000, 20000, 9500, 15500 },
	{ "GD-47", PENALTY_UNIT, "gt-1000", 20000, 50000, 29000, 41000 },
	{ "GD-48", PENALTY_UNIT, "1000-10000", 5000, 20000, 9500, 15500 },
	{ "GD-48", PENALTY_UNIT, "gt-10000", 20000, 50000, 29000, 41000 },
	{ "GD-49", PENALTY_UNIT, NULL, 1000, 5000, 2200, 3800 },
	{ "GD-49", PENALTY_INDIVIDUAL, NULL, 500, 1000, 650, 850 },
};
#define NROWS	((int)(sizeof(rows) / sizeof(rows[0])))

/* A small, valid file: the template of the broken ones. */
static const char	t1[] =
"{\n"
"  \"format\": \"firewarden-penalty-items-v1\",\n"
"  \"version\": \"t1\",\n"
"  \"effective\": \"2030-01-01\",\n"
"  \"template\": true,\n"
"  \"note\": \"synthetic items of the unit tests\",\n"
"  \"source\": \"tests/unit/test_penalty.c\",\n"
"  \"tiers\": { \"status\": \"U\", \"source\": \"test split\",\n"
"    \"bands\": [\n"
"      { \"tier\": \"minor\", \"name_zh\": \"较轻\", \"from\": 0, "
"\"to\": 30 },\n"
"      { \"tier\": \"general\", \"name_zh\": \"一般\", \"from\": 30, "
"\"to\": 70 },\n"
"      { \"tier\": \"serious\", \"name_zh\": \"严重\", \"from\": 70, "
"\"to\": 100 } ] },\n"
"  \"mitigation\": { \"lighter_share_pct\": 50, "
"\"reduction_floor_pct\": 40, \"status\": \"U\", \"source\": \"t\" },\n"
"  \"first_violation\": { \"window_months\": 6, \"max_tier\": "
"\"serious\", \"status\": \"U\", \"source\": \"t\" },\n"
"  \"simple_procedure\": { \"unit\": 3000, \"individual\": 200, "
"\"status\": \"C\", \"source\": \"t\" },\n"
"  \"items\": [\n"
"    { \"id\": \"FPL-1\", \"name_zh\": \"测试一\", \"basis\": \"依据一\", "
"\"authority\": \"消防救援机构\",\n"
"      \"fire_service_decides\": true, \"measures\": \"责令改正\", "
"\"fine_condition\": \"none\",\n"
"      \"fine_optional\": false, \"reducible\": true, \"status\": \"C\", "
"\"source\": \"t\",\n"
"      \"parties\": {\n"
"        \"unit\": [ { \"band\": \"default\", \"min\": 0, \"max\": 5, "
"\"warning\": false, \"status\": \"C\" } ],\n"
"        \"individual\": [ { \"band\": \"default\", \"min\": 0, "
"\"max\": 333, \"warning\": true, \"status\": \"C\" } ] },\n"
"      \"minor\": { \"on_the_spot\": false, \"limits\": [] } },\n"
"    { \"id\": \"GD-2\", \"name_zh\": \"测试二\", \"basis\": \"依据二\", "
"\"authority\": \"消防救援机构\",\n"
"      \"fire_service_decides\": true, \"measures\": \"责令限期改正\", "
"\"fine_condition\": \"deadline\",\n"
"      \"fine_optional\": false, \"reducible\": true, \"status\": \"C\", "
"\"source\": \"t\",\n"
"      \"parties\": {\n"
"        \"unit\": [\n"
"          { \"band\": \"small\", \"area\": { \"lt\": 100 }, "
"\"min\": 1000, \"max\": 2000, \"warning\": false, \"status\": \"C\" },\n"
"          { \"band\": \"large\", \"area\": { \"ge\": 100 }, "
"\"min\": 2000, \"max\": 4000, \"warning\": false, \"status\": \"C\" } "
"] },\n"
"      \"minor\": { \"on_the_spot\": true, \"limits\": [ { \"code\": "
"\"doors\", \"text_zh\": \"门\", \"limit\": 3, \"status\": \"C\", "
"\"source\": \"t\" } ] },\n"
"      \"tiers\": { \"status\": \"C\", \"source\": \"own split\",\n"
"        \"bands\": [\n"
"          { \"tier\": \"minor\", \"name_zh\": \"较轻\", \"from\": 0, "
"\"to\": 20 },\n"
"          { \"tier\": \"general\", \"name_zh\": \"一般\", \"from\": 20, "
"\"to\": 60 },\n"
"          { \"tier\": \"serious\", \"name_zh\": \"严重\", \"from\": 60, "
"\"to\": 100 } ] } }\n"
"  ]\n"
"}\n";

static void
load_shipped(void)
{
	struct err	e;

	if (penalty_load_dir(penalty_dir, &e) < 0)
		fail_msg("%s: %s", penalty_dir, e.msg);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void
rm_file(const char *dir, const char *name)
{
	char	*p = xasprintf("%s/%s", dir, name);

	unlink(p);
	free(p);
}

/* The template with the one occurrence of from replaced by to. */
static char *
variant(const char *from, const char *to)
{
	const char	*at = strstr(t1, from);

	if (at == NULL || strstr(at + 1, from) != NULL)
		fail_msg("'%s' is not once in the template", from);
	return xasprintf("%.*s%s%s", (int)(at - t1), t1, to,
	    at + strlen(from));
}

/* Load the template (or a variant) alone from a fresh directory. */
static int
load_text(const char *text, struct err *e)
{
	char	dir[] = "/tmp/fw-penalty-XXXXXX";
	int	rc;

	if (mkdtemp(dir) == NULL)
		fail_msg("mkdtemp");
	write_file(dir, "items-t1.json", text);
	err_clear(e);
	rc = penalty_load_dir(dir, e);
	rm_file(dir, "items-t1.json");
	assert_int_equal(rmdir(dir), 0);
	return rc;
}

static int
suggest(const char *item, enum penalty_party party, enum penalty_tier tier,
    const char *band, struct penalty_query *q, struct penalty_suggestion *s,
    struct err *e)
{
	q->item = item;
	q->party = party;
	q->tier = tier;
	q->band = band;
	err_clear(e);
	return penalty_suggest(q, s, e);
}

/* The rule with id and rule name in the trace, or NULL. */
static const struct penalty_rule *
rule(const struct penalty_suggestion *s, const char *id, const char *name)
{
	int	i;

	for (i = 0; i < s->nrules; i++)
		if (strcmp(s->rules[i].id, id) == 0 &&
		    strcmp(s->rules[i].rule, name) == 0)
			return &s->rules[i];
	return NULL;
}

static void
assert_rule(const struct penalty_suggestion *s, const char *id,
    const char *name, enum penalty_rule_status status)
{
	const struct penalty_rule	*r = rule(s, id, name);

	if (r == NULL)
		fail_msg("%s: no rule %s %s", s->item, id, name);
	if (r->status != status)
		fail_msg("%s: rule %s %s is %s", s->item, id, name,
		    penalty_rule_status_str(r->status));
}

static void
assert_range(struct penalty_range r, int64_t min, int64_t max)
{
	if (r.min != min || r.max != max)
		fail_msg("range %lld-%lld, want %lld-%lld", (long long)r.min,
		    (long long)r.max, (long long)min, (long long)max);
}

static int
group_setup(void **state)
{
	load_shipped();
	return 0;
}

/* Each test starts from the shipped items, whatever the last one left. */
static int
test_setup(void **state)
{
	load_shipped();
	return 0;
}

static int
group_teardown(void **state)
{
	penalty_unload();
	return 0;
}

/* PEN-001, PEN-003: the shipped items are exactly the rows above. */
static void
test_penalty__pen001_shipped_items(void **state)
{
	json_t		*doc, *items, *x, *bands, *b;
	struct err	 e;
	const char	*party;
	size_t		 i, j;
	int		 k, seen = 0, found;

	assert_int_equal(penalty_items_json(NULL, &doc, &e), 0);
	assert_string_equal(json_string_value(json_object_get(doc,
	    "version")), "v1");
	assert_string_equal(json_string_value(json_object_get(doc,
	    "effective")), "2022-07-01");
	assert_true(json_is_true(json_object_get(doc, "template")));
	items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 29);
	json_array_foreach(items, i, x) {
		json_object_foreach(json_object_get(x, "parties"), party,
		    bands) {
			json_array_foreach(bands, j, b) {
				for (k = 0, found = 0; k < NROWS && !found;
				    k++)
					found = strcmp(rows[k].item,
					    json_string_value(json_object_get(x,
					    "id"))) == 0 &&
					    strcmp(penalty_party_str(
					    rows[k].party), party) == 0 &&
					    (rows[k].band == NULL ?
					    json_array_size(bands) == 1 :
					    strcmp(rows[k].band,
					    json_string_value(json_object_get(
					    b, "band"))) == 0) &&
					    json_integer_value(json_object_get(
					    b, "min")) == rows[k].min &&
					    json_integer_value(json_object_get(
					    b, "max")) == rows[k].max;
				if (!found)
					fail_msg("%s %s band %zu is not in the "
					    "test's table",
					    json_string_value(json_object_get(
					    x, "id")), party, j);
				seen++;
			}
		}
	}
	assert_int_equal(seen, NROWS);
	/* The bases name the law; the Guangdong items the measures. */
	x = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(x, "id")),
	    "FPL-58-1");
	assert_true(json_is_false(json_object_get(x,
	    "fire_service_decides")));
	json_decref(doc);
	assert_int_equal(penalty_items_json("v9", &doc, &e), ERR_INVALID);
	assert_string_equal(e.field, "version");
}

/* PEN-009: every item, party and band, each tier at its edges. */
static void
test_penalty__pen009_tier_edges_every_item(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	int				 k;

	for (k = 0; k < NROWS; k++) {
		penalty_query_init(&q);
		if (suggest(rows[k].item, rows[k].party, PENALTY_TIER_MINOR,
		    rows[k].band, &q, &s, &e) < 0)
			fail_msg("%s: %s", rows[k].item, e.msg);
		assert_range(s.statutory, rows[k].min, rows[k].max);
		if (rows[k].max == 0) {
			assert_int_equal(s.outcome, PENALTY_WARNING);
			assert_rule(&s, "PEN-014", "warning",
			    PENALTY_RULE_APPLIED);
			continue;
		}
		assert_int_equal(s.outcome, PENALTY_FINE);
		assert_range(s.tier_range, rows[k].min, rows[k].e30);
		assert_range(s.range, rows[k].min, rows[k].e30);
		assert_int_equal(suggest(rows[k].item, rows[k].party,
		    PENALTY_TIER_GENERAL, rows[k].band, &q, &s, &e), 0);
		assert_range(s.range, rows[k].e30, rows[k].e70);
		assert_int_equal(suggest(rows[k].item, rows[k].party,
		    PENALTY_TIER_SERIOUS, rows[k].band, &q, &s, &e), 0);
		assert_range(s.range, rows[k].e70, rows[k].max);
		assert_rule(&s, "PEN-009", "tier", PENALTY_RULE_APPLIED);
		assert_true(s.template);	/* the split is [U] */
	}
}

/* PEN-009: whole yuan, half up; an item's own split. */
static void
test_penalty__pen009_rounding_and_own_tiers(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;

	assert_int_equal(load_text(t1, &e), 0);
	penalty_query_init(&q);
	/* 0-5: 30 % is 1.5 -> 2, 70 % is 3.5 -> 4. */
	assert_int_equal(suggest("FPL-1", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_range(s.range, 0, 2);
	assert_int_equal(suggest("FPL-1", PENALTY_UNIT, PENALTY_TIER_GENERAL,
	    NULL, &q, &s, &e), 0);
	assert_range(s.range, 2, 4);
	assert_int_equal(suggest("FPL-1", PENALTY_UNIT, PENALTY_TIER_SERIOUS,
	    NULL, &q, &s, &e), 0);
	assert_range(s.range, 4, 5);
	/* 0-333: 99.9 -> 100, 233.1 -> 233. */
	assert_int_equal(suggest("FPL-1", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_range(s.range, 100, 233);
	/* Lighter: the lower half, 0.5 up: 4 + round(0.5) = 5. */
	q.self_found = 1;
	assert_int_equal(suggest("FPL-1", PENALTY_UNIT, PENALTY_TIER_SERIOUS,
	    NULL, &q, &s, &e), 0);
	assert_range(s.range, 4, 5);
	assert_int_equal(suggest("FPL-1", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_range(s.range, 0, 1);
	/* GD-2's own split 0-20-60-100, by area. */
	penalty_query_init(&q);
	q.area = 99;
	assert_int_equal(suggest("GD-2", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_string_equal(s.band, "small");
	assert_range(s.range, 1000, 1200);
	assert_false(s.template);	/* own split and ranges are C */
	q.area = 100;
	assert_int_equal(suggest("GD-2", PENALTY_UNIT, PENALTY_TIER_GENERAL,
	    NULL, &q, &s, &e), 0);
	assert_string_equal(s.band, "large");
	assert_range(s.range, 2400, 3200);
	load_shipped();
}

/* PEN-007, PEN-008: minor, corrected in time, no harm: no penalty. */
static void
test_penalty__pen007_minor_corrected_no_harm(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	char				*js;
	json_t				*j;
	int				 k;

	penalty_query_init(&q);
	q.corrected = 1;
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
	assert_rule(&s, "PEN-007", "minor-corrected-no-harm",
	    PENALTY_RULE_APPLIED);
	assert_rule(&s, "PEN-008", "education", PENALTY_RULE_APPLIED);
	assert_null(rule(&s, "PEN-009", "tier"));
	assert_true(s.template);	/* the thresholds are borrowed */
	assert_int_equal(s.nlimits, 1);
	assert_string_equal(s.limits[0].code, "route-width");
	assert_int_equal(s.limits[0].limit, 20);
	j = penalty_suggestion_json(&s);
	js = jx_dump(j);
	assert_non_null(strstr(js,
	    "\"outcome\":\"no-penalty\",\"range\":null"));
	free(js);
	json_decref(j);

	/* Each condition missing: a fine. */
	q.corrected = 0;
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_FINE);
	assert_null(rule(&s, "PEN-007", "minor-corrected-no-harm"));
	q.corrected = 1;
	q.harm = PENALTY_HARM_MINOR;
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_FINE);
	q.harm = PENALTY_HARM_NONE;
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_FINE);
	/* For every item and party. */
	for (k = 0; k < NROWS; k++) {
		penalty_query_init(&q);
		q.corrected = 1;
		assert_int_equal(suggest(rows[k].item, rows[k].party,
		    PENALTY_TIER_MINOR, rows[k].band, &q, &s, &e), 0);
		assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
	}
}

/* PEN-005: no subjective fault, alone and with other grounds. */
static void
test_penalty__pen005_no_fault(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;

	penalty_query_init(&q);
	q.no_fault = 1;
	q.harm = PENALTY_HARM_SERIOUS;
	assert_int_equal(suggest("FPL-58-4", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
	assert_rule(&s, "PEN-005", "no-fault", PENALTY_RULE_APPLIED);
	assert_rule(&s, "PEN-008", "education", PENALTY_RULE_APPLIED);
	assert_int_equal(s.nrules, 3);

	/* With minor + corrected + no harm: both grounds in the trace. */
	q.harm = PENALTY_HARM_NONE;
	q.corrected = 1;
	q.first = 1;
	q.grounds = PENALTY_GROUND_CONFESSED;
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
	assert_rule(&s, "PEN-005", "no-fault", PENALTY_RULE_APPLIED);
	assert_rule(&s, "PEN-007", "minor-corrected-no-harm",
	    PENALTY_RULE_APPLIED);
	assert_null(rule(&s, "PEN-010", "first-violation-exemption"));
	assert_null(rule(&s, "PEN-011", "lighter"));
	/* On a warning-only item too. */
	penalty_query_init(&q);
	q.no_fault = 1;
	assert_int_equal(suggest("FPL-67", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
}

/* PEN-006: under 14 no penalty; 14 to 17 mandatory mitigation. */
static void
test_penalty__pen006_age(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;

	penalty_query_init(&q);
	q.age = 13;
	assert_int_equal(suggest("FPL-65-2", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
	assert_rule(&s, "PEN-006", "age-under-14", PENALTY_RULE_APPLIED);
	/* 14 and 17: lighter, 减轻 open (500 is the minimum). */
	q.age = 14;
	assert_int_equal(suggest("FPL-65-2", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_FINE);
	assert_rule(&s, "PEN-011", "lighter", PENALTY_RULE_APPLIED);
	assert_string_equal(rule(&s, "PEN-011", "lighter")->source,
	    "行政处罚法 art. 30");
	assert_range(s.range, 1550, 1775);
	assert_rule(&s, "PEN-013", "reduction", PENALTY_RULE_AVAILABLE);
	assert_range(s.reduction, 1, 499);
	q.age = 17;
	q.reduce = 1;
	assert_int_equal(suggest("FPL-65-2", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_range(s.range, 1, 499);
	/* 18: an adult, nothing. */
	q.age = 18;
	q.reduce = 0;
	assert_int_equal(suggest("FPL-65-2", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_range(s.range, 1550, 2000);
	assert_null(rule(&s, "PEN-011", "lighter"));
	/* An age for a unit is refused. */
	assert_int_equal(suggest("FPL-65-2", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "age");
	q.age = PENALTY_AGE_MAX + 1;
	assert_int_equal(suggest("FPL-65-2", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "age");
}

/* PEN-010: 首违不罚 is proposed, never decided. */
static void
test_penalty__pen010_first_violation_proposed(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	char				*js;
	json_t				*j;

	penalty_query_init(&q);
	q.first = 1;
	q.corrected = 1;
	q.harm = PENALTY_HARM_MINOR;
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_FINE);
	assert_true(s.first_exemption);
	assert_int_equal(s.window_months, 12);
	assert_rule(&s, "PEN-010", "first-violation-exemption",
	    PENALTY_RULE_PROPOSED);
	assert_range(s.range, 5000, 18500);
	j = penalty_suggestion_json(&s);
	js = jx_dump(j);
	assert_non_null(strstr(js, "{\"id\":\"PEN-010\",\"rule\":"
	    "\"first-violation-exemption\",\"status\":\"proposed\","));
	free(js);
	json_decref(j);
	/* General tier: still proposed (the template's limit). */
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_rule(&s, "PEN-010", "first-violation-exemption",
	    PENALTY_RULE_PROPOSED);
	/* Serious tier: above the limit. */
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_false(s.first_exemption);
	assert_rule(&s, "PEN-010", "first-violation-exemption",
	    PENALTY_RULE_NOT_AVAILABLE);
	/* Not first, not corrected, serious harm: nothing. */
	q.first = 0;
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_null(rule(&s, "PEN-010", "first-violation-exemption"));
	q.first = 1;
	q.corrected = 0;
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_null(rule(&s, "PEN-010", "first-violation-exemption"));
	q.corrected = 1;
	q.harm = PENALTY_HARM_SERIOUS;
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_null(rule(&s, "PEN-010", "first-violation-exemption"));
	/* Harm none, general tier: proposed too (harm at most minor). */
	q.harm = PENALTY_HARM_NONE;
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_true(s.first_exemption);
	/* With a mandatory ground: proposed and lighter. */
	q.grounds = PENALTY_GROUND_ELIMINATED_HARM;
	q.harm = PENALTY_HARM_MINOR;
	assert_int_equal(suggest("FPL-60-5", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_true(s.first_exemption);
	assert_true(s.lighter);
	assert_range(s.range, 18500, 27500);
	/* On the warning-only item. */
	penalty_query_init(&q);
	q.first = 1;
	q.corrected = 0;
	assert_int_equal(suggest("FPL-67", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_WARNING);
	assert_null(rule(&s, "PEN-010", "first-violation-exemption"));
}

/* PEN-011: each ground of art. 32 alone, and several: the lower half. */
static void
test_penalty__pen011_lighter_each_ground(void **state)
{
	static const char *const codes[] = { "eliminated_harm", "coerced",
	    "confessed", "meritorious", "other_statutory" };
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	unsigned			 g;
	size_t				 i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		penalty_query_init(&q);
		assert_int_equal(penalty_ground_parse(codes[i], &g, &e), 0);
		q.grounds = g;
		assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
		    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
		assert_true(s.lighter);
		assert_range(s.tier_range, 18500, 36500);
		assert_range(s.range, 18500, 27500);
		assert_rule(&s, "PEN-011", "lighter", PENALTY_RULE_APPLIED);
		assert_non_null(strstr(rule(&s, "PEN-011", "lighter")->reason,
		    codes[i]));
		assert_rule(&s, "PEN-013", "reduction",
		    PENALTY_RULE_AVAILABLE);
		assert_range(s.reduction, 1, 4999);
	}
	q.grounds = PENALTY_GROUNDS_ALL;
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_range(s.range, 36500, 43250);
	assert_int_equal(suggest("FPL-58-4", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_range(s.range, 30000, 70500);
}

/* PEN-012: self-found alone, and with a ground. */
static void
test_penalty__pen012_self_found(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;

	penalty_query_init(&q);
	q.self_found = 1;
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_true(s.lighter);
	assert_range(s.range, 18500, 27500);
	assert_rule(&s, "PEN-012", "self-found", PENALTY_RULE_APPLIED);
	assert_null(rule(&s, "PEN-011", "lighter"));
	/* Not a ground of art. 32: no 减轻. */
	assert_false(s.reducible);
	assert_null(rule(&s, "PEN-013", "reduction"));
	q.reduce = 1;
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "reduce");
	/* With a ground: both in the trace, the same lower half. */
	q.reduce = 0;
	q.grounds = PENALTY_GROUND_COERCED;
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_range(s.range, 18500, 27500);
	assert_rule(&s, "PEN-011", "lighter", PENALTY_RULE_APPLIED);
	assert_rule(&s, "PEN-012", "self-found", PENALTY_RULE_APPLIED);
}

/* PEN-013: reduced punishment, available and chosen, and its limits. */
static void
test_penalty__pen013_reduction(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;

	penalty_query_init(&q);
	q.grounds = PENALTY_GROUND_MERITORIOUS;
	q.reduce = 1;
	assert_int_equal(suggest("FPL-58-4", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_true(s.reduced);
	assert_false(s.lighter);
	assert_range(s.range, 1, 29999);
	assert_range(s.tier_range, 219000, 300000);
	assert_rule(&s, "PEN-013", "reduction", PENALTY_RULE_APPLIED);
	assert_null(rule(&s, "PEN-011", "lighter"));
	/* Combined with self-found, first violation and minor harm. */
	q.self_found = 1;
	q.first = 1;
	q.corrected = 1;
	q.harm = PENALTY_HARM_MINOR;
	assert_int_equal(suggest("FPL-58-4", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_range(s.range, 1, 29999);
	assert_rule(&s, "PEN-012", "self-found", PENALTY_RULE_APPLIED);
	assert_rule(&s, "PEN-010", "first-violation-exemption",
	    PENALTY_RULE_PROPOSED);
	/* The floor of the template in t1 is 40 % of the minimum. */
	assert_int_equal(load_text(t1, &e), 0);
	penalty_query_init(&q);
	q.grounds = PENALTY_GROUND_CONFESSED;
	q.band = "small";
	assert_int_equal(suggest("GD-2", PENALTY_UNIT, PENALTY_TIER_GENERAL,
	    "small", &q, &s, &e), 0);
	assert_range(s.reduction, 400, 999);
	assert_true(s.template);	/* mitigation is [U] there */
	load_shipped();

	/* No ground, no minimum, an item without 减轻: refused. */
	penalty_query_init(&q);
	q.reduce = 1;
	assert_int_equal(suggest("FPL-58-4", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "reduce");
	q.grounds = PENALTY_GROUND_COERCED;
	assert_int_equal(suggest("FPL-60-3", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "reduce");
	assert_non_null(strstr(e.msg, "no minimum"));
	assert_int_equal(suggest("FPL-67", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "reduce");
	/* Without --reduce, a minimum of 0 says not available. */
	q.reduce = 0;
	assert_int_equal(suggest("FPL-69-1b", PENALTY_UNIT,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_rule(&s, "PEN-013", "reduction", PENALTY_RULE_NOT_AVAILABLE);
	assert_false(s.reducible);
	assert_range(s.range, 35000, 42500);
}

/* PEN-004: items fined only after a deadline or a refusal. */
static void
test_penalty__pen004_fine_condition(void **state)
{
	static const char *const after[] = { "FPL-65-2", "FPL-66", "FPL-67",
	    "GD-44", "GD-47", "GD-48", "GD-49" };
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	size_t				 i;

	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		penalty_query_init(&q);
		q.corrected = 1;
		q.area = strcmp(after[i], "GD-47") == 0 ? 500 :
		    strcmp(after[i], "GD-48") == 0 ? 5000 : -1;
		q.band = strcmp(after[i], "GD-44") == 0 ? "serious" : NULL;
		assert_int_equal(suggest(after[i], strcmp(after[i], "FPL-67") ==
		    0 ? PENALTY_INDIVIDUAL : PENALTY_UNIT,
		    PENALTY_TIER_SERIOUS, q.band, &q, &s, &e), 0);
		assert_int_equal(s.outcome, PENALTY_NO_PENALTY);
		assert_rule(&s, "PEN-004", "fine-condition",
		    PENALTY_RULE_APPLIED);
	}
	/* Not corrected: due; FPL-66's fine is optional. */
	penalty_query_init(&q);
	assert_int_equal(suggest("FPL-66", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_FINE);
	assert_rule(&s, "PEN-004", "fine-condition", PENALTY_RULE_APPLIED);
	assert_rule(&s, "PEN-004", "fine-optional", PENALTY_RULE_APPLIED);
	assert_non_null(strstr(rule(&s, "PEN-004", "fine-condition")->reason,
	    "by the deadline"));
	/* Items fined for the act itself have no such rule. */
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_null(rule(&s, "PEN-004", "fine-condition"));
}

/* PEN-014, PEN-015: warnings and the simple procedure. */
static void
test_penalty__pen014_pen015_warning_and_simple_procedure(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;

	penalty_query_init(&q);
	assert_int_equal(suggest("FPL-63", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_true(s.warning);
	assert_rule(&s, "PEN-014", "warning", PENALTY_RULE_APPLIED);
	assert_true(s.simple_procedure);
	/* A unit's minor tier of FPL-66 starts at 1 000 <= 3 000. */
	assert_int_equal(suggest("FPL-66", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_false(s.warning);
	assert_true(s.simple_procedure);
	assert_rule(&s, "PEN-015", "simple-procedure", PENALTY_RULE_APPLIED);
	/* FPL-60-3 for a unit starts at 5 000: no. */
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_false(s.simple_procedure);
	assert_null(rule(&s, "PEN-015", "simple-procedure"));
	/* An individual's FPL-65-2 minor tier starts at 500 > 200: no. */
	assert_int_equal(suggest("FPL-65-2", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_MINOR, NULL, &q, &s, &e), 0);
	assert_false(s.simple_procedure);
	/* A warning-only item. */
	assert_int_equal(suggest("FPL-67", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_SERIOUS, NULL, &q, &s, &e), 0);
	assert_int_equal(s.outcome, PENALTY_WARNING);
	assert_true(s.simple_procedure);
}

/* PEN-016: one act under two norms takes the higher fine. */
static void
test_penalty__pen016_higher_norm(void **state)
{
	static const char *const a[] = { "FPL-60-3", "FPL-58-4" };
	static const char *const b[] = { "FPL-60-3", "FPL-60-1" };
	static const char *const c[] = { "FPL-69-1b", "FPL-60-1" };
	static const char *const d[] = { "FPL-60-3", "GD-44", "GD-49" };
	static const char *const f[] = { "FPL-60-3", "FPL-63" };
	static const char *const g[] = { "FPL-60-3", "FPL-60-3" };
	static const char *const h[] = { "FPL-60-3", "FPL-99" };
	static const char *const i2[] = { "GD-49", "FPL-65-2" };
	struct err	e;
	int		chosen;

	assert_int_equal(penalty_higher_norm(NULL, a, 2, PENALTY_UNIT,
	    &chosen, &e), 0);
	assert_int_equal(chosen, 1);
	/* Equal: the first given. */
	assert_int_equal(penalty_higher_norm(NULL, b, 2, PENALTY_UNIT,
	    &chosen, &e), 0);
	assert_int_equal(chosen, 0);
	/* Equal maximum: the higher minimum. */
	assert_int_equal(penalty_higher_norm(NULL, c, 2, PENALTY_UNIT,
	    &chosen, &e), 0);
	assert_int_equal(chosen, 1);
	/* GD-44's serious band reaches 50 000 from 20 000. */
	assert_int_equal(penalty_higher_norm(NULL, d, 3, PENALTY_UNIT,
	    &chosen, &e), 0);
	assert_int_equal(chosen, 1);
	/* Individuals: FPL-65-2 (2 000) over GD-49 (1 000). */
	assert_int_equal(penalty_higher_norm(NULL, i2, 2, PENALTY_INDIVIDUAL,
	    &chosen, &e), 0);
	assert_int_equal(chosen, 1);
	/* Refused: a norm without the party, twice, unknown, one alone. */
	assert_int_equal(penalty_higher_norm(NULL, f, 2, PENALTY_UNIT,
	    &chosen, &e), ERR_INVALID);
	assert_string_equal(e.field, "items");
	assert_non_null(strstr(e.msg, "FPL-63"));
	assert_int_equal(penalty_higher_norm(NULL, g, 2, PENALTY_UNIT,
	    &chosen, &e), ERR_INVALID);
	assert_string_equal(e.field, "items");
	assert_int_equal(penalty_higher_norm(NULL, h, 2, PENALTY_UNIT,
	    &chosen, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "FPL-99"));
	assert_int_equal(penalty_higher_norm(NULL, a, 1, PENALTY_UNIT,
	    &chosen, &e), ERR_INVALID);
	assert_int_equal(penalty_higher_norm("v0", a, 2, PENALTY_UNIT,
	    &chosen, &e), ERR_INVALID);
	assert_string_equal(e.field, "version");
}

/* PEN-017: a decided amount against the suggestion. */
static void
test_penalty__pen017_check_amount(void **state)
{
	static const struct {
		int64_t				yuan;
		enum penalty_amount_check	want;
	} general[] = {
		{ 18500, PENALTY_AMOUNT_IN_RANGE },
		{ 36500, PENALTY_AMOUNT_IN_RANGE },
		{ 18499, PENALTY_AMOUNT_BELOW_RANGE },
		{ 5000, PENALTY_AMOUNT_BELOW_RANGE },
		{ 4999, PENALTY_AMOUNT_BELOW_MINIMUM },
		{ 0, PENALTY_AMOUNT_BELOW_MINIMUM },
		{ 36501, PENALTY_AMOUNT_ABOVE_RANGE },
		{ 50000, PENALTY_AMOUNT_ABOVE_RANGE },
		{ 50001, PENALTY_AMOUNT_ABOVE_MAXIMUM },
	};
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	enum penalty_amount_check	 c;
	struct err			 e;
	size_t				 i;

	penalty_query_init(&q);
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	for (i = 0; i < sizeof(general) / sizeof(general[0]); i++) {
		assert_int_equal(penalty_check_amount(&s, general[i].yuan, &c,
		    &e), 0);
		if (c != general[i].want)
			fail_msg("%lld yuan: %s, want %s",
			    (long long)general[i].yuan,
			    penalty_amount_check_str(c),
			    penalty_amount_check_str(general[i].want));
	}
	/* In fen: 36 500.01 yuan is above the range. */
	assert_int_equal(penalty_check_amount_fen(&s, 3650001, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_ABOVE_RANGE);
	assert_int_equal(penalty_check_amount_fen(&s, 3650000, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_IN_RANGE);
	assert_int_equal(penalty_check_amount(&s, -1, &c, &e), ERR_INVALID);
	assert_string_equal(e.field, "amount");
	assert_int_equal(penalty_check_amount_fen(&s, -1, &c, &e),
	    ERR_INVALID);
	/* With 减轻 open: below the minimum is lawful down to the floor. */
	q.grounds = PENALTY_GROUND_COERCED;
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_int_equal(penalty_check_amount(&s, 30000, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_ABOVE_RANGE);	/* > 27 500 */
	assert_int_equal(penalty_check_amount(&s, 1000, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_BELOW_RANGE);
	assert_int_equal(penalty_check_amount(&s, 0, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_BELOW_MINIMUM);
	/* Chosen: the reduced range is the range. */
	q.reduce = 1;
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_int_equal(penalty_check_amount(&s, 4999, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_IN_RANGE);
	assert_int_equal(penalty_check_amount(&s, 5000, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_ABOVE_RANGE);
	/* A warning where allowed (0 yuan) is below the range, lawful. */
	penalty_query_init(&q);
	assert_int_equal(suggest("FPL-60-3", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_int_equal(penalty_check_amount(&s, 0, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_BELOW_RANGE);
	/* No penalty due, and a warning-only item. */
	q.corrected = 1;
	assert_int_equal(suggest("FPL-60-3", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_MINOR, NULL, &q, &s, &e), 0);
	assert_int_equal(penalty_check_amount(&s, 1, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_NOT_DUE);
	assert_int_equal(penalty_check_amount(&s, 0, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_IN_RANGE);
	q.corrected = 0;
	assert_int_equal(suggest("FPL-67", PENALTY_INDIVIDUAL,
	    PENALTY_TIER_MINOR, NULL, &q, &s, &e), 0);
	assert_int_equal(penalty_check_amount(&s, 100, &c, &e), 0);
	assert_int_equal(c, PENALTY_AMOUNT_ABOVE_MAXIMUM);
}

/* PEN-002: unknown values refused naming the field; out left alone. */
static void
test_penalty__pen002_unknown_values(void **state)
{
	static const struct {
		const char		*item;
		int			 party, tier, harm;
		unsigned		 grounds;
		const char		*band;
		int64_t			 area;
		const char		*field, *named;
	} bad[] = {
		{ "FPL-99", 0, 0, 0, 0, NULL, -1, "item", "FPL-99" },
		{ NULL, 0, 0, 0, 0, NULL, -1, "item", "(null)" },
		{ "fpl-60-3", 0, 0, 0, 0, NULL, -1, "item", "fpl-60-3" },
		{ "FPL-63", PENALTY_UNIT, 0, 0, 0, NULL, -1, "party",
		    "FPL-63" },
		{ "FPL-60-1", PENALTY_INDIVIDUAL, 0, 0, 0, NULL, -1, "party",
		    "individual" },
		{ "FPL-60-1", 7, 0, 0, 0, NULL, -1, "party", "party" },
		{ "FPL-60-1", 0, 3, 0, 0, NULL, -1, "tier", "tier" },
		{ "FPL-60-1", 0, 0, 9, 0, NULL, -1, "harm", "harm" },
		{ "FPL-60-1", 0, 0, 0, 1u << 7, NULL, -1, "mitigating",
		    "ground" },
		{ "GD-47", 0, 0, 0, 0, NULL, -1, "band", "lt-1000, gt-1000" },
		{ "GD-47", 0, 0, 0, 0, "huge", -1, "band", "huge" },
		{ "GD-47", 0, 0, 0, 0, NULL, 1000, "area", "1000 m²" },
		{ "GD-48", 0, 0, 0, 0, NULL, 999, "area", "999 m²" },
		{ "GD-47", 0, 0, 0, 0, "lt-1000", 500, "band", "not both" },
		{ "GD-45", 0, 0, 0, 0, NULL, 500, "area", "no bands by area" },
	};
	static const char *const parse_bad[] = { "", "Unit", "units", NULL };
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	enum penalty_party		 p;
	enum penalty_tier		 t;
	enum penalty_harm		 h;
	struct err			 e;
	unsigned			 g;
	size_t				 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		penalty_query_init(&q);
		q.harm = (enum penalty_harm)bad[i].harm;
		q.grounds = bad[i].grounds;
		q.area = bad[i].area;
		memset(&s, 0x5a, sizeof(s));
		assert_int_equal(suggest(bad[i].item,
		    (enum penalty_party)bad[i].party,
		    (enum penalty_tier)bad[i].tier, bad[i].band, &q, &s, &e),
		    ERR_INVALID);
		if (strcmp(e.field, bad[i].field) != 0)
			fail_msg("case %zu: field %s, want %s", i, e.field,
			    bad[i].field);
		if (strstr(e.msg, bad[i].named) == NULL)
			fail_msg("case %zu: '%s' does not name '%s'", i, e.msg,
			    bad[i].named);
		assert_int_equal(s.nrules, 0x5a5a5a5a);
	}
	for (i = 0; i < sizeof(parse_bad) / sizeof(parse_bad[0]); i++) {
		assert_int_equal(penalty_party_parse(parse_bad[i], &p, &e),
		    ERR_INVALID);
		assert_string_equal(e.field, "party");
	}
	assert_int_equal(penalty_party_parse("individual", &p, &e), 0);
	assert_int_equal(p, PENALTY_INDIVIDUAL);
	assert_int_equal(penalty_tier_parse("grave", &t, &e), ERR_INVALID);
	assert_string_equal(e.field, "tier");
	assert_non_null(strstr(e.msg, "grave"));
	assert_int_equal(penalty_tier_parse("serious", &t, &e), 0);
	assert_int_equal(t, PENALTY_TIER_SERIOUS);
	assert_int_equal(penalty_harm_parse("some", &h, &e), ERR_INVALID);
	assert_string_equal(e.field, "harm");
	assert_int_equal(penalty_ground_parse("pity", &g, &e), ERR_INVALID);
	assert_string_equal(e.field, "mitigating");
	assert_non_null(strstr(e.msg, "pity"));
	assert_int_equal(penalty_ground_parse("other_statutory", &g, &e), 0);
	assert_int_equal(g, PENALTY_GROUND_OTHER_STATUTORY);
	/* An unknown version. */
	penalty_query_init(&q);
	q.version = "v7";
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "version");
}

/* PEN-001: broken files are refused naming the key; the loaded set stays. */
static void
test_penalty__pen001_broken_files_refused(void **state)
{
	static const struct {
		const char	*from, *to, *field, *msg;
	} bad[] = {
		{ "\"source\": \"tests/unit/test_penalty.c\",",
		    "\"source\": \"tests/unit/test_penalty.c\", \"colour\": 1,",
		    "colour", "unknown key" },
		{ "\"measures\": \"责令限期改正\",",
		    "\"colour\": 2, \"measures\": \"责令限期改正\",",
		    "items[GD-2].colour", "unknown key" },
		{ "\"id\": \"GD-2\"", "\"id\": \"FPL-1\"", "items[FPL-1]",
		    "duplicate id" },
		{ "\"id\": \"GD-2\"", "\"id\": \"FPL-01\"", "items[1].id",
		    "is not FPL-" },
		{ "\"min\": 1000, \"max\": 2000",
		    "\"min\": 3000, \"max\": 2000",
		    "items[GD-2].parties.unit[small].min",
		    "3000 is above max (2000)" },
		{ "\"min\": 2000, \"max\": 4000", "\"min\": -1, \"max\": 4000",
		    "items[GD-2].parties.unit[large].min",
		    "must be an integer" },
		{ "\"from\": 30,", "\"from\": 35,", "tiers.bands[1].from",
		    "must be 30" },
		{ "\"from\": 70, \"to\": 100", "\"from\": 70, \"to\": 90",
		    "tiers.bands[2].to", "must be 100" },
		{ "\"from\": 0, \"to\": 20", "\"from\": 5, \"to\": 20",
		    "items[GD-2].tiers.bands[0].from", "must be 0" },
		{ "\"tier\": \"minor\", \"name_zh\": \"较轻\", \"from\": 0, "
		    "\"to\": 30", "\"tier\": \"general\", \"name_zh\": \"较轻\", "
		    "\"from\": 0, \"to\": 30", "tiers.bands[0].tier",
		    "must be minor" },
		{ "\"from\": 20, \"to\": 60", "\"from\": 20, \"to\": 20",
		    "items[GD-2].tiers.bands[1].to", "must be above from" },
		{ "\"min\": 0, \"max\": 5, \"warning\": false",
		    "\"min\": 0, \"max\": 0, \"warning\": false",
		    "items[FPL-1].parties.unit[default].max", "needs warning" },
		{ "\"version\": \"t1\"", "\"version\": \"t2\"", "version",
		    "must be t1" },
		{ "\"template\": true", "\"template\": false", "template",
		    "tiers is not confirmed" },
		{ "\"band\": \"large\"", "\"band\": \"small\"",
		    "items[GD-2].parties.unit[small]", "duplicate band" },
		{ "\"area\": { \"ge\": 100 }", "\"area\": { \"ge\": 99 }",
		    "items[GD-2].parties.unit[large].area",
		    "overlaps the area of band small" },
		{ "\"area\": { \"lt\": 100 }", "\"area\": { \"gt\": 100, "
		    "\"lt\": 100 }", "items[GD-2].parties.unit[small].area",
		    "leave no area" },
		{ "\"status\": \"C\", \"source\": \"own split\"",
		    "\"status\": \"X\", \"source\": \"own split\"",
		    "items[GD-2].tiers.status", "one of C, P, U" },
		{ "\"fine_condition\": \"deadline\"",
		    "\"fine_condition\": \"later\"",
		    "items[GD-2].fine_condition", "none, deadline, refusal" },
		{ "\"lighter_share_pct\": 50", "\"lighter_share_pct\": 0",
		    "mitigation.lighter_share_pct", "from 1 to 100" },
		{ "\"max_tier\": \"serious\"", "\"max_tier\": \"grave\"",
		    "first_violation.max_tier", "one of minor" },
		{ "\"individual\": [ { \"band\": \"default\", \"min\": 0,",
		    "\"person\": [ { \"band\": \"default\", \"min\": 0,",
		    "items[FPL-1].parties.person", "unknown key" },
		{ "\"code\": \"doors\"", "\"code\": \"Doors\"",
		    "items[GD-2].minor.limits[0].code", "must be" },
		{ "\"format\": \"firewarden-penalty-items-v1\"",
		    "\"format\": \"firewarden-penalty-items-v2\"", "format",
		    "must be firewarden-penalty-items-v1" },
		{ "\"effective\": \"2030-01-01\"", "\"effective\": "
		    "\"2030-02-30\"", "effective", "must be a date" },
	};
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	char				*text, dir[] = "/tmp/fw-penalty-XXXXXX";
	size_t				 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = variant(bad[i].from, bad[i].to);
		assert_int_equal(load_text(text, &e), ERR_INVALID);
		if (strcmp(e.field, bad[i].field) != 0)
			fail_msg("case %zu: field '%s', want '%s' (%s)", i,
			    e.field, bad[i].field, e.msg);
		if (strstr(e.msg, bad[i].msg) == NULL ||
		    strstr(e.msg, "items-t1.json: ") != e.msg)
			fail_msg("case %zu: message '%s' lacks '%s'", i, e.msg,
			    bad[i].msg);
		free(text);
	}
	/* A duplicate JSON key. */
	text = variant("\"measures\": \"责令改正\"", "\"measures\": \"甲\", "
	    "\"measures\": \"责令改正\"");
	assert_int_equal(load_text(text, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "duplicate"));
	free(text);
	/* No file, and a malformed name. */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(penalty_load_dir(dir, &e), ERR_IO);
	write_file(dir, "items-.json", t1);
	assert_int_equal(penalty_load_dir(dir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "items-.json"));
	rm_file(dir, "items-.json");
	/* Two versions on one date. */
	write_file(dir, "items-t1.json", t1);
	text = variant("\"version\": \"t1\"", "\"version\": \"t2\"");
	write_file(dir, "items-t2.json", text);
	free(text);
	assert_int_equal(penalty_load_dir(dir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "also the date of version t1"));
	rm_file(dir, "items-t1.json");
	rm_file(dir, "items-t2.json");
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(penalty_load_dir("/nonexistent/penalty", &e),
	    ERR_IO);

	/* The shipped set is still loaded. */
	penalty_query_init(&q);
	assert_int_equal(suggest("FPL-60-3", PENALTY_UNIT,
	    PENALTY_TIER_GENERAL, NULL, &q, &s, &e), 0);
	assert_string_equal(s.version, "v1");
}

/* Several versions: the latest by default, another by name. */
static void
test_penalty__pen001_versions(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	char				*v1 = NULL, *src;
	char				 dir[] = "/tmp/fw-penalty-XXXXXX";
	FILE				*f;
	long				 n;

	src = xasprintf("%s/items-v1.json", penalty_dir);
	assert_non_null(f = fopen(src, "rb"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	v1 = xmalloc((size_t)n + 1);
	assert_int_equal(fread(v1, 1, (size_t)n, f), (size_t)n);
	v1[n] = '\0';
	fclose(f);
	free(src);
	assert_non_null(mkdtemp(dir));
	write_file(dir, "items-v1.json", v1);
	write_file(dir, "items-t1.json", t1);
	if (penalty_load_dir(dir, &e) < 0)
		fail_msg("%s", e.msg);
	penalty_query_init(&q);
	assert_int_equal(suggest("FPL-1", PENALTY_UNIT, PENALTY_TIER_MINOR,
	    NULL, &q, &s, &e), 0);
	assert_string_equal(s.version, "t1");
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
	    PENALTY_TIER_MINOR, NULL, &q, &s, &e), ERR_INVALID);
	assert_string_equal(e.field, "item");
	q.version = "v1";
	assert_int_equal(suggest("FPL-60-1", PENALTY_UNIT,
	    PENALTY_TIER_MINOR, NULL, &q, &s, &e), 0);
	assert_string_equal(s.version, "v1");
	rm_file(dir, "items-v1.json");
	rm_file(dir, "items-t1.json");
	assert_int_equal(rmdir(dir), 0);
	free(v1);
	load_shipped();
}

/* The JSON: the keys of the issue, in order, and the trace. */
static void
test_penalty__json_shape(void **state)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	json_t				*j;
	char				*js;

	penalty_query_init(&q);
	q.grounds = PENALTY_GROUND_CONFESSED;
	assert_int_equal(suggest("GD-47", PENALTY_UNIT, PENALTY_TIER_GENERAL,
	    "gt-1000", &q, &s, &e), 0);
	j = penalty_suggestion_json(&s);
	js = jx_dump(j);
	assert_non_null(strstr(js, "{\"version\":\"v1\",\"item\":\"GD-47\","
	    "\"name\":"));
	assert_non_null(strstr(js, "\"party\":\"unit\",\"band\":\"gt-1000\","
	    "\"tier\":\"general\",\"statutory\":{\"min\":20000,\"max\":50000,"
	    "\"warning\":false},\"outcome\":\"fine\",\"range\":{\"min\":29000,"
	    "\"max\":35000},\"tier_range\":{\"min\":29000,\"max\":41000},"
	    "\"reduction\":{\"min\":1,\"max\":19999},\"warning\":false,"
	    "\"simple_procedure\":false,"));
	assert_non_null(strstr(js, "{\"id\":\"PEN-011\",\"rule\":\"lighter\","
	    "\"status\":\"applied\",\"source\":\"行政处罚法 art. 32\","
	    "\"reason\":\"lighter punishment (从轻, mandatory) on art. 32 "
	    "confessed: the lower 50 % of the tier, 29000 to 35000 yuan\"}"));
	free(js);
	json_decref(j);
}

/* Loaded once, read-only after: suggestions from several threads agree. */
static void *
suggest_many(void *arg)
{
	struct penalty_suggestion	 s;
	struct penalty_query		 q;
	struct err			 e;
	intptr_t			 bad = 0;
	int				 i, k;

	for (i = 0; i < 300; i++)
		for (k = 0; k < NROWS; k++) {
			penalty_query_init(&q);
			q.item = rows[k].item;
			q.party = rows[k].party;
			q.band = rows[k].band;
			q.tier = PENALTY_TIER_GENERAL;
			if (penalty_suggest(&q, &s, &e) != 0 ||
			    (rows[k].max > 0 && (s.range.min != rows[k].e30 ||
			    s.range.max != rows[k].e70)))
				bad++;
		}
	return (void *)bad;
}

static void
test_penalty__threads(void **state)
{
	pthread_t	t[4];
	void		*bad;
	int		 i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, suggest_many,
		    NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_true(bad == NULL);
	}
}

/* data/penalty of the source tree. */
static void
find_data(void)
{
	char	*p;

	snprintf(penalty_dir, sizeof(penalty_dir), "%s", __FILE__);
	if ((p = strstr(penalty_dir, "tests/unit/test_penalty.c")) != NULL)
		snprintf(p, sizeof(penalty_dir) - (size_t)(p - penalty_dir),
		    "data/penalty");
	if (access(penalty_dir, R_OK) == 0)
		return;
	snprintf(penalty_dir, sizeof(penalty_dir), "../data/penalty");
	if (access(penalty_dir, R_OK) == 0)
		return;
	snprintf(penalty_dir, sizeof(penalty_dir), "data/penalty");
}

#define T(f)	cmocka_unit_test_setup(f, test_setup)

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		T(test_penalty__pen001_shipped_items),
		T(test_penalty__pen009_tier_edges_every_item),
		T(test_penalty__pen009_rounding_and_own_tiers),
		T(test_penalty__pen007_minor_corrected_no_harm),
		T(test_penalty__pen005_no_fault),
		T(test_penalty__pen006_age),
		T(test_penalty__pen010_first_violation_proposed),
		T(test_penalty__pen011_lighter_each_ground),
		T(test_penalty__pen012_self_found),
		T(test_penalty__pen013_reduction),
		T(test_penalty__pen004_fine_condition),
		T(test_penalty__pen014_pen015_warning_and_simple_procedure),
		T(test_penalty__pen016_higher_norm),
		T(test_penalty__pen017_check_amount),
		T(test_penalty__pen002_unknown_values),
		T(test_penalty__pen001_broken_files_refused),
		T(test_penalty__pen001_versions),
		T(test_penalty__json_shape),
		T(test_penalty__threads),
	};

	jx_init();
	find_data();
	return cmocka_run_group_tests_name("penalty", tests, group_setup,
	    group_teardown);
}
