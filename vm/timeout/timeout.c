// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's /usr/bin/timeout: what the kselftest runner
 * (tools/testing/selftests/kselftest/runner.sh) needs of GNU timeout,
 * for a guest whose only timeout is busybox's.  That one knows no
 * --foreground, so the runner's call of it fails before the test runs,
 * and it exits 143, not 124, when time runs out, so the runner could
 * not report a TIMEOUT.
 *
 * usage: timeout [--foreground] SECS PROG [ARG...]
 *
 * Runs PROG; after SECS (0: never) sends it SIGTERM and SIGCONT, and
 * SIGKILL 10 s later if it is still there, so that a stuck test cannot
 * hold up the whole guest.  Without --foreground PROG runs in a process
 * group of its own and the signals go to that group, its children
 * included, as GNU timeout sends them to its group.  SIGTERM, SIGINT
 * and SIGHUP sent to timeout are passed on the same way.  Exits 124
 * when the time ran out, else with PROG's status (128 + the signal that
 * killed it); 125 when PROG could not be started, 126/127 when it could
 * not be run or found, as GNU timeout does.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define KILL_AFTER	10	/* seconds from SIGTERM to SIGKILL */

static int bad_usage(void)
{
	fprintf(stderr, "usage: timeout [--foreground] SECS PROG [ARG...]\n");
	return 125;
}

int main(int argc, char **argv)
{
	bool foreground = false, timed_out = false;
	sigset_t set, old;
	unsigned long secs;
	pid_t child, target;
	int status = 0, sig;
	char *end;

	argc--;
	argv++;
	if (argc && !strcmp(argv[0], "--foreground")) {
		foreground = true;
		argc--;
		argv++;
	}
	if (argc < 2)
		return bad_usage();
	errno = 0;
	secs = strtoul(argv[0], &end, 10);
	if (errno || end == argv[0] || *end)
		return bad_usage();

	/* Taken with sigwaitinfo() below: no handler, no race with it. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);

	child = fork();
	if (child < 0) {
		perror("timeout: fork");
		return 125;
	}
	if (child == 0) {
		if (!foreground)
			setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "timeout: %s: %s\n", argv[1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* Both sides set the group: the signals may come before the child runs. */
	if (!foreground)
		setpgid(child, child);
	target = foreground ? child : -child;
	alarm(secs);

	for (;;) {
		sig = sigwaitinfo(&set, NULL);
		if (sig == SIGCHLD) {
			if (waitpid(child, &status, WNOHANG) == child)
				break;
		} else if (sig == SIGALRM && !timed_out) {
			timed_out = true;
			kill(target, SIGTERM);
			kill(target, SIGCONT);
			alarm(KILL_AFTER);
		} else if (sig == SIGALRM) {
			kill(target, SIGKILL);
		} else if (sig > 0) {
			kill(target, sig);
		}
	}
	if (timed_out)
		return 124;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
