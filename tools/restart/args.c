// SPDX-License-Identifier: GPL-2.0
/*
 * cr's command line.  Parsing does nothing else, so that every command
 * line can be tried on a machine whose kernel lacks the syscalls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/checkpoint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cr.h"

const char *cr_prog = "cr";

void cr_print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s run [--hostname H] -- CMD [ARGS...]\n"
		"       %s checkpoint PID -o FILE|- [--kill] [-v]\n"
		"       %s restart [FILE|-] [--frozen] [--wait] [-v]\n"
		"       %s inspect FILE [--json]\n"
		"       %s check\n"
		"       %s formats\n",
		cr_prog, cr_prog, cr_prog, cr_prog, cr_prog, cr_prog);
}

int cr_bad_usage(const char *why)
{
	fprintf(stderr, "%s: %s\n", cr_prog, why);
	cr_print_usage(stderr);
	return CR_EXIT_USAGE;
}

static int bad(struct cr_args *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->error, sizeof(a->error), fmt, ap);
	va_end(ap);
	return CR_EXIT_USAGE;
}

/* Long-only options get values no short option can have. */
enum {
	OPT_HOSTNAME = UCHAR_MAX + 1,
	OPT_KILL,
	OPT_WAIT,
	OPT_FROZEN,
	OPT_JSON,
};

/*
 * getopt is silenced (opterr = 0) so that parsing has no output; this
 * says what it would have.  optopt is the option's value, or 0 for an
 * unknown long option, which is then only to be found in argv.
 */
static int bad_option(struct cr_args *a, int c, char **argv,
		      const struct option *opts, const char *cmd)
{
	const struct option *o;

	if (!optopt)
		return bad(a, "unknown option %s to %s", argv[optind - 1], cmd);
	for (o = opts; o->name; o++)
		if (o->val == optopt && optopt > UCHAR_MAX)
			return bad(a, "option --%s of %s %s", o->name, cmd,
				   c == ':' ? "needs an argument" : "takes no argument");
	if (c == ':')
		return bad(a, "option -%c of %s needs an argument", optopt, cmd);
	return bad(a, "unknown option -%c to %s", optopt, cmd);
}

static int parse_run(struct cr_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ }
	};
	int c;

	/* "+": the container's own options are not ours. */
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		if (c != OPT_HOSTNAME)
			return bad_option(a, c, argv, opts, "run");
		a->hostname = optarg;
	}
	if (a->hostname && strlen(a->hostname) > HOST_NAME_MAX)
		return bad(a, "a hostname has at most %d bytes", HOST_NAME_MAX);
	if (optind >= argc)
		return bad(a, "run needs a command");
	a->command = argv + optind;
	return 0;
}

static int parse_checkpoint(struct cr_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kill", no_argument, NULL, OPT_KILL },
		{ "verbose", no_argument, NULL, 'v' },
		{ }
	};
	const char *arg;
	char *end;
	long pid;
	int c;

	while ((c = getopt_long(argc, argv, ":o:v", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->file = optarg;
			break;
		case 'v':
			a->verbose = true;
			break;
		case OPT_KILL:
			a->flags |= CHECKPOINT_KILL;
			break;
		default:
			return bad_option(a, c, argv, opts, "checkpoint");
		}
	}
	if (optind != argc - 1)
		return bad(a, "checkpoint needs exactly one PID");
	arg = argv[optind];
	errno = 0;
	pid = strtol(arg, &end, 10);
	if (!*arg || *end || errno || pid <= 0 || pid > INT_MAX)
		return bad(a, "PID must be a positive number");
	a->pid = pid;
	if (!a->file || !*a->file)
		return bad(a, "checkpoint needs -o FILE (or -o - for stdout)");
	return 0;
}

static int parse_restart(struct cr_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, OPT_WAIT },
		{ "frozen", no_argument, NULL, OPT_FROZEN },
		{ "verbose", no_argument, NULL, 'v' },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, ":v", opts, NULL)) != -1) {
		switch (c) {
		case OPT_WAIT:
			a->wait = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case OPT_FROZEN:
			a->flags |= RESTART_FROZEN;
			break;
		default:
			return bad_option(a, c, argv, opts, "restart");
		}
	}
	if (optind < argc - 1)
		return bad(a, "restart takes at most one image");
	a->file = optind == argc - 1 ? argv[optind] : "-";
	return 0;
}

static int parse_inspect(struct cr_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ }
	};
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != OPT_JSON)
			return bad_option(a, c, argv, opts, "inspect");
		a->json = true;
	}
	if (optind == argc)
		return bad(a, "inspect needs an image file");
	if (optind < argc - 1)
		return bad(a, "inspect takes one image");
	a->file = argv[optind];
	return 0;
}

/**
 * cr_parse_args - parse cr's command line
 * @a:		filled in.
 * @argc:	as main() has it.
 * @argv:	likewise; getopt may reorder it.
 *
 * May be called any number of times: getopt's state is reset each time.
 *
 * Return: 0, or CR_EXIT_USAGE with @a->error saying what is wrong.
 */
int cr_parse_args(struct cr_args *a, int argc, char **argv)
{
	const char *cmd;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return bad(a, "no command");
	cmd = argv[1];
	argc--;
	argv++;
	/* 0, not 1: glibc then also forgets a half-parsed "-ab" cluster. */
	optind = 0;
	opterr = 0;
	if (!strcmp(cmd, "run")) {
		a->cmd = CR_CMD_RUN;
		return parse_run(a, argc, argv);
	}
	if (!strcmp(cmd, "checkpoint")) {
		a->cmd = CR_CMD_CHECKPOINT;
		return parse_checkpoint(a, argc, argv);
	}
	if (!strcmp(cmd, "restart")) {
		a->cmd = CR_CMD_RESTART;
		return parse_restart(a, argc, argv);
	}
	if (!strcmp(cmd, "inspect")) {
		a->cmd = CR_CMD_INSPECT;
		return parse_inspect(a, argc, argv);
	}
	if (!strcmp(cmd, "check")) {
		a->cmd = CR_CMD_CHECK;
		return argc > 1 ? bad(a, "check takes no arguments") : 0;
	}
	if (!strcmp(cmd, "formats")) {
		a->cmd = CR_CMD_FORMATS;
		return argc > 1 ? bad(a, "formats takes no arguments") : 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		a->cmd = CR_CMD_HELP;
		return 0;
	}
	return bad(a, "unknown command %s", cmd);
}
