// SPDX-License-Identifier: GPL-2.0
/*
 * cr - run, checkpoint and restart containers with checkpoint(2) and
 * restart(2).
 *
 *   cr run [--hostname H] -- CMD [ARGS...]
 *   cr checkpoint PID [-o FILE|-] [--kill]
 *   cr restart [FILE|-] [--frozen] [--wait]
 *   cr inspect FILE [--json]
 *   cr check
 *
 * Exit status: 0 success; 1 the operation failed (the kernel's reasons
 * are on stderr); 2 bad command line; with --wait, the container's own
 * exit status (128+N if it was killed by signal N).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/checkpoint.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cr.h"

#ifndef __NR_checkpoint
#define __NR_checkpoint 600
#endif
#ifndef __NR_restart
#define __NR_restart 601
#endif

const char *cr_prog = "cr";
#define prog cr_prog

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s run [--hostname H] -- CMD [ARGS...]\n"
		"       %s checkpoint PID [-o FILE|-] [--kill]\n"
		"       %s restart [FILE|-] [--frozen] [--wait]\n"
		"       %s inspect FILE [--json]\n"
		"       %s check\n",
		prog, prog, prog, prog, prog);
}

int cr_bad_usage(const char *why)
{
	fprintf(stderr, "%s: %s\n", prog, why);
	print_usage(stderr);
	return 2;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What an errno from the syscalls means for the person at hand. */
static const struct hint {
	int err;
	const char *op;		/* NULL: either */
	const char *text;
} hints[] = {
	{ ENOSYS, NULL,
	  "this kernel was built without CONFIG_CHECKPOINT; boot one built with it" },
	{ EPERM, "checkpoint",
	  "run as root: it needs CAP_CHECKPOINT_RESTORE and ptrace access to the tasks" },
	{ EPERM, "restart",
	  "run as root: restart needs CAP_SYS_ADMIN in the initial user namespace" },
	{ EOPNOTSUPP, NULL,
	  "the container uses something that cannot be saved yet (see above)" },
	{ EBUSY, NULL,
	  "part of the container is shared with a process outside it (see above)" },
	{ EINVAL, "checkpoint",
	  "the pid must be the init of a container (a pid namespace below yours)" },
	{ EINVAL, "restart",
	  "the image is damaged or not an image (see above)" },
	{ ESRCH, NULL, "there is no such process" },
};

static void explain(const char *op, int err)
{
	unsigned int i;

	fprintf(stderr, "%s: %s failed: %s\n", prog, op, strerror(err));
	for (i = 0; i < ARRAY_SIZE(hints); i++) {
		if (hints[i].err != err || (hints[i].op && strcmp(hints[i].op, op)))
			continue;
		fprintf(stderr, "%s: %s\n", prog, hints[i].text);
		break;
	}
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hostname", required_argument, NULL, 'h' },
		{ }
	};
	struct clone_args ca = {
		.flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS,
		.exit_signal = SIGCHLD,
	};
	const char *hostname = NULL;
	int c;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'h')
			return cr_bad_usage("unknown option to run");
		hostname = optarg;
	}
	if (optind >= argc)
		return cr_bad_usage("run needs a command");

	pid = syscall(__NR_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		fprintf(stderr, "%s: cannot create the container: %m\n", prog);
		fprintf(stderr, "%s: creating namespaces needs root\n", prog);
		return 1;
	}
	if (pid == 0) {
		if (hostname && sethostname(hostname, strlen(hostname)))
			_exit(127);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "%s: cannot run %s: %m\n", prog, argv[optind]);
		_exit(127);
	}
	printf("%d\n", pid);
	return 0;
}

/* Keep only the capabilities the syscall needs; drop the rest. */
static int drop_caps_except(const cap_value_t *keep, int n)
{
	cap_t caps = cap_init();
	int ret;

	if (!caps)
		return -1;
	ret = cap_set_flag(caps, CAP_EFFECTIVE, n, keep, CAP_SET) ||
	      cap_set_flag(caps, CAP_PERMITTED, n, keep, CAP_SET) ||
	      cap_set_proc(caps);
	cap_free(caps);
	return ret;
}

static int cmd_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kill", no_argument, NULL, 'k' },
		{ }
	};
	static const cap_value_t keep[] = {
		CAP_CHECKPOINT_RESTORE, CAP_SYS_ADMIN, CAP_SYS_PTRACE,
		CAP_DAC_OVERRIDE,
	};
	struct checkpoint_args a = { .logfd = STDERR_FILENO };
	const char *out = NULL;
	struct stat sb;
	double t0;
	char *end;
	int c, fd;

	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'k':
			a.flags |= CHECKPOINT_KILL;
			break;
		default:
			return cr_bad_usage("unknown option to checkpoint");
		}
	}
	if (optind != argc - 1)
		return cr_bad_usage("checkpoint needs exactly one PID");
	a.pid = strtol(argv[optind], &end, 10);
	if (*end || a.pid <= 0)
		return cr_bad_usage("PID must be a positive number");
	if (!out)
		return cr_bad_usage("checkpoint needs -o FILE (or -o - for stdout)");

	if (!strcmp(out, "-")) {
		fd = STDOUT_FILENO;
	} else {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot create %s: %m\n", prog, out);
			return 1;
		}
	}
	a.fd = fd;
	drop_caps_except(keep, ARRAY_SIZE(keep));

	t0 = now();
	if (syscall(__NR_checkpoint, &a, sizeof(a))) {
		explain("checkpoint", errno);
		if (fd != STDOUT_FILENO)
			unlink(out);
		return 1;
	}
	if (!fstat(fd, &sb) && S_ISREG(sb.st_mode))
		fprintf(stderr, "%s: checkpointed %d to %s: %lld bytes in %.3f s%s\n",
			prog, a.pid, out, (long long)sb.st_size, now() - t0,
			a.flags & CHECKPOINT_KILL ? ", container killed" : "");
	else
		fprintf(stderr, "%s: checkpointed %d in %.3f s\n", prog, a.pid,
			now() - t0);
	return 0;
}

static int cmd_restart(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wait", no_argument, NULL, 'w' },
		{ "frozen", no_argument, NULL, 'f' },
		{ }
	};
	struct restart_args a = { .logfd = STDERR_FILENO };
	const char *in = "-";
	int c, wait = 0, status;
	double t0;
	long pid;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			wait = 1;
			break;
		case 'f':
			a.flags |= RESTART_FROZEN;
			break;
		default:
			return cr_bad_usage("unknown option to restart");
		}
	}
	if (optind < argc - 1)
		return cr_bad_usage("restart takes at most one image");
	if (optind == argc - 1)
		in = argv[optind];
	if (!strcmp(in, "-")) {
		a.fd = STDIN_FILENO;
	} else {
		a.fd = open(in, O_RDONLY | O_CLOEXEC);
		if (a.fd < 0) {
			fprintf(stderr, "%s: cannot open %s: %m\n", prog, in);
			return 1;
		}
	}

	t0 = now();
	pid = syscall(__NR_restart, &a, sizeof(a));
	if (pid < 0) {
		explain("restart", errno);
		return 1;
	}
	printf("%ld\n", pid);
	fflush(stdout);
	fprintf(stderr, "%s: restarted %s as %ld in %.3f s%s\n", prog, in, pid,
		now() - t0,
		a.flags & RESTART_FROZEN ? ", stopped until SIGCONT" : "");
	if (!wait)
		return 0;
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "%s: cannot wait for %ld: %m\n", prog, pid);
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_check(void)
{
	struct checkpoint_args a = { .fd = -1, .logfd = -1 };
	cap_flag_value_t admin = CAP_CLEAR, cr = CAP_CLEAR;
	cap_t caps = cap_get_proc();
	int ok = 1;

	if (syscall(__NR_checkpoint, &a, sizeof(a)) && errno == ENOSYS) {
		printf("kernel: no checkpoint/restart (built without CONFIG_CHECKPOINT)\n");
		ok = 0;
	} else {
		printf("kernel: checkpoint(2) and restart(2) are available\n");
	}
	if (caps) {
		cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin);
		cap_get_flag(caps, CAP_CHECKPOINT_RESTORE, CAP_EFFECTIVE, &cr);
		cap_free(caps);
	}
	if (admin || cr)
		printf("checkpoint: allowed (CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE held)\n");
	else
		printf("checkpoint: not allowed: needs CAP_CHECKPOINT_RESTORE; run as root\n");
	if (admin)
		printf("restart: allowed (CAP_SYS_ADMIN held)\n");
	else
		printf("restart: not allowed: needs CAP_SYS_ADMIN; run as root\n");
	return ok && admin ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cr_bad_usage("no command");
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "checkpoint"))
		return cmd_checkpoint(argc - 1, argv + 1);
	if (!strcmp(argv[1], "restart"))
		return cmd_restart(argc - 1, argv + 1);
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check();
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return 0;
	}
	return cr_bad_usage("unknown command");
}
