// SPDX-License-Identifier: GPL-2.0
/*
 * Races: checkpoint(2) and restart(2) against the container's own tasks
 * forking, exiting, exec'ing (a setuid binary too) and dying, against a
 * second checkpoint, against a checkpoint from inside, and against their
 * own callers being killed.
 *
 * The image goes into a pipe of one page that the test reads record by
 * record (race_util.h), so the checkpoint stalls where the test stops
 * reading: at the header or the tree (a pipe filled beforehand, so that
 * exactly that record does not fit), after a given task's record, in
 * the pages of a later process, in the registers, and a pipe's worth of
 * registers before the end (before the last checks and the trailer).
 * There the test kills a task of the container, its init, a nested
 * namespace's init, or the checkpointer.  Every round must end
 * with no splat or hang, with a checkpoint that either succeeded with an
 * image restart(2) takes or failed with an errno and a log line, and
 * with the container either intact (every surviving task runs on, and a
 * later checkpoint and restart of it work) or cleanly gone (init reaped,
 * no task left in its namespaces).
 *
 * Includes the regression test for an unprivileged user oopsing the
 * kernel through a stalled checkpoint whose container's init it killed
 * (KASAN null-ptr-deref in ckpt_write_container()).
 */
#define _GNU_SOURCE
#include "race_util.h"
#include "../kselftest_harness.h"

enum stall_at { AT_HEADER, AT_TREE, AT_TASK, AT_PAGES, AT_CPU, AT_END };

static const char * const at_name[] = {
	"header", "tree", "task", "pages", "cpu", "end",
};

enum target { T_NONE, T_CHECKPOINTER, T_CHILD, T_THREAD, T_NESTED, T_INIT };

static const char * const target_name[] = {
	"nothing", "the checkpointer", "a process", "a thread",
	"a nested namespace's init", "the init",
};

/* Which slots of mode mix each kill takes with it. */
static const uint64_t target_slots[] = {
	[T_CHILD] = 1ULL << MIX_IDLE,
	[T_THREAD] = (1ULL << MIX_THREADS) | (1ULL << MIX_THREAD),
	[T_NESTED] = (1ULL << MIX_NESTED) | (1ULL << MIX_NESTED_KID),
	[T_INIT] = MIX_ALL,
};

/* Our pid of the task @tg names in the mode mix container @c. */
static pid_t victim_of(struct rc *c, enum target tg)
{
	switch (tg) {
	case T_CHILD:
		return outer_tid(R_GET(c->pg->tid[MIX_IDLE]), c->pidns, 0);
	case T_THREAD:
		return outer_tid(R_GET(c->pg->tid[MIX_THREAD]), c->pidns, 0);
	case T_NESTED:
		return outer_tid(R_GET(c->pg->nested_pid), c->pidns, c->init);
	case T_INIT:
		return c->init;
	default:
		return 0;
	}
}

/* Wait up to 10 s for @pid to be a zombie or gone. */
static int wait_dead(pid_t pid)
{
	long long end = now_ms() + 10000;

	while (now_ms() < end) {
		char s = task_state(pid);

		if (s == 'Z' || s == 'X' || s == '?')
			return 1;
		sleep_ms(1);
	}
	return 0;
}

/*
 * Is this the record after which the test stops reading?  For AT_END,
 * @live is how many register records the image has, @left how many
 * must stay unread for the writer to wait before its last checks.
 */
static int stop_here(struct stream *s, int type, enum stall_at at, int k,
		     int live, int left)
{
	switch (at) {
	case AT_TASK:
		return type == CKPT_REC_TASK &&
		       s->counts[CKPT_REC_TASK] == (unsigned int)k + 1;
	case AT_PAGES:
		return type == CKPT_REC_PAGES && s->counts[CKPT_REC_MM] >= 2;
	case AT_CPU:
		return type == CKPT_REC_CPU;
	case AT_END:
		return type == CKPT_REC_CPU &&
		       (int)s->counts[CKPT_REC_CPU] >= (live > left ? live - left : 1);
	default:
		return 0;
	}
}

/*
 * One round: checkpoint @c into a pipe, stall it at @at (after the
 * @k-th task's record for AT_TASK), kill @tg, let the checkpoint go on,
 * and check how it and the container ended.  @alive drops the slots the
 * kill took; @c->init is 0 once the container is gone.
 */
static void stall_round(struct __test_metadata *_metadata, struct rc *c,
			enum stall_at at, enum target tg, int k,
			uint64_t *alive)
{
	int p[2], log = scratch_file(O_RDWR), junk = 0, type = 0, live = 0;
	int left = 2;
	long long t0 = now_ms();
	int blocked, res, err;
	struct stream s;
	pid_t victim, ck;

	ASSERT_EQ(0, small_pipe(p));
	ASSERT_GE(log, 0);
	if (at == AT_HEADER)
		junk = 4096;
	else if (at == AT_TREE)
		junk = 4096 - sizeof(struct ckpt_rec_header);
	ASSERT_EQ(0, prefill(p[1], junk));
	victim = victim_of(c, tg);
	if (tg != T_NONE && tg != T_CHECKPOINTER)
		ASSERT_GT(victim, 0) TH_LOG("no task for %s", target_name[tg]);

	ck = ckpt_child(c->init, p[1], log, 0, NULL, 0, p[0]);
	ASSERT_GT(ck, 0);
	close(p[1]);
	stream_init(&s, p[0]);
	if (!junk) {
		while ((type = stream_next(&s)) > 0) {
			const struct ckpt_rec_header *h = (const void *)s.buf;

			/*
			 * Register records are all one size: leave more than a
			 * pipe's worth of them unread.
			 */
			if (type == CKPT_REC_HEADER)
				left = 4096 / (sizeof(struct ckpt_rec_cpu) +
					       h->xstate_size) + 2;
			if (type == CKPT_REC_CONTAINER)
				live = image_live_tasks(s.buf, s.len);
			if (stop_here(&s, type, at, k, live, left))
				break;
		}
		ASSERT_GE(type, 0) TH_LOG("the image's framing broke");
	}
	blocked = wait_pipe_write(ck, 20000);
	ASSERT_NE(-1, blocked) TH_LOG("the checkpoint neither blocked nor ended");

	if (tg == T_CHECKPOINTER)
		victim = ck;
	if (victim) {
		kill(victim, SIGKILL);
		/* The checkpointer goes on only once the victim is dead. */
		if (tg != T_CHECKPOINTER)
			ASSERT_TRUE(wait_dead(victim))
				TH_LOG("%s did not die", target_name[tg]);
	}
	if (junk)
		ASSERT_EQ(0, skip_bytes(p[0], junk));
	ASSERT_EQ(0, stream_drain(&s)) TH_LOG("the image's framing broke");
	res = child_result(ck);
	close(p[0]);

	TH_LOG("stall at %s, killed %s: checkpoint %s (%d), %zu bytes, %u records, %lld ms",
	       at_name[at], target_name[tg],
	       res == 0 ? "succeeded" : res >= 1000 ? "killed" : strerror(res),
	       res, s.len, s.nr, now_ms() - t0);
	if (tg == T_CHECKPOINTER && blocked) {
		ASSERT_EQ(1000 + SIGKILL, res);
	} else {
		ASSERT_TRUE(res == 0 || clean_errno(res))
			TH_LOG("checkpointer ended with %d (1000+: signal)", res);
	}
	if (res == 0) {
		ASSERT_TRUE(image_complete(s.buf, s.len))
			TH_LOG("a checkpoint that succeeded left an incomplete image");
		err = restart_takes(s.buf, s.len, log);
		ASSERT_EQ(0, err) TH_LOG("restart refused the image: %s\n%s",
					 strerror(err), log_text(log));
	} else if (res < 1000) {
		ASSERT_NE(0, log_text(log)[0])
			TH_LOG("checkpoint failed (%s) without a log line",
			       strerror(res));
		ASSERT_FALSE(image_complete(s.buf, s.len));
	}
	stream_free(&s);

	if (tg == T_INIT) {
		int status = rc_reap(c, 10000);

		ASSERT_NE(-1, status) TH_LOG("the init was not reaped");
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("init status %#x", status);
		ASSERT_TRUE(foreign_tasks_gone(5000, NULL))
			TH_LOG("tasks of the killed container are left");
		*alive = 0;
	} else {
		*alive &= ~target_slots[tg];
		ASSERT_TRUE(beats_advance(c->pg, *alive, 10000))
			TH_LOG("tasks of slots %#llx stopped running",
			       (unsigned long long)stalled_slots(c->pg, *alive, 500));
	}
	close(log);
}

/*
 * Checkpoint @c with CHECKPOINT_KILL and restart it in its place: the
 * container was intact.  A fork racing with the freeze may make a try
 * fail with EAGAIN; a few tries are allowed.
 */
static void replace_by_restart(struct __test_metadata *_metadata,
			       struct rc *c, uint64_t alive)
{
	int img = scratch_file(O_RDWR), log = scratch_file(O_RDWR);
	int tries, status;
	long ret = -1;
	pid_t pid;

	ASSERT_GE(img, 0);
	ASSERT_GE(log, 0);
	for (tries = 0; tries < 5 && ret; tries++) {
		ftruncate(img, 0);
		lseek(img, 0, SEEK_SET);
		ret = ckpt(c->init, img, log, CHECKPOINT_KILL);
		ASSERT_TRUE(ret == 0 || errno == EAGAIN)
			TH_LOG("checkpoint: %m\n%s", log_text(log));
	}
	ASSERT_EQ(0, ret) TH_LOG("checkpoint kept failing: %s", log_text(log));
	status = rc_reap(c, 10000);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	R_SET(c->pg->cmd, 0);
	lseek(img, 0, SEEK_SET);
	pid = rstrt(img, log, 0);
	ASSERT_GT(pid, 0) TH_LOG("restart: %m\n%s", log_text(log));
	c->init = pid;
	c->pidns = ns_ino(pid, "pid");
	ASSERT_TRUE(beats_advance(c->pg, alive, 10000))
		TH_LOG("restored tasks of slots %#llx do not run",
		       (unsigned long long)stalled_slots(c->pg, alive, 500));
	close(img);
	close(log);
}

FIXTURE(mix) {
	struct rc c;
};

FIXTURE_VARIANT(mix) {
	enum stall_at at;
};

FIXTURE_VARIANT_ADD(mix, header) { AT_HEADER };
FIXTURE_VARIANT_ADD(mix, tree) { AT_TREE };
FIXTURE_VARIANT_ADD(mix, task) { AT_TASK };
FIXTURE_VARIANT_ADD(mix, pages) { AT_PAGES };
FIXTURE_VARIANT_ADD(mix, cpu) { AT_CPU };
FIXTURE_VARIANT_ADD(mix, end) { AT_END };

FIXTURE_SETUP(mix)
{
	int ret = rc_start(&self->c, "mix", "mix", 0, MIX_ALL);

	ASSERT_EQ(0, ret) TH_LOG("mix container did not start (ready %#llx)",
				 self->c.pg == MAP_FAILED ? 0ULL :
				 (unsigned long long)R_GET(self->c.pg->ready));
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

FIXTURE_TEARDOWN(mix)
{
	rc_cleanup(&self->c);
}

/*
 * At one stall point, on one container: kill a process, a thread or a
 * nested namespace's init (each at two of the six points), then the
 * checkpointer; the container must come through each intact.  Then
 * checkpoint and restart it, and kill the restored container's init at
 * the same point.  At the header, a stall with nothing killed first.
 */
TEST_F_TIMEOUT(mix, stall_and_kill, 120)
{
	static const enum target rotate[] = { T_CHILD, T_THREAD, T_NESTED };
	uint64_t alive = MIX_ALL;

	if (variant->at == AT_HEADER)
		stall_round(_metadata, &self->c, variant->at, T_NONE, 1, &alive);
	stall_round(_metadata, &self->c, variant->at,
		    rotate[variant->at % 3], 2, &alive);
	stall_round(_metadata, &self->c, variant->at, T_CHECKPOINTER, 3,
		    &alive);
	replace_by_restart(_metadata, &self->c, alive);
	stall_round(_metadata, &self->c, variant->at, T_INIT, 0, &alive);
}

/*
 * The tests below start their container themselves, into self->c, so
 * that the teardown kills it whatever happened.
 */
FIXTURE(r) {
	struct rc c;
};

FIXTURE_SETUP(r)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

FIXTURE_TEARDOWN(r)
{
	rc_cleanup(&self->c);
	unlink(RACE_SUID_PATH);
}

/*
 * Back-to-back checkpoints of a container that forks, exits, execs and
 * creates threads all the time: each succeeds or fails cleanly, and the
 * restored container finds its state intact.
 */
TEST_F_TIMEOUT(r, churn_then_restore, 120)
{
	int img = scratch_file(O_RDWR), log = scratch_file(O_RDWR);
	int i, ok = 0, again = 0, status;
	static unsigned char buf[16 << 20];
	ssize_t n;

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	ASSERT_GE(img, 0);
	ASSERT_GE(log, 0);
	ASSERT_EQ(0, rc_start(&self->c, "churn", "mix", 0, MIX_ALL));
	for (i = 0; i < 6; i++) {
		ftruncate(img, 0);
		lseek(img, 0, SEEK_SET);
		if (ckpt(self->c.init, img, log, 0) == 0) {
			ok++;
			n = pread(img, buf, sizeof(buf), 0);
			ASSERT_TRUE(n > 0 && image_complete(buf, n));
			if (ok == 1)
				ASSERT_EQ(0, restart_takes(buf, n, log))
					TH_LOG("%s", log_text(log));
		} else {
			ASSERT_EQ(EAGAIN, errno) TH_LOG("%m: %s", log_text(log));
			again++;
		}
	}
	TH_LOG("%d checkpoints of a churning container: %d succeeded, %d EAGAIN",
	       i, ok, again);
	ASSERT_TRUE(beats_advance(self->c.pg, MIX_ALL, 10000));
	replace_by_restart(_metadata, &self->c, MIX_ALL);
	status = rc_check(&self->c, MIX_ALL, 20000);
	ASSERT_EQ(0, status) TH_LOG("restored container: status %#x, checked %#llx, failed %#llx",
				    status, (unsigned long long)self->c.pg->checked,
				    (unsigned long long)self->c.pg->failed);
	rc_cleanup(&self->c);
}

/*
 * A second checkpoint of a container that one is already saving gets
 * EBUSY and writes nothing; the first completes with an image restart
 * takes.  Once with the first stalled at its header, once in its
 * registers; the second time the second one asks for CHECKPOINT_KILL,
 * which must not kill.
 */
TEST_F_TIMEOUT(r, concurrent_checkpoints, 60)
{
	int log = scratch_file(O_RDWR), img = scratch_file(O_RDWR);
	int p[2], res, round, type;
	struct stream s;
	struct stat st;
	pid_t ck;

	ASSERT_GE(log, 0);
	ASSERT_GE(img, 0);
	ASSERT_EQ(0, rc_start(&self->c, "conc", "mix", 0, MIX_ALL));
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, small_pipe(p));
		if (round == 0)
			ASSERT_EQ(0, prefill(p[1], 4096));
		ck = ckpt_child(self->c.init, p[1], log, 0, NULL, 0, p[0]);
		close(p[1]);
		stream_init(&s, p[0]);
		if (round == 1)
			while ((type = stream_next(&s)) > 0 &&
			       type != CKPT_REC_CPU)
				;
		ASSERT_EQ(1, wait_pipe_write(ck, 20000))
			TH_LOG("the first checkpoint did not stall");

		ftruncate(img, 0);
		lseek(img, 0, SEEK_SET);
		ASSERT_EQ(-1, ckpt(self->c.init, img, log, round ? CHECKPOINT_KILL : 0));
		ASSERT_EQ(EBUSY, errno) TH_LOG("second checkpoint: %m");
		ASSERT_EQ(0, fstat(img, &st));
		ASSERT_EQ(0, st.st_size) TH_LOG("the refused checkpoint wrote");
		ASSERT_NE(NULL, strstr(log_text(log), "checkpoint"))
			TH_LOG("log: %s", log_text(log));

		if (round == 0)
			ASSERT_EQ(0, skip_bytes(p[0], 4096));
		ASSERT_EQ(0, stream_drain(&s));
		res = child_result(ck);
		close(p[0]);
		ASSERT_EQ(0, res) TH_LOG("first checkpoint: %d %s", res,
					 log_text(log));
		ASSERT_TRUE(image_complete(s.buf, s.len));
		ASSERT_EQ(0, restart_takes(s.buf, s.len, log))
			TH_LOG("%s", log_text(log));
		stream_free(&s);
		ASSERT_TRUE(beats_advance(self->c.pg, MIX_ALL, 10000));
	}
	rc_cleanup(&self->c);
}

/*
 * The regression test for the oops: the container's init is killed
 * while its checkpoint is stalled writing the header, then the pipe is
 * drained.  Root's container, with no user namespace (the checkpoint
 * gets to its header); mode idle is all it takes.
 */
TEST_F_TIMEOUT(r, killed_init_under_stalled_header, 60)
{
	uint64_t alive = IDLE_ALL;

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	ASSERT_EQ(0, rc_start(&self->c, "d1", "idle", 0, IDLE_ALL));
	stall_round(_metadata, &self->c, AT_HEADER, T_INIT, 0, &alive);
	rc_cleanup(&self->c);
}

/*
 * The reproduction as it was reported: uid 1000 in user, pid and ipc
 * namespaces of its own checkpoints its container into a full pipe and
 * kills the container's init while the checkpoint waits.  A container
 * in a user namespace is refused before anything is written, so the
 * checkpoint never waits: the pipe must hold only what we put there.
 */
TEST_F_TIMEOUT(r, killed_init_unprivileged, 60)
{
	int p[2], ctl[2], go[2], log = scratch_file(O_RDWR), res, status;
	int unread;
	char junk[4096];
	pid_t user, init = 0;
	char byte = 0;

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	self->c.mode = "idle";
	snprintf(self->c.path, sizeof(self->c.path), "/tmp/race-d1u-%d", getpid());
	self->c.pg = race_page_create(self->c.path);
	ASSERT_NE(MAP_FAILED, self->c.pg);
	ASSERT_GE(log, 0);
	ASSERT_EQ(0, small_pipe(p));
	ASSERT_EQ(0, prefill(p[1], 4096));
	ASSERT_EQ(0, pipe(ctl));
	ASSERT_EQ(0, pipe(go));

	user = fork();
	ASSERT_GE(user, 0);
	if (user == 0) {
		struct clone_args ca = {
			.flags = CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS,
			.exit_signal = SIGCHLD,
		};
		long ret;

		close(p[0]);
		if (enter_own_userns(UID_USER))
			_exit(201);
		init = syscall(__NR_clone3, &ca, sizeof(ca));
		if (init == 0)
			_exit(race_exec(&self->c));
		if (init < 0 || write(ctl[1], &init, sizeof(init)) != sizeof(init) ||
		    read(go[0], &byte, 1) != 1)
			_exit(202);
		ret = ckpt(init, p[1], log, 0);
		_exit(ret < 0 ? errno : 0);
	}
	close(ctl[1]);
	close(go[0]);
	ASSERT_EQ((ssize_t)sizeof(init), read(ctl[0], &init, sizeof(init)));
	self->c.init = init;
	ASSERT_TRUE(wait_ready(self->c.pg, IDLE_ALL, 20000));
	ASSERT_EQ(1, write(go[1], &byte, 1));

	/* It may wait in the pipe (before the fix it did), or be refused. */
	ASSERT_NE(-1, wait_pipe_write(user, 20000));
	kill(init, SIGKILL);
	ASSERT_TRUE(wait_dead(init));
	unread = pipe_unread(p[0]);
	close(p[1]);
	while (read(p[0], junk, sizeof(junk)) > 0)
		;
	res = child_result(user);
	EXPECT_EQ(4096, unread)
		TH_LOG("a refused checkpoint wrote into the image pipe");
	TH_LOG("checkpoint by uid %d in its own user namespace: %d (%s): %s",
	       UID_USER, res, res < 1000 ? strerror(res) : "signal",
	       log_text(log));
	ASSERT_EQ(EOPNOTSUPP, res);
	ASSERT_NE(NULL, strstr(log_text(log), "user namespaces are not supported"));
	/* The container's init was reparented to us. */
	ASSERT_EQ(init, waitpid(init, &status, 0));
	ASSERT_TRUE(foreign_tasks_gone(5000, NULL));
	self->c.init = 0;
	rc_cleanup(&self->c);
}

/*
 * The container runs as uid 1000 and keeps exec'ing a setuid-root
 * program.  Checkpointed by uid 1000 holding CAP_CHECKPOINT_RESTORE,
 * every checkpoint is either refused (EPERM: a setuid process; EAGAIN:
 * the tree changed) or holds no root credentials: an exec that
 * completes between the freeze's checks and the dump must be caught.
 * Checkpointed by root, every image is restartable.
 */
TEST_F_TIMEOUT(r, setuid_exec_race, 120)
{
	int log = scratch_file(O_RDWR), img, i, res, perm = 0, again = 0;
	int ok = 0, root_ok = 0;
	static unsigned char buf[16 << 20];
	ssize_t n;

	ASSERT_EQ(0, make_suid_copy());
	ASSERT_GE(log, 0);
	ASSERT_EQ(0, rc_start(&self->c, "suid", "suid", UID_USER, SUID_ALL));
	for (i = 0; i < 20; i++) {
		img = scratch_file(O_RDWR);
		ASSERT_GE(img, 0);
		res = child_result(ckpt_child(self->c.init, img, log, 0,
					      i & 1 ? NULL : become_user_with_ckpt_cap,
					      UID_USER, -1));
		n = pread(img, buf, sizeof(buf), 0);
		close(img);
		if (i & 1) {
			/* A setuid child's zombie keeps its own ids. */
			ASSERT_TRUE(res == 0 || res == EAGAIN)
				TH_LOG("root's checkpoint: %d %s", res,
				       log_text(log));
			if (res == 0) {
				ASSERT_TRUE(image_complete(buf, n));
				if (!root_ok++)
					ASSERT_EQ(0, restart_takes(buf, n, log))
						TH_LOG("%s", log_text(log));
			}
			continue;
		}
		ASSERT_TRUE(res == 0 || res == EPERM || res == EAGAIN)
			TH_LOG("uid %d's checkpoint: %d %s", UID_USER, res,
			       log_text(log));
		if (res == 0) {
			ok++;
			ASSERT_TRUE(image_complete(buf, n));
			ASSERT_FALSE(image_has_uid(buf, n, 0))
				TH_LOG("uid %d got an image of a setuid-root process",
				       UID_USER);
		} else {
			ASSERT_EQ(0, n) TH_LOG("a refused checkpoint wrote %zd bytes", n);
			perm += res == EPERM;
			again += res == EAGAIN;
		}
	}
	TH_LOG("uid %d: %d images, %d EPERM, %d EAGAIN; root: %d images",
	       UID_USER, ok, perm, again, root_ok);
	ASSERT_TRUE(beats_advance(self->c.pg, SUID_ALL, 10000));
	rc_cleanup(&self->c);
	unlink(RACE_SUID_PATH);
}

/*
 * checkpoint(2) from inside a container: its own init is refused
 * (EINVAL), a container nested in it is saved and restarted there.  A
 * process inside then stays in a checkpoint of a second nested
 * container, stalled on a full pipe, while we checkpoint the outer one:
 * that fails cleanly (EBUSY: it would take tasks another checkpoint has
 * parked) or succeeds, and the outer container is intact.  Once the
 * inner checkpoint is through, the outer one works, and the restored
 * container finds its state intact.
 */
TEST_F_TIMEOUT(r, from_inside, 90)
{
	int log = scratch_file(O_RDWR), img = scratch_file(O_RDWR);
	static unsigned char buf[16 << 20];
	long ret;
	ssize_t n;
	int status;

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	ASSERT_GE(log, 0);
	ASSERT_GE(img, 0);
	ASSERT_EQ(0, rc_start(&self->c, "inside", "inside", 0, 1));
	WAIT_WHILE(!R_GET(self->c.pg->result[INSIDE_STEPS_DONE]), 20000)
		;
	TH_LOG("inside: checkpoint(1) %lld, nested %lld, restart %lld, restored ran %lld",
	       (long long)self->c.pg->result[INSIDE_CKPT_SELF],
	       (long long)self->c.pg->result[INSIDE_CKPT_NESTED],
	       (long long)self->c.pg->result[INSIDE_RESTART],
	       (long long)self->c.pg->result[INSIDE_RESTORED_OK]);
	ASSERT_EQ(1, R_GET(self->c.pg->result[INSIDE_STEPS_DONE]));
	ASSERT_EQ(-EINVAL, R_GET(self->c.pg->result[INSIDE_CKPT_SELF]));
	ASSERT_EQ(0, R_GET(self->c.pg->result[INSIDE_CKPT_NESTED]));
	ASSERT_EQ(0, R_GET(self->c.pg->result[INSIDE_RESTART]));
	ASSERT_EQ(1, R_GET(self->c.pg->result[INSIDE_RESTORED_OK]));
	/* Give the stalled inner checkpoint time to freeze its container. */
	sleep_ms(200);

	ret = ckpt(self->c.init, img, log, 0);
	TH_LOG("outer checkpoint during the inner one: %ld %s %s", ret,
	       ret ? strerror(errno) : "", log_text(log));
	if (ret == 0) {
		n = pread(img, buf, sizeof(buf), 0);
		ASSERT_TRUE(n > 0 && image_complete(buf, n));
		ASSERT_EQ(0, restart_takes(buf, n, log)) TH_LOG("%s", log_text(log));
	} else {
		ASSERT_TRUE(clean_errno(errno));
		ASSERT_NE(0, log_text(log)[0]);
	}
	ASSERT_TRUE(beats_advance(self->c.pg, 1, 10000));

	/* Once the inner checkpoint is through, the outer one works. */
	R_SET(self->c.pg->cmd, RACE_CMD_DRAIN);
	WAIT_WHILE(!R_GET(self->c.pg->result[INSIDE_STALLED]), 20000)
		;
	ASSERT_EQ(1, R_GET(self->c.pg->result[INSIDE_STALLED]))
		TH_LOG("the inner checkpoint ended with %lld",
		       (long long)self->c.pg->result[INSIDE_STALLED]);
	ASSERT_TRUE(beats_advance(self->c.pg, INSIDE_ALL, 10000));
	R_SET(self->c.pg->cmd, 0);
	replace_by_restart(_metadata, &self->c, INSIDE_ALL);
	status = rc_check(&self->c, INSIDE_ALL, 20000);
	ASSERT_EQ(0, status) TH_LOG("restored: status %#x checked %#llx failed %#llx",
				    status, (unsigned long long)self->c.pg->checked,
				    (unsigned long long)self->c.pg->failed);
	rc_cleanup(&self->c);
}

/* Record boundaries of an image: off[i] is where record i starts. */
static int record_offsets(const unsigned char *buf, size_t len, size_t *off,
			  int *type, int max)
{
	size_t o = 0;
	int n = 0;

	while (o + sizeof(struct ckpt_rec) <= len && n < max) {
		const struct ckpt_rec *h = (const void *)(buf + o);

		off[n] = o;
		type[n++] = h->type;
		o += (h->len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);
	}
	off[n] = o;
	return n;
}

/*
 * Feed restart(2) the first @nr records of an image through a pipe and
 * kill the restarter once it waits for more: nothing may be left.  All
 * records: the restart completes, and killing its caller then leaves
 * the container running.
 */
static void kill_restarter_after(struct __test_metadata *_metadata,
				 const unsigned char *buf, size_t len,
				 int nr, int all, struct race_page *pg)
{
	int p[2], log = scratch_file(O_RDWR), res;
	pid_t r, orphan;

	ASSERT_GE(log, 0);
	ASSERT_EQ(0, pipe(p));
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	R_SET(pg->cmd, 0);
	r = fork();
	ASSERT_GE(r, 0);
	if (r == 0) {
		long pid;

		close(p[1]);
		pid = rstrt(p[0], log, 0);
		if (pid < 0)
			_exit(errno);
		for (;;)
			pause();
	}
	close(p[0]);
	if (len)
		write(p[1], buf, len);	/* EPIPE if it already gave up */
	WAIT_WHILE(pipe_unread(p[1]) > 0, 10000)
		;
	sleep_ms(20);
	kill(r, SIGKILL);
	res = child_result(r);
	close(p[1]);
	if (!all) {
		ASSERT_TRUE(res == 1000 + SIGKILL || clean_errno(res))
			TH_LOG("after %d records the restarter ended with %d", nr, res);
		ASSERT_TRUE(foreign_tasks_gone(5000, &orphan))
			TH_LOG("after %d records, task %d is left", nr, orphan);
		ASSERT_EQ(-1, waitpid(-1, NULL, WNOHANG));
	} else {
		/*
		 * The restored init was reparented to us; it runs, checks
		 * its own state and exits.
		 */
		ASSERT_EQ(1000 + SIGKILL, res);
		ASSERT_TRUE(beats_advance(pg, FI_ALL, 10000));
		R_SET(pg->cmd, RACE_CMD_CHECK);
		orphan = waitpid(-1, &res, 0);
		ASSERT_GT(orphan, 0);
		ASSERT_EQ(0, res) TH_LOG("restored: status %#x failed %#llx", res,
					 (unsigned long long)pg->failed);
		ASSERT_TRUE(foreign_tasks_gone(5000, NULL));
	}
	close(log);
}

/*
 * Kill the caller of restart(2) at every phase of the image of a
 * representative container (mode fi: two processes, a thread, shared
 * memory, a pipe): after records that start a new kind of record (every
 * other one, to keep the time down), after all but the trailer, and
 * after the whole image.
 */
TEST_F_TIMEOUT(r, kill_restarter_each_phase, 120)
{
	static size_t off[4096];
	static int type[4096];
	static unsigned char buf[16 << 20];
	int img = scratch_file(O_RDWR), n, i, points = 0, changes, status;
	pid_t orphan;
	ssize_t len;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d of an earlier test is still there", orphan);
	ASSERT_GE(img, 0);
	ASSERT_EQ(0, rc_start(&self->c, "rkill", "fi", 0, FI_ALL));
	ASSERT_EQ(0, ckpt(self->c.init, img, -1, CHECKPOINT_KILL));
	status = rc_reap(&self->c, 10000);
	ASSERT_TRUE(WIFSIGNALED(status));
	len = pread(img, buf, sizeof(buf), 0);
	ASSERT_TRUE(len > 0 && image_complete(buf, len));
	n = record_offsets(buf, len, off, type, 4095);
	/*
	 * Where a new kind of record starts, every other time (the first
	 * few always: header, tree, first object), and before the trailer.
	 */
	for (i = 1, changes = 0; i < n; i++) {
		if (type[i] == type[i - 1] && i != n - 1)
			continue;
		if (changes++ % 2 && i > 3 && i != n - 1)
			continue;
		kill_restarter_after(_metadata, buf, off[i], i, 0, self->c.pg);
		points++;
	}
	kill_restarter_after(_metadata, buf, len, n, 1, self->c.pg);
	TH_LOG("restarter killed after %d different numbers of records of %d",
	       points + 1, n);
	rc_cleanup(&self->c);
}

#define HUNG_TIMEOUT	"/proc/sys/kernel/hung_task_timeout_secs"

/* Our pid of a child of @parent, or 0. */
static pid_t child_of(pid_t parent)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	char path[64], line[128];
	pid_t found = 0;
	FILE *f;

	while (proc && !found && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", atoi(p->d_name));
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "PPid:", 5) && atoi(line + 5) == parent)
				found = atoi(p->d_name);
		fclose(f);
	}
	if (proc)
		closedir(proc);
	return found;
}

/* Whether /dev/kmsg has had a hung-task report since @kmsg was opened. */
static int hung_reported(int kmsg)
{
	char rec[1024];
	ssize_t n;
	int found = 0;

	while ((n = read(kmsg, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records */
				continue;
			break;
		}
		rec[n] = '\0';
		found |= !!strstr(rec, "blocked for more than");
	}
	return found;
}

/*
 * A restart whose stream stalls while a restored task reads its part:
 * the tasks waiting for it (its creator, the init above) sleep killable,
 * not in D state, however long it takes -- the hung-task detector, its
 * timeout down to 1 s for the test, reports nobody.  And killing the
 * restored init from outside takes the whole restart down at once,
 * though no more of the stream ever comes.
 */
TEST_F_TIMEOUT(r, stalled_restart_killable, 60)
{
	static size_t off[4096];
	static int type[4096];
	static unsigned char buf[16 << 20];
	int img = scratch_file(O_RDWR), log = scratch_file(O_RDWR);
	int n, k, p[2], kmsg, hung, status, res;
	char saved[32] = "";
	pid_t r, init, orphan;
	ssize_t len;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d of an earlier test is still there", orphan);
	ASSERT_GE(img, 0);
	ASSERT_GE(log, 0);
	ASSERT_EQ(0, rc_start(&self->c, "rstall", "fi", 0, FI_ALL));
	ASSERT_EQ(0, ckpt(self->c.init, img, -1, CHECKPOINT_KILL));
	status = rc_reap(&self->c, 10000);
	ASSERT_TRUE(WIFSIGNALED(status));
	len = pread(img, buf, sizeof(buf), 0);
	ASSERT_TRUE(len > 0 && image_complete(buf, len));
	n = record_offsets(buf, len, off, type, 4095);
	/* Stop before the last record of the last task's part. */
	for (k = 0; k < n && type[k] != CKPT_REC_CPU; k++)
		;
	ASSERT_LT(k, n);
	ASSERT_GT(k, 3);

	fd = open(HUNG_TIMEOUT, O_RDONLY);
	ASSERT_GE(fd, 0) TH_LOG("no %s: needs CONFIG_DETECT_HUNG_TASK", HUNG_TIMEOUT);
	ASSERT_GT(read(fd, saved, sizeof(saved) - 1), 0);
	close(fd);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_GE(kmsg, 0);
	lseek(kmsg, 0, SEEK_END);
	ASSERT_EQ(0, write_file(HUNG_TIMEOUT, "1"));

	ASSERT_EQ(0, pipe(p));
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	r = fork();
	ASSERT_GE(r, 0);
	if (r == 0) {
		close(p[1]);
		if (rstrt(p[0], log, 0) < 0)
			_exit(errno);
		_exit(0);
	}
	close(p[0]);
	write(p[1], buf, off[k - 1]);
	WAIT_WHILE(pipe_unread(p[1]) > 0, 10000)
		;
	/* Three hung-task timeouts with the stream stalled. */
	sleep_ms(3500);
	hung = hung_reported(kmsg);
	write_file(HUNG_TIMEOUT, saved);
	close(kmsg);

	init = child_of(r);
	EXPECT_GT(init, 0) TH_LOG("no restored init under the restarter %d; log: %s",
				  r, log_text(log));
	if (init > 0)
		kill(init, SIGKILL);
	WAIT_WHILE(task_state(r) != 'Z', 5000)
		;
	res = task_state(r) == 'Z';
	if (!res)
		kill(r, SIGKILL);
	status = child_result(r);
	close(p[1]);
	EXPECT_FALSE(hung) TH_LOG("a restored task was reported hung");
	EXPECT_TRUE(res) TH_LOG("killing the restored init left the restart stalled");
	EXPECT_TRUE(status != 0 && clean_errno(status))
		TH_LOG("the restart ended with %d: %s", status, log_text(log));
	EXPECT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d is left", orphan);
	close(log);
	close(img);
}

/* Container init: race_prog making a FIFO at @arg, RACE_FIFO_BYTES in it. */
static int exec_fifo_holder(void *arg)
{
	return exec_sibling("race_prog", arg, "fifo");
}

/*
 * Kernel memory charged to cgroup @cg, page-exact (memory.current also
 * counts what per-CPU batches charged ahead), once the statistics have
 * been flushed: every 2 s.
 */
static long long memcg_kernel(const char *cg)
{
	char path[128], line[128];
	long long val = -1;
	FILE *f;

	sleep_ms(2500);
	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "kernel ", 7))
			val = atoll(line + 7);
	fclose(f);
	return val;
}

/* Feed @len bytes into the restart's stream and let it read them all. */
static void feed(int fd, const unsigned char *buf, size_t len)
{
	write(fd, buf, len);
	WAIT_WHILE(pipe_unread(fd) > 0, 10000)
		;
	sleep_ms(300);
}

/*
 * The bytes of a FIFO wait in the kernel from its record to its first
 * file: they must be charged to the restarter's memory cgroup, or an
 * image full of FIFOs holds memory no limit sees.  The stream stalls
 * just before the FIFO's object and just after its bytes; between the
 * two the kernel memory charged to the restarter's cgroup grows by what
 * the FIFO holds.
 */
TEST_F_TIMEOUT(r, fifo_bytes_charged_to_restarter, 60)
{
	static size_t off[4096];
	static int type[4096];
	static unsigned char buf[8 << 20];
	int img = scratch_file(O_RDWR), log = scratch_file(O_RDWR);
	int n, i, obj = -1, p[2], status;
	char path[64], ready[96], cg[96];
	long long before, after;
	pid_t init, r, orphan;
	ssize_t len;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d of an earlier test is still there", orphan);
	snprintf(path, sizeof(path), "/tmp/race-fifo-%d", getpid());
	snprintf(ready, sizeof(ready), "%s.ready", path);
	unlink(ready);
	init = container_start(exec_fifo_holder, path);
	ASSERT_GT(init, 0);
	WAIT_WHILE(access(ready, F_OK), 10000)
		;
	ASSERT_EQ(0, access(ready, F_OK)) container_stop(init);
	ASSERT_EQ(0, ckpt(init, img, log, CHECKPOINT_KILL)) {
		TH_LOG("checkpoint: %m; log: %s", log_text(log));
		container_stop(init);
	}
	waitpid(init, &status, 0);
	len = pread(img, buf, sizeof(buf), 0);
	ASSERT_TRUE(len > 0 && image_complete(buf, len));
	n = record_offsets(buf, len, off, type, 4095);
	for (i = 0; i + 1 < n && obj < 0; i++) {
		const struct ckpt_rec_obj *o = (const void *)(buf + off[i]);

		if (type[i] == CKPT_REC_OBJ && o->obj_type == CKPT_OBJ_FIFO &&
		    type[i + 1] == CKPT_REC_PIPE)
			obj = i;
	}
	ASSERT_GE(obj, 0) TH_LOG("no FIFO in the image");
	ASSERT_GE(off[obj + 2] - off[obj + 1], (size_t)RACE_FIFO_BYTES);

	snprintf(cg, sizeof(cg), "/sys/fs/cgroup/race-fifo-%d", getpid());
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	ASSERT_EQ(0, mkdir(cg, 0755));
	ASSERT_EQ(0, pipe(p));
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	r = fork();
	ASSERT_GE(r, 0);
	if (r == 0) {
		char procs[128];

		close(p[1]);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		if (write_file(procs, "0"))
			_exit(200);
		_exit(rstrt(p[0], log, 0) < 0 ? errno : 0);
	}
	close(p[0]);
	feed(p[1], buf, off[obj]);
	before = memcg_kernel(cg);
	feed(p[1], buf + off[obj], off[obj + 2] - off[obj]);
	after = memcg_kernel(cg);
	kill(r, SIGKILL);
	child_result(r);
	close(p[1]);
	EXPECT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d is left", orphan);
	rmdir(cg);
	unlink(path);
	unlink(ready);
	ASSERT_GE(before, 0) TH_LOG("no \"kernel\" in %s/memory.stat", cg);
	EXPECT_GE(after - before, (long long)RACE_FIFO_BYTES * 2 / 3)
		TH_LOG("the FIFO's %d bytes grew the restarter's cgroup by %lld bytes; log: %s",
		       RACE_FIFO_BYTES, after - before, log_text(log));
	TH_LOG("kernel memory of the restarter's cgroup: %lld before the FIFO, %lld after",
	       before, after);
	close(log);
	close(img);
}

/* Container init: race_prog making RACE_FIFOS big FIFOs beside @arg. */
static int exec_fifos_holder(void *arg)
{
	return exec_sibling("race_prog", arg, "fifos");
}

/*
 * The kernel memory that RACE_FIFOS pipes of RACE_FIFOS_CAP bytes, with
 * RACE_FIFOS_BYTES in each, cost cgroup @cg: what the container's FIFOs
 * cost it.  A child in @cg makes them between two readings; -1 on error.
 */
static long long pipes_cost(const char *cg)
{
	long long before = -1, after = -1;
	int go[2], done[2];
	pid_t pid;
	char c;

	if (pipe(go) || pipe(done))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char procs[128], bytes[RACE_FIFOS_BYTES] = { 0 };
		int p[2], i;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		if (write_file(procs, "0") || write(done[1], "j", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		for (i = 0; i < RACE_FIFOS; i++)
			if (pipe(p) ||
			    fcntl(p[1], F_SETPIPE_SZ, RACE_FIFOS_CAP) != RACE_FIFOS_CAP ||
			    write(p[1], bytes, sizeof(bytes)) != sizeof(bytes))
				_exit(2);
		if (write(done[1], "d", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	if (read(done[0], &c, 1) == 1) {
		before = memcg_kernel(cg);
		if (write(go[1], "g", 1) == 1 && read(done[0], &c, 1) == 1)
			after = memcg_kernel(cg);
	}
	kill(pid, SIGKILL);
	child_result(pid);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	return before < 0 || after < 0 ? -1 : after - before;
}

/*
 * A FIFO's bytes wait for its first file in a pipe of their own, which
 * the objhash names to the end of the restart.  Held at the FIFO's
 * capacity, it made a container of big FIFOs cost twice what it had
 * until the restart ended; it has room for the bytes only, and one slot
 * once they have moved.  The stream stalls before the first FIFO and
 * after the last FIFO's file: the restarter's cgroup grew by about what
 * the same pipes cost a process, not twice that.
 */
TEST_F_TIMEOUT(r, fifos_cost_their_capacity_once, 90)
{
	static size_t off[4096];
	static int type[4096];
	static unsigned char buf[8 << 20];
	int img = scratch_file(O_RDWR), log = scratch_file(O_RDWR);
	int n, i, first = -1, files = -1, fifos = 0, p[2], status;
	char path[64], more[96], cg[96];
	long long ref, before, after;
	pid_t init, r, orphan;
	ssize_t len;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d of an earlier test is still there", orphan);
	snprintf(path, sizeof(path), "/tmp/race-fifos-%d", getpid());
	snprintf(more, sizeof(more), "%s.ready", path);
	unlink(more);
	init = container_start(exec_fifos_holder, path);
	ASSERT_GT(init, 0);
	WAIT_WHILE(access(more, F_OK), 10000)
		;
	ASSERT_EQ(0, access(more, F_OK)) container_stop(init);
	ASSERT_EQ(0, ckpt(init, img, log, CHECKPOINT_KILL)) {
		TH_LOG("checkpoint: %m; log: %s", log_text(log));
		container_stop(init);
	}
	waitpid(init, &status, 0);
	len = pread(img, buf, sizeof(buf), 0);
	ASSERT_TRUE(len > 0 && image_complete(buf, len));
	n = record_offsets(buf, len, off, type, 4095);
	for (i = 0; i < n && files < 0; i++) {
		const struct ckpt_rec_obj *o = (const void *)(buf + off[i]);

		if (type[i] == CKPT_REC_OBJ && o->obj_type == CKPT_OBJ_FIFO) {
			fifos++;
			if (first < 0)
				first = i;
		}
		if (first >= 0 && type[i] == CKPT_REC_FILES)
			files = i;
	}
	ASSERT_EQ(RACE_FIFOS, fifos) TH_LOG("the image has %d FIFOs", fifos);
	ASSERT_GT(files, first);

	snprintf(cg, sizeof(cg), "/sys/fs/cgroup/race-fifos-%d", getpid());
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	ASSERT_EQ(0, mkdir(cg, 0755));
	ref = pipes_cost(cg);
	ASSERT_EQ(0, pipe(p));
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	r = fork();
	ASSERT_GE(r, 0);
	if (r == 0) {
		char procs[128];

		close(p[1]);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		if (write_file(procs, "0"))
			_exit(200);
		_exit(rstrt(p[0], log, 0) < 0 ? errno : 0);
	}
	close(p[0]);
	feed(p[1], buf, off[first]);
	before = memcg_kernel(cg);
	feed(p[1], buf + off[first], off[files] - off[first]);
	after = memcg_kernel(cg);
	kill(r, SIGKILL);
	child_result(r);
	close(p[1]);
	EXPECT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d is left", orphan);
	rmdir(cg);
	for (i = 0; i < RACE_FIFOS; i++) {
		snprintf(more, sizeof(more), "%s.%d", path, i);
		unlink(more);
	}
	snprintf(more, sizeof(more), "%s.ready", path);
	unlink(more);
	ASSERT_GT(ref, 0) TH_LOG("no kernel memory reading of %s", cg);
	ASSERT_GE(before, 0) TH_LOG("no \"kernel\" in %s/memory.stat", cg);
	TH_LOG("%d FIFOs of %d bytes: %lld bytes as pipes of a process, %lld restored",
	       RACE_FIFOS, RACE_FIFOS_CAP, ref, after - before);
	EXPECT_LT(after - before, ref * 3 / 2)
		TH_LOG("restoring the FIFOs held %lld bytes, the same pipes cost %lld; log: %s",
		       after - before, ref, log_text(log));
	close(log);
	close(img);
}

/* Container init: race_prog with a child that has a ptracer exception. */
static int exec_late_holder(void *arg)
{
	return exec_sibling("race_prog", arg, "late");
}

/*
 * A restored process with work for the late phase (its Yama ptracer
 * exception) waits for its turn while the tasks after it read their
 * parts.  The stream stalls just before the last task's record, so that
 * it waits there every time; killed there from outside, it fails the
 * restart with EINTR, as any restored task killed before its release
 * does, and nothing of the container is left.
 */
TEST_F_TIMEOUT(r, killed_before_late_turn, 60)
{
	static size_t off[4096];
	static int type[4096];
	static unsigned char buf[8 << 20];
	int img = scratch_file(O_RDWR), log = scratch_file(O_RDWR);
	int n, i, late = -1, last = -1, p[2], status, res;
	pid_t init, r, orphan, victim = 0, inner = 0;
	char path[64], ready[96];
	char state = '?';
	ssize_t len;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d of an earlier test is still there", orphan);
	snprintf(path, sizeof(path), "/tmp/race-late-%d", getpid());
	snprintf(ready, sizeof(ready), "%s.ready", path);
	unlink(ready);
	init = container_start(exec_late_holder, path);
	ASSERT_GT(init, 0);
	WAIT_WHILE(access(ready, F_OK), 10000)
		;
	ASSERT_EQ(0, access(ready, F_OK)) container_stop(init);
	unlink(ready);
	ASSERT_EQ(0, ckpt(init, img, log, CHECKPOINT_KILL)) {
		TH_LOG("checkpoint: %m; log: %s", log_text(log));
		container_stop(init);
	}
	waitpid(init, &status, 0);
	len = pread(img, buf, sizeof(buf), 0);
	ASSERT_TRUE(len > 0 && image_complete(buf, len));
	n = record_offsets(buf, len, off, type, 4095);
	for (i = 0; i < n; i++) {
		const struct ckpt_rec_task *t = (const void *)(buf + off[i]);

		if (type[i] != CKPT_REC_TASK)
			continue;
		last = i;
		if (t->ptracer == -1) {
			late = i;
			inner = t->pid;
		}
	}
	ASSERT_GE(late, 0) TH_LOG("no task record with a ptracer exception");
	ASSERT_LT(late, last) TH_LOG("the late task's record is the last one");

	ASSERT_EQ(0, pipe(p));
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	r = fork();
	ASSERT_GE(r, 0);
	if (r == 0) {
		close(p[1]);
		_exit(rstrt(p[0], log, 0) < 0 ? errno : 0);
	}
	close(p[0]);
	feed(p[1], buf, off[last]);
	init = child_of(r);
	if (init > 0)
		victim = outer_tid(inner, ns_ino(init, "pid"), 0);
	if (victim > 0) {
		/* A killable sleep, which /proc shows as D. */
		state = task_state(victim);
		kill(victim, SIGKILL);
		EXPECT_TRUE(wait_dead(victim)) TH_LOG("task %d lives on", victim);
	}
	write(p[1], buf + off[last], len - off[last]);
	res = child_result(r);
	close(p[1]);
	EXPECT_GT(victim, 0) TH_LOG("no restored task %d under init %d; log: %s",
				    inner, init, log_text(log));
	EXPECT_EQ('D', state) TH_LOG("task %d was in state %c, not waiting", victim,
				     state);
	EXPECT_EQ(EINTR, res) TH_LOG("the restart ended with %d (%s); log: %s", res,
				     res > 0 && res < 134 ? strerror(res) : "-",
				     log_text(log));
	EXPECT_TRUE(foreign_tasks_gone(5000, &orphan))
		TH_LOG("task %d is left", orphan);
	EXPECT_EQ(-1, waitpid(-1, NULL, WNOHANG));
	close(log);
	close(img);
}

CKPT_HARNESS_MAIN
