/*
 * Notices to a unit's own accounts (NOT-001..003): the platform tells a
 * unit that it was selected for a random inspection and what its check
 * found, with the deadlines it must meet.  A notice is written in the
 * transaction of the change it reports and audited with it; the unit's
 * accounts (jurisdiction unit:<id>, notice:read) list them and mark them
 * read.  docs/modules/notice.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/str.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "notice.h"
#include "registry_int.h"

#define NOTICE_COLS \
    "id, unit_id, kind, title, body, ref_type, ref_id, created_at, " \
    "read_at, read_by"

static json_t *
notice_row(struct store_rows *r)
{
	return json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:o}",
	    "id", jx_id(store_int(r, 0)),
	    "unit_id", jx_id(store_int(r, 1)),
	    "kind", store_text(r, 2),
	    "title", store_text(r, 3),
	    "body", store_text(r, 4),
	    "ref_type", store_text(r, 5),
	    "ref_id", jx_id(store_int(r, 6)),
	    "created_at", (json_int_t)store_int(r, 7),
	    "read_at", store_isnull(r, 8) ? json_null() :
	    json_integer(store_int(r, 8)),
	    "read_by", store_isnull(r, 9) ? json_null() :
	    json_string(store_text(r, 9)));
}

int
notice_record(struct store *st, const char *id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 nid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &nid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such notice");
	if ((rc = store_query(st, "SELECT " NOTICE_COLS " FROM notices WHERE "
	    "id = ?", STORE_ARGS(SV_I(nid)), &r, e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = notice_row(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such notice");
	return rc < 0 ? rc : 0;
}

static int
notice_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, json_t **view, struct err *e)
{
	json_t	*rec = NULL;
	char	 s[24];
	int	 rc;

	snprintf(s, sizeof(s), "%lld", (long long)id);
	if ((rc = notice_record(st, s, &rec, e)) < 0)
		return rc;
	rc = audit_append_id(st, who, action, "notice", id, rec, e);
	if (rc == 0 && view != NULL)
		*view = json_incref(rec);
	json_decref(rec);
	return rc;
}

int
notice_unit(struct store *st, struct actor *who, int64_t unit_id,
    const char *kind, const char *title, const char *body,
    const char *ref_type, int64_t ref_id, struct err *e)
{
	int64_t	id = id_next();
	int	rc;

	if ((rc = store_exec(st, "INSERT INTO notices (id, unit_id, kind, "
	    "title, body, ref_type, ref_id, created_at) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?)", STORE_ARGS(SV_I(id), SV_I(unit_id), SV_S(kind),
	    SV_S(title), SV_S(body), SV_S(ref_type), SV_I(ref_id),
	    SV_I(clock_now())), NULL, e)) < 0)
		return rc;
	return notice_audit(st, who, "notice.create", id, NULL, e);
}

/* NOT-002: a unit account reads its own unit's notices, nobody else's. */
static int
notice_unit_of(const struct actor *who, int64_t *unit, struct err *e)
{
	struct reg_scope	s;
	int			rc;

	if ((rc = reg_need(who, "notice:read", e)) < 0)
		return rc;
	reg_scope_of(who, &s);
	if (s.kind != RS_UNIT)
		return err_set(e, ERR_FORBIDDEN, NULL, "notices are read by the "
		    "unit's own accounts (NOT-002)");
	*unit = s.id;
	return 0;
}

int
notice_list(struct store *st, struct actor *who, int unread_only,
    int64_t offset, int64_t limit, json_t **items, int64_t *total,
    int64_t *unread, struct err *e)
{
	struct store_rows	*r = NULL;
	char			 sql[256];
	json_t			*a;
	int64_t			 unit;
	int			 rc;

	if ((rc = notice_unit_of(who, &unit, e)) < 0)
		return rc;
	if (limit < 1 || limit > 200 || offset < 0)
		return err_set(e, ERR_INVALID, "limit", "limit must be 1 to 200");
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM notices WHERE "
	    "unit_id = ? AND read_at IS NULL", STORE_ARGS(SV_I(unit)), unread,
	    e)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM notices WHERE "
	    "unit_id = ?%s", unread_only ? " AND read_at IS NULL" : "");
	if ((rc = store_query_int(st, sql, STORE_ARGS(SV_I(unit)), total,
	    e)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT " NOTICE_COLS " FROM notices WHERE "
	    "unit_id = ?%s ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
	    unread_only ? " AND read_at IS NULL" : "");
	if ((rc = store_query(st, sql, STORE_ARGS(SV_I(unit), SV_I(limit),
	    SV_I(offset)), &r, e)) < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, notice_row(r));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*items = a;
	return 0;
}

int
notice_read(struct store *st, struct actor *who, int64_t id, json_t **out,
    struct err *e)
{
	json_t	*rec = NULL;
	char	 s[24], by[24];
	int64_t	 unit, ch = 0;
	int	 rc;

	if ((rc = notice_unit_of(who, &unit, e)) < 0)
		return rc;
	snprintf(s, sizeof(s), "%lld", (long long)id);
	if ((rc = notice_record(st, s, &rec, e)) < 0)
		return rc;
	if (strtoll(json_string_value(json_object_get(rec, "unit_id")), NULL,
	    10) != unit) {
		json_decref(rec);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such notice");
	}
	/* NOT-003: read once; reading again changes nothing. */
	if (!json_is_null(json_object_get(rec, "read_at"))) {
		*out = rec;
		return notice_audit(st, who, "notice.read", id, NULL, e);
	}
	json_decref(rec);
	reg_actor_name(who, by);
	if ((rc = store_exec(st, "UPDATE notices SET read_at = ?, read_by = ? "
	    "WHERE id = ? AND read_at IS NULL", STORE_ARGS(SV_I(clock_now()),
	    SV_S(by), SV_I(id)), &ch, e)) < 0)
		return rc;
	return notice_audit(st, who, "notice.read", id, out, e);
}
