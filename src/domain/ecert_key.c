/*
 * The certificate keys (ECERT-007): the private key in
 * <keys>/ecert-sm2.pem (0600), separate from the audit key; every public
 * key ever used in ecert_keys, published with its kid, so that a
 * certificate signed before a rotation still verifies; rotation, which
 * survives a crash at any step (the new key is written as
 * ecert-sm2.pem.new first, recorded in the database, then renamed into
 * place; ecert_key_open() finishes or undoes what it finds).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/clock.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "ecert.h"
#include "ecert_int.h"

#define ECERT_KEY_FILE	"ecert-sm2.pem"
/* Public keys kept parsed: OpenSSL takes about as long to decode a PEM
 * as to verify a signature.  An entry is used only while the database
 * holds the same PEM for the kid; entries live until the process ends. */
#define ECERT_KEY_CACHE	16

static const char	ecert_sql_key_cols[] =
    "SELECT kid, pem, created_at, retired_at FROM ecert_keys";

static const struct crypto_sm2	*ecert_signer;

static pthread_mutex_t		 ecert_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char			*kid;
	char			*pem;
	struct crypto_sm2	*key;
} ecert_cache[ECERT_KEY_CACHE];
static int			 ecert_ncache;

void
ecert_key_set_signer(const struct crypto_sm2 *k)
{
	ecert_signer = k;
}

const struct crypto_sm2 *
ecert_key_signer(void)
{
	return ecert_signer;
}

static json_t *
ecert_key_row(struct store_rows *r)
{
	return json_pack("{s:s, s:s, s:I, s:o}",
	    "kid", store_text(r, 0),
	    "pem", store_text(r, 1),
	    "created_at", (json_int_t)store_int(r, 2),
	    "retired_at", store_isnull(r, 3) ? json_null() :
	    json_integer(store_int(r, 3)));
}

int
ecert_key_record(struct store *st, const char *kid, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	char			*sql;
	int			 rc;

	sql = xasprintf("%s WHERE kid = ?", ecert_sql_key_cols);
	rc = store_query(st, sql, STORE_ARGS(SV_S(kid)), &r, e);
	free(sql);
	if (rc < 0)
		return rc;
	if ((rc = store_next(r, e)) == 1)
		*out = ecert_key_row(r);
	store_rows_free(r);
	if (rc == 0)
		return err_set(e, ERR_NOT_FOUND, "kid", "no such key");
	return rc < 0 ? rc : 0;
}

int
ecert_key_list(struct store *st, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*a;
	char			*sql;
	int			 rc;

	sql = xasprintf("%s ORDER BY created_at, kid", ecert_sql_key_cols);
	rc = store_query(st, sql, STORE_NOARGS, &r, e);
	free(sql);
	if (rc < 0)
		return rc;
	a = json_array();
	while ((rc = store_next(r, e)) == 1)
		json_array_append_new(a, ecert_key_row(r));
	store_rows_free(r);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* The key of pem, which must be kid's (ECERT-007): else ERR_NOT_FOUND. */
static int
ecert_key_parse(const char *kid, const char *pem, struct crypto_sm2 **out,
    struct err *e)
{
	struct crypto_sm2	*k = NULL;
	char			 got[ECERT_KID_LEN + 1];
	int			 rc;

	if ((rc = crypto_sm2_from_public_pem(pem, &k, e)) < 0)
		return rc;
	/* A kid is its key's hash: a PEM edited in the database does not
	 * become that key. */
	crypto_sm2_key_id(k, got);
	if (strcmp(got, kid) != 0) {
		crypto_sm2_free(k);
		return err_set(e, ERR_NOT_FOUND, "kid", "no such key");
	}
	*out = k;
	return 0;
}

int
ecert_key_get(struct store *st, const char *kid, struct crypto_sm2 **out,
    struct err *e)
{
	char	*pem = NULL;
	int	 rc;

	if ((rc = store_query_text(st, "SELECT pem FROM ecert_keys WHERE "
	    "kid = ?", STORE_ARGS(SV_S(kid)), &pem, e)) < 0) {
		if (rc == ERR_NOT_FOUND)
			err_set(e, ERR_NOT_FOUND, "kid", "no such key");
		return rc;
	}
	rc = ecert_key_parse(kid, pem, out, e);
	free(pem);
	return rc;
}

/*
 * The parsed key of kid when its PEM is still pem, or NULL.  Entries are
 * never changed or freed once made, so the key outlives the lock.
 */
static const struct crypto_sm2 *
ecert_key_cached(const char *kid, const char *pem)
{
	const struct crypto_sm2	*k = NULL;
	int			 i;

	pthread_mutex_lock(&ecert_cache_mu);
	for (i = 0; i < ecert_ncache; i++)
		if (strcmp(ecert_cache[i].kid, kid) == 0 &&
		    strcmp(ecert_cache[i].pem, pem) == 0) {
			k = ecert_cache[i].key;
			break;
		}
	pthread_mutex_unlock(&ecert_cache_mu);
	return k;
}

/* Keep k (1: the cache owns it now; 0: full or already there). */
static int
ecert_key_cache_put(const char *kid, const char *pem, struct crypto_sm2 *k)
{
	int	i, kept = 0;

	pthread_mutex_lock(&ecert_cache_mu);
	for (i = 0; i < ecert_ncache; i++)
		if (strcmp(ecert_cache[i].kid, kid) == 0 &&
		    strcmp(ecert_cache[i].pem, pem) == 0)
			break;
	if (i == ecert_ncache && ecert_ncache < ECERT_KEY_CACHE) {
		ecert_cache[i].kid = xstrdup(kid);
		ecert_cache[i].pem = xstrdup(pem);
		ecert_cache[i].key = k;
		ecert_ncache++;
		kept = 1;
	}
	pthread_mutex_unlock(&ecert_cache_mu);
	return kept;
}

int
ecert_key_verify(struct store *st, const struct ecert_code *c,
    enum ecert_verdict *v, struct err *e)
{
	const struct crypto_sm2	*k;
	struct crypto_sm2	*own = NULL;
	char			*pem = NULL;
	int			 rc;

	/* The database says which keys are the platform's, every time. */
	if ((rc = store_query_text(st, "SELECT pem FROM ecert_keys WHERE "
	    "kid = ?", STORE_ARGS(SV_S(c->kid)), &pem, e)) == ERR_NOT_FOUND) {
		*v = ECERT_UNKNOWN_KEY;
		return 0;
	}
	if (rc < 0)
		return rc;
	if ((k = ecert_key_cached(c->kid, pem)) == NULL) {
		if ((rc = ecert_key_parse(c->kid, pem, &own, e)) < 0) {
			free(pem);
			if (rc != ERR_NOT_FOUND && rc != ERR_CRYPTO)
				return rc;
			*v = ECERT_UNKNOWN_KEY;
			return 0;
		}
		k = own;
		if (ecert_key_cache_put(c->kid, pem, own))
			own = NULL;
	}
	*v = ecert_code_verify(c, k);
	crypto_sm2_free(own);
	free(pem);
	return 0;
}

/* Audit the key's record after a change, in the open transaction. */
static int
ecert_key_audit(struct store *st, struct actor *who, const char *action,
    const char *kid, struct err *e)
{
	json_t	*rec = NULL;
	int	 rc;

	if ((rc = ecert_key_record(st, kid, &rec, e)) < 0)
		return rc;
	rc = audit_append(st, who, action, "ecert_key", kid, rec, e);
	json_decref(rec);
	return rc;
}

/* Insert k's public key unless known, in the open transaction; audited. */
static int
ecert_key_insert(struct store *st, struct actor *who,
    const struct crypto_sm2 *k, struct err *e)
{
	char	 kid[ECERT_KID_LEN + 1], *pem;
	int64_t	 changed = 0;
	int	 rc;

	crypto_sm2_key_id(k, kid);
	pem = crypto_sm2_public_pem(k);
	rc = store_exec(st, "INSERT INTO ecert_keys (kid, pem, created_at) "
	    "VALUES (?, ?, ?) ON CONFLICT (kid) DO NOTHING", STORE_ARGS(
	    SV_S(kid), SV_S(pem), SV_I(clock_now())), &changed, e);
	free(pem);
	if (rc == 0 && changed > 0)
		rc = ecert_key_audit(st, who, "ecert_key.create", kid, e);
	return rc;
}

/* Register k in its own transaction, as the system. */
static int
ecert_key_register(struct store *st, const struct crypto_sm2 *k,
    struct err *e)
{
	struct actor	sys;
	int		rc;

	actor_system(&sys, "ecert-key");
	if ((rc = store_begin(st, e)) < 0)
		return rc;
	if ((rc = ecert_key_insert(st, &sys, k, e)) < 0) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, e);
}

/* Make the renames of a rotation durable. */
static void
ecert_key_sync_dir(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Move the key file into place after a rotation: the current file (if
 * it is another key) to its retired name, then .new to the key file.
 */
static int
ecert_key_swap(const char *dir, const char *newkid, struct err *e)
{
	struct crypto_sm2	*cur = NULL;
	char			*path, *newp, *old = NULL;
	char			 kid[ECERT_KID_LEN + 1];
	int			 rc = 0;

	path = xasprintf("%s/" ECERT_KEY_FILE, dir);
	newp = xasprintf("%s.new", path);
	if (access(path, F_OK) == 0) {
		if ((rc = crypto_sm2_load(path, &cur, e)) < 0)
			goto out;
		crypto_sm2_key_id(cur, kid);
		if (strcmp(kid, newkid) != 0) {
			old = xasprintf("%s/ecert-sm2-%.16s.retired.pem", dir,
			    kid);
			if (rename(path, old) < 0) {
				rc = err_set(e, ERR_IO, "keys", "cannot rename "
				    "%s: %s", path, strerror(errno));
				goto out;
			}
		}
	}
	if (rename(newp, path) < 0) {
		rc = err_set(e, ERR_IO, "keys", "cannot rename %s: %s", newp,
		    strerror(errno));
		goto out;
	}
	ecert_key_sync_dir(dir);
out:
	crypto_sm2_free(cur);
	free(path);
	free(newp);
	free(old);
	return rc;
}

/*
 * A rotation left ecert-sm2.pem.new: recorded in the database, it is
 * the current key and is moved into place; not recorded, the rotation
 * did not happen and the file goes.
 */
static int
ecert_key_recover(struct store *st, const char *dir, struct err *e)
{
	struct crypto_sm2	*k = NULL;
	char			*newp, kid[ECERT_KID_LEN + 1];
	int64_t			 n = 0;
	int			 rc;

	newp = xasprintf("%s/" ECERT_KEY_FILE ".new", dir);
	if (access(newp, F_OK) != 0) {
		rc = 0;
		goto out;
	}
	if (crypto_sm2_load(newp, &k, NULL) < 0) {
		/* Not even written whole: the rotation never reached the DB. */
		rc = unlink(newp) < 0 ? err_set(e, ERR_IO, "keys", "cannot "
		    "remove %s: %s", newp, strerror(errno)) : 0;
		goto out;
	}
	crypto_sm2_key_id(k, kid);
	if ((rc = store_query_int(st, "SELECT COUNT(*) FROM ecert_keys WHERE "
	    "kid = ?", STORE_ARGS(SV_S(kid)), &n, e)) < 0)
		goto out;
	if (n > 0)
		rc = ecert_key_swap(dir, kid, e);
	else if (unlink(newp) < 0)
		rc = err_set(e, ERR_IO, "keys", "cannot remove %s: %s", newp,
		    strerror(errno));
out:
	crypto_sm2_free(k);
	free(newp);
	return rc;
}

int
ecert_key_open(struct store *st, const char *dir, struct crypto_sm2 **out,
    struct err *e)
{
	struct crypto_sm2	*k = NULL;
	char			*path;
	int			 rc;

	path = xasprintf("%s/" ECERT_KEY_FILE, dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = err_set(e, ERR_IO, "keys", "cannot create key directory "
		    "%s: %s", dir, strerror(errno));
		goto out;
	}
	if ((rc = ecert_key_recover(st, dir, e)) < 0)
		goto out;
	if (access(path, F_OK) == 0) {
		if ((rc = crypto_sm2_load(path, &k, e)) < 0)
			goto out;
	} else {
		if ((rc = crypto_sm2_generate(&k, e)) < 0)
			goto out;
		if ((rc = crypto_sm2_save(k, path, e)) < 0) {
			/* Another process made it first: use theirs. */
			crypto_sm2_free(k);
			k = NULL;
			if (access(path, F_OK) != 0 ||
			    (rc = crypto_sm2_load(path, &k, e)) < 0)
				goto out;
		}
	}
	if ((rc = ecert_key_register(st, k, e)) < 0)
		goto out;
	*out = k;
	k = NULL;
	rc = 0;
out:
	crypto_sm2_free(k);
	free(path);
	return rc;
}

int
ecert_key_rotate(struct store *st, struct actor *who, const char *dir,
    char kid[ECERT_KID_LEN + 1], struct err *e)
{
	struct crypto_sm2	*old = NULL, *nk = NULL;
	char			*path, *newp;
	char			 oldkid[ECERT_KID_LEN + 1];
	int			 existed, saved = 0, rc;

	path = xasprintf("%s/" ECERT_KEY_FILE, dir);
	newp = xasprintf("%s.new", path);
	existed = access(path, F_OK) == 0 || access(newp, F_OK) == 0;
	if ((rc = ecert_key_open(st, dir, &old, e)) < 0)
		goto out;
	crypto_sm2_key_id(old, oldkid);
	if (!existed) {
		/* The first key: nothing to retire. */
		memcpy(kid, oldkid, sizeof(oldkid));
		goto out;
	}
	if ((rc = crypto_sm2_generate(&nk, e)) < 0 ||
	    (rc = crypto_sm2_save(nk, newp, e)) < 0)
		goto out;
	saved = 1;
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	rc = store_exec(st, "UPDATE ecert_keys SET retired_at = ? WHERE "
	    "kid = ? AND retired_at IS NULL", STORE_ARGS(SV_I(clock_now()),
	    SV_S(oldkid)), NULL, e);
	if (rc == 0)
		rc = ecert_key_audit(st, who, "ecert_key.retire", oldkid, e);
	if (rc == 0)
		rc = ecert_key_insert(st, who, nk, e);
	if (rc < 0) {
		store_rollback(st);
		goto out;
	}
	if ((rc = store_commit(st, e)) < 0)
		goto out;
	saved = 0;
	crypto_sm2_key_id(nk, kid);
	/* Recorded: from here on ecert_key_open() finishes the swap. */
	if ((rc = ecert_key_swap(dir, kid, e)) < 0)
		goto out;
	rc = 0;
out:
	if (saved)
		unlink(newp);
	crypto_sm2_free(old);
	crypto_sm2_free(nk);
	free(path);
	free(newp);
	return rc;
}
