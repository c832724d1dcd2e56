// SPDX-License-Identifier: GPL-2.0
/*
 * cr's command line: what each good one asks for, and that each bad one
 * is a usage error (exit status 2) saying what is wrong -- never a crash
 * nor a half-parsed command that goes on to call the kernel.
 */
#include <linux/checkpoint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../cr.h"

#define MAX_ARGS	8

static int parse(struct cr_args *a, const char *const *args)
{
	/* getopt reorders argv, so every parse gets a fresh copy. */
	static char *argv[MAX_ARGS + 1];
	int argc = 0;

	while (argc < MAX_ARGS && args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return cr_parse_args(a, argc, argv);
}

#define PARSE(a, ...) parse(a, (const char *const[]){ "cr", __VA_ARGS__, NULL })

TEST(run)
{
	struct cr_args a;

	ASSERT_EQ(0, PARSE(&a, "run", "--hostname", "box", "--", "sh", "-c", "x"));
	ASSERT_EQ(CR_CMD_RUN, (int)a.cmd);
	ASSERT_STREQ("box", a.hostname);
	ASSERT_STREQ("sh", a.command[0]);
	ASSERT_STREQ("-c", a.command[1]);
	ASSERT_STREQ("x", a.command[2]);
	ASSERT_EQ(NULL, a.command[3]);

	/* Options after the command are the command's. */
	ASSERT_EQ(0, PARSE(&a, "run", "/bin/counter", "--hostname", "x"));
	ASSERT_EQ(NULL, a.hostname);
	ASSERT_STREQ("/bin/counter", a.command[0]);
	ASSERT_STREQ("--hostname", a.command[1]);
}

TEST(checkpoint)
{
	struct cr_args a;

	ASSERT_EQ(0, PARSE(&a, "checkpoint", "42", "-o", "box.img"));
	ASSERT_EQ(CR_CMD_CHECKPOINT, (int)a.cmd);
	ASSERT_EQ(42, a.pid);
	ASSERT_STREQ("box.img", a.file);
	ASSERT_EQ(0ULL, a.flags);

	ASSERT_EQ(0, PARSE(&a, "checkpoint", "-o", "-", "--kill", "2147483647"));
	ASSERT_EQ(2147483647, a.pid);
	ASSERT_STREQ("-", a.file);
	ASSERT_EQ(CHECKPOINT_KILL, a.flags);

	ASSERT_EQ(0, PARSE(&a, "checkpoint", "--output=x", "7"));
	ASSERT_STREQ("x", a.file);
	ASSERT_EQ(0, PARSE(&a, "checkpoint", "-ox", "7"));
	ASSERT_STREQ("x", a.file);
}

TEST(restart)
{
	struct cr_args a;

	ASSERT_EQ(0, PARSE(&a, "restart"));
	ASSERT_EQ(CR_CMD_RESTART, (int)a.cmd);
	ASSERT_STREQ("-", a.file);
	ASSERT_FALSE(a.wait);
	ASSERT_EQ(0ULL, a.flags);

	ASSERT_EQ(0, PARSE(&a, "restart", "box.img", "--wait", "--frozen"));
	ASSERT_STREQ("box.img", a.file);
	ASSERT_TRUE(a.wait);
	ASSERT_EQ(RESTART_FROZEN, a.flags);

	ASSERT_EQ(0, PARSE(&a, "restart", "--frozen", "-"));
	ASSERT_STREQ("-", a.file);
	ASSERT_FALSE(a.wait);
}

TEST(inspect_check_help)
{
	struct cr_args a;

	ASSERT_EQ(0, PARSE(&a, "inspect", "box.img"));
	ASSERT_EQ(CR_CMD_INSPECT, (int)a.cmd);
	ASSERT_STREQ("box.img", a.file);
	ASSERT_FALSE(a.json);
	ASSERT_EQ(0, PARSE(&a, "inspect", "box.img", "--json"));
	ASSERT_TRUE(a.json);
	ASSERT_EQ(0, PARSE(&a, "inspect", "--json", "box.img"));
	ASSERT_STREQ("box.img", a.file);

	ASSERT_EQ(0, PARSE(&a, "check"));
	ASSERT_EQ(CR_CMD_CHECK, (int)a.cmd);
	ASSERT_EQ(0, PARSE(&a, "formats"));
	ASSERT_EQ(CR_CMD_FORMATS, (int)a.cmd);
	ASSERT_EQ(0, PARSE(&a, "help"));
	ASSERT_EQ(CR_CMD_HELP, (int)a.cmd);
	ASSERT_EQ(0, PARSE(&a, "--help"));
	ASSERT_EQ(CR_CMD_HELP, (int)a.cmd);
}

static const struct {
	const char *args[MAX_ARGS];
	const char *error;
} bad[] = {
	{ { "cr" }, "no command" },
	{ { "cr", "frobnicate" }, "unknown command frobnicate" },
	{ { "cr", "" }, "unknown command " },
	{ { "cr", "--kill" }, "unknown command --kill" },
	{ { "cr", "run" }, "run needs a command" },
	{ { "cr", "run", "--" }, "run needs a command" },
	{ { "cr", "run", "--host=box" }, "run needs a command" },
	{ { "cr", "run", "--hostname" }, "option --hostname of run needs an argument" },
	{ { "cr", "run", "-x", "sh" }, "unknown option -x to run" },
	{ { "cr", "run", "--hostname",
	    "0123456789012345678901234567890123456789012345678901234567890123x",
	    "sh" }, "a hostname has at most 64 bytes" },
	{ { "cr", "checkpoint" }, "checkpoint needs exactly one PID" },
	{ { "cr", "checkpoint", "1", "2", "-o", "f" }, "checkpoint needs exactly one PID" },
	{ { "cr", "checkpoint", "42" }, "checkpoint needs -o FILE (or -o - for stdout)" },
	{ { "cr", "checkpoint", "42", "-o", "" },
	  "checkpoint needs -o FILE (or -o - for stdout)" },
	{ { "cr", "checkpoint", "42", "-o" }, "option -o of checkpoint needs an argument" },
	{ { "cr", "checkpoint", "42", "--output" },
	  "option -o of checkpoint needs an argument" },
	{ { "cr", "checkpoint", "0", "-o", "f" }, "PID must be a positive number" },
	{ { "cr", "checkpoint", "4x", "-o", "f" }, "PID must be a positive number" },
	{ { "cr", "checkpoint", "", "-o", "f" }, "PID must be a positive number" },
	{ { "cr", "checkpoint", "2147483648", "-o", "f" }, "PID must be a positive number" },
	{ { "cr", "checkpoint", "99999999999999999999", "-o", "f" },
	  "PID must be a positive number" },
	{ { "cr", "checkpoint", "-1", "-o", "f" }, "unknown option -1 to checkpoint" },
	{ { "cr", "checkpoint", "42", "-o", "f", "--kill=yes" },
	  "option --kill of checkpoint takes no argument" },
	{ { "cr", "checkpoint", "42", "-o", "f", "--frozen" },
	  "unknown option --frozen to checkpoint" },
	{ { "cr", "checkpoint", "--kill", "-zo", "f", "42" },
	  "unknown option -z to checkpoint" },
	{ { "cr", "restart", "a", "b" }, "restart takes at most one image" },
	{ { "cr", "restart", "--kill" }, "unknown option --kill to restart" },
	{ { "cr", "restart", "-o", "x" }, "unknown option -o to restart" },
	{ { "cr", "restart", "--wait=1" }, "option --wait of restart takes no argument" },
	{ { "cr", "inspect" }, "inspect needs an image file" },
	{ { "cr", "inspect", "--json" }, "inspect needs an image file" },
	{ { "cr", "inspect", "a", "b" }, "inspect takes one image" },
	{ { "cr", "inspect", "-j", "a" }, "unknown option -j to inspect" },
	{ { "cr", "check", "now" }, "check takes no arguments" },
	{ { "cr", "formats", "all" }, "formats takes no arguments" },
};

TEST(bad_command_lines)
{
	struct cr_args a;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(CR_EXIT_USAGE, parse(&a, bad[i].args)) {
			TH_LOG("case %u (%s %s) was accepted", i, bad[i].args[1],
			       bad[i].args[2] ?: "");
		}
		ASSERT_STREQ(bad[i].error, a.error) {
			TH_LOG("case %u", i);
		}
	}
	/* A failure halfway through an option cluster leaves nothing behind. */
	ASSERT_EQ(0, PARSE(&a, "checkpoint", "-ox", "7"));
	ASSERT_STREQ("x", a.file);
}

TEST_HARNESS_MAIN
