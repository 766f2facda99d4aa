/*
 * Who is acting: the authenticated user (or the system, or the public)
 * with their permissions and jurisdiction, plus the request context that
 * the audit trail records.  Built by the HTTP layer from the session, or
 * by the CLI; passed to every domain function that reads or writes.
 */
#ifndef FW_ACTOR_H
#define FW_ACTOR_H

#include <stdint.h>

#define ACTOR_MAX_PERMS	128

enum actor_kind { ACTOR_PUBLIC, ACTOR_USER, ACTOR_SYSTEM };

struct actor {
	enum actor_kind	 kind;
	int64_t		 user_id;
	int64_t		 session_id;
	char		 login[64];
	char		 jurisdiction[80];	/* city | town:CODE | grid:ID | unit:ID */
	char		 admin_kind[8];		/* sys | sec | audit | "" */
	int		 must_change;		/* password change pending */
	int		 totp_missing;		/* A-6 role without TOTP yet */
	char		 csrf[72];		/* the session's CSRF token */
	char		 token_hash[65];	/* SM3 of the session token */
	int		 nperms;
	char		 perms[ACTOR_MAX_PERMS][48];
	char		 request_id[40];
	char		 ip[64];
	int		 audit_count;		/* entries appended in this request */
};

/* A system actor (CLI, scheduler) holding every permission. */
void	actor_system(struct actor *a, const char *request_id);
/* An anonymous public actor. */
void	actor_public(struct actor *a, const char *request_id, const char *ip);
/* 1 if a holds permission perm ("<module>:<action>"), else 0. */
int	actor_can(const struct actor *a, const char *perm);
/* The actor as written in audit entries: user id, "system" or "public". */
void	actor_audit_name(const struct actor *a, char out[24]);
/* Add a permission (ignored when full or already present). */
void	actor_add_perm(struct actor *a, const char *perm);

#endif
