/*
 * Subcommands implemented outside main.c.  Each takes the arguments after
 * the command name (argv[0] is the command) and returns an exit code as
 * documented in main.c.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

int	cli_check(int argc, char **argv);	/* check uscc|idcard VALUE */
int	cli_workdays(int argc, char **argv);	/* workdays add|between ... */
int	cli_import(int argc, char **argv);	/* import units FILE ... */
int	cli_export(int argc, char **argv);	/* export units ... */
int	cli_seed_demo(int argc, char **argv);	/* seed-demo ... */
int	cli_inspection(int argc, char **argv);	/* inspection load-items FILE */
int	cli_draw(int argc, char **argv);	/* draw verify|run FILE */
int	cli_gb26875(int argc, char **argv);	/* gb26875 decode|encode ... */
int	cli_hazard(int argc, char **argv);	/* hazard judge|editions ... */
int	cli_penalty(int argc, char **argv);	/* penalty suggest|items|higher */
int	cli_doc(int argc, char **argv);		/* doc sample OUT.pdf */
int	cli_ecert(int argc, char **argv);	/* ecert verify|keys|sign|rotate-key */
int	cli_gateway(int argc, char **argv);	/* gateway --listen ADDR:PORT ... */
int	cli_payment(int argc, char **argv);	/* payment key|sign|late-fee */

struct store;

/*
 * In main.c, for subcommands that work on the database: open it as
 * `serve` does (db and keys NULL: the defaults and FIREWARDEN_DB /
 * FIREWARDEN_KEYS), apply migrations, sync the towns and set the data key
 * of personal data (created in keys/ if missing).  Returns 0 with *st to
 * store_close(), or an exit code.
 */
int	cli_open_db(const char *db, const char *keys, struct store **st);
/* The keys directory: keys if not NULL, else FIREWARDEN_KEYS or var/keys. */
const char	*cli_keys_dir(const char *keys);

#endif
