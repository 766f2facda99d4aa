/*
 * CSV imports of units (REG-025..REG-028), as market supervision hands
 * them over: name, USCC, legal representative, registered address,
 * business address, town, industry, registration date.  Rows are read
 * with csvread, checked with the registry's own text, USCC and town rules,
 * matched to existing units by USCC in batches (one IN query for up to
 * REG_IMP_LOOKUP rows) and written with one audit entry per created or
 * changed unit, whose record is the unit's canonical record
 * (registry_unit_record; for a created unit built from the values just
 * written, reg_unit_record_created), so `audit verify --deep` sees
 * imported units as it sees units made through the API.  The entries of
 * one flush are appended as one audit batch (one head update, no node
 * reads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "audit.h"
#include "ident.h"
#include "pii.h"
#include "registry_int.h"
#include "registry_io.h"

#define REG_IMP_LOOKUP	100	/* USCCs in one look-up query */
#define REG_IMP_LEGAL_MAX REGISTRY_PERSON_MAX

/* The columns an import understands; aliases are matched with ASCII
 * letters folded and surrounding white space trimmed. */
enum reg_imp_col {
	IC_NAME, IC_USCC, IC_LEGAL, IC_REGADDR, IC_BIZADDR, IC_TOWN,
	IC_INDUSTRY, IC_REGDATE, IC__N,
};

static const struct {
	const char	*key;
	const char	*title;		/* shown in messages */
	const char	*aliases[8];
} reg_imp_cols[IC__N] = {
	{ "name", "单位名称", { "name", "单位名称", "企业名称", "名称",
	    "主体名称", "市场主体名称", NULL } },
	{ "uscc", "统一社会信用代码", { "uscc", "统一社会信用代码",
	    "社会信用代码", "信用代码", NULL } },
	{ "legal_rep", "法定代表人", { "legal_rep", "legal_representative",
	    "法定代表人", "法定代表人（负责人）", "法定代表人(负责人)", "负责人",
	    "经营者", NULL } },
	{ "registered_address", "住所", { "registered_address", "住所",
	    "注册地址", "登记住所", "住所（经营场所）", NULL } },
	{ "business_address", "经营场所", { "business_address", "address",
	    "经营场所", "经营地址", "实际经营地址", "地址", NULL } },
	{ "town", "镇街", { "town", "镇街", "所属镇街", "所在镇街", "镇街代码",
	    "镇（街）", NULL } },
	{ "industry", "行业", { "industry", "行业", "所属行业", "行业门类",
	    "行业代码", NULL } },
	{ "registered_on", "成立日期", { "registered_on", "registration_date",
	    "成立日期", "登记日期", "注册日期", NULL } },
};

/* A town as imports name it. */
struct reg_imp_town {
	char	code[REG_TOWN_LEN + 1];
	char	name[96];
};

/* USCCs seen in this file (REG-027), open addressing. */
struct reg_imp_seen {
	char	(*key)[IDENT_USCC_LEN + 1];
	int64_t	*row;
	size_t	 cap;
	size_t	 n;
};

/* One checked row, waiting for its batch. */
struct reg_imp_row {
	int64_t	 row;
	char	 uscc[IDENT_USCC_LEN + 1];
	char	*name;
	char	*address;
	char	 town[REG_TOWN_LEN + 1];
	char	*industry;	/* NULL: not given */
	char	*legal;		/* NULL: not given (clear text; wiped) */
	char	*reg_address;	/* 住所 when the file has it, else NULL */
	char	 reg_on[REG_DATE_LEN + 1];	/* 成立日期 or "" */
	int	 warn;		/* the org code fails GB 11714 */
	/* The unit with this USCC, if any. */
	int64_t	 id;
	char	*cur_name;
	char	*cur_address;
	char	 cur_town[REG_TOWN_LEN + 1];
	int64_t	 cur_grid;
	char	*cur_industry;
	char	 cur_status[12];
	int64_t	 cur_version;
	char	*cur_legal;	/* sealed */
	char	*cur_reg_address;
	char	*cur_reg_on;
};

struct reg_imp {
	struct store			*st;
	struct actor			*who;
	const struct registry_import_opts *o;
	struct reg_scope		 scope;
	struct reg_imp_town		*towns;
	int				 ntowns;
	int				 col[IC__N];	/* field index or -1 */
	size_t				 ncols;
	struct reg_imp_seen		 seen;
	struct reg_imp_row		*batch;
	int				 nbatch;
	int				 nmax;		/* rows a flush */
	char				 by[24];
	int64_t				 rows;
	int64_t				 created;
	int64_t				 updated;
	int64_t				 unchanged;
	int64_t				 rejected;
	json_t				*errors;
	json_t				*warnings;
	int				 truncated;
	int				 own_tx;
	struct audit_batch		 audit;		/* of this flush */
	int				 audit_open;
};

static const char reg_imp_sql_towns[] =
    "SELECT code, name FROM towns ORDER BY sort_order, code";
static const char reg_imp_sql_ins[] =
    "INSERT INTO units (id, name, name_key, uscc, address, town_code, "
    "grid_id, industry, categories, primary_category, three_small_kind, "
    "status, version, created_at, updated_at, created_by, "
    "registered_address, registered_on) "
    "VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 0, 'general', NULL, 'active', 1, "
    "?, ?, ?, ?, ?)";
static const char reg_imp_sql_upd[] =
    "UPDATE units SET name = ?, name_key = ?, address = ?, town_code = ?, "
    "industry = ?, registered_address = ?, registered_on = ?, "
    "version = version + 1, updated_at = ? "
    "WHERE id = ? AND version = ?";
/* A new legal representative: the old one's phone and ID number go. */
static const char reg_imp_sql_legal[] =
    "INSERT INTO unit_contacts (unit_id, role, name_sealed) "
    "VALUES (?, 'legal_rep', ?) ON CONFLICT (unit_id, role) DO UPDATE SET "
    "name_sealed = excluded.name_sealed, phone_sealed = NULL, "
    "phone_index = NULL, idno_sealed = NULL, idno_index = NULL";
static const char reg_imp_sql_rec_ins[] =
    "INSERT INTO unit_imports (id, actor, at, mode, via, file_sm3, bytes, "
    "encoding, rows, created, updated, unchanged, rejected) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char reg_imp_sql_rec_get[] =
    "SELECT id, actor, at, mode, via, file_sm3, bytes, encoding, rows, "
    "created, updated, unchanged, rejected FROM unit_imports WHERE id = ?";

/* Rejections. */

static void
reg_imp_reject(struct reg_imp *im, int64_t row, const char *field,
    const char *reason)
{
	size_t	max = im->o->max_errors ? im->o->max_errors :
		    REGISTRY_IMPORT_ERRORS;

	im->rejected++;
	if (im->o->on_reject != NULL)
		im->o->on_reject(im->o->ctx, row, field, reason);
	if (json_array_size(im->errors) >= max) {
		im->truncated = 1;
		return;
	}
	json_array_append_new(im->errors, json_pack("{s:I, s:s, s:s}",
	    "row", (json_int_t)row, "field", field, "reason", reason));
}

static void
reg_imp_warn(struct reg_imp *im, int64_t row, const char *field,
    const char *reason)
{
	size_t	max = im->o->max_errors ? im->o->max_errors :
		    REGISTRY_IMPORT_ERRORS;

	if (json_array_size(im->warnings) < max)
		json_array_append_new(im->warnings, json_pack("{s:I, s:s, "
		    "s:s}", "row", (json_int_t)row, "field", field, "reason",
		    reason));
}

/* The USCCs of the file. */

static uint64_t
reg_imp_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* 0 and record row if uscc is new to the file, else the first row. */
static int64_t
reg_imp_seen(struct reg_imp_seen *s, const char *uscc, int64_t row)
{
	size_t	i, j, ncap;

	if (2 * (s->n + 1) > s->cap) {
		struct reg_imp_seen	t;

		ncap = s->cap ? 2 * s->cap : 1024;
		t.key = xcalloc(ncap, sizeof(*t.key));
		t.row = xcalloc(ncap, sizeof(*t.row));
		t.cap = ncap;
		t.n = 0;
		for (i = 0; i < s->cap; i++) {
			if (s->row[i] == 0)
				continue;
			for (j = reg_imp_hash(s->key[i]) & (ncap - 1);
			    t.row[j] != 0; j = (j + 1) & (ncap - 1))
				;
			memcpy(t.key[j], s->key[i], sizeof(t.key[j]));
			t.row[j] = s->row[i];
			t.n++;
		}
		free(s->key);
		free(s->row);
		*s = t;
	}
	for (j = reg_imp_hash(uscc) & (s->cap - 1); s->row[j] != 0;
	    j = (j + 1) & (s->cap - 1))
		if (strcmp(s->key[j], uscc) == 0)
			return s->row[j];
	snprintf(s->key[j], sizeof(s->key[j]), "%s", uscc);
	s->row[j] = row;
	s->n++;
	return 0;
}

/* Header and towns. */

static void
reg_imp_fold(const char *s, char *out, size_t n)
{
	size_t	len, i;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= n)
		len = n - 1;
	for (i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i];
	out[len] = '\0';
}

static int
reg_imp_header(struct reg_imp *im, const struct csvread_row *h,
    json_t *ignored, struct err *e)
{
	char	cell[128];
	size_t	i;
	int	c, a, found;

	for (c = 0; c < IC__N; c++)
		im->col[c] = -1;
	if (h->error != NULL)
		return err_set(e, ERR_INVALID, "header", "row %lld (the "
		    "header): %s", (long long)h->row, h->error);
	im->ncols = h->nfield;
	for (i = 0; i < h->nfield; i++) {
		reg_imp_fold(h->field[i], cell, sizeof(cell));
		found = 0;
		for (c = 0; c < IC__N && !found; c++)
			for (a = 0; reg_imp_cols[c].aliases[a] && !found; a++)
				if (strcmp(cell, reg_imp_cols[c].aliases[a]) ==
				    0) {
					if (im->col[c] >= 0)
						return err_set(e, ERR_INVALID,
						    "header", "two columns are "
						    "%s (%s)", reg_imp_cols[c].key,
						    reg_imp_cols[c].title);
					im->col[c] = (int)i;
					found = 1;
				}
		if (!found && cell[0] != '\0')
			json_array_append_new(ignored, json_string(cell));
	}
	for (c = 0; c < IC__N; c++) {
		if (im->col[c] >= 0)
			continue;
		if (c == IC_NAME || c == IC_USCC || c == IC_TOWN)
			return err_set(e, ERR_INVALID, "header", "the header has "
			    "no %s column (%s)", reg_imp_cols[c].key,
			    reg_imp_cols[c].title);
	}
	if (im->col[IC_REGADDR] < 0 && im->col[IC_BIZADDR] < 0)
		return err_set(e, ERR_INVALID, "header", "the header has no "
		    "address column (business_address 经营场所 or "
		    "registered_address 住所)");
	return 0;
}

static int
reg_imp_towns(struct reg_imp *im, struct err *e)
{
	struct store_rows	*r = NULL;
	int			 cap = 0, rc;

	if ((rc = store_query(im->st, reg_imp_sql_towns, STORE_NOARGS, &r,
	    e)) < 0)
		return rc;
	while ((rc = store_next(r, e)) == 1) {
		if (im->ntowns == cap) {
			cap = cap ? 2 * cap : 64;
			im->towns = xrealloc(im->towns, (size_t)cap *
			    sizeof(*im->towns));
		}
		snprintf(im->towns[im->ntowns].code, sizeof(im->towns[0].code),
		    "%s", store_text(r, 0));
		snprintf(im->towns[im->ntowns].name, sizeof(im->towns[0].name),
		    "%s", store_text(r, 1));
		im->ntowns++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

/* s without the prefix p (or NULL if s does not start with it). */
static const char *
reg_imp_after(const char *s, const char *p)
{
	size_t	n = strlen(p);

	return strncmp(s, p, n) == 0 ? s + n : NULL;
}

/* name is s followed by one of the suffixes 街道, 镇, 新区. */
static int
reg_imp_stem_eq(const char *name, const char *s)
{
	static const char *const sfx[] = { "街道", "镇", "新区", NULL };
	size_t			 n = strlen(s);
	int			 i;

	if (n == 0 || strncmp(name, s, n) != 0)
		return 0;
	for (i = 0; sfx[i]; i++)
		if (strcmp(name + n, sfx[i]) == 0)
			return 1;
	return 0;
}

/*
 * A town by its 9-digit code or its name: 虎门镇, 虎门, 东莞市虎门镇,
 * 东城街道, 东城, 滨海湾新区 (东莞滨海湾新区) (REG-001).
 */
static const struct reg_imp_town *
reg_imp_town(const struct reg_imp *im, const char *s)
{
	const char	*t, *u;
	int		 i;

	for (i = 0; i < im->ntowns; i++)
		if (strcmp(im->towns[i].code, s) == 0 ||
		    strcmp(im->towns[i].name, s) == 0)
			return &im->towns[i];
	t = s;
	if ((u = reg_imp_after(t, "广东省")) != NULL)
		t = u;
	if ((u = reg_imp_after(t, "东莞市")) != NULL)
		t = u;
	for (i = 0; i < im->ntowns; i++) {
		const char	*name = im->towns[i].name;

		if (strcmp(name, t) == 0 || reg_imp_stem_eq(name, t))
			return &im->towns[i];
		/* 东莞生态园 is also 生态园. */
		if ((u = reg_imp_after(name, "东莞")) != NULL &&
		    (strcmp(u, t) == 0 || reg_imp_stem_eq(u, t)))
			return &im->towns[i];
	}
	return NULL;
}

/* Rows. */

/* A cell as trimmed text checked like an API value; NULL when empty. */
static int
reg_imp_text(const char *cell, const char *field, size_t max, char **out,
    struct err *e)
{
	json_t	*v;
	int	 rc;

	*out = NULL;
	/* Empty or blank: not given. */
	if (cell[strspn(cell, " \t\r\n")] == '\0')
		return 0;
	v = json_string(cell);
	if (v == NULL)
		return err_set(e, ERR_INVALID, field, "%s is not valid UTF-8",
		    field);
	rc = reg_text(v, field, 1, max, out, e);
	json_decref(v);
	return rc;
}

static void
reg_imp_row_clear(struct reg_imp_row *r)
{
	free(r->name);
	free(r->address);
	free(r->industry);
	mem_free_secret(r->legal);
	free(r->cur_name);
	free(r->cur_address);
	free(r->cur_industry);
	free(r->cur_legal);
	free(r->reg_address);
	free(r->cur_reg_address);
	free(r->cur_reg_on);
	memset(r, 0, sizeof(*r));
}

static const char *
reg_imp_cell(const struct reg_imp *im, const struct csvread_row *row,
    int c)
{
	return im->col[c] >= 0 ? row->field[im->col[c]] : "";
}

/*
 * Check one data row into r (REG-026): ERR_* with the field on a rule
 * broken.  Text rules are the API's (reg_text, ident_uscc_check, towns).
 */
static int
reg_imp_check(struct reg_imp *im, const struct csvread_row *row,
    struct reg_imp_row *r, struct err *e)
{
	const struct reg_imp_town	*t;
	const char			*cell;
	char				*s = NULL;
	int				 warn = 0, rc, c;

	r->row = row->row;
	if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_NAME), "name",
	    REGISTRY_NAME_MAX, &r->name, e)) < 0)
		return rc;
	if (r->name == NULL)
		return err_set(e, ERR_MISSING, "name", "name is required");
	cell = reg_imp_cell(im, row, IC_USCC);
	if ((rc = reg_imp_text(cell, "uscc", 32, &s, e)) < 0)
		return rc;
	if (s == NULL)
		return err_set(e, ERR_MISSING, "uscc", "uscc is required: "
		    "imports match units by USCC (REG-027)");
	/* REG-003. */
	rc = ident_uscc_check(s, "uscc", r->uscc, &warn, e);
	free(s);
	s = NULL;
	if (rc < 0)
		return rc;
	r->warn = warn;
	cell = reg_imp_cell(im, row, IC_TOWN);
	if ((rc = reg_imp_text(cell, "town", 64, &s, e)) < 0)
		return rc;
	if (s == NULL)
		return err_set(e, ERR_MISSING, "town", "town is required");
	t = reg_imp_town(im, s);
	if (t == NULL) {
		rc = err_set(e, ERR_INVALID, "town", "unknown town %.40s "
		    "(REG-001)", s);
		free(s);
		return rc;
	}
	free(s);
	s = NULL;
	snprintf(r->town, sizeof(r->town), "%s", t->code);
	/* REG-011: a town officer imports into their own town. */
	if (!reg_scope_sees(&im->scope, r->town, 0, 0))
		return err_set(e, ERR_FORBIDDEN, "town", "town %s is outside "
		    "your jurisdiction (REG-011)", r->town);
	c = IC_BIZADDR;
	if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_BIZADDR),
	    "business_address", REGISTRY_ADDRESS_MAX, &r->address, e)) < 0)
		return rc;
	if (r->address == NULL) {
		c = IC_REGADDR;
		if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_REGADDR),
		    "registered_address", REGISTRY_ADDRESS_MAX, &r->address,
		    e)) < 0)
			return rc;
	} else if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_REGADDR),
	    "registered_address", REGISTRY_ADDRESS_MAX, &r->reg_address,
	    e)) < 0)
		return rc;
	/* REG-032: 住所 kept apart; alone it is the address too. */
	if (r->reg_address == NULL && c == IC_REGADDR && r->address != NULL)
		r->reg_address = xstrdup(r->address);
	if (r->address == NULL)
		return err_set(e, ERR_MISSING, reg_imp_cols[c].key, "an address "
		    "is required (business_address, else registered_address)");
	if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_INDUSTRY), "industry",
	    REGISTRY_INDUSTRY_MAX, &r->industry, e)) < 0)
		return rc;
	if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_LEGAL), "legal_rep",
	    REG_IMP_LEGAL_MAX, &r->legal, e)) < 0)
		return rc;
	/* An exported (masked) file imported back would overwrite names
	 * with stars. */
	if (r->legal != NULL && strchr(r->legal, '*') != NULL)
		return err_set(e, ERR_INVALID, "legal_rep", "legal_rep looks "
		    "masked (contains *) (REG-026)");
	if ((rc = reg_imp_text(reg_imp_cell(im, row, IC_REGDATE),
	    "registered_on", 32, &s, e)) < 0)
		return rc;
	if (s != NULL) {
		rc = reg_date_parse(s, 1, "registered_on", r->reg_on, e);
		free(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Batches. */

/* Fill the cur_* fields of the batch's rows from the database. */
static int
reg_imp_lookup(struct reg_imp *im, struct err *e)
{
	struct store_val	 args[REG_IMP_LOOKUP];
	struct store_rows	*r = NULL;
	struct buf		 sql;
	struct reg_imp_row	*row;
	int			 i, j, k, n, rc = 0;

	buf_init(&sql);
	buf_adds(&sql, "SELECT u.id, u.uscc, u.name, u.address, u.town_code, "
	    "u.grid_id, u.industry, u.status, u.version, c.name_sealed, "
	    "u.registered_address, u.registered_on "
	    "FROM units u LEFT JOIN unit_contacts c ON c.unit_id = u.id AND "
	    "c.role = 'legal_rep' WHERE u.uscc IN (?");
	for (i = 1; i < REG_IMP_LOOKUP; i++)
		buf_adds(&sql, ", ?");
	buf_adds(&sql, ")");
	for (i = 0; i < im->nbatch; i += REG_IMP_LOOKUP) {
		n = im->nbatch - i < REG_IMP_LOOKUP ? im->nbatch - i :
		    REG_IMP_LOOKUP;
		/* One statement text: short lists repeat their last USCC. */
		for (k = 0; k < REG_IMP_LOOKUP; k++)
			args[k] = SV_S(im->batch[i + (k < n ? k : n - 1)].uscc);
		if ((rc = store_query(im->st, sql.data, args, REG_IMP_LOOKUP,
		    &r, e)) < 0)
			goto out;
		while ((rc = store_next(r, e)) == 1) {
			for (j = i; j < i + n; j++) {
				row = &im->batch[j];
				if (strcmp(row->uscc, store_text(r, 1)) != 0)
					continue;
				row->id = store_int(r, 0);
				row->cur_name = xstrdup(store_text(r, 2));
				row->cur_address = xstrdup(store_text(r, 3));
				snprintf(row->cur_town, sizeof(row->cur_town),
				    "%s", store_text(r, 4));
				row->cur_grid = store_isnull(r, 5) ? 0 :
				    store_int(r, 5);
				row->cur_industry = store_isnull(r, 6) ? NULL :
				    xstrdup(store_text(r, 6));
				snprintf(row->cur_status,
				    sizeof(row->cur_status), "%s",
				    store_text(r, 7));
				row->cur_version = store_int(r, 8);
				row->cur_legal = store_isnull(r, 9) ? NULL :
				    xstrdup(store_text(r, 9));
				row->cur_reg_address = store_isnull(r, 10) ?
				    NULL : xstrdup(store_text(r, 10));
				row->cur_reg_on = store_isnull(r, 11) ? NULL :
				    xstrdup(store_text(r, 11));
			}
		}
		store_rows_free(r);
		r = NULL;
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	store_rows_free(r);
	buf_free(&sql);
	return rc;
}

static int
reg_imp_streq(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

enum reg_imp_what { RI_CREATE, RI_UPDATE, RI_SAME, RI_REJECT };

/*
 * What a looked-up row does (REG-027, REG-028): create, update, nothing,
 * or a rejection (field and reason into e).  *legal_changed says whether
 * the legal representative's name differs.
 */
static int
reg_imp_decide(struct reg_imp *im, struct reg_imp_row *r,
    int *legal_changed, struct err *e)
{
	char	*plain = NULL;
	int	 same, rc;

	*legal_changed = 0;
	if (r->id == 0)
		return RI_CREATE;
	if (!reg_scope_sees(&im->scope, r->cur_town, r->cur_grid, r->id)) {
		err_set(e, ERR_CONFLICT, "uscc", "another unit, outside your "
		    "jurisdiction, has USCC %s (REG-004)", r->uscc);
		return RI_REJECT;
	}
	if (strcmp(r->cur_status, "archived") == 0) {
		err_set(e, ERR_POLICY, "uscc", "the unit with USCC %s is "
		    "archived and can no longer be changed (REG-013)", r->uscc);
		return RI_REJECT;
	}
	if (strcmp(r->cur_town, r->town) != 0 && r->cur_grid != 0) {
		err_set(e, ERR_POLICY, "town", "the unit is in a grid of town "
		    "%s: move it in the registry first (REG-002)",
		    r->cur_town);
		return RI_REJECT;
	}
	if (r->legal != NULL) {
		if (r->cur_legal == NULL)
			*legal_changed = 1;
		else {
			if ((rc = pii_open(r->cur_legal, &plain, e)) < 0) {
				err_set(e, rc, "legal_rep", "the stored legal "
				    "representative cannot be read");
				return RI_REJECT;
			}
			*legal_changed = strcmp(plain, r->legal) != 0;
			mem_free_secret(plain);
		}
	}
	same = strcmp(r->cur_name, r->name) == 0 &&
	    strcmp(r->cur_address, r->address) == 0 &&
	    strcmp(r->cur_town, r->town) == 0 &&
	    (r->industry == NULL || reg_imp_streq(r->cur_industry,
	    r->industry)) &&
	    (r->reg_address == NULL || reg_imp_streq(r->cur_reg_address,
	    r->reg_address)) &&
	    (r->reg_on[0] == '\0' || reg_imp_streq(r->cur_reg_on,
	    r->reg_on)) && !*legal_changed;
	return same ? RI_SAME : RI_UPDATE;
}

/* Write the legal representative; *sealed_out (may be NULL) gets the
 * sealed value written. */
static int
reg_imp_legal(struct reg_imp *im, int64_t id, const char *legal,
    char **sealed_out, struct err *e)
{
	char	*sealed = NULL;
	int	 rc;

	/* P-1, REG-007: sealed like every personal value. */
	if ((rc = pii_seal(legal, &sealed, e)) < 0)
		return rc;
	rc = store_exec(im->st, reg_imp_sql_legal, STORE_ARGS(SV_I(id),
	    SV_S(sealed)), NULL, e);
	if (rc == 0 && sealed_out != NULL) {
		*sealed_out = sealed;
		sealed = NULL;
	}
	free(sealed);
	return rc;
}

/*
 * Append the unit's audit entry with its canonical record (REG-017):
 * canon (its canonical text) when the caller built it from what it
 * wrote, else the record read back.  The entries of one flush go through
 * one audit batch.
 */
static int
reg_imp_audit(struct reg_imp *im, const char *action, int64_t id,
    const char *canon, struct err *e)
{
	json_t	*rec = NULL;
	char	 tmp[24];
	int	 rc;

	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	if (canon == NULL &&
	    (rc = registry_unit_record(im->st, tmp, &rec, e)) < 0)
		return rc;
	if (!im->audit_open) {
		if ((rc = audit_batch_begin(im->st, &im->audit, e)) < 0)
			goto out;
		im->audit_open = 1;
	}
	if (canon != NULL)
		rc = audit_batch_append_canon(&im->audit, im->who, action,
		    "unit", tmp, canon, e);
	else
		rc = audit_batch_append(&im->audit, im->who, action, "unit",
		    tmp, rec, e);
out:
	json_decref(rec);
	return rc;
}

static int
reg_imp_write(struct reg_imp *im, struct reg_imp_row *r, int what,
    int legal_changed, struct err *e)
{
	struct reg_unit_new	 nu;
	char			 key[REG_KEY_HEX], *sealed = NULL, *canon;
	int64_t			 now = clock_now(), ch = 0;
	int			 rc;

	reg_name_key(r->name, key);
	if (what == RI_CREATE) {
		r->id = id_next();
		if ((rc = store_exec(im->st, reg_imp_sql_ins, STORE_ARGS(
		    SV_I(r->id), SV_S(r->name), SV_S(key), SV_S(r->uscc),
		    SV_S(r->address), SV_S(r->town), SV_S(r->industry),
		    SV_I(now), SV_I(now), SV_S(im->by), SV_S(r->reg_address),
		    SV_S(r->reg_on[0] ? r->reg_on : NULL)), NULL, e)) < 0)
			return rc;
		if (r->legal != NULL &&
		    (rc = reg_imp_legal(im, r->id, r->legal, &sealed, e)) < 0)
			return rc;
		/* The record of what was just written, not read back. */
		memset(&nu, 0, sizeof(nu));
		nu.id = r->id;
		nu.name = r->name;
		nu.uscc = r->uscc;
		nu.address = r->address;
		nu.town = r->town;
		nu.industry = r->industry;
		nu.created_by = im->by;
		nu.registered_address = r->reg_address;
		nu.registered_on = r->reg_on[0] ? r->reg_on : NULL;
		nu.legal_sealed = sealed;
		nu.at = now;
		canon = reg_unit_record_created(&nu);
		free(sealed);
		rc = reg_imp_audit(im, "unit.create", r->id, canon, e);
		free(canon);
		return rc;
	}
	if ((rc = store_exec(im->st, reg_imp_sql_upd, STORE_ARGS(SV_S(r->name),
	    SV_S(key), SV_S(r->address), SV_S(r->town),
	    SV_S(r->industry ? r->industry : r->cur_industry),
	    SV_S(r->reg_address ? r->reg_address : r->cur_reg_address),
	    SV_S(r->reg_on[0] ? r->reg_on : r->cur_reg_on), SV_I(now),
	    SV_I(r->id), SV_I(r->cur_version)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return err_set(e, ERR_STALE, "uscc", "the unit changed while "
		    "importing; import the file again (REG-016)");
	if (legal_changed &&
	    (rc = reg_imp_legal(im, r->id, r->legal, NULL, e)) < 0)
		return rc;
	return reg_imp_audit(im, "unit.update", r->id, NULL, e);
}

static int
reg_imp_flush(struct reg_imp *im, struct err *e)
{
	struct reg_imp_row	*r;
	struct err		 re;
	int			 i, what, legal, rc = 0;

	if (im->nbatch == 0)
		return 0;
	if (im->o->batch > 0 && im->o->mode == REGISTRY_IMPORT_COMMIT) {
		if ((rc = store_begin(im->st, e)) < 0)
			goto out;
		im->own_tx = 1;
	}
	if ((rc = reg_imp_lookup(im, e)) < 0)
		goto out;
	for (i = 0; i < im->nbatch; i++) {
		r = &im->batch[i];
		err_clear(&re);
		what = reg_imp_decide(im, r, &legal, &re);
		if (what == RI_REJECT) {
			reg_imp_reject(im, r->row, re.field, re.msg);
			continue;
		}
		/* REG-003: said of the rows that go in. */
		if (r->warn)
			reg_imp_warn(im, r->row, "uscc", "the embedded "
			    "organisation code fails GB 11714 (accepted, "
			    "REG-003)");
		if (what == RI_SAME) {
			im->unchanged++;
			continue;
		}
		if (im->o->mode == REGISTRY_IMPORT_COMMIT &&
		    (rc = reg_imp_write(im, r, what, legal, &re)) < 0) {
			if (rc != ERR_STALE) {
				*e = re;
				goto out;
			}
			reg_imp_reject(im, r->row, re.field, re.msg);
			continue;
		}
		if (what == RI_CREATE)
			im->created++;
		else
			im->updated++;
	}
	if (im->audit_open) {
		im->audit_open = 0;
		if ((rc = audit_batch_end(&im->audit, e)) < 0)
			goto out;
	}
	if (im->own_tx) {
		im->own_tx = 0;
		if ((rc = store_commit(im->st, e)) < 0)
			goto out;
	}
	rc = 0;
out:
	/* On failure the batch goes with the transaction. */
	im->audit_open = 0;
	if (rc < 0 && im->own_tx) {
		store_rollback(im->st);
		im->own_tx = 0;
	}
	for (i = 0; i < im->nbatch; i++)
		reg_imp_row_clear(&im->batch[i]);
	im->nbatch = 0;
	return rc;
}

/* Records. */

static json_t *
reg_imp_record_row(struct store_rows *r)
{
	return json_pack("{s:o, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:I,"
	    " s:I, s:I, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "actor", store_text(r, 1),
	    "at", (json_int_t)store_int(r, 2),
	    "mode", store_text(r, 3),
	    "via", store_text(r, 4),
	    "file_sm3", store_text(r, 5),
	    "bytes", (json_int_t)store_int(r, 6),
	    "encoding", store_text(r, 7),
	    "rows", (json_int_t)store_int(r, 8),
	    "created", (json_int_t)store_int(r, 9),
	    "updated", (json_int_t)store_int(r, 10),
	    "unchanged", (json_int_t)store_int(r, 11),
	    "rejected", (json_int_t)store_int(r, 12));
}

int
registry_import_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 iid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &iid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such import");
	if ((rc = store_query(st, reg_imp_sql_rec_get, STORE_ARGS(SV_I(iid)),
	    &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = reg_imp_record_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such import");
	store_rows_free(r);
	return rc;
}

/* The import's own record and "unit.import" entry (REG-028). */
static int
reg_imp_finish(struct reg_imp *im, const char *file_sm3, size_t n,
    const char *enc, int64_t *iid, struct err *e)
{
	json_t	*rec = NULL;
	char	 tmp[24];
	int	 own = 0, rc;

	if ((rc = store_begin_own(im->st, &own, e)) < 0)
		return rc;
	*iid = id_next();
	rc = store_exec(im->st, reg_imp_sql_rec_ins, STORE_ARGS(SV_I(*iid),
	    SV_S(im->by), SV_I(clock_now()),
	    SV_S(im->o->mode == REGISTRY_IMPORT_COMMIT ? "commit" : "dry-run"),
	    SV_S(im->o->via ? im->o->via : "http"), SV_S(file_sm3),
	    SV_I((int64_t)n), SV_S(enc), SV_I(im->rows), SV_I(im->created),
	    SV_I(im->updated), SV_I(im->unchanged), SV_I(im->rejected)), NULL,
	    e);
	if (rc == 0) {
		snprintf(tmp, sizeof(tmp), "%lld", (long long)*iid);
		rc = registry_import_record(im->st, tmp, &rec, e);
	}
	if (rc == 0)
		rc = audit_append_id(im->st, im->who, "unit.import", "import",
		    *iid, rec, e);
	json_decref(rec);
	return store_end_own(im->st, own, rc, e);
}

static json_t *
reg_imp_report(struct reg_imp *im, int64_t iid, const char *enc,
    json_t *ignored)
{
	struct buf	 s;
	json_t		*rep;
	int		 dry = im->o->mode != REGISTRY_IMPORT_COMMIT;
	int		 changed = im->created + im->updated > 0;

	buf_init(&s);
	if (!changed)
		buf_printf(&s, "nothing %schanged: ", dry ? "would be " : "");
	buf_printf(&s, "%lld %screated, %lld %supdated, %lld unchanged, "
	    "%lld rejected", (long long)im->created, dry ? "to be " : "",
	    (long long)im->updated, dry ? "to be " : "",
	    (long long)im->unchanged, (long long)im->rejected);
	rep = json_pack("{s:o, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:s,"
	    " s:O, s:O, s:b, s:O}",
	    "import_id", jx_id(iid),
	    "mode", dry ? "dry-run" : "commit",
	    "encoding", enc,
	    "rows", (json_int_t)im->rows,
	    "created", (json_int_t)im->created,
	    "updated", (json_int_t)im->updated,
	    "unchanged", (json_int_t)im->unchanged,
	    "rejected", (json_int_t)im->rejected,
	    "changed", changed,
	    "summary", s.data,
	    "ignored_columns", ignored,
	    "errors", im->errors,
	    "errors_truncated", im->truncated,
	    "warnings", im->warnings);
	buf_free(&s);
	return rep;
}

static int
reg_imp_allowed(const struct reg_imp *im, struct err *e)
{
	int	rc;

	if ((rc = reg_need(im->who, "registry:write", e)) < 0)
		return rc;
	/* Imports are made city-wide or for one town. */
	if (im->scope.kind != RS_ALL && im->scope.kind != RS_TOWN)
		return err_set(e, ERR_FORBIDDEN, NULL, "imports are made by the "
		    "city or a town (REG-025)");
	return 0;
}

/* The data row is all empty cells (a spreadsheet's trailing ",,,"). */
static int
reg_imp_blank(const struct csvread_row *row)
{
	size_t	i;

	for (i = 0; i < row->nfield; i++)
		if (row->field[i][strspn(row->field[i], " \t")] != '\0')
			return 0;
	return 1;
}

int
registry_import_units(struct store *st, struct actor *who, const char *p,
    size_t n, const struct registry_import_opts *o, json_t **report,
    struct err *e)
{
	struct csvread_opts	 co;
	struct csvread		*cr = NULL;
	struct csvread_row	 row;
	struct reg_imp		 im;
	struct err		 re;
	json_t			*ignored = NULL;
	const char		*enc;
	char			 sm3[2 * CRYPTO_SM3_LEN + 1], msg[96];
	int64_t			 first, iid = 0, max;
	size_t			 k;
	int			 header = 0, rc;

	memset(&im, 0, sizeof(im));
	im.st = st;
	im.who = who;
	im.o = o;
	im.errors = json_array();
	im.warnings = json_array();
	ignored = json_array();
	reg_scope_of(who, &im.scope);
	reg_actor_name(who, im.by);
	max = o->max_rows > 0 ? o->max_rows : REGISTRY_IMPORT_ROWS_HTTP;
	if ((rc = reg_imp_allowed(&im, e)) < 0)
		goto out;
	if (o->batch > 0 && store_in_tx(st)) {
		rc = err_set(e, ERR_INTERNAL, NULL, "a batched import runs its "
		    "own transactions");
		goto out;
	}
	if (n == 0) {
		rc = err_set(e, ERR_INVALID, "file", "the file is empty");
		goto out;
	}
	memset(&co, 0, sizeof(co));
	co.encoding = o->encoding;
	co.max_record = 16384;
	if ((rc = csvread_new(p, n, &co, &cr, e)) < 0)
		goto out;
	enc = csvread_encoding_name(csvread_encoding(cr));
	if ((rc = reg_imp_towns(&im, e)) < 0)
		goto out;
	/* A long import writes to seven indexes of units at random places:
	 * with SQLite's default page cache (2 MB) every batch would read
	 * and rewrite most of them.  The importing connection gets 128 MB
	 * while it runs. */
	if (o->batch > 0 && store_kind(st) == STORE_SQLITE &&
	    (rc = store_exec(st, "PRAGMA cache_size = -131072", STORE_NOARGS,
	    NULL, e)) < 0)
		goto out;
	im.nmax = o->batch > 0 ? o->batch : REGISTRY_IMPORT_BATCH;
	im.batch = xcalloc((size_t)im.nmax, sizeof(*im.batch));
	while (csvread_next(cr, &row) == 1) {
		if (!header) {
			if ((rc = reg_imp_header(&im, &row, ignored, e)) < 0)
				goto out;
			header = 1;
			continue;
		}
		if (row.error == NULL && reg_imp_blank(&row))
			continue;
		if (++im.rows > max) {
			rc = err_set(e, ERR_RANGE, "rows", "more than %lld rows "
			    "(REG-025)%s", (long long)max, o->batch > 0 ? "" :
			    ": split the file or use `firewarden import units`");
			goto out;
		}
		if (row.error != NULL) {
			reg_imp_reject(&im, row.row, "row", row.error);
			continue;
		}
		/* Missing cells or extra non-empty ones. */
		if (row.nfield < im.ncols) {
			snprintf(msg, sizeof(msg), "the row has %zu fields, the "
			    "header %zu", row.nfield, im.ncols);
			reg_imp_reject(&im, row.row, "row", msg);
			continue;
		}
		for (k = im.ncols; k < row.nfield; k++)
			if (row.field[k][0] != '\0')
				break;
		if (k < row.nfield) {
			snprintf(msg, sizeof(msg), "the row has %zu fields, the "
			    "header %zu", row.nfield, im.ncols);
			reg_imp_reject(&im, row.row, "row", msg);
			continue;
		}
		err_clear(&re);
		if (reg_imp_check(&im, &row, &im.batch[im.nbatch], &re) < 0) {
			reg_imp_reject(&im, row.row, re.field, re.msg);
			reg_imp_row_clear(&im.batch[im.nbatch]);
			continue;
		}
		/* REG-027: one row per USCC; the first one counts. */
		if ((first = reg_imp_seen(&im.seen, im.batch[im.nbatch].uscc,
		    row.row)) != 0) {
			snprintf(msg, sizeof(msg), "USCC already on row %lld "
			    "(REG-027)", (long long)first);
			reg_imp_reject(&im, row.row, "uscc", msg);
			reg_imp_row_clear(&im.batch[im.nbatch]);
			continue;
		}
		if (++im.nbatch == im.nmax &&
		    (rc = reg_imp_flush(&im, e)) < 0)
			goto out;
	}
	if (!header) {
		rc = err_set(e, ERR_INVALID, "header", "the file has no header "
		    "row");
		goto out;
	}
	if ((rc = reg_imp_flush(&im, e)) < 0)
		goto out;
	crypto_sm3_hex(p, n, sm3);
	if ((rc = reg_imp_finish(&im, sm3, n, enc, &iid, e)) < 0)
		goto out;
	*report = reg_imp_report(&im, iid, enc, ignored);
	rc = 0;
out:
	if (o->batch > 0 && store_kind(st) == STORE_SQLITE)
		store_exec(st, "PRAGMA cache_size = -2000", STORE_NOARGS, NULL,
		    NULL);
	if (im.batch != NULL)
		for (k = 0; k < (size_t)im.nbatch; k++)
			reg_imp_row_clear(&im.batch[k]);
	free(im.batch);
	free(im.towns);
	free(im.seen.key);
	free(im.seen.row);
	json_decref(im.errors);
	json_decref(im.warnings);
	json_decref(ignored);
	csvread_free(cr);
	return rc;
}
