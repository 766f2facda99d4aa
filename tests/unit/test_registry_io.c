/*
 * Unit tests of the registry's bulk and rule-driven parts on SQLite and,
 * when FIREWARDEN_TEST_PG is set, PostgreSQL: the CSV reader (R-3's
 * parser, also fuzzed), key-unit classification from the rules file
 * (REG-023, REG-024), CSV imports (REG-025..REG-028), exports (REG-029,
 * P-2, L-4) and the demo city (REG-030), each ending with `audit verify
 * --deep`.  Each test carries the rule it checks in its name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/csvread.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/audit.h"
#include "domain/ident.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "domain/registry_io.h"
#include "store/store.h"
#include "fx_store.h"

/* The shared helpers (fx_store.h) on a fixture. */
#define begin(f)	fx_begin((f)->st)
#define end(f, rc)	fx_end((f)->st, (rc))
#define count(f, sql)	fx_count((f)->st, (sql))

#define TOWN_A	"441900003"	/* 东城街道 */
#define TOWN_B	"441900121"	/* 虎门镇 */

struct fx {
	struct store	*st;
	struct actor	 sys;
};

static const char	*fx_url;
static char		 data_dir[512];

static const struct audit_type	io_types[] = {
	{ "town", registry_town_record },
	{ "grid", registry_grid_record },
	{ "unit", registry_unit_record },
	{ "building", registry_building_record },
	{ "place", registry_place_record },
	{ "unmask", registry_unmask_record },
	{ "classification", registry_class_record },
	{ "import", registry_import_record },
	{ "export", registry_export_record },
	{ "seed", registry_seed_record },
	{ NULL, NULL },
};

static char *
data_path(const char *rel)
{
	return xasprintf("%s/%s", data_dir, rel);
}

static struct store *
open_fresh(void)
{
	struct store	*st = NULL;
	struct err	 e;
	char		*towns;

	st = fx_store_fresh(fx_url);
	towns = data_path("towns/dongguan.csv");
	if (registry_sync_towns(st, towns, &e) < 0)
		fail_msg("towns: %s", e.msg);
	free(towns);
	return st;
}

static int
fx_setup(void **state)
{
	struct fx	*f = xcalloc(1, sizeof(*f));
	struct err	 e;
	char		*rules;

	clock_set_offset(0);
	registry_export_max = REGISTRY_EXPORT_MAX;
	f->st = open_fresh();
	rules = data_path("rules/key-units.json");
	if (registry_class_load(rules, &e) < 0)
		fail_msg("rules: %s", e.msg);
	free(rules);
	actor_system(&f->sys, "t-sys");
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx	*f = *state;

	store_close(f->st);
	registry_class_unload();
	free(f);
	return 0;
}

static int64_t
asize(struct fx *f)
{
	struct err	e;
	int64_t		n = -1;

	assert_int_equal(audit_size(f->st, &n, &e), 0);
	return n;
}

static void
deep_verify(struct store *st)
{
	struct buf	report;
	struct err	e;
	int64_t		n = 0;
	int		rc;

	buf_init(&report);
	rc = audit_verify(st, io_types, &report, &n, &e);
	if (rc != 0)
		fail_msg("audit verify --deep: %d %s", rc, report.data ?
		    report.data : e.msg);
	buf_free(&report);
}

static void
user(struct actor *a, int64_t uid, const char *jur, const char *perms)
{
	char	buf[256], *p, *save = NULL;

	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_USER;
	a->user_id = uid;
	snprintf(a->login, sizeof(a->login), "u%lld", (long long)uid);
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "%s", jur);
	snprintf(a->request_id, sizeof(a->request_id), "t-%lld",
	    (long long)uid);
	snprintf(a->ip, sizeof(a->ip), "10.0.0.9");
	snprintf(buf, sizeof(buf), "%s", perms);
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		actor_add_perm(a, p);
}

static const char	 uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* A valid Dongguan USCC (GB 32100, with a valid GB 11714 org code). */
static void
make_uscc(unsigned n, char out[19])
{
	static const int	ow[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };
	static const int	uw[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29,
	    25, 13, 8, 24, 10, 30, 28 };
	int			 i, s = 0, c;

	snprintf(out, 19, "91441900%08u", n % 100000000u);
	for (i = 0; i < 8; i++)
		s += (out[8 + i] - '0') * ow[i];
	c = 11 - s % 11;
	out[16] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	s = 0;
	for (i = 0; i < 17; i++)
		s += (int)(strchr(uscc_set, out[i]) - uscc_set) * uw[i];
	c = 31 - s % 31;
	out[17] = uscc_set[c == 31 ? 0 : c];
	out[18] = '\0';
}

static int64_t
jid(const json_t *j, const char *key)
{
	int64_t	id = 0;

	str_to_i64(json_string_value(json_object_get(j, key)), 1, INT64_MAX,
	    &id);
	return id;
}

static int64_t
jint(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

/* The CSV reader. */

/* Every record of text as "row:f1|f2|…" or "row:!error", one a line. */
static char *
csv_dump(const char *text, size_t n, const struct csvread_opts *o,
    enum csvread_enc *enc)
{
	struct csvread		*c = NULL;
	struct csvread_row	 row;
	struct err		 e;
	struct buf		 b;
	size_t			 i;

	if (csvread_new(text, n, o, &c, &e) < 0)
		return xasprintf("refused: %s", e.msg);
	buf_init(&b);
	while (csvread_next(c, &row) == 1) {
		buf_printf(&b, "%lld:", (long long)row.row);
		if (row.error != NULL)
			buf_printf(&b, "!%s", row.error);
		for (i = 0; i < row.nfield; i++) {
			assert_true(str_utf8_valid(row.field[i],
			    strlen(row.field[i])));
			buf_printf(&b, "%s%s", i ? "|" : "", row.field[i]);
		}
		buf_addc(&b, '\n');
	}
	if (enc != NULL)
		*enc = csvread_encoding(c);
	csvread_free(c);
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_release(&b);
}

/* RFC 4180 quoting, line ends, blank lines, limits, encodings. */
static void
test_registry_io__r3_csvread(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "a,b,c\r\n1,2,3\r\n", "1:a|b|c\n2:1|2|3\n" },
		{ "a,b\n1,2", "1:a|b\n2:1|2\n" },
		{ "a,b\r1,2\r", "1:a|b\n2:1|2\n" },
		{ "\"x,y\",\"he said \"\"hi\"\"\"\n", "1:x,y|he said \"hi\"\n" },
		{ "\"two\nlines\",z\nnext,row\n", "1:two\nlines|z\n2:next|row\n" },
		{ "a,,\n,,\n", "1:a||\n2:||\n" },
		{ "a,b,\n", "1:a|b|\n" },
		{ "a,b,", "1:a|b|\n" },
		/* Blank lines count as rows of the sheet, not as records. */
		{ "h\n\n\nx\n", "1:h\n4:x\n" },
		{ "\"\"\n", "1:\n" },
		/* A bare quote inside unquoted text is kept. */
		{ "5\"寸,b\n", "1:5\"寸|b\n" },
		{ "\"ab\"c,d\nok,1\n", "1:!text after a closing quote\n2:ok|1\n" },
		{ "ok\n\"never closed,x\ny\n",
		    "1:ok\n2:!a quoted field is not closed\n" },
		{ "\xef\xbb\xbf名称,代码\n东莞,1\n", "1:名称|代码\n2:东莞|1\n" },
		{ "名称\n\xe4\xb8\n好\n",
		    "1:名称\n2:!the row is not valid UTF-8 (the file is read as "
		    "UTF-8)\n3:好\n" },
		{ "", "" },
	};
	struct csvread_opts	 o;
	enum csvread_enc	 enc;
	char			*s, big[200];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = csv_dump(cases[i].in, strlen(cases[i].in), NULL, NULL);
		if (strcmp(s, cases[i].out) != 0)
			fail_msg("case %zu: got [%s] want [%s]", i, s,
			    cases[i].out);
		free(s);
	}
	/* A NUL byte spoils its row only. */
	s = csv_dump("a\nb\0c\nd\n", 8, NULL, NULL);
	assert_string_equal(s, "1:a\n2:!the row contains a NUL byte\n3:d\n");
	free(s);
	/* Limits: bytes and fields a record. */
	memset(&o, 0, sizeof(o));
	o.max_record = 10;
	o.max_fields = 3;
	s = csv_dump("abc\n0123456789X\na,b,c,d\n\"0123456789\n0\",q\nz\n",
	    strlen("abc\n0123456789X\na,b,c,d\n\"0123456789\n0\",q\nz\n"), &o,
	    NULL);
	assert_string_equal(s, "1:abc\n2:!the row is longer than 10 bytes\n"
	    "3:!the row has more than 3 fields\n4:!the row is longer than 10 "
	    "bytes\n5:z\n");
	free(s);
	memset(big, 'x', sizeof(big));
	s = csv_dump(big, sizeof(big), &o, NULL);
	assert_string_equal(s, "1:!the row is longer than 10 bytes\n");
	free(s);
	/* GB18030: found from the text, converted. */
	s = csv_dump("\xc3\xfb\xb3\xc6,\xb4\xfa\xc2\xeb\n"
	    "\xb6\xab\xdd\xb8,1\n", 17, NULL, &enc);
	assert_int_equal(enc, CSVREAD_GB18030);
	assert_string_equal(s, "1:名称|代码\n2:东莞|1\n");
	free(s);
	memset(&o, 0, sizeof(o));
	o.encoding = CSVREAD_GB18030;
	s = csv_dump("a\n\x81\n", 4, &o, NULL);
	assert_string_equal(s, "1:a\n2:!the row is not valid GB18030 (the "
	    "file is read as GB18030)\n");
	free(s);
	s = csv_dump("a,b\n", 4, NULL, &enc);
	assert_int_equal(enc, CSVREAD_UTF8);
	free(s);
	s = csv_dump("\xef\xbb\xbf" "a\n", 5, NULL, &enc);
	assert_int_equal(enc, CSVREAD_UTF8_BOM);
	free(s);
	s = csv_dump("\xff\xfe" "a\0", 4, NULL, NULL);
	assert_non_null(strstr(s, "refused: the file is UTF-16"));
	free(s);
}

/* Key-unit classification. */

static int64_t
mk_unit(struct fx *f, const char *name, const char *town)
{
	struct err	 e;
	json_t		*in, *out = NULL;
	int64_t		 id;

	in = json_pack("{s:s, s:s, s:s}", "name", name, "address",
	    "东莞市测试路1号", "town", town);
	begin(f);
	if (end(f, registry_unit_create(f->st, &f->sys, in, &out, &e)) < 0)
		fail_msg("unit: %s", e.msg);
	id = jid(out, "id");
	json_decref(in);
	json_decref(out);
	return id;
}

static void
mk_place(struct fx *f, int64_t unit, const char *json)
{
	struct err	 e;
	json_t		*in = json_loads(json, 0, NULL), *out = NULL;

	assert_non_null(in);
	begin(f);
	if (end(f, registry_place_create(f->st, &f->sys, unit, in, &out,
	    &e)) < 0)
		fail_msg("place %s: %s", json, e.msg);
	json_decref(in);
	json_decref(out);
}

static void
mk_building(struct fx *f, int64_t unit, const char *json)
{
	struct err	 e;
	json_t		*in = json_loads(json, 0, NULL), *out = NULL;

	assert_non_null(in);
	begin(f);
	if (end(f, registry_building_create(f->st, &f->sys, unit, in, &out,
	    &e)) < 0)
		fail_msg("building %s: %s", json, e.msg);
	json_decref(in);
	json_decref(out);
}

/* The ids of a list of rule objects, joined by spaces. */
static char *
rule_ids(const json_t *list)
{
	struct buf	 b;
	json_t		*x;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "");
	json_array_foreach(list, i, x)
		buf_printf(&b, "%s%s", i ? " " : "", json_string_value(
		    json_object_get(x, "rule_id")));
	return buf_release(&b);
}

static char *
names(const json_t *list)
{
	struct buf	 b;
	json_t		*x;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "");
	json_array_foreach(list, i, x)
		buf_printf(&b, "%s%s", i ? " " : "", json_string_value(x));
	return buf_release(&b);
}

static json_t *
propose(struct fx *f, int64_t unit)
{
	struct err	 e;
	json_t		*p = NULL;

	if (registry_class_propose(f->st, &f->sys, unit, &p, &e) < 0)
		fail_msg("propose: %s", e.msg);
	return p;
}

/* Assert the matched and to-check rule ids and the proposed categories. */
static void
assert_proposal(struct fx *f, int64_t unit, const char *matched,
    const char *check, const char *proposed)
{
	json_t	*p = propose(f, unit);
	char	*m = rule_ids(json_object_get(p, "matched"));
	char	*c = rule_ids(json_object_get(p, "to_check"));
	char	*n = names(json_object_get(p, "proposed"));

	if (strcmp(m, matched) != 0 || strcmp(c, check) != 0 ||
	    strcmp(n, proposed) != 0)
		fail_msg("unit %lld: matched [%s] want [%s]; to_check [%s] "
		    "want [%s]; proposed [%s] want [%s]", (long long)unit, m,
		    matched, c, check, n, proposed);
	free(m);
	free(c);
	free(n);
	json_decref(p);
}

/* REG-023: thresholds from the rules file, with gte and gt as written. */
static void
test_registry_io__reg023_proposal_from_rules(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*p, *m, *rules = NULL;
	int64_t		 u;

	/* A hotel of 49 rooms is no key unit; of 50 it is (KU-2001-02). */
	u = mk_unit(f, "小宾馆", TOWN_A);
	mk_place(f, u, "{\"name\":\"客房\",\"kind\":\"hotel\",\"rooms\":49}");
	assert_proposal(f, u, "", "", "");
	u = mk_unit(f, "东莞某某酒店", TOWN_A);
	mk_place(f, u, "{\"name\":\"客房\",\"kind\":\"hotel\",\"rooms\":50,"
	    "\"beds\":80,\"floor_area_m2\":2500}");
	assert_proposal(f, u, "KU-2001-02", "", "key");
	p = propose(f, u);
	m = json_array_get(json_object_get(p, "matched"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "edition")),
	    "CN-2001");
	assert_string_equal(json_string_value(json_object_get(m, "status")),
	    "C");
	assert_non_null(strstr(json_string_value(json_object_get(m, "source")),
	    "FACTS.md §5.1"));
	m = json_array_get(json_object_get(m, "evidence"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "measure")),
	    "rooms");
	assert_int_equal(jint(m, "value"), 50);
	assert_int_equal(jint(m, "threshold"), 50);
	assert_string_equal(json_string_value(json_object_get(p,
	    "rules_version")), "2026.1");
	assert_int_equal(strlen(json_string_value(json_object_get(p,
	    "rules_sm3"))), 64);
	assert_true(json_is_null(json_object_get(p, "decision")));
	json_decref(p);
	/* Shops add up: 600 + 400 m² reach 1 000 (gte); GD-2023 wants more
	 * than 3 000. */
	u = mk_unit(f, "商场", TOWN_A);
	mk_place(f, u, "{\"name\":\"一楼\",\"kind\":\"mall\","
	    "\"floor_area_m2\":600}");
	mk_place(f, u, "{\"name\":\"二楼\",\"kind\":\"shop\","
	    "\"floor_area_m2\":400}");
	assert_proposal(f, u, "KU-2001-01", "", "key");
	mk_place(f, u, "{\"name\":\"三楼\",\"kind\":\"mall\","
	    "\"floor_area_m2\":2000}");
	assert_proposal(f, u, "KU-2001-01", "", "key");
	mk_place(f, u, "{\"name\":\"四楼\",\"kind\":\"mall\","
	    "\"floor_area_m2\":1}");
	assert_proposal(f, u, "KU-2001-01 KU-GD2023-13", "", "key");
	/* High-risk: more than 200 beds (HR-GD-03), more than 150 (GD-10). */
	u = mk_unit(f, "医院", TOWN_B);
	mk_place(f, u, "{\"name\":\"住院部\",\"kind\":\"hospital\","
	    "\"beds\":201}");
	assert_proposal(f, u, "KU-2001-05 KU-GD2023-10 HR-GD-03", "",
	    "high_risk key");
	/* A single workshop > 2 500 m² with > 100 workers (HR-GD-07); two
	 * smaller ones are not. */
	u = mk_unit(f, "工厂", TOWN_B);
	mk_place(f, u, "{\"name\":\"车间A\",\"kind\":\"factory\","
	    "\"floor_area_m2\":2000,\"occupancy\":90}");
	mk_place(f, u, "{\"name\":\"车间B\",\"kind\":\"factory\","
	    "\"floor_area_m2\":2000,\"occupancy\":90}");
	assert_proposal(f, u, "KU-2001-17", "", "key");
	mk_place(f, u, "{\"name\":\"车间C\",\"kind\":\"workshop\","
	    "\"floor_area_m2\":2501,\"occupancy\":101}");
	assert_proposal(f, u, "KU-2001-17 HR-GD-07", "", "high_risk key");
	/* Underground entertainment over 500 m² (HR-GD-02, any of). */
	u = mk_unit(f, "地下KTV", TOWN_B);
	mk_place(f, u, "{\"name\":\"KTV\",\"kind\":\"entertainment\","
	    "\"floor_area_m2\":501,\"underground\":true}");
	assert_proposal(f, u, "KU-2001-04 HR-GD-02", "", "high_risk key");
	/* Buildings: above 24 m (KU-2001-18, P), above 50 m (GD-12); with
	 * an office above 50 m, high-risk (HR-GD-08, all of). */
	u = mk_unit(f, "大厦", TOWN_A);
	mk_building(f, u, "{\"name\":\"A座\",\"use\":\"public\","
	    "\"height_cm\":2401}");
	assert_proposal(f, u, "KU-2001-18", "", "key");
	mk_building(f, u, "{\"name\":\"B座\",\"use\":\"public\","
	    "\"height_cm\":5001}");
	assert_proposal(f, u, "KU-2001-18 KU-GD2023-12", "", "key");
	mk_place(f, u, "{\"name\":\"写字楼\",\"kind\":\"office\"}");
	assert_proposal(f, u, "KU-2001-18 KU-GD2023-12 HR-GD-08", "",
	    "high_risk key");
	/* What the registry cannot decide is listed, never proposed. */
	u = mk_unit(f, "某某局", TOWN_A);
	mk_place(f, u, "{\"name\":\"办公楼\",\"kind\":\"government\"}");
	assert_proposal(f, u, "", "KU-2001-09 KU-GD2023-01", "");
	p = propose(f, u);
	assert_non_null(json_object_get(json_array_get(json_object_get(p,
	    "to_check"), 0), "judge"));
	json_decref(p);
	/* A unit out of reach is not found. */
	{
		struct actor	 b;
		json_t		*x = NULL;

		user(&b, 7, "town:" TOWN_B, "registry:read");
		assert_int_equal(registry_class_propose(f->st, &b, u, &x, &e),
		    ERR_NOT_FOUND);
	}
	assert_int_equal(registry_class_rules(&rules, &e), 0);
	assert_int_equal(json_array_size(json_object_get(rules, "editions")),
	    3);
	json_decref(rules);
}

/* Write a rules file and load it; returns load's rc. */
static int
load_text(const char *text, struct err *e)
{
	char	 path[] = "/tmp/fw-rules-XXXXXX";
	int	 fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = registry_class_load(path, e);
	unlink(path);
	return rc;
}

#define RULES_HEAD "{\"format\":\"firewarden-key-units-v1\",\"version\":\"t1\"," \
    "\"apply\":[\"E\"],\"editions\":[{\"edition\":\"E\",\"title\":\"t\"," \
    "\"effective\":\"2024\",\"source\":\"s\"}],\"rules\":["

/* REG-023: a bad rules file is refused naming the rule; the rules loaded
 * before stay. */
static void
test_registry_io__reg023_rules_file_checked(void **state)
{
	static const char *const bad[] = {
		RULES_HEAD "]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":\"key\","
		    "\"status\":\"C\",\"title\":\"t\",\"match\":{\"places\":"
		    "[\"castle\"]}}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":"
		    "\"general\",\"status\":\"C\",\"title\":\"t\",\"match\":"
		    "null}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"F\",\"category\":\"key\","
		    "\"status\":\"C\",\"title\":\"t\",\"match\":null}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":\"key\","
		    "\"status\":\"C\",\"title\":\"t\",\"match\":{\"places\":"
		    "[\"hotel\"],\"sum\":\"height_cm\",\"gt\":1}}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":\"key\","
		    "\"status\":\"C\",\"title\":\"t\",\"match\":{\"places\":"
		    "[\"hotel\"],\"sum\":\"rooms\"}}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":\"key\","
		    "\"status\":\"C\",\"title\":\"t\",\"match\":null},{\"id\":"
		    "\"X\",\"edition\":\"E\",\"category\":\"key\",\"status\":"
		    "\"C\",\"title\":\"t\",\"match\":null}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":\"key\","
		    "\"status\":\"Q\",\"title\":\"t\",\"match\":null}]}",
		RULES_HEAD "{\"id\":\"X\",\"edition\":\"E\",\"category\":\"key\","
		    "\"status\":\"C\",\"title\":\"t\",\"match\":null,"
		    "\"threshold\":5}]}",
		"{\"format\":\"other\"}",
		"not json",
	};
	struct fx	*f = *state;
	struct err	 e;
	json_t		*r = NULL;
	size_t		 i;
	int64_t		 u;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		if (load_text(bad[i], &e) != ERR_INVALID)
			fail_msg("bad rules %zu loaded", i);
		assert_string_equal(e.field, "rules");
	}
	assert_int_equal(registry_class_load("/nonexistent/rules.json", &e),
	    ERR_IO);
	assert_int_equal(registry_class_rules(&r, &e), 0);
	assert_string_equal(json_string_value(json_object_get(r, "version")),
	    "2026.1");
	json_decref(r);
	/* An operator's own file: a different threshold, a new version. */
	assert_int_equal(load_text(RULES_HEAD "{\"id\":\"OWN-1\",\"edition\":"
	    "\"E\",\"category\":\"key\",\"status\":\"U\",\"title\":\"t\","
	    "\"match\":{\"places\":[\"hotel\"],\"sum\":\"rooms\",\"gt\":10}}]}",
	    &e), 0);
	u = mk_unit(f, "宾馆", TOWN_A);
	mk_place(f, u, "{\"name\":\"客房\",\"kind\":\"hotel\",\"rooms\":11}");
	assert_proposal(f, u, "OWN-1", "", "key");
	registry_class_unload();
	assert_int_equal(registry_class_propose(f->st, &f->sys, u, &r, &e),
	    ERR_UNAVAILABLE);
}

static int
confirm(struct fx *f, struct actor *who, int64_t unit, int64_t version,
    const char *json, json_t **out, struct err *e)
{
	json_t	*in = json_loads(json, 0, NULL), *o = NULL;
	int	 rc;

	assert_non_null(in);
	begin(f);
	rc = end(f, registry_class_confirm(f->st, who, unit, version, in, &o,
	    e));
	json_decref(in);
	if (out != NULL)
		*out = o;
	else
		json_decref(o);
	return rc;
}

static json_t *
unit_get(struct fx *f, int64_t id)
{
	struct err	 e;
	json_t		*j = NULL;

	if (registry_unit_get(f->st, &f->sys, id, &j, &e) < 0)
		fail_msg("get: %s", e.msg);
	return j;
}

/* REG-024: the officer confirms; the rule ids, the rules' version and
 * SM3 are recorded with the decision, and the unit's categories follow. */
static void
test_registry_io__reg024_confirm_records_rule_and_version(void **state)
{
	struct fx	*f = *state;
	struct actor	 off, rd;
	struct err	 e;
	json_t		*d = NULL, *u = NULL, *p;
	char		*s;
	int64_t		 id, a0;

	id = mk_unit(f, "东莞某某酒店", TOWN_A);
	mk_place(f, id, "{\"name\":\"客房\",\"kind\":\"hotel\",\"rooms\":60}");
	user(&off, 11, "town:" TOWN_A, "registry:read registry:write");
	user(&rd, 12, "city", "registry:read");
	/* Checked first: version, rules cited, note, permission. */
	assert_int_equal(confirm(f, &off, id, 9, "{\"categories\":[\"key\"],"
	    "\"rule_ids\":[\"KU-2001-02\"]}", NULL, &e), ERR_STALE);
	assert_int_equal(confirm(f, &off, id, 1, "{\"categories\":[\"key\"],"
	    "\"rule_ids\":[]}", NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "rule_ids");
	assert_int_equal(confirm(f, &off, id, 1, "{\"categories\":[\"key\"],"
	    "\"rule_ids\":[\"HR-GD-03\"]}", NULL, &e), ERR_INVALID);
	assert_int_equal(confirm(f, &off, id, 1, "{\"categories\":[\"key\"],"
	    "\"rule_ids\":[\"KU-1999-01\"]}", NULL, &e), ERR_INVALID);
	assert_int_equal(confirm(f, &off, id, 1, "{\"categories\":"
	    "[\"rental\"],\"rule_ids\":[]}", NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "categories");
	assert_int_equal(confirm(f, &off, id, 1, "{\"categories\":[],"
	    "\"rule_ids\":[]}", NULL, &e), ERR_MISSING);
	assert_string_equal(e.field, "note");
	assert_int_equal(confirm(f, &rd, id, 1, "{\"categories\":[\"key\"],"
	    "\"rule_ids\":[\"KU-2001-02\"]}", NULL, &e), ERR_FORBIDDEN);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM "
	    "unit_classifications"), 0);
	/* As proposed: unit.update and unit.classify. */
	a0 = asize(f);
	assert_int_equal(confirm(f, &off, id, 1, "{\"categories\":[\"key\"],"
	    "\"rule_ids\":[\"KU-2001-02\"]}", &d, &e), 0);
	assert_int_equal(asize(f), a0 + 2);
	assert_int_equal(jint(d, "unit_version"), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d,
	    "rule_ids"), 0)), "KU-2001-02");
	assert_string_equal(json_string_value(json_object_get(d,
	    "rules_version")), "2026.1");
	assert_int_equal(strlen(json_string_value(json_object_get(d,
	    "rules_sm3"))), 64);
	s = names(json_object_get(d, "proposed"));
	assert_string_equal(s, "key");
	free(s);
	json_decref(d);
	u = unit_get(f, id);
	s = names(json_object_get(u, "categories"));
	assert_string_equal(s, "key");
	free(s);
	json_decref(u);
	p = propose(f, id);
	assert_false(json_is_null(json_object_get(p, "decision")));
	s = names(json_object_get(p, "current"));
	assert_string_equal(s, "key");
	free(s);
	json_decref(p);
	/* Departing from the proposal takes a note; other categories stay. */
	{
		json_t	*in = json_pack("{s:[s, s], s:s}", "categories",
		    "rental", "three_small", "three_small_kind", "shop");
		json_t	*o = NULL;

		begin(f);
		assert_int_equal(end(f, registry_unit_update(f->st, &f->sys, id,
		    2, in, &o, &e)), 0);
		json_decref(in);
		json_decref(o);
	}
	a0 = asize(f);
	assert_int_equal(confirm(f, &off, id, 3, "{\"categories\":[\"key\","
	    "\"high_risk\"],\"rule_ids\":[\"KU-2001-02\",\"HR-GD-10\"],"
	    "\"note\":\"经现场核查床位超过200张\"}", &d, &e), 0);
	assert_int_equal(asize(f), a0 + 2);
	json_decref(d);
	u = unit_get(f, id);
	s = names(json_object_get(u, "categories"));
	assert_string_equal(s, "high_risk key three_small rental");
	free(s);
	json_decref(u);
	/* The same decision again changes no category: one entry. */
	a0 = asize(f);
	assert_int_equal(confirm(f, &off, id, 4, "{\"categories\":[\"key\","
	    "\"high_risk\"],\"rule_ids\":[\"KU-2001-02\",\"HR-GD-10\"],"
	    "\"note\":\"复核确认无误\"}", NULL, &e), 0);
	assert_int_equal(asize(f), a0 + 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM "
	    "unit_classifications"), 3);
	deep_verify(f->st);
	/* A direct edit of a decision is seen. */
	{
		struct buf	report;
		int64_t		n;

		assert_int_equal(store_exec(f->st, "UPDATE unit_classifications "
		    "SET rule_ids = '[\"KU-2001-01\"]'", STORE_NOARGS, NULL, &e),
		    0);
		buf_init(&report);
		assert_int_equal(audit_verify(f->st, io_types, &report, &n, &e),
		    ERR_CRYPTO);
		assert_non_null(strstr(report.data, "classification/"));
		buf_free(&report);
	}
}

/* Imports. */

static const char import_file[] =
    "单位名称,统一社会信用代码,法定代表人,住所,经营场所,镇街,行业,成立日期,注册资本\r\n"
    "东莞市甲五金制品有限公司,914403001922038216,张三,东莞市虎门镇甲路1号,"
    "东莞市虎门镇甲路2号,虎门,C33,2019-03-28,100万\r\n"
    "东莞市乙电子科技有限公司,9144030071526726xg,李四,东莞市长安镇乙路3号,"
    ",长安镇,C39,2020/1/5,\r\n"
    "\"东莞市\"\"丙\"\"贸易有限公司\",91440300708461136T,王五,"
    "\"东莞市东城街道丙路4号,A座\",,441900003,,,\r\n"
    "重复的公司,914403001922038216,赵六,东莞市虎门镇丁路5号,,虎门,,,\r\n"
    "校验错误公司,914403001922038217,,东莞市虎门镇戊路6号,,虎门,,,\r\n"
    "未知镇街公司,91441900MAC8G9H0J1,,东莞市某路7号,,火星镇,,,\r\n"
    ",91441900000000019B,,东莞市某路8号,,虎门,,,\r\n"
    "\r\n"
    "坏编码公司,914419000000000298,\xff\xfe,东莞市某路9号,,虎门,,,\r\n"
    "日期错误公司,91441900MAC8G9H0J1,,东莞市某路10号,,莞城,,2019-02-30,\r\n"
    "字段不够公司,91441900MAC8G9H0J1\r\n"
    "遮盖的公司,91441900MAC8G9H0J1,张**,东莞市某路11号,,莞城,,,\r\n"
    ",,,,,,,,\r\n";

/* The errors of a report as "row field: reason" lines. */
static char *
report_errors(const json_t *rep)
{
	struct buf	 b;
	json_t		*x;
	size_t		 i;

	buf_init(&b);
	buf_adds(&b, "");
	json_array_foreach(json_object_get(rep, "errors"), i, x)
		buf_printf(&b, "%lld %s: %s\n", (long long)jint(x, "row"),
		    json_string_value(json_object_get(x, "field")),
		    json_string_value(json_object_get(x, "reason")));
	return buf_release(&b);
}

static int
import(struct fx *f, struct actor *who, const char *text, size_t n,
    enum registry_import_mode mode, json_t **rep, struct err *e)
{
	struct registry_import_opts	o;
	json_t				*r = NULL;
	int				 rc;

	memset(&o, 0, sizeof(o));
	o.mode = mode;
	o.via = "http";
	begin(f);
	rc = end(f, registry_import_units(f->st, who, text, n, &o, &r, e));
	if (rep != NULL)
		*rep = r;
	else
		json_decref(r);
	return rc;
}

static const char want_errors[] =
    "5 uscc: USCC already on row 2 (REG-027)\n"
    "6 uscc: USCC check character should be 6\n"
    "7 town: unknown town 火星镇 (REG-001)\n"
    "8 name: name is required\n"
    "10 row: the row is not valid UTF-8 (the file is read as UTF-8)\n"
    "11 registered_on: registered_on must be a date like 2019-03-28 "
    "(REG-032)\n"
    "12 row: the row has 2 fields, the header 9\n"
    "13 legal_rep: legal_rep looks masked (contains *) (REG-026)\n";

/* REG-026, REG-027: good rows, a duplicate USCC, bad rows and a broken
 * encoding: the exact per-row report; the same file twice changes
 * nothing; a dry run stores nothing. */
static void
test_registry_io__reg026_reg027_import_report_and_idempotence(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*rep = NULL, *x;
	char		*s;
	int64_t		 a0;

	/* Dry run first: the same report, nothing but its record. */
	a0 = asize(f);
	assert_int_equal(import(f, &f->sys, import_file, strlen(import_file),
	    REGISTRY_IMPORT_DRY_RUN, &rep, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_contacts"), 0);
	assert_int_equal(asize(f), a0 + 1);
	assert_string_equal(json_string_value(json_object_get(rep, "mode")),
	    "dry-run");
	assert_int_equal(jint(rep, "rows"), 11);
	assert_int_equal(jint(rep, "created"), 3);
	assert_int_equal(jint(rep, "rejected"), 8);
	s = report_errors(rep);
	assert_string_equal(s, want_errors);
	free(s);
	json_decref(rep);
	/* Commit: three units, one entry each, and the import's own. */
	a0 = asize(f);
	assert_int_equal(import(f, &f->sys, import_file, strlen(import_file),
	    REGISTRY_IMPORT_COMMIT, &rep, &e), 0);
	assert_int_equal(jint(rep, "created"), 3);
	assert_int_equal(jint(rep, "updated"), 0);
	assert_int_equal(jint(rep, "unchanged"), 0);
	assert_int_equal(jint(rep, "rejected"), 8);
	assert_true(json_is_true(json_object_get(rep, "changed")));
	assert_string_equal(json_string_value(json_object_get(rep,
	    "encoding")), "UTF-8");
	s = report_errors(rep);
	assert_string_equal(s, want_errors);
	free(s);
	x = json_object_get(rep, "ignored_columns");
	assert_int_equal(json_array_size(x), 1);
	assert_string_equal(json_string_value(json_array_get(x, 0)),
	    "注册资本");
	/* The org-code warning (REG-003) rides along, not as an error. */
	assert_int_equal(json_array_size(json_object_get(rep, "warnings")), 0);
	json_decref(rep);
	assert_int_equal(asize(f), a0 + 4);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE uscc = "
	    "'9144030071526726XG' AND town_code = '441900119' AND address = "
	    "'东莞市长安镇乙路3号'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE name = "
	    "'东莞市\"丙\"贸易有限公司' AND address = '东莞市东城街道丙路4号,A座' "
	    "AND industry IS NULL"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_contacts WHERE "
	    "role = 'legal_rep' AND name_sealed IS NOT NULL"), 3);
	/* REG-032: 住所 and 成立日期 kept, dates normalised. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE uscc = "
	    "'914403001922038216' AND address = '东莞市虎门镇甲路2号' AND "
	    "registered_address = '东莞市虎门镇甲路1号' AND "
	    "registered_on = '2019-03-28'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE uscc = "
	    "'9144030071526726XG' AND registered_address = "
	    "'东莞市长安镇乙路3号' AND registered_on = '2020-01-05'"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE "
	    "registered_on IS NULL"), 1);
	/* Again: nothing changes, and the report says so. */
	a0 = asize(f);
	assert_int_equal(import(f, &f->sys, import_file, strlen(import_file),
	    REGISTRY_IMPORT_COMMIT, &rep, &e), 0);
	assert_int_equal(jint(rep, "created"), 0);
	assert_int_equal(jint(rep, "updated"), 0);
	assert_int_equal(jint(rep, "unchanged"), 3);
	assert_int_equal(jint(rep, "rejected"), 8);
	assert_false(json_is_true(json_object_get(rep, "changed")));
	assert_non_null(strstr(json_string_value(json_object_get(rep,
	    "summary")), "nothing changed"));
	json_decref(rep);
	assert_int_equal(asize(f), a0 + 1);
	deep_verify(f->st);
}

/* REG-027, REG-028: a changed row updates the unit (one unit.update); a
 * new legal representative drops the old one's phone and ID number; an
 * archived unit or a unit in a grid of another town is not touched. */
static void
test_registry_io__reg027_import_updates(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*rep = NULL, *in, *out = NULL, *v;
	char		 u1[19], u2[19], u3[19], *csv;
	int64_t		 id1 = 0, id3 = 0, a0, g;

	make_uscc(101, u1);
	make_uscc(102, u2);
	make_uscc(103, u3);
	csv = xasprintf("name,uscc,legal_rep,business_address,town,industry\n"
	    "一号公司,%s,张三,地址一,东城,C33\n二号公司,%s,,地址二,虎门,\n"
	    "三号公司,%s,,地址三,东城,\n", u1, u2, u3);
	assert_int_equal(import(f, &f->sys, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, NULL, &e), 0);
	free(csv);
	assert_int_equal(store_query_int(f->st, "SELECT id FROM units WHERE "
	    "uscc = ?", STORE_ARGS(SV_S(u1)), &id1, &e), 0);
	assert_int_equal(store_query_int(f->st, "SELECT id FROM units WHERE "
	    "uscc = ?", STORE_ARGS(SV_S(u3)), &id3, &e), 0);
	/* Unit 1 gets a phone through the API; unit 2 is archived; unit 3
	 * goes into a grid of 东城. */
	in = json_pack("{s:s}", "legal_rep_phone", "13800138000");
	begin(f);
	assert_int_equal(end(f, registry_unit_update(f->st, &f->sys, id1, 1,
	    in, &out, &e)), 0);
	json_decref(in);
	json_decref(out);
	{
		int64_t	id2 = 0;

		assert_int_equal(store_query_int(f->st, "SELECT id FROM units "
		    "WHERE uscc = ?", STORE_ARGS(SV_S(u2)), &id2, &e), 0);
		begin(f);
		assert_int_equal(end(f, registry_unit_archive(f->st, &f->sys,
		    id2, 0, &out, &e)), 0);
		json_decref(out);
	}
	in = json_pack("{s:s, s:s, s:s}", "town", TOWN_A, "code", "G1",
	    "name", "一网格");
	begin(f);
	assert_int_equal(end(f, registry_grid_create(f->st, &f->sys, in, &out,
	    &e)), 0);
	g = jid(out, "id");
	json_decref(in);
	json_decref(out);
	in = json_pack("{s:o}", "grid_id", json_sprintf("%lld", (long long)g));
	begin(f);
	assert_int_equal(end(f, registry_unit_update(f->st, &f->sys, id3, 1,
	    in, &out, &e)), 0);
	json_decref(in);
	json_decref(out);
	/* The market-supervision file of next month. */
	csv = xasprintf("name,uscc,legal_rep,business_address,town,industry\n"
	    "一号公司（新名）,%s,李四,地址一,东城,\n二号公司,%s,,地址二改,虎门,\n"
	    "三号公司,%s,,地址三,虎门,\n", u1, u2, u3);
	a0 = asize(f);
	assert_int_equal(import(f, &f->sys, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, &rep, &e), 0);
	free(csv);
	assert_int_equal(jint(rep, "updated"), 1);
	assert_int_equal(jint(rep, "rejected"), 2);
	csv = report_errors(rep);
	assert_non_null(strstr(csv, "3 uscc: the unit with USCC"));
	assert_non_null(strstr(csv, "archived"));
	assert_non_null(strstr(csv, "4 town: the unit is in a grid of town "
	    "441900003"));
	free(csv);
	json_decref(rep);
	assert_int_equal(asize(f), a0 + 2);
	out = unit_get(f, id1);
	assert_string_equal(json_string_value(json_object_get(out, "name")),
	    "一号公司（新名）");
	/* Empty cells leave values alone; the new person has no phone. */
	assert_string_equal(json_string_value(json_object_get(out,
	    "industry")), "C33");
	assert_string_equal(json_string_value(json_object_get(out,
	    "legal_rep_name")), "李**");
	v = json_object_get(out, "legal_rep_phone");
	assert_true(json_is_null(v));
	assert_int_equal(jint(out, "version"), 3);
	json_decref(out);
	deep_verify(f->st);
}

/* REG-025, REG-011: who may import, and whole-file refusals. */
static void
test_registry_io__reg025_import_scope_and_file_errors(void **state)
{
	static const struct {
		const char	*csv;
		const char	*field;
	} bad[] = {
		{ "name,town,address\nx,东城,y\n", "header" },
		{ "name,uscc,uscc,town,address\n", "header" },
		{ "name,uscc,town\n", "header" },
		{ "\n\n", "header" },
		{ "\"name,uscc,town,address\n", "header" },
	};
	struct fx		*f = *state;
	struct actor		 ta, grid, ro;
	struct err		 e;
	struct registry_import_opts o;
	json_t			*rep = NULL;
	char			 u1[19], u2[19], *csv, *s;
	size_t			 i;
	int64_t			 a0;

	make_uscc(201, u1);
	make_uscc(202, u2);
	csv = xasprintf("name,uscc,town,address\n东城公司,%s,东城街道,"
	    "地址\n虎门公司,%s,虎门镇,地址\n", u1, u2);
	user(&ta, 21, "town:" TOWN_A, "registry:read registry:write");
	user(&grid, 22, "grid:5", "registry:read registry:write");
	user(&ro, 23, "city", "registry:read");
	assert_int_equal(import(f, &ro, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, NULL, &e), ERR_FORBIDDEN);
	assert_int_equal(import(f, &grid, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, NULL, &e), ERR_FORBIDDEN);
	/* A town officer imports into their own town only. */
	assert_int_equal(import(f, &ta, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, &rep, &e), 0);
	assert_int_equal(jint(rep, "created"), 1);
	s = report_errors(rep);
	assert_string_equal(s, "3 town: town 441900121 is outside your "
	    "jurisdiction (REG-011)\n");
	free(s);
	json_decref(rep);
	free(csv);
	a0 = asize(f);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		if (import(f, &f->sys, bad[i].csv, strlen(bad[i].csv),
		    REGISTRY_IMPORT_COMMIT, NULL, &e) != ERR_INVALID)
			fail_msg("bad file %zu accepted", i);
		assert_string_equal(e.field, bad[i].field);
	}
	assert_int_equal(import(f, &f->sys, "", 0, REGISTRY_IMPORT_COMMIT,
	    NULL, &e), ERR_INVALID);
	assert_string_equal(e.field, "file");
	/* More rows than allowed: nothing at all is stored. */
	memset(&o, 0, sizeof(o));
	o.mode = REGISTRY_IMPORT_COMMIT;
	o.max_rows = 1;
	csv = xasprintf("name,uscc,town,address\na,%s,东城,x\nb,%s,东城,y\n",
	    u1, u2);
	begin(f);
	assert_int_equal(end(f, registry_import_units(f->st, &f->sys, csv,
	    strlen(csv), &o, &rep, &e)), ERR_RANGE);
	assert_string_equal(e.field, "rows");
	free(csv);
	assert_int_equal(asize(f), a0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 1);
}

/* REG-026: GB18030 files are read as such; town names in any usual form. */
static void
test_registry_io__reg026_import_gb18030_and_town_names(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*rep = NULL;
	char		 u[6][19], *csv;
	int		 i;

	for (i = 0; i < 6; i++)
		make_uscc(300 + (unsigned)i, u[i]);
	/* 名称,统一社会信用代码,镇街,地址 / 东莞,…,虎门,虎门 in GB18030. */
	csv = xasprintf("\xc3\xfb\xb3\xc6,\xcd\xb3\xd2\xbb\xc9\xe7\xbb\xe1"
	    "\xd0\xc5\xd3\xc3\xb4\xfa\xc2\xeb,\xd5\xf2\xbd\xd6,\xb5\xd8\xd6\xb7\n"
	    "\xb6\xab\xdd\xb8,%s,\xbb\xa2\xc3\xc5,\xbb\xa2\xc3\xc5\n", u[0]);
	assert_int_equal(import(f, &f->sys, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, &rep, &e), 0);
	free(csv);
	assert_string_equal(json_string_value(json_object_get(rep,
	    "encoding")), "GB18030");
	assert_int_equal(jint(rep, "created"), 1);
	json_decref(rep);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE name = "
	    "'东莞' AND town_code = '441900121' AND address = '虎门'"), 1);
	csv = xasprintf("\xef\xbb\xbfname,uscc,town,address\n"
	    "a,%s,东莞市长安镇,x\nb,%s,滨海湾新区,x\nc,%s,生态园,x\n"
	    "d,%s,441900401,x\ne,%s,  东城 ,x\n", u[1], u[2], u[3], u[4], u[5]);
	assert_int_equal(import(f, &f->sys, csv, strlen(csv),
	    REGISTRY_IMPORT_COMMIT, &rep, &e), 0);
	free(csv);
	assert_int_equal(jint(rep, "created"), 5);
	assert_string_equal(json_string_value(json_object_get(rep,
	    "encoding")), "UTF-8 (BOM)");
	json_decref(rep);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE town_code "
	    "IN ('441900119', '441900404', '441900403', '441900401', "
	    "'441900003')"), 5);
	deep_verify(f->st);
}

/* Exports. */

/* The records of a CSV export as parsed back, without the header. */
static json_t *
parse_back(const char *data, size_t len)
{
	struct csvread		*c = NULL;
	struct csvread_row	 row;
	struct err		 e;
	json_t			*rows = json_array(), *r;
	size_t			 i;

	assert_int_equal(csvread_new(data, len, NULL, &c, &e), 0);
	assert_int_equal(csvread_encoding(c), CSVREAD_UTF8_BOM);
	while (csvread_next(c, &row) == 1) {
		assert_null(row.error);
		assert_int_equal(row.nfield, 16);
		r = json_array();
		for (i = 0; i < row.nfield; i++)
			json_array_append_new(r, json_string(row.field[i]));
		json_array_append_new(rows, r);
	}
	csvread_free(c);
	return rows;
}

static const char *
cell(const json_t *rows, size_t r, size_t c)
{
	return json_string_value(json_array_get(json_array_get(rows, r), c));
}

static int
export(struct fx *f, struct actor *who, struct registry_unit_query *q,
    const char *format, char **data, size_t *len, int64_t *rows,
    struct err *e)
{
	return registry_export_units(f->st, who, q, format, data, len, rows, e);
}

/* REG-029, P-2, L-4: CSV with BOM and Chinese headers that parses back,
 * personal data masked, the same units and order as the list, audited
 * with the filter, capped. */
static void
test_registry_io__reg029_export_csv(void **state)
{
	struct fx			*f = *state;
	struct registry_unit_query	 q;
	struct actor			 ta;
	struct err			 e;
	json_t				*in, *out = NULL, *rows, *items = NULL;
	json_t				*rec = NULL;
	char				*data = NULL, u[19], idtxt[24];
	size_t				 len = 0, i;
	int64_t				 n = 0, total, a0, id;
	int				 exact;

	for (i = 0; i < 6; i++) {
		make_uscc(400 + (unsigned)i, u);
		in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}",
		    "name", i == 0 ? "=HYPERLINK(\"x\")" : i == 1 ?
		    "甲,乙\"丙\"公司" : "普通公司",
		    "uscc", u, "address", "东莞市某路1号",
		    "town", i < 4 ? TOWN_A : TOWN_B,
		    "legal_rep_name", "欧阳锋", "legal_rep_phone", "13912345678",
		    "categories", i % 2 ? "key" : "rental");
		begin(f);
		assert_int_equal(end(f, registry_unit_create(f->st, &f->sys, in,
		    &out, &e)), 0);
		json_decref(in);
		json_decref(out);
	}
	memset(&q, 0, sizeof(q));
	a0 = asize(f);
	assert_int_equal(export(f, &f->sys, &q, "csv", &data, &len, &n, &e), 0);
	assert_int_equal(n, 6);
	assert_int_equal(asize(f), a0 + 1);
	assert_memory_equal(data, "\xef\xbb\xbf单位名称,统一社会信用代码,法定代表人,",
	    strlen("\xef\xbb\xbf单位名称,统一社会信用代码,法定代表人,"));
	assert_non_null(strstr(data, "\r\n"));
	/* P-2: no clear name or phone, the mask instead. */
	assert_null(strstr(data, "欧阳锋"));
	assert_null(strstr(data, "13912345678"));
	rows = parse_back(data, len);
	assert_int_equal(json_array_size(rows), 7);
	assert_string_equal(cell(rows, 0, 8), "单位类别");
	for (i = 1; i < 7; i++)
		assert_string_equal(cell(rows, i, 2), "欧**");
	/* Names sort by code point: "=…", 普…, 甲…; a formula is
	 * neutralised. */
	assert_string_equal(cell(rows, 1, 0), "'=HYPERLINK(\"x\")");
	assert_string_equal(cell(rows, 1, 8), "出租屋");
	assert_string_equal(cell(rows, 6, 0), "甲,乙\"丙\"公司");
	assert_string_equal(cell(rows, 6, 8), "消防安全重点单位");
	assert_string_equal(cell(rows, 6, 4), "东城街道");
	assert_string_equal(cell(rows, 1, 10), "正常");
	json_decref(rows);
	free(data);
	data = NULL;
	/* Filters and order are those of the list (jurisdiction too). */
	user(&ta, 31, "town:" TOWN_A, "registry:read");
	q.category = "key";
	q.sort = "-name";
	assert_int_equal(export(f, &ta, &q, "csv", &data, &len, &n, &e), 0);
	q.limit = 200;
	assert_int_equal(registry_unit_list(f->st, &ta, &q, &items, &total,
	    &exact, &e), 0);
	assert_int_equal(exact, 1);
	assert_int_equal(n, total);
	assert_int_equal(n, 2);
	rows = parse_back(data, len);
	for (i = 0; i < json_array_size(items); i++)
		assert_string_equal(cell(rows, i + 1, 12), json_string_value(
		    json_object_get(json_array_get(items, i), "id")));
	json_decref(rows);
	json_decref(items);
	free(data);
	data = NULL;
	assert_int_equal(store_query_int(f->st, "SELECT MAX(id) FROM "
	    "unit_exports", STORE_NOARGS, &id, &e), 0);
	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)id);
	assert_int_equal(registry_export_record(f->st, idtxt, &rec, &e), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    rec, "filter"), "category")), "key");
	assert_string_equal(json_string_value(json_object_get(rec, "actor")),
	    "31");
	assert_int_equal(jint(rec, "rows"), 2);
	json_decref(rec);
	/* Bad parameters, the cap. */
	memset(&q, 0, sizeof(q));
	assert_int_equal(export(f, &f->sys, &q, "pdf", &data, &len, &n, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "format");
	q.sort = "uscc";
	assert_int_equal(export(f, &f->sys, &q, "csv", &data, &len, &n, &e),
	    ERR_INVALID);
	assert_string_equal(e.field, "sort");
	memset(&q, 0, sizeof(q));
	registry_export_max = 5;
	a0 = asize(f);
	assert_int_equal(export(f, &f->sys, &q, "csv", &data, &len, &n, &e),
	    ERR_POLICY);
	assert_non_null(strstr(e.msg, "selects 6 units"));
	assert_int_equal(asize(f), a0);
	q.town = TOWN_A;
	assert_int_equal(export(f, &f->sys, &q, "csv", &data, &len, &n, &e), 0);
	assert_int_equal(n, 4);
	free(data);
	registry_export_max = REGISTRY_EXPORT_MAX;
	deep_verify(f->st);
}

/* REG-029: an .xlsx workbook (a zip with the sheet inside). */
static void
test_registry_io__reg029_export_xlsx(void **state)
{
	struct fx			*f = *state;
	struct registry_unit_query	 q;
	struct err			 e;
	char				*data = NULL;
	size_t				 len = 0;
	int64_t				 n = 0;

	mk_unit(f, "东莞某某公司", TOWN_A);
	memset(&q, 0, sizeof(q));
	assert_int_equal(export(f, &f->sys, &q, "xlsx", &data, &len, &n, &e),
	    0);
	assert_int_equal(n, 1);
	assert_true(len > 1000);
	assert_memory_equal(data, "PK\x03\x04", 4);
	assert_non_null(memmem(data, len, "xl/worksheets/sheet1.xml",
	    strlen("xl/worksheets/sheet1.xml")));
	free(data);
	assert_string_equal(registry_export_ctype("xlsx"),
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

/* The demo city. */

static int
seed(struct store *st, int64_t units, uint64_t s, int if_empty,
    json_t **rep, struct err *e)
{
	struct registry_seed_opts	 o;
	struct actor			 sys;
	char				*words = data_path("demo");
	int				 rc;

	memset(&o, 0, sizeof(o));
	o.units = units;
	o.seed = s;
	o.if_empty = if_empty;
	o.words = words;
	actor_system(&sys, "t-seed");
	rc = registry_seed_demo(st, &sys, &o, rep, e);
	free(words);
	return rc;
}

/* SM3 of the generated content as the database holds it (no ids). */
static void
content_hash(struct store *st, char out[2 * CRYPTO_SM3_LEN + 1])
{
	struct store_rows	*r = NULL;
	struct err		 e;
	struct buf		 b;
	int			 i;

	buf_init(&b);
	assert_int_equal(store_query(st, "SELECT u.name, COALESCE(u.uscc, ''), "
	    "u.address, u.town_code, COALESCE(u.industry, ''), u.categories, "
	    "COALESCE(u.three_small_kind, ''), g.code, "
	    "(SELECT COUNT(*) FROM places p WHERE p.unit_id = u.id), "
	    "(SELECT COALESCE(SUM(p.floor_area_m2 + p.rooms + p.beds), 0) "
	    "FROM places p WHERE p.unit_id = u.id) FROM units u "
	    "JOIN grids g ON g.id = u.grid_id ORDER BY u.town_code, u.name, "
	    "u.address, u.uscc", STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1) {
		for (i = 0; i < 10; i++)
			buf_printf(&b, "%s|", store_text(r, i));
		buf_addc(&b, '\n');
	}
	store_rows_free(r);
	crypto_sm3_hex(b.data, b.len, out);
	buf_free(&b);
}

/* REG-030: the same seed gives the same city; another seed another. */
static void
test_registry_io__reg030_seed_deterministic(void **state)
{
	struct fx	*f = *state;
	struct err	 e;
	json_t		*r1 = NULL, *r2 = NULL, *r3 = NULL;
	char		 h1[65], h2[65];

	/* One database at a time: on PostgreSQL they share a schema. */
	assert_int_equal(seed(f->st, 1500, 42, 0, &r1, &e), 0);
	content_hash(f->st, h1);
	store_close(f->st);
	f->st = open_fresh();
	assert_int_equal(seed(f->st, 1500, 43, 0, &r3, &e), 0);
	deep_verify(f->st);
	store_close(f->st);
	f->st = open_fresh();
	assert_int_equal(seed(f->st, 1500, 42, 0, &r2, &e), 0);
	content_hash(f->st, h2);
	assert_string_equal(json_string_value(json_object_get(r1, "digest")),
	    json_string_value(json_object_get(r2, "digest")));
	assert_string_equal(h1, h2);
	assert_int_equal(jint(r1, "units"), 1500);
	assert_int_equal(jint(r1, "places"), jint(r2, "places"));
	assert_string_not_equal(json_string_value(json_object_get(r1,
	    "digest")), json_string_value(json_object_get(r3, "digest")));
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	/* Only an empty registry is seeded. */
	assert_int_equal(seed(f->st, 10, 1, 0, &r1, &e), ERR_POLICY);
	assert_int_equal(seed(f->st, 10, 1, 1, &r1, &e), 0);
	assert_false(json_is_true(json_object_get(r1, "seeded")));
	json_decref(r1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 1500);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM demo_seeds"), 1);
	deep_verify(f->st);
}

/* REG-030: valid USCCs of Dongguan, towns by population, categories in
 * proportion, personal data sealed, numbers that agree with the rules:
 * key and high-risk units are proposed as such and no other unit is. */
static void
test_registry_io__reg030_seed_valid_and_consistent(void **state)
{
	struct fx		*f = *state;
	struct store_rows	*r = NULL;
	struct err		 e;
	json_t			*rep = NULL, *p;
	char			 norm[19], *s;
	int64_t			 n = 0, hm, hl, a0;
	int			 warn, bits, prop, key = 0, hr = 0;

	a0 = asize(f);
	assert_int_equal(seed(f->st, 4000, 7, 0, &rep, &e), 0);
	json_decref(rep);
	assert_int_equal(asize(f), a0 + 1);
	assert_int_equal(store_query(f->st, "SELECT uscc FROM units WHERE "
	    "uscc IS NOT NULL", STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1) {
		warn = 0;
		if (ident_uscc_check(store_text(r, 0), "uscc", norm, &warn,
		    &e) < 0 || warn)
			fail_msg("%s: %s", store_text(r, 0), e.msg);
		assert_memory_equal(store_text(r, 0) + 2, "441900", 6);
		n++;
	}
	store_rows_free(r);
	assert_true(n > 2500);
	assert_int_equal(count(f, "SELECT COUNT(DISTINCT uscc) FROM units"), n);
	/* 虎门 (838 144 people) has about five times as many as 洪梅. */
	hm = count(f, "SELECT COUNT(*) FROM units WHERE town_code = "
	    "'441900121'");
	hl = count(f, "SELECT COUNT(*) FROM units WHERE town_code = "
	    "'441900125'");
	assert_true(hm > 4 * hl && hm < 20 * hl);
	assert_true(count(f, "SELECT COUNT(*) FROM units WHERE "
	    "(categories & 16) <> 0") > 1000);
	assert_true(count(f, "SELECT COUNT(*) FROM units WHERE "
	    "(categories & 32) <> 0") > 600);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units WHERE grid_id "
	    "IS NULL"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_contacts WHERE "
	    "role = 'legal_rep'"), 4000);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM places WHERE kind = "
	    "'hotel' AND rooms < 1"), 0);
	/* Every unit's proposal agrees with its categories. */
	assert_int_equal(store_query(f->st, "SELECT id, categories FROM units",
	    STORE_NOARGS, &r, &e), 0);
	while (store_next(r, &e) == 1) {
		bits = (int)store_int(r, 1) & 3;
		p = propose(f, store_int(r, 0));
		s = names(json_object_get(p, "proposed"));
		prop = (strstr(s, "key") ? 1 : 0) |
		    (strstr(s, "high_risk") ? 2 : 0);
		if (prop != bits)
			fail_msg("unit %lld categories %d proposed %s",
			    (long long)store_int(r, 0), (int)store_int(r, 1), s);
		key += (bits & 1) != 0;
		hr += (bits & 2) != 0;
		free(s);
		json_decref(p);
	}
	store_rows_free(r);
	assert_true(key > 0);
	/* P-1: the names are sealed, as through the API. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_contacts WHERE "
	    "length(name_sealed) < 64"), 0);
	deep_verify(f->st);
	(void)hr;
}

/*
 * REG-017, REG-025: an import in transactions of its own (the CLI's way),
 * several of them, with a record built from the values written rather
 * than read back (every optional field given or not, text that needs
 * escaping) and the tree's edge carried between entries: every unit has
 * one entry, whose state is its canonical record (audit verify --deep),
 * and the trail verifies node by node.
 */
static void
test_registry_io__reg017_batched_import_records(void **state)
{
	struct fx			*f = *state;
	struct registry_import_opts	 o;
	struct err			 e;
	struct buf			 csv;
	json_t				*rep = NULL;
	char				 u[19];
	int64_t				 a0;
	int				 i, pass;

	memset(&o, 0, sizeof(o));
	o.mode = REGISTRY_IMPORT_COMMIT;
	o.via = "cli";
	o.max_rows = REGISTRY_IMPORT_ROWS_CLI;
	o.batch = 3;
	for (pass = 0; pass < 2; pass++) {
		buf_init(&csv);
		buf_adds(&csv, "单位名称,统一社会信用代码,法定代表人,住所,经营场所,"
		    "镇街,行业,成立日期\n");
		for (i = 0; i < 11; i++) {
			make_uscc(700 + (unsigned)i, u);
			/* The second pass changes every third row. */
			buf_printf(&csv, "\"公司%d \\ \"\"引号\"\"%s\",%s,%s,%s,%s,"
			    "%s,%s,%s\n", i, pass && i % 3 == 0 ? " 新" : "",
			    u, i % 2 ? "" : "张三丰",
			    i % 3 == 1 ? "" : "东莞市虎门镇甲路1号",
			    i % 4 == 2 && i % 3 != 1 ? "" :
			    "东莞市虎门镇 甲路2号/é",
			    i % 5 ? "虎门" : TOWN_A, i % 2 ? "C33" : "",
			    i % 3 ? "2019-03-28" : "");
		}
		a0 = asize(f);
		assert_int_equal(registry_import_units(f->st, &f->sys, csv.data,
		    csv.len, &o, &rep, &e), 0);
		assert_int_equal(jint(rep, "rejected"), 0);
		assert_int_equal(jint(rep, "created"), pass ? 0 : 11);
		assert_int_equal(jint(rep, "updated"), pass ? 4 : 0);
		/* One entry a changed unit, and the import's own. */
		assert_int_equal(asize(f), a0 + (pass ? 4 : 11) + 1);
		json_decref(rep);
		buf_free(&csv);
		deep_verify(f->st);
	}
	assert_int_equal(count(f, "SELECT COUNT(*) FROM units"), 11);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_entries WHERE "
	    "action = 'unit.create'"), 11);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM unit_contacts WHERE "
	    "role = 'legal_rep'"), 6);
}

static int
run(const char *url, const char *name)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		cmocka_unit_test(test_registry_io__r3_csvread),
		T(test_registry_io__reg023_proposal_from_rules),
		T(test_registry_io__reg023_rules_file_checked),
		T(test_registry_io__reg024_confirm_records_rule_and_version),
		T(test_registry_io__reg026_reg027_import_report_and_idempotence),
		T(test_registry_io__reg027_import_updates),
		T(test_registry_io__reg025_import_scope_and_file_errors),
		T(test_registry_io__reg017_batched_import_records),
		T(test_registry_io__reg026_import_gb18030_and_town_names),
		T(test_registry_io__reg029_export_csv),
		T(test_registry_io__reg029_export_xlsx),
		T(test_registry_io__reg030_seed_deterministic),
		T(test_registry_io__reg030_seed_valid_and_consistent),
#undef T
	};

	fx_url = url;
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}

/* data/ of the source tree. */
static void
find_data(void)
{
	char	*p;

	snprintf(data_dir, sizeof(data_dir), "%s", __FILE__);
	if ((p = strstr(data_dir, "tests/unit/test_registry_io.c")) != NULL)
		snprintf(p, sizeof(data_dir) - (size_t)(p - data_dir), "data");
	if (access(data_dir, R_OK) == 0)
		return;
	snprintf(data_dir, sizeof(data_dir), "../data");
	if (access(data_dir, R_OK) == 0)
		return;
	snprintf(data_dir, sizeof(data_dir), "data");
}

int
main(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = {
		9, 8, 7, 6, 5, 4, 3, 2, 1, 10, 11, 12, 13, 14, 15, 16,
	};
	const char			*pg = getenv("FIREWARDEN_TEST_PG");
	int				 rc;

	jx_init();
	pii_set_key(key);
	find_data();
	rc = run("sqlite::memory:", "registry_io (SQLite)");
	if (pg && *pg)
		rc |= run(pg, "registry_io (PostgreSQL)");
	else
		printf("registry_io (PostgreSQL): skipped, FIREWARDEN_TEST_PG "
		    "unset\n");
	return rc;
}
