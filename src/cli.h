/*
 * Subcommands implemented outside main.c.  Each takes the arguments after
 * the command name (argv[0] is the command) and returns an exit code as
 * documented in main.c.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

int	cli_check(int argc, char **argv);	/* check uscc|idcard VALUE */
int	cli_workdays(int argc, char **argv);	/* workdays add|between ... */

#endif
