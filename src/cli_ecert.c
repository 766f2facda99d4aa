/*
 * `firewarden ecert`: check a certificate code offline (specs/ecert-v1.md
 * "Checking"), list and rotate the certificate keys, and sign content
 * with a given key file (test vectors for outsiders' verifiers).
 * docs/modules/ecert.md.  verify exits 0 valid, 1 invalid (the reason on
 * stderr), 2 not a certificate code or usage, 3 database or key file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/id.h"
#include "core/jx.h"
#include "domain/actor.h"
#include "domain/ecert.h"
#include "store/store.h"

#define CLI_ECERT_EXIT_INVALID	1
#define CLI_ECERT_EXIT_USAGE	2
#define CLI_ECERT_EXIT_IO	3
#define CLI_ECERT_EXIT_INPUT	4

/* Larger than any content or code worth reading. */
#define CLI_ECERT_READ_MAX	(1 << 20)

static void
cli_ecert_usage(FILE *f)
{
	fputs(
"usage: firewarden ecert verify [--key PEM_FILE] [--db URL] [--keys DIR] CODE\n"
"       firewarden ecert keys [--db URL] [--keys DIR]\n"
"       firewarden ecert rotate-key [--db URL] [--keys DIR]\n"
"       firewarden ecert sign --key PRIVATE_PEM CONTENT_JSON\n"
"\n"
"verify      check the QR text of a certificate (FWC1.<content>.<signature>)\n"
"            offline: with --key only that public key (PEM) and no\n"
"            database, otherwise the certificate keys the platform holds,\n"
"            current and retired.  Prints the content as JSON and exits 0\n"
"            when the signature is valid, 1 when it is not (the reason on\n"
"            stderr), 2 when the text is not a certificate code.  With the\n"
"            database, a revoked or superseded certificate is named on\n"
"            stderr (its signature stays valid).  CODE - reads one line\n"
"            from standard input.\n"
"keys        print the published certificate keys as JSON\n"
"rotate-key  make a new certificate key current; the old one is retired\n"
"            (it still verifies).  Restart `firewarden serve` afterwards.\n"
"sign        sign content (a JSON object: the text itself when it starts\n"
"            with {, else a file name, - for standard input) with the SM2\n"
"            private key in PRIVATE_PEM and print the QR text.  The content\n"
"            is signed in canonical form; a missing kid is filled in with\n"
"            the key's id.  For test vectors: certificates of the platform\n"
"            are issued by the modules that certify, never by hand.\n"
"\n"
"exit codes: 0 valid / done, 1 invalid, 2 not a certificate code or usage,\n"
"3 database, I/O or key file error, 4 content rejected (sign)\n",
	    f);
}

struct cli_ecert_opts {
	const char	*key;
	const char	*db;
	const char	*keys;
	const char	*arg;		/* the one operand, or NULL */
};

/* Options after the subcommand; -1 on a usage error. */
static int
cli_ecert_opts(int argc, char **argv, int operand, struct cli_ecert_opts *o)
{
	static const struct option	longopts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "db", required_argument, NULL, 'd' },
		{ "keys", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int				c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	/* Options and the operand in any order; "-" is an operand. */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'K': o->key = optarg; break;
		case 'd': o->db = optarg; break;
		case 'k': o->keys = optarg; break;
		default:
			return -1;
		}
	}
	if (argc - optind != operand)
		return -1;
	if (operand == 1)
		o->arg = argv[optind];
	return 0;
}

/* The whole of path ("-": standard input) as a string in b. */
static int
cli_ecert_read(const char *path, struct buf *b)
{
	FILE	*f;
	size_t	 n;
	int	 rc = 0;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		buf_reserve(b, 4096);
		n = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
		b->len += n;
		b->data[b->len] = '\0';
		if (b->len > CLI_ECERT_READ_MAX || (n == 0 && ferror(f))) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

/* A public key (PEM), or the public half of a private key file. */
static int
cli_ecert_pubkey(const char *path, struct crypto_sm2 **out)
{
	struct buf	b;
	struct err	e;
	int		rc;

	buf_init(&b);
	if (cli_ecert_read(path, &b) < 0) {
		fprintf(stderr, "firewarden: cannot read %s\n", path);
		buf_free(&b);
		return -1;
	}
	rc = crypto_sm2_from_public_pem(b.data, out, &e);
	buf_free(&b);
	if (rc == 0 || crypto_sm2_load(path, out, &e) == 0)
		return 0;
	fprintf(stderr, "firewarden: %s holds no SM2 public key\n", path);
	return -1;
}

static void
cli_ecert_print(const json_t *j)
{
	char	*s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	printf("%s\n", s ? s : "null");
	free(s);
}

static int
cli_ecert_verify(int argc, char **argv)
{
	struct cli_ecert_opts	 o;
	struct ecert_code	*c = NULL;
	struct crypto_sm2	*k = NULL;
	struct store		*st = NULL;
	struct buf		 in;
	struct err		 e;
	enum ecert_verdict	 v;
	json_t			*ans = NULL;
	const char		*text, *status;
	char			 kid[ECERT_KID_LEN + 1];
	int			 rc;

	err_clear(&e);
	buf_init(&in);
	if (cli_ecert_opts(argc, argv, 1, &o) < 0) {
		cli_ecert_usage(stderr);
		return CLI_ECERT_EXIT_USAGE;
	}
	text = o.arg;
	if (strcmp(text, "-") == 0) {
		/* One line: its newline is not part of the code. */
		if (cli_ecert_read("-", &in) < 0) {
			fprintf(stderr, "firewarden: cannot read standard "
			    "input\n");
			rc = CLI_ECERT_EXIT_IO;
			goto out;
		}
		if (in.len > 0 && in.data[in.len - 1] == '\n')
			in.data[--in.len] = '\0';
		if (in.len > 0 && in.data[in.len - 1] == '\r')
			in.data[--in.len] = '\0';
		text = in.data;
	}
	/* ECERT-005, ECERT-012: not a certificate code is exit 2. */
	if (ecert_code_decode(text, &c, &e) < 0) {
		fprintf(stderr, "firewarden: %s\n", e.msg);
		rc = CLI_ECERT_EXIT_USAGE;
		goto out;
	}
	if (o.key != NULL) {
		if (cli_ecert_pubkey(o.key, &k) < 0) {
			rc = CLI_ECERT_EXIT_IO;
			goto out;
		}
		v = ecert_code_verify(c, k);
		crypto_sm2_key_id(k, kid);
		if (v == ECERT_VALID && strcmp(kid, c->kid) != 0)
			fprintf(stderr, "firewarden: note: the content names "
			    "key %s, verified with the given key %s\n", c->kid,
			    kid);
	} else {
		if ((rc = cli_open_db(o.db, o.keys, &st)) != 0)
			goto out;
		if (ecert_key_verify(st, c, &v, &e) < 0 || (v == ECERT_VALID &&
		    ecert_check(st, text, &ans, &e) < 0)) {
			fprintf(stderr, "firewarden: %s\n", e.msg);
			rc = CLI_ECERT_EXIT_IO;
			goto out;
		}
		/* The registry's word; the signature stays valid. */
		status = ans ? json_string_value(json_object_get(ans,
		    "status")) : "";
		if (strcmp(status, "revoked") == 0)
			fprintf(stderr, "firewarden: note: revoked on %s: %s\n",
			    json_string_value(json_object_get(ans,
			    "revoked_on")), json_string_value(
			    json_object_get(ans, "revoke_reason")));
		else if (strcmp(status, "superseded") == 0)
			fprintf(stderr, "firewarden: note: superseded by %s\n",
			    json_string_value(json_object_get(ans,
			    "superseded_by_no")));
	}
	if (v != ECERT_VALID) {
		fprintf(stderr, "firewarden: invalid: %s (%s)\n",
		    ecert_verdict_message(v), ecert_verdict_reason(v));
		rc = CLI_ECERT_EXIT_INVALID;
		goto out;
	}
	cli_ecert_print(c->json);
	rc = 0;
out:
	json_decref(ans);
	ecert_code_free(c);
	crypto_sm2_free(k);
	store_close(st);
	buf_free(&in);
	return rc;
}

static int
cli_ecert_keys(int argc, char **argv)
{
	struct cli_ecert_opts	 o;
	struct store		*st = NULL;
	struct err		 e;
	json_t			*keys = NULL;
	int			 rc;

	if (cli_ecert_opts(argc, argv, 0, &o) < 0 || o.key != NULL) {
		cli_ecert_usage(stderr);
		return CLI_ECERT_EXIT_USAGE;
	}
	if ((rc = cli_open_db(o.db, o.keys, &st)) != 0)
		return rc;
	if (ecert_key_list(st, &keys, &e) < 0) {
		fprintf(stderr, "firewarden: %s\n", e.msg);
		rc = CLI_ECERT_EXIT_IO;
		goto out;
	}
	cli_ecert_print(keys);
	rc = 0;
out:
	json_decref(keys);
	store_close(st);
	return rc;
}

static int
cli_ecert_rotate(int argc, char **argv)
{
	struct cli_ecert_opts	 o;
	struct store		*st = NULL;
	struct actor		 who;
	struct err		 e;
	char			 rid[40], kid[ECERT_KID_LEN + 1];
	int			 rc;

	if (cli_ecert_opts(argc, argv, 0, &o) < 0 || o.key != NULL) {
		cli_ecert_usage(stderr);
		return CLI_ECERT_EXIT_USAGE;
	}
	if ((rc = cli_open_db(o.db, o.keys, &st)) != 0)
		return rc;
	snprintf(rid, sizeof(rid), "ecert-rotate-%llx",
	    (unsigned long long)id_next());
	actor_system(&who, rid);
	if (ecert_key_rotate(st, &who, cli_keys_dir(o.keys), kid, &e) < 0) {
		fprintf(stderr, "firewarden: %s\n", e.msg);
		rc = CLI_ECERT_EXIT_IO;
		goto out;
	}
	printf("certificate key %s is current; restart `firewarden serve` "
	    "to sign with it\n", kid);
	rc = 0;
out:
	store_close(st);
	return rc;
}

static int
cli_ecert_sign(int argc, char **argv)
{
	struct cli_ecert_opts	 o;
	struct crypto_sm2	*k = NULL;
	struct ecert_code	*c = NULL;
	struct buf		 in;
	struct err		 e;
	json_t			*content = NULL;
	const char		*text;
	char			 kid[ECERT_KID_LEN + 1];
	int			 rc;

	err_clear(&e);
	buf_init(&in);
	if (cli_ecert_opts(argc, argv, 1, &o) < 0 || o.key == NULL ||
	    o.db != NULL || o.keys != NULL) {
		cli_ecert_usage(stderr);
		return CLI_ECERT_EXIT_USAGE;
	}
	if (o.arg[0] == '{')
		text = o.arg;
	else if (cli_ecert_read(o.arg, &in) == 0)
		text = in.data;
	else {
		fprintf(stderr, "firewarden: cannot read %s\n", o.arg);
		rc = CLI_ECERT_EXIT_USAGE;
		goto out;
	}
	if (jx_parse_body(text, strlen(text), &content, &e) < 0) {
		fprintf(stderr, "firewarden: content: %s\n", e.msg);
		rc = CLI_ECERT_EXIT_USAGE;
		goto out;
	}
	if (crypto_sm2_load(o.key, &k, &e) < 0) {
		fprintf(stderr, "firewarden: %s\n", e.msg);
		rc = CLI_ECERT_EXIT_IO;
		goto out;
	}
	crypto_sm2_key_id(k, kid);
	if (json_object_get(content, "kid") == NULL)
		json_object_set_new(content, "kid", json_string(kid));
	if (ecert_code_sign(k, content, &c, &e) < 0) {
		fprintf(stderr, "firewarden: %s%s%s\n", e.field[0] ? e.field :
		    "", e.field[0] ? ": " : "", e.msg);
		rc = CLI_ECERT_EXIT_INPUT;
		goto out;
	}
	printf("%s\n", c->text);
	rc = 0;
out:
	ecert_code_free(c);
	crypto_sm2_free(k);
	json_decref(content);
	buf_free(&in);
	return rc;
}

int
cli_ecert(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		cli_ecert_usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cli_ecert_verify(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "keys") == 0)
		return cli_ecert_keys(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "rotate-key") == 0)
		return cli_ecert_rotate(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return cli_ecert_sign(argc - 1, argv + 1);
	if (argc >= 2)
		fprintf(stderr, "firewarden: unknown ecert command %s\n",
		    argv[1]);
	cli_ecert_usage(stderr);
	return CLI_ECERT_EXIT_USAGE;
}
