/*
 * The uploaded-files store (files.h): blobs named by their SM3 under the
 * blob directory, written atomically and once per content, and the rows
 * of the files table that say what they are and which record claimed
 * them.  Who may read a file is the uploader's business until a record
 * claims it, then that record's module's (the owner table of
 * files_configure()).  The parsers are in files_sniff.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "../core/clock.h"
#include "../core/fdio.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "../crypto/crypto.h"
#include "audit.h"
#include "files.h"

#define FILES_HEX		(2 * CRYPTO_SM3_LEN + 1)
#define FILES_BATCH		200	/* rows per sweep query */
#define FILES_ATTACH_MAX	1000	/* ids in one files_attach() */
#define FILES_OWNER_TYPE_MAX	32

static char			*files_dir_path;
static const struct files_owner	*files_owners;

/* One purpose: its name and size cap (FILE-004), and whether a PDF fits. */
static const struct {
	const char	*name;
	size_t		 max;
	int		 pdf_ok;
} files_purposes[] = {
	{ "photo", FILES_PHOTO_MAX, 0 },
	{ "signature", FILES_SIGNATURE_MAX, 0 },
	{ "document", FILES_DOCUMENT_MAX, 1 },
};

/* A row of FILES_SEL. */
struct files_row {
	int64_t		 id;
	char		 sm3[FILES_HEX];
	char		 display_sm3[FILES_HEX];
	enum files_kind	 kind;
	char		 purpose[16];
	char		 uploaded_by[24];
	char		 owner_type[FILES_OWNER_TYPE_MAX + 1];
	int64_t		 owner_id;
	char		 status[16];
	int		 purged;
};

#define FILES_SEL \
    "SELECT id, sm3, kind, bytes, width, height, display_sm3, " \
    "display_bytes, purpose, uploaded_by, uploaded_at, owner_type, " \
    "owner_id, attached_at, status, purged_at, version FROM files "

static const char files_sql_get[] = FILES_SEL "WHERE id = ?";
static const char files_sql_ins[] =
    "INSERT INTO files (id, sm3, kind, bytes, width, height, display_sm3, "
    "display_bytes, purpose, uploaded_by, uploaded_at, status, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1)";
static const char files_sql_pending_of[] =
    "SELECT COUNT(*) FROM files WHERE uploaded_by = ? AND status = 'pending'";
static const char files_sql_attach[] =
    "UPDATE files SET status = 'attached', owner_type = ?, owner_id = ?, "
    "attached_at = ?, version = version + 1 WHERE id = ? AND "
    "status = 'pending'";
static const char files_sql_stale[] =
    "SELECT id FROM files WHERE status = 'pending' AND uploaded_at < ? "
    "ORDER BY uploaded_at, id LIMIT ?";
static const char files_sql_orphan[] =
    "UPDATE files SET status = 'orphaned', version = version + 1 "
    "WHERE id = ? AND status = 'pending'";
static const char files_sql_unpurged[] =
    "SELECT id, sm3, display_sm3 FROM files WHERE status = 'orphaned' AND "
    "purged_at IS NULL AND id > ? ORDER BY id LIMIT ?";
static const char files_sql_live[] =
    "SELECT COUNT(*) FROM files WHERE (sm3 = ? OR display_sm3 = ?) AND "
    "status IN ('pending', 'attached')";
static const char files_sql_named[] =
    "SELECT COUNT(*) FROM files WHERE (sm3 = ? OR display_sm3 = ?) AND "
    "purged_at IS NULL";
static const char files_sql_purge[] =
    "UPDATE files SET purged_at = ?, version = version + 1 WHERE id = ? "
    "AND status = 'orphaned' AND purged_at IS NULL";

/* ---- configuration ---- */

/* mkdir that accepts an existing directory; 1 if it made one. */
static int
files_mkdir(const char *path)
{
	if (mkdir(path, 0750) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

/* fsync a directory, so that an entry made in it survives a crash. */
static int
files_sync_dir(const char *path)
{
	int	fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* mkdir -p of a relative or absolute path. */
static int
files_mkdirs(const char *path)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (files_mkdir(p) < 0)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && files_mkdir(p) < 0)
		rc = -1;
	free(p);
	return rc;
}

int
files_configure(const char *dir, const char *web_root,
    const struct files_owner *owners, struct err *e)
{
	char	*tmp, real[PATH_MAX], web[PATH_MAX];
	size_t	 n;
	int	 rc = 0;

	if (dir == NULL || *dir == '\0')
		dir = FILES_DIR_DEFAULT;
	tmp = xasprintf("%s/tmp", dir);
	if (files_mkdirs(tmp) < 0 || realpath(dir, real) == NULL) {
		rc = err_set(e, ERR_IO, "blobs", "cannot create the blob "
		    "directory %s: %s", dir, strerror(errno));
		goto out;
	}
	/* I-5: blobs are never reachable as static files. */
	if (web_root != NULL && realpath(web_root, web) != NULL) {
		n = strlen(web);
		if (strncmp(real, web, n) == 0 && (real[n] == '/' ||
		    real[n] == '\0' || strcmp(web, "/") == 0)) {
			rc = err_set(e, ERR_INVALID, "blobs", "the blob "
			    "directory %s is inside the web root %s (I-5)",
			    dir, web_root);
			goto out;
		}
	}
	free(files_dir_path);
	files_dir_path = xstrdup(dir);
	files_owners = owners;
out:
	free(tmp);
	return rc;
}

const char *
files_dir(void)
{
	return files_dir_path ? files_dir_path : FILES_DIR_DEFAULT;
}

char *
files_blob_path(const char *sm3)
{
	return xasprintf("%s/%.2s/%.2s/%s", files_dir(), sm3, sm3 + 2, sm3);
}

/* ---- blobs ---- */

static int
files_io_err(struct err *e, const char *what, const char *path)
{
	return err_set(e, ERR_IO, NULL, "%s %s: %s", what, path,
	    strerror(errno));
}

/* Read a blob whole and check it against its name (FILE-005). */
static int
files_blob_read(const char *sm3, unsigned char **out, size_t *len,
    struct err *e)
{
	struct stat	 sb;
	unsigned char	*b = NULL;
	char		*path = files_blob_path(sm3), hex[FILES_HEX];
	ssize_t		 r;
	size_t		 n = 0;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = errno == ENOENT ? err_set(e, ERR_NOT_FOUND, NULL, "the "
		    "file's content is gone") : files_io_err(e, "cannot open",
		    path);
		goto out;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > FILES_BODY_MAX) {
		rc = err_set(e, ERR_IO, NULL, "%s is not a blob", path);
		goto out;
	}
	b = xmalloc((size_t)sb.st_size + 1);
	while (n < (size_t)sb.st_size) {
		if ((r = read(fd, b + n, (size_t)sb.st_size - n)) < 0) {
			if (errno == EINTR)
				continue;
			rc = files_io_err(e, "cannot read", path);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	crypto_sm3_hex(b, n, hex);
	if (strcmp(hex, sm3) != 0) {
		rc = err_set(e, ERR_IO, NULL, "%s does not match its SM3 "
		    "(FILE-005)", path);
		goto out;
	}
	*out = b;
	*len = n;
	b = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(b);
	free(path);
	return rc;
}

/*
 * Write a blob unless it is there (FILE-005): a temporary file in tmp/,
 * fsync, rename into ab/cd/, fsync of the directory.  A reader sees the
 * whole content or nothing; the same content is stored once.  A blob
 * already there gets its time set to now, which keeps the sweep off it
 * until this upload's row is committed (FILE-010).
 */
static int
files_blob_put(const char *sm3, const void *p, size_t n, struct err *e)
{
	struct err	 olde;
	unsigned char	*old = NULL;
	char		*path = files_blob_path(sm3), *d1 = NULL, *d2 = NULL;
	char		*tmp = NULL, *rnd = NULL;
	size_t		 oldn = 0;
	int		 fd = -1, made, rc = 0;

	/* Reused only when it still holds what its name says. */
	if (utimensat(AT_FDCWD, path, NULL, 0) == 0 &&
	    files_blob_read(sm3, &old, &oldn, &olde) == 0 && oldn == n)
		goto out;
	d1 = xasprintf("%s/%.2s", files_dir(), sm3);
	d2 = xasprintf("%s/%.2s/%.2s", files_dir(), sm3, sm3 + 2);
	rnd = crypto_random_hex(12);
	tmp = xasprintf("%s/tmp/%s.tmp", files_dir(), rnd);
	if ((made = files_mkdir(d1)) < 0 || (made && files_sync_dir(
	    files_dir()) < 0)) {
		rc = files_io_err(e, "cannot create", d1);
		goto out;
	}
	if ((made = files_mkdir(d2)) < 0 || (made && files_sync_dir(d1) < 0)) {
		rc = files_io_err(e, "cannot create", d2);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = files_io_err(e, "cannot create", tmp);
		goto out;
	}
	if (fd_write_all(fd, p, n) < 0) {
		rc = files_io_err(e, "cannot write", tmp);
		goto out;
	}
	if (fsync(fd) < 0) {
		rc = files_io_err(e, "cannot fsync", tmp);
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path) < 0) {
		rc = files_io_err(e, "cannot rename into", path);
		goto out;
	}
	if (files_sync_dir(d2) < 0) {
		rc = files_io_err(e, "cannot fsync", d2);
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0 && tmp != NULL)
		unlink(tmp);
	free(old);
	free(path);
	free(d1);
	free(d2);
	free(tmp);
	free(rnd);
	return rc;
}

/*
 * Remove a blob unless it was written or reused within the grace period
 * (FILE-010): moved aside first, so that an upload that reuses it from
 * now on finds it absent and writes it again, then its time is looked at
 * (an upload that reused it before the move has set it to now) and it is
 * put back or deleted.  1 kept, 0 removed or absent, or ERR_IO.
 */
static int
files_blob_remove(const char *sm3, struct err *e)
{
	struct stat	 sb;
	char		*path = files_blob_path(sm3), *gone;
	int		 rc = 0;

	gone = xasprintf("%s/tmp/%s.gone", files_dir(), sm3);
	if (rename(path, gone) < 0) {
		if (errno != ENOENT)
			rc = files_io_err(e, "cannot move", path);
		goto out;
	}
	if (stat(gone, &sb) < 0) {
		rc = files_io_err(e, "cannot stat", gone);
		goto out;
	}
	if ((int64_t)sb.st_mtime > clock_now() - FILES_BLOB_GRACE_S) {
		if (rename(gone, path) < 0)
			rc = files_io_err(e, "cannot put back", path);
		else
			rc = 1;
		goto out;
	}
	if (unlink(gone) < 0)
		rc = files_io_err(e, "cannot delete", gone);
out:
	free(path);
	free(gone);
	return rc;
}

/* ---- rows ---- */

static json_t *
files_int_or_null(struct store_rows *r, int col)
{
	return store_isnull(r, col) ? json_null() :
	    json_integer(store_int(r, col));
}

/* The record of a FILES_SEL row: the canonical record and the API view. */
static json_t *
files_row_json(struct store_rows *r)
{
	return json_pack("{s:o, s:s, s:s, s:I, s:o, s:o, s:s, s:I, s:s, s:s, "
	    "s:I, s:o, s:o, s:o, s:s, s:o, s:I}",
	    "id", jx_id(store_int(r, 0)),
	    "sm3", store_text(r, 1),
	    "kind", store_text(r, 2),
	    "bytes", (json_int_t)store_int(r, 3),
	    "width", files_int_or_null(r, 4),
	    "height", files_int_or_null(r, 5),
	    "display_sm3", store_text(r, 6),
	    "display_bytes", (json_int_t)store_int(r, 7),
	    "purpose", store_text(r, 8),
	    "uploaded_by", store_text(r, 9),
	    "uploaded_at", (json_int_t)store_int(r, 10),
	    "owner_type", store_isnull(r, 11) ? json_null() :
	    json_string(store_text(r, 11)),
	    "owner_id", store_isnull(r, 12) ? json_null() :
	    jx_id(store_int(r, 12)),
	    "attached_at", files_int_or_null(r, 13),
	    "status", store_text(r, 14),
	    "purged_at", files_int_or_null(r, 15),
	    "version", (json_int_t)store_int(r, 16));
}

static void
files_row_read(struct store_rows *r, struct files_row *f)
{
	memset(f, 0, sizeof(*f));
	f->id = store_int(r, 0);
	snprintf(f->sm3, sizeof(f->sm3), "%s", store_text(r, 1));
	f->kind = files_kind_of_name(store_text(r, 2));
	snprintf(f->display_sm3, sizeof(f->display_sm3), "%s",
	    store_text(r, 6));
	snprintf(f->purpose, sizeof(f->purpose), "%s", store_text(r, 8));
	snprintf(f->uploaded_by, sizeof(f->uploaded_by), "%s",
	    store_text(r, 9));
	snprintf(f->owner_type, sizeof(f->owner_type), "%s",
	    store_text(r, 11));
	f->owner_id = store_isnull(r, 12) ? 0 : store_int(r, 12);
	snprintf(f->status, sizeof(f->status), "%s", store_text(r, 14));
	f->purged = !store_isnull(r, 15);
}

/* Fetch a row (f) and, if rec is not NULL, its record. */
static int
files_fetch(struct store *st, int64_t id, struct files_row *f, json_t **rec,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int			 rc;

	if ((rc = store_query(st, files_sql_get, STORE_ARGS(SV_I(id)), &r,
	    e)) < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1) {
		if (f != NULL)
			files_row_read(r, f);
		if (rec != NULL)
			*rec = files_row_json(r);
		rc = 0;
	} else if (rc == 0)
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such file");
	store_rows_free(r);
	return rc;
}

int
files_record(struct store *st, const char *id, json_t **out, struct err *e)
{
	int64_t	fid;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &fid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such file");
	return files_fetch(st, fid, NULL, out, e);
}

/* Audit one change of a file with its record after the change. */
static int
files_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = files_fetch(st, id, NULL, &rec, e)) == 0)
		rc = audit_append_id(st, who, action, "file", id, rec, e);
	json_decref(rec);
	return rc;
}

/*
 * FILE-007: the system, the uploader, or whoever the owner's module lets
 * read the owning record.  1, 0, or a negative ERR_*.
 */
static int
files_may_read(struct store *st, struct actor *who, const struct files_row *f,
    struct err *e)
{
	const struct files_owner	*o;
	char				 me[24];

	if (who->kind == ACTOR_SYSTEM)
		return 1;
	if (who->kind != ACTOR_USER)
		return 0;
	actor_audit_name(who, me);
	if (strcmp(me, f->uploaded_by) == 0)
		return 1;
	if (f->owner_type[0] == '\0')
		return 0;
	for (o = files_owners; o != NULL && o->type != NULL; o++)
		if (strcmp(o->type, f->owner_type) == 0)
			return o->can_read(st, who, f->owner_id, e);
	return 0;
}

/* The row of a file who may read; ERR_NOT_FOUND otherwise (Z-2). */
static int
files_readable(struct store *st, struct actor *who, int64_t id,
    struct files_row *f, json_t **rec, struct err *e)
{
	json_t	*j = NULL;
	int	 rc;

	if ((rc = files_fetch(st, id, f, rec ? &j : NULL, e)) < 0)
		return rc;
	if ((rc = files_may_read(st, who, f, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such file");
		goto out;
	}
	rc = 0;
	if (rec != NULL) {
		*rec = j;
		j = NULL;
	}
out:
	json_decref(j);
	return rc;
}

static int
files_purpose_find(const char *purpose, struct err *e)
{
	size_t	i;

	for (i = 0; purpose != NULL &&
	    i < sizeof(files_purposes) / sizeof(files_purposes[0]); i++)
		if (strcmp(files_purposes[i].name, purpose) == 0)
			return (int)i;
	return err_set(e, ERR_INVALID, "purpose", "purpose must be photo, "
	    "signature or document");
}

/* ---- operations ---- */

int
files_put(struct store *st, struct actor *who, const char *purpose,
    const void *p, size_t n, int64_t *idp, json_t **view, struct err *e)
{
	struct files_info	 info, dinfo;
	struct buf		 disp;
	json_t			*rec = NULL;
	char			 sm3[FILES_HEX], dsm3[FILES_HEX], by[24];
	int64_t			 id, pending = 0;
	int			 pi, rc;

	buf_init(&disp);
	if (!actor_can(who, "files:write")) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "permission files:write "
		    "required");
		goto out;
	}
	if ((rc = pi = files_purpose_find(purpose, e)) < 0)
		goto out;
	/* FILE-004: the purpose's cap, before anything is parsed. */
	if (n > files_purposes[pi].max) {
		rc = err_set(e, ERR_TOO_LARGE, "body", "a %s may be at most "
		    "%zu KiB (FILE-004)", purpose, files_purposes[pi].max >> 10);
		goto out;
	}
	if ((rc = files_sniff(p, n, &info, e)) < 0)
		goto out;
	if (info.kind == FILES_PDF && !files_purposes[pi].pdf_ok) {
		rc = err_set(e, ERR_MEDIA_TYPE, "body", "a %s must be a JPEG or "
		    "PNG image (FILE-004)", purpose);
		goto out;
	}
	/* FILE-011: a bound on what one account can leave unclaimed. */
	actor_audit_name(who, by);
	if ((rc = store_query_int(st, files_sql_pending_of, STORE_ARGS(SV_S(by)),
	    &pending, e)) < 0)
		goto out;
	if (pending >= FILES_PENDING_MAX) {
		rc = err_set(e, ERR_POLICY, NULL, "%lld uploads are not attached "
		    "to any record yet; at most %d may wait (FILE-011)",
		    (long long)pending, FILES_PENDING_MAX);
		goto out;
	}
	/* FILE-006: the copy served for display, checked like an upload. */
	if ((rc = files_display_copy(p, n, info.kind, &disp, e)) < 0)
		goto out;
	if (files_sniff(disp.data, disp.len, &dinfo, e) < 0 ||
	    dinfo.kind != info.kind || dinfo.width != info.width ||
	    dinfo.height != info.height) {
		rc = err_set(e, ERR_INTERNAL, NULL, "the display copy of a %s "
		    "does not parse", files_kind_name(info.kind));
		goto out;
	}
	crypto_sm3_hex(p, n, sm3);
	crypto_sm3_hex(disp.data, disp.len, dsm3);
	if ((rc = files_blob_put(sm3, p, n, e)) < 0)
		goto out;
	if (strcmp(sm3, dsm3) != 0 &&
	    (rc = files_blob_put(dsm3, disp.data, disp.len, e)) < 0)
		goto out;
	id = id_next();
	if ((rc = store_exec(st, files_sql_ins, STORE_ARGS(SV_I(id), SV_S(sm3),
	    SV_S(files_kind_name(info.kind)), SV_I((int64_t)n),
	    info.kind == FILES_PDF ? SV_N : SV_I(info.width),
	    info.kind == FILES_PDF ? SV_N : SV_I(info.height), SV_S(dsm3),
	    SV_I((int64_t)disp.len), SV_S(files_purposes[pi].name), SV_S(by),
	    SV_I(clock_now())), NULL, e)) < 0)
		goto out;
	if ((rc = files_fetch(st, id, NULL, &rec, e)) < 0 ||
	    (rc = audit_append_id(st, who, "file.upload", "file", id, rec,
	    e)) < 0)
		goto out;
	*idp = id;
	*view = rec;
	rec = NULL;
out:
	json_decref(rec);
	buf_free(&disp);
	return rc;
}

int
files_get_meta(struct store *st, struct actor *who, int64_t id,
    json_t **view, struct err *e)
{
	struct files_row	f;

	return files_readable(st, who, id, &f, view, e);
}

int
files_open(struct store *st, struct actor *who, int64_t id, int display,
    unsigned char **bytes, size_t *len, const char **ctype, struct err *e)
{
	struct files_row	 f;
	unsigned char		*b = NULL;
	size_t			 n = 0;
	int			 own = 0, rc;

	if ((rc = files_readable(st, who, id, &f, NULL, e)) < 0)
		return rc;
	/* FILE-007: the original is evidence, and may say where it was. */
	if (!display && !actor_can(who, "files:original"))
		return err_set(e, ERR_FORBIDDEN, "original", "permission "
		    "files:original required for the original");
	if (f.purged)
		return err_set(e, ERR_NOT_FOUND, NULL, "the file was never "
		    "attached to a record and has been removed (FILE-009)");
	if ((rc = files_blob_read(display ? f.display_sm3 : f.sm3, &b, &n,
	    e)) < 0)
		return rc;
	if (!display) {
		/* L-4: who took the original out, in its own transaction. */
		if ((rc = store_begin_own(st, &own, e)) == 0)
			rc = audit_append_id(st, who, "file.original", "file",
			    id, NULL, e);
		if ((rc = store_end_own(st, own, rc, e)) < 0) {
			free(b);
			return rc;
		}
	}
	*bytes = b;
	*len = n;
	*ctype = files_kind_media(f.kind);
	return 0;
}

/* An owner type as modules name records: [a-z_], 1..32 characters. */
static int
files_owner_type_ok(const char *s)
{
	size_t	n = s ? strlen(s) : 0, i;

	if (n == 0 || n > FILES_OWNER_TYPE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return 0;
	return 1;
}

int
files_attach(struct store *st, struct actor *who, const int64_t *ids, int n,
    const char *owner_type, int64_t owner_id, const char *purpose,
    struct err *e)
{
	struct files_row	f;
	char			me[24];
	int64_t			changes = 0;
	int			i, j, pi, rc;

	if (!files_owner_type_ok(owner_type) || owner_id <= 0)
		return err_set(e, ERR_INVALID, "files", "a file is attached to a "
		    "record named by a type and an id");
	if ((pi = files_purpose_find(purpose, e)) < 0)
		return pi;
	if (n < 0 || n > FILES_ATTACH_MAX)
		return err_set(e, ERR_RANGE, "files", "at most %d files at once",
		    FILES_ATTACH_MAX);
	actor_audit_name(who, me);
	/* FILE-008: every id checked before any is changed. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return err_set(e, ERR_INVALID, "files", "file "
				    "%lld is listed twice", (long long)ids[i]);
		if ((rc = files_fetch(st, ids[i], &f, NULL, e)) < 0 &&
		    rc != ERR_NOT_FOUND)
			return rc;
		/* Someone else's upload is as good as absent (Z-2). */
		if (rc == ERR_NOT_FOUND || (who->kind != ACTOR_SYSTEM &&
		    strcmp(f.uploaded_by, me) != 0))
			return err_set(e, ERR_NOT_FOUND, "files", "no such file "
			    "%lld among your uploads (FILE-008)",
			    (long long)ids[i]);
		if (strcmp(f.status, "pending") != 0)
			return err_set(e, ERR_INVALID, "files", "file %lld is "
			    "%s, not waiting to be attached (FILE-008)",
			    (long long)ids[i], f.status);
		if (strcmp(f.purpose, files_purposes[pi].name) != 0)
			return err_set(e, ERR_INVALID, "files", "file %lld is a "
			    "%s, not a %s (FILE-008)", (long long)ids[i],
			    f.purpose, files_purposes[pi].name);
	}
	for (i = 0; i < n; i++) {
		if ((rc = store_exec(st, files_sql_attach, STORE_ARGS(
		    SV_S(owner_type), SV_I(owner_id), SV_I(clock_now()),
		    SV_I(ids[i])), &changes, e)) < 0)
			return rc;
		/* Attached by a concurrent transaction since it was read. */
		if (changes != 1)
			return err_set(e, ERR_CONFLICT, "files", "file %lld was "
			    "attached meanwhile", (long long)ids[i]);
		if ((rc = files_audit(st, who, "file.attach", ids[i], e)) < 0)
			return rc;
	}
	return 0;
}

/* ---- the sweep ---- */

/* FILE-009: pending files past the TTL become orphaned, a batch a time. */
static int
files_sweep_orphan(struct store *st, struct actor *who, int64_t *count,
    struct err *e)
{
	struct store_rows	*r = NULL;
	int64_t			 ids[FILES_BATCH], changes;
	int			 n, i, rc;

	for (;;) {
		n = 0;
		if ((rc = store_query(st, files_sql_stale, STORE_ARGS(
		    SV_I(clock_now() - FILES_PENDING_TTL_S), SV_I(FILES_BATCH)),
		    &r, e)) < 0)
			return rc;
		while ((rc = store_next(r, e)) == 1)
			ids[n++] = store_int(r, 0);
		store_rows_free(r);
		r = NULL;
		if (rc < 0)
			return rc;
		if (n == 0)
			return 0;
		if ((rc = store_begin(st, e)) < 0)
			return rc;
		for (i = 0; i < n && rc == 0; i++) {
			rc = store_exec(st, files_sql_orphan, STORE_ARGS(
			    SV_I(ids[i])), &changes, e);
			if (rc == 0 && changes == 1) {
				rc = files_audit(st, who, "file.orphan", ids[i],
				    e);
				(*count)++;
			}
		}
		if (rc == 0)
			rc = store_commit(st, e);
		else
			store_rollback(st);
		if (rc < 0)
			return rc;
		if (n < FILES_BATCH)
			return 0;
	}
}

/* Remove a blob that no pending or attached row names: 1 kept, 0 done. */
static int
files_sweep_blob(struct store *st, const char *sm3, int64_t *deleted,
    struct err *e)
{
	struct stat	 sb;
	char		*path;
	int64_t		 live = 0;
	int		 had, rc;

	if ((rc = store_query_int(st, files_sql_live, STORE_ARGS(SV_S(sm3),
	    SV_S(sm3)), &live, e)) < 0)
		return rc;
	if (live > 0)
		return 0;
	path = files_blob_path(sm3);
	had = stat(path, &sb) == 0;
	free(path);
	if ((rc = files_blob_remove(sm3, e)) == 0 && had)
		(*deleted)++;
	return rc;
}

/*
 * FILE-010: the blobs of orphaned rows, unless a live row names the same
 * content; a row is marked purged once its blobs are released.
 */
static int
files_sweep_purge(struct store *st, struct actor *who, int64_t *purged,
    int64_t *deleted, struct err *e)
{
	struct store_rows	*r = NULL;
	struct {
		int64_t	id;
		char	sm3[FILES_HEX];
		char	dsm3[FILES_HEX];
	}			*rows;
	int64_t			 last = 0, changes;
	int			 n, i, kept, rc = 0;

	rows = xcalloc(FILES_BATCH, sizeof(*rows));
	for (;;) {
		n = 0;
		if ((rc = store_query(st, files_sql_unpurged, STORE_ARGS(
		    SV_I(last), SV_I(FILES_BATCH)), &r, e)) < 0)
			goto out;
		while ((rc = store_next(r, e)) == 1) {
			rows[n].id = store_int(r, 0);
			snprintf(rows[n].sm3, FILES_HEX, "%s", store_text(r, 1));
			snprintf(rows[n].dsm3, FILES_HEX, "%s",
			    store_text(r, 2));
			n++;
		}
		store_rows_free(r);
		r = NULL;
		if (rc < 0 || n == 0)
			goto out;
		for (i = 0; i < n; i++) {
			last = rows[i].id;
			if ((kept = files_sweep_blob(st, rows[i].sm3, deleted,
			    e)) < 0) {
				rc = kept;
				goto out;
			}
			if (kept == 0 && strcmp(rows[i].sm3, rows[i].dsm3) != 0 &&
			    (kept = files_sweep_blob(st, rows[i].dsm3, deleted,
			    e)) < 0) {
				rc = kept;
				goto out;
			}
			/* In use again within the grace: next time. */
			if (kept == 1)
				continue;
			if ((rc = store_begin(st, e)) < 0)
				goto out;
			rc = store_exec(st, files_sql_purge, STORE_ARGS(
			    SV_I(clock_now()), SV_I(rows[i].id)), &changes, e);
			if (rc == 0 && changes == 1) {
				rc = files_audit(st, who, "file.purge",
				    rows[i].id, e);
				(*purged)++;
			}
			if (rc == 0)
				rc = store_commit(st, e);
			else
				store_rollback(st);
			if (rc < 0)
				goto out;
		}
		if (n < FILES_BATCH)
			break;
	}
	rc = 0;
out:
	store_rows_free(r);
	free(rows);
	return rc;
}

static int
files_is_hex(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* Blobs of one ab/cd/ directory that no unpurged row names. */
static int
files_sweep_leaf(struct store *st, const char *leaf, int64_t *strays,
    struct err *e)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*path;
	int64_t		 named;
	int		 rc = 0;

	if ((d = opendir(leaf)) == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!files_is_hex(de->d_name, FILES_HEX - 1))
			continue;
		path = xasprintf("%s/%s", leaf, de->d_name);
		if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) ||
		    (int64_t)sb.st_mtime > clock_now() - FILES_BLOB_GRACE_S) {
			free(path);
			continue;
		}
		free(path);
		named = 1;
		if ((rc = store_query_int(st, files_sql_named, STORE_ARGS(
		    SV_S(de->d_name), SV_S(de->d_name)), &named, e)) < 0)
			break;
		if (named == 0 && (rc = files_blob_remove(de->d_name, e)) == 0)
			(*strays)++;
		if (rc == 1)
			rc = 0;
	}
	closedir(d);
	return rc;
}

/*
 * An old file of tmp/: a write that never reached its rename is deleted;
 * a blob moved aside by files_blob_remove() when a crash stopped it is
 * put back if a row still names it, else deleted.
 */
static int
files_sweep_tmp(struct store *st, const char *path, const char *name,
    struct err *e)
{
	struct stat	 sb;
	char		 sm3[FILES_HEX], *blob;
	int64_t		 named = 0;
	int		 rc = 0;

	if (strlen(name) == FILES_HEX - 1 + 5 &&
	    strcmp(name + FILES_HEX - 1, ".gone") == 0) {
		memcpy(sm3, name, FILES_HEX - 1);
		sm3[FILES_HEX - 1] = '\0';
		if (files_is_hex(sm3, FILES_HEX - 1) &&
		    (rc = store_query_int(st, files_sql_named, STORE_ARGS(
		    SV_S(sm3), SV_S(sm3)), &named, e)) < 0)
			return rc;
		if (named > 0) {
			blob = files_blob_path(sm3);
			if (stat(blob, &sb) < 0 && rename(path, blob) < 0)
				rc = files_io_err(e, "cannot put back", blob);
			free(blob);
			if (rc < 0 || stat(path, &sb) < 0)
				return rc;
		}
	}
	unlink(path);
	return 0;
}

/*
 * Blobs whose upload never committed (a failed transaction after the
 * write), one top-level directory per run so that a run stays short:
 * all 256 are visited in 256 hours.  And temporary files of writes or
 * removals that a crash interrupted.
 */
static int
files_sweep_strays(struct store *st, int64_t *strays, struct err *e)
{
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	char		*top, *leaf, *path;
	int		 rc = 0;

	top = xasprintf("%s/%02x", files_dir(),
	    (unsigned)((clock_now() / 3600) % 256));
	if ((d = opendir(top)) != NULL) {
		while (rc == 0 && (de = readdir(d)) != NULL) {
			if (!files_is_hex(de->d_name, 2))
				continue;
			leaf = xasprintf("%s/%s", top, de->d_name);
			rc = files_sweep_leaf(st, leaf, strays, e);
			free(leaf);
		}
		closedir(d);
	}
	free(top);
	if (rc < 0)
		return rc;
	top = xasprintf("%s/tmp", files_dir());
	if ((d = opendir(top)) != NULL) {
		while (rc == 0 && (de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			path = xasprintf("%s/%s", top, de->d_name);
			if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			    (int64_t)sb.st_mtime < clock_now() -
			    FILES_BLOB_GRACE_S)
				rc = files_sweep_tmp(st, path, de->d_name, e);
			free(path);
		}
		closedir(d);
	}
	free(top);
	return rc;
}

int
files_job_sweep(struct store *st, struct actor *who, struct buf *detail,
    struct err *e)
{
	int64_t	orphaned = 0, purged = 0, deleted = 0, strays = 0;
	int	rc;

	if ((rc = files_sweep_orphan(st, who, &orphaned, e)) == 0 &&
	    (rc = files_sweep_purge(st, who, &purged, &deleted, e)) == 0)
		rc = files_sweep_strays(st, &strays, e);
	buf_printf(detail, "orphaned %lld, purged %lld, blobs deleted %lld, "
	    "strays %lld", (long long)orphaned, (long long)purged,
	    (long long)deleted, (long long)strays);
	return rc;
}
