/*
 * moor CLI: declarations shared by the subcommands.
 *
 * The CLI is host code: it reads files with stdio and prints with printf,
 * but every buffer it hands to the library is static (no malloc), sized by
 * the constants below.
 */
#ifndef MOOR_CLI_H
#define MOOR_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "moor/x509.h"

/* Exit codes of every subcommand. */
#define CLI_EXIT_OK     0
#define CLI_EXIT_FAIL   1   /* the operation failed: "error: ..." on stderr */
#define CLI_EXIT_USAGE  2   /* bad command line: message + usage on stderr */

/* Largest file (PEM bundle, certificate, key) the CLI reads. */
#define CLI_FILE_MAX        (256u * 1024u)
/* Most trust anchors imported from one --cacert file. */
#define CLI_MAX_ANCHORS     256
/* Scratch for the anchors' DNs, keys and names (all of them). */
#define CLI_ANCHOR_WORK     (256u * 1024u)
/* Largest subject DN (DER) / formatted DN kept for printing. */
#define CLI_DN_MAX          1024

/*
 * Match option `name` at argv[*i]. Accepts "--name VALUE" and
 * "--name=VALUE" (the '=' form only for names starting with "--").
 * Returns 1 and sets *val (advancing *i past a separate value) on a match,
 * 0 if argv[*i] is another option, -1 if the value is missing (a message
 * has been printed).
 */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

/*
 * Percent-decode s[0..n) (URL user names, passwords, paths) into out (cap
 * bytes, NUL-terminated). Returns 0, or -1 for a bad escape, a decoded NUL
 * (it would cut the C string) or an output longer than cap - 1.
 */
int cli_pct_decode(const char *s, size_t n, char *out, size_t cap);

/* Parse a decimal unsigned integer in [lo, hi]. Returns 0 or -1. */
int cli_parse_ulong(const char *s, unsigned long lo, unsigned long hi,
	unsigned long *out);

/*
 * Read a whole file into buf (cap bytes; NUL-terminated, so at most
 * cap - 1 bytes of content). Returns MOOR_OK and sets *len, or prints
 * "error: cannot read FILE: ..." and returns MOOR_ERR_INVALID_ARG (file
 * missing) or MOOR_ERR_BUFFER_TOO_SMALL (file too large).
 */
int cli_read_file(const char *path, uint8_t *buf, size_t cap, size_t *len);

/*
 * Load the PEM trust anchors of `path` into static storage and point *out
 * at them. Valid until the next call. Returns MOOR_OK or a status (the
 * error line is NOT printed).
 */
int cli_load_anchors(const char *path, const moor_anchors **out);

/*
 * Load a client certificate chain and key (PEM or DER) into static
 * storage and point *out at them. Valid until the next call. Returns
 * MOOR_OK or a status (a read error or "error: client credentials: ..."
 * is printed).
 */
int cli_load_credentials(const char *cert, const char *key, const moor_credentials **out);

/* Name to print for anchor `index` of `a` ("#3" if the set has no names,
 * "none (not verified)" for index < 0). Returns a pointer into `buf` or a
 * static string. */
const char *cli_anchor_name(const moor_anchors *a, int index, char *buf, size_t cap);

/* Format a subject DN (DER) into `out`; "(none)" when empty, "(bad DN)"
 * when it does not decode. A truncated DN ends in "...". */
void cli_format_dn(const uint8_t *dn, size_t dn_len, char *out, size_t cap);

/*
 * Print "error: NAME: text" on stderr, or "error: NAME(code): text" for a
 * TLS alert status. `what` (may be NULL) is prefixed as "what: ".
 */
void cli_print_status(const char *what, int status);

/* Subcommands: argv[0] is the subcommand name. Return an exit code. */
int cli_probe(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_redis(int argc, char **argv);
int cli_mysql(int argc, char **argv);

/* Usage texts of the subcommands, printed to `f`. */
void cli_probe_usage(FILE *f);
void cli_verify_usage(FILE *f);
void cli_redis_usage(FILE *f);
void cli_mysql_usage(FILE *f);

#endif
