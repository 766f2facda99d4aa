/*
 * Units (社会单位): validation of a unit's attributes (USCC, town, grid,
 * categories, people), jurisdiction of reads and writes (Z-2, Z-3),
 * personal data sealed at rest with a keyed index (P-1) and masked in
 * views unless unmasked with a reason (P-2), optimistic locking, the
 * status lifecycle, search and paging over millions of rows, and the
 * canonical audit record.  Rule IDs REG-xxx: docs/modules/registry.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "audit.h"
#include "ident.h"
#include "pii.h"
#include "hazard.h"
#include "iot.h"
#include "registry_int.h"
#include "risk.h"

#define REG_NROLES	3

/* The people of a unit: role (column value) and JSON key prefix. */
static const char *const reg_roles[REG_NROLES] = {
	"legal_rep", "responsible", "manager",
};

/* One person's sealed values (hex) and keyed indexes; NULL = not given. */
struct reg_person {
	char	*name;
	char	*phone;
	char	*phone_index;
	char	*idno;
	char	*idno_index;
};

struct reg_unit {
	int64_t			 id;
	char			*name;
	char			*uscc;
	char			*address;
	char			 town[REG_TOWN_LEN + 1];
	int64_t			 grid_id;		/* 0 = none */
	char			*industry;
	int			 categories;
	char			*three_small_kind;
	char			*status;
	char			*risk_grade;
	int64_t			 version;
	int64_t			 created_at;
	int64_t			 updated_at;
	char			*created_by;
	char			*registered_address;	/* 住所, REG-032 */
	char			*registered_on;		/* 成立日期 */
	char			*town_name;		/* views only */
	char			*grid_name;
	struct reg_person	 p[REG_NROLES];
	int			 pdirty[REG_NROLES];	/* changed by input */
};

#define REG_SQL_UNIT \
    "SELECT u.id, u.name, u.uscc, u.address, u.town_code, u.grid_id, " \
    "u.industry, u.categories, u.three_small_kind, u.status, u.risk_grade, " \
    "u.version, u.created_at, u.updated_at, u.created_by, " \
    "(SELECT t.name FROM towns t WHERE t.code = u.town_code), " \
    "(SELECT g.name FROM grids g WHERE g.id = u.grid_id), " \
    "u.registered_address, u.registered_on FROM units u "

/*
 * A unit with its people in one statement (one read transaction instead
 * of two on the hot GET path): the unit's columns, then one row per
 * contact (role NULL when there is none).
 */
static const char reg_sql_unit_get_people[] =
    "SELECT u.id, u.name, u.uscc, u.address, u.town_code, u.grid_id, "
    "u.industry, u.categories, u.three_small_kind, u.status, u.risk_grade, "
    "u.version, u.created_at, u.updated_at, u.created_by, "
    "(SELECT t.name FROM towns t WHERE t.code = u.town_code), "
    "(SELECT g.name FROM grids g WHERE g.id = u.grid_id), "
    "u.registered_address, u.registered_on, c.role, c.name_sealed, c.phone_sealed, c.phone_index, c.idno_sealed, "
    "c.idno_index FROM units u LEFT JOIN unit_contacts c ON c.unit_id = u.id "
    "WHERE u.id = ?";
#define REG_UNIT_NCOLS	19
static const char reg_sql_unit_ins[] =
    "INSERT INTO units (id, name, name_key, uscc, address, town_code, "
    "grid_id, industry, categories, primary_category, three_small_kind, "
    "status, version, created_at, updated_at, created_by, "
    "registered_address, registered_on) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?, ?, ?, ?)";
static const char reg_sql_unit_upd[] =
    "UPDATE units SET name = ?, name_key = ?, uscc = ?, address = ?, "
    "town_code = ?, grid_id = ?, industry = ?, categories = ?, "
    "primary_category = ?, three_small_kind = ?, registered_address = ?, "
    "registered_on = ?, version = version + 1, "
    "updated_at = ? WHERE id = ? AND version = ?";
static const char reg_sql_unit_status[] =
    "UPDATE units SET status = ?, version = version + 1, updated_at = ? "
    "WHERE id = ? AND version = ?";
static const char reg_sql_contact_put[] =
    "INSERT INTO unit_contacts (unit_id, role, name_sealed, phone_sealed, "
    "phone_index, idno_sealed, idno_index) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (unit_id, role) DO UPDATE SET "
    "name_sealed = excluded.name_sealed, "
    "phone_sealed = excluded.phone_sealed, "
    "phone_index = excluded.phone_index, "
    "idno_sealed = excluded.idno_sealed, idno_index = excluded.idno_index";
static const char reg_sql_uscc_taken[] =
    "SELECT COUNT(*) FROM units WHERE uscc = ? AND id <> ?";
static const char reg_sql_grid_of[] =
    "SELECT town_code, status FROM grids WHERE id = ?";
static const char reg_sql_unmask_ins[] =
    "INSERT INTO unit_unmasks (id, unit_id, unit_version, actor, reason, at)"
    " VALUES (?, ?, ?, ?, ?, ?)";
static const char reg_sql_unmask_get[] =
    "SELECT id, unit_id, unit_version, actor, reason, at FROM unit_unmasks "
    "WHERE id = ?";

static void
reg_person_clear(struct reg_person *p)
{
	free(p->name);
	free(p->phone);
	free(p->phone_index);
	free(p->idno);
	free(p->idno_index);
	memset(p, 0, sizeof(*p));
}

static void
reg_unit_free(struct reg_unit *u)
{
	int	i;

	if (u == NULL)
		return;
	free(u->name);
	free(u->uscc);
	free(u->address);
	free(u->industry);
	free(u->registered_address);
	free(u->registered_on);
	free(u->three_small_kind);
	free(u->status);
	free(u->risk_grade);
	free(u->created_by);
	free(u->town_name);
	free(u->grid_name);
	for (i = 0; i < REG_NROLES; i++)
		reg_person_clear(&u->p[i]);
	free(u);
}

static char *
reg_col(struct store_rows *r, int col)
{
	return store_isnull(r, col) ? NULL : xstrdup(store_text(r, col));
}

/* Replace *slot by v (owned). */
static void
reg_set(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

/* Categories. */

static const struct registry_category *
reg_cat_find(const char *name)
{
	const struct registry_category	*c;

	for (c = registry_categories; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* The highest-ranked category of bits (REG-012); "general" for none. */
static const char *
reg_primary(int bits)
{
	const struct registry_category	*c;

	for (c = registry_categories; c->name; c++)
		if (c->bit != 0 && (bits & c->bit) != 0)
			return c->name;
	return "general";
}

static json_t *
reg_cats_json(int bits)
{
	const struct registry_category	*c;
	json_t				*a = json_array();

	for (c = registry_categories; c->name; c++)
		if (c->bit != 0 && (bits & c->bit) != 0)
			json_array_append_new(a, json_string(c->name));
	if (bits == 0)
		json_array_append_new(a, json_string("general"));
	return a;
}

/* REG-012: known, distinct names; "general" only alone. */
static int
reg_cats_parse(const json_t *v, int *bits, struct err *e)
{
	const struct registry_category	*c;
	json_t				*x;
	size_t				 i;
	int				 b = 0, general = 0;

	if (!json_is_array(v))
		return err_set(e, ERR_TYPE, "categories", "categories must be a "
		    "list of strings");
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_TYPE, "categories", "categories "
			    "must be a list of strings");
		if ((c = reg_cat_find(json_string_value(x))) == NULL)
			return err_set(e, ERR_INVALID, "categories", "unknown "
			    "category %.32s (REG-012)", json_string_value(x));
		if ((c->bit == 0 && general) || (c->bit != 0 && (b & c->bit)))
			return err_set(e, ERR_INVALID, "categories", "category "
			    "%s is listed twice (REG-012)", c->name);
		if (c->bit == 0)
			general = 1;
		b |= c->bit;
	}
	if (general && b != 0)
		return err_set(e, ERR_INVALID, "categories", "general cannot be "
		    "combined with another category (REG-012)");
	*bits = b;
	return 0;
}

/* People. */

/* REG-006: a mobile number, or a landline with its area code. */
static int
reg_phone_ok(const char *s)
{
	size_t	n = strlen(s), i, d;

	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9') {
		for (i = 0; i < n; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 1;
	}
	/* 0AA-NNNNNNN or 0AAA-NNNNNNNN, optionally -EXT (1-6 digits). */
	if (s[0] != '0' || n < 11)
		return 0;
	for (i = 1; i < n && s[i] != '-'; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	if (i < 3 || i > 4 || s[1] == '0' || i >= n)
		return 0;
	for (d = 0, i++; i < n && s[i] != '-'; i++, d++)
		if (s[i] < '0' || s[i] > '9' || (d == 0 && s[i] < '2'))
			return 0;
	if (d < 7 || d > 8)
		return 0;
	if (i == n)
		return 1;
	for (d = 0, i++; i < n; i++, d++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return d >= 1 && d <= 6;
}

static int
reg_phone_norm(const json_t *v, const char *field, char **out, struct err *e)
{
	char	*s = NULL;
	int	 rc;

	if ((rc = reg_text(v, field, 1, REGISTRY_PHONE_MAX, &s, e)) < 0)
		return rc;
	if (!reg_phone_ok(s)) {
		mem_free_secret(s);
		return err_set(e, ERR_INVALID, field, "%s must be a mobile "
		    "number of 11 digits starting 13-19, or a landline like "
		    "0769-22221234 (REG-006)", field);
	}
	*out = s;
	return 0;
}

static int
reg_idno_norm(const json_t *v, const char *field, char **out, struct err *e)
{
	char	norm[IDENT_IDCARD_LEN + 1];
	int	rc;

	if (!json_is_string(v))
		return err_set(e, ERR_TYPE, field, "%s must be a string", field);
	if (json_string_length(v) > REGISTRY_IDNO_MAX)
		return err_set(e, ERR_RANGE, field, "%s must be at most %d "
		    "characters long", field, REGISTRY_IDNO_MAX);
	/* REG-005: GB 11643 check character and birth date. */
	if ((rc = ident_idcard_check(json_string_value(v), field, norm, e)) < 0)
		return rc;
	*out = xstrdup(norm);
	mem_wipe(norm, sizeof(norm));
	return 0;
}

/*
 * Set one personal value of p from input v (JSON null clears it): the
 * clear value is checked and normalised, sealed, indexed, and wiped.
 * what: 0 name, 1 phone, 2 ID number.
 */
static int
reg_person_set(struct reg_person *p, int what, const json_t *v,
    const char *field, struct err *e)
{
	char	*plain = NULL, *sealed = NULL, idx[PII_INDEX_HEX + 1];
	int	 rc;

	if (json_is_null(v)) {
		if (what == 0)
			reg_set(&p->name, NULL);
		else if (what == 1) {
			reg_set(&p->phone, NULL);
			reg_set(&p->phone_index, NULL);
		} else {
			reg_set(&p->idno, NULL);
			reg_set(&p->idno_index, NULL);
		}
		return 0;
	}
	if (what == 0)
		rc = reg_text(v, field, 1, REGISTRY_PERSON_MAX, &plain, e);
	else if (what == 1)
		rc = reg_phone_norm(v, field, &plain, e);
	else
		rc = reg_idno_norm(v, field, &plain, e);
	if (rc < 0)
		goto out;
	/* P-1, REG-007: only the sealed form and the keyed index are
	 * kept. */
	if ((rc = pii_seal(plain, &sealed, e)) < 0)
		goto out;
	if (what == 0) {
		reg_set(&p->name, sealed);
	} else {
		if ((rc = pii_index(what == 1 ? "phone" : "idno", plain, idx,
		    e)) < 0)
			goto out;
		if (what == 1) {
			reg_set(&p->phone, sealed);
			reg_set(&p->phone_index, xstrdup(idx));
		} else {
			reg_set(&p->idno, sealed);
			reg_set(&p->idno_index, xstrdup(idx));
		}
	}
	sealed = NULL;
	rc = 0;
out:
	free(sealed);
	mem_free_secret(plain);
	return rc;
}

/* Loading. */

static void
reg_unit_from_row(struct store_rows *r, struct reg_unit *u)
{
	u->id = store_int(r, 0);
	u->name = reg_col(r, 1);
	u->uscc = reg_col(r, 2);
	u->address = reg_col(r, 3);
	snprintf(u->town, sizeof(u->town), "%s", store_text(r, 4));
	u->grid_id = store_isnull(r, 5) ? 0 : store_int(r, 5);
	u->industry = reg_col(r, 6);
	u->categories = (int)store_int(r, 7);
	u->three_small_kind = reg_col(r, 8);
	u->status = reg_col(r, 9);
	u->risk_grade = reg_col(r, 10);
	u->version = store_int(r, 11);
	u->created_at = store_int(r, 12);
	u->updated_at = store_int(r, 13);
	u->created_by = reg_col(r, 14);
	u->town_name = reg_col(r, 15);
	u->grid_name = reg_col(r, 16);
	u->registered_address = reg_col(r, 17);
	u->registered_on = reg_col(r, 18);
}

/* The contact in columns off..off+5 (role, then the sealed values). */
static void
reg_contact_from_row(struct store_rows *r, int off, struct reg_unit *u)
{
	struct reg_person	*p;
	int			 i;

	if (store_isnull(r, off))
		return;
	for (i = 0; i < REG_NROLES; i++)
		if (strcmp(store_text(r, off), reg_roles[i]) == 0)
			break;
	if (i == REG_NROLES)
		return;
	p = &u->p[i];
	reg_person_clear(p);
	p->name = reg_col(r, off + 1);
	p->phone = reg_col(r, off + 2);
	p->phone_index = reg_col(r, off + 3);
	p->idno = reg_col(r, off + 4);
	p->idno_index = reg_col(r, off + 5);
}

/* A unit by id, with its people; ERR_NOT_FOUND if absent. */
static int
reg_unit_fetch(struct store *st, int64_t id, struct reg_unit **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct reg_unit		*u = NULL;
	int			 rc;

	if ((rc = store_query(st, reg_sql_unit_get_people, STORE_ARGS(SV_I(id)),
	    &r, e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
		goto out;
	}
	u = xcalloc(1, sizeof(*u));
	reg_unit_from_row(r, u);
	do
		reg_contact_from_row(r, REG_UNIT_NCOLS, u);
	while ((rc = store_next(r, e)) == 1);
	if (rc < 0)
		goto out;
	*out = u;
	u = NULL;
	rc = 0;
out:
	store_rows_free(r);
	reg_unit_free(u);
	return rc;
}

static int
reg_unit_visible(const struct reg_scope *s, const struct reg_unit *u)
{
	return reg_scope_sees(s, u->town, u->grid_id, u->id);
}

/* A unit who may read (registry:read and jurisdiction, REG-010). */
static int
reg_unit_load(struct store *st, const struct actor *who, int64_t id,
    struct reg_unit **out, struct err *e)
{
	struct reg_scope	 s;
	struct reg_unit		*u = NULL;
	int			 rc;

	if ((rc = reg_need(who, "registry:read", e)) < 0)
		return rc;
	if ((rc = reg_unit_fetch(st, id, &u, e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (!reg_unit_visible(&s, u)) {
		reg_unit_free(u);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
	}
	*out = u;
	return 0;
}

int
reg_unit_loc(struct store *st, const struct actor *who, int64_t id,
    struct reg_unit_loc *out, struct err *e)
{
	struct reg_scope	 s;
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, "SELECT town_code, grid_id, status FROM "
	    "units WHERE id = ?", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		memset(out, 0, sizeof(*out));
		out->id = id;
		snprintf(out->town, sizeof(out->town), "%s", store_text(r, 0));
		out->grid = store_isnull(r, 1) ? 0 : store_int(r, 1);
		snprintf(out->status, sizeof(out->status), "%s",
		    store_text(r, 2));
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
	store_rows_free(r);
	if (rc < 0)
		return rc;
	reg_scope_of(who, &s);
	if (!reg_scope_sees(&s, out->town, out->grid, out->id))
		return err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
	return 0;
}

/* Views and records. */

static json_t *
reg_id_or_null(int64_t id)
{
	return id != 0 ? jx_id(id) : json_null();
}

/* The list view: no people. */
static json_t *
reg_unit_brief(const struct reg_unit *u)
{
	return json_pack("{s:o, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o,"
	    " s:s, s:o, s:s, s:o, s:I, s:I, s:I}",
	    "id", jx_id(u->id),
	    "name", u->name,
	    "uscc", jx_str_or_null(u->uscc),
	    "address", u->address,
	    "town", u->town,
	    "town_name", jx_str_or_null(u->town_name),
	    "grid_id", reg_id_or_null(u->grid_id),
	    "grid_name", jx_str_or_null(u->grid_name),
	    "industry", jx_str_or_null(u->industry),
	    "categories", reg_cats_json(u->categories),
	    "primary_category", reg_primary(u->categories),
	    "three_small_kind", jx_str_or_null(u->three_small_kind),
	    "status", u->status,
	    "risk_grade", jx_str_or_null(u->risk_grade),
	    "version", (json_int_t)u->version,
	    "created_at", (json_int_t)u->created_at,
	    "updated_at", (json_int_t)u->updated_at);
}

/*
 * The single view is written straight into a buffer: building it as a
 * json_t and serialising that cost as much as the database read.  The
 * bytes are those jx_dump() gives for the json_t the view was before:
 * reg_unit_brief()'s keys in order, then the people, then the rest.
 */

/* reg_cats_json()'s bytes. */
static void
reg_cats_put(struct buf *b, int bits)
{
	const struct registry_category	*c;

	buf_addc(b, '[');
	for (c = registry_categories; c->name; c++)
		if (c->bit != 0 && (bits & c->bit) != 0) {
			if (b->data[b->len - 1] != '[')
				buf_addc(b, ',');
			jx_put_str(b, c->name);
		}
	if (bits == 0)
		jx_put_str(b, "general");
	buf_addc(b, ']');
}

/* reg_unit_brief()'s members, without the braces. */
static void
reg_unit_brief_put(struct buf *b, const struct reg_unit *u)
{
	jx_put_key(b, "id");
	jx_put_id(b, u->id, 0);
	jx_put_key(b, "name");
	jx_put_str(b, u->name);
	jx_put_key(b, "uscc");
	jx_put_str(b, u->uscc);
	jx_put_key(b, "address");
	jx_put_str(b, u->address);
	jx_put_key(b, "town");
	jx_put_str(b, u->town);
	jx_put_key(b, "town_name");
	jx_put_str(b, u->town_name);
	jx_put_key(b, "grid_id");
	jx_put_id(b, u->grid_id, 1);
	jx_put_key(b, "grid_name");
	jx_put_str(b, u->grid_name);
	jx_put_key(b, "industry");
	jx_put_str(b, u->industry);
	jx_put_key(b, "categories");
	reg_cats_put(b, u->categories);
	jx_put_key(b, "primary_category");
	jx_put_str(b, reg_primary(u->categories));
	jx_put_key(b, "three_small_kind");
	jx_put_str(b, u->three_small_kind);
	jx_put_key(b, "status");
	jx_put_str(b, u->status);
	jx_put_key(b, "risk_grade");
	jx_put_str(b, u->risk_grade);
	jx_put_key(b, "version");
	jx_put_int(b, u->version);
	jx_put_key(b, "created_at");
	jx_put_int(b, u->created_at);
	jx_put_key(b, "updated_at");
	jx_put_int(b, u->updated_at);
}

/* One opened personal value, masked unless clear (P-2). */
static int
reg_person_put(struct buf *b, const char *sealed, enum pii_what what,
    int clear, struct err *e)
{
	char	 small[256], *plain = small, *m;
	size_t	 cap, n, mn;
	int	 rc;

	if (sealed == NULL) {
		buf_add(b, "null", 4);
		return 0;
	}
	/* Room for the value and, after it, its mask (never longer than
	 * the value and 2). */
	cap = strlen(sealed) / 2 + 1;
	if (2 * cap + 2 > sizeof(small))
		plain = xmalloc(2 * cap + 2);
	if ((rc = pii_open_into(sealed, plain, cap, &n, e)) < 0)
		goto out;
	if (clear)
		jx_put_strn(b, plain, n);
	else {
		m = plain + n + 1;
		mn = pii_mask_into(what, plain, n, m);
		jx_put_strn(b, m, mn);
	}
out:
	/* The value and its mask, and nothing after them, were written. */
	mem_wipe(plain, 2 * cap + 2);
	if (plain != small)
		free(plain);
	return rc;
}

/*
 * The single view's members into b: people masked (P-2, REG-008) unless
 * clear.  On failure b holds a partial view.
 */
static int
reg_unit_view_put(struct buf *b, const struct reg_unit *u, int clear,
    struct err *e)
{
	/* "<role>_<what>" for reg_roles[i], in the view's order. */
	static const char *const	keys[REG_NROLES][3] = {
		{ "legal_rep_name", "legal_rep_phone", "legal_rep_id_number" },
		{ "responsible_name", "responsible_phone",
		    "responsible_id_number" },
		{ "manager_name", "manager_phone", "manager_id_number" },
	};
	static const enum pii_what	kind[3] = { PII_NAME, PII_PHONE,
	    PII_IDNO };
	char		 norm[IDENT_USCC_LEN + 1];
	const char	*sealed[3];
	int		 i, k, warn = 0, rc;

	buf_addc(b, '{');
	reg_unit_brief_put(b, u);
	for (i = 0; i < REG_NROLES; i++) {
		sealed[0] = u->p[i].name;
		sealed[1] = u->p[i].phone;
		sealed[2] = u->p[i].idno;
		for (k = 0; k < 3; k++) {
			jx_put_key(b, keys[i][k]);
			if ((rc = reg_person_put(b, sealed[k], kind[k], clear,
			    e)) < 0)
				return rc;
		}
	}
	if (u->uscc != NULL)
		ident_uscc_check(u->uscc, "uscc", norm, &warn, NULL);
	jx_put_key(b, "uscc_warning");
	jx_put_bool(b, warn);
	jx_put_key(b, "registered_address");
	jx_put_str(b, u->registered_address);
	jx_put_key(b, "registered_on");
	jx_put_str(b, u->registered_on);
	jx_put_key(b, "created_by");
	jx_put_str(b, u->created_by ? u->created_by : "");
	jx_put_key(b, "masked");
	jx_put_bool(b, !clear);
	buf_addc(b, '}');
	return 0;
}

/* The single view as a json_t (for the callers that add to it). */
static int
reg_unit_view(const struct reg_unit *u, int clear, json_t **out,
    struct err *e)
{
	struct buf	 b;
	json_t		*v;
	int		 rc;

	buf_init(&b);
	if ((rc = reg_unit_view_put(&b, u, clear, e)) < 0)
		goto out;
	if ((v = json_loadb(b.data, b.len, 0, NULL)) == NULL) {
		rc = err_set(e, ERR_INTERNAL, NULL, "unit view");
		goto out;
	}
	*out = v;
	rc = 0;
out:
	/* A clear view holds personal data. */
	mem_wipe(b.data, b.cap);
	buf_free(&b);
	return rc;
}

/* SM3 of a sealed value (and its index): the record never holds clear
 * personal data, yet an edit of either column is seen (REG-017). */
static json_t *
reg_sealed_hash(const char *sealed, const char *index)
{
	char	 hex[2 * CRYPTO_SM3_LEN + 1], *s;

	if (sealed == NULL)
		return json_null();
	s = xasprintf("%s:%s", sealed, index ? index : "");
	crypto_sm3_hex(s, strlen(s), hex);
	free(s);
	return json_string(hex);
}

static json_t *
reg_unit_record_json(const struct reg_unit *u)
{
	json_t	*c = json_object(), *r;
	int	 i;

	for (i = 0; i < REG_NROLES; i++)
		json_object_set_new(c, reg_roles[i], json_pack("{s:o, s:o, "
		    "s:o}",
		    "name", reg_sealed_hash(u->p[i].name, NULL),
		    "phone", reg_sealed_hash(u->p[i].phone,
		    u->p[i].phone_index),
		    "id_number", reg_sealed_hash(u->p[i].idno,
		    u->p[i].idno_index)));
	r = json_pack("{s:o, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:s,"
	    " s:o, s:I, s:I, s:I, s:s}",
	    "id", jx_id(u->id),
	    "name", u->name,
	    "uscc", jx_str_or_null(u->uscc),
	    "address", u->address,
	    "town", u->town,
	    "grid_id", reg_id_or_null(u->grid_id),
	    "industry", jx_str_or_null(u->industry),
	    "categories", reg_cats_json(u->categories),
	    "three_small_kind", jx_str_or_null(u->three_small_kind),
	    "status", u->status,
	    "contacts", c,
	    "version", (json_int_t)u->version,
	    "created_at", (json_int_t)u->created_at,
	    "updated_at", (json_int_t)u->updated_at,
	    "created_by", u->created_by ? u->created_by : "");
	/*
	 * REG-032: present only when set, so records written before the
	 * fields existed keep the state hash of their audit entry.
	 */
	if (u->registered_address != NULL)
		json_object_set_new(r, "registered_address",
		    json_string(u->registered_address));
	if (u->registered_on != NULL)
		json_object_set_new(r, "registered_on",
		    json_string(u->registered_on));
	return r;
}

int
registry_unit_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct reg_unit	*u = NULL;
	int64_t		 uid;
	int		 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &uid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such unit");
	if ((rc = reg_unit_fetch(st, uid, &u, e)) < 0)
		return rc;
	*out = reg_unit_record_json(u);
	reg_unit_free(u);
	return 0;
}

char *
reg_unit_record_created(const struct reg_unit_new *n)
{
	struct buf	 b;
	const char	*role;
	char		 hex[2 * CRYPTO_SM3_LEN + 1], *s;
	int		 i;

	/*
	 * jx_canonical(reg_unit_record_json(u)) for the row reg_unit_fetch()
	 * would read back, written straight in key order: the defaults of a
	 * new unit are those of the INSERTs that create one.  An import
	 * test checks it against the record read back (audit verify --deep).
	 */
	buf_init(&b);
	buf_addc(&b, '{');
	jx_put_key(&b, "address");
	jx_put_str(&b, n->address);
	jx_put_key(&b, "categories");
	buf_adds(&b, "[\"general\"]");
	jx_put_key(&b, "contacts");
	buf_addc(&b, '{');
	/* The roles in key order: legal_rep, manager, responsible. */
	for (i = 0; i < REG_NROLES; i++) {
		role = i == 0 ? reg_roles[0] : i == 1 ? reg_roles[2] :
		    reg_roles[1];
		jx_put_key(&b, role);
		buf_adds(&b, "{\"id_number\":null,\"name\":");
		if (i == 0 && n->legal_sealed != NULL) {
			/* reg_sealed_hash(sealed, NULL) */
			s = xasprintf("%s:", n->legal_sealed);
			crypto_sm3_hex(s, strlen(s), hex);
			free(s);
			jx_put_str(&b, hex);
		} else
			buf_adds(&b, "null");
		buf_adds(&b, ",\"phone\":null}");
	}
	buf_addc(&b, '}');
	jx_put_key(&b, "created_at");
	jx_put_int(&b, n->at);
	jx_put_key(&b, "created_by");
	jx_put_str(&b, n->created_by);
	jx_put_key(&b, "grid_id");
	buf_adds(&b, "null");
	jx_put_key(&b, "id");
	jx_put_id(&b, n->id, 0);
	jx_put_key(&b, "industry");
	jx_put_str(&b, n->industry);
	jx_put_key(&b, "name");
	jx_put_str(&b, n->name);
	if (n->registered_address != NULL) {
		jx_put_key(&b, "registered_address");
		jx_put_str(&b, n->registered_address);
	}
	if (n->registered_on != NULL) {
		jx_put_key(&b, "registered_on");
		jx_put_str(&b, n->registered_on);
	}
	jx_put_key(&b, "status");
	jx_put_str(&b, "active");
	jx_put_key(&b, "three_small_kind");
	buf_adds(&b, "null");
	jx_put_key(&b, "town");
	jx_put_str(&b, n->town);
	jx_put_key(&b, "updated_at");
	jx_put_int(&b, n->at);
	jx_put_key(&b, "uscc");
	jx_put_str(&b, n->uscc);
	jx_put_key(&b, "version");
	jx_put_int(&b, 1);
	buf_addc(&b, '}');
	return buf_release(&b);
}

/* Reload after a change, append the audit entry, hand out the view. */
static int
reg_unit_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **out, struct err *e)
{
	struct reg_unit	*u = NULL;
	json_t		*rec = NULL;
	int		 rc;

	if ((rc = reg_unit_fetch(st, id, &u, e)) < 0)
		goto out;
	rec = reg_unit_record_json(u);
	if ((rc = audit_append_id(st, who, action, "unit", id, rec, e)) < 0)
		goto out;
	rc = out != NULL ? reg_unit_view(u, 0, out, e) : 0;
out:
	json_decref(rec);
	reg_unit_free(u);
	return rc;
}

/* Input. */

static const char *const reg_unit_keys[] = {
	"name", "uscc", "address", "town", "grid_id", "industry", "categories",
	"three_small_kind", "registered_address", "registered_on", NULL,
};

/* The role and kind of a person key like "manager_phone", or -1. */
static int
reg_person_key(const char *key, int *what)
{
	static const char *const sfx[3] = { "_name", "_phone", "_id_number" };
	size_t			 n;
	int			 i, k;

	for (i = 0; i < REG_NROLES; i++) {
		n = strlen(reg_roles[i]);
		if (strncmp(key, reg_roles[i], n) != 0)
			continue;
		for (k = 0; k < 3; k++)
			if (strcmp(key + n, sfx[k]) == 0) {
				*what = k;
				return i;
			}
	}
	return -1;
}

/* Apply one attribute of the input to u. */
static int
reg_unit_attr(struct store *st, struct reg_unit *u, const char *key,
    const json_t *v, struct err *e)
{
	char	*s = NULL, norm[IDENT_USCC_LEN + 1];
	int	 rc, bits = 0;

	if (json_is_null(v) && (strcmp(key, "name") == 0 ||
	    strcmp(key, "address") == 0 || strcmp(key, "town") == 0))
		return err_set(e, ERR_TYPE, key, "%s cannot be null", key);
	if (strcmp(key, "name") == 0) {
		if ((rc = reg_text(v, key, 1, REGISTRY_NAME_MAX, &s, e)) < 0)
			return rc;
		reg_set(&u->name, s);
	} else if (strcmp(key, "address") == 0) {
		if ((rc = reg_text(v, key, 1, REGISTRY_ADDRESS_MAX, &s, e)) < 0)
			return rc;
		reg_set(&u->address, s);
	} else if (strcmp(key, "uscc") == 0) {
		if (json_is_null(v)) {
			reg_set(&u->uscc, NULL);
			return 0;
		}
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, key, "uscc must be a "
			    "string");
		if (json_string_length(v) > 32)
			return err_set(e, ERR_RANGE, key, "uscc must be 18 "
			    "characters long (REG-003)");
		/* REG-003: GB 32100, normalised to upper case. */
		if ((rc = ident_uscc_check(json_string_value(v), key, norm,
		    NULL, e)) < 0)
			return rc;
		reg_set(&u->uscc, xstrdup(norm));
	} else if (strcmp(key, "town") == 0) {
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, key, "town must be a "
			    "string");
		if ((rc = reg_town_exists(st, json_string_value(v), key,
		    e)) < 0)
			return rc;
		snprintf(u->town, sizeof(u->town), "%s", json_string_value(v));
	} else if (strcmp(key, "grid_id") == 0) {
		u->grid_id = 0;
		if (!json_is_null(v) &&
		    (rc = reg_json_id(v, key, &u->grid_id, e)) < 0)
			return rc;
	} else if (strcmp(key, "industry") == 0) {
		if (json_is_null(v)) {
			reg_set(&u->industry, NULL);
			return 0;
		}
		if ((rc = reg_text(v, key, 1, REGISTRY_INDUSTRY_MAX, &s,
		    e)) < 0)
			return rc;
		reg_set(&u->industry, s);
	} else if (strcmp(key, "registered_address") == 0) {
		if (json_is_null(v)) {
			reg_set(&u->registered_address, NULL);
			return 0;
		}
		if ((rc = reg_text(v, key, 1, REGISTRY_ADDRESS_MAX, &s,
		    e)) < 0)
			return rc;
		reg_set(&u->registered_address, s);
	} else if (strcmp(key, "registered_on") == 0) {
		char	day[REG_DATE_LEN + 1];

		if (json_is_null(v)) {
			reg_set(&u->registered_on, NULL);
			return 0;
		}
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, key, "registered_on must "
			    "be a date string");
		/* REG-032: YYYY-MM-DD, from 1949 up to today. */
		if ((rc = reg_date_parse(json_string_value(v), 0, key, day,
		    e)) < 0)
			return rc;
		reg_set(&u->registered_on, xstrdup(day));
	} else if (strcmp(key, "categories") == 0) {
		/* null or [] is a general unit. */
		if (!json_is_null(v) && (rc = reg_cats_parse(v, &bits, e)) < 0)
			return rc;
		u->categories = bits;
	} else if (strcmp(key, "three_small_kind") == 0) {
		if (json_is_null(v)) {
			reg_set(&u->three_small_kind, NULL);
			return 0;
		}
		if (!json_is_string(v))
			return err_set(e, ERR_TYPE, key, "three_small_kind must "
			    "be a string");
		if (!reg_choice(registry_three_small_kinds,
		    json_string_value(v)))
			return err_set(e, ERR_INVALID, key, "three_small_kind "
			    "must be shop, workshop or entertainment "
			    "(REG-012)");
		reg_set(&u->three_small_kind, xstrdup(json_string_value(v)));
	}
	return 0;
}

/*
 * Apply in to u (a blank unit on create, the current one on update):
 * every key checked, values normalised, people sealed.  Cross-field
 * rules are checked by reg_unit_rules() afterwards.
 */
static int
reg_unit_apply(struct store *st, struct reg_unit *u, const json_t *in,
    int create, struct err *e)
{
	static const char *const required[] = { "name", "address", "town",
	    NULL };
	const char		*key;
	json_t			*v;
	int			 i, role, what, rc;

	if (!json_is_object(in))
		return err_set(e, ERR_BAD_JSON, "", "a JSON object is required");
	json_object_foreach((json_t *)(uintptr_t)in, key, v) {
		if (reg_choice(reg_unit_keys, key)) {
			if ((rc = reg_unit_attr(st, u, key, v, e)) < 0)
				return rc;
		} else if ((role = reg_person_key(key, &what)) >= 0) {
			if ((rc = reg_person_set(&u->p[role], what, v, key,
			    e)) < 0)
				return rc;
			u->pdirty[role] = 1;
		} else
			return err_set(e, ERR_UNKNOWN_FIELD, key,
			    "unknown field %.40s", key);
	}
	if (create)
		for (i = 0; required[i]; i++) {
			v = json_object_get(in, required[i]);
			if (v == NULL || json_is_null(v))
				return err_set(e, ERR_MISSING, required[i],
				    "%s is required", required[i]);
		}
	return 0;
}

/*
 * Rules across attributes and against the database: REG-012 (the
 * three-small subtype), REG-002 (the grid is an active grid of the
 * unit's town; checked when town or grid changed), REG-011 (the unit
 * stays within who's jurisdiction), REG-004 (USCC unique).
 */
static int
reg_unit_rules(struct store *st, const struct actor *who, struct reg_unit *u,
    const struct reg_unit *before, struct err *e)
{
	struct reg_scope	 s;
	struct store_rows	*r = NULL;
	int64_t			 n;
	int			 moved, rc;

	if ((u->categories & 16) != 0 && u->three_small_kind == NULL)
		return err_set(e, ERR_MISSING, "three_small_kind", "a "
		    "three-small place needs three_small_kind (REG-012)");
	if ((u->categories & 16) == 0 && u->three_small_kind != NULL)
		return err_set(e, ERR_INVALID, "three_small_kind",
		    "three_small_kind is only for three_small units "
		    "(REG-012)");
	reg_scope_of(who, &s);
	moved = before == NULL || strcmp(before->town, u->town) != 0 ||
	    before->grid_id != u->grid_id;
	/* REG-011: a grid account registers units in its own grid. */
	if (before == NULL && s.kind == RS_GRID && u->grid_id == 0)
		u->grid_id = s.id;
	switch (s.kind) {
	case RS_ALL:
		break;
	case RS_TOWN:
		if (strcmp(s.town, u->town) != 0)
			return err_set(e, ERR_FORBIDDEN, "town", "town %s is "
			    "outside your jurisdiction (REG-011)", u->town);
		break;
	case RS_GRID:
		if (u->grid_id != s.id)
			return err_set(e, ERR_FORBIDDEN, "grid_id", "the grid "
			    "is outside your jurisdiction (REG-011)");
		break;
	case RS_UNIT:
		if (before == NULL)
			return err_set(e, ERR_FORBIDDEN, NULL, "a unit account "
			    "cannot register units (REG-011)");
		if (moved)
			return err_set(e, ERR_FORBIDDEN, "town", "a unit account "
			    "cannot move its unit (REG-011)");
		break;
	default:
		return err_set(e, ERR_FORBIDDEN, NULL, "no jurisdiction "
		    "(REG-011)");
	}
	if (moved && u->grid_id != 0) {
		if ((rc = store_query(st, reg_sql_grid_of,
		    STORE_ARGS(SV_I(u->grid_id)), &r, e)) < 0)
			return rc;
		if ((rc = store_next(r, e)) < 0) {
			store_rows_free(r);
			return rc;
		}
		if (rc == 0)
			rc = err_set(e, ERR_INVALID, "grid_id", "no such grid "
			    "(REG-002)");
		else if (strcmp(store_text(r, 0), u->town) != 0)
			rc = err_set(e, ERR_INVALID, "grid_id", "the grid does "
			    "not belong to town %s (REG-002)", u->town);
		else if (strcmp(store_text(r, 1), "active") != 0)
			rc = err_set(e, ERR_INVALID, "grid_id", "the grid is "
			    "archived (REG-002)");
		else
			rc = 0;
		store_rows_free(r);
		if (rc < 0)
			return rc;
	}
	if (u->uscc != NULL) {
		if ((rc = store_query_int(st, reg_sql_uscc_taken,
		    STORE_ARGS(SV_S(u->uscc), SV_I(u->id)), &n, e)) < 0)
			return rc;
		if (n > 0)
			return err_set(e, ERR_CONFLICT, "uscc", "another unit "
			    "has USCC %s (REG-004)", u->uscc);
	}
	return 0;
}

static int
reg_contacts_save(struct store *st, const struct reg_unit *u, int all,
    struct err *e)
{
	const struct reg_person	*p;
	int			 i, rc;

	for (i = 0; i < REG_NROLES; i++) {
		if (!u->pdirty[i] && !all)
			continue;
		p = &u->p[i];
		if (all && p->name == NULL && p->phone == NULL &&
		    p->idno == NULL)
			continue;
		if ((rc = store_exec(st, reg_sql_contact_put, STORE_ARGS(
		    SV_I(u->id), SV_S(reg_roles[i]), SV_S(p->name),
		    SV_S(p->phone), SV_S(p->phone_index), SV_S(p->idno),
		    SV_S(p->idno_index)), NULL, e)) < 0)
			return rc;
	}
	return 0;
}

static struct store_val
reg_grid_val(int64_t grid)
{
	return grid != 0 ? SV_I(grid) : SV_N;
}

int
registry_unit_create(struct store *st, struct actor *who, const json_t *in,
    json_t **out, struct err *e)
{
	struct reg_unit	*u = NULL;
	char		 key[REG_KEY_HEX], by[24];
	int64_t		 now = clock_now();
	int		 rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		goto out;
	u = xcalloc(1, sizeof(*u));
	if ((rc = reg_unit_apply(st, u, in, 1, e)) < 0)
		goto out;
	if ((rc = reg_unit_rules(st, who, u, NULL, e)) < 0)
		goto out;
	u->id = id_next();
	reg_name_key(u->name, key);
	reg_actor_name(who, by);
	if ((rc = store_exec(st, reg_sql_unit_ins, STORE_ARGS(SV_I(u->id),
	    SV_S(u->name), SV_S(key), SV_S(u->uscc), SV_S(u->address),
	    SV_S(u->town), reg_grid_val(u->grid_id), SV_S(u->industry),
	    SV_I(u->categories), SV_S(reg_primary(u->categories)),
	    SV_S(u->three_small_kind), SV_I(now), SV_I(now), SV_S(by),
	    SV_S(u->registered_address), SV_S(u->registered_on)), NULL,
	    e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "uscc", "another unit has "
			    "USCC %s (REG-004)", u->uscc ? u->uscc : "");
		goto out;
	}
	if ((rc = reg_contacts_save(st, u, 1, e)) < 0)
		goto out;
	if ((rc = risk_unit_refresh(st, u->id, e)) < 0)
		goto out;
	rc = reg_unit_audit(st, who, "unit.create", u->id, out, e);
out:
	reg_unit_free(u);
	return rc;
}

int
registry_unit_get(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	struct reg_unit	*u = NULL;
	int		 rc;

	if ((rc = reg_unit_load(st, who, id, &u, e)) < 0)
		return rc;
	rc = reg_unit_view(u, 0, out, e);
	reg_unit_free(u);
	return rc;
}

int
registry_unit_get_text(struct store *st, struct actor *who, int64_t id,
    struct buf *out, int64_t *version, struct err *e)
{
	struct reg_unit	*u = NULL;
	size_t		 len = out->len;
	int		 rc;

	if ((rc = reg_unit_load(st, who, id, &u, e)) < 0)
		return rc;
	if ((rc = reg_unit_view_put(out, u, 0, e)) < 0) {
		out->len = len;
		if (out->data != NULL)
			out->data[len] = '\0';
	} else
		*version = u->version;
	reg_unit_free(u);
	return rc;
}

/* A unit who may change: visible, registry:write, not archived. */
static int
reg_unit_target(struct store *st, struct actor *who, int64_t id,
    struct reg_unit **out, struct err *e)
{
	struct reg_unit	*u = NULL;
	int		 rc;

	if ((rc = reg_need(who, "registry:write", e)) < 0)
		return rc;
	if ((rc = reg_unit_load(st, who, id, &u, e)) < 0)
		return rc;
	/* REG-013: archived records are kept as they were. */
	if (strcmp(u->status, "archived") == 0) {
		reg_unit_free(u);
		return err_set(e, ERR_POLICY, "status", "the unit is archived "
		    "and can no longer be changed (REG-013)");
	}
	*out = u;
	return 0;
}

static int
reg_stale(int64_t have, struct err *e)
{
	return err_set(e, ERR_STALE, "version", "the record was changed by "
	    "someone else (now version %lld)", (long long)have);
}

int
registry_unit_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const json_t *in, json_t **out, struct err *e)
{
	struct reg_unit	*before = NULL, *u = NULL;
	char		 key[REG_KEY_HEX];
	int64_t		 ch;
	int		 rc;

	if ((rc = reg_unit_target(st, who, id, &before, e)) < 0)
		goto out;
	/* The record after the change, validated as a whole. */
	if ((rc = reg_unit_fetch(st, id, &u, e)) < 0)
		goto out;
	if ((rc = reg_unit_apply(st, u, in, 0, e)) < 0)
		goto out;
	if ((rc = reg_unit_rules(st, who, u, before, e)) < 0)
		goto out;
	/* REG-016: the version the caller saw, or nothing changes. */
	if (before->version != expected) {
		rc = reg_stale(before->version, e);
		goto out;
	}
	reg_name_key(u->name, key);
	if ((rc = store_exec(st, reg_sql_unit_upd, STORE_ARGS(SV_S(u->name),
	    SV_S(key), SV_S(u->uscc), SV_S(u->address), SV_S(u->town),
	    reg_grid_val(u->grid_id), SV_S(u->industry), SV_I(u->categories),
	    SV_S(reg_primary(u->categories)), SV_S(u->three_small_kind),
	    SV_S(u->registered_address), SV_S(u->registered_on),
	    SV_I(clock_now()), SV_I(id), SV_I(expected)), &ch, e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "uscc", "another unit has "
			    "USCC %s (REG-004)", u->uscc ? u->uscc : "");
		goto out;
	}
	if (ch == 0) {
		rc = reg_stale(before->version, e);
		goto out;
	}
	if ((rc = reg_contacts_save(st, u, 0, e)) < 0)
		goto out;
	if ((rc = risk_unit_refresh(st, id, e)) < 0)
		goto out;
	if ((strcmp(before->town, u->town) != 0 ||
	    before->grid_id != u->grid_id) &&
	    ((rc = hazard_unit_moved(st, who, id, u->town, u->grid_id,
	    e)) < 0 || (rc = iot_unit_moved(st, who, id, u->town, u->grid_id,
	    e)) < 0))
		goto out;
	rc = reg_unit_audit(st, who, "unit.update", id, out, e);
out:
	reg_unit_free(before);
	reg_unit_free(u);
	return rc;
}

/* REG-013: active -> closed -> archived, active -> archived. */
static int
reg_unit_status(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const char *to, json_t **out, struct err *e)
{
	struct reg_unit	*u = NULL;
	char		 action[24];
	int64_t		 ch;
	int		 rc;

	if ((rc = reg_unit_target(st, who, id, &u, e)) < 0)
		goto out;
	if (strcmp(to, "closed") == 0 && strcmp(u->status, "active") != 0) {
		rc = err_set(e, ERR_POLICY, "status", "only an active unit "
		    "can be closed (REG-013)");
		goto out;
	}
	if (expected != 0 && u->version != expected) {
		rc = reg_stale(u->version, e);
		goto out;
	}
	if ((rc = store_exec(st, reg_sql_unit_status, STORE_ARGS(SV_S(to),
	    SV_I(clock_now()), SV_I(id), SV_I(u->version)), &ch, e)) < 0)
		goto out;
	if (ch == 0) {
		rc = reg_stale(u->version, e);
		goto out;
	}
	if ((rc = risk_unit_refresh(st, id, e)) < 0)
		goto out;
	snprintf(action, sizeof(action), "unit.%s",
	    strcmp(to, "closed") == 0 ? "close" : "archive");
	rc = reg_unit_audit(st, who, action, id, out, e);
out:
	reg_unit_free(u);
	return rc;
}

int
registry_unit_close(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	return reg_unit_status(st, who, id, expected, "closed", out, e);
}

int
registry_unit_archive(struct store *st, struct actor *who, int64_t id,
    int64_t expected, json_t **out, struct err *e)
{
	return reg_unit_status(st, who, id, expected, "archived", out, e);
}

/* Unmasking (P-2, REG-009). */

static json_t *
reg_unmask_row(struct store_rows *r)
{
	return json_pack("{s:o, s:o, s:I, s:s, s:s, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "unit_id", jx_id(store_int(r, 1)),
	    "unit_version", (json_int_t)store_int(r, 2),
	    "actor", store_text(r, 3),
	    "reason", store_text(r, 4),
	    "at", (json_int_t)store_int(r, 5));
}

int
registry_unmask_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 mid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &mid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such record");
	if ((rc = store_query(st, reg_sql_unmask_get, STORE_ARGS(SV_I(mid)),
	    &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		*out = reg_unmask_row(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such record");
	store_rows_free(r);
	return rc;
}

int
registry_unit_unmask(struct store *st, struct actor *who, int64_t id,
    const char *reason, json_t **out, struct err *e)
{
	struct reg_unit	*u = NULL;
	json_t		*jr = NULL, *rec = NULL, *v = NULL;
	char		*why = NULL, by[24];
	int64_t		 mid;
	int		 rc;

	if ((rc = reg_need(who, "registry:unmask", e)) < 0)
		goto out;
	if ((rc = reg_unit_load(st, who, id, &u, e)) < 0)
		goto out;
	if (reason == NULL) {
		rc = err_set(e, ERR_MISSING, "reason", "a reason is required "
		    "to see personal data (REG-009)");
		goto out;
	}
	jr = json_string(reason);
	if (jr == NULL || (rc = reg_text(jr, "reason", REGISTRY_REASON_MIN,
	    REGISTRY_REASON_MAX, &why, e)) < 0) {
		if (jr == NULL)
			rc = err_set(e, ERR_INVALID, "reason", "reason is not "
			    "valid UTF-8");
		else if (rc == ERR_RANGE)
			rc = err_set(e, ERR_INVALID, "reason", "reason must be "
			    "%d to %d characters (REG-009)",
			    REGISTRY_REASON_MIN, REGISTRY_REASON_MAX);
		goto out;
	}
	if ((rc = reg_unit_view(u, 1, &v, e)) < 0)
		goto out;
	mid = id_next();
	reg_actor_name(who, by);
	if ((rc = store_exec(st, reg_sql_unmask_ins, STORE_ARGS(SV_I(mid),
	    SV_I(id), SV_I(u->version), SV_S(by), SV_S(why),
	    SV_I(clock_now())), NULL, e)) < 0)
		goto out;
	{
		char	tmp[24];

		snprintf(tmp, sizeof(tmp), "%lld", (long long)mid);
		if ((rc = registry_unmask_record(st, tmp, &rec, e)) < 0)
			goto out;
	}
	if ((rc = audit_append_id(st, who, "unit.unmask", "unmask", mid, rec,
	    e)) < 0)
		goto out;
	*out = v;
	v = NULL;
	rc = 0;
out:
	json_decref(jr);
	json_decref(rec);
	json_decref(v);
	free(why);
	reg_unit_free(u);
	return rc;
}

int
registry_unit_history(struct store *st, struct actor *who, int64_t id,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    struct err *e)
{
	struct reg_unit	*u = NULL;
	char		 tmp[24];
	int		 rc;

	if (offset < 0 || limit < 1 || limit > REGISTRY_PAGE_MAX)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d "
		    "(REG-021)", REGISTRY_PAGE_MAX);
	if ((rc = reg_unit_load(st, who, id, &u, e)) < 0)
		return rc;
	reg_unit_free(u);
	snprintf(tmp, sizeof(tmp), "%lld", (long long)id);
	return audit_object_json(st, "unit", tmp, offset, limit, items, total,
	    e);
}

/* Lists. */

/* The columns of a list row: those of REG_SQL_UNIT. */
static json_t *
reg_unit_list_row(struct store_rows *r)
{
	struct reg_unit	*u = xcalloc(1, sizeof(*u));
	json_t		*j;

	reg_unit_from_row(r, u);
	j = reg_unit_brief(u);
	reg_unit_free(u);
	return j;
}

static const char *
reg_keep(struct reg_qstr *k, char *s)
{
	k->s[k->n++] = s;
	return s;
}

/* Scope as a WHERE fragment (REG-010). */
static int
reg_scope_where(const struct actor *who, struct buf *w,
    struct store_val *args, int *n, struct reg_qstr *k, struct err *e)
{
	struct reg_scope	s;

	reg_scope_of(who, &s);
	switch (s.kind) {
	case RS_ALL:
		return 0;
	case RS_TOWN:
		buf_adds(w, " AND u.town_code = ?");
		args[(*n)++] = SV_S(reg_keep(k, xstrdup(s.town)));
		return 0;
	case RS_GRID:
		buf_adds(w, " AND u.grid_id = ?");
		args[(*n)++] = SV_I(s.id);
		return 0;
	case RS_UNIT:
		buf_adds(w, " AND u.id = ?");
		args[(*n)++] = SV_I(s.id);
		return 0;
	default:
		return err_set(e, ERR_FORBIDDEN, NULL, "no jurisdiction");
	}
}

/*
 * Sort orders.  The "scan" forms hide the first key behind an expression:
 * with a substring search, which no index answers, walking an index in
 * sort order would fetch millions of rows at random to find a page, while
 * a scan with a top-N sort reads them in order once (both backends).
 */
static const struct {
	const char	*key;
	const char	*order;		/* {d} = " DESC" or "" */
	const char	*scan;
} reg_sorts[] = {
	{ "name", "u.name_key{d}, u.id{d}", "u.name_key || ''{d}, u.id{d}" },
	{ "created_at", "u.created_at{d}, u.id{d}",
	    "u.created_at + 0{d}, u.id{d}" },
	{ "updated_at", "u.updated_at{d}, u.id{d}",
	    "u.updated_at + 0{d}, u.id{d}" },
	{ "town", "u.town_code{d}, u.name_key{d}, u.id{d}",
	    "u.town_code || ''{d}, u.name_key{d}, u.id{d}" },
	{ NULL, NULL, NULL },
};

/* An ORDER BY list from a reg_sorts pattern into b. */
static void
reg_order(struct buf *b, const char *pat, int desc)
{
	const char	*p;

	for (p = pat; *p; p++) {
		if (strncmp(p, "{d}", 3) == 0) {
			if (desc)
				buf_adds(b, " DESC");
			p += 2;
		} else
			buf_addc(b, *p);
	}
}

/*
 * REG-022: a name prefix as an index range on name_key, plus a LIKE on
 * the name when the prefix is longer than name_key holds.
 */
static void
reg_prefix_where(const char *prefix, struct buf *w, struct store_val *args,
    int *n, struct reg_qstr *k)
{
	char	*f = reg_fold(prefix), lo[REG_KEY_HEX], *hi;
	size_t	 len = strlen(f), cut = len;

	if (cut > REG_KEY_BYTES) {
		reg_name_key(f, lo);
		buf_adds(w, " AND u.name_key = ? AND LOWER(u.name) LIKE ? "
		    "ESCAPE '\\'");
		args[(*n)++] = SV_S(reg_keep(k, xstrdup(lo)));
		args[(*n)++] = SV_S(reg_keep(k, reg_like(f, 1)));
		free(f);
		return;
	}
	str_hex((const unsigned char *)f, len, lo);
	/* The end of the range: the prefix with its last byte + 1 (UTF-8
	 * text never holds 0xff). */
	f[len - 1] = (char)((unsigned char)f[len - 1] + 1);
	hi = xmalloc(2 * len + 1);
	str_hex((const unsigned char *)f, len, hi);
	buf_adds(w, " AND u.name_key >= ? AND u.name_key < ?");
	args[(*n)++] = SV_S(reg_keep(k, xstrdup(lo)));
	args[(*n)++] = SV_S(reg_keep(k, hi));
	free(f);
}

/* A filter text: 1..max code points of valid UTF-8 (REG-021). */
static int
reg_filter_text(const char *v, const char *field, size_t max, struct err *e)
{
	size_t	n = strlen(v), i;

	if (!str_utf8_valid(v, n) || str_utf8_len(v) > max)
		return err_set(e, ERR_INVALID, field, "%s must be at most %zu "
		    "characters (REG-021)", field, max);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20)
			return err_set(e, ERR_INVALID, field, "%s contains "
			    "control characters", field);
	return 0;
}

static int
reg_set_given(const char *s)
{
	return s != NULL && *s != '\0';
}

void
reg_unit_filter_free(struct reg_unit_filter *f)
{
	int	i;

	for (i = 0; i < f->keep.n; i++)
		free(f->keep.s[i]);
	buf_free(&f->where);
	buf_free(&f->order);
	memset(f, 0, sizeof(*f));
}

int
reg_unit_filter_build(struct store *st, const struct actor *who,
    const struct registry_unit_query *q, struct reg_unit_filter *x,
    struct err *e)
{
	const struct registry_category	*c;
	const char			*sort = q->sort;
	char				 norm[IDENT_USCC_LEN + 1], *f;
	int64_t				 gid;
	int				 i, si = -1, desc = 0, scan = 0, rc;

	memset(x, 0, sizeof(*x));
	buf_init(&x->where);
	buf_init(&x->order);
	if (!reg_set_given(sort))
		sort = "name";
	if (*sort == '-') {
		desc = 1;
		sort++;
	}
	for (i = 0; reg_sorts[i].key; i++)
		if (strcmp(reg_sorts[i].key, sort) == 0)
			si = i;
	if (si < 0)
		return err_set(e, ERR_INVALID, "sort", "cannot sort by %.40s "
		    "(REG-021)", sort);
	buf_adds(&x->where, "WHERE 1 = 1");
	if ((rc = reg_scope_where(who, &x->where, x->args, &x->n, &x->keep,
	    e)) < 0)
		return rc;
	if (reg_set_given(q->town)) {
		if ((rc = reg_town_exists(st, q->town, "town", e)) < 0)
			return rc;
		buf_adds(&x->where, " AND u.town_code = ?");
		x->args[x->n++] = SV_S(q->town);
	}
	if (reg_set_given(q->grid)) {
		if (str_to_i64(q->grid, 1, INT64_MAX, &gid) < 0)
			return err_set(e, ERR_INVALID, "grid", "grid must be an "
			    "id");
		buf_adds(&x->where, " AND u.grid_id = ?");
		x->args[x->n++] = SV_I(gid);
	}
	if (reg_set_given(q->category)) {
		if ((c = reg_cat_find(q->category)) == NULL)
			return err_set(e, ERR_INVALID, "category", "unknown "
			    "category (REG-012)");
		if (c->bit == 0)
			buf_adds(&x->where, " AND u.categories = 0");
		else {
			buf_adds(&x->where, " AND (u.categories & ?) <> 0");
			x->args[x->n++] = SV_I(c->bit);
		}
	}
	if (reg_set_given(q->primary_category)) {
		if (reg_cat_find(q->primary_category) == NULL)
			return err_set(e, ERR_INVALID, "primary_category",
			    "unknown category (REG-012)");
		/* units_town_category holds no general units (0021): the
		 * general ones are those with no category bit, which the
		 * name-led indexes carry; the others name the index's
		 * condition for the planners. */
		if (strcmp(q->primary_category, "general") == 0)
			buf_adds(&x->where, " AND u.categories = 0");
		else {
			buf_adds(&x->where, " AND u.primary_category = ? AND "
			    "u.primary_category <> 'general'");
			x->args[x->n++] = SV_S(q->primary_category);
		}
	}
	if (reg_set_given(q->status)) {
		if (!reg_choice(registry_unit_statuses, q->status))
			return err_set(e, ERR_INVALID, "status", "status must be "
			    "active, closed or archived");
		buf_adds(&x->where, " AND u.status = ?");
		x->args[x->n++] = SV_S(q->status);
	}
	if (reg_set_given(q->industry)) {
		if ((rc = reg_filter_text(q->industry, "industry",
		    REGISTRY_INDUSTRY_MAX, e)) < 0)
			return rc;
		buf_adds(&x->where, " AND u.industry = ?");
		x->args[x->n++] = SV_S(q->industry);
	}
	if (reg_set_given(q->risk_grade)) {
		if ((rc = reg_filter_text(q->risk_grade, "risk_grade",
		    REGISTRY_RISK_MAX, e)) < 0)
			return rc;
		buf_adds(&x->where, " AND u.risk_grade = ?");
		x->args[x->n++] = SV_S(q->risk_grade);
	}
	if (reg_set_given(q->prefix)) {
		if ((rc = reg_filter_text(q->prefix, "prefix",
		    REGISTRY_Q_MAX, e)) < 0)
			return rc;
		reg_prefix_where(q->prefix, &x->where, x->args, &x->n,
		    &x->keep);
	}
	if (reg_set_given(q->q)) {
		if ((rc = reg_filter_text(q->q, "q", REGISTRY_Q_MAX, e)) < 0)
			return rc;
		if (ident_uscc_check(q->q, "q", norm, NULL, NULL) == 0) {
			/* A whole USCC: the unique index answers. */
			buf_adds(&x->where, " AND u.uscc = ?");
			x->args[x->n++] = SV_S(reg_keep(&x->keep,
			    xstrdup(norm)));
		} else {
			f = reg_fold(q->q);
			buf_adds(&x->where, " AND (LOWER(u.name) LIKE ? ESCAPE "
			    "'\\' OR LOWER(u.address) LIKE ? ESCAPE '\\' OR "
			    "u.uscc LIKE ? ESCAPE '\\')");
			x->args[x->n] = SV_S(reg_keep(&x->keep,
			    reg_like(f, 0)));
			x->args[x->n + 1] = x->args[x->n];
			x->n += 2;
			free(f);
			f = xstrdup(q->q);
			for (i = 0; f[i]; i++)
				if (f[i] >= 'a' && f[i] <= 'z')
					f[i] = (char)(f[i] - 'a' + 'A');
			x->args[x->n++] = SV_S(reg_keep(&x->keep,
			    reg_like(f, 0)));
			free(f);
			scan = 1;
		}
	}
	reg_order(&x->order, scan ? reg_sorts[si].scan : reg_sorts[si].order,
	    desc);
	return 0;
}

int
registry_unit_list(struct store *st, struct actor *who,
    const struct registry_unit_query *q, json_t **items, int64_t *total,
    int *exact, struct err *e)
{
	struct reg_unit_filter	 x;
	struct store_rows	*r = NULL;
	struct buf		 sql;
	json_t			*a = NULL;
	int64_t			 cap;
	int			 rc;

	memset(&x, 0, sizeof(x));
	buf_init(&sql);
	if ((rc = reg_need(who, "registry:read", e)) < 0)
		goto out;
	if (q->offset < 0 || q->offset > INT32_MAX) {
		rc = err_set(e, ERR_INVALID, "offset", "bad offset");
		goto out;
	}
	if (q->limit < 1 || q->limit > REGISTRY_PAGE_MAX) {
		rc = err_set(e, ERR_INVALID, "limit", "limit must be 1 to %d "
		    "(REG-021)", REGISTRY_PAGE_MAX);
		goto out;
	}
	if ((rc = reg_unit_filter_build(st, who, q, &x, e)) < 0)
		goto out;
	/* REG-031: count one past the bound, to know whether it is exact. */
	cap = q->offset + q->limit > REGISTRY_COUNT_CAP ?
	    q->offset + q->limit : REGISTRY_COUNT_CAP;
	buf_printf(&sql, "SELECT COUNT(*) FROM (SELECT 1 FROM units u %s "
	    "LIMIT ?) t", x.where.data);
	x.args[x.n] = SV_I(cap + 1);
	if ((rc = store_query_int(st, sql.data, x.args, x.n + 1, total,
	    e)) < 0)
		goto out;
	*exact = *total <= cap;
	if (!*exact)
		*total = cap;
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY %s LIMIT ? OFFSET ?", REG_SQL_UNIT,
	    x.where.data, x.order.data);
	x.args[x.n++] = SV_I(q->limit);
	x.args[x.n++] = SV_I(q->offset);
	if ((rc = store_query(st, sql.data, x.args, x.n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, reg_unit_list_row(r));
	if (rc < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	reg_unit_filter_free(&x);
	json_decref(a);
	store_rows_free(r);
	buf_free(&sql);
	return rc;
}

int
registry_unit_lookup(struct store *st, struct actor *who, const char *kind,
    const char *value, json_t **items, struct err *e)
{
	struct store_val	 args[4];
	struct store_rows	*r = NULL;
	struct reg_person	 p;
	struct reg_qstr		 keep;
	struct buf		 w, sql;
	json_t			*a = NULL, *v = NULL;
	const char		*idx;
	int			 n = 0, i, phone, rc;

	memset(&p, 0, sizeof(p));
	memset(&keep, 0, sizeof(keep));
	buf_init(&w);
	buf_init(&sql);
	if ((rc = reg_need(who, "registry:read", e)) < 0)
		goto out;
	if (kind == NULL || (strcmp(kind, "phone") != 0 &&
	    strcmp(kind, "id_number") != 0)) {
		rc = err_set(e, ERR_INVALID, "kind", "look up by phone or "
		    "id_number");
		goto out;
	}
	phone = strcmp(kind, "phone") == 0;
	if (value == NULL) {
		rc = err_set(e, ERR_MISSING, kind, "%s is required", kind);
		goto out;
	}
	v = json_string(value);
	if (v == NULL) {
		rc = err_set(e, ERR_INVALID, kind, "%s is not valid UTF-8",
		    kind);
		goto out;
	}
	if ((rc = reg_person_set(&p, phone ? 1 : 2, v, kind, e)) < 0)
		goto out;
	idx = phone ? p.phone_index : p.idno_index;
	buf_printf(&w, "WHERE u.id IN (SELECT c.unit_id FROM unit_contacts c "
	    "WHERE c.%s = ?)", phone ? "phone_index" : "idno_index");
	args[n++] = SV_S(idx);
	if ((rc = reg_scope_where(who, &w, args, &n, &keep, e)) < 0)
		goto out;
	buf_printf(&sql, "%s%s ORDER BY u.name_key, u.id LIMIT %d",
	    REG_SQL_UNIT, w.data, REGISTRY_PAGE_MAX);
	if ((rc = store_query(st, sql.data, args, n, &r, e)) < 0)
		goto out;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, reg_unit_list_row(r));
	if (rc < 0)
		goto out;
	/* A search by personal data is itself recorded (L-4). */
	if ((rc = audit_append(st, who, "unit.lookup", NULL, NULL, NULL,
	    e)) < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	for (i = 0; i < keep.n; i++)
		free(keep.s[i]);
	reg_person_clear(&p);
	json_decref(v);
	json_decref(a);
	store_rows_free(r);
	buf_free(&w);
	buf_free(&sql);
	return rc;
}
