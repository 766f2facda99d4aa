/*
 * What inspection_dir.c and inspection_dir_io.c share and nobody else
 * sees: the SELECTs of items and inspectors with their row readers, the
 * list filters (so that an export selects exactly what the list shows),
 * the item input check used by the API and the items file alike, and
 * calendar days in Asia/Shanghai.  The contracts of inspection_dir.h
 * hold.
 */
#ifndef FW_INSPECTION_DIR_INT_H
#define FW_INSPECTION_DIR_INT_H

#include "../core/buf.h"
#include "../store/store.h"
#include "inspection_dir.h"

#define INSD_DATE_LEN	10

#define INSD_ITEM_SELECT \
    "SELECT id, code, name, legal_basis, content, method, department, " \
    "categories, status, version, created_at, updated_at, created_by " \
    "FROM inspection_items "

#define INSD_INSPECTOR_SELECT \
    "SELECT i.id, i.user_id, i.name, i.department, i.cert_no, " \
    "i.cert_valid_until, i.areas, i.specialty, i.status, i.version, " \
    "i.created_at, i.updated_at, i.created_by, " \
    "(SELECT u.login FROM users u WHERE u.id = i.user_id), " \
    "(SELECT COUNT(*) FROM inspector_conflicts c WHERE " \
    "c.inspector_id = i.id AND c.status = 'active') FROM inspectors i "

/* An item from a row of INSD_ITEM_SELECT: the canonical record. */
json_t	*insd_item_row(struct store_rows *r);
/*
 * An inspector from a row of INSD_INSPECTOR_SELECT: the record, or with
 * view the API view (cert_valid against today, user_login,
 * conflicts_active).
 */
json_t	*insd_inspector_row(struct store_rows *r, int view,
	    const char *today);

/*
 * Check the keys of in against the item fields and apply them to rec
 * (the record before the change; on create a blank one from
 * insd_item_blank()): texts trimmed and bounded, code upper-cased and
 * checked (INS-001), department known, categories named in rank order
 * (INS-003).  Errors name the field; keys in extra (NULL-terminated, may
 * be NULL) are left to the caller.
 */
int	insd_item_apply(const json_t *in, json_t *rec, int create,
	    const char *const *extra, struct err *e);
json_t	*insd_item_blank(void);
/* The item with this code (ERR_NOT_FOUND if none), as its record. */
int	insd_item_by_code(struct store *st, const char *code, json_t **out,
	    struct err *e);
/* The category bits of a categories array of names (known names only). */
int	insd_cat_bits(const json_t *names);

/* A list's WHERE (with its arguments) and ORDER BY. */
struct insd_filter {
	struct store_val	 args[24];
	int			 n;
	char			*keep[12];
	int			 nkeep;
	struct buf		 where;
	struct buf		 order;
};

/*
 * Build the filter of an item list (public: active items only, status
 * ignored) or of an inspector list for who; ERR_INVALID naming the bad
 * parameter.  Free x with insd_filter_free() whatever the result.
 */
int	insd_item_filter(const struct inspection_item_query *q, int public,
	    struct insd_filter *x, struct err *e);
int	insd_inspector_filter(struct store *st, const struct actor *who,
	    const struct inspection_inspector_query *q, const char *today,
	    struct insd_filter *x, struct err *e);
void	insd_filter_free(struct insd_filter *x);

/* Today in Asia/Shanghai (UTC+8, no daylight saving) as YYYY-MM-DD. */
void	insd_today(char out[INSD_DATE_LEN + 1]);
/* The day n days after day (n may be negative) into out. */
void	insd_day_add(const char *day, int n, char out[INSD_DATE_LEN + 1]);
/* 1 if s is YYYY-MM-DD and a real day of the years lo..hi. */
int	insd_date_ok(const char *s, int lo, int hi);

#endif
