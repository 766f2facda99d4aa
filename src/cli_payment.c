/*
 * `firewarden payment`: the shared key of a payment platform (made once,
 * kept in <keys>/payment/<platform>.key, given to the platform by the
 * operator), the signature of a callback body as the server checks it,
 * and the late fee of a fine paid late (行政处罚法 art. 72).
 * docs/modules/enforce_pay.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/str.h"
#include "domain/enforce.h"
#include "domain/enforce_pay.h"

#define PAY_EXIT_USAGE	2
#define PAY_EXIT_IO	3
#define PAY_EXIT_INPUT	4

static void
cli_payment_usage(FILE *f)
{
	fputs(
"usage: firewarden payment key PLATFORM [--keys DIR]\n"
"       firewarden payment sign --key HEX [FILE|-]\n"
"       firewarden payment late-fee --fine YUAN --due DATE --paid DATE\n"
"\n"
"key       print the shared key of payment platform PLATFORM\n"
"          ([a-z0-9_-]{1,32}) as 64 hex digits, creating\n"
"          DIR/payment/PLATFORM.key (mode 0600) when it does not exist\n"
"          (DIR: --keys, else FIREWARDEN_KEYS, else var/keys).  Give it\n"
"          to the platform; restart `firewarden serve` to load a new one.\n"
"sign      print the signature the platform sends in X-Fw-Signature:\n"
"          hex HMAC-SM3 under the key HEX of the exact bytes of FILE\n"
"          (standard input when - or absent)\n"
"late-fee  the late fee (加处罚款) of a fine of YUAN (up to 2 decimals)\n"
"          due on DATE and paid on DATE: 3 % a day (the rules'\n"
"          late_fee.permille_per_day) after the due day, rounded down to\n"
"          the fen, capped at the fine; prints JSON\n"
"\n"
"exit codes: 0 done, 2 usage or a bad value, 3 a key, data or input file\n"
"cannot be read or written\n", f);
}

static int
cli_payment_fail(const char *what)
{
	fprintf(stderr, "firewarden: payment: %s\n", what);
	fputs("usage: firewarden payment key|sign|late-fee ... (see "
	    "firewarden payment --help)\n", stderr);
	return PAY_EXIT_USAGE;
}

static int
cli_payment_key(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "db", required_argument, NULL, 'd' },	/* accepted, unused */
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*keys = NULL;
	struct err	 e;
	char		*dir, hex[ENFORCE_PAY_SIG_HEX + 1];
	int		 c, created = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': keys = optarg; break;
		case 'd': break;
		case 'h': cli_payment_usage(stdout); return 0;
		default: return cli_payment_fail("bad option");
		}
	}
	if (optind != argc - 1)
		return cli_payment_fail("key takes one PLATFORM");
	if (!enforce_pay_platform_ok(argv[optind]))
		return cli_payment_fail("a platform name is [a-z0-9_-]{1,32}");
	dir = xasprintf("%s/payment", cli_keys_dir(keys));
	err_clear(&e);
	rc = enforce_pay_key_file(dir, argv[optind], hex, &created, &e);
	free(dir);
	if (rc < 0) {
		fprintf(stderr, "firewarden: payment: %s\n", e.msg);
		return rc == ERR_IO ? PAY_EXIT_IO : PAY_EXIT_INPUT;
	}
	printf("%s\n", hex);
	if (created)
		fprintf(stderr, "firewarden: payment: created the key of %s; "
		    "restart serve to load it\n", argv[optind]);
	mem_wipe(hex, sizeof(hex));
	return 0;
}

/* Read all of path ("-" or NULL: standard input) into b, at most max. */
static int
cli_payment_read(const char *path, struct buf *b, size_t max)
{
	FILE	*f = path == NULL || strcmp(path, "-") == 0 ? stdin :
	    fopen(path, "rb");
	char	 chunk[4096];
	size_t	 n;
	int	 rc = 0;

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > max) {
			rc = -1;
			break;
		}
		buf_add(b, chunk, n);
	}
	if (ferror(f))
		rc = -1;
	if (f != stdin)
		fclose(f);
	return rc;
}

static int
cli_payment_sign(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned char	 key[ENFORCE_PAY_KEY_LEN];
	const char	*hex = NULL;
	struct buf	 body;
	char		 sig[ENFORCE_PAY_SIG_HEX + 1];
	int		 c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'K': hex = optarg; break;
		case 'h': cli_payment_usage(stdout); return 0;
		default: return cli_payment_fail("bad option");
		}
	}
	if (hex == NULL || strlen(hex) != ENFORCE_PAY_SIG_HEX ||
	    str_unhex(hex, key, sizeof(key)) < 0)
		return cli_payment_fail("--key takes the platform's key, 64 hex "
		    "digits");
	if (optind < argc - 1)
		return cli_payment_fail("sign takes at most one FILE");
	buf_init(&body);
	if (cli_payment_read(optind < argc ? argv[optind] : NULL, &body,
	    1 << 20) < 0) {
		fprintf(stderr, "firewarden: payment: cannot read %s (at most "
		    "1 MiB)\n", optind < argc ? argv[optind] : "standard input");
		rc = PAY_EXIT_IO;
		goto out;
	}
	enforce_pay_sign(key, sizeof(key), body.data ? body.data : "",
	    body.len, sig);
	printf("%s\n", sig);
	rc = 0;
out:
	mem_wipe(key, sizeof(key));
	buf_free(&body);
	return rc;
}

/* YUAN with at most two decimals as fen; -1 when not one. */
static int64_t
cli_payment_fen(const char *s)
{
	const char	*dot = strchr(s, '.');
	char		 whole[24];
	int64_t		 y, f = 0;
	size_t		 n = dot ? (size_t)(dot - s) : strlen(s);
	size_t		 i, nd;

	if (n == 0 || n >= sizeof(whole))
		return -1;
	memcpy(whole, s, n);
	whole[n] = '\0';
	if (str_to_i64(whole, 0, ENFORCE_PAY_FEN_MAX / 100, &y) < 0)
		return -1;
	if (dot != NULL) {
		nd = strlen(dot + 1);
		if (nd == 0 || nd > 2)
			return -1;
		for (i = 0; i < nd; i++) {
			if (dot[1 + i] < '0' || dot[1 + i] > '9')
				return -1;
			f = f * 10 + (dot[1 + i] - '0');
		}
		if (nd == 1)
			f *= 10;
	}
	return y * 100 + f;
}

/* The rules from $FIREWARDEN_DATA/enforce/rules.json, else data/. */
static int
cli_payment_rules(void)
{
	const char	*data = getenv("FIREWARDEN_DATA");
	struct err	 e;
	char		*path;
	int		 rc = 0;

	path = xasprintf("%s/enforce/rules.json", data && *data ? data :
	    "data");
	err_clear(&e);
	if (enforce_rules_load(path, &e) < 0) {
		fprintf(stderr, "firewarden: payment: %s\n", e.msg);
		rc = PAY_EXIT_IO;
	}
	free(path);
	return rc;
}

static int
cli_payment_late(int argc, char **argv)
{
	static const struct option	longopts[] = {
		{ "fine", required_argument, NULL, 'f' },
		{ "due", required_argument, NULL, 'u' },
		{ "paid", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*fine = NULL, *due = NULL, *paid = NULL;
	struct err	 e;
	json_t		*j = NULL;
	char		*s, msg[ERR_MSG_MAX + 80];
	int64_t		 fen;
	int		 c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': fine = optarg; break;
		case 'u': due = optarg; break;
		case 'p': paid = optarg; break;
		case 'h': cli_payment_usage(stdout); return 0;
		default: return cli_payment_fail("bad option");
		}
	}
	if (optind != argc || fine == NULL || due == NULL || paid == NULL)
		return cli_payment_fail("late-fee needs --fine, --due and "
		    "--paid");
	if ((fen = cli_payment_fen(fine)) < 0)
		return cli_payment_fail("--fine takes yuan, e.g. 200 or 200.50");
	if ((rc = cli_payment_rules()) != 0)
		return rc;
	err_clear(&e);
	if (enforce_pay_late_json(fen, due, paid, enforce_late_permille(), &j,
	    &e) < 0) {
		snprintf(msg, sizeof(msg), "--%s: %s", e.field, e.msg);
		return cli_payment_fail(msg);
	}
	s = json_dumps(j, JSON_COMPACT);
	puts(s != NULL ? s : "null");
	free(s);
	json_decref(j);
	return 0;
}

int
cli_payment(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		cli_payment_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? PAY_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "key") == 0)
		return cli_payment_key(argc - 1, argv + 1);
	if (strcmp(argv[1], "sign") == 0)
		return cli_payment_sign(argc - 1, argv + 1);
	if (strcmp(argv[1], "late-fee") == 0)
		return cli_payment_late(argc - 1, argv + 1);
	return cli_payment_fail("unknown payment command");
}
