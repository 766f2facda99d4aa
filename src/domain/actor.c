/*
 * Actor helpers: construction for the system and the public, permission
 * checks.  The system actor holds every permission; it is only ever built
 * by the CLI and the scheduler, never from an HTTP request.
 */
#include <stdio.h>
#include <string.h>

#include "actor.h"

void
actor_system(struct actor *a, const char *request_id)
{
	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_SYSTEM;
	snprintf(a->login, sizeof(a->login), "system");
	snprintf(a->jurisdiction, sizeof(a->jurisdiction), "city");
	snprintf(a->request_id, sizeof(a->request_id), "%s",
	    request_id ? request_id : "cli");
	snprintf(a->ip, sizeof(a->ip), "local");
}

void
actor_public(struct actor *a, const char *request_id, const char *ip)
{
	memset(a, 0, sizeof(*a));
	a->kind = ACTOR_PUBLIC;
	snprintf(a->request_id, sizeof(a->request_id), "%s", request_id);
	snprintf(a->ip, sizeof(a->ip), "%s", ip);
}

int
actor_can(const struct actor *a, const char *perm)
{
	int	i;

	if (a->kind == ACTOR_SYSTEM)
		return 1;
	for (i = 0; i < a->nperms; i++)
		if (strcmp(a->perms[i], perm) == 0)
			return 1;
	return 0;
}

void
actor_audit_name(const struct actor *a, char out[24])
{
	switch (a->kind) {
	case ACTOR_USER:
		snprintf(out, 24, "%lld", (long long)a->user_id);
		break;
	case ACTOR_SYSTEM:
		snprintf(out, 24, "system");
		break;
	default:
		snprintf(out, 24, "public");
		break;
	}
}

void
actor_add_perm(struct actor *a, const char *perm)
{
	int	i;

	for (i = 0; i < a->nperms; i++)
		if (strcmp(a->perms[i], perm) == 0)
			return;
	if (a->nperms < ACTOR_MAX_PERMS && strlen(perm) < sizeof(a->perms[0]))
		snprintf(a->perms[a->nperms++], sizeof(a->perms[0]), "%s", perm);
}
