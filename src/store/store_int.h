/*
 * The backend interface: what store.c dispatches to.  Each backend is one
 * exported ops struct whose functions are all static in its file
 * (store_sqlite_ops, store_pg_ops).  Only backends include this file.
 */
#ifndef FW_STORE_INT_H
#define FW_STORE_INT_H

#include "store.h"

struct store_ops {
	const char	 *name;
	enum store_kind	  kind;
	/* Open from the part of the URL after "sqlite:" or the whole pg URL. */
	int		(*open)(const char *target, void **conn, struct err *e);
	void		(*close)(void *conn);
	int		(*begin)(void *conn, struct err *e);
	int		(*commit)(void *conn, struct err *e);
	void		(*rollback)(void *conn);
	int		(*exec)(void *conn, const char *sql,
			    const struct store_val *args, int nargs,
			    int64_t *changes, struct err *e);
	int		(*query)(void *conn, const char *sql,
			    const struct store_val *args, int nargs,
			    void **rows, struct err *e);
	int		(*next)(void *rows, struct err *e);
	int		(*isnull)(void *rows, int col);
	const char	*(*text)(void *rows, int col);
	int64_t		(*intv)(void *rows, int col);
	void		(*rows_free)(void *rows);
	/* Run a multi-statement script without arguments (migrations). */
	int		(*script)(void *conn, const char *sql, struct err *e);
	/* store_checkpoint; NULL where there is nothing to do. */
	int		(*checkpoint)(void *conn, struct err *e);
	/* Kept reads (store_keep_reads); NULL where the backend has none. */
	void		(*keep_reads)(void *conn);
	void		(*enter)(void *conn);
	void		(*leave)(void *conn);
};

struct store {
	const struct store_ops	*ops;
	void			*conn;
	char			*url;
	int			 in_tx;
	int			 tx_err;	/* first failure in the open tx */
};

struct store_rows {
	const struct store_ops	*ops;
	struct store		*st;
	void			*rows;
};

extern const struct store_ops	store_sqlite_ops;
void	store_sqlite_release_idle(int64_t idle_us);
extern const struct store_ops	store_pg_ops;

/* One embedded migration (generated from db/NNNN_name.sql). */
struct store_migration {
	int		 number;
	const char	*name;
	const char	*sql;		/* portable text */
};
extern const struct store_migration	store_migrations[];
extern const int			store_nmigrations;

#endif
