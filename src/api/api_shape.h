/*
 * The handler shapes most routes share, each given its domain function:
 * create from the body, read one record by id, update one with If-Match
 * and the body, change its state (If-Match optional or required), create
 * one under a parent.  A record answers with its ETag (its "version").
 */
#ifndef FW_API_SHAPE_H
#define FW_API_SHAPE_H

#include <stdint.h>

#include <jansson.h>

#include "../http/req.h"

struct store;
struct actor;
struct err;
struct buf;

typedef int (*api_new_fn)(struct store *, struct actor *, const json_t *,
    json_t **, struct err *);
typedef int (*api_get_fn)(struct store *, struct actor *, int64_t,
    json_t **, struct err *);
typedef int (*api_upd_fn)(struct store *, struct actor *, int64_t, int64_t,
    const json_t *, json_t **, struct err *);
typedef int (*api_state_fn)(struct store *, struct actor *, int64_t,
    int64_t, json_t **, struct err *);
typedef int (*api_all_fn)(struct store *, struct actor *, json_t **,
    struct err *);
typedef int (*api_child_fn)(struct store *, struct actor *, int64_t,
    const json_t *, json_t **, struct err *);

typedef int (*api_pdf_fn)(struct store *, struct actor *, int64_t,
    struct buf *, char **, struct err *);

/* A document of the record in {id} as PDF, downloaded under its name. */
int	api_pdf(struct req *r, struct resp *w, api_pdf_fn fn);
/* {"data": j} (201 if created) with ETag "version" when j has one. */
int	api_out(struct resp *w, json_t *j, int created);
/* If-Match when given, else *version = 0 (any version). */
int	api_if_match_opt(struct req *r, int64_t *version);

int	api_create(struct req *r, struct resp *w, api_new_fn fn);
int	api_by_id(struct req *r, struct resp *w, api_get_fn fn);
/* PATCH: If-Match required (428 without, 412 when stale). */
int	api_update(struct req *r, struct resp *w, api_upd_fn fn);
/* The same answering 201: a step that records something new. */
int	api_update_new(struct req *r, struct resp *w, api_upd_fn fn);
/* A state change with an optional If-Match (close, archive). */
int	api_state(struct req *r, struct resp *w, api_state_fn fn);
/* A step that must name the version it saw: If-Match required. */
int	api_step(struct req *r, struct resp *w, api_state_fn fn);
/* A short list answered whole (no paging): offset 0, limit = total. */
int	api_all(struct req *r, struct resp *w, api_all_fn fn);
/* Create a record under the one in {id}: 201. */
int	api_child(struct req *r, struct resp *w, api_child_fn fn);

#endif
