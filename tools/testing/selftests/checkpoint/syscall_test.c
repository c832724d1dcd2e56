// SPDX-License-Identifier: GPL-2.0
/*
 * The syscall surface of checkpoint(2) and restart(2): argument structs,
 * fds, permissions, and images that are not images.
 */
#include "checkpoint_util.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"

TEST(syscalls_exist)
{
	/* Size 0 is below VER0: the call exists and says EINVAL. */
	ASSERT_EQ(-1, sys_checkpoint(NULL, 0));
	ASSERT_EQ(EINVAL, errno) TH_LOG("checkpoint(2) errno %d", errno);
	ASSERT_EQ(-1, sys_restart(NULL, 0));
	ASSERT_EQ(EINVAL, errno) TH_LOG("restart(2) errno %d", errno);
}

TEST(short_struct_is_einval)
{
	struct checkpoint_args c = { .fd = -1, .logfd = -1 };
	struct restart_args r = { .fd = -1, .logfd = -1 };

	ASSERT_EQ(-1, sys_checkpoint(&c, CHECKPOINT_ARGS_SIZE_VER0 - 8));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, sys_restart(&r, RESTART_ARGS_SIZE_VER0 - 8));
	ASSERT_EQ(EINVAL, errno);
}

TEST(oversized_struct)
{
	struct {
		struct checkpoint_args a;
		uint64_t tail;
	} c = { .a = { .pid = 1, .fd = -1, .logfd = -1 } };
	struct {
		struct restart_args a;
		uint64_t tail;
	} r = { .a = { .fd = -1, .logfd = -1 } };
	char page[8192] = { 0 };

	/* A zero tail is accepted: we get as far as the bad fd. */
	ASSERT_EQ(-1, sys_checkpoint(&c, sizeof(c)));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(-1, sys_restart(&r, sizeof(r)));
	ASSERT_EQ(EBADF, errno);

	/* Anything we do not know in the tail is refused. */
	c.tail = 1;
	r.tail = 1ULL << 63;
	ASSERT_EQ(-1, sys_checkpoint(&c, sizeof(c)));
	ASSERT_EQ(E2BIG, errno);
	ASSERT_EQ(-1, sys_restart(&r, sizeof(r)));
	ASSERT_EQ(E2BIG, errno);

	/* More than a page is refused outright, like clone3(). */
	ASSERT_EQ(-1, sys_checkpoint(page, sizeof(page)));
	ASSERT_EQ(E2BIG, errno);
	ASSERT_EQ(-1, sys_restart(page, sizeof(page)));
	ASSERT_EQ(E2BIG, errno);
}

TEST(unknown_flags_and_reserved_are_einval)
{
	struct checkpoint_args c = { .pid = 1, .fd = -1, .logfd = -1 };
	struct restart_args r = { .fd = -1, .logfd = -1 };

	c.flags = 1ULL << 40;
	ASSERT_EQ(-1, sys_checkpoint(&c, sizeof(c)));
	ASSERT_EQ(EINVAL, errno);
	c.flags = 0;
	c.__reserved = 1;
	ASSERT_EQ(-1, sys_checkpoint(&c, sizeof(c)));
	ASSERT_EQ(EINVAL, errno);
	c.__reserved = 0;
	c.pid = 0;
	ASSERT_EQ(-1, sys_checkpoint(&c, sizeof(c)));
	ASSERT_EQ(EINVAL, errno) TH_LOG("pid 0 must be refused");

	r.flags = ~RESTART_FLAGS_ALL;
	ASSERT_EQ(-1, sys_restart(&r, sizeof(r)));
	ASSERT_EQ(EINVAL, errno);
	r.flags = 0;
	r.__reserved[1] = 7;
	ASSERT_EQ(-1, sys_restart(&r, sizeof(r)));
	ASSERT_EQ(EINVAL, errno);
}

TEST(struct_in_unmapped_memory_is_efault)
{
	ASSERT_EQ(-1, sys_checkpoint((void *)8, CHECKPOINT_ARGS_SIZE_VER0));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, sys_restart((void *)8, RESTART_ARGS_SIZE_VER0));
	ASSERT_EQ(EFAULT, errno);
}

FIXTURE(container) {
	pid_t init;
	int image;	/* scratch file open O_RDWR */
	int log;	/* scratch file open O_RDWR */
};

FIXTURE_SETUP(container)
{
	self->init = container_start(container_idle, NULL);
	ASSERT_GT(self->init, 0) TH_LOG("clone3(CLONE_NEWPID): %m");
	self->image = scratch_file(O_RDWR);
	ASSERT_GE(self->image, 0);
	self->log = scratch_file(O_RDWR);
	ASSERT_GE(self->log, 0);
}

FIXTURE_TEARDOWN(container)
{
	if (self->init > 0)
		container_stop(self->init);
	close(self->image);
	close(self->log);
}

TEST_F(container, bad_fds_are_ebadf)
{
	int rdonly = scratch_file(O_RDONLY);
	int wronly = scratch_file(O_WRONLY);

	ASSERT_GE(rdonly, 0);
	ASSERT_GE(wronly, 0);

	EXPECT_EQ(-1, ckpt(self->init, -1, -1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ckpt(self->init, 1000, -1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ckpt(self->init, rdonly, -1, 0))
		TH_LOG("a read-only image fd must be refused");
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ckpt(self->init, self->image, -2, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ckpt(self->init, self->image, rdonly, 0))
		TH_LOG("a read-only logfd must be refused");
	EXPECT_EQ(EBADF, errno);

	EXPECT_EQ(-1, rstrt(-1, -1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, rstrt(wronly, -1, 0))
		TH_LOG("a write-only image fd must be refused");
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, rstrt(rdonly, rdonly, 0));
	EXPECT_EQ(EBADF, errno);

	ASSERT_TRUE(container_stop(self->init))
		TH_LOG("the container died during the refusals");
	self->init = 0;
	close(rdonly);
	close(wronly);
}

TEST_F(container, missing_pid_is_esrch)
{
	char log[512];

	ASSERT_EQ(-1, ckpt(4000000, self->image, self->log, 0));
	ASSERT_EQ(ESRCH, errno);
	read_log(self->log, log, sizeof(log));
	ASSERT_NE(NULL, strstr(log, "no task with pid 4000000"))
		TH_LOG("log said: %s", log);
}

TEST_F(container, non_init_is_einval)
{
	char log[512];
	pid_t child;

	/* Our own pid is in the caller's namespace: not a container. */
	ASSERT_EQ(-1, ckpt(getpid(), self->image, self->log, 0));
	ASSERT_EQ(EINVAL, errno);
	read_log(self->log, log, sizeof(log));
	ASSERT_NE(NULL, strstr(log, "is not the init of a pid namespace"))
		TH_LOG("log said: %s", log);

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(-1, ckpt(child, self->image, -1, 0));
	ASSERT_EQ(EINVAL, errno);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	ASSERT_TRUE(container_stop(self->init));
	self->init = 0;
}

TEST_F(container, missing_capability_is_eperm)
{
	static const cap_value_t caps[] = {
		CAP_SYS_ADMIN, CAP_CHECKPOINT_RESTORE,
	};
	char log[512];
	pid_t child;
	int status;

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0) {
		if (drop_caps(caps, 2))
			_exit(10);
		if (ckpt(self->init, self->image, self->log, 0) != -1 ||
		    errno != EPERM)
			_exit(11);
		if (rstrt(self->image, self->log, 0) != -1 || errno != EPERM)
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10: dropping caps failed, 11: checkpoint not EPERM, 12: restart not EPERM");
	read_log(self->log, log, sizeof(log));
	ASSERT_NE(NULL, strstr(log, "need CAP_CHECKPOINT_RESTORE"))
		TH_LOG("log said: %s", log);

	ASSERT_TRUE(container_stop(self->init))
		TH_LOG("the container died after a refused checkpoint");
	self->init = 0;
}

/*
 * The numbers are the same in the i386 and x32 tables as in x86_64's
 * (every table gives a new syscall the same number), so an x86_64
 * process reaches the compat entry points with its own __NR_checkpoint:
 * through int $0x80 for i386, with the x32 bit for x32.
 */
#define X32_SYSCALL_BIT	0x40000000

static long int80(long nr, unsigned long a, unsigned long b)
{
	long ret;

	asm volatile ("int $0x80"
		      : "=a" (ret)
		      : "a" (nr), "b" (a), "c" (b)
		      : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

#define NO_IA32	4

static void no_ia32(int sig)
{
	_exit(NO_IA32);
}

/*
 * An i386 caller, from a child: without IA32_EMULATION (or with it off
 * at boot) int $0x80 faults.  The fault is handled, or the kernel would
 * log a "general protection fault" that the console check takes for a
 * splat.  Exits 0 if both calls were refused with EOPNOTSUPP, 1 or 2 if
 * checkpoint or restart was not, NO_IA32 if int $0x80 faulted.
 */
static int compat_child(pid_t init, int image, int log)
{
	struct checkpoint_args *c;
	struct restart_args *r;
	void *low;

	signal(SIGSEGV, no_ia32);

	/* i386 pointers are 32 bits wide. */
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED)
		return 3;
	c = low;
	r = (struct restart_args *)(c + 1);
	*c = (struct checkpoint_args){ .pid = init, .fd = image, .logfd = log };
	*r = (struct restart_args){ .fd = image, .logfd = log };
	if (int80(__NR_checkpoint, (unsigned long)c, sizeof(*c)) != -EOPNOTSUPP)
		return 1;
	if (int80(__NR_restart, (unsigned long)r, sizeof(*r)) != -EOPNOTSUPP)
		return 2;
	return 0;
}

TEST_F(container, compat_caller_is_eopnotsupp)
{
	struct checkpoint_args c = {
		.pid = self->init, .fd = self->image, .logfd = self->log,
	};
	struct restart_args r = { .fd = self->image, .logfd = self->log };
	bool x32, ia32;
	char log[512];
	struct stat st;
	int status, unknown;
	pid_t child;

	/*
	 * x32 needs no fault handling: without X86_X32_ABI its numbers
	 * answer as one no table has.
	 */
	syscall(X32_SYSCALL_BIT | 4095, 0, 0);
	unknown = errno;
	x32 = syscall(__NR_checkpoint | X32_SYSCALL_BIT, &c, sizeof(c)) != -1 ||
	      errno != unknown;
	if (x32) {
		EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("x32 checkpoint(2)");
		EXPECT_EQ(-1, syscall(__NR_restart | X32_SYSCALL_BIT,
				      &r, sizeof(r)));
		EXPECT_EQ(EOPNOTSUPP, errno) TH_LOG("x32 restart(2)");
	}

	child = fork();
	ASSERT_GE(child, 0);
	if (child == 0)
		_exit(compat_child(self->init, self->image, self->log));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ia32 = WEXITSTATUS(status) != NO_IA32;
	if (ia32) {
		EXPECT_EQ(0, WEXITSTATUS(status))
			TH_LOG("i386 checkpoint (1), restart (2) not EOPNOTSUPP; 3: mmap");
	}
	if (!x32 && !ia32)
		SKIP(return, "no IA32_EMULATION and no X86_X32_ABI in this kernel");

	read_log(self->log, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "a 32-bit or x32 caller is not supported"))
		TH_LOG("log said: %s", log);
	ASSERT_EQ(0, fstat(self->image, &st));
	EXPECT_EQ(0, st.st_size) TH_LOG("a refused checkpoint wrote the image");
	ASSERT_TRUE(container_stop(self->init))
		TH_LOG("the container died during the refusals");
	self->init = 0;
}

/* Feed restart(2) @len bytes of @buf through a file and through a pipe. */
static int restart_bytes(const void *buf, size_t len, int logfd, int *pipe_err)
{
	int fd = scratch_file(O_RDWR), p[2], ret, err;

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -100;
	lseek(fd, 0, SEEK_SET);
	ret = rstrt(fd, logfd, 0);
	err = errno;
	close(fd);

	if (pipe(p))
		return -101;
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	if (len && write(p[1], buf, len) != (ssize_t)len)
		return -102;
	close(p[1]);
	*pipe_err = rstrt(p[0], logfd, 0) == -1 ? errno : 0;
	close(p[0]);
	errno = err;
	return ret;
}

TEST_F(container, garbage_images_are_einval)
{
	struct ckpt_rec_header h = {
		.rec = { .type = CKPT_REC_HEADER, .hdr_len = sizeof(h),
			 .len = sizeof(h) },
		.magic = CKPT_IMAGE_MAGIC,
		.version = CKPT_IMAGE_VERSION,
		.arch = CKPT_ARCH_X86_64,
		.page_size = 4096,
	};
	static unsigned char junk[65536];
	char log[4096];
	int perr, i;

	srandom(1);
	for (i = 0; i < (int)sizeof(junk); i++)
		junk[i] = random();

	EXPECT_EQ(-1, restart_bytes(junk, 0, self->log, &perr))
		TH_LOG("an empty image must be refused");
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(EINVAL, perr);

	EXPECT_EQ(-1, restart_bytes(junk, sizeof(junk), self->log, &perr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(EINVAL, perr);

	/* A record header that claims a huge length. */
	((struct ckpt_rec *)junk)->type = CKPT_REC_HEADER;
	((struct ckpt_rec *)junk)->len = 0xffffffff;
	EXPECT_EQ(-1, restart_bytes(junk, sizeof(junk), self->log, &perr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(EINVAL, perr);

	/* A well-formed header with the wrong magic, version, page size. */
	h.magic ^= 1;
	EXPECT_EQ(-1, restart_bytes(&h, sizeof(h), self->log, &perr));
	EXPECT_EQ(EINVAL, errno);
	h.magic ^= 1;
	h.version = 99;
	EXPECT_EQ(-1, restart_bytes(&h, sizeof(h), self->log, &perr));
	EXPECT_EQ(EINVAL, errno);
	h.version = CKPT_IMAGE_VERSION;
	h.page_size = 65536;
	EXPECT_EQ(-1, restart_bytes(&h, sizeof(h), self->log, &perr));
	EXPECT_EQ(EINVAL, errno);

	read_log(self->log, log, sizeof(log));
	EXPECT_NE(NULL, strstr(log, "image truncated at offset 0"))
		TH_LOG("log said: %s", log);
	EXPECT_NE(NULL, strstr(log, "bad magic")) TH_LOG("log said: %s", log);
	EXPECT_NE(NULL, strstr(log, "format version 99"))
		TH_LOG("log said: %s", log);
	EXPECT_NE(NULL, strstr(log, "page size 65536"))
		TH_LOG("log said: %s", log);
}

CKPT_HARNESS_MAIN
