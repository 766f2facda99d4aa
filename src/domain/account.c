/*
 * Users, roles and permissions: the permission catalogue, validation of
 * logins, names, jurisdictions and role sets, the separation of the three
 * administrators, jurisdiction scoping of reads (Z-2), optimistic
 * locking, the canonical audit records, first-start bootstrap and
 * the console menu.  Logins and sessions are in account_session.c, the
 * password policy in account_pw.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/id.h"
#include "../core/jx.h"
#include "../core/mem.h"
#include "../core/str.h"
#include "account_int.h"
#include "audit.h"

/*
 * Keep in step with db/0002_roles.sql (what is seeded) and
 * docs/modules/account.md (what each one allows).
 */
const struct account_perm account_permissions[] = {
	{ "account:read",   NULL,    1, "查看用户",     "Read users" },
	{ "account:write",  "sys",   0, "管理用户",     "Manage users" },
	{ "role:read",      NULL,    1, "查看角色权限", "Read roles" },
	{ "role:write",     "sec",   0, "管理角色权限", "Manage role permissions" },
	{ "audit:read",     "audit", 0, "查阅审计日志", "Read the audit trail" },
	{ "registry:read",  NULL,    0, "查看单位档案", "Read the registry" },
	{ "registry:write", NULL,    0, "维护单位档案", "Maintain the registry" },
	{ "registry:unmask", NULL,   0, "查看个人信息明文", "Unmask personal data" },
	{ "risk:write",     NULL,    0, "记录风险事件", "Record risk events" },
	{ "hazard:read",    NULL,    0, "查看隐患",     "Read hazards" },
	{ "notice:read",    NULL,    0, "查看本单位通知", "Read one's unit's notices" },
	{ "hazard:write",   NULL,    0, "处置隐患",     "Handle hazards" },
	{ "hazard:report",  NULL,    0, "报告隐患整改", "Report rectification of one's hazards" },
	{ "hazard:dept",    NULL,    0, "办理移送隐患", "Handle hazards transferred to one's department" },
	{ "hazard:decide",  NULL,    0, "裁定移送争议", "Decide transfer disputes" },
	{ "hazard:judge",   NULL,    0, "判定重大火灾隐患", "Judge major fire hazards" },
	{ "hazard:list",    NULL,    0, "挂牌督办",     "List hazards for supervision" },
	{ "hazard:progress", NULL,   0, "报告督办进展", "Report progress on listed hazards" },
	{ "hazard:seal",    NULL,    0, "临时查封",     "Order temporary seals" },
	{ "patrol:read",    NULL,    0, "查看巡查台账", "Read patrol ledgers" },
	{ "patrol:write",   NULL,    0, "网格巡查",     "Record patrols" },
	{ "patrol:police",  NULL,    0, "派出所消防检查", "Record police stations' fire checks" },
	{ "permit:read",    NULL,    0, "查看许可申请", "Read opening-permit applications" },
	{ "permit:apply",   NULL,    0, "申请营业前消防安全检查", "Apply for opening permits" },
	{ "permit:decide",  NULL,    0, "作出许可决定", "Decide opening permits" },
	{ "permit:verify",  NULL,    0, "告知承诺核查", "Verify commitments on site" },
	{ "inspection:read", NULL,   0, "查看双随机抽查", "Read random inspections" },
	{ "inspection:write", NULL,  0, "编制抽查计划和名录库", "Maintain plans and directories" },
	{ "inspection:approve", NULL, 0, "审批抽查计划", "Approve inspection plans" },
	{ "inspection:draw", NULL,   0, "录入随机源数值", "Enter beacon values" },
	{ "inspection:check", NULL,  0, "实施检查", "Carry out checks" },
	{ "inspection:rules", "sec", 0, "配置抽查比例规则", "Configure sampling rules" },
	{ "case:read",      NULL,    0, "查看执法案件", "Read enforcement cases" },
	{ "case:write",     NULL,    0, "办理执法案件", "Handle enforcement cases" },
	{ "case:review",    NULL,    0, "法制审核",     "Legal review of cases" },
	{ "case:discuss",   NULL,    0, "集体讨论",     "Record collective discussions" },
	{ "case:approve",   NULL,    0, "审批延期和回避", "Approve extensions and recusals" },
	{ "case:supervise", NULL,    0, "执法监督",     "Supervise enforcement: flags and overdue steps" },
	{ "officer:manage", NULL,    0, "管理执法证和回避事由", "Manage enforcement certificates and conflicts" },
	{ "iot:read",       NULL,    0, "查看物联网监测", "Read IoT monitoring: devices, alarms, conditions" },
	{ "iot:write",      NULL,    0, "登记物联网设备", "Register IoT devices, confirm alarms and repairs" },
	{ "iot:confirm",    NULL,    0, "确认本单位火警和修复", "Confirm one's unit's alarms and repairs" },
	{ "files:write",    NULL,    0, "上传照片签名和文书", "Upload photos, signatures and documents" },
	{ "files:original", NULL,    0, "下载原始证据文件", "Download original evidence files" },
	{ NULL, NULL, 0, NULL, NULL },
};

/* Console sections; perm "login" means every signed-in user. */
static const struct {
	const char	*key, *title_zh, *title_en, *path, *perm;
} account_menu[] = {
	{ "home",    "首页",     "Home",        "/",        "login" },
	{ "units",   "单位档案", "Units",       "/units",   "registry:read" },
	{ "inspection", "双随机抽查", "Random inspections", "/inspection", "inspection:read" },
	{ "sampling", "抽查细则", "Sampling rules", "/inspection/rules", "inspection:rules" },
	{ "hazards", "隐患治理", "Hazards", "/hazards", "hazard:read" },
	{ "patrols", "网格巡查", "Patrols", "/patrols", "patrol:read" },
	{ "permits", "营业前检查", "Opening permits", "/permits", "permit:read" },
	{ "iot",     "物联网监测", "IoT monitoring", "/iot", "iot:read" },
	{ "cases",   "执法办案", "Enforcement cases", "/cases", "case:read" },
	{ "notices", "消息通知", "Notices", "/notices", "notice:read" },
	{ "risk",    "风险模型", "Risk model",  "/risk/model", "registry:read" },
	{ "users",   "用户管理", "Users",       "/users",   "account:read" },
	{ "roles",   "角色权限", "Roles",       "/roles",   "role:read" },
	{ "audit",   "审计日志", "Audit trail", "/audit",   "audit:read" },
	{ "profile", "个人中心", "Profile",     "/profile", "login" },
};

/* Roles whose holders must enrol a second factor. */
static const char *const account_totp_roles[] = {
	"sysadmin", "secadmin", "auditor", "leader", "legal", NULL,
};

static unsigned char	account_key[CRYPTO_SEAL_KEY_LEN];
static int		account_have_key;

/* The columns account_user_from_row() reads, in its order. */
#define ACCOUNT_SQL_USER \
    "SELECT id, login, display_name, jurisdiction, status, password_hash, " \
    "password_changed_at, must_change, failed_count, locked_until, " \
    "totp_enabled, version, created_at, updated_at FROM users "

static const char account_sql_user_id[] = ACCOUNT_SQL_USER "WHERE id = ?";
static const char account_sql_user_login[] = ACCOUNT_SQL_USER "WHERE login = ?";
static const char account_sql_user_roles[] =
    "SELECT ur.role_id, r.admin_kind FROM user_roles ur "
    "JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = ?";
static const char account_sql_login_taken[] =
    "SELECT COUNT(*) FROM users WHERE login = ?";
static const char account_sql_user_ins[] =
    "INSERT INTO users (id, login, display_name, jurisdiction, status, "
    "password_hash, password_changed_at, must_change, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)";
static const char account_sql_user_role_ins[] =
    "INSERT INTO user_roles (user_id, role_id) VALUES (?, ?)";
static const char account_sql_user_roles_del[] =
    "DELETE FROM user_roles WHERE user_id = ?";
static const char account_sql_user_upd[] =
    "UPDATE users SET display_name = ?, jurisdiction = ?, "
    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?";
static const char account_sql_user_disable[] =
    "UPDATE users SET status = 'disabled', version = version + 1, "
    "updated_at = ? WHERE id = ?";
static const char account_sql_user_enable[] =
    "UPDATE users SET status = 'active', failed_count = 0, "
    "locked_until = 0, version = version + 1, updated_at = ? WHERE id = ?";
static const char account_sql_user_reset[] =
    "UPDATE users SET password_hash = ?, password_changed_at = ?, "
    "must_change = 1, failed_count = 0, locked_until = 0, "
    "version = version + 1, updated_at = ? WHERE id = ?";
static const char account_sql_user_totp_off[] =
    "UPDATE users SET totp_enabled = 0, totp_secret = NULL, "
    "totp_pending = NULL, totp_last_step = 0 WHERE id = ?";
static const char account_sql_role_kind[] =
    "SELECT admin_kind FROM roles WHERE id = ?";
static const char account_sql_role[] =
    "SELECT id, name_zh, name_en, admin_kind, version, updated_at "
    "FROM roles WHERE id = ?";
static const char account_sql_role_ids[] =
    "SELECT id FROM roles ORDER BY position, id";
static const char account_sql_role_perms[] =
    "SELECT permission FROM role_permissions WHERE role_id = ?";
static const char account_sql_role_bump[] =
    "UPDATE roles SET version = version + 1, updated_at = ? "
    "WHERE id = ? AND version = ?";
static const char account_sql_role_perms_del[] =
    "DELETE FROM role_permissions WHERE role_id = ?";
static const char account_sql_role_perm_ins[] =
    "INSERT INTO role_permissions (role_id, permission) VALUES (?, ?)";
static const char account_sql_role_held[] =
    "SELECT COUNT(*) FROM user_roles WHERE role_id = ?";

void
account_set_data_key(const unsigned char key[CRYPTO_SEAL_KEY_LEN])
{
	memcpy(account_key, key, CRYPTO_SEAL_KEY_LEN);
	account_have_key = 1;
}

const unsigned char *
account_data_key(void)
{
	return account_have_key ? account_key : NULL;
}

const struct account_perm *
account_perm_find(const char *perm)
{
	const struct account_perm	*p;

	for (p = account_permissions; p->perm; p++)
		if (strcmp(p->perm, perm) == 0)
			return p;
	return NULL;
}

json_t *
account_permissions_json(void)
{
	const struct account_perm	*p;
	json_t				*a = json_array();

	for (p = account_permissions; p->perm; p++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:s, s:s}",
		    "perm", p->perm,
		    "admin_kind", jx_str_or_null(p->admin_kind),
		    "title_zh", p->title_zh, "title_en", p->title_en));
	return a;
}

/* Z-2 (ACC-009): city covers every jurisdiction; others only their own. */
int
account_covers(const struct actor *who, const char *jur)
{
	if (who->kind == ACTOR_SYSTEM)
		return 1;
	if (who->kind != ACTOR_USER)
		return 0;
	return strcmp(who->jurisdiction, "city") == 0 ||
	    strcmp(who->jurisdiction, jur) == 0;
}

static int
account_need(const struct actor *who, const char *perm, struct err *e)
{
	if (!actor_can(who, perm))
		return err_set(e, ERR_FORBIDDEN, NULL, "permission %s required",
		    perm);
	return 0;
}

/* ACC-001: 3-32 characters of [a-z0-9_.-]. */
static int
account_login_check(const char *login, struct err *e)
{
	size_t	n, i;

	if (login == NULL)
		return err_set(e, ERR_MISSING, "login", "login is required");
	n = strlen(login);
	if (n < ACCOUNT_LOGIN_MIN || n > ACCOUNT_LOGIN_MAX)
		return err_set(e, ERR_INVALID, "login", "login must be %d to "
		    "%d characters long", ACCOUNT_LOGIN_MIN, ACCOUNT_LOGIN_MAX);
	for (i = 0; i < n; i++)
		if (!((login[i] >= 'a' && login[i] <= 'z') ||
		    (login[i] >= '0' && login[i] <= '9') || login[i] == '_' ||
		    login[i] == '.' || login[i] == '-'))
			return err_set(e, ERR_INVALID, "login", "login may "
			    "only contain a-z, 0-9, '_', '.' and '-'");
	return 0;
}

/* ACC-002: 1-64 code points of valid UTF-8 without control characters. */
static int
account_name_check(const char *name, struct err *e)
{
	size_t	n, cps, i;

	if (name == NULL)
		return err_set(e, ERR_MISSING, "display_name",
		    "display_name is required");
	n = strlen(name);
	if (!str_utf8_valid(name, n))
		return err_set(e, ERR_INVALID, "display_name",
		    "display_name is not valid UTF-8");
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return err_set(e, ERR_INVALID, "display_name",
			    "display_name contains control characters");
	cps = str_utf8_len(name);
	if (cps < 1 || cps > ACCOUNT_NAME_MAX)
		return err_set(e, ERR_INVALID, "display_name", "display_name "
		    "must be 1 to %d characters long", ACCOUNT_NAME_MAX);
	return 0;
}

static int
account_digits(const char *s, size_t min, size_t max, int lead_zero_ok)
{
	size_t	n = strlen(s), i;

	if (n < min || n > max)
		return 0;
	if (!lead_zero_ok && s[0] == '0')
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* ACC-004: city | town:<9 digits> | grid:<id> | unit:<id>. */
static int
account_jur_check(const char *j, struct err *e)
{
	int64_t	id;

	if (j != NULL) {
		if (strcmp(j, "city") == 0)
			return 0;
		if (strncmp(j, "town:", 5) == 0 &&
		    account_digits(j + 5, 9, 9, 1))
			return 0;
		if ((strncmp(j, "grid:", 5) == 0 ||
		    strncmp(j, "unit:", 5) == 0) &&
		    account_digits(j + 5, 1, 19, 0) &&
		    str_to_i64(j + 5, 1, INT64_MAX, &id) == 0)
			return 0;
		/* A partner department, city-wide or one town's office
		 * (HAZ-014): dept:<code> or dept:<code>:<town>. */
		if (strncmp(j, "dept:", 5) == 0) {
			const char	*c = j + 5;
			size_t		 n = strspn(c, "abcdefghijklmnopqrstuvwxyz");

			if (n >= 1 && n <= 15 && (c[n] == '\0' ||
			    (c[n] == ':' && account_digits(c + n + 1, 9, 9, 1))))
				return 0;
		}
	}
	return err_set(e, ERR_INVALID, "jurisdiction", "jurisdiction must be "
	    "city, town:<9-digit code>, grid:<id>, unit:<id> or "
	    "dept:<code>[:<town>]");
}

/* The admin_kind of a role into kind ("" for business roles). */
static int
account_role_kind(struct store *st, const char *role, char kind[8],
    struct err *e)
{
	char	*k = NULL;
	int	 rc;

	if ((rc = store_query_text(st, account_sql_role_kind,
	    STORE_ARGS(SV_S(role)), &k, e)) < 0)
		return rc;
	snprintf(kind, 8, "%s", k ? k : "");
	free(k);
	return 0;
}

/*
 * ACC-003 and A-7: a non-empty list of known, distinct roles; a 三员 role
 * stands alone.  kind receives the 三员 kind, or "".
 */
static int
account_roles_check(struct store *st, const char *const *roles, int n,
    char kind[8], struct err *e)
{
	char	k[8];
	int	i, j, rc, admin = -1;

	kind[0] = '\0';
	if (n < 1 || roles == NULL)
		return err_set(e, ERR_INVALID, "roles",
		    "at least one role is required");
	if (n > ACCOUNT_MAX_ROLES)
		return err_set(e, ERR_INVALID, "roles", "too many roles");
	for (i = 0; i < n; i++) {
		if (roles[i] == NULL || strlen(roles[i]) >= ACCOUNT_ROLE_ID_MAX)
			return err_set(e, ERR_INVALID, "roles", "unknown role");
		for (j = 0; j < i; j++)
			if (strcmp(roles[i], roles[j]) == 0)
				return err_set(e, ERR_INVALID, "roles",
				    "role %s is listed twice", roles[i]);
		rc = account_role_kind(st, roles[i], k, e);
		if (rc == ERR_NOT_FOUND)
			return err_set(e, ERR_INVALID, "roles",
			    "unknown role %s", roles[i]);
		if (rc < 0)
			return rc;
		if (k[0] != '\0') {
			admin = i;
			memcpy(kind, k, 8);
		}
	}
	if (admin >= 0 && n > 1)
		return err_set(e, ERR_POLICY, "roles", "the administrator role "
		    "%s cannot be combined with any other role (A-7)",
		    roles[admin]);
	return 0;
}

static int
account_cmp_role(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Roles, 三员 kind and the A-6 flag of u. */
static int
account_user_roles(struct store *st, struct account_user *u, struct err *e)
{
	struct store_rows	*r = NULL;
	const char		*const *t;
	int			 rc, i;

	u->nroles = 0;
	u->admin_kind[0] = '\0';
	if ((rc = store_query(st, account_sql_user_roles,
	    STORE_ARGS(SV_I(u->id)), &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1) {
		if (u->nroles == ACCOUNT_MAX_ROLES)
			continue;
		snprintf(u->roles[u->nroles++], ACCOUNT_ROLE_ID_MAX, "%s",
		    store_text(r, 0));
		if (!store_isnull(r, 1))
			snprintf(u->admin_kind, sizeof(u->admin_kind), "%s",
			    store_text(r, 1));
	}
	if (rc < 0)
		goto out;
	qsort(u->roles, (size_t)u->nroles, sizeof(u->roles[0]),
	    account_cmp_role);
	u->totp_required = 0;
	for (i = 0; i < u->nroles && !u->totp_enabled; i++)
		for (t = account_totp_roles; *t; t++)
			if (strcmp(*t, u->roles[i]) == 0)
				u->totp_required = 1;
	rc = 0;
out:
	store_rows_free(r);
	return rc;
}

/* A user from a row of ACCOUNT_SQL_USER. */
static void
account_user_from_row(struct store_rows *r, struct account_user *u,
    int64_t now)
{
	char	hex[2 * CRYPTO_SM3_LEN + 1];

	u->id = store_int(r, 0);
	snprintf(u->login, sizeof(u->login), "%s", store_text(r, 1));
	snprintf(u->display_name, sizeof(u->display_name), "%s",
	    store_text(r, 2));
	snprintf(u->jurisdiction, sizeof(u->jurisdiction), "%s",
	    store_text(r, 3));
	snprintf(u->status, sizeof(u->status), "%s", store_text(r, 4));
	/* The credential fingerprint lets audit verify --deep see a
	 * hash edited in the database. */
	u->credential[0] = '\0';
	if (!store_isnull(r, 5)) {
		crypto_sm3_hex(store_text(r, 5), strlen(store_text(r, 5)), hex);
		memcpy(u->credential, hex, 16);
		u->credential[16] = '\0';
	}
	u->password_changed_at = store_int(r, 6);
	u->must_change = store_int(r, 7) != 0;
	u->failed_count = (int)store_int(r, 8);
	u->locked_until = store_int(r, 9);
	u->totp_enabled = store_int(r, 10) != 0;
	u->version = store_int(r, 11);
	u->created_at = store_int(r, 12);
	u->updated_at = store_int(r, 13);
	u->password_expired = account_pw_expired(u->password_changed_at, now);
}

int
account_user_fetch(struct store *st, int64_t id, const char *login,
    struct account_user **out, char **hash_out, struct err *e)
{
	struct store_rows	*r = NULL;
	struct account_user	*u = NULL;
	char			*hash = NULL;
	int			 rc;

	if (login != NULL)
		rc = store_query(st, account_sql_user_login,
		    STORE_ARGS(SV_S(login)), &r, e);
	else
		rc = store_query(st, account_sql_user_id,
		    STORE_ARGS(SV_I(id)), &r, e);
	if (rc < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such user");
		goto out;
	}
	u = xcalloc(1, sizeof(*u));
	account_user_from_row(r, u, clock_now());
	if (hash_out != NULL && !store_isnull(r, 5))
		hash = xstrdup(store_text(r, 5));
	store_rows_free(r);
	r = NULL;
	if ((rc = account_user_roles(st, u, e)) < 0)
		goto out;
	*out = u;
	u = NULL;
	if (hash_out != NULL) {
		*hash_out = hash;
		hash = NULL;
	}
	rc = 0;
out:
	store_rows_free(r);
	mem_free_secret(hash);
	free(u);
	return rc;
}

void
account_user_free(struct account_user *u)
{
	free(u);
}

static json_t *
account_roles_json(const struct account_user *u)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; i < u->nroles; i++)
		json_array_append_new(a, json_string(u->roles[i]));
	return a;
}

json_t *
account_user_json(const struct account_user *u)
{
	int64_t	now = clock_now();
	int	locked = u->locked_until > now;

	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:b, s:b,"
	    " s:b, s:I, s:I, s:I, s:I, s:I}",
	    "id", jx_id(u->id),
	    "login", u->login,
	    "display_name", u->display_name,
	    "jurisdiction", u->jurisdiction,
	    "status", u->status,
	    "roles", account_roles_json(u),
	    "admin_kind", jx_str_or_null(u->admin_kind[0] ? u->admin_kind :
	    NULL),
	    "must_change", u->must_change || u->password_expired,
	    "totp_enabled", u->totp_enabled,
	    "totp_required", u->totp_required,
	    "locked", locked,
	    "locked_until", (json_int_t)(locked ? u->locked_until : 0),
	    "password_changed_at", (json_int_t)u->password_changed_at,
	    "version", (json_int_t)u->version,
	    "created_at", (json_int_t)u->created_at,
	    "updated_at", (json_int_t)u->updated_at);
}

json_t *
account_user_record_json(const struct account_user *u)
{
	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:I, s:I,"
	    " s:I, s:s}",
	    "id", jx_id(u->id),
	    "login", u->login,
	    "display_name", u->display_name,
	    "jurisdiction", u->jurisdiction,
	    "status", u->status,
	    "roles", account_roles_json(u),
	    "must_change", u->must_change,
	    "totp_enabled", u->totp_enabled,
	    "version", (json_int_t)u->version,
	    "created_at", (json_int_t)u->created_at,
	    "updated_at", (json_int_t)u->updated_at,
	    "credential", u->credential);
}

int
account_user_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct account_user	*u = NULL;
	int64_t			 uid;
	int			 rc;

	if (id == NULL || str_to_i64(id, 1, INT64_MAX, &uid) < 0)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such user");
	if ((rc = account_user_fetch(st, uid, NULL, &u, NULL, e)) < 0)
		return rc;
	*out = account_user_record_json(u);
	account_user_free(u);
	return 0;
}

int
account_user_audit(struct store *st, struct actor *who, const char *action,
    int64_t id, struct account_user **out, struct err *e)
{
	struct account_user	*u = NULL;
	json_t			*rec = NULL;
	int			 rc;

	if ((rc = account_user_fetch(st, id, NULL, &u, NULL, e)) < 0)
		goto out;
	rec = account_user_record_json(u);
	if ((rc = audit_append_id(st, who, action, "user", id, rec, e)) < 0)
		goto out;
	if (out != NULL) {
		*out = u;
		u = NULL;
	}
	rc = 0;
out:
	json_decref(rec);
	account_user_free(u);
	return rc;
}

static int
account_user_set_roles(struct store *st, int64_t id, const char *const *roles,
    int n, struct err *e)
{
	int	i, rc;

	if ((rc = store_exec(st, account_sql_user_roles_del,
	    STORE_ARGS(SV_I(id)), NULL, e)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if ((rc = store_exec(st, account_sql_user_role_ins,
		    STORE_ARGS(SV_I(id), SV_S(roles[i])), NULL, e)) < 0)
			return rc;
	return 0;
}

/* ACC-005: only the system actor (the CLI) manages 三员 accounts. */
static int
account_admin_guard(const struct actor *who, const char *kind,
    struct err *e)
{
	if (kind[0] != '\0' && who->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, "roles", "administrator "
		    "accounts are managed with the firewarden command only "
		    "(ACC-005)");
	return 0;
}

/*
 * Validate a new user's attributes; jur receives the jurisdiction to
 * store (defaulted to city for a 三员 role).
 */
static int
account_user_validate(struct store *st, const struct actor *who,
    const struct account_user_input *in, char jur[80], char kind[8],
    struct err *e)
{
	int	rc;

	if ((rc = account_login_check(in->login, e)) < 0 ||
	    (rc = account_name_check(in->display_name, e)) < 0)
		return rc;
	if (!in->has_roles)
		return err_set(e, ERR_MISSING, "roles", "roles is required");
	if ((rc = account_roles_check(st, in->roles, in->nroles, kind, e)) < 0)
		return rc;
	if (in->jurisdiction == NULL && kind[0] == '\0')
		return err_set(e, ERR_MISSING, "jurisdiction",
		    "jurisdiction is required");
	if (in->jurisdiction != NULL &&
	    (rc = account_jur_check(in->jurisdiction, e)) < 0)
		return rc;
	snprintf(jur, 80, "%s", in->jurisdiction ? in->jurisdiction : "city");
	/* the 三员 work city-wide. */
	if (kind[0] != '\0' && strcmp(jur, "city") != 0)
		return err_set(e, ERR_POLICY, "jurisdiction", "administrators "
		    "have the jurisdiction city (A-7)");
	if ((rc = account_admin_guard(who, kind, e)) < 0)
		return rc;
	if (!account_covers(who, jur))
		return err_set(e, ERR_FORBIDDEN, "jurisdiction",
		    "outside your jurisdiction (Z-2)");
	return 0;
}

static int
account_user_insert(struct store *st, struct actor *who,
    const struct account_user_input *in, const char *password,
    int must_change, struct account_user **out, struct err *e)
{
	char	 jur[80], kind[8], *hash = NULL;
	int64_t	 id, now, n;
	int	 rc;

	if ((rc = account_need(who, "account:write", e)) < 0)
		goto out;
	if ((rc = account_user_validate(st, who, in, jur, kind, e)) < 0)
		goto out;
	if ((rc = account_pw_policy(in->login, password, kind[0] != '\0',
	    "password", e)) < 0)
		goto out;
	if ((rc = store_query_int(st, account_sql_login_taken,
	    STORE_ARGS(SV_S(in->login)), &n, e)) < 0)
		goto out;
	if (n > 0) {
		rc = err_set(e, ERR_CONFLICT, "login", "login %s is taken",
		    in->login);
		goto out;
	}
	if ((rc = crypto_password_hash(password, &hash, e)) < 0)
		goto out;
	id = id_next();
	now = clock_now();
	if ((rc = store_exec(st, account_sql_user_ins, STORE_ARGS(SV_I(id),
	    SV_S(in->login), SV_S(in->display_name), SV_S(jur), SV_S(hash),
	    SV_I(now), SV_I(must_change ? 1 : 0), SV_I(now), SV_I(now)), NULL,
	    e)) < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "login", "login %s is taken",
			    in->login);
		goto out;
	}
	if ((rc = account_user_set_roles(st, id, in->roles, in->nroles,
	    e)) < 0)
		goto out;
	if ((rc = account_pw_remember(st, id, hash, now, e)) < 0)
		goto out;
	rc = account_user_audit(st, who, "user.create", id, out, e);
out:
	mem_free_secret(hash);
	return rc;
}

int
account_user_create(struct store *st, struct actor *who,
    const struct account_user_input *in, const char *password,
    struct account_user **out, struct err *e)
{
	return account_user_insert(st, who, in, password, 1, out, e);
}

int
account_user_get(struct store *st, struct actor *who, int64_t id,
    struct account_user **out, struct err *e)
{
	struct account_user	*u = NULL;
	int			 rc;

	if ((rc = account_user_fetch(st, id, NULL, &u, NULL, e)) < 0)
		return rc;
	/* Z-2: another jurisdiction's user does not exist for who. */
	if (!account_covers(who, u->jurisdiction)) {
		account_user_free(u);
		return err_set(e, ERR_NOT_FOUND, NULL, "no such user");
	}
	*out = u;
	return 0;
}

/*
 * An existing user that who may change: visible (else ERR_NOT_FOUND) and
 * not a 三员 account unless who is the system actor (ACC-005).
 */
static int
account_user_target(struct store *st, struct actor *who, int64_t id,
    struct account_user **out, struct err *e)
{
	struct account_user	*u = NULL;
	int			 rc;

	if ((rc = account_need(who, "account:write", e)) < 0)
		return rc;
	if ((rc = account_user_get(st, who, id, &u, e)) < 0)
		return rc;
	if ((rc = account_admin_guard(who, u->admin_kind, e)) < 0) {
		account_user_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

static const struct {
	const char	*key;
	const char	*sql;
} account_sorts[] = {
	{ "login",		"login" },
	{ "display_name",	"display_name" },
	{ "status",		"status" },
	{ "created_at",		"created_at" },
	{ "updated_at",		"updated_at" },
	{ NULL, NULL },
};

int
account_user_list(struct store *st, struct actor *who,
    const struct account_user_query *q, json_t **items, int64_t *total,
    struct err *e)
{
	struct store_val	 args[8];
	struct store_rows	*r = NULL;
	struct account_user	*u;
	struct buf		 where, sql;
	json_t			*a = NULL;
	const char		*sort = q->sort, *col = NULL;
	char			*pat = NULL, kind[8];
	size_t			 i, j, n;
	int64_t			 now = clock_now();
	int			 nargs = 0, desc = 0, rc;

	buf_init(&where);
	buf_init(&sql);
	if (who->kind == ACTOR_PUBLIC) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, NULL);
		goto out;
	}
	if (sort == NULL || *sort == '\0')
		sort = "login";
	if (*sort == '-') {
		desc = 1;
		sort++;
	}
	for (i = 0; account_sorts[i].key; i++)
		if (strcmp(account_sorts[i].key, sort) == 0)
			col = account_sorts[i].sql;
	if (col == NULL) {
		rc = err_set(e, ERR_INVALID, "sort", "cannot sort by %.40s",
		    sort);
		goto out;
	}
	if (q->offset < 0 || q->limit < 1 || q->limit > 1000) {
		rc = err_set(e, ERR_INVALID, "limit", "bad offset or limit");
		goto out;
	}
	buf_adds(&where, "WHERE 1 = 1");
	if (q->q != NULL && *q->q != '\0') {
		n = strlen(q->q);
		if (!str_utf8_valid(q->q, n) || str_utf8_len(q->q) > 64) {
			rc = err_set(e, ERR_INVALID, "q", "q must be at most "
			    "64 characters");
			goto out;
		}
		/* Case-insensitive substring on both backends; the user's
		 * text is escaped so that % and _ match themselves. */
		pat = xmalloc(2 * n + 3);
		j = 0;
		pat[j++] = '%';
		for (i = 0; i < n; i++) {
			char	c = q->q[i];

			if (c == '%' || c == '_' || c == '\\')
				pat[j++] = '\\';
			pat[j++] = (c >= 'A' && c <= 'Z') ?
			    (char)(c - 'A' + 'a') : c;
		}
		pat[j++] = '%';
		pat[j] = '\0';
		buf_adds(&where, " AND (LOWER(login) LIKE ? ESCAPE '\\' OR "
		    "LOWER(display_name) LIKE ? ESCAPE '\\')");
		args[nargs++] = SV_S(pat);
		args[nargs++] = SV_S(pat);
	}
	if (q->status != NULL && *q->status != '\0') {
		if (strcmp(q->status, "active") != 0 &&
		    strcmp(q->status, "disabled") != 0) {
			rc = err_set(e, ERR_INVALID, "status",
			    "status must be active or disabled");
			goto out;
		}
		buf_adds(&where, " AND status = ?");
		args[nargs++] = SV_S(q->status);
	}
	if (q->role != NULL && *q->role != '\0') {
		rc = account_role_kind(st, q->role, kind, e);
		if (rc == ERR_NOT_FOUND)
			rc = err_set(e, ERR_INVALID, "role", "unknown role");
		if (rc < 0)
			goto out;
		buf_adds(&where, " AND EXISTS (SELECT 1 FROM user_roles ur "
		    "WHERE ur.user_id = users.id AND ur.role_id = ?)");
		args[nargs++] = SV_S(q->role);
	}
	/* Z-2: below city level only one's own jurisdiction. */
	if (who->kind != ACTOR_SYSTEM &&
	    strcmp(who->jurisdiction, "city") != 0) {
		buf_adds(&where, " AND jurisdiction = ?");
		args[nargs++] = SV_S(who->jurisdiction);
	}

	buf_printf(&sql, "SELECT COUNT(*) FROM users %s", where.data);
	if ((rc = store_query_int(st, sql.data, args, nargs, total, e)) < 0)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, "%s%s ORDER BY %s %s, id %s LIMIT ? OFFSET ?",
	    ACCOUNT_SQL_USER, where.data, col, desc ? "DESC" : "ASC",
	    desc ? "DESC" : "ASC");
	args[nargs++] = SV_I(q->limit);
	args[nargs++] = SV_I(q->offset);
	if ((rc = store_query(st, sql.data, args, nargs, &r, e)) < 0)
		goto out;
	a = json_array();
	u = xcalloc(1, sizeof(*u));
	while ((rc = store_next(r, e)) == 1) {
		memset(u, 0, sizeof(*u));
		account_user_from_row(r, u, now);
		if ((rc = account_user_roles(st, u, e)) < 0)
			break;
		json_array_append_new(a, account_user_json(u));
	}
	free(u);
	if (rc < 0)
		goto out;
	*items = a;
	a = NULL;
	rc = 0;
out:
	json_decref(a);
	store_rows_free(r);
	buf_free(&where);
	buf_free(&sql);
	free(pat);
	return rc;
}

int
account_user_update(struct store *st, struct actor *who, int64_t id,
    int64_t expected, const struct account_user_input *in,
    struct account_user **out, struct err *e)
{
	struct account_user		*u = NULL;
	struct account_user_input	 v;
	const char			*roles[ACCOUNT_MAX_ROLES];
	char				 jur[80], kind[8];
	int64_t				 changes;
	int				 i, rc;

	if ((rc = account_user_target(st, who, id, &u, e)) < 0)
		goto out;
	/* The record after the change, validated as a whole. */
	v = *in;
	v.login = u->login;
	if (v.display_name == NULL)
		v.display_name = u->display_name;
	if (!v.has_roles) {
		for (i = 0; i < u->nroles; i++)
			roles[i] = u->roles[i];
		v.has_roles = 1;
		v.roles = roles;
		v.nroles = u->nroles;
	}
	if (v.jurisdiction == NULL)
		v.jurisdiction = u->jurisdiction;
	if ((rc = account_user_validate(st, who, &v, jur, kind, e)) < 0)
		goto out;
	if (u->version != expected) {
		rc = err_set(e, ERR_STALE, "version", "the user was changed "
		    "by someone else (now version %lld)",
		    (long long)u->version);
		goto out;
	}
	if ((rc = store_exec(st, account_sql_user_upd,
	    STORE_ARGS(SV_S(v.display_name), SV_S(jur), SV_I(clock_now()),
	    SV_I(id), SV_I(expected)), &changes, e)) < 0)
		goto out;
	if (changes == 0) {
		rc = err_set(e, ERR_STALE, "version", NULL);
		goto out;
	}
	if (in->has_roles && (rc = account_user_set_roles(st, id, v.roles,
	    v.nroles, e)) < 0)
		goto out;
	rc = account_user_audit(st, who, "user.update", id, out, e);
out:
	account_user_free(u);
	return rc;
}

int
account_user_disable(struct store *st, struct actor *who, int64_t id,
    struct account_user **out, struct err *e)
{
	struct account_user	*u = NULL;
	int64_t			 now = clock_now();
	int			 rc;

	if ((rc = account_user_target(st, who, id, &u, e)) < 0)
		goto out;
	if ((rc = store_exec(st, account_sql_user_disable,
	    STORE_ARGS(SV_I(now), SV_I(id)), NULL, e)) < 0)
		goto out;
	/* ACC-012: a disabled user's sessions end now, not at next use. */
	if ((rc = account_sessions_end_all(st, id, 0, "disabled", now, e)) < 0)
		goto out;
	rc = account_user_audit(st, who, "user.disable", id, out, e);
out:
	account_user_free(u);
	return rc;
}

int
account_user_enable(struct store *st, struct actor *who, int64_t id,
    struct account_user **out, struct err *e)
{
	struct account_user	*u = NULL;
	int			 rc;

	if ((rc = account_user_target(st, who, id, &u, e)) < 0)
		goto out;
	if ((rc = store_exec(st, account_sql_user_enable,
	    STORE_ARGS(SV_I(clock_now()), SV_I(id)), NULL, e)) < 0)
		goto out;
	rc = account_user_audit(st, who, "user.enable", id, out, e);
out:
	account_user_free(u);
	return rc;
}

int
account_user_reset_password(struct store *st, struct actor *who, int64_t id,
    const char *password, int reset_totp, struct account_user **out,
    struct err *e)
{
	struct account_user	*u = NULL;
	char			*hash = NULL;
	int64_t			 now = clock_now();
	int			 rc;

	if ((rc = account_user_target(st, who, id, &u, e)) < 0)
		goto out;
	if ((rc = account_pw_policy(u->login, password,
	    u->admin_kind[0] != '\0', "password", e)) < 0)
		goto out;
	if ((rc = account_pw_history_check(st, id, password, "password",
	    e)) < 0)
		goto out;
	if ((rc = crypto_password_hash(password, &hash, e)) < 0)
		goto out;
	if ((rc = store_exec(st, account_sql_user_reset, STORE_ARGS(SV_S(hash),
	    SV_I(now), SV_I(now), SV_I(id)), NULL, e)) < 0)
		goto out;
	if ((rc = account_pw_remember(st, id, hash, now, e)) < 0)
		goto out;
	if (reset_totp && (rc = store_exec(st, account_sql_user_totp_off,
	    STORE_ARGS(SV_I(id)), NULL, e)) < 0)
		goto out;
	if ((rc = account_sessions_end_all(st, id, 0, "password_reset", now,
	    e)) < 0)
		goto out;
	rc = account_user_audit(st, who, "user.reset_password", id, out, e);
out:
	mem_free_secret(hash);
	account_user_free(u);
	return rc;
}

/* Roles. */

static int
account_role_fetch(struct store *st, const char *id, struct account_role **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct account_role	*ro = NULL;
	int			 rc;

	if (id == NULL || strlen(id) >= ACCOUNT_ROLE_ID_MAX)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such role");
	if ((rc = store_query(st, account_sql_role, STORE_ARGS(SV_S(id)), &r,
	    e)) < 0)
		goto out;
	if ((rc = store_next(r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "no such role");
		goto out;
	}
	ro = xcalloc(1, sizeof(*ro));
	snprintf(ro->id, sizeof(ro->id), "%s", store_text(r, 0));
	snprintf(ro->name_zh, sizeof(ro->name_zh), "%s", store_text(r, 1));
	snprintf(ro->name_en, sizeof(ro->name_en), "%s", store_text(r, 2));
	snprintf(ro->admin_kind, sizeof(ro->admin_kind), "%s",
	    store_text(r, 3));
	ro->version = store_int(r, 4);
	ro->updated_at = store_int(r, 5);
	store_rows_free(r);
	r = NULL;
	if ((rc = store_query(st, account_sql_role_perms, STORE_ARGS(SV_S(id)),
	    &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1)
		if (ro->nperms < ACCOUNT_MAX_PERMS)
			snprintf(ro->perms[ro->nperms++], ACCOUNT_PERM_MAX,
			    "%s", store_text(r, 0));
	if (rc < 0)
		goto out;
	qsort(ro->perms, (size_t)ro->nperms, sizeof(ro->perms[0]),
	    account_cmp_role);
	*out = ro;
	ro = NULL;
	rc = 0;
out:
	store_rows_free(r);
	free(ro);
	return rc;
}

void
account_role_free(struct account_role *r)
{
	free(r);
}

json_t *
account_role_json(const struct account_role *r)
{
	json_t	*p = json_array();
	int	 i;

	for (i = 0; i < r->nperms; i++)
		json_array_append_new(p, json_string(r->perms[i]));
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:I}",
	    "id", r->id, "name_zh", r->name_zh, "name_en", r->name_en,
	    "admin_kind", jx_str_or_null(r->admin_kind[0] ? r->admin_kind :
	    NULL), "permissions", p, "version", (json_int_t)r->version,
	    "updated_at", (json_int_t)r->updated_at);
}

int
account_role_record(struct store *st, const char *id, json_t **out,
    struct err *e)
{
	struct account_role	*r = NULL;
	int			 rc;

	if ((rc = account_role_fetch(st, id, &r, e)) < 0)
		return rc;
	*out = account_role_json(r);
	account_role_free(r);
	return 0;
}

int
account_role_get(struct store *st, struct actor *who, const char *id,
    struct account_role **out, struct err *e)
{
	int	rc;

	if ((rc = account_need(who, "role:read", e)) < 0)
		return rc;
	return account_role_fetch(st, id, out, e);
}

int
account_role_list(struct store *st, struct actor *who, json_t **out,
    struct err *e)
{
	struct store_rows	*r = NULL;
	struct account_role	*ro;
	json_t			*a = NULL;
	char			 ids[32][ACCOUNT_ROLE_ID_MAX];
	int			 rc, i, n = 0;

	if ((rc = account_need(who, "role:read", e)) < 0)
		return rc;
	if ((rc = store_query(st, account_sql_role_ids, STORE_NOARGS, &r,
	    e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1)
		if (n < 32)
			snprintf(ids[n++], ACCOUNT_ROLE_ID_MAX, "%s",
			    store_text(r, 0));
	if (rc < 0)
		goto out;
	store_rows_free(r);
	r = NULL;
	a = json_array();
	for (i = 0; i < n; i++) {
		if ((rc = account_role_fetch(st, ids[i], &ro, e)) < 0)
			goto out;
		json_array_append_new(a, account_role_json(ro));
		account_role_free(ro);
	}
	*out = a;
	a = NULL;
	rc = 0;
out:
	store_rows_free(r);
	json_decref(a);
	return rc;
}

/*
 * A-7 and ACC-008 for the permission set of role ro: known and distinct;
 * a 三员 permission only on its own role; a 三员 role holds only its own
 * permission and the admin-safe read permissions, and keeps its own.
 */
static int
account_perms_check(const struct account_role *ro, const char *const *perms,
    int n, struct err *e)
{
	const struct account_perm	*p;
	int				 i, j, own = 0;

	if (n < 0 || (n > 0 && perms == NULL))
		return err_set(e, ERR_MISSING, "permissions",
		    "permissions is required");
	if (n > ACCOUNT_MAX_PERMS)
		return err_set(e, ERR_INVALID, "permissions",
		    "too many permissions");
	for (i = 0; i < n; i++) {
		if (perms[i] == NULL ||
		    (p = account_perm_find(perms[i])) == NULL)
			return err_set(e, ERR_INVALID, "permissions",
			    "unknown permission %.48s",
			    perms[i] ? perms[i] : "");
		for (j = 0; j < i; j++)
			if (strcmp(perms[i], perms[j]) == 0)
				return err_set(e, ERR_INVALID, "permissions",
				    "permission %s is listed twice", perms[i]);
		if (p->admin_kind != NULL &&
		    strcmp(p->admin_kind, ro->admin_kind) != 0)
			return err_set(e, ERR_POLICY, "permissions",
			    "%s belongs to the %s administrator alone (A-7)",
			    p->perm, p->admin_kind);
		if (ro->admin_kind[0] != '\0' && p->admin_kind == NULL &&
		    !p->admin_ok)
			return err_set(e, ERR_POLICY, "permissions",
			    "an administrator role cannot hold the business "
			    "permission %s (A-7)", p->perm);
		if (p->admin_kind != NULL)
			own = 1;
	}
	if (ro->admin_kind[0] != '\0' && !own)
		return err_set(e, ERR_POLICY, "permissions", "the %s role "
		    "must keep its own administrator permission (ACC-008)",
		    ro->id);
	return 0;
}

int
account_role_set_permissions(struct store *st, struct actor *who,
    const char *id, int64_t expected, const char *const *perms, int nperms,
    struct account_role **out, struct err *e)
{
	struct account_role	*ro = NULL, *after = NULL;
	json_t			*rec = NULL;
	int64_t			 changes;
	int			 i, rc;

	if ((rc = account_need(who, "role:write", e)) < 0)
		goto out;
	if ((rc = account_role_fetch(st, id, &ro, e)) < 0)
		goto out;
	if ((rc = account_perms_check(ro, perms, nperms, e)) < 0)
		goto out;
	if (ro->version != expected) {
		rc = err_set(e, ERR_STALE, "version", "the role was changed "
		    "by someone else (now version %lld)",
		    (long long)ro->version);
		goto out;
	}
	if ((rc = store_exec(st, account_sql_role_bump,
	    STORE_ARGS(SV_I(clock_now()), SV_S(ro->id), SV_I(expected)),
	    &changes, e)) < 0)
		goto out;
	if (changes == 0) {
		rc = err_set(e, ERR_STALE, "version", NULL);
		goto out;
	}
	if ((rc = store_exec(st, account_sql_role_perms_del,
	    STORE_ARGS(SV_S(ro->id)), NULL, e)) < 0)
		goto out;
	for (i = 0; i < nperms; i++)
		if ((rc = store_exec(st, account_sql_role_perm_ins,
		    STORE_ARGS(SV_S(ro->id), SV_S(perms[i])), NULL, e)) < 0)
			goto out;
	if ((rc = account_role_fetch(st, ro->id, &after, e)) < 0)
		goto out;
	rec = account_role_json(after);
	if ((rc = audit_append(st, who, "role.update", "role", after->id, rec,
	    e)) < 0)
		goto out;
	if (out != NULL) {
		*out = after;
		after = NULL;
	}
	rc = 0;
out:
	json_decref(rec);
	account_role_free(ro);
	account_role_free(after);
	return rc;
}

/* First start and the command line. */

/*
 * Roles come with the migrations, not through an audited call.  Give each
 * role that has no audit entry a "role.seed" entry with its record, and,
 * right after migrations were applied (after_migration), each role whose
 * record differs from its latest entry a "role.migrate" entry, so that
 * `audit verify --deep` keeps a state to compare every role with (L-2).
 * Outside a migration run a difference is left for verify to report.
 */
int
account_audit_roles(struct store *st, struct actor *who, int after_migration,
    struct err *e)
{
	struct store_rows	*r = NULL;
	json_t			*rec;
	char			 ids[64][ACCOUNT_ROLE_ID_MAX], obj[80];
	char			 now[2 * CRYPTO_SM3_LEN + 1], *last;
	int			 n = 0, i, own, rc;

	if ((rc = store_begin_own(st, &own, e)) < 0)
		return rc;
	if ((rc = store_query(st, "SELECT id FROM roles ORDER BY id",
	    STORE_NOARGS, &r, e)) < 0)
		goto out;
	while ((rc = store_next(r, e)) == 1 && n < 64)
		snprintf(ids[n++], sizeof(ids[0]), "%s", store_text(r, 0));
	store_rows_free(r);
	if (rc < 0)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(obj, sizeof(obj), "role/%.15s", ids[i]);
		last = NULL;
		rc = store_query_text(st, "SELECT state FROM audit_entries WHERE "
		    "object = ? AND state IS NOT NULL ORDER BY seq DESC LIMIT 1",
		    STORE_ARGS(SV_S(obj)), &last, e);
		if (rc < 0 && rc != ERR_NOT_FOUND)
			goto out;
		rec = NULL;
		if ((rc = account_role_record(st, ids[i], &rec, e)) < 0) {
			free(last);
			goto out;
		}
		audit_state_hash(rec, now);
		rc = 0;
		if (last == NULL)
			rc = audit_append(st, who, "role.seed", "role", ids[i],
			    rec, e);
		else if (after_migration && strcmp(last, now) != 0)
			rc = audit_append(st, who, "role.migrate", "role",
			    ids[i], rec, e);
		json_decref(rec);
		free(last);
		if (rc < 0)
			goto out;
	}
	rc = 0;
out:
	return store_end_own(st, own, rc, e);
}

int
account_bootstrap(struct store *st, struct actor *who,
    struct account_bootstrap *out, struct err *e)
{
	static const struct {
		const char	*role, *name;
	} admins[] = {
		{ "sysadmin", "系统管理员" },
		{ "secadmin", "安全管理员" },
		{ "auditor",  "审计管理员" },
	};
	struct account_bootstrap	 b;
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	const char			*roles[1];
	int64_t				 held;
	int				 i, own, rc;

	memset(&b, 0, sizeof(b));
	if ((rc = store_begin_own(st, &own, e)) < 0)
		return rc;
	if ((rc = account_audit_roles(st, who, 0, e)) < 0)
		goto out;
	for (i = 0; i < 3; i++) {
		if ((rc = store_query_int(st, account_sql_role_held,
		    STORE_ARGS(SV_S(admins[i].role)), &held, e)) < 0)
			goto out;
		if (held > 0)
			continue;
		memset(&in, 0, sizeof(in));
		roles[0] = admins[i].role;
		in.login = admins[i].role;
		in.display_name = admins[i].name;
		in.jurisdiction = "city";
		in.has_roles = 1;
		in.roles = roles;
		in.nroles = 1;
		/* no default password; a random one, changed at once. */
		account_pw_random(b.acct[b.n].password);
		if ((rc = account_user_insert(st, who, &in,
		    b.acct[b.n].password, 1, &u, e)) < 0)
			goto out;
		snprintf(b.acct[b.n].login, sizeof(b.acct[b.n].login), "%s",
		    u->login);
		b.acct[b.n].id = u->id;
		b.n++;
		account_user_free(u);
		u = NULL;
	}
	rc = 0;
out:
	rc = store_end_own(st, own, rc, e);
	if (rc == 0)
		*out = b;
	mem_wipe(&b, sizeof(b));
	return rc;
}

void
account_bootstrap_clear(struct account_bootstrap *b)
{
	if (b != NULL)
		mem_wipe(b, sizeof(*b));
}

int
account_user_add(struct store *st, struct actor *who, const char *login,
    const char *role, const char *jurisdiction, const char *password,
    int must_change, int64_t *id_out, char **password_out, struct err *e)
{
	struct account_user_input	 in;
	struct account_user		*u = NULL;
	const char			*roles[1] = { role };
	char				 gen[17];
	int				 own, rc;

	memset(&in, 0, sizeof(in));
	in.login = login;
	in.display_name = login;
	in.jurisdiction = jurisdiction ? jurisdiction : "city";
	in.has_roles = 1;
	in.roles = roles;
	in.nroles = role != NULL ? 1 : 0;
	if (password == NULL) {
		account_pw_random(gen);
		password = gen;
		must_change = 1;
	}
	if ((rc = store_begin_own(st, &own, e)) < 0)
		goto out;
	rc = account_user_insert(st, who, &in, password, must_change, &u, e);
	if ((rc = store_end_own(st, own, rc, e)) < 0)
		goto out;
	if (id_out != NULL)
		*id_out = u->id;
	if (password_out != NULL)
		*password_out = password == gen ? xstrdup(gen) : NULL;
out:
	mem_wipe(gen, sizeof(gen));
	account_user_free(u);
	return rc;
}

/* The signed-in user's view of themselves. */

int
account_me(struct store *st, struct actor *who, json_t **out, struct err *e)
{
	struct account_user	*u = NULL;
	json_t			*perms, *menu;
	size_t			 i;
	int			 rc;

	if (who->kind != ACTOR_USER)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, NULL);
	/* ACC-015: the same session's view from the node's cache. */
	if ((*out = account_session_cached_me(who)) != NULL)
		return 0;
	if ((rc = account_user_fetch(st, who->user_id, NULL, &u, NULL, e)) < 0)
		return rc;
	perms = json_array();
	for (i = 0; account_permissions[i].perm; i++)
		if (actor_can(who, account_permissions[i].perm))
			json_array_append_new(perms,
			    json_string(account_permissions[i].perm));
	menu = json_array();
	for (i = 0; i < sizeof(account_menu) / sizeof(account_menu[0]); i++) {
		if (strcmp(account_menu[i].perm, "login") != 0 &&
		    !actor_can(who, account_menu[i].perm))
			continue;
		json_array_append_new(menu, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:s}", "key", account_menu[i].key, "title_zh",
		    account_menu[i].title_zh, "title_en",
		    account_menu[i].title_en, "path", account_menu[i].path,
		    "perm", account_menu[i].perm));
	}
	/* csrf: a reloaded console (or a new tab) needs the session's token
	 * for its writes; only same-origin script can read this response. */
	*out = json_pack("{s:o, s:o, s:o, s:s, s:o, s:b, s:b, s:b, s:o, s:s}",
	    "user", account_user_json(u),
	    "roles", account_roles_json(u),
	    "permissions", perms,
	    "jurisdiction", u->jurisdiction,
	    "admin_kind", jx_str_or_null(u->admin_kind[0] ? u->admin_kind :
	    NULL),
	    "must_change", who->must_change || u->must_change ||
	    u->password_expired,
	    "totp_enabled", u->totp_enabled,
	    "totp_required", u->totp_required,
	    "menu", menu,
	    "csrf", who->csrf);
	account_user_free(u);
	account_session_cache_me(who, *out);
	return 0;
}
