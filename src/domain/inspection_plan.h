/*
 * A plan row and the helpers the inspection files share about plans and
 * tasks.  Internal to the inspection module.
 */
#ifndef FW_INSPECTION_PLAN_H
#define FW_INSPECTION_PLAN_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"
#include "inspection_int.h"

struct store;
struct actor;

struct ins_plan {
	int64_t	 id;
	char	*name;
	char	*owner;		/* city | town:CODE */
	char	*towns;		/* sorted, comma-separated */
	int	 categories;
	char	*period_start, *period_end;
	int	 due_days;
	char	*team;		/* JSON text */
	int64_t	 max_load;
	char	*beacon_source, *beacon_round;
	int	 rule_version;	/* 0 until approved */
	char	*quotas;	/* JSON text, NULL until committed */
	char	*status;
	char	*cancel_reason;
	char	*approved_by;
	int64_t	 approved_at;
	char	*candidates_hash, *roster_hash;
	int64_t	 committed_at;
	int64_t	 commit_seq;	/* -1 until committed */
	char	*beacon_value, *seed;
	int64_t	 drawn_at;
	int64_t	 ncandidates, ninspectors, nselected, nunassigned;
	int64_t	 version, created_at, updated_at;
	char	*created_by;
};

extern const char *const	ins_departments[];

int	 ins_plan_fetch(struct store *st, int64_t id, struct ins_plan **out,
	    struct err *e);
void	 ins_plan_free(struct ins_plan *p);
json_t	*ins_plan_json(const struct ins_plan *p);
int	 ins_plan_visible(const struct actor *who, const struct ins_plan *p);
int	 ins_plan_load(struct store *st, struct actor *who, int64_t id,
	    struct ins_plan **out, struct err *e);
/*
 * A plan who may change with perm, at version expected (< 0: any) and in
 * one of states (NULL: any); ERR_STALE / ERR_POLICY otherwise.
 */
int	 ins_plan_target_state(struct store *st, struct actor *who,
	    int64_t id, const char *perm, int64_t expected,
	    const char *const *states, struct ins_plan **out, struct err *e);
/* The plan's audit entry with its record; *view (if not NULL) gets it. */
int	 ins_plan_audit(struct store *st, struct actor *who,
	    const char *action, int64_t id, json_t **view, struct err *e);
/* The scope's strata with populations and quotas (INS-023), sorted. */
int	 ins_strata(struct store *st, const struct ins_plan *p,
	    const struct ins_rules *rules, json_t **out, struct err *e);
/* A YYYY-MM-DD date of 2000..2999 into out (ERR_INVALID naming field). */
int	 ins_date(const char *s, const char *field, char out[11],
	    struct err *e);
/* "a,b" as a JSON list of strings. */
json_t	*ins_csv_json(const char *s);

/* Set a task's status and append its entry (inspection_task.c). */
int	 ins_task_set_status(struct store *st, struct actor *who,
	    int64_t id, const char *status, const char *action,
	    struct err *e);
/* Append a task's entry with its record. */
int	 ins_task_audit(struct store *st, struct actor *who,
	    const char *action, int64_t id, struct err *e);

#endif
