/*
 * moor: the host command line tool.
 *
 *   moor probe -h HOST -p PORT [...]    TLS handshake, print what was negotiated
 *   moor verify CHAIN.pem [--host NAME]  validate a certificate chain offline
 *   moor redis [redis-cli options] CMD [ARG ...]  one Redis command
 *   moor mysql [mysql client options] -e SQL       SQL on a MySQL server
 *
 * Exit status: 0 success, 1 failure ("error: NAME: text" on stderr),
 * 2 bad usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fputs("usage: moor COMMAND [OPTIONS]\n"
	      "\n"
	      "A zero-malloc TLS / database connector for microcontrollers; this is\n"
	      "its host tool.\n"
	      "\n"
	      "commands:\n"
	      "  probe    connect to HOST:PORT, run a TLS handshake, print what was\n"
	      "           negotiated (version, cipher, peer, trust anchor)\n"
	      "  verify   validate a PEM certificate chain (leaf first) offline\n"
	      "  redis    send one command to a Redis server (redis-cli's options and\n"
	      "           output)\n"
	      "  mysql    run SQL on a MySQL / MariaDB server (the mysql client's\n"
	      "           options, `mariadb --batch` output)\n"
	      "\n"
	      "  moor COMMAND --help   shows the options of a command\n"
	      "  moor --version        prints the version\n"
	      "\n"
	      "exit status: 0 success, 1 failure (\"error: NAME: text\" on stderr),\n"
	      "2 bad usage.\n", f);
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-?") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		puts("moor 0.1.0");
		return CLI_EXIT_OK;
	}
	if (strcmp(cmd, "probe") == 0)
		return cli_probe(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cli_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "redis") == 0)
		return cli_redis(argc - 1, argv + 1);
	if (strcmp(cmd, "mysql") == 0)
		return cli_mysql(argc - 1, argv + 1);
	fprintf(stderr, "moor: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
