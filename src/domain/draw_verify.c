/*
 * Verification of a published bundle (spec "Verifying"): the hashes, the
 * seed, the selection and the assignment are recomputed from the bundle's
 * own inputs and compared field by field, and the first difference is
 * reported with the field's name, the recomputed value and the bundle's.
 * A public bundle is checked as far as its withheld roster allows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "draw.h"

#define DRAW_QUOTE_MAX	64	/* bytes of a value shown in a message */

/* An inspector named in a public bundle's selected list. */
struct draw_named {
	const char	*id;
	size_t		 entry;
};

/* s as a quoted string for a message: escaped, cut after 64 bytes. */
static void
draw_quote(char *out, size_t size, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, i;

	out[o++] = '"';
	for (i = 0; p[i] != '\0' && o + 8 < size; i++) {
		if (i == DRAW_QUOTE_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (p[i] == '"' || p[i] == '\\') {
			out[o++] = '\\';
			out[o++] = (char)p[i];
		} else if (p[i] < 0x20 || p[i] > 0x7e)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x",
			    p[i]);
		else
			out[o++] = (char)p[i];
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* ERR_INVALID: `field: expected "want", bundle has "got"`. */
static int
draw_differ(struct err *e, const char *field, const char *want,
    const char *got)
{
	char	w[4 * DRAW_QUOTE_MAX + 8], g[4 * DRAW_QUOTE_MAX + 8];

	draw_quote(w, sizeof(w), want);
	draw_quote(g, sizeof(g), got);
	return err_set(e, ERR_INVALID, field, "%s: expected %s, bundle has %s",
	    field, w, g);
}

static int
draw_count_differ(struct err *e, const char *field, size_t want, size_t got)
{
	return err_set(e, ERR_INVALID, field, "%s: expected %zu entr%s, "
	    "bundle has %zu", field, want, want == 1 ? "y" : "ies", got);
}

static int
draw_str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if a[0..n) and b[0..n) hold the same ids, in any order. */
static int
draw_same_ids(const char *const *a, const char *const *b, size_t n)
{
	const char	**x, **y;
	size_t		  i;
	int		  same = 1;

	x = xmalloc((n ? n : 1) * sizeof(*x));
	y = xmalloc((n ? n : 1) * sizeof(*y));
	memcpy(x, a, n * sizeof(*x));
	memcpy(y, b, n * sizeof(*y));
	qsort(x, n, sizeof(*x), draw_str_cmp);
	qsort(y, n, sizeof(*y), draw_str_cmp);
	for (i = 0; i < n && same; i++)
		same = strcmp(x[i], y[i]) == 0;
	free(x);
	free(y);
	return same;
}

/*
 * A list of ids against the recomputed one.  The spec fixes which ids,
 * not their order, so the same ids in another order match; otherwise the
 * first position that differs is named (field[i]), or the count.
 */
static int
draw_check_ids(const char *field, const char *const *want, size_t nwant,
    const char *const *got, size_t ngot, struct err *e)
{
	char	f[ERR_FIELD_MAX];
	size_t	i;

	if (nwant == ngot) {
		for (i = 0; i < nwant; i++)
			if (strcmp(want[i], got[i]) != 0)
				break;
		if (i == nwant || draw_same_ids(want, got, nwant))
			return 0;
	}
	for (i = 0; i < nwant && i < ngot; i++)
		if (strcmp(want[i], got[i]) != 0) {
			snprintf(f, sizeof(f), "%s[%zu]", field, i);
			return draw_differ(e, f, want[i], got[i]);
		}
	return draw_count_differ(e, field, nwant, ngot);
}

static int
draw_named_cmp(const void *a, const void *b)
{
	const struct draw_named	*x = a, *y = b;
	int			 c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/*
 * What a public bundle's inspector lists can be checked for without the
 * roster: each lists the whole team or nobody, the unassigned list names
 * exactly those with nobody (spec section 6), no inspector twice for one
 * candidate, nobody above max_load.
 */
static int
draw_check_public(const struct draw_bundle *b, struct err *e)
{
	const struct draw_input	*in = &b->in;
	struct draw_named	*nm = NULL;
	const char		**want = NULL;
	char			 f[ERR_FIELD_MAX];
	size_t			 team = 0, total = 0, nwant = 0, i, j, run;
	int			 rc = 0;

	/* Saturating: a team larger than any list just means "nobody". */
	for (i = 0; i < in->nteam; i++)
		team = (uint64_t)in->team[i].count > SIZE_MAX - team ?
		    SIZE_MAX : team + (size_t)in->team[i].count;
	want = xmalloc((b->nselected ? b->nselected : 1) * sizeof(*want));
	for (i = 0; i < b->nselected; i++) {
		const struct draw_entry	*s = &b->selected[i];

		if (s->ninspectors != 0 && s->ninspectors != team) {
			snprintf(f, sizeof(f), "selected[%zu].inspectors", i);
			rc = err_set(e, ERR_INVALID, f, "%s: expected %zu "
			    "entries (the team) or none (unassigned), bundle "
			    "has %zu", f, team, s->ninspectors);
			goto out;
		}
		if (s->ninspectors == 0)
			want[nwant++] = s->candidate;
		total += s->ninspectors;
	}
	if ((rc = draw_check_ids("unassigned", want, nwant, b->unassigned,
	    b->nunassigned, e)) < 0)
		goto out;
	nm = xmalloc((total ? total : 1) * sizeof(*nm));
	for (i = 0, total = 0; i < b->nselected; i++)
		for (j = 0; j < b->selected[i].ninspectors; j++) {
			nm[total].id = b->selected[i].inspectors[j];
			nm[total++].entry = i;
		}
	qsort(nm, total, sizeof(*nm), draw_named_cmp);
	for (i = 0, run = 0; i < total; i++) {
		if (i > 0 && strcmp(nm[i].id, nm[i - 1].id) == 0)
			run++;
		else
			run = 1;
		snprintf(f, sizeof(f), "selected[%zu].inspectors", nm[i].entry);
		if (run > 1 && nm[i].entry == nm[i - 1].entry) {
			rc = err_set(e, ERR_INVALID, f, "%s: inspector "
			    "\"%.64s\" listed twice", f, nm[i].id);
			goto out;
		}
		if (run > (size_t)in->max_load) {
			rc = err_set(e, ERR_INVALID, f, "%s: inspector "
			    "\"%.64s\" would have more than max_load (%lld) "
			    "candidates", f, nm[i].id, (long long)in->max_load);
			goto out;
		}
	}
out:
	free(nm);
	free(want);
	return rc;
}

/* One selected entry against the recomputed pick. */
static int
draw_check_entry(const struct draw_bundle *b, const struct draw_result *r,
    size_t k, struct err *e)
{
	const struct draw_input	*in = &b->in;
	const struct draw_pick	*p = &r->picks[k];
	const struct draw_entry	*s = &b->selected[k];
	const char		*id, **want;
	char			 f[ERR_FIELD_MAX], hex[DRAW_HEX_LEN + 1];
	size_t			 j;
	int			 rc;

	id = in->candidates[p->candidate].id;
	if (strcmp(id, s->candidate) != 0) {
		snprintf(f, sizeof(f), "selected[%zu].candidate", k);
		return draw_differ(e, f, id, s->candidate);
	}
	str_hex(p->key, DRAW_HASH_LEN, hex);
	if (strcmp(hex, s->key) != 0) {
		snprintf(f, sizeof(f), "selected[%zu].key", k);
		return draw_differ(e, f, hex, s->key);
	}
	if (!r->assigned)
		return 0;
	want = xmalloc((p->ninspectors ? p->ninspectors : 1) * sizeof(*want));
	for (j = 0; j < p->ninspectors; j++)
		want[j] = in->inspectors[r->inspectors[p->first + j]].id;
	snprintf(f, sizeof(f), "selected[%zu].inspectors", k);
	rc = draw_check_ids(f, want, p->ninspectors, s->inspectors,
	    s->ninspectors, e);
	free(want);
	return rc;
}

int
draw_verify(const struct draw_bundle *b, struct draw_summary *sum,
    struct err *e)
{
	const struct draw_input	*in = &b->in;
	struct draw_commit	*c = NULL;
	struct draw_result	*r = NULL;
	const char		**want = NULL;
	size_t			 k, nwant = 0;
	int			 rc;

	if (b->version == NULL || b->candidates_hash == NULL ||
	    b->roster_hash == NULL || b->seed == NULL || b->selected == NULL)
		return err_set(e, ERR_MISSING, "", "not a bundle: the computed "
		    "fields are missing");
	if (strcmp(b->version, DRAW_VERSION) != 0)
		return draw_differ(e, "version", DRAW_VERSION, b->version);
	if ((rc = draw_commit(in, &c, e)) < 0)
		goto out;
	if (strcmp(c->candidates_hash, b->candidates_hash) != 0) {
		rc = draw_differ(e, "candidates_hash", c->candidates_hash,
		    b->candidates_hash);
		goto out;
	}
	/* Withheld: the commit took the bundle's roster_hash as given. */
	if (strcmp(c->roster_hash, b->roster_hash) != 0) {
		rc = draw_differ(e, "roster_hash", c->roster_hash,
		    b->roster_hash);
		goto out;
	}
	if ((rc = draw_run(in, c, &r, e)) < 0)
		goto out;
	if (strcmp(r->seed_hex, b->seed) != 0) {
		rc = draw_differ(e, "seed", r->seed_hex, b->seed);
		goto out;
	}
	for (k = 0; k < r->npicks && k < b->nselected; k++)
		if ((rc = draw_check_entry(b, r, k, e)) < 0)
			goto out;
	if (r->npicks != b->nselected) {
		rc = draw_count_differ(e, "selected", r->npicks, b->nselected);
		goto out;
	}
	if (r->assigned) {
		want = xmalloc((r->npicks ? r->npicks : 1) * sizeof(*want));
		for (k = 0; k < r->npicks; k++)
			if (r->picks[k].unassigned)
				want[nwant++] =
				    in->candidates[r->picks[k].candidate].id;
		if ((rc = draw_check_ids("unassigned", want, nwant,
		    b->unassigned, b->nunassigned, e)) < 0)
			goto out;
	} else if ((rc = draw_check_public(b, e)) < 0)
		goto out;
	if (sum != NULL) {
		sum->nselected = r->npicks;
		sum->nunassigned = b->nunassigned;
		sum->withheld = in->withheld;
	}
	rc = 0;
out:
	free(want);
	draw_result_free(r);
	draw_commit_free(c);
	return rc;
}
