/*
 * Notices of one's own unit: list (unread first counted) and mark read.
 * The rules (NOT-001..003) are domain/notice.c's.
 */
#include <string.h>

#include "../domain/notice.h"
#include "api.h"
#include "api_shape.h"

static int
api_notice_list(struct req *r, struct resp *w)
{
	json_t		*items = NULL;
	const char	*u = req_query(r, "unread");
	int64_t		 offset, limit, total = 0, unread = 0;
	int		 rc;

	if ((rc = req_page(r, &offset, &limit, &r->err)) < 0)
		return rc;
	if ((rc = notice_list(r->st, r->who, u != NULL && (strcmp(u, "1") == 0 ||
	    strcmp(u, "true") == 0), offset, limit, &items, &total, &unread,
	    &r->err)) < 0)
		return rc;
	rc = resp_list(w, items, offset, limit, total);
	json_object_set_new(json_object_get(w->body, "page"), "unread",
	    json_integer(unread));
	return rc;
}

static int
api_notice_read(struct req *r, struct resp *w)
{
	return api_by_id(r, w, notice_read);
}

const struct route api_notice_routes[] = {
	{ "GET", "/api/v1/notices", "notice:read", 0, api_notice_list,
	    "Notices of one's own unit (?unread=1)", NULL },
	{ "POST", "/api/v1/notices/{id}/read", "notice:read", ROUTE_WRITE,
	    api_notice_read, "Mark a notice read", NULL },
	ROUTE_END
};
