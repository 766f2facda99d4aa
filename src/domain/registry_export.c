/*
 * Exports of unit lists (REG-029): the units a list query selects, as CSV
 * (UTF-8 with a byte-order mark so that Excel reads the Chinese, CRLF,
 * RFC 4180 quoting, cells that a spreadsheet would run as a formula
 * prefixed with an apostrophe) or as an .xlsx workbook (src/core/xlsx.c).
 * Personal data is masked as in every view (P-2); each export is recorded
 * with its filter and audited (L-4); more than REGISTRY_EXPORT_MAX rows is
 * refused.
 *
 * The WHERE and ORDER BY below follow registry_unit_list() in
 * registry_unit.c clause for clause (a unit test checks that both select
 * the same units in the same order); the list builds them in a static
 * function, so they are repeated here rather than shared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/csvwrite.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../core/xlsx.h"
#include "audit.h"
#include "ident.h"
#include "pii.h"
#include "registry_int.h"
#include "registry_io.h"

#define REG_EXP_COLS	16

int64_t	registry_export_max = REGISTRY_EXPORT_MAX;

/* Headers (Chinese, as the offices read them) and widths in characters. */
static const char *const reg_exp_headers[REG_EXP_COLS] = {
	"单位名称", "统一社会信用代码", "法定代表人", "地址", "镇街",
	"镇街代码", "网格", "行业", "单位类别", "三小场所类型", "状态",
	"风险等级", "单位编号", "更新时间", "住所", "成立日期",
};
static const double reg_exp_widths[REG_EXP_COLS] = {
	40, 22, 12, 48, 14, 12, 18, 10, 30, 14, 8, 10, 22, 18, 48, 12,
};

static const struct {
	const char	*key;
	const char	*zh;
} reg_exp_words[] = {
	{ "shop", "小档口" }, { "workshop", "小作坊" },
	{ "entertainment", "小娱乐场所" },
	{ "active", "正常" }, { "closed", "停业" }, { "archived", "已归档" },
	{ NULL, NULL },
};

#define REG_EXP_SELECT \
    "SELECT u.id, u.name, u.uscc, u.address, u.town_code, " \
    "(SELECT t.name FROM towns t WHERE t.code = u.town_code), " \
    "(SELECT g.name FROM grids g WHERE g.id = u.grid_id), u.industry, " \
    "u.categories, u.three_small_kind, u.status, u.risk_grade, " \
    "u.updated_at, (SELECT c.name_sealed FROM unit_contacts c " \
    "WHERE c.unit_id = u.id AND c.role = 'legal_rep'), " \
    "u.registered_address, u.registered_on FROM units u "

static const char reg_exp_sql_ins[] =
    "INSERT INTO unit_exports (id, actor, at, format, filter, rows) "
    "VALUES (?, ?, ?, ?, ?, ?)";
static const char reg_exp_sql_get[] =
    "SELECT id, actor, at, format, filter, rows FROM unit_exports "
    "WHERE id = ?";

/* The query is the list's: reg_unit_filter_build() (registry_unit.c). */

static int
reg_exp_given(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Rows. */

static const char *
reg_exp_zh(const char *key)
{
	int	i;

	for (i = 0; key && reg_exp_words[i].key; i++)
		if (strcmp(reg_exp_words[i].key, key) == 0)
			return reg_exp_words[i].zh;
	return key ? key : "";
}

/* Category titles joined with 、, highest rank first. */
static void
reg_exp_cats(int bits, struct buf *b)
{
	const struct registry_category	*c;

	buf_reset(b);
	for (c = registry_categories; c->name; c++) {
		if ((c->bit == 0 && bits != 0) ||
		    (c->bit != 0 && (bits & c->bit) == 0))
			continue;
		if (b->len > 0)
			buf_adds(b, "、");
		buf_adds(b, c->title_zh);
	}
}

/* Unix seconds as YYYY-MM-DD HH:MM in Asia/Shanghai (UTC+8, no DST). */
static void
reg_exp_time(int64_t at, char out[20])
{
	time_t		t = (time_t)(at + 8 * 3600);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}



/* Records. */

static json_t *
reg_exp_record_row(struct store_rows *r)
{
	json_t	*f = json_loads(store_text(r, 4), JSON_REJECT_DUPLICATES, NULL);

	return json_pack("{s:o, s:s, s:I, s:s, s:o, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "actor", store_text(r, 1),
	    "at", (json_int_t)store_int(r, 2),
	    "format", store_text(r, 3),
	    "filter", f ? f : json_string(store_text(r, 4)),
	    "rows", (json_int_t)store_int(r, 5));
}

int
registry_export_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 xid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &xid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such export");
	if ((rc = store_query(st, reg_exp_sql_get, STORE_ARGS(SV_I(xid)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = reg_exp_record_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such export");
	store_rows_free(r);
	return rc;
}

/* The filter as recorded: the parameters given. */
static json_t *
reg_exp_filter(const struct registry_unit_query *q)
{
	json_t		*f = json_object();
	const struct {
		const char	*k;
		const char	*v;
	} kv[] = {
		{ "q", q->q }, { "prefix", q->prefix }, { "town", q->town },
		{ "grid", q->grid }, { "category", q->category },
		{ "primary_category", q->primary_category },
		{ "status", q->status }, { "industry", q->industry },
		{ "risk_grade", q->risk_grade }, { "sort", q->sort },
	};
	size_t		 i;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		if (reg_exp_given(kv[i].v))
			json_object_set_new(f, kv[i].k, json_string(kv[i].v));
	return f;
}

/* L-4: the export and its filter, in the caller's transaction or one of
 * its own. */
static int
reg_exp_audit(struct store *st, struct actor *who, const char *format,
    const struct registry_unit_query *q, int64_t rows, struct err *e)
{
	json_t	*filter = reg_exp_filter(q), *rec = NULL;
	char	*text = jx_canonical(filter), by[24], tmp[24];
	int64_t	 id = id_next();
	int	 own = 0, rc;

	reg_actor_name(who, by);
	if ((rc = store_begin_own(st, &own, e)) < 0)
		goto out;
	rc = store_exec(st, reg_exp_sql_ins, STORE_ARGS(SV_I(id), SV_S(by),
	    SV_I(clock_now()), SV_S(format), SV_S(text), SV_I(rows)), NULL, e);
	if (rc == 0) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
		rc = registry_export_record(st, tmp, &rec, e);
	}
	if (rc == 0)
		rc = audit_append_id(st, who, "unit.export", "export", id, rec,
		    e);
	rc = store_end_own(st, own, rc, e);
out:
	json_decref(filter);
	json_decref(rec);
	free(text);
	return rc;
}

const char *
registry_export_ctype(const char *format)
{
	if (format != NULL && strcmp(format, "xlsx") == 0)
		return "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet";
	return "text/csv; charset=utf-8";
}

int
registry_export_units(struct store *st, struct actor *who,
    const struct registry_unit_query *q, const char *format, char **data,
    size_t *len, int64_t *rows, struct err *e)
{
	struct reg_unit_filter	 x;
	struct store_rows	*r = NULL;
	struct xlsx		*xl = NULL;
	struct buf		 out, sql, cats;
	const char		*cells[REG_EXP_COLS];
	char			 id[24], when[20], *plain = NULL, *masked = NULL;
	int64_t			 total = 0, n = 0;
	int			 xlsx, rc;

	memset(&x, 0, sizeof(x));
	buf_init(&out);
	buf_init(&sql);
	buf_init(&cats);
	if ((rc = reg_need(who, "registry:read", e)) < 0)
		goto out;
	if (format == NULL || (strcmp(format, "csv") != 0 &&
	    strcmp(format, "xlsx") != 0)) {
		rc = err_set(e, ERR_INVALID, "format", "format must be csv or "
		    "xlsx");
		goto out;
	}
	xlsx = strcmp(format, "xlsx") == 0;
	if ((rc = reg_unit_filter_build(st, who, q, &x, e)) < 0)
		goto out;
	buf_printf(&sql, "SELECT COUNT(*) FROM units u %s", x.where.data);
	if ((rc = store_query_int(st, sql.data, x.args, x.n, &total, e)) < 0)
		goto out;
	if (total > registry_export_max) {
		rc = err_set(e, ERR_POLICY, "limit", "the filter selects %lld "
		    "units; an export holds at most %lld: narrow it, e.g. by "
		    "town or category (REG-029)", (long long)total,
		    (long long)registry_export_max);
		goto out;
	}
	if (xlsx) {
		if ((rc = xlsx_open("单位", reg_exp_headers, reg_exp_widths,
		    REG_EXP_COLS, &xl, e)) < 0)
			goto out;
	} else {
		buf_adds(&out, "\xef\xbb\xbf");
		csvw_row(&out, reg_exp_headers, REG_EXP_COLS);
	}
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY %s", REG_EXP_SELECT, x.where.data,
	    x.order.data);
	if ((rc = store_query(st, sql.data, x.args, x.n, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		if (++n > registry_export_max)
			break;
		snprintf(id, sizeof(id), "%lld", (long long)store_int(r, 0));
		masked = NULL;
		if (!store_isnull(r, 13)) {
			/* P-2: the name masked, as in every view. */
			if ((rc = pii_open(store_text(r, 13), &plain, e)) < 0)
				goto out;
			masked = pii_mask_name(plain);
			mem_free_secret(plain);
			plain = NULL;
		}
		reg_exp_cats((int)store_int(r, 8), &cats);
		reg_exp_time(store_int(r, 12), when);
		cells[0] = store_text(r, 1);
		cells[1] = store_text(r, 2);
		cells[2] = masked;
		cells[3] = store_text(r, 3);
		cells[4] = store_text(r, 5);
		cells[5] = store_text(r, 4);
		cells[6] = store_text(r, 6);
		cells[7] = store_text(r, 7);
		cells[8] = cats.data;
		cells[9] = store_isnull(r, 9) ? "" : reg_exp_zh(store_text(r,
		    9));
		cells[10] = reg_exp_zh(store_text(r, 10));
		cells[11] = store_text(r, 11);
		cells[12] = id;
		cells[13] = when;
		cells[14] = store_isnull(r, 14) ? "" : store_text(r, 14);
		cells[15] = store_isnull(r, 15) ? "" : store_text(r, 15);
		if (xlsx)
			rc = xlsx_row(xl, cells, e);
		else
			csvw_row(&out, cells, REG_EXP_COLS);
		free(masked);
		masked = NULL;
		if (rc < 0)
			goto out;
	}
	if (rc < 0)
		goto out;
	store_rows_free(r);
	r = NULL;
	if (n > registry_export_max) {
		rc = err_set(e, ERR_POLICY, "limit", "more than %lld units "
		    "(REG-029)", (long long)registry_export_max);
		goto out;
	}
	if (xlsx) {
		if ((rc = xlsx_finish(xl, data, len, e)) < 0)
			goto out;
	}
	if ((rc = reg_exp_audit(st, who, format, q, n, e)) < 0) {
		if (xlsx) {
			free(*data);
			*data = NULL;
		}
		goto out;
	}
	if (!xlsx) {
		*len = out.len;
		*data = buf_release(&out);
	}
	*rows = n;
	rc = 0;
out:
	reg_unit_filter_free(&x);
	free(masked);
	store_rows_free(r);
	xlsx_free(xl);
	buf_free(&out);
	buf_free(&sql);
	buf_free(&cats);
	return rc;
}
