/*
 * Notices to a unit's own accounts (NOT-001..003; docs/modules/notice.md).
 */
#ifndef FW_NOTICE_H
#define FW_NOTICE_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"

struct store;
struct actor;

/*
 * NOT-001: a notice to unit_id about the record ref_type/ref_id, in the
 * caller's transaction, audited as notice.create by who.
 */
int	notice_unit(struct store *st, struct actor *who, int64_t unit_id,
	    const char *kind, const char *title, const char *body,
	    const char *ref_type, int64_t ref_id, struct err *e);
/*
 * NOT-002: the notices of who's own unit (a unit account with
 * notice:read; others ERR_FORBIDDEN), newest first; *unread counts the
 * unread ones whatever the filter.
 */
int	notice_list(struct store *st, struct actor *who, int unread_only,
	    int64_t offset, int64_t limit, json_t **items, int64_t *total,
	    int64_t *unread, struct err *e);
/* NOT-003: mark one of who's unit's notices read (once), audited. */
int	notice_read(struct store *st, struct actor *who, int64_t id,
	    json_t **out, struct err *e);
/* The canonical record for audit verify --deep. */
int	notice_record(struct store *st, const char *id, json_t **out,
	    struct err *e);

#endif
