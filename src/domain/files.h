/*
 * Uploaded files (SECURITY.md I-5): photos, signatures and documents that
 * other modules' records point at.  Bytes are checked by their magic and
 * structure (JPEG, PNG, PDF only), capped in size and pixels, named by
 * their SM3 and stored once under the blob directory; a display copy
 * without metadata (EXIF location) is kept beside the original, which is
 * evidence.  A file is `pending` from upload until a module's transaction
 * attaches it to a record (`attached`), or the sweep job finds it
 * unclaimed after FILES_PENDING_TTL_S (`orphaned`).  Rules FILE-xxx of
 * docs/modules/files.md.
 */
#ifndef FW_FILES_H
#define FW_FILES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../core/buf.h"
#include "../store/store.h"
#include "actor.h"

/*
 * Size caps per purpose (FILE-004).  A phone photo at 12 megapixels is
 * 3-6 MB as a JPEG; a signature drawn on a screen is a PNG of tens of
 * KB; a scanned document of a few dozen pages at 200 dpi stays under
 * 20 MB.  FILES_BODY_MAX is the largest, the route's body limit.
 */
#define FILES_PHOTO_MAX		(8 << 20)	/* 8 MiB */
#define FILES_SIGNATURE_MAX	(512 << 10)	/* 512 KiB */
#define FILES_DOCUMENT_MAX	(20 << 20)	/* 20 MiB */
#define FILES_BODY_MAX		FILES_DOCUMENT_MAX
/*
 * Pixel caps (FILE-003): what a decoder allocates is width × height, not
 * the file size, so a 1 KB PNG can claim 10^10 pixels.  40 megapixels
 * covers every phone camera; 20 000 px a side covers panoramas.
 */
#define FILES_PIXELS_MAX	40000000LL
#define FILES_SIDE_MAX		20000
/* Unattached uploads are orphaned after a day (FILE-009). */
#define FILES_PENDING_TTL_S	(24 * 3600)
/*
 * A blob written or reused this recently is never deleted, so that an
 * upload whose transaction has not committed yet keeps its content
 * (FILE-010).
 */
#define FILES_BLOB_GRACE_S	3600
/* Unattached uploads one account may hold at a time (FILE-011). */
#define FILES_PENDING_MAX	500
/* Default blob directory, relative to the working directory. */
#define FILES_DIR_DEFAULT	"var/blobs"

enum files_kind {
	FILES_NONE = 0,
	FILES_JPEG,
	FILES_PNG,
	FILES_PDF,
};

/* What the sniffer found: the kind, and the size of an image. */
struct files_info {
	enum files_kind	 kind;
	int64_t		 width;		/* 0 for a PDF */
	int64_t		 height;
};

/*
 * The pure parsers (files_sniff.c): no allocation beyond out, no I/O.
 *
 * files_sniff(): the kind from the magic bytes alone (FILE-001), then a
 * walk of the whole structure (FILE-002): JPEG segments inside the file,
 * one SOFn, a scan, EOI; PNG chunk lengths inside the file, every CRC,
 * IHDR first and valid, IDAT, IEND last and nothing after it; PDF header
 * at offset 0 and startxref with %%EOF in the last 1024 bytes.  Then the
 * pixel cap (FILE-003).  Errors: ERR_MISSING (empty), ERR_MEDIA_TYPE (not
 * a JPEG, PNG or PDF), ERR_INVALID (damaged), ERR_RANGE (too many
 * pixels); the field is "body".
 */
int		 files_sniff(const void *p, size_t n, struct files_info *out,
		    struct err *e);
/*
 * The display copy (FILE-006): a JPEG without its APPn segments (EXIF,
 * XMP, ICC, JFIF thumbnails; the Adobe APP14 that decoders need for
 * colour is kept), COM segments and bytes after EOI; a PNG without its
 * eXIf, tEXt, zTXt, iTXt and tIME chunks; a PDF unchanged.  p must have
 * passed files_sniff().  Appends to out; 0 or ERR_INVALID (out then
 * holds part of a copy, to be discarded).
 */
int		 files_display_copy(const void *p, size_t n, enum files_kind k,
		    struct buf *out, struct err *e);
/* "jpeg", "png", "pdf"; "" for FILES_NONE. */
const char	*files_kind_name(enum files_kind k);
/* The kind of a name of files_kind_name(), FILES_NONE if other. */
enum files_kind	 files_kind_of_name(const char *name);
/* "image/jpeg", "image/png", "application/pdf". */
const char	*files_kind_media(enum files_kind k);
/* The kind of a media type (parameters ignored), FILES_NONE if other. */
enum files_kind	 files_kind_of_media(const char *media);

/*
 * Who may read the files attached to a record of one type: a module
 * registers its owner type and a check.  can_read() returns 1 when who
 * may read the record owner_id, 0 when not (or no such record), or a
 * negative ERR_* when it cannot tell.  Tables end with a NULL type.
 */
struct files_owner {
	const char	*type;		/* e.g. "inspection_check" */
	int		(*can_read)(struct store *st, struct actor *who,
			    int64_t owner_id, struct err *e);
};

/*
 * Start-up configuration; not thread-safe against uploads.  dir is the
 * blob directory (created with mode 0750 if missing, NULL for
 * FILES_DIR_DEFAULT); a directory inside web_root (may be NULL) is
 * refused, since blobs must never be served as static files (I-5).
 * owners may be NULL.  0, ERR_INVALID (inside the web root) or ERR_IO.
 */
int		 files_configure(const char *dir, const char *web_root,
		    const struct files_owner *owners, struct err *e);
/* The blob directory in use. */
const char	*files_dir(void);
/* Path of the blob named by sm3 hex (ab/cd/<hex>); caller frees. */
char		*files_blob_path(const char *sm3);

/*
 * Store an upload in the caller's open transaction (FILE-001..008, 011):
 * needs files:write; purpose is photo | signature | document (ERR_INVALID
 * "purpose" otherwise); photos and signatures are images.  The original
 * and its display copy are written as blobs (atomically, once per
 * content) before the row; the row is `pending` and audited as
 * file.upload.  On success *id and *view (the API view, owned by the
 * caller) are set.  Errors as files_sniff(), ERR_TOO_LARGE "body" over
 * the purpose's cap, ERR_POLICY when who holds FILES_PENDING_MAX pending
 * uploads, ERR_IO when a blob cannot be written.
 */
int		 files_put(struct store *st, struct actor *who,
		    const char *purpose, const void *p, size_t n, int64_t *id,
		    json_t **view, struct err *e);

/*
 * The metadata of a file who may read (FILE-007): the uploader, the
 * system, or anyone the owner type's can_read() admits.  Otherwise, and
 * for an unknown id, ERR_NOT_FOUND (Z-2).  *view belongs to the caller.
 */
int		 files_get_meta(struct store *st, struct actor *who,
		    int64_t id, json_t **view, struct err *e);

/*
 * The content of a file who may read: the display copy when display is
 * 1, else the original, which needs files:original (ERR_FORBIDDEN) and
 * is audited as file.original in a transaction of its own or the
 * caller's (FILE-007, L-4).  The bytes are checked against their SM3
 * before they are handed out (FILE-005; a mismatch is ERR_IO).  *bytes
 * (owned by the caller), *len and *ctype (static) are set on success.
 */
int		 files_open(struct store *st, struct actor *who, int64_t id,
		    int display, unsigned char **bytes, size_t *len,
		    const char **ctype, struct err *e);

/*
 * Attach files to a record in the caller's transaction (FILE-008): each
 * id must exist, be listed once, have been uploaded by who (or who is
 * the system), be pending and have this purpose; it becomes attached to
 * owner_type/owner_id, audited as file.attach.  Errors name the field
 * "files" and the id: ERR_NOT_FOUND (no such file, or someone else's),
 * ERR_INVALID (listed twice, not pending, another purpose, bad owner).
 * A module may rename e->field to its own before answering.
 */
int		 files_attach(struct store *st, struct actor *who,
		    const int64_t *ids, int n, const char *owner_type,
		    int64_t owner_id, const char *purpose, struct err *e);

/*
 * The job files.sweep (FILE-009, FILE-010): pending files older than
 * FILES_PENDING_TTL_S become orphaned (file.orphan); then the blobs that
 * only orphaned rows name are deleted and those rows marked purged
 * (file.purge); then one of the 256 top-level blob directories (by the
 * hour) is checked for blobs no row names, and temporary files left by
 * a crash are removed.  Blobs used within FILES_BLOB_GRACE_S are kept.
 * Appends "orphaned N, purged N, strays N" to detail.
 */
int		 files_job_sweep(struct store *st, struct actor *who,
		    struct buf *detail, struct err *e);

/* The canonical record of file id for `audit verify --deep`. */
int		 files_record(struct store *st, const char *id, json_t **out,
		    struct err *e);

#endif
