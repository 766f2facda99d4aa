/*
 * The directories as files and as a demo: exports of the item list and
 * the inspector directory (CSV with a byte-order mark, or .xlsx through
 * src/core/xlsx.c) selecting exactly what the lists show (INS-018), the
 * items file that `firewarden inspection load-items` and `seed-demo` load
 * idempotently by code (INS-019), and the deterministic demo inspectors
 * of `seed-demo`.  Everything written goes through the functions of
 * inspection_dir.c, so the rules and the audit entries are the API's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../core/sheet.h"
#include "audit.h"
#include "inspection_dir_int.h"
#include "registry_int.h"

const char *
inspection_dir_export_ctype(const char *format)
{
	return sheet_ctype(format);
}

/* Unix seconds as YYYY-MM-DD HH:MM in Asia/Shanghai. */
static void
insd_time(int64_t at, char out[20])
{
	time_t		t = (time_t)(at + 8 * 3600);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

static const char *
insd_dept_zh(const char *name)
{
	const struct inspection_department	*d;

	for (d = inspection_departments; d->name; d++)
		if (name != NULL && strcmp(d->name, name) == 0)
			return d->title_zh;
	return name ? name : "";
}

static const struct {
	const char	*key;
	const char	*zh;
} insd_words[] = {
	{ "active", "有效" }, { "archived", "已归档" },
	{ "suspended", "暂停" },
	{ NULL, NULL },
};

static const char *
insd_word(const char *key)
{
	int	i;

	for (i = 0; key && insd_words[i].key; i++)
		if (strcmp(insd_words[i].key, key) == 0)
			return insd_words[i].zh;
	return key ? key : "";
}

/* L-4: an export is recorded, in the caller's transaction or its own. */
static int
insd_export_audit(struct store *st, struct actor *who, const char *action,
    struct err *e)
{
	int	own = 0, rc;

	if ((rc = store_begin_own(st, &own, e)) < 0)
		return rc;
	rc = audit_append(st, who, action, NULL, NULL, NULL, e);
	return store_end_own(st, own, rc, e);
}

static int
insd_export_count(struct store *st, const char *from,
    const struct insd_filter *x, struct err *e)
{
	struct buf	sql;
	int64_t		n = 0;
	int		rc;

	buf_init(&sql);
	buf_printf(&sql, "SELECT COUNT(*) FROM %s %s", from, x->where.data);
	rc = store_query_int(st, sql.data, x->args, x->n, &n, e);
	buf_free(&sql);
	if (rc < 0)
		return rc;
	if (n > INSPECTION_DIR_EXPORT_MAX)
		return err_set(e, ERR_POLICY, "limit", "the filter selects %lld "
		    "rows; an export holds at most %d (INS-018)", (long long)n,
		    INSPECTION_DIR_EXPORT_MAX);
	return 0;
}

#define INSD_ITEM_COLS	9

static const char *const insd_item_headers[INSD_ITEM_COLS] = {
	"事项编码", "事项名称", "检查依据", "检查内容", "检查方式",
	"实施部门", "适用单位类别", "状态", "更新时间",
};
static const double insd_item_widths[INSD_ITEM_COLS] = {
	10, 28, 48, 60, 24, 18, 30, 8, 18,
};

/* Category titles joined with 、; "全部单位" for none. */
static void
insd_cats_zh(const json_t *names, struct buf *b)
{
	const struct registry_category	*c;
	json_t				*x;
	size_t				 i;

	buf_reset(b);
	json_array_foreach(names, i, x) {
		for (c = registry_categories; c->name; c++)
			if (strcmp(c->name, json_string_value(x)) == 0)
				break;
		if (b->len > 0)
			buf_adds(b, "、");
		buf_adds(b, c->name ? c->title_zh : json_string_value(x));
	}
	if (b->len == 0)
		buf_adds(b, "全部单位");
}

int
inspection_dir_item_export(struct store *st, struct actor *who,
    const struct inspection_item_query *q, const char *format, char **data,
    size_t *len, int64_t *rows, struct err *e)
{
	struct insd_filter	 x;
	struct sheet		 sh;
	struct store_rows	*r = NULL;
	struct buf		 sql, cats;
	const char		*cells[INSD_ITEM_COLS];
	json_t			*it = NULL;
	char			 when[20];
	int64_t			 n = 0;
	int			 rc;

	memset(&x, 0, sizeof(x));
	memset(&sh, 0, sizeof(sh));
	buf_init(&sql);
	buf_init(&cats);
	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		goto out;
	if ((rc = insd_item_filter(q, 0, &x, e)) < 0)
		goto out;
	if ((rc = insd_export_count(st, "inspection_items", &x, e)) < 0)
		goto out;
	if ((rc = sheet_open(&sh, format, "检查事项清单",
	    insd_item_headers, insd_item_widths, INSD_ITEM_COLS, e)) < 0)
		goto out;
	buf_printf(&sql, "%s%s ORDER BY %s", INSD_ITEM_SELECT, x.where.data,
	    x.order.data);
	if ((rc = store_query(st, sql.data, x.args, x.n, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		it = insd_item_row(r);
		insd_cats_zh(json_object_get(it, "categories"), &cats);
		insd_time(json_integer_value(json_object_get(it,
		    "updated_at")), when);
		cells[0] = json_string_value(json_object_get(it, "code"));
		cells[1] = json_string_value(json_object_get(it, "name"));
		cells[2] = json_string_value(json_object_get(it,
		    "legal_basis"));
		cells[3] = json_string_value(json_object_get(it, "content"));
		cells[4] = json_string_value(json_object_get(it, "method"));
		cells[5] = insd_dept_zh(json_string_value(json_object_get(it,
		    "department")));
		cells[6] = cats.data;
		cells[7] = insd_word(json_string_value(json_object_get(it,
		    "status")));
		cells[8] = when;
		rc = sheet_row(&sh, cells, e);
		json_decref(it);
		it = NULL;
		if (rc < 0)
			goto out;
		n++;
	}
	if (rc < 0)
		goto out;
	store_rows_free(r);
	r = NULL;
	if ((rc = sheet_finish(&sh, data, len, e)) < 0)
		goto out;
	if ((rc = insd_export_audit(st, who, "inspection_item.export",
	    e)) < 0) {
		free(*data);
		*data = NULL;
		goto out;
	}
	*rows = n;
	rc = 0;
out:
	insd_filter_free(&x);
	sheet_free(&sh);
	store_rows_free(r);
	buf_free(&sql);
	buf_free(&cats);
	return rc;
}

#define INSD_INSPECTOR_COLS	11

static const char *const insd_inspector_headers[INSD_INSPECTOR_COLS] = {
	"姓名", "执法部门", "执法证号", "证件有效期至", "证件状态",
	"检查区域", "专长", "状态", "关联账号", "有效回避声明", "更新时间",
};
static const double insd_inspector_widths[INSD_INSPECTOR_COLS] = {
	12, 18, 20, 14, 10, 40, 16, 8, 14, 12, 18,
};

/* Town names by code, for the areas column. */
static int
insd_town_names(struct store *st, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*m = json_object();
	int			 rc;

	if ((rc = store_query(st, "SELECT code, name FROM towns",
	    STORE_NOARGS, &r, e)) < 0) {
		json_decref(m);
		return rc;
	}
	while ((rc = store_next(r, e)) == 1)
		json_object_set_new(m, store_text(r, 0),
		    json_string(store_text(r, 1)));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(m);
		return rc;
	}
	*out = m;
	return 0;
}

int
inspection_dir_inspector_export(struct store *st, struct actor *who,
    const struct inspection_inspector_query *q, const char *format,
    char **data, size_t *len, int64_t *rows, struct err *e)
{
	struct insd_filter	 x;
	struct sheet		 sh;
	struct store_rows	*r = NULL;
	struct buf		 sql, areas;
	const char		*cells[INSD_INSPECTOR_COLS], *tn;
	json_t			*it = NULL, *towns = NULL, *a;
	char			 when[20], today[INSD_DATE_LEN + 1], cnt[24];
	int64_t			 n = 0;
	size_t			 i;
	int			 rc;

	memset(&x, 0, sizeof(x));
	memset(&sh, 0, sizeof(sh));
	buf_init(&sql);
	buf_init(&areas);
	insd_today(today);
	if ((rc = reg_need(who, "inspection:read", e)) < 0)
		goto out;
	if ((rc = insd_inspector_filter(st, who, q, today, &x, e)) < 0)
		goto out;
	if ((rc = insd_export_count(st, "inspectors i", &x, e)) < 0)
		goto out;
	if ((rc = insd_town_names(st, &towns, e)) < 0)
		goto out;
	if ((rc = sheet_open(&sh, format, "执法检查人员名录",
	    insd_inspector_headers, insd_inspector_widths,
	    INSD_INSPECTOR_COLS, e)) < 0)
		goto out;
	buf_printf(&sql, "%s%s ORDER BY %s", INSD_INSPECTOR_SELECT,
	    x.where.data, x.order.data);
	if ((rc = store_query(st, sql.data, x.args, x.n, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		it = insd_inspector_row(r, 1, today);
		buf_reset(&areas);
		json_array_foreach(json_object_get(it, "areas"), i, a) {
			tn = json_string_value(json_object_get(towns,
			    json_string_value(a)));
			if (areas.len > 0)
				buf_adds(&areas, "、");
			buf_adds(&areas, tn ? tn : json_string_value(a));
		}
		insd_time(json_integer_value(json_object_get(it,
		    "updated_at")), when);
		snprintf(cnt, sizeof(cnt), "%lld", (long long)
		    json_integer_value(json_object_get(it,
		    "conflicts_active")));
		cells[0] = json_string_value(json_object_get(it, "name"));
		cells[1] = insd_dept_zh(json_string_value(json_object_get(it,
		    "department")));
		cells[2] = json_string_value(json_object_get(it, "cert_no"));
		cells[3] = json_string_value(json_object_get(it,
		    "cert_valid_until"));
		cells[4] = json_is_true(json_object_get(it, "cert_valid")) ?
		    "有效" : "已过期";
		cells[5] = areas.data;
		cells[6] = json_string_value(json_object_get(it, "specialty"));
		cells[7] = insd_word(json_string_value(json_object_get(it,
		    "status")));
		cells[8] = json_string_value(json_object_get(it, "user_login"));
		cells[9] = cnt;
		cells[10] = when;
		rc = sheet_row(&sh, cells, e);
		json_decref(it);
		it = NULL;
		if (rc < 0)
			goto out;
		n++;
	}
	if (rc < 0)
		goto out;
	store_rows_free(r);
	r = NULL;
	if ((rc = sheet_finish(&sh, data, len, e)) < 0)
		goto out;
	if ((rc = insd_export_audit(st, who, "inspector.export", e)) < 0) {
		free(*data);
		*data = NULL;
		goto out;
	}
	*rows = n;
	rc = 0;
out:
	insd_filter_free(&x);
	sheet_free(&sh);
	store_rows_free(r);
	json_decref(towns);
	buf_free(&sql);
	buf_free(&areas);
	return rc;
}

/* The items file (INS-019). */

static const char *const insd_file_keys[] = {
	"format", "version", "source", "note", "items", NULL,
};
/* Keys of a file item beyond the API's: citation status and a note. */
static const char *const insd_file_item_extra[] = { "status", "note", NULL };
static const char *const insd_citation[] = { "C", "P", "U", NULL };

static int
insd_file_read(const char *path, json_t **out, struct err *e)
{
	json_error_t	 je;
	FILE		*fp;
	char		*p = NULL;
	size_t		 n;
	int		 rc = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return err_set(e, ERR_IO, "file", "cannot read %s: %s", path,
		    strerror(errno));
	p = xmalloc(INSPECTION_DIR_FILE_MAX + 1);
	n = fread(p, 1, INSPECTION_DIR_FILE_MAX + 1, fp);
	if (ferror(fp))
		rc = err_set(e, ERR_IO, "file", "cannot read %s", path);
	else if (n > INSPECTION_DIR_FILE_MAX)
		rc = err_set(e, ERR_INVALID, "file", "%s is larger than %d "
		    "bytes", path, INSPECTION_DIR_FILE_MAX);
	else if ((*out = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je)) ==
	    NULL)
		rc = err_set(e, ERR_INVALID, "file", "line %d: %s", je.line,
		    je.text);
	fclose(fp);
	free(p);
	return rc;
}

/* Rename an item's field error to items[i].field. */
static int
insd_file_err(struct err *e, int rc, size_t i, const struct err *in)
{
	char	field[ERR_FIELD_MAX];

	snprintf(field, sizeof(field), "items[%d]%s%.32s", (int)i,
	    in->field[0] ? "." : "", in->field);
	return err_set(e, rc, field, "items[%zu]: %s", i, in->msg);
}

/*
 * The file checked as a whole before anything is written: its format,
 * and each item as the API would take it plus its citation status.
 * *recs gets the normalised records, in file order.
 */
static int
insd_file_check(const json_t *doc, json_t **recs, struct err *e)
{
	struct err	 ie;
	const char	*key;
	json_t		*v, *items, *it, *rec, *a = NULL, *seen = NULL;
	size_t		 i;
	int		 rc = 0;

	if (!json_is_object(doc))
		return err_set(e, ERR_INVALID, "file", "the file must hold a "
		    "JSON object");
	json_object_foreach((json_t *)(uintptr_t)doc, key, v)
		if (!reg_choice(insd_file_keys, key))
			return err_set(e, ERR_INVALID, "file", "unknown key "
			    "%.40s", key);
	v = json_object_get(doc, "format");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), INSPECTION_DIR_ITEMS_FORMAT) != 0)
		return err_set(e, ERR_INVALID, "format", "format must be %s",
		    INSPECTION_DIR_ITEMS_FORMAT);
	if (((v = json_object_get(doc, "source")) != NULL &&
	    !json_is_string(v)) || ((v = json_object_get(doc, "note")) != NULL &&
	    !json_is_string(v)))
		return err_set(e, ERR_INVALID, "file", "source and note must "
		    "be texts");
	v = json_object_get(doc, "version");
	if (!json_is_string(v) || json_string_length(v) < 1 ||
	    json_string_length(v) > 32)
		return err_set(e, ERR_INVALID, "version", "version must be a "
		    "string of 1 to 32 characters");
	items = json_object_get(doc, "items");
	if (!json_is_array(items) || json_array_size(items) < 1 ||
	    json_array_size(items) > INSPECTION_DIR_FILE_ITEMS)
		return err_set(e, ERR_INVALID, "items", "items must list 1 to "
		    "%d items", INSPECTION_DIR_FILE_ITEMS);
	a = json_array();
	seen = json_object();
	json_array_foreach(items, i, it) {
		err_clear(&ie);
		if (!json_is_object(it)) {
			rc = err_set(e, ERR_INVALID, "items", "items[%zu] must "
			    "be an object", i);
			goto out;
		}
		rec = insd_item_blank();
		json_array_append_new(a, rec);
		if ((rc = insd_item_apply(it, rec, 1, insd_file_item_extra,
		    &ie)) < 0) {
			rc = insd_file_err(e, rc, i, &ie);
			goto out;
		}
		v = json_object_get(it, "status");
		if (!json_is_string(v) ||
		    !reg_choice(insd_citation, json_string_value(v))) {
			snprintf(ie.field, sizeof(ie.field), "status");
			snprintf(ie.msg, sizeof(ie.msg), "status must be C, P "
			    "or U (how sure the citation is)");
			rc = insd_file_err(e, ERR_INVALID, i, &ie);
			goto out;
		}
		json_object_set(rec, "citation", v);
		v = json_object_get(it, "note");
		if (v != NULL && (!json_is_string(v) ||
		    str_utf8_len(json_string_value(v)) >
		    INSPECTION_DIR_NOTE_MAX)) {
			snprintf(ie.field, sizeof(ie.field), "note");
			snprintf(ie.msg, sizeof(ie.msg), "note must be a text "
			    "of at most %d characters", INSPECTION_DIR_NOTE_MAX);
			rc = insd_file_err(e, ERR_INVALID, i, &ie);
			goto out;
		}
		key = json_string_value(json_object_get(rec, "code"));
		if (json_object_get(seen, key) != NULL) {
			snprintf(ie.field, sizeof(ie.field), "code");
			snprintf(ie.msg, sizeof(ie.msg), "code %.20s is listed "
			    "twice", key);
			rc = insd_file_err(e, ERR_INVALID, i, &ie);
			goto out;
		}
		json_object_set_new(seen, key, json_true());
	}
	*recs = a;
	a = NULL;
out:
	json_decref(a);
	json_decref(seen);
	return rc;
}

/* The fields an item's record and a file record are compared on. */
static const char *const insd_item_keys[] = {
	"code", "name", "legal_basis", "content", "method", "department",
	"categories", NULL,
};

static json_t *
insd_item_input(const json_t *rec, int with_code)
{
	json_t	*in = json_object();
	int	 k;

	for (k = 0; insd_item_keys[k]; k++)
		if (with_code || strcmp(insd_item_keys[k], "code") != 0)
			json_object_set(in, insd_item_keys[k],
			    json_object_get(rec, insd_item_keys[k]));
	return in;
}

static int
insd_item_same(const json_t *a, const json_t *b)
{
	int	k;

	for (k = 0; insd_item_keys[k]; k++)
		if (!json_equal(json_object_get(a, insd_item_keys[k]),
		    json_object_get(b, insd_item_keys[k])))
			return 0;
	return 1;
}

int
inspection_dir_items_load(struct store *st, struct actor *who,
    const char *path, int if_empty, json_t **report, struct err *e)
{
	json_t		*doc = NULL, *recs = NULL, *rec, *cur = NULL, *in = NULL;
	json_t		*unconfirmed = NULL, *rep = NULL;
	struct reg_scope s;
	int64_t		 any = 0, id, created = 0, updated = 0, same = 0;
	int64_t		 skipped = 0;
	size_t		 i;
	int		 own = 0, rc;

	if (path == NULL)
		path = INSPECTION_DIR_ITEMS_FILE;
	if ((rc = reg_need(who, "inspection:write", e)) < 0)
		return rc;
	/* INS-004: the list is the city's. */
	reg_scope_of(who, &s);
	if (s.kind != RS_ALL)
		return err_set(e, ERR_FORBIDDEN, NULL, "the item list is kept "
		    "by the city (INS-004)");
	if ((rc = insd_file_read(path, &doc, e)) < 0)
		return rc;
	if ((rc = insd_file_check(doc, &recs, e)) < 0)
		goto done;
	if ((rc = store_begin_own(st, &own, e)) < 0)
		goto done;
	if (if_empty) {
		if ((rc = store_query_int(st, "SELECT COUNT(*) FROM "
		    "inspection_items", STORE_NOARGS, &any, e)) < 0)
			goto out;
		if (any > 0) {
			rep = json_pack("{s:b}", "loaded", 0);
			goto out;
		}
	}
	unconfirmed = json_array();
	json_array_foreach(recs, i, rec) {
		if (strcmp(json_string_value(json_object_get(rec, "citation")),
		    "U") == 0)
			json_array_append(unconfirmed,
			    json_object_get(rec, "code"));
		rc = insd_item_by_code(st, json_string_value(json_object_get(rec,
		    "code")), &cur, e);
		if (rc == ERR_NOT_FOUND) {
			in = insd_item_input(rec, 1);
			rc = inspection_dir_item_create(st, who, in, NULL, e);
			created++;
		} else if (rc == 0 && strcmp(json_string_value(
		    json_object_get(cur, "status")), "archived") == 0)
			skipped++;
		else if (rc == 0 && insd_item_same(cur, rec))
			same++;
		else if (rc == 0) {
			str_to_i64(json_string_value(json_object_get(cur, "id")),
			    1, INT64_MAX, &id);
			in = insd_item_input(rec, 0);
			rc = inspection_dir_item_update(st, who, id,
			    json_integer_value(json_object_get(cur, "version")),
			    in, NULL, e);
			updated++;
		}
		json_decref(cur);
		json_decref(in);
		cur = in = NULL;
		if (rc < 0)
			goto out;
	}
	rep = json_pack("{s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:O}",
	    "loaded", 1,
	    "version", json_string_value(json_object_get(doc, "version")),
	    "items", (json_int_t)json_array_size(recs),
	    "created", (json_int_t)created, "updated", (json_int_t)updated,
	    "unchanged", (json_int_t)same, "skipped", (json_int_t)skipped,
	    "unconfirmed", unconfirmed);
	rc = 0;
out:
	if ((rc = store_end_own(st, own, rc, e)) == 0) {
		*report = rep;
		rep = NULL;
	}
done:
	json_decref(rep);
	json_decref(unconfirmed);
	json_decref(doc);
	json_decref(recs);
	return rc;
}

/* The demo inspectors. */

struct insd_rng {
	uint64_t	s;
};

/* splitmix64 */
static uint64_t
insd_next(struct insd_rng *r)
{
	uint64_t	z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
insd_in(struct insd_rng *r, int n)
{
	return (int)(insd_next(r) % (uint64_t)n);
}

/* The first field of each entry of a word list (data/demo/). */
static int
insd_words_read(const char *dir, const char *name, json_t **out,
    struct err *e)
{
	FILE	*fp;
	char	*path, line[256], *t;
	json_t	*a;
	size_t	 n;

	path = xasprintf("%s/%s", dir, name);
	fp = fopen(path, "r");
	if (fp == NULL) {
		err_set(e, ERR_IO, "words", "cannot read %s: %s", path,
		    strerror(errno));
		free(path);
		return ERR_IO;
	}
	free(path);
	a = json_array();
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((t = strchr(line, '\t')) != NULL)
			*t = '\0';
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (line[0] == '\0' || line[0] == '#' ||
		    !str_utf8_valid(line, n))
			continue;
		json_array_append_new(a, json_string(line));
	}
	fclose(fp);
	if (json_array_size(a) == 0) {
		json_decref(a);
		return err_set(e, ERR_INVALID, "words", "%s lists no word",
		    name);
	}
	*out = a;
	return 0;
}

static const char *
insd_pick(struct insd_rng *r, const json_t *a)
{
	return json_string_value(json_array_get(a,
	    (size_t)insd_in(r, (int)json_array_size(a))));
}

/* Who the demo directory holds: department, certificate prefix, how
 * many towns each covers, specialties. */
static const struct {
	const char	*dept;
	const char	*prefix;
	int		 count;
	int		 towns;
	const char	*spec[4];
} insd_demo_teams[] = {
	{ "fire", "粤消执", 30, 4, { "建筑防火", "消防设施", "电气防火",
	    "人员密集场所" } },
	{ "market", "粤市监执", 8, 5, { "消防产品质量", "电气产品质量",
	    "燃气用具", "特种设备" } },
	{ "housing", "粤建执", 1, 6, { "建设工程消防", "既有建筑改造",
	    "物业管理", "城中村改造" } },
	{ "emergency", "粤应急执", 1, 6, { "危险化学品", "工贸企业",
	    "有限空间", "粉尘防爆" } },
};

static int
insd_seed_inspectors(struct store *st, struct actor *who, uint64_t seed,
    const char *words, int64_t *made, struct err *e)
{
	struct store_rows	*r = NULL;
	struct insd_rng		 g;
	json_t			*sur = NULL, *giv = NULL, *towns = NULL;
	json_t			*in = NULL, *out = NULL, *areas;
	char			 name[64], cert[64], today[INSD_DATE_LEN + 1];
	char			 until[INSD_DATE_LEN + 1];
	const char		*ids;
	int64_t			 id;
	int			 t, k, j, ntowns, start, days, seq = 0, rc;

	insd_today(today);
	if ((rc = insd_words_read(words, "surnames.txt", &sur, e)) < 0 ||
	    (rc = insd_words_read(words, "given.txt", &giv, e)) < 0)
		goto out;
	if ((rc = store_query(st, "SELECT code FROM towns ORDER BY sort_order,"
	    " code", STORE_NOARGS, &r, e)) < 0)
		goto out;
	towns = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(towns, json_string(store_text(r, 0)));
	store_rows_free(r);
	r = NULL;
	if (rc < 0)
		goto out;
	ntowns = (int)json_array_size(towns);
	if (ntowns == 0) {
		rc = err_set(e, ERR_INVALID, "areas", "no towns are loaded");
		goto out;
	}
	for (t = 0; t < (int)(sizeof(insd_demo_teams) /
	    sizeof(insd_demo_teams[0])); t++) {
		for (k = 0; k < insd_demo_teams[t].count; k++, seq++) {
			g.s = seed * 0xd1b54a32d192ed03ULL ^
			    (uint64_t)(seq + 1) * 0x9e3779b97f4a7c15ULL;
			snprintf(name, sizeof(name), "%s%s%s", insd_pick(&g,
			    sur), insd_pick(&g, giv), insd_in(&g, 10) < 6 ?
			    insd_pick(&g, giv) : "");
			snprintf(cert, sizeof(cert), "%s %d-%04d",
			    insd_demo_teams[t].prefix, 2019 + insd_in(&g, 6),
			    seq + 1);
			/* Consecutive towns; a fire officer's start moves 6
			 * towns every 5 officers, so every town has three or
			 * more, two of them active with a valid certificate
			 * whatever the seed. */
			start = insd_demo_teams[t].count *
			    insd_demo_teams[t].towns >= ntowns ?
			    k * ntowns / insd_demo_teams[t].count :
			    insd_in(&g, ntowns);
			start = (start + (int)(seed % (uint64_t)ntowns)) %
			    ntowns;
			areas = json_array();
			for (j = 0; j < insd_demo_teams[t].towns &&
			    j < ntowns; j++)
				json_array_append(areas, json_array_get(towns,
				    (size_t)((start + j) % ntowns)));
			/* Most certificates hold for years; some run out
			 * soon, a few already have. */
			days = seq % 13 == 5 ? -1 - insd_in(&g, 200) :
			    seq % 11 == 3 ? 1 + insd_in(&g, 29) :
			    60 + insd_in(&g, 1400);
			insd_day_add(today, days, until);
			in = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}",
			    "name", name, "department", insd_demo_teams[t].dept,
			    "cert_no", cert, "cert_valid_until", until,
			    "areas", areas, "specialty",
			    insd_demo_teams[t].spec[insd_in(&g, 4)]);
			if ((rc = inspection_dir_inspector_create(st, who, in,
			    &out, e)) < 0)
				goto out;
			json_decref(in);
			in = NULL;
			(*made)++;
			if (seq % 17 == 16) {
				ids = json_string_value(json_object_get(out,
				    "id"));
				str_to_i64(ids, 1, INT64_MAX, &id);
				in = json_pack("{s:s}", "status", "suspended");
				rc = inspection_dir_inspector_update(st, who, id,
				    json_integer_value(json_object_get(out,
				    "version")), in, NULL, e);
				json_decref(in);
				in = NULL;
				if (rc < 0)
					goto out;
			}
			json_decref(out);
			out = NULL;
		}
	}
	rc = 0;
out:
	store_rows_free(r);
	json_decref(sur);
	json_decref(giv);
	json_decref(towns);
	json_decref(in);
	json_decref(out);
	return rc;
}

int
inspection_dir_seed_demo(struct store *st, struct actor *who, uint64_t seed,
    const char *items_path, const char *words, json_t **report,
    struct err *e)
{
	json_t	*items = NULL;
	int64_t	 any = 0, made = 0;
	int	 own = 0, rc;

	if (who->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "the demo directories "
		    "are made from the command line");
	if ((rc = store_begin_own(st, &own, e)) < 0)
		return rc;
	if ((rc = inspection_dir_items_load(st, who, items_path, 1, &items,
	    e)) < 0)
		goto out;
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM inspectors",
	    STORE_NOARGS, &any, e)) < 0)
		goto out;
	if (any == 0 && (rc = insd_seed_inspectors(st, who, seed,
	    words ? words : "data/demo", &made, e)) < 0)
		goto out;
	rc = 0;
out:
	rc = store_end_own(st, own, rc, e);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*report = json_pack("{s:o, s:I}", "items", items,
	    "inspectors", (json_int_t)made);
	return 0;
}
