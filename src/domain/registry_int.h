/*
 * What the registry_*.c files share and nobody else sees: jurisdiction
 * scopes, text checks, the field-table engine used by buildings, places
 * and grids, and the loader of a unit's location.  Everything here
 * follows the contracts of registry.h.
 */
#ifndef FW_REGISTRY_INT_H
#define FW_REGISTRY_INT_H

#include <stddef.h>

#include "../core/buf.h"
#include "../store/store.h"
#include "registry.h"

#define REG_TOWN_LEN	9
#define REG_KEY_BYTES	24		/* bytes of the folded name in name_key */
#define REG_KEY_HEX	(2 * REG_KEY_BYTES + 1)

/* Where who may look (Z-2, Z-3, REG-010). */
enum reg_scope_kind { RS_NONE, RS_ALL, RS_TOWN, RS_GRID, RS_UNIT };

struct reg_scope {
	enum reg_scope_kind	 kind;
	char			 town[REG_TOWN_LEN + 1];	/* RS_TOWN */
	int64_t			 id;			/* RS_GRID, RS_UNIT */
};

void	reg_scope_of(const struct actor *who, struct reg_scope *s);
/* 1 if a record of this town, grid (0 = none) and unit (0 = not a unit
 * record) is within s. */
int	reg_scope_sees(const struct reg_scope *s, const char *town,
	    int64_t grid, int64_t unit);
/* ERR_FORBIDDEN naming perm unless who holds it. */
int	reg_need(const struct actor *who, const char *perm, struct err *e);
/* The actor as audit entries name it (created_by). */
void	reg_actor_name(const struct actor *who, char out[24]);

/*
 * A text value of a JSON body: a string (else ERR_TYPE), valid UTF-8
 * without control characters (ERR_INVALID), with surrounding white space
 * trimmed, min..max code points (ERR_RANGE).  *out is a new string.
 */
#define REG_DATE_LEN	10
/*
 * A registration date (REG-032) into out as YYYY-MM-DD: a real day from
 * 1949 up to today in Asia/Shanghai.  The API takes YYYY-MM-DD only;
 * lenient (imports) also takes YYYY/M/D, YYYY.M.D, YYYYMMDD and
 * YYYY年M月D日.  ERR_INVALID naming field.
 */
int	reg_date_parse(const char *s, int lenient, const char *field,
	    char out[REG_DATE_LEN + 1], struct err *e);
int	reg_text(const json_t *v, const char *field, size_t min, size_t max,
	    char **out, struct err *e);
/* 1 if s is one of the NULL-terminated choices. */
int	reg_choice(const char *const *choices, const char *s);
/* 1 if s is exactly REG_TOWN_LEN digits. */
int	reg_town_syntax(const char *s);
/* ERR_INVALID (field) unless town is a known town (REG-001). */
int	reg_town_exists(struct store *st, const char *town, const char *field,
	    struct err *e);
/* An id from a JSON string of digits (ERR_TYPE naming field). */
int	reg_json_id(const json_t *v, const char *field, int64_t *out,
	    struct err *e);
/* hex of the first REG_KEY_BYTES bytes of s with A-Z folded, cut at a
 * code point (REG-022). */
void	reg_name_key(const char *s, char out[REG_KEY_HEX]);
/* ASCII lower-case copy of s. */
char	*reg_fold(const char *s);
/* '%' + s with % _ \ escaped + '%' (or without the leading '%' when
 * prefix_only), for LIKE ... ESCAPE '\'. */
char	*reg_like(const char *s, int prefix_only);

/*
 * The field-table engine (STYLE.md: describe fields once).  A table
 * lists the plain columns of a record in the order its SQL uses them;
 * JSON key = column name.
 */
enum reg_ftype { RF_TEXT, RF_INT, RF_BOOL, RF_ID };

struct reg_field {
	const char		*key;
	enum reg_ftype		 type;
	int			 required;	/* on create; never null */
	int64_t			 min, max;	/* text: code points; int */
	const char *const	*choices;	/* text enumerations */
	const char		*rule;		/* cited in range errors */
};

/*
 * Check the keys of in against fields and apply them to rec (the record
 * before the change; on create, reg_fields_defaults()).  Keys in extra
 * (NULL-terminated, may be NULL) are left to the caller.  Unknown key:
 * ERR_UNKNOWN_FIELD; JSON null on a required, integer or boolean field:
 * ERR_TYPE; otherwise the errors of reg_text and ERR_RANGE for numbers.
 * On create, a required field missing from in is ERR_MISSING.
 */
int	reg_fields_apply(const struct reg_field *fields, const json_t *in,
	    json_t *rec, int create, const char *const *extra, struct err *e);
/* A record with every field at its default (null, 0, false). */
json_t	*reg_fields_defaults(const struct reg_field *fields);
/* Append the values of rec in table order to args (pointers into rec). */
void	reg_fields_bind(const struct reg_field *fields, const json_t *rec,
	    struct store_val *args, int *nargs);
/* Read the columns from col on, in table order, into rec. */
void	reg_fields_read(const struct reg_field *fields, struct store_rows *r,
	    int col, json_t *rec);
/* Number of fields in a table. */
int	reg_fields_count(const struct reg_field *fields);

/* Location of a unit (for the jurisdiction of its parts). */
struct reg_unit_loc {
	int64_t	 id;
	char	 town[REG_TOWN_LEN + 1];
	int64_t	 grid;
	char	 status[12];
};
/* The unit if who may see it (else ERR_NOT_FOUND). */
int	reg_unit_loc(struct store *st, const struct actor *who, int64_t id,
	    struct reg_unit_loc *out, struct err *e);

/*
 * A unit just created with the defaults of a plain INSERT (no grid, no
 * categories, active, version 1, created_at = updated_at = at) and at
 * most a legal representative's sealed name.  reg_unit_record_created()
 * gives its canonical audit record as text, byte for byte
 * jx_canonical() of what registry_unit_record() would read back, without
 * reading it (imports).  Strings must be valid UTF-8; the result is the
 * caller's.
 */
struct reg_unit_new {
	int64_t		 id;
	const char	*name, *uscc, *address, *town, *industry;
	const char	*created_by;
	const char	*registered_address, *registered_on;	/* or NULL */
	const char	*legal_sealed;				/* or NULL */
	int64_t		 at;
};
char	*reg_unit_record_created(const struct reg_unit_new *n);

/* Strings a query holds while it runs. */
struct reg_qstr {
	char	*s[12];
	int	 n;
};

/*
 * The WHERE clause (scope, REG-010; filters, REG-012, REG-021, REG-022),
 * its arguments and the ORDER BY of a unit list, shared by the list and
 * the export so that both select exactly the same units.  The argument
 * array keeps room for the caller's paging.
 */
struct reg_unit_filter {
	struct store_val	 args[24];
	int			 n;
	struct reg_qstr		 keep;
	struct buf		 where;
	struct buf		 order;
};

/* Fill x from q for who; ERR_INVALID names the bad filter.  Free x with
 * reg_unit_filter_free() whatever the result. */
int	reg_unit_filter_build(struct store *st, const struct actor *who,
	    const struct registry_unit_query *q, struct reg_unit_filter *x,
	    struct err *e);
void	reg_unit_filter_free(struct reg_unit_filter *x);

#endif
