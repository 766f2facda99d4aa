/*
 * Fuzz target of the CSV import (SECURITY.md R-3): every input goes
 * through the CSV reader (src/core/csvread.c), whose records must be
 * valid UTF-8 with increasing row numbers, and then through a dry-run
 * import (src/domain/registry_import.c) on an in-memory SQLite database
 * with the towns loaded, inside a transaction that is rolled back.  Built
 * with the standalone driver replay.c for the test suite, and as a
 * libFuzzer binary when the compiler is clang (tests/fuzz/meson.build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csvread.h"
#include "core/jx.h"
#include "core/mem.h"
#include "core/str.h"
#include "crypto/crypto.h"
#include "domain/pii.h"
#include "domain/registry.h"
#include "domain/registry_io.h"
#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store	*fz_st;

/* One in-memory database for the whole run, with migrations and towns. */
static struct store *
fz_store(void)
{
	static const unsigned char	key[CRYPTO_SEAL_KEY_LEN] = { 1, 2, 3 };
	struct err			e;
	const char			*data = getenv("FIREWARDEN_DATA");
	char				*towns;

	if (fz_st != NULL)
		return fz_st;
	jx_init();
	pii_set_key(key);
	if (store_open("sqlite::memory:", &fz_st, &e) < 0 ||
	    store_migrate(fz_st, NULL, &e) < 0) {
		fprintf(stderr, "fuzz_csv: %s\n", e.msg);
		abort();
	}
	towns = xasprintf("%s/towns/dongguan.csv", data && *data ? data :
	    "data");
	if (registry_sync_towns(fz_st, towns, &e) < 0)
		fprintf(stderr, "fuzz_csv: towns not loaded (%s): every row "
		    "names an unknown town\n", e.msg);
	free(towns);
	return fz_st;
}

static void
fz_reader(const char *p, size_t n, enum csvread_enc enc)
{
	struct csvread_opts	 o;
	struct csvread		*c = NULL;
	struct csvread_row	 row;
	struct err		 e;
	int64_t			 last = 0;
	size_t			 i;

	memset(&o, 0, sizeof(o));
	o.max_record = 256;
	o.max_fields = 8;
	o.encoding = enc;
	if (csvread_new(p, n, &o, &c, &e) < 0)
		return;
	while (csvread_next(c, &row) == 1) {
		if (row.row <= last)
			abort();
		last = row.row;
		if (row.error != NULL && row.nfield != 0)
			abort();
		for (i = 0; i < row.nfield; i++)
			if (!str_utf8_valid(row.field[i], strlen(row.field[i])))
				abort();
	}
	csvread_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry_import_opts	 o;
	struct actor			 sys;
	struct store			*st = fz_store();
	struct err			 e;
	json_t				*rep = NULL;
	const char			*p = (const char *)data;

	fz_reader(p, size, CSVREAD_DETECT);
	fz_reader(p, size, CSVREAD_GB18030);
	memset(&o, 0, sizeof(o));
	o.mode = REGISTRY_IMPORT_DRY_RUN;
	o.via = "fuzz";
	o.max_rows = 1000;
	o.max_errors = 50;
	actor_system(&sys, "fuzz");
	if (store_begin(st, &e) < 0)
		abort();
	if (registry_import_units(st, &sys, p, size, &o, &rep, &e) == 0) {
		/* The counts add up. */
		if (json_integer_value(json_object_get(rep, "created")) +
		    json_integer_value(json_object_get(rep, "updated")) +
		    json_integer_value(json_object_get(rep, "unchanged")) +
		    json_integer_value(json_object_get(rep, "rejected")) !=
		    json_integer_value(json_object_get(rep, "rows")))
			abort();
		json_decref(rep);
	}
	store_rollback(st);
	return 0;
}
