/*
 * Unit tests of the GB 35181 judgement (hazard_judge): the shipped 2017
 * file and its figures (HAZ-J01), the edition in force by date with a
 * synthetic 2025 edition written here (HAZ-J02), exclusions (HAZ-J03),
 * each direct element (HAZ-J04), the composite rules of every place
 * category at threshold - 1 and at threshold (HAZ-J05), bad inputs
 * naming the field (HAZ-J06) and broken data files refused at load.
 * The 2017 thresholds are written here on purpose: changing the data
 * file's figures must be a visible change to these tests too.
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
#include "domain/hazard_judge.h"

static char	hazard_dir[512];	/* data/hazard of the source tree */

/* A small, valid edition: the template of the broken files. */
static const char	ed2025[] =
"{\n"
"  \"format\": \"firewarden-gb35181-v1\",\n"
"  \"edition\": \"2025\",\n"
"  \"standard\": \"GB 35181-2025\",\n"
"  \"title\": \"重大火灾隐患判定规则\",\n"
"  \"effective\": \"2025-11-01\",\n"
"  \"effective_confirmed\": true,\n"
"  \"template\": true,\n"
"  \"note\": \"synthetic edition of the unit tests\",\n"
"  \"source\": \"tests/unit/test_hazard_judge.c\",\n"
"  \"groups\": [\n"
"    { \"code\": \"5\", \"name_zh\": \"直接判定要素\",\n"
"      \"confirmed\": false },\n"
"    { \"code\": \"6.1\", \"name_zh\": \"测试组\", \"confirmed\": false }\n"
"  ],\n"
"  \"direct\": [\n"
"    { \"code\": \"5.1\", \"group\": \"5\", \"text_zh\": \"直接一\", "
"\"confirmed\": false },\n"
"    { \"code\": \"5.2\", \"group\": \"5\", \"text_zh\": \"直接二\", "
"\"confirmed\": false }\n"
"  ],\n"
"  \"composite\": [\n"
"    { \"code\": \"6.1.1\", \"group\": \"6.1\", \"text_zh\": \"综合一\", "
"\"confirmed\": false },\n"
"    { \"code\": \"6.1.2\", \"group\": \"6.1\", \"text_zh\": \"综合二\", "
"\"confirmed\": false },\n"
"    { \"code\": \"6.1.3\", \"group\": \"6.1\", \"text_zh\": \"综合三\", "
"\"confirmed\": false }\n"
"  ],\n"
"  \"places\": [\n"
"    { \"code\": \"crowded\", \"name_zh\": \"人员密集场所\", "
"\"name_en\": \"crowded places\",\n"
"      \"rules\": [ { \"counts\": [\"6.1.1\", \"6.1.2\"], \"threshold\": 2, "
"\"confirmed\": false, \"source\": \"test\" } ] }\n"
"  ],\n"
"  \"exclusions\": []\n"
"}\n";

static void
load_shipped(void)
{
	struct err	e;

	if (hazard_judge_load_dir(hazard_dir, &e) < 0)
		fail_msg("%s: %s", hazard_dir, e.msg);
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

/* The template with the one occurrence of from replaced by to. */
static char *
variant(const char *from, const char *to)
{
	const char	*at = strstr(ed2025, from);

	if (at == NULL || strstr(at + 1, from) != NULL)
		fail_msg("'%s' is not once in the template", from);
	return xasprintf("%.*s%s%s", (int)(at - ed2025), ed2025, to,
	    at + strlen(from));
}

/* The shipped 2017 file copied into dir. */
static void
copy_2017(const char *dir)
{
	char	*src = xasprintf("%s/gb35181-2017.json", hazard_dir);
	char	 buf[1 << 17];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(src, "rb")) == NULL)
		fail_msg("cannot read %s", src);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_true(n < sizeof(buf) - 1);
	write_file(dir, "gb35181-2017.json", buf);
	free(src);
}

static void
rm_dir(const char *dir)
{
	static const char *const names[] = { "gb35181-2017.json",
	    "gb35181-2025.json", "gb35181-2024.json", NULL };
	char	*p;
	int	 i;

	for (i = 0; names[i]; i++) {
		p = xasprintf("%s/%s", dir, names[i]);
		unlink(p);
		free(p);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* Judge a comma-separated list; the error code (0 on success). */
static int
judge(const char *edition, const char *place, const char *csv,
    const char *exclusion, struct hazard_judgement *j, struct err *e)
{
	const char	*list[64];
	char		*copy = xstrdup(csv), *p, *save = NULL;
	int		 n = 0, rc;

	for (p = strtok_r(copy, ",", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, ",", &save))
		list[n++] = p;
	err_clear(e);
	rc = hazard_judge(edition, place, list, n, exclusion, j, e);
	free(copy);
	return rc;
}

static char *
dump(const struct hazard_judgement *j)
{
	json_t	*o = hazard_judgement_json(j);
	char	*s = jx_dump(o);

	json_decref(o);
	return s;
}

static int
group_setup(void **state)
{
	load_shipped();
	return 0;
}

static int
group_teardown(void **state)
{
	hazard_judge_unload();
	return 0;
}

/* HAZ-J01: the shipped 2017 file, as FACTS.md §1 says it. */
static void
test_hazard_judge__hazj01_shipped_2017(void **state)
{
	json_t	*list, *doc, *x;
	char	*s;
	size_t	 i;
	int	 unconfirmed = 0;
	struct err	e;

	list = hazard_judge_editions();
	s = jx_dump(list);
	assert_string_equal(s, "[{\"edition\":\"2017\",\"standard\":"
	    "\"GB 35181-2017\",\"title\":\"重大火灾隐患判定方法\","
	    "\"title_en\":\"Method for judging major fire potential\","
	    "\"effective\":\"2018-07-01\",\"effective_confirmed\":false,"
	    "\"superseded\":\"2025-11-01\",\"template\":true}]");
	free(s);
	json_decref(list);

	assert_int_equal(hazard_judge_edition_json("2017", &doc, &e), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "direct")), 10);
	assert_int_equal(json_array_size(json_object_get(doc, "composite")),
	    39);
	assert_int_equal(json_array_size(json_object_get(doc, "places")), 4);
	assert_int_equal(json_array_size(json_object_get(doc, "exclusions")),
	    3);
	/* [U] composite elements 7.3.8 .. 7.9.5 except 7.5 and 7.7.2. */
	json_array_foreach(json_object_get(doc, "composite"), i, x)
		unconfirmed += json_is_false(json_object_get(x, "confirmed"));
	assert_int_equal(unconfirmed, 24);
	/* No counting rule is [C]. */
	json_array_foreach(json_object_get(doc, "places"), i, x)
		assert_true(json_is_false(json_object_get(json_array_get(
		    json_object_get(x, "rules"), 0), "confirmed")));
	json_decref(doc);
	assert_int_equal(hazard_judge_edition_json("1999", &doc, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "edition");
}

/* HAZ-J04: each direct element alone is a major hazard, in every place. */
static void
test_hazard_judge__hazj04_each_direct_element(void **state)
{
	static const char *const places[] = { "crowded", "flammable",
	    "important", "other", NULL };
	struct hazard_judgement	j;
	struct err		e;
	char			code[8], want[32], *s;
	int			i, k;

	for (k = 0; places[k]; k++)
		for (i = 1; i <= 10; i++) {
			snprintf(code, sizeof(code), "6.%d", i);
			assert_int_equal(judge("2017", places[k], code, NULL,
			    &j, &e), 0);
			assert_int_equal(j.outcome, HAZARD_MAJOR);
			assert_int_equal(j.method, HAZARD_METHOD_DIRECT);
			assert_int_equal(j.nelements, 1);
			assert_string_equal(j.elements[0], code);
			assert_int_equal(j.counted, -1);
			snprintf(want, sizeof(want), "direct element %s", code);
			assert_string_equal(j.reason, want);
		}
	/* With composite elements too: still direct, and listed sorted. */
	assert_int_equal(judge("2017", "crowded", "7.5,6.10,7.3.1,6.9", NULL,
	    &j, &e), 0);
	s = dump(&j);
	assert_string_equal(s, "{\"edition\":\"2017\",\"outcome\":\"major\","
	    "\"method\":\"direct\",\"elements\":[\"6.9\",\"6.10\",\"7.3.1\","
	    "\"7.5\"],\"counted\":null,\"threshold\":null,\"reason\":"
	    "\"direct elements 6.9, 6.10\"}");
	free(s);
}

/* HAZ-J05: one row per place category and rule, at threshold - 1 and at it. */
static const struct row {
	const char	*place;
	const char	*elements;
	int		 outcome;
	int		 counted;
	int		 threshold;
} composite_rows[] = {
	/* 人员密集场所: {7.3.1-7.3.9, 7.5, 7.9.3} >= 3 */
	{ "crowded", "7.3.1,7.9.3", HAZARD_NOT_MAJOR, 2, 3 },
	{ "crowded", "7.3.1,7.9.3,7.5", HAZARD_MAJOR, 3, 3 },
	{ "crowded", "7.3.8,7.3.9,7.3.4", HAZARD_MAJOR, 3, 3 },
	/* ... or any four (none of them listed above). */
	{ "crowded", "7.1.1,7.2.2,7.6.1", HAZARD_NOT_MAJOR, 3, 4 },
	{ "crowded", "7.1.1,7.2.2,7.6.1,7.7.2", HAZARD_MAJOR, 4, 4 },
	/* 易燃易爆危险品场所: {7.1.1-7.1.3, 7.4.5, 7.4.6} >= 3, or any 4 */
	{ "flammable", "7.1.1,7.4.5", HAZARD_NOT_MAJOR, 2, 3 },
	{ "flammable", "7.1.1,7.4.5,7.4.6", HAZARD_MAJOR, 3, 3 },
	{ "flammable", "7.1.2,7.1.3,7.4.6", HAZARD_MAJOR, 3, 3 },
	{ "flammable", "7.3.1,7.3.2,7.5", HAZARD_NOT_MAJOR, 3, 4 },
	{ "flammable", "7.3.1,7.3.2,7.5,7.8.1", HAZARD_MAJOR, 4, 4 },
	/* 重要场所: any 4 */
	{ "important", "7.1.1,7.3.1,7.5", HAZARD_NOT_MAJOR, 3, 4 },
	{ "important", "7.1.1,7.3.1,7.5,7.9.5", HAZARD_MAJOR, 4, 4 },
	/* 其他场所: any 6 */
	{ "other", "7.1.1,7.2.1,7.3.1,7.4.1,7.5", HAZARD_NOT_MAJOR, 5, 6 },
	{ "other", "7.1.1,7.2.1,7.3.1,7.4.1,7.5,7.6.1", HAZARD_MAJOR, 6, 6 },
	{ NULL, NULL, 0, 0, 0 },
};

static void
test_hazard_judge__hazj05_composite_at_thresholds(void **state)
{
	const struct row	*r;
	struct hazard_judgement	 j;
	struct err		 e;

	for (r = composite_rows; r->place; r++) {
		assert_int_equal(judge("2017", r->place, r->elements, NULL, &j,
		    &e), 0);
		if ((int)j.outcome != r->outcome || j.counted != r->counted ||
		    j.threshold != r->threshold)
			fail_msg("%s %s: outcome %d counted %d threshold %d, "
			    "want %d %d %d", r->place, r->elements, j.outcome,
			    j.counted, j.threshold, r->outcome, r->counted,
			    r->threshold);
		assert_int_equal(j.method, r->outcome == HAZARD_MAJOR ?
		    HAZARD_METHOD_COMPOSITE : HAZARD_METHOD_NONE);
	}
	assert_int_equal(judge("2017", "crowded", "7.5,7.3.1,7.9.3", NULL, &j,
	    &e), 0);
	assert_string_equal(j.reason, "3 of the counted elements for crowded "
	    "places (threshold 3): 7.3.1, 7.5, 7.9.3");
	assert_int_equal(judge("2017", "other", "", NULL, &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	assert_int_equal(j.nelements, 0);
	assert_int_equal(j.counted, 0);
	assert_int_equal(j.threshold, 6);
}

/* HAZ-J05: elements a category's rules do not count leave it not major. */
static void
test_hazard_judge__hazj05_uncounted_elements(void **state)
{
	struct hazard_judgement	j;
	struct err		e;
	char			*s;

	/* 7.1.4, 7.3.10-7.3.12 are not in the crowded list: 2 of 3, 4 any. */
	assert_int_equal(judge("2017", "crowded", "7.3.1,7.3.2,7.1.4", NULL,
	    &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	/* A tie (1 short each): the first rule is reported. */
	assert_int_equal(j.counted, 2);
	assert_int_equal(j.threshold, 3);
	assert_int_equal(judge("2017", "crowded", "7.3.10,7.3.11,7.3.12",
	    NULL, &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	assert_int_equal(j.counted, 3);
	assert_int_equal(j.threshold, 4);
	s = dump(&j);
	assert_string_equal(s, "{\"edition\":\"2017\",\"outcome\":"
	    "\"not-major\",\"method\":null,\"elements\":[\"7.3.10\","
	    "\"7.3.11\",\"7.3.12\"],\"counted\":3,\"threshold\":4,\"reason\":"
	    "\"no direct element; closest rule: 3 composite elements for "
	    "crowded places (threshold 4): 7.3.10, 7.3.11, 7.3.12\"}");
	free(s);
	/* The crowded list is not the flammable one. */
	assert_int_equal(judge("2017", "flammable", "7.3.1,7.3.2,7.3.3", NULL,
	    &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	/* Three crowded-list elements are not enough for other places. */
	assert_int_equal(judge("2017", "other", "7.3.1,7.3.2,7.3.3,7.3.4",
	    NULL, &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	assert_int_equal(j.counted, 4);
	assert_int_equal(j.threshold, 6);
}

/* HAZ-J06: a code given twice counts once. */
static void
test_hazard_judge__hazj06_duplicates_count_once(void **state)
{
	struct hazard_judgement	j;
	struct err		e;

	assert_int_equal(judge("2017", "crowded", "7.3.1,7.3.1,7.5,7.3.1",
	    NULL, &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	assert_int_equal(j.counted, 2);
	assert_int_equal(j.nelements, 2);
	assert_string_equal(j.elements[0], "7.3.1");
	assert_string_equal(j.elements[1], "7.5");
	assert_int_equal(judge("2017", "other", "7.1.1,7.1.1,7.1.1,7.1.1,"
	    "7.1.1,7.1.1,7.1.1", NULL, &j, &e), 0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	assert_int_equal(j.counted, 1);
}

/* HAZ-J03: each exclusion stops the judgement, direct elements or not. */
static void
test_hazard_judge__hazj03_exclusions(void **state)
{
	static const char *const ex[][2] = {
		{ "expert-review", "5.1.3 a)" },
		{ "stopped", "5.1.3 b)" },
		{ "not-capable", "5.1.3 c)" },
	};
	struct hazard_judgement	j;
	struct err		e;
	char			want[128], *s;
	size_t			i;

	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		assert_int_equal(judge("2017", "crowded", "6.5,6.6,7.3.1,"
		    "7.3.2,7.3.3,7.3.4", ex[i][0], &j, &e), 0);
		assert_int_equal(j.outcome, HAZARD_EXCLUDED);
		assert_int_equal(j.method, HAZARD_METHOD_NONE);
		assert_int_equal(j.nelements, 6);
		snprintf(want, sizeof(want), "excluded by GB 35181-2017 %s "
		    "(%s): not judged a major hazard", ex[i][1], ex[i][0]);
		assert_string_equal(j.reason, want);
	}
	s = dump(&j);
	assert_non_null(strstr(s, "\"outcome\":\"excluded\",\"method\":null,"));
	assert_non_null(strstr(s, "\"counted\":null,\"threshold\":null,"));
	free(s);
}

/* HAZ-J06: unknown values refused naming the field; out left alone. */
static void
test_hazard_judge__hazj06_unknown_values(void **state)
{
	static const struct {
		const char	*edition, *place, *elements, *exclusion;
		const char	*field, *named;
	} bad[] = {
		{ "2099", "crowded", "6.5", NULL, "edition", "2099" },
		{ NULL, "crowded", "6.5", NULL, "edition", "(null)" },
		{ "2017", "school", "6.5", NULL, "place", "school" },
		{ "2017", NULL, "6.5", NULL, "place", "(null)" },
		{ "2017", "crowded", "6.5,7.3.99", NULL, "elements", "7.3.99" },
		{ "2017", "crowded", "6.5, 7.3.1", NULL, "elements", " 7.3.1" },
		{ "2017", "crowded", "6.5", "mercy", "exclusion", "mercy" },
		{ "2017", "crowded", "6.5", "", "exclusion", "" },
	};
	struct hazard_judgement	j;
	struct err		e;
	const char		*none[1] = { NULL };
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&j, 0x5a, sizeof(j));
		assert_int_equal(judge(bad[i].edition, bad[i].place,
		    bad[i].elements, bad[i].exclusion, &j, &e), ERR_INVALID);
		assert_string_equal(e.field, bad[i].field);
		if (strstr(e.msg, bad[i].named) == NULL)
			fail_msg("'%s' does not name '%s'", e.msg,
			    bad[i].named);
		assert_int_equal(j.nelements, 0x5a5a5a5a);
	}
	assert_int_equal(hazard_judge("2017", "crowded", none, 1, NULL, &j,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "elements");
	assert_int_equal(hazard_judge("2017", "crowded", none,
	    HAZARD_INPUT_MAX + 1, NULL, &j, &e), ERR_INVALID);
	assert_string_equal(e.field, "elements");
	assert_int_equal(hazard_judge("2017", "crowded", NULL, -1, NULL, &j,
	    &e), ERR_INVALID);
	assert_string_equal(e.field, "elements");
}

/* HAZ-J01: broken files are refused naming the key; the loaded set stays. */
static void
test_hazard_judge__hazj01_broken_files_refused(void **state)
{
	static const struct {
		const char	*from, *to, *field, *msg;
	} bad[] = {
		/* unknown keys */
		{ "\"template\": true", "\"template\": true, \"colour\": 1",
		    "colour", "unknown key" },
		{ "\"text_zh\": \"直接二\"", "\"text_zh\": \"直接二\", "
		    "\"weight\": 2", "direct[5.2].weight", "unknown key" },
		{ "\"threshold\": 2,", "\"threshold\": 2, \"min\": 1,",
		    "places[crowded].rules[0].min", "unknown key" },
		/* a duplicate element, within a list and across the two */
		{ "\"code\": \"6.1.3\"", "\"code\": \"6.1.1\"",
		    "composite[6.1.1]", "duplicate code" },
		{ "\"code\": \"5.2\", \"group\": \"5\"",
		    "\"code\": \"6.1.2\", \"group\": \"6.1\"",
		    "composite[6.1.2]", "duplicate code" },
		/* a rule naming an unknown element, or a direct one */
		{ "[\"6.1.1\", \"6.1.2\"]", "[\"6.1.1\", \"6.1.9\"]",
		    "places[crowded].rules[0].counts[1]", "unknown element" },
		{ "[\"6.1.1\", \"6.1.2\"]", "[\"6.1.1\", \"5.1\"]",
		    "places[crowded].rules[0].counts[1]", "direct element" },
		{ "[\"6.1.1\", \"6.1.2\"]", "[\"6.1.1\", \"6.1.1\"]",
		    "places[crowded].rules[0].counts[1]", "listed twice" },
		/* thresholds below 1, or above what the rule counts */
		{ "\"threshold\": 2", "\"threshold\": 0",
		    "places[crowded].rules[0].threshold", "at least 1" },
		{ "\"threshold\": 2", "\"threshold\": -3",
		    "places[crowded].rules[0].threshold", "at least 1" },
		{ "\"threshold\": 2", "\"threshold\": 3",
		    "places[crowded].rules[0].threshold", "never be met" },
		{ "\"threshold\": 2", "\"threshold\": \"2\"",
		    "places[crowded].rules[0].threshold", "integer" },
		/* the rest of the shape */
		{ "\"edition\": \"2025\"", "\"edition\": \"2024\"", "edition",
		    "file name" },
		{ "\"2025-11-01\"", "\"2025-02-30\"", "effective",
		    "YYYY-MM-DD" },
		{ "\"code\": \"6.1.2\"", "\"code\": \"6.1.x\"",
		    "composite[1].code", "dotted numbers" },
		{ "\"code\": \"6.1.2\", \"group\": \"6.1\"",
		    "\"code\": \"6.1.2\", \"group\": \"5\"",
		    "composite[6.1.2].group", "does not lie in group" },
		{ "\"code\": \"crowded\"", "\"code\": \"Crowded\"",
		    "places[0].code", "[a-z]" },
		{ "\"confirmed\": false, \"source\": \"test\"",
		    "\"source\": \"test\"",
		    "places[crowded].rules[0].confirmed", "true or false" },
		{ "\"exclusions\": []",
		    "\"exclusions\": [], \"exclusions\": []", "hazard",
		    "duplicate" },
	};
	struct hazard_judgement	j;
	struct err		e;
	char			dir[] = "/tmp/fw-hazard-XXXXXX", *text;
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_non_null(mkdtemp(dir));
		text = variant(bad[i].from, bad[i].to);
		write_file(dir, "gb35181-2025.json", text);
		free(text);
		err_clear(&e);
		assert_int_equal(hazard_judge_load_dir(dir, &e), ERR_INVALID);
		if (strcmp(e.field, bad[i].field) != 0 ||
		    strstr(e.msg, bad[i].msg) == NULL ||
		    strstr(e.msg, "gb35181-2025.json") == NULL)
			fail_msg("case %zu: field '%s' message '%s', want "
			    "'%s' and '%s'", i, e.field, e.msg, bad[i].field,
			    bad[i].msg);
		rm_dir(dir);
		strcpy(dir, "/tmp/fw-hazard-XXXXXX");
	}
	/* The template itself is good (so each case above tests one thing). */
	assert_non_null(mkdtemp(dir));
	write_file(dir, "gb35181-2025.json", ed2025);
	assert_int_equal(hazard_judge_load_dir(dir, &e), 0);
	/* A file named for another edition is refused, the set kept. */
	write_file(dir, "gb35181-2024.json", ed2025);
	assert_int_equal(hazard_judge_load_dir(dir, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "gb35181-2024.json"));
	assert_int_equal(judge("2025", "crowded", "5.1", NULL, &j, &e), 0);
	assert_int_equal(judge("2017", "crowded", "6.5", NULL, &j, &e),
	    ERR_INVALID);
	rm_dir(dir);
	/* No file at all. */
	strcpy(dir, "/tmp/fw-hazard-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(hazard_judge_load_dir(dir, &e), ERR_IO);
	rm_dir(dir);
	load_shipped();
}

/* HAZ-J02: the edition in force on a date, with a 2025 edition loaded. */
static void
test_hazard_judge__hazj02_edition_in_force(void **state)
{
	static const struct {
		const char	*date, *edition;
		int		 rc;
	} on[] = {
		{ "2018-06-30", NULL, ERR_NOT_FOUND },
		{ "2018-07-01", "2017", 0 },
		{ "2025-10-31", "2017", 0 },
		{ "2025-11-01", "2025", 0 },
		{ "2026-11-20", "2025", 0 },
		{ "2025-02-29", NULL, ERR_INVALID },
		{ "2025-1-01", NULL, ERR_INVALID },
		{ "", NULL, ERR_INVALID },
	};
	struct hazard_judgement	 j;
	struct err		 e;
	json_t			*list;
	const char		*ed;
	char			 dir[] = "/tmp/fw-hazard-XXXXXX";
	size_t			 i;

	/* Only 2017: nothing is in force from its replacement on. */
	assert_int_equal(hazard_judge_edition_on("2025-10-31", &ed, &e), 0);
	assert_string_equal(ed, "2017");
	assert_int_equal(hazard_judge_edition_on("2025-11-01", &ed, &e),
	    ERR_NOT_FOUND);
	assert_string_equal(e.field, "date");
	assert_non_null(strstr(e.msg, "replaced on 2025-11-01"));

	assert_non_null(mkdtemp(dir));
	copy_2017(dir);
	write_file(dir, "gb35181-2025.json", ed2025);
	if (hazard_judge_load_dir(dir, &e) < 0)
		fail_msg("%s", e.msg);
	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		ed = NULL;
		assert_int_equal(hazard_judge_edition_on(on[i].date, &ed, &e),
		    on[i].rc);
		if (on[i].rc == 0)
			assert_string_equal(ed, on[i].edition);
		else
			assert_string_equal(e.field, "date");
	}
	list = hazard_judge_editions();
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    list, 1), "edition")), "2025");
	assert_true(json_is_null(json_object_get(json_array_get(list, 1),
	    "superseded")));
	json_decref(list);

	/* Each edition judges with its own lists. */
	assert_int_equal(judge("2025", "crowded", "6.1.2,6.1.1", NULL, &j, &e),
	    0);
	assert_int_equal(j.outcome, HAZARD_MAJOR);
	assert_int_equal(j.method, HAZARD_METHOD_COMPOSITE);
	assert_int_equal(j.counted, 2);
	assert_int_equal(judge("2025", "crowded", "6.1.1,6.1.3", NULL, &j, &e),
	    0);
	assert_int_equal(j.outcome, HAZARD_NOT_MAJOR);
	assert_int_equal(j.counted, 1);
	assert_int_equal(judge("2025", "crowded", "5.2", NULL, &j, &e), 0);
	assert_int_equal(j.method, HAZARD_METHOD_DIRECT);
	assert_int_equal(judge("2025", "crowded", "6.5", NULL, &j, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "elements");
	assert_int_equal(judge("2025", "other", "5.1", NULL, &j, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "place");
	assert_int_equal(judge("2025", "crowded", "5.1", "stopped", &j, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "exclusion");
	assert_int_equal(judge("2017", "crowded", "6.5", NULL, &j, &e), 0);
	rm_dir(dir);
	load_shipped();
}

/* Loaded once, read-only after: judgements from several threads agree. */
static void *
judge_many(void *arg)
{
	struct hazard_judgement	j;
	struct err		e;
	const struct row	*r;
	intptr_t		bad = 0;
	int			i;

	for (i = 0; i < 500; i++)
		for (r = composite_rows; r->place; r++)
			if (judge("2017", r->place, r->elements, NULL, &j,
			    &e) != 0 || (int)j.outcome != r->outcome ||
			    j.counted != r->counted)
				bad++;
	return (void *)bad;
}

static void
test_hazard_judge__threads(void **state)
{
	pthread_t	t[4];
	void		*bad;
	int		 i;

	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, judge_many, NULL),
		    0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_true(bad == NULL);
	}
}

/* data/hazard of the source tree. */
static void
find_data(void)
{
	char	*p;

	snprintf(hazard_dir, sizeof(hazard_dir), "%s", __FILE__);
	if ((p = strstr(hazard_dir, "tests/unit/test_hazard_judge.c")) != NULL)
		snprintf(p, sizeof(hazard_dir) - (size_t)(p - hazard_dir),
		    "data/hazard");
	if (access(hazard_dir, R_OK) == 0)
		return;
	snprintf(hazard_dir, sizeof(hazard_dir), "../data/hazard");
	if (access(hazard_dir, R_OK) == 0)
		return;
	snprintf(hazard_dir, sizeof(hazard_dir), "data/hazard");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_hazard_judge__hazj01_shipped_2017),
		cmocka_unit_test(test_hazard_judge__hazj04_each_direct_element),
		cmocka_unit_test(
		    test_hazard_judge__hazj05_composite_at_thresholds),
		cmocka_unit_test(test_hazard_judge__hazj05_uncounted_elements),
		cmocka_unit_test(
		    test_hazard_judge__hazj06_duplicates_count_once),
		cmocka_unit_test(test_hazard_judge__hazj03_exclusions),
		cmocka_unit_test(test_hazard_judge__hazj06_unknown_values),
		cmocka_unit_test(
		    test_hazard_judge__hazj01_broken_files_refused),
		cmocka_unit_test(test_hazard_judge__hazj02_edition_in_force),
		cmocka_unit_test(test_hazard_judge__threads),
	};

	jx_init();
	find_data();
	return cmocka_run_group_tests_name("hazard_judge", tests,
	    group_setup, group_teardown);
}
