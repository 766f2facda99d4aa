/*
 * GB 35181 as data (HAZ-J01): loading and strictly checking the editions
 * in data/hazard/gb35181-<edition>.json, choosing the edition in force on
 * a date (HAZ-J02), and the judgement: an exclusion of 5.1.3 (HAZ-J03),
 * else any direct element (HAZ-J04), else the composite counting rules of
 * the place category (HAZ-J05).  No element, rule or threshold is written
 * in this file; a set of editions, once published, is never changed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/str.h"
#include "hazard_judge.h"
#include "dck.h"
#include "rec.h"

#define HZ_FORMAT	"firewarden-gb35181-v1"
#define HZ_PREFIX	"gb35181-"
#define HZ_SUFFIX	".json"
#define HZ_FILE_MAX	(1 << 20)	/* bytes of one data file */
#define HZ_EDITIONS_MAX	REC_DATED_MAX
#define HZ_EDITION_LEN	16		/* edition name, [A-Za-z0-9-] */
#define HZ_GROUPS_MAX	32
#define HZ_PLACES_MAX	16
#define HZ_RULES_MAX	8		/* rules of one place category */
#define HZ_EXCL_MAX	8
#define HZ_NAME_LEN	32		/* place and exclusion codes */
#define HZ_CODE_PARTS	3		/* element codes: 6.1, 7.5, 7.3.10 */
#define HZ_TEXT_MAX	200		/* names and texts, code points */
#define HZ_SOURCE_MAX	2000
#define HZ_NOTE_MAX	8000

struct hj_element {
	const char	*code;
	int		 part[HZ_CODE_PARTS];
	int		 nparts;
	int		 direct;
};

struct hj_rule {
	int		 any;		/* counts every composite element */
	unsigned char	 counts[HAZARD_ELEMENTS_MAX];	/* by element index */
	int		 threshold;
};

struct hj_place {
	const char	*code;
	const char	*name_en;
	struct hj_rule	 rule[HZ_RULES_MAX];
	int		 nrules;
};

struct hj_exclusion {
	const char	*code;
	const char	*clause;
};

struct hj_edition {
	json_t			*doc;		/* the strings point into it */
	const char		*edition;
	const char		*standard;
	const char		*title;
	const char		*title_en;	/* NULL: none */
	const char		*effective;
	int			 effective_confirmed;
	const char		*superseded;	/* NULL: still in force */
	int			 template;
	struct hj_element	 el[HAZARD_ELEMENTS_MAX];
	int			 nel;
	int			 order[HAZARD_ELEMENTS_MAX];	/* by code */
	struct hj_place		 pl[HZ_PLACES_MAX];
	int			 npl;
	struct hj_exclusion	 ex[HZ_EXCL_MAX];
	int			 nex;
};

static int	hj_file_load(const char *dir, const char *name,
		    const char *edition, void **out, struct err *e);
static const char	*hj_effective(const void *ed);
static const char	*hj_edition_of(const void *ed);
static void		 hj_edition_free(void *ed);

/* The loaded editions, by effective date (rec_dated). */
static struct rec_dated	hj_files = {
	.prefix = HZ_PREFIX,
	.suffix = HZ_SUFFIX,
	.field = "hazard",
	.what = "edition",
	.part_max = HZ_EDITION_LEN,
	.load = hj_file_load,
	.effective = hj_effective,
	.part = hj_edition_of,
	.free = hj_edition_free,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static const struct rec_dated_set *
hj_current(void)
{
	return rec_dated_current(&hj_files);
}

/* Edition i of set s. */
static const struct hj_edition *
hj_ed(const struct rec_dated_set *s, int i)
{
	return s->ed[i];
}

/* Small checks shared by the loader and the judgement. */

static int
hj_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

/* An element or group code: 1 to 3 numbers of 1 to 3 digits, dotted. */
static int
hj_code_parse(const char *s, int part[HZ_CODE_PARTS], int *nparts)
{
	int	n = 0, digits;

	for (;;) {
		if (n == HZ_CODE_PARTS)
			return -1;
		part[n] = 0;
		for (digits = 0; hj_isdigit(*s); s++, digits++) {
			if (digits == 3)
				return -1;
			part[n] = part[n] * 10 + (*s - '0');
		}
		if (digits == 0)
			return -1;
		n++;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return -1;
	}
	*nparts = n;
	return 0;
}

/* A place or exclusion code: [a-z][a-z0-9-]*, at most HZ_NAME_LEN. */
static int
hj_name_ok(const char *s)
{
	size_t	i;

	if (s == NULL || *s < 'a' || *s > 'z' || strlen(s) > HZ_NAME_LEN)
		return 0;
	for (i = 1; s[i]; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !hj_isdigit(s[i]) &&
		    s[i] != '-')
			return 0;
	return 1;
}



/* Loading. */

static int
hj_element_find(const struct hj_edition *ed, const char *code)
{
	int	i;

	for (i = 0; i < ed->nel; i++)
		if (strcmp(ed->el[i].code, code) == 0)
			return i;
	return -1;
}

static int
hj_groups_parse(const struct dck *c, json_t *list, const char **groups)
{
	static const char *const keys[] = { "code", "name_zh", "confirmed",
	    NULL };
	const char	*name;
	json_t		*x;
	char		 p[DCK_PATH], q[DCK_PATH];
	size_t		 i, k;
	int		 part[HZ_CODE_PARTS], n, rc;

	json_array_foreach(list, i, x) {
		snprintf(p, sizeof(p), "groups[%zu]", i);
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = dck_text(c, p, x, "code", 16, 0, &groups[i])) < 0)
			return rc;
		if (hj_code_parse(groups[i], part, &n) < 0)
			return dck_bad(c, dck_path(q, p, "code"), "must be "
			    "dotted numbers such as 7.3");
		snprintf(p, sizeof(p), "groups[%s]", groups[i]);
		for (k = 0; k < i; k++)
			if (strcmp(groups[k], groups[i]) == 0)
				return dck_bad(c, p, "duplicate group");
		if ((rc = dck_keys(c, p, x, keys)) < 0 ||
		    (rc = dck_text(c, p, x, "name_zh", HZ_TEXT_MAX, 0,
		    &name)) < 0 ||
		    (rc = dck_bool(c, p, x, "confirmed", NULL)) < 0)
			return rc;
	}
	return 0;
}

/* The direct or the composite list into ed->el. */
static int
hj_elements_parse(const struct dck *c, const char *key, json_t *list,
    int direct, const char **groups, size_t ngroups, struct hj_edition *ed)
{
	static const char *const keys[] = { "code", "group", "text_zh",
	    "confirmed", "note", NULL };
	struct hj_element	*el;
	const char		*group, *s;
	json_t			*x;
	char			 p[DCK_PATH], q[DCK_PATH], shown[DCK_SHOW];
	size_t			 i, k, glen;
	int			 dup, rc;

	json_array_foreach(list, i, x) {
		snprintf(p, sizeof(p), "%s[%zu]", key, i);
		if (ed->nel == HAZARD_ELEMENTS_MAX)
			return dck_bad(c, p, "more than %d elements in all",
			    HAZARD_ELEMENTS_MAX);
		el = &ed->el[ed->nel];
		el->direct = direct;
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = dck_text(c, p, x, "code", 16, 0, &el->code)) < 0)
			return rc;
		if (hj_code_parse(el->code, el->part, &el->nparts) < 0)
			return dck_bad(c, dck_path(q, p, "code"), "must be "
			    "dotted numbers such as 6.1 or 7.3.10");
		snprintf(p, sizeof(p), "%s[%s]", key, el->code);
		if ((dup = hj_element_find(ed, el->code)) >= 0)
			return dck_bad(c, p, "duplicate code (also %s)",
			    ed->el[dup].direct ? "a direct element" :
			    "a composite element");
		if ((rc = dck_keys(c, p, x, keys)) < 0 ||
		    (rc = dck_text(c, p, x, "group", 16, 0, &group)) < 0)
			return rc;
		for (k = 0; k < ngroups; k++)
			if (strcmp(groups[k], group) == 0)
				break;
		glen = strlen(group);
		if (k == ngroups)
			return dck_bad(c, dck_path(q, p, "group"), "unknown "
			    "group %s", dck_show(group, shown));
		if (strcmp(group, el->code) != 0 &&
		    (strncmp(group, el->code, glen) != 0 ||
		    el->code[glen] != '.'))
			return dck_bad(c, dck_path(q, p, "group"), "the code "
			    "does not lie in group %s", group);
		if ((rc = dck_text(c, p, x, "text_zh", HZ_TEXT_MAX, 0, &s)) <
		    0 || (rc = dck_bool(c, p, x, "confirmed", NULL)) < 0 ||
		    (rc = dck_text(c, p, x, "note", HZ_SOURCE_MAX, 1, &s)) < 0)
			return rc;
		ed->nel++;
	}
	return 0;
}

/* The rule "counts": "any" or a list of composite element codes. */
static int
hj_counts_parse(const struct dck *c, const char *path, json_t *v,
    const struct hj_edition *ed, struct hj_rule *r, int *ncounted)
{
	const char	*code;
	json_t		*x;
	char		 p[DCK_PATH], shown[DCK_SHOW];
	size_t		 i;
	int		 k;

	*ncounted = 0;
	if (json_is_string(v) && strcmp(json_string_value(v), "any") == 0) {
		r->any = 1;
		for (k = 0; k < ed->nel; k++)
			if (!ed->el[k].direct) {
				r->counts[k] = 1;
				(*ncounted)++;
			}
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > HAZARD_ELEMENTS_MAX)
		return dck_bad(c, dck_path(p, path, "counts"), "must be \"any\" "
		    "or a list of composite element codes");
	json_array_foreach(v, i, x) {
		snprintf(p, sizeof(p), "%.100s.counts[%zu]", path, i);
		if (!json_is_string(x))
			return dck_bad(c, p, "must be an element code");
		code = json_string_value(x);
		if ((k = hj_element_find(ed, code)) < 0)
			return dck_bad(c, p, "unknown element %s",
			    dck_show(code, shown));
		if (ed->el[k].direct)
			return dck_bad(c, p, "%s is a direct element; rules "
			    "count composite elements", code);
		if (r->counts[k])
			return dck_bad(c, p, "%s listed twice", code);
		r->counts[k] = 1;
		(*ncounted)++;
	}
	return 0;
}

static int
hj_places_parse(const struct dck *c, json_t *list, struct hj_edition *ed)
{
	static const char *const keys[] = { "code", "name_zh", "name_en",
	    "rules", NULL };
	static const char *const rkeys[] = { "counts", "threshold",
	    "confirmed", "source", "note", NULL };
	struct hj_place	*pl;
	struct hj_rule	*r;
	const char	*s;
	json_t		*rules, *x, *rx, *t;
	char		 p[DCK_PATH], rp[DCK_PATH], tp[DCK_PATH];
	size_t		 i, j;
	int		 k, ncounted, rc;

	json_array_foreach(list, i, x) {
		pl = &ed->pl[ed->npl];
		snprintf(p, sizeof(p), "places[%zu]", i);
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = dck_text(c, p, x, "code", HZ_NAME_LEN, 0,
		    &pl->code)) < 0)
			return rc;
		if (!hj_name_ok(pl->code))
			return dck_bad(c, dck_path(tp, p, "code"), "must be "
			    "[a-z][a-z0-9-]*");
		snprintf(p, sizeof(p), "places[%s]", pl->code);
		for (k = 0; k < ed->npl; k++)
			if (strcmp(ed->pl[k].code, pl->code) == 0)
				return dck_bad(c, p, "duplicate place");
		if ((rc = dck_keys(c, p, x, keys)) < 0 ||
		    (rc = dck_text(c, p, x, "name_zh", HZ_TEXT_MAX, 0, &s)) <
		    0 || (rc = dck_text(c, p, x, "name_en", 64, 0,
		    &pl->name_en)) < 0)
			return rc;
		rules = json_object_get(x, "rules");
		if (!json_is_array(rules) || json_array_size(rules) == 0 ||
		    json_array_size(rules) > HZ_RULES_MAX)
			return dck_bad(c, dck_path(tp, p, "rules"), "must be a "
			    "list of 1 to %d rules", HZ_RULES_MAX);
		json_array_foreach(rules, j, rx) {
			r = &pl->rule[j];
			snprintf(rp, sizeof(rp), "%.60s.rules[%zu]", p, j);
			if ((rc = dck_keys(c, rp, rx, rkeys)) < 0 ||
			    (rc = hj_counts_parse(c, rp, json_object_get(rx,
			    "counts"), ed, r, &ncounted)) < 0)
				return rc;
			t = json_object_get(rx, "threshold");
			dck_path(tp, rp, "threshold");
			if (!json_is_integer(t))
				return dck_bad(c, tp, "must be an integer");
			if (json_integer_value(t) < 1)
				return dck_bad(c, tp, "must be at least 1");
			if (json_integer_value(t) > ncounted)
				return dck_bad(c, tp, "can never be met: the "
				    "rule counts %d elements", ncounted);
			r->threshold = (int)json_integer_value(t);
			if ((rc = dck_bool(c, rp, rx, "confirmed", NULL)) < 0 ||
			    (rc = dck_text(c, rp, rx, "source", HZ_SOURCE_MAX,
			    0, &s)) < 0 ||
			    (rc = dck_text(c, rp, rx, "note", HZ_SOURCE_MAX, 1,
			    &s)) < 0)
				return rc;
			pl->nrules++;
		}
		ed->npl++;
	}
	return 0;
}

static int
hj_exclusions_parse(const struct dck *c, json_t *list, struct hj_edition *ed)
{
	static const char *const keys[] = { "code", "clause", "text_zh",
	    "confirmed", "source", NULL };
	struct hj_exclusion	*ex;
	const char		*s;
	json_t			*x;
	char			 p[DCK_PATH], q[DCK_PATH];
	size_t			 i;
	int			 k, rc;

	json_array_foreach(list, i, x) {
		ex = &ed->ex[ed->nex];
		snprintf(p, sizeof(p), "exclusions[%zu]", i);
		if (!json_is_object(x))
			return dck_bad(c, p, "must be an object");
		if ((rc = dck_text(c, p, x, "code", HZ_NAME_LEN, 0,
		    &ex->code)) < 0)
			return rc;
		if (!hj_name_ok(ex->code))
			return dck_bad(c, dck_path(q, p, "code"), "must be "
			    "[a-z][a-z0-9-]*");
		snprintf(p, sizeof(p), "exclusions[%s]", ex->code);
		for (k = 0; k < ed->nex; k++)
			if (strcmp(ed->ex[k].code, ex->code) == 0)
				return dck_bad(c, p, "duplicate exclusion");
		if ((rc = dck_keys(c, p, x, keys)) < 0 ||
		    (rc = dck_text(c, p, x, "clause", 32, 0, &ex->clause)) < 0 ||
		    (rc = dck_text(c, p, x, "text_zh", HZ_TEXT_MAX, 0, &s)) <
		    0 || (rc = dck_bool(c, p, x, "confirmed", NULL)) < 0 ||
		    (rc = dck_text(c, p, x, "source", HZ_SOURCE_MAX, 0, &s)) < 0)
			return rc;
		ed->nex++;
	}
	return 0;
}

static int
hj_element_cmp(const struct hj_element *a, const struct hj_element *b)
{
	int	i;

	for (i = 0; i < a->nparts && i < b->nparts; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return a->nparts - b->nparts;
}

/* ed->order: element indexes by code (insertion sort, n <= 100). */
static void
hj_order(struct hj_edition *ed)
{
	int	i, j, k;

	for (i = 0; i < ed->nel; i++) {
		k = i;
		for (j = i - 1; j >= 0 && hj_element_cmp(&ed->el[k],
		    &ed->el[ed->order[j]]) < 0; j--)
			ed->order[j + 1] = ed->order[j];
		ed->order[j + 1] = k;
	}
}

static int
hj_doc_parse(const struct dck *c, const char *edition, struct hj_edition *ed)
{
	static const char *const keys[] = { "format", "edition", "standard",
	    "title", "title_en", "effective", "effective_confirmed",
	    "superseded", "template", "note", "source", "groups", "direct",
	    "composite", "places", "exclusions", NULL };
	const char	*groups[HZ_GROUPS_MAX], *s;
	json_t		*doc = ed->doc, *list;
	int		 rc;

	if (!json_is_object(doc))
		return dck_bad(c, "format", "the file is not a JSON object");
	if ((rc = dck_keys(c, "", doc, keys)) < 0 ||
	    (rc = dck_text(c, "", doc, "format", 40, 0, &s)) < 0)
		return rc;
	if (strcmp(s, HZ_FORMAT) != 0)
		return dck_bad(c, "format", "must be %s", HZ_FORMAT);
	if ((rc = dck_text(c, "", doc, "edition", HZ_EDITION_LEN, 0,
	    &ed->edition)) < 0)
		return rc;
	if (strcmp(ed->edition, edition) != 0)
		return dck_bad(c, "edition", "must be %s, as in the file name",
		    edition);
	if ((rc = dck_text(c, "", doc, "standard", 40, 0, &ed->standard)) < 0 ||
	    (rc = dck_text(c, "", doc, "title", HZ_TEXT_MAX, 0, &ed->title)) <
	    0 || (rc = dck_text(c, "", doc, "title_en", HZ_TEXT_MAX, 1,
	    &ed->title_en)) < 0 ||
	    (rc = dck_date(c, "", doc, "effective", 0, &ed->effective)) < 0 ||
	    (rc = dck_bool(c, "", doc, "effective_confirmed",
	    &ed->effective_confirmed)) < 0 ||
	    (rc = dck_date(c, "", doc, "superseded", 1, &ed->superseded)) < 0)
		return rc;
	if (ed->superseded != NULL && strcmp(ed->superseded, ed->effective) <=
	    0)
		return dck_bad(c, "superseded", "must be after effective");
	if ((rc = dck_bool(c, "", doc, "template", &ed->template)) < 0 ||
	    (rc = dck_text(c, "", doc, "note", HZ_NOTE_MAX, 0, &s)) < 0 ||
	    (rc = dck_text(c, "", doc, "source", HZ_SOURCE_MAX, 0, &s)) < 0)
		return rc;
	if ((rc = dck_list(c, "", doc, "groups", 1, HZ_GROUPS_MAX, &list)) < 0 ||
	    (rc = hj_groups_parse(c, list, groups)) < 0)
		return rc;
	if ((rc = dck_list(c, "", doc, "direct", 1, HAZARD_ELEMENTS_MAX,
	    &list)) < 0 ||
	    (rc = hj_elements_parse(c, "direct", list, 1, groups,
	    json_array_size(json_object_get(doc, "groups")), ed)) < 0 ||
	    (rc = dck_list(c, "", doc, "composite", 1, HAZARD_ELEMENTS_MAX,
	    &list)) < 0 ||
	    (rc = hj_elements_parse(c, "composite", list, 0, groups,
	    json_array_size(json_object_get(doc, "groups")), ed)) < 0)
		return rc;
	hj_order(ed);
	if ((rc = dck_list(c, "", doc, "places", 1, HZ_PLACES_MAX, &list)) < 0 ||
	    (rc = hj_places_parse(c, list, ed)) < 0 ||
	    (rc = dck_list(c, "", doc, "exclusions", 0, HZ_EXCL_MAX, &list)) < 0)
		return rc;
	return hj_exclusions_parse(c, list, ed);
}

static void
hj_edition_free(void *p)
{
	struct hj_edition	*ed = p;

	if (ed == NULL)
		return;
	json_decref(ed->doc);
	free(ed);
}

static const char *
hj_effective(const void *ed)
{
	return ((const struct hj_edition *)ed)->effective;
}

static const char *
hj_edition_of(const void *ed)
{
	return ((const struct hj_edition *)ed)->edition;
}

/* dir/name of the given edition. */
static int
hj_file_load(const char *dir, const char *name, const char *edition,
    void **out, struct err *e)
{
	struct hj_edition	*ed = NULL;
	struct dck		 c;
	int			 rc;

	c.file = name;
	c.e = e;
	ed = xcalloc(1, sizeof(*ed));
	if ((rc = rec_data_read(dir, name, HZ_FILE_MAX, "hazard", &ed->doc,
	    e)) < 0)
		goto out;
	if ((rc = hj_doc_parse(&c, edition, ed)) < 0)
		goto out;
	*out = ed;
	ed = NULL;
	rc = 0;
out:
	hj_edition_free(ed);
	return rc;
}

int
hazard_judge_load_dir(const char *dir, struct err *e)
{
	return rec_dated_load(&hj_files, dir, e);
}

void
hazard_judge_unload(void)
{
	rec_dated_unload(&hj_files);
}

/* Lookups. */

static const struct hj_edition *
hj_edition_find(const struct rec_dated_set *s, const char *edition)
{
	int	i;

	for (i = 0; edition != NULL && i < s->n; i++)
		if (strcmp(hj_ed(s, i)->edition, edition) == 0)
			return hj_ed(s, i);
	return NULL;
}

json_t *
hazard_judge_editions(void)
{
	const struct rec_dated_set	*s = hj_current();
	const struct hj_edition	*ed;
	json_t			*list = json_array(), *o;
	int			 i;

	for (i = 0; s != NULL && i < s->n; i++) {
		ed = hj_ed(s, i);
		o = json_object();
		json_object_set_new(o, "edition", json_string(ed->edition));
		json_object_set_new(o, "standard", json_string(ed->standard));
		json_object_set_new(o, "title", json_string(ed->title));
		json_object_set_new(o, "title_en", ed->title_en != NULL ?
		    json_string(ed->title_en) : json_null());
		json_object_set_new(o, "effective", json_string(ed->effective));
		json_object_set_new(o, "effective_confirmed",
		    json_boolean(ed->effective_confirmed));
		json_object_set_new(o, "superseded", ed->superseded != NULL ?
		    json_string(ed->superseded) : json_null());
		json_object_set_new(o, "template", json_boolean(ed->template));
		json_array_append_new(list, o);
	}
	return list;
}

/* "2017, 2025": the loaded editions, for a message. */
static const char *
hj_edition_names(const struct rec_dated_set *s, char *out, size_t size)
{
	size_t	len = 0;
	int	i;

	out[0] = '\0';
	for (i = 0; i < s->n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    i > 0 ? ", " : "", hj_ed(s, i)->edition);
	return out;
}

int
hazard_judge_edition_json(const char *edition, json_t **out, struct err *e)
{
	const struct rec_dated_set	*s = hj_current();
	const struct hj_edition	*ed;
	char			 v[DCK_SHOW], names[HZ_EDITIONS_MAX *
				    (HZ_EDITION_LEN + 2)];

	if (s == NULL)
		return err_set(e, ERR_UNAVAILABLE, "edition", "no GB 35181 "
		    "edition is loaded");
	if ((ed = hj_edition_find(s, edition)) == NULL)
		return err_set(e, ERR_INVALID, "edition", "unknown edition %s "
		    "(loaded: %.100s)", dck_show(edition, v),
		    hj_edition_names(s, names, sizeof(names)));
	*out = json_deep_copy(ed->doc);
	return 0;
}

int
hazard_judge_edition_on(const char *date, const char **out, struct err *e)
{
	const struct rec_dated_set	*s = hj_current();
	const struct hj_edition	*ed = NULL;
	char			 v[DCK_SHOW];
	int			 i;

	if (!dck_date_ok(date))
		return err_set(e, ERR_INVALID, "date", "%s is not a date "
		    "YYYY-MM-DD", dck_show(date, v));
	if (s == NULL)
		return err_set(e, ERR_UNAVAILABLE, "date", "no GB 35181 "
		    "edition is loaded");
	/* HAZ-J02: the latest effective on or before date... */
	for (i = 0; i < s->n && strcmp(hj_ed(s, i)->effective, date) <= 0; i++)
		ed = hj_ed(s, i);
	if (ed == NULL)
		return err_set(e, ERR_NOT_FOUND, "date", "no loaded edition of "
		    "GB 35181 was in force on %s (the first loaded took effect "
		    "on %s)", date, hj_ed(s, 0)->effective);
	/* ...unless replaced by an edition whose file is not loaded. */
	if (ed->superseded != NULL && strcmp(ed->superseded, date) <= 0)
		return err_set(e, ERR_NOT_FOUND, "date", "%s was replaced on "
		    "%s and no later edition is loaded", ed->standard,
		    ed->superseded);
	*out = ed->edition;
	return 0;
}

/* The judgement. */

static void	hj_reason(struct hazard_judgement *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Append to j->reason. */
static void
hj_reason(struct hazard_judgement *j, const char *fmt, ...)
{
	size_t	len = strlen(j->reason);
	va_list	ap;

	if (len + 1 >= sizeof(j->reason))
		return;
	va_start(ap, fmt);
	vsnprintf(j->reason + len, sizeof(j->reason) - len, fmt, ap);
	va_end(ap);
}

/* lead, then "7.3.1, 7.5": the present elements marked, by code. */
static void
hj_reason_codes(struct hazard_judgement *j, const struct hj_edition *ed,
    const unsigned char *present, const unsigned char *mark,
    const char *lead)
{
	int	i, k, first = 1;

	for (i = 0; i < ed->nel; i++) {
		k = ed->order[i];
		if (!present[k] || !mark[k])
			continue;
		hj_reason(j, "%s%s", first ? lead : ", ", ed->el[k].code);
		first = 0;
	}
}

/*
 * HAZ-J06: the elements marked in present[], each a code of the edition
 * (duplicates count once); else ERR_INVALID naming "elements".
 */
static int
hj_elements_mark(const struct hj_edition *ed, const char *const *elements,
    int n, unsigned char *present, struct err *e)
{
	char	v[DCK_SHOW];
	int	i, k;

	if (n < 0 || n > HAZARD_INPUT_MAX || (n > 0 && elements == NULL))
		return err_set(e, ERR_INVALID, "elements", "give 0 to %d "
		    "element codes", HAZARD_INPUT_MAX);
	for (i = 0; i < n; i++) {
		if (elements[i] == NULL)
			return err_set(e, ERR_INVALID, "elements", "element "
			    "%d is missing", i + 1);
		if ((k = hj_element_find(ed, elements[i])) < 0)
			return err_set(e, ERR_INVALID, "elements", "unknown "
			    "element %s in %s", dck_show(elements[i], v),
			    ed->standard);
		present[k] = 1;
	}
	return 0;
}

int
hazard_judge(const char *edition, const char *place,
    const char *const *elements, int n, const char *exclusion,
    struct hazard_judgement *out, struct err *e)
{
	const struct rec_dated_set		*s = hj_current();
	const struct hj_edition		*ed;
	const struct hj_place		*pl = NULL;
	const struct hj_exclusion	*ex = NULL;
	const struct hj_rule		*r, *best = NULL;
	unsigned char			 present[HAZARD_ELEMENTS_MAX] = { 0 };
	unsigned char			 direct[HAZARD_ELEMENTS_MAX] = { 0 };
	char				 v[DCK_SHOW], names[HZ_EDITIONS_MAX *
					    (HZ_EDITION_LEN + 2)];
	int				 i, k, rc, count, best_count = 0;
	int				 ndirect;

	if (s == NULL)
		return err_set(e, ERR_UNAVAILABLE, "edition", "no GB 35181 "
		    "edition is loaded");
	/* HAZ-J06: every value is checked before anything is decided. */
	if ((ed = hj_edition_find(s, edition)) == NULL)
		return err_set(e, ERR_INVALID, "edition", "unknown edition %s "
		    "(loaded: %.100s)", dck_show(edition, v),
		    hj_edition_names(s, names, sizeof(names)));
	for (i = 0; place != NULL && i < ed->npl && pl == NULL; i++)
		if (strcmp(ed->pl[i].code, place) == 0)
			pl = &ed->pl[i];
	if (pl == NULL)
		return err_set(e, ERR_INVALID, "place", "unknown place "
		    "category %s in %s", dck_show(place, v), ed->standard);
	if ((rc = hj_elements_mark(ed, elements, n, present, e)) < 0)
		return rc;
	for (i = 0; exclusion != NULL && i < ed->nex && ex == NULL; i++)
		if (strcmp(ed->ex[i].code, exclusion) == 0)
			ex = &ed->ex[i];
	if (exclusion != NULL && ex == NULL)
		return err_set(e, ERR_INVALID, "exclusion", "unknown exclusion "
		    "%s in %s", dck_show(exclusion, v), ed->standard);

	memset(out, 0, sizeof(*out));
	out->edition = ed->edition;
	for (i = 0; i < ed->nel; i++)
		if (present[ed->order[i]])
			out->elements[out->nelements++] =
			    ed->el[ed->order[i]].code;
	out->counted = out->threshold = -1;

	/* HAZ-J03: an exclusion of 5.1.3 ends the judgement. */
	if (ex != NULL) {
		out->outcome = HAZARD_EXCLUDED;
		out->method = HAZARD_METHOD_NONE;
		hj_reason(out, "excluded by %s %s (%s): not judged a major "
		    "hazard", ed->standard, ex->clause, ex->code);
		return 0;
	}

	/* HAZ-J04: any one direct element. */
	for (k = 0, ndirect = 0; k < ed->nel; k++)
		if (present[k] && ed->el[k].direct) {
			direct[k] = 1;
			ndirect++;
		}
	if (ndirect > 0) {
		out->outcome = HAZARD_MAJOR;
		out->method = HAZARD_METHOD_DIRECT;
		hj_reason(out, "direct element%s", ndirect > 1 ? "s" : "");
		hj_reason_codes(out, ed, present, direct, " ");
		return 0;
	}

	/*
	 * HAZ-J05: the first rule met, else the rule closest to being met
	 * (smallest threshold - counted, the first on a tie).
	 */
	for (i = 0; i < pl->nrules; i++) {
		r = &pl->rule[i];
		for (k = 0, count = 0; k < ed->nel; k++)
			count += present[k] && r->counts[k];
		if (best == NULL || (count >= r->threshold &&
		    best_count < best->threshold) ||
		    (best_count < best->threshold &&
		    r->threshold - count < best->threshold - best_count)) {
			best = r;
			best_count = count;
		}
	}
	out->counted = best_count;
	out->threshold = best->threshold;
	if (best_count >= best->threshold) {
		out->outcome = HAZARD_MAJOR;
		out->method = HAZARD_METHOD_COMPOSITE;
	} else {
		out->outcome = HAZARD_NOT_MAJOR;
		out->method = HAZARD_METHOD_NONE;
		hj_reason(out, "no direct element; closest rule: ");
	}
	if (best->any)
		hj_reason(out, "%d composite element%s for %s (threshold %d)",
		    best_count, best_count == 1 ? "" : "s", pl->name_en,
		    best->threshold);
	else
		hj_reason(out, "%d of the counted elements for %s (threshold "
		    "%d)", best_count, pl->name_en, best->threshold);
	hj_reason_codes(out, ed, present, best->counts, ": ");
	return 0;
}

const char *
hazard_outcome_str(enum hazard_outcome o)
{
	switch (o) {
	case HAZARD_MAJOR:
		return "major";
	case HAZARD_EXCLUDED:
		return "excluded";
	default:
		return "not-major";
	}
}

json_t *
hazard_judgement_json(const struct hazard_judgement *j)
{
	json_t	*o = json_object(), *list = json_array();
	int	 i, counts;

	counts = j->outcome != HAZARD_EXCLUDED &&
	    j->method != HAZARD_METHOD_DIRECT;
	json_object_set_new(o, "edition", json_string(j->edition));
	json_object_set_new(o, "outcome",
	    json_string(hazard_outcome_str(j->outcome)));
	json_object_set_new(o, "method", j->method == HAZARD_METHOD_DIRECT ?
	    json_string("direct") : j->method == HAZARD_METHOD_COMPOSITE ?
	    json_string("composite") : json_null());
	for (i = 0; i < j->nelements; i++)
		json_array_append_new(list, json_string(j->elements[i]));
	json_object_set_new(o, "elements", list);
	json_object_set_new(o, "counted", counts ?
	    json_integer(j->counted) : json_null());
	json_object_set_new(o, "threshold", counts ?
	    json_integer(j->threshold) : json_null());
	json_object_set_new(o, "reason", json_string(j->reason));
	return o;
}
