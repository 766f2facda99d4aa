/*
 * Helpers the domain modules share for their records (rec.c): the date
 * in Asia/Shanghai, strict request bodies, rows as JSON objects and
 * business numbers people read.
 */
#ifndef FW_REC_H
#define FW_REC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

struct actor;
struct store;
struct store_rows;

#define REC_DATE_LEN	10
#define REC_PHOTOS_MAX	20

/* Today (YYYY-MM-DD) and this year in Asia/Shanghai, by clock_now(). */
void	rec_today(char out[REC_DATE_LEN + 1]);
int	rec_year(void);
/* Reject keys of in not among the NULL-terminated allowed
 * (ERR_UNKNOWN_FIELD naming the key); in NULL is allowed. */
int	rec_only(const json_t *in, const char *const *allowed, struct err *e);
/* Optional text in[key]: *out NULL when absent or null, else min..max
 * code points of clean UTF-8 (a new string). */
int	rec_opt_text(const json_t *in, const char *key, size_t min, size_t max,
	    char **out, struct err *e);
/* An optional list in[key] of at most REC_PHOTOS_MAX distinct file ids
 * into ids/n and a comma-separated string (new; "" for none). */
int	rec_photos(const json_t *in, const char *key, int64_t *ids, int *n,
	    char **csv, struct err *e);
/* Working days in[key] in 1..max; def when absent (def 0: required). */
int	rec_days(const json_t *in, const char *key, int def, int max,
	    int *days, struct err *e);
/* "1,2,3" as a JSON list of id strings. */
json_t	*rec_csv_ids(const char *s);
/* One row as an object: names[i] typed by types[i] — i id, n integer,
 * b boolean, p comma-separated ids, j JSON text, else text; NULL → null. */
json_t	*rec_row_obj(struct store_rows *r, const char *const *names,
	    const char *types);
/*
 * The next number of series for year, in the caller's transaction
 * (doc_counters), formatted by template: {year}, {seq} or {seq:0N}
 * zero-padded to N digits, other characters as they are.  *out is new.
 */
int	rec_next_no(struct store *st, const char *series, const char *tmpl,
	    int year, char **out, struct err *e);

/*
 * A page of a list: "SELECT COUNT(*) FROM <from><where>" into *total and
 * "SELECT <cols> FROM <from><where><order> LIMIT ? OFFSET ?" into *items
 * as objects (rec_row_obj with names and types).  args holds the n
 * arguments of where and room for two more.
 */
struct store_val;
int	rec_page(struct store *st, const char *cols, const char *from,
	    const char *where, const char *order, struct store_val *args,
	    int n, int64_t offset, int64_t limit, const char *const *names,
	    const char *types, json_t **items, int64_t *total, struct err *e);

/*
 * Data files (catalogues, rules) checked strictly: an object with only
 * the allowed keys; a string of 1..max bytes.  Errors name the place
 * (where) in the message.
 */
int	rec_data_keys(const json_t *o, const char *const *allowed,
	    const char *where, struct err *e);
const char *rec_data_str(const json_t *o, const char *key, size_t max,
	    const char *where, struct err *e);

/*
 * A strictly checked data file (rules, catalogues): path read as one JSON
 * value into *doc (duplicate keys refused; ERR_IO naming the line when
 * unreadable or not JSON), then parse(ctx, e).  A parse failure becomes
 * ERR_INVALID with path before its message.  On failure
 * *doc may hold the document: the caller frees it with its context.
 */
int	rec_data_load(const char *path, json_t **doc,
	    int (*parse)(void *ctx, struct err *e), void *ctx, struct err *e);

/*
 * Read dir/name, at most max bytes, as one JSON value (duplicate keys
 * refused) into *out: ERR_IO when unreadable, ERR_INVALID when too
 * large or not JSON (the file and line named); field names the module.
 */
int	rec_data_read(const char *dir, const char *name, size_t max,
	    const char *field, json_t **out, struct err *e);

/*
 * The files <prefix><part><suffix> of dir, sorted by name, into names
 * (at most max, new strings, *n of them): part is 1..part_max of
 * [A-Za-z0-9-] (a version or edition, what names it in errors).  ERR_IO
 * when dir cannot be read or holds none; ERR_INVALID for a malformed
 * part or more than max.  field names the module.
 */
int	rec_data_names(const char *dir, const char *prefix, const char *suffix,
	    const char *field, const char *what, size_t part_max, size_t max,
	    char **names, size_t *n, struct err *e);

/*
 * Dated editions of an operator's data file, <prefix><part><suffix> in a
 * directory (part its edition or version, what names it): loaded all
 * together, kept in order of their effective dates (a date once), and
 * swapped in whole; readers keep the set they loaded, since a replaced
 * set is only retired (freed by rec_dated_unload).  load reads dir/name
 * of the given part into *out; effective and part give an edition's
 * date and part; field names the module in errors.  Declare one per
 * kind, static, with lock = PTHREAD_MUTEX_INITIALIZER.
 */
#define REC_DATED_MAX	16
struct rec_dated_set {
	void			*ed[REC_DATED_MAX];	/* by effective date */
	int			 n;
	struct rec_dated_set	*retired;
};
struct rec_dated {
	const char		*prefix;
	const char		*suffix;
	const char		*field;
	const char		*what;
	size_t			 part_max;
	int			(*load)(const char *dir, const char *name,
				    const char *part, void **out,
				    struct err *e);
	const char		*(*effective)(const void *ed);
	const char		*(*part)(const void *ed);
	void			(*free)(void *ed);
	_Atomic(struct rec_dated_set *) cur;
	struct rec_dated_set	*retired;
	pthread_mutex_t		 lock;
};
int	rec_dated_load(struct rec_dated *d, const char *dir, struct err *e);
void	rec_dated_unload(struct rec_dated *d);
/* The current set, or NULL before a load. */
const struct rec_dated_set *rec_dated_current(struct rec_dated *d);

/*
 * A kind of record read one at a time by its id: sql selects its row for
 * one placeholder, the id ("SELECT … WHERE x.id = ?"); rec makes the
 * audited record of the row, view the API's view of it; type is its
 * audit object type and missing the ERR_NOT_FOUND message.
 */
struct rec_kind {
	const char	*sql;
	json_t		*(*rec)(struct store_rows *r);
	json_t		*(*view)(struct store_rows *r);
	const char	*type;
	const char	*missing;
};
/* The record (view 0) or view (1) of id into *out. */
int	rec_fetch(struct store *st, const struct rec_kind *k, int64_t id,
	    int view, json_t **out, struct err *e);
/* The record of the id given as text (the audit verifier's look-up). */
int	rec_fetch_text(struct store *st, const struct rec_kind *k,
	    const char *id, json_t **out, struct err *e);
/* The audit entry of action on id, with its record as it is now. */
int	rec_audit(struct store *st, const struct rec_kind *k, struct actor *who,
	    const char *action, int64_t id, struct err *e);

#endif
