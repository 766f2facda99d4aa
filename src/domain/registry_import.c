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
 *
 * The work is split up: reg_imp_fill() reads and checks rows a chunk at
 * a time; reg_imp_flush() looks the chunk up, decides and writes it.  A
 * `firewarden import units` run (opts batch > 0) fills the next chunk on
 * a thread of its own while the previous one is written, and when a
 * chunk only creates units, a third thread seals their legal
 * representatives, hashes their records and builds their audit entries
 * (text, leaf and node hashes) while the units' rows are written; on
 * SQLite a fourth copies the WAL into the database (reg_imp_ckpt_*).
 * Rejections are reported in the order a single thread would report
 * them.  Within a chunk the units are written in name-key order (their
 * name indexes are then filled page by page), their people and audit
 * entries in row order.
 */
#include <pthread.h>
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
#define REG_IMP_CHUNKS	3	/* chunks between reader and writer */
#define REG_IMP_CKPT_EVERY 2	/* commits a checkpoint by the writer */
#define REG_IMP_CHUNK_ROWS 125000	/* rows a chunk at most */
#define REG_IMP_FIRST_ROWS 16384	/* rows the first chunk at most */
#define REG_IMP_HS_PART	8192	/* rows a part of the entries' job */
#define REG_IMP_PUT_ROWS 128	/* created people an INSERT */

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
	char	 key[REG_KEY_HEX];	/* name_key */
	/* A create's time, and what reg_imp_prep made: */
	int64_t	 at;
	char	*sealed;		/* legal, sealed (or NULL) */
	char	 state[2 * CRYPTO_SM3_LEN + 1];	/* the record's SM3 */
	/* The writer's outcome: */
	int	 what;			/* enum reg_imp_what */
	int	 legal_changed;
	int	 stale;			/* lost a race (rej_*) */
	char	*rej_field;
	char	*rej_msg;
};

/* A rejection found while reading, reported before its chunk is written. */
struct reg_imp_ev {
	int64_t	 row;
	char	*field;
	char	*reason;
};

/* Checked rows handed from the reader to the writer. */
struct reg_imp_chunk {
	struct reg_imp_row	*rows;
	int			 n;
	struct reg_imp_ev	*ev;
	int			 nev;
	int			 evcap;
	int			 last;	/* no chunk after this one */
	int			 rc;	/* < 0: the reader's error e */
	struct err		 e;
	int			 full;	/* filled, not yet written */
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
	struct reg_imp_row		*batch;		/* being written */
	int				 nbatch;
	int				 nmax;		/* rows a flush */
	int				 nfilled;	/* chunks read */
	struct csvread			*cr;
	int64_t				 max;		/* rows at most */
	struct reg_imp_chunk		 chunks[REG_IMP_CHUNKS];
	int				 threaded;
	int				 stop;		/* writer gave up */
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	const char			*file;		/* the whole file */
	size_t				 nfile;
	char				 file_sm3[2 * CRYPTO_SM3_LEN + 1];
	/* SQLite: checkpoints on a connection and thread of their own. */
	struct store			*ck;
	pthread_t			 ck_th;
	int				 ck_want;
	int				 ck_busy;
	int				 ck_stop;
	int				 commits;
	/* The sealed people, record hashes and audit entries of a chunk
	 * of creates, made on a thread of their own in parts of
	 * REG_IMP_HS_PART rows while the units are written; the writer
	 * writes a part's people and entries once it is made (hs_done
	 * parts made; hs_state 1 queued, 2 done, 0 idle). */
	int				 hs_on;
	pthread_t			 hs_th;
	int				 hs_state;
	int				 hs_stop;
	size_t				 hs_n;
	const char			**hs_ids;
	const char			**hs_states;
	struct reg_imp_row		**hs_rows;	/* the flush's order */
	size_t				 hs_nparts;
	size_t				 hs_done;
	int				 hs_rc;
	struct err			 hs_err;
	struct audit_prepared		*hs_prep;	/* one a part */
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
	int				 tx_rows;	/* written in own_tx */
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
/* A created unit's: it has none yet. */
static const char reg_imp_sql_legal_new[] =
    "INSERT INTO unit_contacts (unit_id, role, name_sealed) "
    "VALUES (?, 'legal_rep', ?)";
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
	free(r->sealed);
	free(r->rej_field);
	free(r->rej_msg);
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

/* The record of a unit created from r, as reg_imp_write_unit wrote it. */
static char *
reg_imp_created_canon(const struct reg_imp *im, const struct reg_imp_row *r,
    int64_t id)
{
	struct reg_unit_new	nu;

	memset(&nu, 0, sizeof(nu));
	nu.id = id;
	nu.name = r->name;
	nu.uscc = r->uscc;
	nu.address = r->address;
	nu.town = r->town;
	nu.industry = r->industry;
	nu.created_by = im->by;
	nu.registered_address = r->reg_address;
	nu.registered_on = r->reg_on[0] ? r->reg_on : NULL;
	nu.legal_sealed = r->sealed;
	nu.at = r->at;
	return reg_unit_record_created(&nu);
}

/*
 * What a create needs besides its row, none of it from the database: the
 * sealed legal representative (P-1, REG-007) and the SM3 of the audit
 * record.  Runs on the entries' thread (see reg_imp_flush).
 */
static int
reg_imp_prep(struct reg_imp *im, struct reg_imp_row *r, struct err *e)
{
	char	*canon;
	int	 rc;

	if (r->legal != NULL && r->sealed == NULL &&
	    (rc = pii_seal(r->legal, &r->sealed, e)) < 0)
		return rc;
	canon = reg_imp_created_canon(im, r, r->id);
	crypto_sm3_hex(canon, strlen(canon), r->state);
	free(canon);
	return 0;
}

/* A write, first step: the unit's own row (ERR_STALE: the update lost a
 * race with another change). */
static int
reg_imp_write_unit(struct reg_imp *im, struct reg_imp_row *r, struct err *e)
{
	int64_t	now, ch = 0;
	int	rc;

	if (r->what == RI_CREATE)
		return store_exec(im->st, reg_imp_sql_ins, STORE_ARGS(
		    SV_I(r->id), SV_S(r->name), SV_S(r->key), SV_S(r->uscc),
		    SV_S(r->address), SV_S(r->town), SV_S(r->industry),
		    SV_I(r->at), SV_I(r->at), SV_S(im->by),
		    SV_S(r->reg_address), SV_S(r->reg_on[0] ? r->reg_on : NULL)),
		    NULL, e);
	now = clock_now();
	if ((rc = store_exec(im->st, reg_imp_sql_upd, STORE_ARGS(SV_S(r->name),
	    SV_S(r->key), SV_S(r->address), SV_S(r->town),
	    SV_S(r->industry ? r->industry : r->cur_industry),
	    SV_S(r->reg_address ? r->reg_address : r->cur_reg_address),
	    SV_S(r->reg_on[0] ? r->reg_on : r->cur_reg_on), SV_I(now),
	    SV_I(r->id), SV_I(r->cur_version)), &ch, e)) < 0)
		return rc;
	if (ch == 0)
		return err_set(e, ERR_STALE, "uscc", "the unit changed while "
		    "importing; import the file again (REG-016)");
	return 0;
}

/* Second step: the legal representative of a created unit, or a new one
 * of a changed unit (the old one's phone and ID number go). */
static int
reg_imp_write_legal(struct reg_imp *im, struct reg_imp_row *r, struct err *e)
{
	int	rc;

	if (r->what == RI_CREATE ? r->legal == NULL : !r->legal_changed)
		return 0;
	/* P-1, REG-007: sealed like every personal value. */
	if (r->sealed == NULL && (rc = pii_seal(r->legal, &r->sealed, e)) < 0)
		return rc;
	return store_exec(im->st, reg_imp_sql_legal, STORE_ARGS(SV_I(r->id),
	    SV_S(r->sealed)), NULL, e);
}

/* The second step for n created units, REG_IMP_PUT_ROWS to an INSERT
 * (their people sealed). */
static int
reg_imp_write_legal_new(struct reg_imp *im, struct reg_imp_row **rows,
    int n, struct err *e)
{
	struct store_val	 args[2 * REG_IMP_PUT_ROWS];
	struct buf		 sql;
	int			 i = 0, k, rc = 0;

	buf_init(&sql);
	while (i < n && rc == 0) {
		for (k = 0; i < n && k < REG_IMP_PUT_ROWS; i++) {
			if (rows[i]->legal == NULL)
				continue;
			args[2 * k] = SV_I(rows[i]->id);
			args[2 * k + 1] = SV_S(rows[i]->sealed);
			k++;
		}
		if (k == 0)
			break;
		store_sql_rows(&sql, reg_imp_sql_legal_new, k);
		rc = store_exec(im->st, sql.data, args, 2 * k, NULL, e);
	}
	buf_free(&sql);
	return rc;
}

/* Third step: the unit's audit entry; a created unit's record is built
 * from the values written, not read back. */
static int
reg_imp_write_audit(struct reg_imp *im, struct reg_imp_row *r, struct err *e)
{
	char	*canon;
	int	 rc;

	if (r->what == RI_UPDATE)
		return reg_imp_audit(im, "unit.update", r->id, NULL, e);
	canon = reg_imp_created_canon(im, r, r->id);
	rc = reg_imp_audit(im, "unit.create", r->id, canon, e);
	free(canon);
	return rc;
}

/*
 * Checkpoints (SQLite).  The importing connection's automatic checkpoint
 * (run inside its COMMIT, copying the WAL into the database) is off; a
 * second connection copies it on a thread of its own after every commit
 * while the next transaction is written.  The WAL can only start over
 * when everything in it has been copied as a transaction begins, so
 * every REG_IMP_CKPT_EVERY commits the writer waits for that thread and
 * copies the rest itself, as the automatic checkpoint would have.
 */
static void
reg_imp_ckpt_run(struct store *st, const char *mode)
{
	struct store_rows	*r = NULL;
	struct err		 e;
	char			 sql[40];

	err_clear(&e);
	snprintf(sql, sizeof(sql), "PRAGMA wal_checkpoint(%s)", mode);
	if (store_query(st, sql, STORE_NOARGS, &r, &e) == 0)
		while (store_next(r, &e) == 1)
			;
	store_rows_free(r);
}

static void *
reg_imp_ckpt_main(void *arg)
{
	struct reg_imp	*im = arg;

	pthread_mutex_lock(&im->mu);
	for (;;) {
		while (!im->ck_want && !im->ck_stop)
			pthread_cond_wait(&im->cv, &im->mu);
		if (!im->ck_want)
			break;
		im->ck_want = 0;
		im->ck_busy = 1;
		pthread_mutex_unlock(&im->mu);
		reg_imp_ckpt_run(im->ck, "PASSIVE");
		pthread_mutex_lock(&im->mu);
		im->ck_busy = 0;
		pthread_cond_broadcast(&im->cv);
	}
	pthread_mutex_unlock(&im->mu);
	return NULL;
}

/* Start the checkpoint thread (im->mu and im->cv set up); none if
 * anything fails: the automatic checkpoint then stays on. */
static void
reg_imp_ckpt_start(struct reg_imp *im)
{
	struct err	e;

	err_clear(&e);
	if (store_kind(im->st) != STORE_SQLITE ||
	    im->o->mode != REGISTRY_IMPORT_COMMIT ||
	    store_open(store_url(im->st), &im->ck, &e) < 0) {
		im->ck = NULL;
		return;
	}
	if (store_exec(im->st, "PRAGMA wal_autocheckpoint = 0", STORE_NOARGS,
	    NULL, &e) < 0 ||
	    pthread_create(&im->ck_th, NULL, reg_imp_ckpt_main, im) != 0) {
		store_exec(im->st, "PRAGMA wal_autocheckpoint = 1000",
		    STORE_NOARGS, NULL, NULL);
		store_close(im->ck);
		im->ck = NULL;
	}
}

static void
reg_imp_ckpt_after(struct reg_imp *im)
{
	if (im->ck == NULL)
		return;
	pthread_mutex_lock(&im->mu);
	if (++im->commits % REG_IMP_CKPT_EVERY != 0) {
		im->ck_want = 1;
		pthread_cond_broadcast(&im->cv);
		pthread_mutex_unlock(&im->mu);
		return;
	}
	while (im->ck_want || im->ck_busy)
		pthread_cond_wait(&im->cv, &im->mu);
	pthread_mutex_unlock(&im->mu);
	reg_imp_ckpt_run(im->st, "PASSIVE");
}

/* Stop the thread after its last checkpoint; the automatic one is back,
 * and the WAL is copied back and emptied. */
static void
reg_imp_ckpt_stop(struct reg_imp *im)
{
	if (im->ck == NULL)
		return;
	pthread_mutex_lock(&im->mu);
	im->ck_stop = 1;
	pthread_cond_broadcast(&im->cv);
	pthread_mutex_unlock(&im->mu);
	pthread_join(im->ck_th, NULL);
	store_close(im->ck);
	im->ck = NULL;
	store_exec(im->st, "PRAGMA wal_autocheckpoint = 1000", STORE_NOARGS,
	    NULL, NULL);
	/* The WAL file is kept (store_sqlite.c): without this, the hundreds
	 * of MB a large import made of it would stay on disk. */
	reg_imp_ckpt_run(im->st, "TRUNCATE");
}

/* The entries' job, part by part: each create's sealed legal
 * representative and record hash, then the part's audit entries, which
 * follow the part before. */
static void
reg_imp_hs_job(struct reg_imp *im)
{
	struct audit_prepared	 last;	/* n, start and edge of the last */
	size_t			 i, j, lo, hi;
	int			 rc = 0;

	err_clear(&im->hs_err);
	memset(&last, 0, sizeof(last));
	for (j = 0; j < im->hs_nparts && rc == 0; j++) {
		lo = j * REG_IMP_HS_PART;
		hi = lo + REG_IMP_HS_PART < im->hs_n ? lo + REG_IMP_HS_PART :
		    im->hs_n;
		for (i = lo; i < hi && rc == 0; i++)
			rc = reg_imp_prep(im, im->hs_rows[i], &im->hs_err);
		if (rc == 0 && (rc = audit_batch_prepare(&im->audit,
		    j > 0 ? &last : NULL, im->who, "unit.create", "unit",
		    hi - lo, im->hs_ids + lo, im->hs_states + lo,
		    &im->hs_prep[j])) < 0)
			err_set(&im->hs_err, rc, NULL, "audit batch closed");
		if (rc == 0) {
			last.n = im->hs_prep[j].n;
			last.start = im->hs_prep[j].start;
			memcpy(last.edge, im->hs_prep[j].edge,
			    sizeof(last.edge));
		}
		pthread_mutex_lock(&im->mu);
		if (rc < 0)
			im->hs_rc = rc;
		else
			im->hs_done = j + 1;
		pthread_cond_broadcast(&im->cv);
		pthread_mutex_unlock(&im->mu);
	}
}

static void *
reg_imp_hs_main(void *arg)
{
	struct reg_imp	*im = arg;

	pthread_mutex_lock(&im->mu);
	for (;;) {
		while (im->hs_state != 1 && !im->hs_stop)
			pthread_cond_wait(&im->cv, &im->mu);
		if (im->hs_state != 1)
			break;
		pthread_mutex_unlock(&im->mu);
		reg_imp_hs_job(im);
		pthread_mutex_lock(&im->mu);
		im->hs_state = 2;
		pthread_cond_broadcast(&im->cv);
	}
	pthread_mutex_unlock(&im->mu);
	return NULL;
}

/* Wait for part j of the queued job: 0, or its error in e. */
static int
reg_imp_hs_part(struct reg_imp *im, size_t j, struct err *e)
{
	int	rc;

	pthread_mutex_lock(&im->mu);
	while (im->hs_done <= j && im->hs_rc == 0)
		pthread_cond_wait(&im->cv, &im->mu);
	rc = im->hs_done > j ? 0 : im->hs_rc;
	pthread_mutex_unlock(&im->mu);
	if (rc < 0)
		*e = im->hs_err;
	return rc;
}

/* Wait for the queued job (if any) to be done. */
static void
reg_imp_hs_wait(struct reg_imp *im)
{
	pthread_mutex_lock(&im->mu);
	while (im->hs_state == 1)
		pthread_cond_wait(&im->cv, &im->mu);
	im->hs_state = 0;
	pthread_mutex_unlock(&im->mu);
}

static void
reg_imp_hs_stop(struct reg_imp *im)
{
	if (!im->hs_on)
		return;
	pthread_mutex_lock(&im->mu);
	im->hs_stop = 1;
	pthread_cond_broadcast(&im->cv);
	pthread_mutex_unlock(&im->mu);
	pthread_join(im->hs_th, NULL);
	im->hs_on = 0;
}

/* Row r is written: a create or an update that did not lose a race, in
 * a committing import. */
static int
reg_imp_writes(const struct reg_imp *im, const struct reg_imp_row *r)
{
	return (r->what == RI_CREATE || r->what == RI_UPDATE) && !r->stale &&
	    im->o->mode == REGISTRY_IMPORT_COMMIT;
}

/* Name-key order, then row order. */
static int
reg_imp_key_cmp(const void *a, const void *b)
{
	const struct reg_imp_row	*x = *(struct reg_imp_row *const *)a;
	const struct reg_imp_row	*y = *(struct reg_imp_row *const *)b;
	int				 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

static void
reg_imp_chunk_clear(struct reg_imp_chunk *c)
{
	int	i;

	for (i = 0; i < c->n; i++)
		reg_imp_row_clear(&c->rows[i]);
	for (i = 0; i < c->nev; i++) {
		free(c->ev[i].field);
		free(c->ev[i].reason);
	}
	free(c->ev);
	c->ev = NULL;
	c->n = c->nev = c->evcap = 0;
	c->last = 0;
	c->rc = 0;
	err_clear(&c->e);
}

/*
 * Write chunk c: its reading rejections first, then look its rows up,
 * decide each, write the units in name-key order and their people and
 * audit entries in row order (one transaction when opts batch > 0), and
 * report the outcome of each row in row order.
 */
static int
reg_imp_flush(struct reg_imp *im, struct reg_imp_chunk *c, struct err *e)
{
	struct reg_imp_row	*r, **order = NULL;
	struct err		 re;
	char			(*idbuf)[24] = NULL;
	size_t			 j;
	int			 i, n = 0, rc = 0;

	for (i = 0; i < c->nev; i++)
		reg_imp_reject(im, c->ev[i].row, c->ev[i].field,
		    c->ev[i].reason);
	if (c->rc < 0) {
		*e = c->e;
		rc = c->rc;
		goto out;
	}
	if (c->n == 0)
		goto commit;
	im->batch = c->rows;
	im->nbatch = c->n;
	if (im->o->batch > 0 && im->o->mode == REGISTRY_IMPORT_COMMIT &&
	    !im->own_tx) {
		if ((rc = store_begin(im->st, e)) < 0)
			goto out;
		im->own_tx = 1;
		im->tx_rows = 0;
	}
	if ((rc = reg_imp_lookup(im, e)) < 0)
		goto out;
	order = xcalloc((size_t)c->n, sizeof(*order));
	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		err_clear(&re);
		r->what = reg_imp_decide(im, r, &r->legal_changed, &re);
		if (r->what == RI_REJECT) {
			r->rej_field = xstrdup(re.field);
			r->rej_msg = xstrdup(re.msg);
		} else if (r->what != RI_SAME &&
		    im->o->mode == REGISTRY_IMPORT_COMMIT)
			order[n++] = r;
	}
	/* The units' indexes are mostly by name: filled in that order, a
	 * transaction touches each leaf page in one go. */
	qsort(order, (size_t)n, sizeof(*order), reg_imp_key_cmp);
	/* Ids (and so the id index, the audit objects and the people's
	 * keys) and times rise in that order too. */
	for (i = 0; i < n; i++)
		if (order[i]->what == RI_CREATE) {
			order[i]->id = id_next();
			order[i]->at = clock_now();
		}
	/* Only creates: their sealed people, record hashes and audit
	 * entries are made on the other thread while the units are written
	 * (the batch's seqs are known once it is open, and nothing else is
	 * appended to it until they are in). */
	for (i = 0; i < n && order[i]->what == RI_CREATE; i++)
		;
	if (im->hs_on && n > 0 && i == n) {
		if (!im->audit_open) {
			if ((rc = audit_batch_begin(im->st, &im->audit, e)) < 0)
				goto out;
			im->audit_open = 1;
		}
		idbuf = xcalloc((size_t)n, sizeof(*idbuf));
		im->hs_ids = xcalloc((size_t)n, sizeof(*im->hs_ids));
		im->hs_states = xcalloc((size_t)n, sizeof(*im->hs_states));
		for (i = 0; i < n; i++) {
			snprintf(idbuf[i], sizeof(idbuf[i]), "%lld",
			    (long long)order[i]->id);
			im->hs_ids[i] = idbuf[i];
			im->hs_states[i] = order[i]->state;
		}
		im->hs_rows = order;
		im->hs_n = (size_t)n;
		im->hs_nparts = (im->hs_n + REG_IMP_HS_PART - 1) /
		    REG_IMP_HS_PART;
		im->hs_prep = xcalloc(im->hs_nparts ? im->hs_nparts : 1,
		    sizeof(*im->hs_prep));
		im->hs_done = 0;
		im->hs_rc = 0;
		pthread_mutex_lock(&im->mu);
		im->hs_state = 1;
		pthread_cond_broadcast(&im->cv);
		pthread_mutex_unlock(&im->mu);
	}
	for (i = 0; i < n; i++) {
		err_clear(&re);
		if ((rc = reg_imp_write_unit(im, order[i], &re)) == ERR_STALE) {
			order[i]->stale = 1;
			order[i]->rej_field = xstrdup(re.field);
			order[i]->rej_msg = xstrdup(re.msg);
		} else if (rc < 0) {
			*e = re;
			goto out;
		}
	}
	/* Then the people and the audit entries, in the same order. */
	if (im->hs_ids != NULL)
		for (j = 0; j < im->hs_nparts; j++) {
			if ((rc = reg_imp_hs_part(im, j, e)) < 0)
				goto out;
			i = (int)(j * REG_IMP_HS_PART);
			if ((rc = reg_imp_write_legal_new(im, order + i,
			    n - i < REG_IMP_HS_PART ? n - i : REG_IMP_HS_PART,
			    e)) < 0)
				goto out;
			rc = audit_batch_put_prepared(&im->audit, im->who,
			    &im->hs_prep[j], e);
			audit_prepared_free(&im->hs_prep[j]);
			if (rc < 0)
				goto out;
		}
	else {
		for (i = 0; i < n; i++)
			if (reg_imp_writes(im, order[i]) &&
			    (rc = reg_imp_write_legal(im, order[i], e)) < 0)
				goto out;
		for (i = 0; i < n; i++)
			if (reg_imp_writes(im, order[i]) &&
			    (rc = reg_imp_write_audit(im, order[i], e)) < 0)
				goto out;
	}
	/* The outcome of each row, in row order. */
	for (i = 0; i < c->n; i++) {
		r = &c->rows[i];
		if (r->what == RI_REJECT) {
			reg_imp_reject(im, r->row, r->rej_field, r->rej_msg);
			continue;
		}
		/* REG-003: said of the rows that go in. */
		if (r->warn)
			reg_imp_warn(im, r->row, "uscc", "the embedded "
			    "organisation code fails GB 11714 (accepted, "
			    "REG-003)");
		if (r->what == RI_SAME)
			im->unchanged++;
		else if (r->stale)
			reg_imp_reject(im, r->row, r->rej_field, r->rej_msg);
		else if (r->what == RI_CREATE)
			im->created++;
		else
			im->updated++;
	}
	if (im->audit_open) {
		im->audit_open = 0;
		if ((rc = audit_batch_end(&im->audit, e)) < 0)
			goto out;
	}
	im->tx_rows += c->n;
commit:
	/* A transaction holds opts batch rows (chunks of at most
	 * REG_IMP_CHUNK_ROWS), and the last ones. */
	if (im->own_tx && (im->tx_rows >= im->o->batch || c->last)) {
		im->own_tx = 0;
		if ((rc = store_commit(im->st, e)) < 0)
			goto out;
		reg_imp_ckpt_after(im);
	}
	rc = 0;
out:
	/* On failure the batch goes with the transaction. */
	im->audit_open = 0;
	if (rc < 0 && im->own_tx) {
		store_rollback(im->st);
		im->own_tx = 0;
	}
	if (im->hs_ids != NULL) {
		reg_imp_hs_wait(im);
		for (j = 0; j < im->hs_nparts; j++)
			audit_prepared_free(&im->hs_prep[j]);
		free(im->hs_prep);
		im->hs_prep = NULL;
		im->hs_nparts = 0;
		free(im->hs_ids);
		free(im->hs_states);
		im->hs_ids = NULL;
		im->hs_states = NULL;
		im->hs_rows = NULL;
	}
	free(idbuf);
	free(order);
	im->batch = NULL;
	im->nbatch = 0;
	return rc;
}

/* Reading. */

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

/* A rejection found while reading: reported at once when reading and
 * writing take turns, else queued for the writer (which takes the queue
 * of the chunk it waits for as it grows). */
static void
reg_imp_ev_add(struct reg_imp *im, struct reg_imp_chunk *c, int64_t row,
    const char *field, const char *reason)
{
	if (!im->threaded) {
		reg_imp_reject(im, row, field, reason);
		return;
	}
	pthread_mutex_lock(&im->mu);
	if (c->nev == c->evcap) {
		c->evcap = c->evcap ? 2 * c->evcap : 64;
		c->ev = xrealloc(c->ev, (size_t)c->evcap * sizeof(*c->ev));
	}
	c->ev[c->nev].row = row;
	c->ev[c->nev].field = xstrdup(field);
	c->ev[c->nev].reason = xstrdup(reason);
	c->nev++;
	pthread_cond_broadcast(&im->cv);
	pthread_mutex_unlock(&im->mu);
}

/*
 * Read data rows into chunk c until it holds nmax checked rows or the
 * file ends (c->last), rejecting rows as a single pass would (REG-026,
 * REG-027); ERR_RANGE in c->rc/c->e past max rows.
 */
static void
reg_imp_fill(struct reg_imp *im, struct reg_imp_chunk *c)
{
	struct csvread_row	 row;
	struct reg_imp_row	*r;
	struct err		 re;
	char			 msg[96];
	int64_t			 first;
	size_t			 k;
	int			 cap;

	/* The first chunk is short: the writer starts sooner. */
	cap = im->nfilled++ == 0 && im->nmax > REG_IMP_FIRST_ROWS ?
	    REG_IMP_FIRST_ROWS : im->nmax;
	while (c->n < cap) {
		if (csvread_next(im->cr, &row) != 1) {
			c->last = 1;
			return;
		}
		if (row.error == NULL && reg_imp_blank(&row))
			continue;
		if (++im->rows > im->max) {
			c->rc = err_set(&c->e, ERR_RANGE, "rows", "more than "
			    "%lld rows (REG-025)%s", (long long)im->max,
			    im->o->batch > 0 ? "" : ": split the file or use "
			    "`firewarden import units`");
			c->last = 1;
			return;
		}
		if (row.error != NULL) {
			reg_imp_ev_add(im, c, row.row, "row", row.error);
			continue;
		}
		/* Missing cells or extra non-empty ones. */
		for (k = im->ncols; k < row.nfield; k++)
			if (row.field[k][0] != '\0')
				break;
		if (row.nfield < im->ncols || k < row.nfield) {
			snprintf(msg, sizeof(msg), "the row has %zu fields, the "
			    "header %zu", row.nfield, im->ncols);
			reg_imp_ev_add(im, c, row.row, "row", msg);
			continue;
		}
		r = &c->rows[c->n];
		err_clear(&re);
		if (reg_imp_check(im, &row, r, &re) < 0) {
			reg_imp_ev_add(im, c, row.row, re.field, re.msg);
			reg_imp_row_clear(r);
			continue;
		}
		/* REG-027: one row per USCC; the first one counts. */
		if ((first = reg_imp_seen(&im->seen, r->uscc, row.row)) != 0) {
			snprintf(msg, sizeof(msg), "USCC already on row %lld "
			    "(REG-027)", (long long)first);
			reg_imp_ev_add(im, c, row.row, "uscc", msg);
			reg_imp_row_clear(r);
			continue;
		}
		reg_name_key(r->name, r->key);
		c->n++;
	}
}

/* The reader's thread: fills the chunks in turn until the file ends or
 * the writer stops. */
static void *
reg_imp_reader(void *arg)
{
	struct reg_imp		*im = arg;
	struct reg_imp_chunk	*c;
	int			 k = 0, last;

	for (;;) {
		c = &im->chunks[k];
		pthread_mutex_lock(&im->mu);
		while (c->full && !im->stop)
			pthread_cond_wait(&im->cv, &im->mu);
		if (im->stop) {
			pthread_mutex_unlock(&im->mu);
			break;
		}
		pthread_mutex_unlock(&im->mu);
		reg_imp_fill(im, c);
		/* The file's SM3 for its record, while the writer writes. */
		if (c->last && c->rc == 0)
			crypto_sm3_hex(im->file, im->nfile, im->file_sm3);
		pthread_mutex_lock(&im->mu);
		c->full = 1;
		last = c->last;
		pthread_cond_broadcast(&im->cv);
		pthread_mutex_unlock(&im->mu);
		if (last)
			break;
		k = (k + 1) % REG_IMP_CHUNKS;
	}
	return NULL;
}

/* Wait for the reader to fill c, reporting its rejections as they come. */
static void
reg_imp_wait(struct reg_imp *im, struct reg_imp_chunk *c)
{
	struct reg_imp_ev	*ev;
	int			 i, nev, full;

	pthread_mutex_lock(&im->mu);
	for (;;) {
		full = c->full;
		ev = c->ev;
		nev = c->nev;
		c->ev = NULL;
		c->nev = c->evcap = 0;
		if (nev > 0) {
			pthread_mutex_unlock(&im->mu);
			for (i = 0; i < nev; i++) {
				reg_imp_reject(im, ev[i].row, ev[i].field,
				    ev[i].reason);
				free(ev[i].field);
				free(ev[i].reason);
			}
			free(ev);
			pthread_mutex_lock(&im->mu);
			continue;
		}
		free(ev);
		if (full)
			break;
		pthread_cond_wait(&im->cv, &im->mu);
	}
	pthread_mutex_unlock(&im->mu);
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

int
registry_import_units(struct store *st, struct actor *who, const char *p,
    size_t n, const struct registry_import_opts *o, json_t **report,
    struct err *e)
{
	struct csvread_opts	 co;
	struct csvread		*cr = NULL;
	struct csvread_row	 row;
	struct reg_imp		 im;
	struct reg_imp_chunk	*c;
	json_t			*ignored = NULL;
	const char		*enc;
	pthread_t		 reader;
	int64_t			 iid = 0, max;
	size_t			 k;
	int			 header = 0, last, rc;

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
	/* A long import writes to the indexes of units at random places:
	 * with SQLite's default page cache (2 MB) every batch would read
	 * and rewrite most of them.  The importing connection gets 512 MB
	 * while it runs, enough for the pages a transaction of
	 * REGISTRY_IMPORT_TX_ROWS dirties at a million units (a smaller
	 * cache spills them to the WAL mid-transaction and reads them back;
	 * peak RSS of `import units` of 1 000 000 rows ~ 870 MB). */
	if (o->batch > 0 && store_kind(st) == STORE_SQLITE &&
	    (rc = store_exec(st, "PRAGMA cache_size = -524288", STORE_NOARGS,
	    NULL, e)) < 0)
		goto out;
	im.nmax = o->batch > 0 ? (o->batch < REG_IMP_CHUNK_ROWS ? o->batch :
	    REG_IMP_CHUNK_ROWS) : REGISTRY_IMPORT_BATCH;
	im.cr = cr;
	im.max = max;
	im.file = p;
	im.nfile = n;
	for (k = 0; k < REG_IMP_CHUNKS; k++)
		im.chunks[k].rows = xcalloc((size_t)im.nmax,
		    sizeof(*im.chunks[k].rows));
	if (csvread_next(cr, &row) == 1) {
		if ((rc = reg_imp_header(&im, &row, ignored, e)) < 0)
			goto out;
		header = 1;
	}
	if (!header) {
		rc = err_set(e, ERR_INVALID, "header", "the file has no header "
		    "row");
		goto out;
	}
	/* A long import reads on a second thread (see the top). */
	if (o->batch > 0) {
		pthread_mutex_init(&im.mu, NULL);
		pthread_cond_init(&im.cv, NULL);
		im.threaded = 1;
		if (pthread_create(&reader, NULL, reg_imp_reader, &im) != 0) {
			pthread_cond_destroy(&im.cv);
			pthread_mutex_destroy(&im.mu);
			im.threaded = 0;
		} else {
			reg_imp_ckpt_start(&im);
			if (o->mode == REGISTRY_IMPORT_COMMIT &&
			    pthread_create(&im.hs_th, NULL, reg_imp_hs_main,
			    &im) == 0)
				im.hs_on = 1;
		}
	}
	for (k = 0;; k = (k + 1) % REG_IMP_CHUNKS) {
		c = &im.chunks[k];
		if (im.threaded)
			reg_imp_wait(&im, c);
		else
			reg_imp_fill(&im, c);
		rc = reg_imp_flush(&im, c, e);
		last = c->last;
		reg_imp_chunk_clear(c);
		if (im.threaded) {
			pthread_mutex_lock(&im.mu);
			c->full = 0;
			pthread_cond_broadcast(&im.cv);
			pthread_mutex_unlock(&im.mu);
		}
		if (rc < 0)
			goto out;
		if (last)
			break;
	}
	if (im.threaded) {
		pthread_join(reader, NULL);
		reg_imp_ckpt_stop(&im);
		reg_imp_hs_stop(&im);
		pthread_cond_destroy(&im.cv);
		pthread_mutex_destroy(&im.mu);
		im.threaded = 0;
	}
	if (!im.file_sm3[0])
		crypto_sm3_hex(p, n, im.file_sm3);
	if ((rc = reg_imp_finish(&im, im.file_sm3, n, enc, &iid, e)) < 0)
		goto out;
	*report = reg_imp_report(&im, iid, enc, ignored);
	rc = 0;
out:
	if (im.threaded) {
		pthread_mutex_lock(&im.mu);
		im.stop = 1;
		pthread_cond_broadcast(&im.cv);
		pthread_mutex_unlock(&im.mu);
		pthread_join(reader, NULL);
		reg_imp_ckpt_stop(&im);
		reg_imp_hs_stop(&im);
		pthread_cond_destroy(&im.cv);
		pthread_mutex_destroy(&im.mu);
	}
	if (o->batch > 0 && store_kind(st) == STORE_SQLITE)
		store_exec(st, "PRAGMA cache_size = -2000", STORE_NOARGS, NULL,
		    NULL);
	for (k = 0; k < REG_IMP_CHUNKS; k++) {
		if (im.chunks[k].rows != NULL)
			reg_imp_chunk_clear(&im.chunks[k]);
		free(im.chunks[k].rows);
	}
	free(im.towns);
	free(im.seen.key);
	free(im.seen.row);
	json_decref(im.errors);
	json_decref(im.warnings);
	json_decref(ignored);
	csvread_free(cr);
	return rc;
}
