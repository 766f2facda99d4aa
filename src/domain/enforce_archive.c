/*
 * The archive of a case (一案一档, ENF-070..072; docs/modules/
 * enforce_archive.md): everything the case holds in the order of a case
 * file's catalogue (卷内目录) — filing, evidence with the SM3 of each
 * file, notification, statement and hearing, legal review, collective
 * discussion, decision, service, payment, closure — with the documents
 * that exist and where to get them, the decision record checked against
 * its sealed hash, and the case's audit entries.  Read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../store/store.h"
#include "actor.h"
#include "audit.h"
#include "enforce.h"
#include "enforce_int.h"
#include "enforce_pub.h"

#define ENF_ARCH_AUDIT_MAX	1000

static const struct {
	const char	*kind, *title_zh, *no_key, *day_key;
} enf_arch_docs[] = {
	{ "notice",	"行政处罚告知书",	"notice_no",	"notified_on" },
	{ "hearing",	"听证通知书",		NULL,		NULL },
	{ "decision",	"行政处罚决定书",	"decision_no",	"decided_on" },
	{ "no_penalty",	"不予行政处罚决定书",	"decision_no",	"decided_on" },
	{ "payment",	"缴款通知书",		NULL,		"served_on" },
};

static const char *
enf_arch_s(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* One line of the catalogue. */
static void
enf_arch_item(json_t *cat, const char *what, const char *no, const char *day,
    const char *ref)
{
	json_array_append_new(cat, json_pack("{s:I, s:s, s:s?, s:s?, s:s?}",
	    "seq", (json_int_t)json_array_size(cat) + 1, "item", what, "no",
	    no && *no ? no : NULL, "day", day && *day ? day : NULL, "ref",
	    ref));
}

/* ENF-071: the documents that exist, each with its number and address. */
static json_t *
enf_arch_documents(const json_t *c, int64_t id)
{
	json_t		*docs = json_array();
	struct err	 e;
	size_t		 i;
	char		*url;

	for (i = 0; i < sizeof(enf_arch_docs) / sizeof(enf_arch_docs[0]);
	    i++) {
		err_clear(&e);
		if (enforce_doc_ready(c, enf_arch_docs[i].kind, &e) < 0)
			continue;
		url = xasprintf("/api/v1/cases/%lld/documents/%s.pdf",
		    (long long)id, enf_arch_docs[i].kind);
		json_array_append_new(docs, json_pack("{s:s, s:s, s:s?, s:s?, "
		    "s:s}", "kind", enf_arch_docs[i].kind, "title_zh",
		    enf_arch_docs[i].title_zh, "no", enf_arch_docs[i].no_key ?
		    json_string_value(json_object_get(c,
		    enf_arch_docs[i].no_key)) : NULL, "day",
		    enf_arch_docs[i].day_key ? json_string_value(
		    json_object_get(c, enf_arch_docs[i].day_key)) : NULL, "url",
		    url));
		free(url);
	}
	return docs;
}

/* The evidence with its files' SM3 (the blob's name, checkable). */
static int
enf_arch_evidence(struct store *st, int64_t id, json_t **out, struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*list = json_array();
	int			 rc;

	if ((rc = store_query(st, "SELECT v.id, v.kind, v.file_id, v.ref_id, "
	    "v.description, v.collected_on, f.sm3, f.kind, f.bytes FROM "
	    "case_evidence v LEFT JOIN files f ON f.id = v.file_id WHERE "
	    "v.case_id = ? ORDER BY v.id", STORE_ARGS(SV_I(id)), &r, e)) < 0)
		goto fail;
	while ((rc = store_next(r, e)) == 1) {
		json_t	*f = json_null();
		char	 ids[3][24];

		snprintf(ids[0], sizeof(ids[0]), "%lld",
		    (long long)store_int(r, 0));
		snprintf(ids[1], sizeof(ids[1]), "%lld",
		    (long long)store_int(r, 2));
		snprintf(ids[2], sizeof(ids[2]), "%lld",
		    (long long)store_int(r, 3));
		if (!store_isnull(r, 2) && !store_isnull(r, 6))
			f = json_pack("{s:s, s:s, s:s, s:I}", "id", ids[1], "sm3",
			    store_text(r, 6), "kind", store_text(r, 7), "bytes",
			    (json_int_t)store_int(r, 8));
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:s?, "
		    "s:s, s:s}", "id", ids[0], "kind", store_text(r, 1), "file",
		    f, "ref_id", store_isnull(r, 3) ? NULL : ids[2],
		    "description", store_text(r, 4), "collected_on",
		    store_text(r, 5)));
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	*out = list;
	return 0;
fail:
	json_decref(list);
	return rc;
}

/* ENF-072: the decision record against the hash sealed at decision. */
static json_t *
enf_arch_seal(const json_t *c)
{
	const json_t	*d = json_object_get(c, "decision");
	const char	*h = enf_arch_s(c, "decision_hash");
	char		 now[2 * 32 + 1];

	if (!json_is_object(d) || *h == '\0')
		return json_null();
	audit_state_hash(d, now);
	return json_pack("{s:s, s:s, s:b}", "hash", h, "recomputed", now,
	    "intact", strcmp(now, h) == 0);
}

/* ENF-070: the catalogue in the order of a case file. */
static json_t *
enf_arch_catalogue(const json_t *c, const json_t *evidence,
    const json_t *docs)
{
	json_t		*cat = json_array();
	const json_t	*x;
	size_t		 i, k;
	char		 what[160];

	enf_arch_item(cat, "立案登记", enf_arch_s(c, "no"),
	    enf_arch_s(c, "filed_on"), NULL);
	json_array_foreach(evidence, i, x) {
		snprintf(what, sizeof(what), "证据：%s",
		    enf_arch_s(x, "description"));
		enf_arch_item(cat, what, NULL, enf_arch_s(x, "collected_on"),
		    enf_arch_s(x, "id"));
	}
	for (k = 0; k < sizeof(enf_arch_docs) / sizeof(enf_arch_docs[0]);
	    k++) {
		json_array_foreach(docs, i, x) {
			if (strcmp(enf_arch_s(x, "kind"),
			    enf_arch_docs[k].kind) != 0)
				continue;
			enf_arch_item(cat, enf_arch_docs[k].title_zh,
			    enf_arch_s(x, "no"), enf_arch_s(x, "day"),
			    enf_arch_s(x, "url"));
		}
		/* The records that come between the documents. */
		if (strcmp(enf_arch_docs[k].kind, "notice") == 0 &&
		    *enf_arch_s(c, "statement") != '\0')
			enf_arch_item(cat, "陈述申辩记录", NULL, NULL, NULL);
		if (strcmp(enf_arch_docs[k].kind, "hearing") == 0) {
			json_array_foreach(json_object_get(c, "hearings"), i, x)
				if (*enf_arch_s(x, "held_on") != '\0')
					enf_arch_item(cat, "听证笔录", NULL,
					    enf_arch_s(x, "held_on"), NULL);
			json_array_foreach(json_object_get(c, "reviews"), i, x)
				enf_arch_item(cat, "法制审核意见", NULL,
				    enf_arch_s(x, "reviewed_on"), NULL);
			json_array_foreach(json_object_get(c, "discussions"),
			    i, x)
				enf_arch_item(cat, "集体讨论记录", NULL,
				    enf_arch_s(x, "held_on"), NULL);
		}
	}
	if (*enf_arch_s(c, "served_on") != '\0')
		enf_arch_item(cat, "送达回证", NULL, enf_arch_s(c, "served_on"),
		    NULL);
	if (*enf_arch_s(c, "paid_on") != '\0')
		enf_arch_item(cat, "罚款缴纳凭证", NULL, enf_arch_s(c,
		    "paid_on"), NULL);
	if (*enf_arch_s(c, "closed_on") != '\0')
		enf_arch_item(cat, "结案报告", NULL, enf_arch_s(c,
		    "closed_on"), NULL);
	return cat;
}

int
enforce_archive(struct store *st, struct actor *who, int64_t id,
    json_t **out, struct err *e)
{
	json_t	*c = NULL, *ev = NULL, *docs, *aud = NULL, *seal;
	char	 ids[24];
	int64_t	 total = 0;
	int	 rc;

	if ((rc = enforce_case_can_read(st, who, id, e)) < 0 ||
	    (rc = enforce_case_full(st, id, 0, &c, e)) < 0)
		return rc;
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	if ((rc = enf_arch_evidence(st, id, &ev, e)) < 0 ||
	    (rc = audit_object_json(st, "case", ids, 0, ENF_ARCH_AUDIT_MAX,
	    &aud, &total, e)) < 0)
		goto out;
	docs = enf_arch_documents(c, id);
	seal = enf_arch_seal(c);
	*out = json_pack("{s:O, s:o, s:o, s:O, s:o, s:o, s:I, s:b}", "case", c,
	    "catalogue", enf_arch_catalogue(c, ev, docs), "documents", docs,
	    "evidence", ev, "decision_seal", seal, "audit", aud,
	    "audit_total", (json_int_t)total, "closed",
	    strcmp(enf_arch_s(c, "status"), "closed") == 0);
	aud = NULL;
out:
	json_decref(c);
	json_decref(ev);
	json_decref(aud);
	return rc;
}
