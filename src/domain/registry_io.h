/*
 * The registry's bulk and rule-driven parts, on top of registry.h:
 * key-unit classification from the thresholds of the national and
 * Guangdong standards kept as data (registry_class.c), CSV imports of the
 * units market supervision hands over (registry_import.c), CSV and Excel
 * exports of any unit list (registry_export.c) and the demo city
 * (registry_seed.c).  Rule IDs REG-023 and after: docs/modules/registry.md.
 * The conventions of registry.h hold: errors name the field, reads need
 * registry:read, changes registry:write, every change is audited in the
 * same transaction, and a unit outside the caller's jurisdiction is
 * ERR_NOT_FOUND.
 */
#ifndef FW_REGISTRY_IO_H
#define FW_REGISTRY_IO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/csvread.h"
#include "../store/store.h"
#include "actor.h"
#include "registry.h"

/* Key-unit classification (registry_class.c). */

#define REGISTRY_RULES_DEFAULT	"data/rules/key-units.json"
#define REGISTRY_RULES_MAX	(1 << 20)	/* bytes of the rules file */
#define REGISTRY_NOTE_MAX	200

/*
 * Load the key-unit rules (REG-023) from path (REGISTRY_RULES_DEFAULT when
 * NULL), replacing any loaded before: format firewarden-key-units-v1, every
 * rule with an id, a known edition, a category that is a registry
 * category, and a match over known place kinds, building uses and fields.
 * Call before serving (the rules are read without locks).  ERR_IO when
 * the file cannot be read, ERR_INVALID naming the rule otherwise; the
 * rules loaded before stay then.
 */
int	registry_class_load(const char *path, struct err *e);
/* Forget the loaded rules (tests, leak checks). */
void	registry_class_unload(void);
/* {version, sm3, apply, editions, rules} as loaded; ERR_UNAVAILABLE if
 * none are. */
int	registry_class_rules(json_t **out, struct err *e);
/*
 * What the rules propose for a visible unit from its active places and
 * buildings (REG-023): {unit_id, unit_version, rules_version, rules_sm3,
 * classifiable (the categories the rules decide), current (the unit's
 * categories among them), proposed, matched: [{rule_id, edition,
 * category, status, title, source, evidence}], to_check: [same + judge],
 * decision (the latest confirmed classification or null)}.
 * ERR_UNAVAILABLE when no rules are loaded.
 */
int	registry_class_propose(struct store *st, struct actor *who,
	    int64_t unit_id, json_t **out, struct err *e);
/*
 * An officer's decision (REG-024) on a visible, writable unit, in the
 * caller's transaction.  Input keys: categories (the classifiable
 * categories the unit holds from now on; its other categories are kept),
 * rule_ids (the rules relied on: each a loaded rule, each confirmed
 * category backed by one of its own), note (required, 4-200 characters,
 * when the decision departs from the proposal).  expected is the unit's
 * version (ERR_STALE otherwise).  The unit's categories change with a
 * "unit.update" entry when they differ; the decision is stored with the
 * rule ids, the rules' version and SM3 and appended as "unit.classify"
 * for object classification/<id>.  *out is the decision record.
 */
int	registry_class_confirm(struct store *st, struct actor *who,
	    int64_t unit_id, int64_t expected, const json_t *in, json_t **out,
	    struct err *e);
/* The canonical record of a decision, for `audit verify --deep`. */
int	registry_class_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

/* CSV import (registry_import.c). */

#define REGISTRY_IMPORT_ROWS_HTTP	50000		/* data rows a request */
#define REGISTRY_IMPORT_ROWS_CLI	10000000	/* data rows a run */
#define REGISTRY_IMPORT_ERRORS		1000		/* rejections reported */
#define REGISTRY_IMPORT_BATCH		5000		/* rows a look-up flush */
/* Rows a transaction of `firewarden import units`: every commit also
 * writes back the index pages the rows touched (WAL frames and a
 * checkpoint), so fewer, larger ones write each page fewer times. */
#define REGISTRY_IMPORT_TX_ROWS		250000

enum registry_import_mode {
	REGISTRY_IMPORT_DRY_RUN,
	REGISTRY_IMPORT_COMMIT,
};

struct registry_import_opts {
	enum registry_import_mode	 mode;
	const char			*via;		/* "http" or "cli" */
	int64_t				 max_rows;	/* 0: ..._ROWS_HTTP */
	/* 0: everything in the caller's open transaction (looked up and
	 * written REGISTRY_IMPORT_BATCH rows at a time).  > 0: no
	 * transaction may be open; rows are committed every batch rows in
	 * transactions of their own (and on SQLite the connection gets a
	 * 512 MB page cache meanwhile); rows are then read and checked on
	 * a thread of their own while the previous ones are written. */
	int				 batch;
	enum csvread_enc		 encoding;	/* CSVREAD_DETECT or forced */
	size_t				 max_errors;	/* 0: ..._ERRORS */
	/* Called for every rejected row as it is found (may be NULL). */
	void				(*on_reject)(void *ctx, int64_t row,
					    const char *field,
					    const char *reason);
	void				*ctx;
};

/*
 * Import units from CSV text p[0..n-1] (REG-025..REG-028): a header naming
 * the columns (English keys or the usual Chinese titles, any order; other
 * columns are ignored and listed), then one unit a row, matched by USCC:
 * a new USCC creates a unit ("unit.create"), a known one updates the
 * fields the file gives when they differ ("unit.update") or leaves it
 * unchanged.  A row that breaks a rule is rejected with its row number,
 * field and reason, and the other rows go on; the same USCC twice in a
 * file is rejected from its second row.  A dry run checks everything and
 * changes nothing.  Either way the import itself is recorded in
 * unit_imports and appended as "unit.import" for object import/<id>.
 * Needs registry:write and a city or town jurisdiction (ERR_FORBIDDEN).
 * Whole-file problems: ERR_INVALID (field "header", "encoding" or
 * "file"), ERR_RANGE (field "rows") past max_rows.  *report: {import_id,
 * mode, encoding, rows, created, updated, unchanged, rejected, changed,
 * summary, ignored_columns, errors: [{row, field, reason}],
 * errors_truncated, warnings}.
 */
int	registry_import_units(struct store *st, struct actor *who,
	    const char *p, size_t n, const struct registry_import_opts *o,
	    json_t **report, struct err *e);
/* The canonical record of an import, for `audit verify --deep`. */
int	registry_import_record(struct store *st, const char *id,
	    json_t **out, struct err *e);

/* Export (registry_export.c). */

#define REGISTRY_EXPORT_MAX	200000		/* rows of one export */
/* The cap in force: REGISTRY_EXPORT_MAX unless a test lowers it. */
extern int64_t	registry_export_max;

/*
 * The units visible to who that match q (as registry_unit_list filters
 * and sorts them; offset and limit are ignored) as a file (REG-029):
 * format "csv" (UTF-8 with a byte-order mark, CRLF, Chinese headers) or
 * "xlsx" (Chinese headers, fixed widths, frozen header row).  Personal
 * data masked (P-2).  ERR_POLICY when more than registry_export_max units
 * match.  The export is recorded in unit_exports with its filter and
 * appended as "unit.export" for object export/<id> in a transaction of
 * its own (or the caller's, when one is open).  *data (free()) and *len
 * are the file, *rows the units in it.
 */
int	registry_export_units(struct store *st, struct actor *who,
	    const struct registry_unit_query *q, const char *format,
	    char **data, size_t *len, int64_t *rows, struct err *e);
/* The canonical record of an export, for `audit verify --deep`. */
int	registry_export_record(struct store *st, const char *id,
	    json_t **out, struct err *e);
/* The media type of an export format ("csv" or "xlsx"). */
const char *registry_export_ctype(const char *format);

/* The demo city (registry_seed.c). */

#define REGISTRY_SEED_UNITS	20000		/* default */
#define REGISTRY_SEED_UNITS_MAX	5000000
#define REGISTRY_SEED_WORDS	"data/demo"

struct registry_seed_opts {
	int64_t		 units;		/* 1..REGISTRY_SEED_UNITS_MAX */
	uint64_t	 seed;
	int		 if_empty;	/* 1: do nothing when units exist */
	const char	*words;		/* word lists; NULL: ..._WORDS */
};

/*
 * Fill an empty registry with a plausible, deterministic demo city
 * (REG-030): units spread over the towns by census population,
 * categories in realistic proportions, valid USCCs of Dongguan, names and
 * addresses from the word lists, buildings and places consistent with
 * the categories, personal data sealed (P-1), a few grids a town.  The
 * same seed gives the same content (ids and times aside), whose SM3
 * digest is recorded in demo_seeds and appended as "registry.seed_demo"
 * for object seed/<id>: one entry for the whole set, in the same single
 * transaction (no transaction may be open).  ERR_POLICY when units exist
 * (unless if_empty, which then reports seeded: false), ERR_IO or
 * ERR_INVALID for missing or bad word lists.  *report: {seeded, seed,
 * units, grids, buildings, places, people, digest, seed_id}.
 */
int	registry_seed_demo(struct store *st, struct actor *who,
	    const struct registry_seed_opts *o, json_t **report,
	    struct err *e);
/* The canonical record of a seed run, for `audit verify --deep`. */
int	registry_seed_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

#endif
