// SPDX-License-Identifier: GPL-2.0
/*
 * cr - run, checkpoint and restart containers with checkpoint(2) and
 * restart(2).
 *
 *   cr run [--hostname H] -- CMD [ARGS...]
 *   cr checkpoint PID -o FILE|- [--kill]
 *   cr restart [FILE|-] [--frozen] [--wait]
 *   cr inspect FILE [--json]
 *   cr check
 *
 * Exit status: 0 success; 1 the operation failed (the kernel's reasons
 * are on stderr); 2 bad command line; with --wait, the container's own
 * exit status (128+N if it was killed by signal N).  cr(8) has the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/checkpoint.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
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
#include "records.h"
#include "../include/tools/checkpoint.h"

#define prog cr_prog

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
	{ EPIPE, "checkpoint",
	  "what read the image stopped before its end; the container is left running" },
};

static void explain(const char *op, int err)
{
	unsigned int i;

	fprintf(stderr, "%s: %s failed: %s\n", prog, op, strerror(err));
	/*
	 * Asked of the kernel, not read from @err: one that gave the
	 * syscalls' numbers to others (tools/checkpoint.h) fails with their
	 * errors, not with a missing syscall's.
	 */
	if (!ckpt_available()) {
		fprintf(stderr, "%s: %s\n", prog,
			"this kernel has no checkpoint(2): boot one built with CONFIG_CHECKPOINT");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(hints); i++) {
		if (hints[i].err != err || (hints[i].op && strcmp(hints[i].op, op)))
			continue;
		fprintf(stderr, "%s: %s\n", prog, hints[i].text);
		break;
	}
}

static int cmd_run(const struct cr_args *a)
{
	struct clone_args ca = {
		.flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS,
		.exit_signal = SIGCHLD,
	};
	pid_t pid;

	pid = syscall(__NR_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		fprintf(stderr, "%s: cannot create the container: %m\n", prog);
		fprintf(stderr, "%s: creating namespaces needs root\n", prog);
		return CR_EXIT_FAIL;
	}
	if (pid == 0) {
		if (a->hostname && sethostname(a->hostname, strlen(a->hostname)))
			_exit(127);
		execvp(a->command[0], a->command);
		fprintf(stderr, "%s: cannot run %s: %m\n", prog, a->command[0]);
		_exit(127);
	}
	printf("%d\n", pid);
	return CR_EXIT_OK;
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

/*
 * The kernel writes a file straight to its fd, so cr sees nothing of a
 * long dump but the file's growing size; a stream passes through cr,
 * which counts it.  A thread polls either until the pipe that stops it
 * is closed.
 */
struct progress {
	pthread_t thread;
	int fd;
	const uint64_t *copied;
	int stop[2];
	bool shown;
};

static void *progress_show(void *arg)
{
	struct progress *p = arg;
	struct pollfd stop = { .fd = p->stop[0], .events = POLLIN };
	struct stat sb;
	uint64_t size;

	while (poll(&stop, 1, 200) == 0) {
		if (p->copied)
			size = __atomic_load_n(p->copied, __ATOMIC_RELAXED);
		else if (!fstat(p->fd, &sb))
			size = sb.st_size;
		else
			break;
		fprintf(stderr, "\r  %.1f MiB written", size / 1048576.0);
		p->shown = true;
	}
	/* Blank the line so that what cr prints next starts clean. */
	if (p->shown)
		fprintf(stderr, "\r%*s\r", 40, "");
	return NULL;
}

/* @copied: the stream's count of bytes, or NULL to watch @fd's size. */
static bool progress_start(struct progress *p, int fd, const uint64_t *copied)
{
	struct stat sb;

	if (!isatty(STDERR_FILENO))
		return false;
	if (!copied && (fstat(fd, &sb) || !S_ISREG(sb.st_mode)))
		return false;
	p->fd = fd;
	p->copied = copied;
	p->shown = false;
	if (pipe2(p->stop, O_CLOEXEC))
		return false;
	if (!pthread_create(&p->thread, NULL, progress_show, p))
		return true;
	close(p->stop[0]);
	close(p->stop[1]);
	return false;
}

static void progress_stop(struct progress *p)
{
	close(p->stop[1]);
	pthread_join(p->thread, NULL);
	close(p->stop[0]);
}

/*
 * With -o - to a pipe or a socket, the kernel writes into a pipe of cr's
 * own and a thread copies it to stdout, counting the records on the way:
 * a stream cannot be read back afterwards to be summed up as a file is.
 *
 * The kernel counts the image as written once that pipe has taken it, so
 * a stdout that fails after the kernel is done (the reader exits, the
 * disk behind it fills) loses the end of the image even though the
 * checkpoint succeeded, and with --kill the container is gone.  What can
 * be lost is bounded by the pipe and the copy buffer; the pipe keeps its
 * default size so as not to make that window any wider.  Any other stdout
 * is given to the kernel directly and its write errors fail the checkpoint.
 */
#define COPY_SIZE	(1024 * 1024)

struct copier {
	pthread_t thread;
	int rd, wr;		/* the pipe the kernel writes into */
	char *buf;
	struct cr_tally tally;
	FILE *tasks;		/* -v: the task list, shown at the end */
	char *tasks_text;
	size_t tasks_len;
	uint64_t copied;	/* read by the progress thread */
	int err;		/* why copying stopped early, or 0 */
};

static int write_all(int fd, const char *p, size_t len)
{
	struct pollfd out = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EAGAIN) {
			/* Someone made stdout non-blocking: wait for room. */
			if (poll(&out, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static void *copier_run(void *arg)
{
	struct copier *c = arg;
	ssize_t n;

	for (;;) {
		n = read(c->rd, c->buf, COPY_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			c->err = errno;
		if (n <= 0)
			break;
		if (write_all(STDOUT_FILENO, c->buf, n)) {
			c->err = errno;
			break;
		}
		cr_tally_feed(&c->tally, c->buf, n);
		__atomic_store_n(&c->copied, c->copied + n, __ATOMIC_RELAXED);
	}
	/*
	 * If stdout failed, the kernel's next write fails too, rather than
	 * filling a pipe no one reads: a checkpoint still writing then
	 * fails, and --kill spares the container.  One that had already
	 * written its last record into the pipe has succeeded: see above.
	 */
	close(c->rd);
	return NULL;
}

/* Return: whether the copier runs; if not, the kernel writes to stdout. */
static bool copier_start(struct copier *c, bool verbose)
{
	int p[2];

	memset(c, 0, sizeof(*c));
	c->buf = malloc(COPY_SIZE);
	if (!c->buf || pipe2(p, O_CLOEXEC)) {
		free(c->buf);
		return false;
	}
	c->rd = p[0];
	c->wr = p[1];
	if (verbose)
		c->tasks = open_memstream(&c->tasks_text, &c->tasks_len);
	cr_tally_init(&c->tally, c->tasks);
	if (!pthread_create(&c->thread, NULL, copier_run, c))
		return true;
	if (c->tasks)
		fclose(c->tasks);
	free(c->tasks_text);
	close(c->rd);
	close(c->wr);
	free(c->buf);
	return false;
}

/* Once the kernel is done with the pipe: drain it and wait for the copy. */
static void copier_stop(struct copier *c)
{
	close(c->wr);
	pthread_join(c->thread, NULL);
	if (c->tasks)
		fclose(c->tasks);
	free(c->buf);
}

/*
 * Whether stdout needs the copier: the kernel may write to any file, but
 * only a stream cannot be read back and summed up afterwards.
 */
static bool stdout_is_stream(void)
{
	struct stat sb;

	if (fstat(STDOUT_FILENO, &sb))
		return true;
	return S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode);
}

/*
 * The kernel wrote the image to stdout itself, a regular file: read it
 * back through /proc as a named file would be, since stdout is usually
 * open for writing only.  @start is where stdout's offset was before:
 * after other data (>>), the file is not the image alone.
 */
static int summarize_stdout(off_t start, struct cr_summary *sum,
			    FILE *verbose)
{
	struct stat sb;

	if (start || fstat(STDOUT_FILENO, &sb) || !S_ISREG(sb.st_mode))
		return -1;
	return cr_summarize("/proc/self/fd/1", sum, verbose);
}

static int cmd_checkpoint(const struct cr_args *ca)
{
	static const cap_value_t keep[] = {
		CAP_CHECKPOINT_RESTORE, CAP_SYS_ADMIN, CAP_SYS_PTRACE,
		CAP_DAC_OVERRIDE,
	};
	struct checkpoint_args a = {
		.flags = ca->flags,
		.pid = ca->pid,
		.logfd = STDERR_FILENO,
	};
	const char *out = ca->file, *to = ca->file;
	bool stream = !strcmp(out, "-");
	bool progressing, copying = false, summed;
	struct progress progress;
	struct copier copier;
	struct cr_summary sum;
	double t0, elapsed;
	off_t start = 0;
	struct stat sb;
	int fd, err = 0;

	/*
	 * Writes to a closed stdout, the kernel's or the copier's, fail with
	 * EPIPE and are reported; the signal would kill cr before it could
	 * say what became of the container.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (stream) {
		fd = STDOUT_FILENO;
		to = "stdout";
		start = lseek(fd, 0, SEEK_CUR);
	} else {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot create %s: %m\n", prog, out);
			return CR_EXIT_FAIL;
		}
	}
	drop_caps_except(keep, ARRAY_SIZE(keep));

	/* Threads started after the drop: capabilities are per thread. */
	if (stream && stdout_is_stream() &&
	    copier_start(&copier, ca->verbose)) {
		copying = true;
		fd = copier.wr;
	}
	a.fd = fd;
	t0 = now();
	progressing = progress_start(&progress, fd,
				     copying ? &copier.copied : NULL);
	if (sys_checkpoint(&a, sizeof(a)))
		err = errno;
	elapsed = now() - t0;
	if (copying)
		copier_stop(&copier);
	if (progressing)
		progress_stop(&progress);
	if (err == EPIPE && copying && copier.err == EPIPE) {
		/* The reader went away: the kernel's EPIPE tells it all. */
		explain("checkpoint", err);
	} else if (err == EPIPE && copying && copier.err) {
		/*
		 * The kernel's EPIPE only echoes the copier giving up: give
		 * the copier's reason, not the hint about a reader.
		 */
		fprintf(stderr, "%s: cannot copy the image to stdout: %s\n",
			prog, strerror(copier.err));
		fprintf(stderr, "%s: checkpoint failed; the container is left running\n",
			prog);
	} else {
		if (copying && copier.err)
			fprintf(stderr, "%s: cannot copy the image to stdout: %s\n",
				prog, strerror(copier.err));
		if (err)
			explain("checkpoint", err);
	}
	if (err) {
		if (!stream)
			unlink(out);
	} else if (copying && copier.err) {
		fprintf(stderr, "%s: checkpointed %d%s, but not all of the image reached stdout\n",
			prog, a.pid,
			a.flags & CHECKPOINT_KILL ? " and killed it" : "");
	}
	if (err || (copying && copier.err)) {
		if (copying)
			free(copier.tasks_text);
		return CR_EXIT_FAIL;
	}

	if (copying) {
		summed = !cr_tally_end(&copier.tally);
		sum = copier.tally.sum;
		if (summed && copier.tasks_text)
			fputs(copier.tasks_text, stderr);
		free(copier.tasks_text);
	} else if (stream) {
		summed = !summarize_stdout(start, &sum,
					   ca->verbose ? stderr : NULL);
	} else {
		/* A FIFO or a device named with -o cannot be read back. */
		summed = !fstat(fd, &sb) && S_ISREG(sb.st_mode) &&
			 !cr_summarize(out, &sum, ca->verbose ? stderr : NULL);
	}
	if (summed)
		fprintf(stderr,
			"%s: checkpointed %d to %s: %u tasks, %.1f MiB of memory, %u files, %llu bytes in %.3f s%s\n",
			prog, a.pid, to, sum.tasks, sum.memory / 1048576.0,
			sum.files, (unsigned long long)sum.bytes, elapsed,
			a.flags & CHECKPOINT_KILL ? ", container killed" : "");
	else
		fprintf(stderr, "%s: checkpointed %d in %.3f s\n", prog, a.pid,
			elapsed);
	return CR_EXIT_OK;
}

static int cmd_restart(const struct cr_args *ca)
{
	struct restart_args a = {
		.flags = ca->flags,
		.logfd = STDERR_FILENO,
	};
	const char *in = ca->file;
	double t0;
	int status;
	long pid;

	if (!strcmp(in, "-")) {
		a.fd = STDIN_FILENO;
	} else {
		a.fd = open(in, O_RDONLY | O_CLOEXEC);
		if (a.fd < 0) {
			fprintf(stderr, "%s: cannot open %s: %m\n", prog, in);
			return CR_EXIT_FAIL;
		}
	}

	if (ca->verbose && strcmp(in, "-")) {
		struct cr_summary sum;

		if (!cr_summarize(in, &sum, stderr))
			fprintf(stderr, "%s: %s holds %u tasks, %.1f MiB of memory, %u files\n",
				prog, in, sum.tasks, sum.memory / 1048576.0,
				sum.files);
	}
	t0 = now();
	pid = sys_restart(&a, sizeof(a));
	if (pid < 0) {
		explain("restart", errno);
		return CR_EXIT_FAIL;
	}
	printf("%ld\n", pid);
	fflush(stdout);
	fprintf(stderr, "%s: restarted %s as %ld in %.3f s%s\n", prog, in, pid,
		now() - t0,
		a.flags & RESTART_FROZEN ? ", stopped until SIGCONT" : "");
	if (!ca->wait)
		return CR_EXIT_OK;
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "%s: cannot wait for %ld: %m\n", prog, pid);
		return CR_EXIT_FAIL;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int cmd_check(void)
{
	cap_flag_value_t admin = CAP_CLEAR, cr = CAP_CLEAR;
	cap_t caps = cap_get_proc();
	int ok = 1;

	if (!ckpt_available()) {
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
	return ok && admin ? CR_EXIT_OK : CR_EXIT_FAIL;
}

int main(int argc, char **argv)
{
	struct cr_args a;

	if (cr_parse_args(&a, argc, argv))
		return cr_bad_usage(a.error);
	switch (a.cmd) {
	case CR_CMD_RUN:
		return cmd_run(&a);
	case CR_CMD_CHECKPOINT:
		return cmd_checkpoint(&a);
	case CR_CMD_RESTART:
		return cmd_restart(&a);
	case CR_CMD_INSPECT:
		return cmd_inspect(a.file, a.json);
	case CR_CMD_CHECK:
		return cmd_check();
	case CR_CMD_FORMATS:
		return cmd_formats();
	case CR_CMD_HELP:
		break;
	}
	cr_print_usage(stdout);
	return CR_EXIT_OK;
}
