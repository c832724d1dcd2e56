// SPDX-License-Identifier: GPL-2.0
/*
 * The program restart_test runs as a container's init: it counts, and
 * checks that its private state is what it set up.  It is exec'd, so its
 * address space holds nothing of the test harness.
 *
 * It shares one page with the test through a MAP_SHARED mapping of a
 * tmpfs file (itself restored as a shared file mapping): the counter, a
 * command word and a verdict.  Everything else it checks is private and
 * must come back from the image: a private mirror of the counter,
 * anonymous memory with a pattern, a read-only page, a heap buffer, data
 * in .data, a page never touched, and an SSE register.
 *
 * It also sets up process state -- signal handlers, a blocked and a
 * pending signal, sigaltstack, files, cwd, umask, credentials, limits,
 * name, personality -- and checks it once told to finish.  (Its nice
 * value is the restarter's, untouched: scheduling attributes are a kind
 * of their own, which attr_test covers, so that restart_test runs on a
 * kernel that does not save them yet.)
 *
 * usage: counter_prog SHARED-FILE full|keep-inherited
 * Exit status 0 when every check held; keep-inherited also keeps the
 * test's fd 19.  Checks of process state that fail
 * are all reported, as bits of the shared page's failed mask (exit 60).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <grp.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>

#include "checkpoint_util.h"
#include "counter_prog.h"

#define ANON_PAGES	96

/* Everything the program keeps privately; restored from the image. */
static struct {
	struct shared_page *shared;
	uint64_t mirror;
	unsigned char *anon;
	unsigned char *ro;
	unsigned char *untouched;
	unsigned char *heap;
} st;

static uint64_t data_words[512] = { 1, 2, 3 };	/* in .data, COWed */
static const char hostname[] = "ckpt-box";	/* in the container's uts ns */
static struct utsname uts;

static inline long raw_syscall2(long nr, long a, long b)
{
	long ret;

	asm volatile ("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b)
		      : "rcx", "r11", "memory");
	return ret;
}

/*
 * The loop uses no SSE itself, so that xmm8 holds the pattern the whole
 * time unless the FPU state is lost.
 */
#define FAIL(n)		(1ULL << (n))

/* The memory checks; bit N of the result set when check N failed. */
__attribute__((target("general-regs-only")))
static uint64_t check_state(void)
{
	uint64_t lo, hi, failed = 0;
	int i;

	asm volatile ("movq %%xmm8, %0; pextrq $1, %%xmm8, %1"
		      : "=r"(lo), "=r"(hi));
	if (lo != 0x1122334455667788ULL || hi != 0x99aabbccddeeff00ULL)
		failed |= FAIL(2);
	if (st.mirror != SHARED_GET(st.shared->counter))
		failed |= FAIL(3);
	for (i = 0; i < ANON_PAGES * PAGE; i += 61)
		if (st.anon[i] != (unsigned char)(i * 7 + 3))
			failed |= FAIL(4);
	for (i = 0; i < PAGE; i++)
		if (st.ro[i] != (unsigned char)(255 - i))
			failed |= FAIL(5);
	for (i = 0; i < PAGE; i++)
		if (st.untouched[i])
			failed |= FAIL(6);
	for (i = 0; i < 100000; i += 97)
		if (st.heap[i] != (unsigned char)(i ^ 0x5a))
			failed |= FAIL(7);
	for (i = 3; i < 512; i++)
		if (data_words[i] != (uint64_t)i * 0x100000001ULL)
			failed |= FAIL(8);
	raw_syscall2(__NR_uname, (long)&uts, 0);
	for (i = 0; i < (int)sizeof(hostname); i++)
		if (uts.nodename[i] != hostname[i])
			failed |= FAIL(9);
	return failed;
}

/* Count until told to stop or a check fails; returns the failures. */
__attribute__((target("general-regs-only")))
static uint64_t counter_loop(void)
{
	struct timespec ms = { 0, 1000000 };
	uint64_t failed;

	asm volatile ("movq %0, %%xmm8; pinsrq $1, %1, %%xmm8"
		      :: "r"(0x1122334455667788ULL), "r"(0x99aabbccddeeff00ULL));
	for (;;) {
		st.mirror++;
		SHARED_SET(st.shared->counter, st.mirror);
		if ((st.mirror & 63) == 0 || SHARED_GET(st.shared->cmd)) {
			failed = check_state();
			if (failed || SHARED_GET(st.shared->cmd))
				return failed;
		}
		raw_syscall2(__NR_nanosleep, (long)&ms, 0);
	}
}

static _Atomic sig_atomic_t usr1_seen, usr2_seen;
static char altstack[64 * 1024];

__attribute__((target("general-regs-only")))
static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1_seen++;
	else
		usr2_seen++;
}

/*
 * Process state set up before counting and checked at the end, after
 * the memory checks (this part may use SSE freely).
 */
#define FD_SHARED	10
#define FD_NULL		11
#define FD_APPEND	12
#define FD_DUP		13
#define FD_DIR		14
#define FD_PIPE		15	/* read end, O_NONBLOCK; the write end is 9 */
#define FD_PIPE_WR	9
#define FD_DEVZERO		16
#define FD_DEVURANDOM	17
#define FD_CONSOLE	18
#define FD_INHERITED	19	/* keep-inherited: left open from the test */
#define FD_FIFO		20	/* a FIFO's read end, O_NONBLOCK */
#define FD_FIFO_WR	21	/* and its write end */

static char fifo_path[80];

static int setup_process(const char *path)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_ONSTACK };
	gid_t groups[] = { 5, 6 };
	struct rlimit rl = { 256, 512 };
	char logpath[80];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	sigset_t block;
	int p[2];

	if (sigaction(SIGUSR1, &sa, NULL) || sigaction(SIGUSR2, &sa, NULL) ||
	    sigaltstack(&ss, NULL))
		return 30;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);

	snprintf(logpath, sizeof(logpath), "%s.log", path);
	if (dup2(open(path, O_RDWR | O_CLOEXEC), FD_SHARED) != FD_SHARED ||
	    lseek(FD_SHARED, 123, SEEK_SET) != 123 ||
	    fcntl(FD_SHARED, F_SETFD, FD_CLOEXEC) ||
	    dup2(open("/dev/null", O_WRONLY), FD_NULL) != FD_NULL ||
	    dup2(open(logpath, O_WRONLY | O_APPEND | O_CREAT | O_TRUNC, 0644),
		 FD_APPEND) != FD_APPEND ||
	    write(FD_APPEND, "abc", 3) != 3 ||
	    dup2(FD_APPEND, FD_DUP) != FD_DUP ||
	    dup2(open("/tmp", O_RDONLY | O_DIRECTORY), FD_DIR) != FD_DIR ||
	    dup2(open("/dev/zero", O_RDONLY), FD_DEVZERO) != FD_DEVZERO ||
	    dup2(open("/dev/urandom", O_RDONLY), FD_DEVURANDOM) != FD_DEVURANDOM ||
	    dup2(open("/dev/console", O_RDWR | O_NOCTTY), FD_CONSOLE) != FD_CONSOLE)
		return 31;
	if (pipe(p) || dup2(p[0], FD_PIPE) != FD_PIPE ||
	    dup2(p[1], FD_PIPE_WR + 20) != FD_PIPE_WR + 20 ||
	    fcntl(FD_PIPE, F_SETFL, O_NONBLOCK) ||
	    write(p[1], "in the pipe", 11) != 11)
		return 32;
	/* Drop the temporary fds around ours. */
	syscall(__NR_close_range, 0, FD_SHARED - 1, 0);
	if (dup2(FD_PIPE_WR + 20, FD_PIPE_WR) != FD_PIPE_WR)
		return 33;
	close(FD_PIPE_WR + 20);
	syscall(__NR_close_range, FD_INHERITED + 1, ~0U, 0);

	/* In /tmp, writable by the ids set below, for the check's reopening. */
	snprintf(fifo_path, sizeof(fifo_path), "%s.fifo", path);
	unlink(fifo_path);
	if (mkfifo(fifo_path, 0600) || chmod(fifo_path, 0666) ||
	    dup2(open(fifo_path, O_RDONLY | O_NONBLOCK), FD_FIFO) != FD_FIFO ||
	    dup2(open(fifo_path, O_WRONLY), FD_FIFO_WR) != FD_FIFO_WR ||
	    write(FD_FIFO_WR, "in the fifo", 11) != 11)
		return 37;
	syscall(__NR_close_range, FD_FIFO_WR + 1, ~0U, 0);

	if (chdir("/tmp"))
		return 33;
	umask(027);
	if (setrlimit(RLIMIT_NOFILE, &rl) ||
	    prctl(PR_SET_NAME, "cr-counter") ||
	    personality(PER_LINUX | ADDR_NO_RANDOMIZE) == -1)
		return 34;
	/* Credentials last: the steps above need root. */
	if (setgroups(2, groups) || setresgid(100, 101, 102) ||
	    setresuid(1000, 1001, 1002))
		return 35;
	/* After the id change, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM))
		return 36;
	return 0;
}

/*
 * The FIFO holds what was written to it, and is the one behind its name:
 * a writer opening the name now feeds the same pipe.
 */
static int check_fifo(void)
{
	struct stat st;
	char buf[16] = "";
	int fd, bad;

	if (fstat(FD_FIFO, &st) || !S_ISFIFO(st.st_mode) ||
	    !(fcntl(FD_FIFO, F_GETFL) & O_NONBLOCK) ||
	    fcntl(FD_FIFO_WR, F_GETFL) & O_NONBLOCK ||
	    (fcntl(FD_FIFO_WR, F_GETFL) & O_ACCMODE) != O_WRONLY ||
	    read(FD_FIFO, buf, 16) != 11 || memcmp(buf, "in the fifo", 11) ||
	    read(FD_FIFO, buf, 16) != -1 || errno != EAGAIN ||
	    write(FD_FIFO_WR, "more", 4) != 4 || read(FD_FIFO, buf, 16) != 4)
		return 1;
	/*
	 * From /tmp's fd: the ids we run as now may not search the guest's
	 * root directory.
	 */
	fd = openat(FD_DIR, strrchr(fifo_path, '/') + 1, O_WRONLY | O_NONBLOCK);
	if (fd < 0)
		return 1;
	bad = write(fd, "named", 5) != 5 || read(FD_FIFO, buf, 16) != 5 ||
	      memcmp(buf, "named", 5);
	close(fd);
	return bad;
}

static uint64_t check_process(void)
{
	uint64_t failed = 0;
	uid_t r, e, s;
	gid_t gr, ge, gs, groups[4];
	struct rlimit rl;
	char buf[64];
	stack_t ss;
	sigset_t pend, none;
	int pdeath;
	char zero[8];
	struct stat sb;

	if (usr1_seen != 1)
		failed |= FAIL(40);
	if (sigpending(&pend) || !sigismember(&pend, SIGUSR2) || usr2_seen)
		failed |= FAIL(41);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* SIGUSR2 arrives now */
	if (usr2_seen != 1)
		failed |= FAIL(42);
	if (sigaltstack(NULL, &ss) || ss.ss_sp != altstack ||
	    ss.ss_size != sizeof(altstack))
		failed |= FAIL(43);
	if (lseek(FD_SHARED, 0, SEEK_CUR) != 123 ||
	    fcntl(FD_SHARED, F_GETFD) != FD_CLOEXEC)
		failed |= FAIL(44);
	if ((fcntl(FD_NULL, F_GETFL) & O_ACCMODE) != O_WRONLY ||
	    write(FD_NULL, "x", 1) != 1 || fcntl(FD_NULL, F_GETFD))
		failed |= FAIL(45);
	if (lseek(FD_APPEND, 0, SEEK_CUR) != 3 ||
	    !(fcntl(FD_APPEND, F_GETFL) & O_APPEND) ||
	    write(FD_APPEND, "d", 1) != 1 ||
	    lseek(FD_DUP, 0, SEEK_CUR) != 4)
		failed |= FAIL(46);
	if (fstat(FD_DIR, &(struct stat){ 0 }) ||
	    !(fcntl(FD_DIR, F_GETFL) & O_DIRECTORY))
		failed |= FAIL(47);
	memset(buf, 0, 16);
	if (!(fcntl(FD_PIPE, F_GETFL) & O_NONBLOCK) ||
	    read(FD_PIPE, buf, 16) != 11 || memcmp(buf, "in the pipe", 11) ||
	    read(FD_PIPE, buf, 16) != -1 || errno != EAGAIN ||
	    write(FD_PIPE_WR, "more", 4) != 4 || read(FD_PIPE, buf, 16) != 4)
		failed |= FAIL(60);
	if (check_fifo())
		failed |= FAIL(61);
	if (!getcwd(buf, sizeof(buf)) || strcmp(buf, "/tmp"))
		failed |= FAIL(48);
	if (umask(0) != 027)
		failed |= FAIL(49);
	if (getresuid(&r, &e, &s) || r != 1000 || e != 1001 || s != 1002 ||
	    getresgid(&gr, &ge, &gs) || gr != 100 || ge != 101 || gs != 102)
		failed |= FAIL(50);
	if (getgroups(4, groups) != 2 || groups[0] != 5 || groups[1] != 6)
		failed |= FAIL(51);
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur != 256 ||
	    rl.rlim_max != 512)
		failed |= FAIL(52);
	if (prctl(PR_GET_NAME, buf) || strcmp(buf, "cr-counter"))
		failed |= FAIL(54);
	if (prctl(PR_GET_PDEATHSIG, &pdeath) || pdeath != SIGTERM)
		failed |= FAIL(55);
	if (personality(0xffffffff) != (PER_LINUX | ADDR_NO_RANDOMIZE))
		failed |= FAIL(56);
	if (read(FD_DEVZERO, zero, sizeof(zero)) != sizeof(zero) ||
	    memcmp(zero, "\0\0\0\0\0\0\0\0", sizeof(zero)))
		failed |= FAIL(57);
	if (read(FD_DEVURANDOM, zero, sizeof(zero)) != sizeof(zero) ||
	    (fcntl(FD_DEVURANDOM, F_GETFL) & O_ACCMODE) != O_RDONLY)
		failed |= FAIL(58);
	if (fstat(FD_CONSOLE, &sb) || !S_ISCHR(sb.st_mode) ||
	    sb.st_rdev != makedev(5, 1) ||
	    (fcntl(FD_CONSOLE, F_GETFL) & O_ACCMODE) != O_RDWR)
		failed |= FAIL(59);
	return failed;
}

/* The container's program, run by exec so it starts with a clean mm. */
static int counter_main(const char *path, bool keep_inherited)
{
	uint64_t failed;
	sigset_t none;
	int fd, i, ret;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < 65; i++)
		signal(i, SIG_DFL);
	if (sethostname(hostname, strlen(hostname)))
		return 24;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return 21;
	st.shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	st.anon = mmap(NULL, ANON_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.untouched = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	st.heap = malloc(100000);
	if (st.shared == MAP_FAILED || st.anon == MAP_FAILED ||
	    st.ro == MAP_FAILED || st.untouched == MAP_FAILED || !st.heap)
		return 22;
	for (i = 0; i < ANON_PAGES * PAGE; i++)
		st.anon[i] = i * 7 + 3;
	for (i = 0; i < PAGE; i++)
		st.ro[i] = 255 - i;
	if (mprotect(st.ro, PAGE, PROT_READ))
		return 23;
	for (i = 0; i < 100000; i++)
		st.heap[i] = i ^ 0x5a;
	for (i = 3; i < 512; i++)
		data_words[i] = (uint64_t)i * 0x100000001ULL;
	st.mirror = SHARED_GET(st.shared->counter);

	/* Nothing of the test's may stay open in the container. */
	syscall(__NR_close_range, 0, FD_INHERITED - 1, 0);
	syscall(__NR_close_range, keep_inherited ? FD_INHERITED + 1 : FD_INHERITED,
		~0U, 0);
	ret = setup_process(path);
	if (ret)
		return ret;
	/* A failed memory check stops the count at once. */
	failed = counter_loop();
	if (!failed)
		failed = check_process();
	SHARED_SET(st.shared->failed, failed);
	SHARED_SET(st.shared->verdict, failed ? 60 : 1);
	return failed ? 60 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 100;
	return counter_main(argv[1], !strcmp(argv[2], "keep-inherited"));
}
