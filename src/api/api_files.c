/*
 * Upload and download of files (docs/modules/files.md, SECURITY.md I-5).
 * The upload is a raw body (ROUTE_RAW): the router admits the three media
 * types up to the largest cap; the handler checks that the bytes are what
 * the header says and hands them to domain/files.  Downloads carry the
 * sniffed type, a disposition that never lets a browser render anything
 * but an image inline, a CSP that lets nothing run, and the SM3 as ETag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../domain/files.h"
#include "api.h"

/* Served with downloads instead of the console's policy (FILE-012). */
#define API_FILES_CSP	"default-src 'none'; frame-ancestors 'none'"

static const char *const api_files_media[] = {
	"image/jpeg", "image/png", "application/pdf", NULL,
};

static const struct field api_files_f_upload[] = {
	{ "body", F_RAW, 1, 1, FILES_BODY_MAX, api_files_media },
	{ NULL, 0, 0, 0, 0, NULL },
};

/* POST /files?purpose=: 201 with the file's metadata. */
static int
api_files_upload(struct req *r, struct resp *w)
{
	struct files_info	 info;
	enum files_kind		 said;
	json_t			*view = NULL;
	int64_t			 id;
	int			 rc;

	if ((rc = files_sniff(r->body, r->body_len, &info, &r->err)) < 0)
		return rc;
	/* FILE-001: the header must say what the bytes are. */
	said = files_kind_of_media(req_header(r, "Content-Type"));
	if (said != info.kind)
		return err_set(&r->err, ERR_MEDIA_TYPE, "Content-Type",
		    "Content-Type says %s but the file is %s (FILE-001)",
		    files_kind_media(said), files_kind_media(info.kind));
	if ((rc = files_put(r->st, r->who, req_query(r, "purpose"), r->body,
	    r->body_len, &id, &view, &r->err)) < 0)
		return rc;
	return resp_created(w, view);
}

static int
api_files_get(struct req *r, struct resp *w)
{
	json_t	*view = NULL;
	int64_t	 id;
	int	 rc;

	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = files_get_meta(r->st, r->who, id, &view, &r->err)) < 0)
		return rc;
	resp_etag(w, json_integer_value(json_object_get(view, "version")));
	return resp_data(w, view);
}

/* 1 if an If-None-Match list holds etag (weak comparison) or is "*". */
static int
api_files_none_match(const char *inm, const char *etag)
{
	const char	*p = inm, *end;
	size_t		 n, k = strlen(etag);

	while (p != NULL && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if ((n == 1 && *p == '*') || (n == k && strncmp(p, etag, k) == 0))
			return 1;
		p = end;
	}
	return 0;
}

/* The headers of a download (FILE-012), set only when it is answered. */
static void
api_files_headers(struct resp *w, int64_t id, const char *kind, int display,
    char *etag)
{
	free(w->etag);
	w->etag = etag;
	/* Shown inline only as an image, never as a page. */
	free(w->attachment);
	w->attachment = xasprintf("%lld%s.%s", (long long)id, display ? "" :
	    "-original", strcmp(kind, "jpeg") == 0 ? "jpg" : kind);
	w->inline_file = strcmp(kind, "pdf") != 0;
	w->csp = API_FILES_CSP;
}

/*
 * GET /files/{id}/content[?original=1]: the display copy, or the
 * original with files:original.  304 when If-None-Match names it.
 */
static int
api_files_content(struct req *r, struct resp *w)
{
	const char	*orig = req_query(r, "original"), *inm, *kind;
	const char	*ctype = NULL;
	unsigned char	*bytes = NULL;
	json_t		*meta = NULL;
	char		*etag = NULL;
	size_t		 len = 0;
	int64_t		 id;
	int		 display, rc;

	if (orig != NULL && strcmp(orig, "0") != 0 && strcmp(orig, "1") != 0)
		return err_set(&r->err, ERR_INVALID, "original", "original "
		    "must be 0 or 1");
	display = orig == NULL || strcmp(orig, "0") == 0;
	if ((rc = req_param_id(r, "id", &id, &r->err)) < 0 ||
	    (rc = files_get_meta(r->st, r->who, id, &meta, &r->err)) < 0)
		goto out;
	kind = json_string_value(json_object_get(meta, "kind"));
	etag = xasprintf("\"%s\"", json_string_value(json_object_get(meta,
	    display ? "display_sm3" : "sm3")));
	/* The client has these bytes: no need to send them, but only
	 * when it may have them (the domain decides the rest). */
	inm = req_header(r, "If-None-Match");
	if (inm != NULL && api_files_none_match(inm, etag) &&
	    (display || actor_can(r->who, "files:original"))) {
		rc = resp_raw(w, 304, files_kind_media(files_kind_of_name(kind)),
		    xstrdup(""), 0);
		api_files_headers(w, id, kind, display, etag);
		etag = NULL;
		goto out;
	}
	if ((rc = files_open(r->st, r->who, id, display, &bytes, &len, &ctype,
	    &r->err)) < 0)
		goto out;
	rc = resp_raw(w, 200, ctype, (char *)bytes, len);
	api_files_headers(w, id, kind, display, etag);
	etag = NULL;
out:
	free(etag);
	json_decref(meta);
	return rc;
}

const struct route api_files_routes[] = {
	{ "POST", "/api/v1/files", "files:write", ROUTE_WRITE | ROUTE_RAW,
	    api_files_upload, "Upload a photo, signature or document "
	    "(?purpose=photo|signature|document; the file itself as "
	    "image/jpeg, image/png or application/pdf)", api_files_f_upload },
	{ "GET", "/api/v1/files/{id}", "login", 0, api_files_get,
	    "Metadata of a file (its uploader, or who may read its record)",
	    NULL },
	{ "GET", "/api/v1/files/{id}/content", "login", 0, api_files_content,
	    "The file: the display copy without metadata, or with ?original=1 "
	    "the original (files:original; audited)", NULL },
	ROUTE_END
};
