// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic checkpoint images.  They follow the order and the values the
 * kernel writes (Documentation/checkpoint.rst, "Image format") closely
 * enough for cr's walker, which is all they are for: restart(2) would
 * refuse them, as their registers and memory describe no real program.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#include "synth.h"

#define SYNTH_PAGE_SIZE		4096
/* The legacy area and the XSAVE header: x87 and SSE state only. */
#define SYNTH_XSTATE_SIZE	576
#define SYNTH_XFEATURES		0x3
/* new_encode_dev(MKDEV(1, 3)), /dev/null: the only device they open. */
#define SYNTH_DEV_NULL		0x103
/* new_encode_dev(MKDEV(8, 1)): the disk every path of theirs is on. */
#define SYNTH_DEV_DISK		0x801

/* An identity for @path, the same each time, as a filesystem keeps it. */
static struct ckpt_file_id synth_id(const char *path)
{
	return (struct ckpt_file_id){
		.ino = 2 + crc32(0, (const unsigned char *)path, strlen(path)) % 100000,
		.dev = SYNTH_DEV_DISK,
		.generation = 1,
	};
}

void synth_init(struct synth *s)
{
	memset(s, 0, sizeof(*s));
	s->next_ref = 1;
}

void synth_free(struct synth *s)
{
	free(s->buf);
	s->buf = NULL;
}

static void synth_reserve(struct synth *s, size_t more)
{
	if (s->len + more <= s->cap)
		return;
	s->cap = (s->len + more) * 2;
	s->buf = realloc(s->buf, s->cap);
	if (!s->buf)
		abort();
}

/**
 * synth_rec - append a record
 * @s:		the image.
 * @type:	CKPT_REC_*.
 * @rec:	the record's fixed part, starting with its struct ckpt_rec,
 *		which is filled in here.
 * @size:	size of the fixed part.
 * @extra:	what follows the fixed part, or NULL.
 * @extra_len:	its size.
 *
 * Return: the record's index.
 */
unsigned int synth_rec(struct synth *s, uint32_t type, void *rec, size_t size,
		       const void *extra, size_t extra_len)
{
	struct ckpt_rec *r = rec;
	size_t len = size + extra_len;
	size_t padded = (len + CKPT_ALIGN - 1) & ~(size_t)(CKPT_ALIGN - 1);

	if (s->nr == SYNTH_MAX_RECS)
		abort();
	r->type = type;
	r->hdr_len = size;
	r->len = len;
	synth_reserve(s, padded);
	memcpy(s->buf + s->len, rec, size);
	if (extra_len)
		memcpy(s->buf + s->len + size, extra, extra_len);
	memset(s->buf + s->len + len, 0, padded - len);
	s->off[s->nr] = s->len;
	s->type[s->nr] = type;
	s->len += padded;
	return s->nr++;
}

/**
 * synth_grow - lengthen a record's fixed part, as a newer writer would
 * @s:		the image, with its trailer or not yet.
 * @index:	the record.
 * @by:		bytes appended to its fixed part, a multiple of CKPT_ALIGN.
 * @last:	the last of them; the others are zero.
 *
 * Its variable part and every later record move up; a trailer's
 * checksum is made to agree again.
 */
void synth_grow(struct synth *s, unsigned int index, size_t by,
		unsigned char last)
{
	struct ckpt_rec *r;
	unsigned int i;
	size_t at;

	if (!by || by % CKPT_ALIGN || index >= s->nr)
		abort();
	synth_reserve(s, by);
	r = (struct ckpt_rec *)(s->buf + s->off[index]);
	at = s->off[index] + r->hdr_len;
	memmove(s->buf + at + by, s->buf + at, s->len - at);
	memset(s->buf + at, 0, by);
	s->buf[at + by - 1] = last;
	r->hdr_len += by;
	r->len += by;
	s->len += by;
	for (i = index + 1; i < s->nr; i++)
		s->off[i] += by;
	if (s->type[s->nr - 1] == CKPT_REC_TRAILER) {
		struct ckpt_rec_trailer *t = synth_at(s, s->nr - 1);

		t->crc = crc32(0, s->buf, s->off[s->nr - 1]);
	}
}

void *synth_at(struct synth *s, unsigned int index)
{
	return s->buf + s->off[index];
}

/* Index of the @nth (from 0) record of @type, or -1. */
int synth_find(const struct synth *s, uint32_t type, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		if (s->type[i] == type && !nth--)
			return i;
	return -1;
}

void synth_header(struct synth *s)
{
	struct ckpt_rec_header h = {
		.magic = CKPT_IMAGE_MAGIC,
		.version = CKPT_IMAGE_VERSION,
		.arch = CKPT_ARCH_X86_64,
		.page_size = SYNTH_PAGE_SIZE,
		.xstate_size = SYNTH_XSTATE_SIZE,
		.xfeatures = SYNTH_XFEATURES,
		.vdso_size = 2 * SYNTH_PAGE_SIZE,
		.vdso_crc = 0x5d1b2c3a,
		.release = "6.12.0-synth",
	};

	synth_rec(s, CKPT_REC_HEADER, &h, sizeof(h), NULL, 0);
}

void synth_container(struct synth *s, const struct ckpt_tree_entry *tasks,
		     uint32_t nr_tasks, const char *nodename)
{
	struct ckpt_rec_container c = {
		.nr_tasks = nr_tasks,
		.domainname = "(none)",
		/* A new ipc namespace's defaults. */
		.ipc = {
			.flags = CKPT_IPC_SYSV | CKPT_IPC_MQUEUE,
			.shmmax = ~0ULL - (1ULL << 24),
			.shmall = ~0ULL - (1ULL << 24),
			.shmmni = 4096,
			.msgmax = 8192,
			.msgmnb = 16384,
			.msgmni = 32000,
			.sem = { 32000, 1024000000, 500, 32000 },
			.sem_next_id = -1,
			.msg_next_id = -1,
			.shm_next_id = -1,
			.mq_queues_max = 256,
			.mq_msg_max = 10,
			.mq_msgsize_max = 8192,
			.mq_msg_default = 10,
			.mq_msgsize_default = 8192,
		},
	};

	snprintf(c.nodename, sizeof(c.nodename), "%s", nodename);
	synth_rec(s, CKPT_REC_CONTAINER, &c, sizeof(c), tasks,
		  nr_tasks * sizeof(*tasks));
}

uint32_t synth_obj(struct synth *s, uint32_t kind)
{
	struct ckpt_rec_obj o = { .objref = s->next_ref++, .obj_type = kind };

	synth_rec(s, CKPT_REC_OBJ, &o, sizeof(o), NULL, 0);
	return o.objref;
}

static void synth_vma(struct synth *s, uint64_t start, uint64_t end,
		      uint32_t prot, uint32_t flags, uint32_t kind,
		      const char *path)
{
	struct ckpt_rec_vma v = {
		.start = start,
		.end = end,
		.prot = prot,
		.flags = flags,
		.kind = kind,
		.path_len = path ? strlen(path) : 0,
	};

	/* What mmap(2) allows a private mapping; the vdso's is not saved. */
	if (kind != CKPT_VMA_VDSO && kind != CKPT_VMA_VVAR)
		v.maxprot = PROT_READ | PROT_WRITE | PROT_EXEC;

	if (path) {
		v.id = synth_id(path);
		v.cred_ref = s->cred;
	}
	synth_rec(s, CKPT_REC_VMA, &v, sizeof(v), path, v.path_len);
}

/* An mm with a text mapping of @exe, a stack and the vdso. */
uint32_t synth_mm(struct synth *s, const char *exe, int with_page)
{
	static unsigned char page[SYNTH_PAGE_SIZE];
	struct ckpt_rec_mm mm = {
		.nr_vmas = 3,
		.exe_len = strlen(exe),
		.start_code = 0x401000, .end_code = 0x402000,
		.start_data = 0x403000, .end_data = 0x404000,
		.start_brk = 0x405000, .brk = 0x405000,
		.start_stack = 0x7ffffffde000,
		.arg_start = 0x7fffffffef00, .arg_end = 0x7fffffffef10,
		.env_start = 0x7fffffffef10, .env_end = 0x7fffffffef20,
		.mmap_base = 0x7ffff7fff000,
		.auxv_len = 4,
		.dumpable = 1,
		.auxv = { 6, SYNTH_PAGE_SIZE, 0, 0 },	/* AT_PAGESZ, AT_NULL */
	};
	struct ckpt_rec_pages p = { .addr = 0x7fffffffe000, .nr = 1 };
	uint32_t ref = synth_obj(s, CKPT_OBJ_MM);

	mm.exe_id = synth_id(exe);
	mm.exe_cred_ref = s->cred;
	synth_rec(s, CKPT_REC_MM, &mm, sizeof(mm), exe, mm.exe_len);
	synth_vma(s, 0x401000, 0x402000, PROT_READ | PROT_EXEC, MAP_PRIVATE,
		  CKPT_VMA_FILE_PRIVATE, exe);
	synth_vma(s, 0x7ffffffde000, 0x7ffffffff000, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_GROWSDOWN, CKPT_VMA_ANON, NULL);
	if (with_page) {
		memset(page, 0xa5, sizeof(page));
		synth_rec(s, CKPT_REC_PAGES, &p, sizeof(p), page, sizeof(page));
	}
	synth_vma(s, 0x7ffff7fc1000, 0x7ffff7fc3000, PROT_READ | PROT_EXEC,
		  MAP_PRIVATE, CKPT_VMA_VDSO, NULL);
	return ref;
}

uint32_t synth_file(struct synth *s, uint32_t kind, uint32_t flags,
		    const char *path)
{
	struct ckpt_rec_file f = {
		.kind = kind,
		.f_flags = flags,
		.rdev = kind == CKPT_FILE_CHRDEV ? SYNTH_DEV_NULL : 0,
		.path_len = strlen(path),
		.cred_ref = s->cred,
		.id = synth_id(path),
	};
	uint32_t ref = synth_obj(s, CKPT_OBJ_FILE);

	synth_rec(s, CKPT_REC_FILE, &f, sizeof(f), path, f.path_len);
	return ref;
}

/*
 * One end of a pipe.  The first end written also writes the pipe, with
 * what is @buffered in it, before its own record, as the kernel does.
 */
uint32_t synth_pipe_file(struct synth *s, uint32_t flags, uint32_t *pipe_ref,
			 const char *buffered)
{
	struct ckpt_rec_file f = { .kind = CKPT_FILE_PIPE, .f_flags = flags };
	struct ckpt_rec_pipe p = { .size = 16 * SYNTH_PAGE_SIZE };
	uint32_t ref = synth_obj(s, CKPT_OBJ_FILE);

	if (!*pipe_ref) {
		*pipe_ref = synth_obj(s, CKPT_OBJ_PIPE);
		p.data_len = strlen(buffered);
		synth_rec(s, CKPT_REC_PIPE, &p, sizeof(p), buffered, p.data_len);
	}
	f.obj_ref = *pipe_ref;
	synth_rec(s, CKPT_REC_FILE, &f, sizeof(f), NULL, 0);
	return ref;
}

/*
 * A FIFO opened by path: its object and contents come first, as for a
 * pipe, and the file names both the path and the object.
 */
static uint32_t synth_fifo_file(struct synth *s, uint32_t flags,
				const char *path, const char *buffered)
{
	struct ckpt_rec_file f = {
		.kind = CKPT_FILE_FIFO,
		.f_flags = flags,
		.path_len = strlen(path),
		.cred_ref = s->cred,
		.id = synth_id(path),
	};
	struct ckpt_rec_pipe p = {
		.size = 16 * SYNTH_PAGE_SIZE,
		.data_len = strlen(buffered),
	};
	uint32_t ref = synth_obj(s, CKPT_OBJ_FILE);

	f.obj_ref = synth_obj(s, CKPT_OBJ_FIFO);
	synth_rec(s, CKPT_REC_PIPE, &p, sizeof(p), buffered, p.data_len);
	synth_rec(s, CKPT_REC_FILE, &f, sizeof(f), path, f.path_len);
	return ref;
}

/*
 * The nested pid namespaces right after the container record, whose
 * count is set to match: @nested holds the pids of each task below the
 * container's level, as the format orders them.
 */
static void synth_pidns(struct synth *s, const struct ckpt_pidns_entry *ns,
			uint32_t nr_pidns, const int32_t *nested,
			uint32_t nr_nested)
{
	struct ckpt_rec_container *c = synth_at(s, s->nr - 1);
	struct ckpt_rec_pidns r = {
		.nr_pidns = nr_pidns,
		.nr_nested = nr_nested,
	};
	unsigned char body[256];
	size_t ns_len = nr_pidns * sizeof(*ns);
	size_t len = ns_len + nr_nested * sizeof(*nested);

	if (c->rec.type != CKPT_REC_CONTAINER || len > sizeof(body))
		abort();
	c->nr_pidns = nr_pidns;
	memcpy(body, ns, ns_len);
	memcpy(body + ns_len, nested, nr_nested * sizeof(*nested));
	synth_rec(s, CKPT_REC_PIDNS, &r, sizeof(r), body, len);
}

uint32_t synth_files(struct synth *s, const struct ckpt_fd_entry *fds,
		     uint32_t nr_fds)
{
	struct ckpt_rec_files f = { .nr_fds = nr_fds };
	uint32_t ref = synth_obj(s, CKPT_OBJ_FILES);

	synth_rec(s, CKPT_REC_FILES, &f, sizeof(f), fds, nr_fds * sizeof(*fds));
	return ref;
}

uint32_t synth_fs(struct synth *s, const char *root, const char *pwd)
{
	struct ckpt_rec_fs f = {
		.umask = 022,
		.root_len = strlen(root),
		.pwd_len = strlen(pwd),
		.root_id = synth_id(root),
		.pwd_id = synth_id(pwd),
	};
	char paths[128];
	uint32_t ref = synth_obj(s, CKPT_OBJ_FS);

	snprintf(paths, sizeof(paths), "%s%s", root, pwd);
	synth_rec(s, CKPT_REC_FS, &f, sizeof(f), paths, strlen(paths));
	return ref;
}

uint32_t synth_sighand(struct synth *s)
{
	struct ckpt_rec_sighand h = { };
	uint32_t ref = synth_obj(s, CKPT_OBJ_SIGHAND);

	h.action[SIGPIPE - 1].handler = (uintptr_t)SIG_IGN;
	synth_rec(s, CKPT_REC_SIGHAND, &h, sizeof(h), NULL, 0);
	return ref;
}

uint32_t synth_cred(struct synth *s, uint32_t uid)
{
	/* CAP_LAST_CAP is 40: root has every capability, others none. */
	uint64_t caps = uid ? 0 : (1ULL << 41) - 1;
	struct ckpt_rec_cred c = {
		.uid = uid, .euid = uid, .suid = uid, .fsuid = uid,
		.gid = uid, .egid = uid, .sgid = uid, .fsgid = uid,
		.cap_permitted = caps,
		.cap_effective = caps,
		.cap_bset = (1ULL << 41) - 1,
	};
	uint32_t ref = synth_obj(s, CKPT_OBJ_CRED);

	synth_rec(s, CKPT_REC_CRED, &c, sizeof(c), NULL, 0);
	s->cred = ref;
	return ref;
}

/* The task record, then its two (empty) queues of pending signals. */
unsigned int synth_task(struct synth *s, int32_t pid, const char *comm,
			const struct synth_refs *refs)
{
	struct ckpt_rec_task t = {
		.pid = pid,
		.mm_ref = refs->mm,
		.files_ref = refs->files,
		.fs_ref = refs->fs,
		.sighand_ref = refs->sighand,
		.cred_ref = refs->cred,
		.nr_rlimits = 16,
		/* What a fresh task has. */
		.flags = CKPT_TASK_ALL_CPUS,
		.timer_slack_ns = 50000,
		.default_timer_slack_ns = 50000,
	};
	struct ckpt_rec_sigpending own = { .shared = 0 }, shared = { .shared = 1 };
	unsigned int i, index;

	for (i = 0; i < t.nr_rlimits; i++) {
		t.rlim[i].cur = ~0ULL;
		t.rlim[i].max = ~0ULL;
	}
	snprintf(t.comm, sizeof(t.comm), "%s", comm);
	index = synth_rec(s, CKPT_REC_TASK, &t, sizeof(t), NULL, 0);
	synth_rec(s, CKPT_REC_SIGPENDING, &own, sizeof(own), NULL, 0);
	synth_rec(s, CKPT_REC_SIGPENDING, &shared, sizeof(shared), NULL, 0);
	return index;
}

/* A process's timers, after its leader's queues: an alarm, or none. */
void synth_timers(struct synth *s, uint64_t alarm_ns)
{
	struct ckpt_rec_timers t = { };

	t.itimer[0].value_ns = alarm_ns;	/* ITIMER_REAL */
	synth_rec(s, CKPT_REC_TIMERS, &t, sizeof(t), NULL, 0);
}

void synth_cpu(struct synth *s, int32_t pid)
{
	static unsigned char xsave[SYNTH_XSTATE_SIZE];
	struct ckpt_rec_cpu c = {
		.pid = pid,
		.regs = {
			.ip = 0x401234, .sp = 0x7fffffffe000 - 8 * pid,
			.cs = 0x33, .ss = 0x2b, .flags = 0x246,
			.ax = -4, .orig_ax = 35,	/* in nanosleep() */
		},
	};

	/* Reset values of the x87 control word and MXCSR. */
	xsave[0] = 0x7f;
	xsave[1] = 0x03;
	xsave[24] = 0x80;
	xsave[25] = 0x1f;
	synth_rec(s, CKPT_REC_CPU, &c, sizeof(c), xsave, sizeof(xsave));
}

unsigned int synth_trailer(struct synth *s)
{
	struct ckpt_rec_trailer t = {
		.magic = CKPT_IMAGE_MAGIC,
		.nr_records = s->nr,
		.crc = crc32(0, s->buf, s->len),
	};

	return synth_rec(s, CKPT_REC_TRAILER, &t, sizeof(t), NULL, 0);
}

/*
 * One task, as "cr run" of a static program that counts into a file
 * leaves it: /dev/null on stdin, the file on stdout and stderr.
 */
static void build_single(struct synth *s, int damaged)
{
	static const struct ckpt_tree_entry init = {
		.pid = 1, .tgid = 1, .pgid = 1, .sid = 1, .exit_signal = SIGCHLD,
	};
	struct ckpt_fd_entry fds[3] = { };
	struct synth_refs r;
	uint32_t null, log;

	synth_header(s);
	synth_container(s, &init, 1, "single");
	/* Credentials and root first: restart opens files as the task. */
	r.cred = synth_cred(s, 0);
	r.fs = synth_fs(s, "/", "/tmp");
	r.mm = synth_mm(s, "/bin/counter", 1);
	null = synth_file(s, CKPT_FILE_CHRDEV, O_RDWR, "/dev/null");
	log = synth_file(s, CKPT_FILE_PATH, O_WRONLY | O_APPEND, "/tmp/count");
	fds[0] = (struct ckpt_fd_entry){ .fd = 0, .file_ref = null };
	fds[1] = (struct ckpt_fd_entry){ .fd = 1, .file_ref = log };
	fds[2] = (struct ckpt_fd_entry){ .fd = 2, .file_ref = log };
	r.files = synth_files(s, fds, 3);
	r.sighand = synth_sighand(s);
	/* A mix-up the walker must catch: the fd table named by the wrong ref. */
	if (damaged)
		r.files = r.fs;
	synth_task(s, 1, "counter", &r);
	synth_timers(s, 97000000000ULL);
	synth_cpu(s, 1);
	synth_trailer(s);
}

void synth_single(struct synth *s)
{
	build_single(s, 0);
}

void synth_damaged(struct synth *s)
{
	build_single(s, 1);
}

/*
 * A shell and a child it forked after making a pipe, so that both hold
 * both ends; six bytes are in the pipe.  The child has copies of the
 * parent's mm, fd table, fs and handlers, and the same credentials.
 */
void synth_pipe_tree(struct synth *s)
{
	static const struct ckpt_tree_entry tree[2] = {
		{ .pid = 1, .tgid = 1, .pgid = 1, .sid = 1, .exit_signal = SIGCHLD },
		{ .pid = 2, .ppid = 1, .tgid = 2, .pgid = 1, .sid = 1,
		  .exit_signal = SIGCHLD },
	};
	struct ckpt_fd_entry fds[2] = { };
	struct synth_refs r1, r2;
	uint32_t pipe = 0, rd, wr;

	synth_header(s);
	synth_container(s, tree, 2, "pipes");
	r1.cred = synth_cred(s, 1000);
	r1.fs = synth_fs(s, "/", "/");
	r1.mm = synth_mm(s, "/bin/sh", 0);
	rd = synth_pipe_file(s, O_RDONLY, &pipe, "hello\n");
	wr = synth_pipe_file(s, O_WRONLY, &pipe, NULL);
	fds[0] = (struct ckpt_fd_entry){ .fd = 3, .file_ref = rd };
	fds[1] = (struct ckpt_fd_entry){ .fd = 4, .file_ref = wr,
					 .flags = CKPT_FD_CLOEXEC };
	r1.files = synth_files(s, fds, 2);
	r1.sighand = synth_sighand(s);
	synth_task(s, 1, "sh", &r1);
	synth_timers(s, 0);

	r2.cred = r1.cred;
	r2.fs = synth_fs(s, "/", "/");
	r2.mm = synth_mm(s, "/bin/sh", 0);
	r2.files = synth_files(s, fds, 2);
	r2.sighand = synth_sighand(s);
	synth_task(s, 2, "writer", &r2);
	synth_timers(s, 0);

	synth_cpu(s, 1);
	synth_cpu(s, 2);
	synth_trailer(s);
}

/*
 * A process of two threads, which share its mm, fd table, fs and
 * handlers, and which has mapped shared anonymous memory: objects used
 * by two tasks at once, and a saved page that belongs to the memory
 * rather than to a mapping.
 */
void synth_threads(struct synth *s)
{
	static const struct ckpt_tree_entry tree[2] = {
		{ .pid = 1, .tgid = 1, .pgid = 1, .sid = 1, .exit_signal = SIGCHLD },
		{ .pid = 2, .ppid = 1, .tgid = 1, .pgid = 1, .sid = 1,
		  .flags = CKPT_TREE_CLONE_FLAGS },
	};
	static unsigned char page[SYNTH_PAGE_SIZE];
	struct ckpt_rec_mm mm = {
		.nr_vmas = 2,
		.exe_len = strlen("/bin/worker"),
		.start_code = 0x401000, .end_code = 0x402000,
		.start_stack = 0x7ffffffde000,
		.mmap_base = 0x7ffff7fff000,
		.dumpable = 1,
	};
	struct ckpt_rec_vma text = {
		.start = 0x401000, .end = 0x402000,
		.prot = PROT_READ | PROT_EXEC, .flags = MAP_PRIVATE,
		.maxprot = PROT_READ | PROT_WRITE | PROT_EXEC,
		.kind = CKPT_VMA_FILE_PRIVATE, .path_len = mm.exe_len,
	};
	struct ckpt_rec_vma shared = {
		.start = 0x7ffff7ff0000, .end = 0x7ffff7ff2000,
		.prot = PROT_READ | PROT_WRITE, .flags = MAP_SHARED,
		.maxprot = PROT_READ | PROT_WRITE | PROT_EXEC,
		.kind = CKPT_VMA_SHMEM,
	};
	struct ckpt_rec_shmem shm = { .size = 2 * SYNTH_PAGE_SIZE };
	struct ckpt_rec_pages p = { .addr = 0, .nr = 1 };
	struct ckpt_fd_entry fds[3] = { };
	struct synth_refs r;
	uint32_t null;
	int i;

	synth_header(s);
	synth_container(s, tree, 2, "threads");
	r.cred = synth_cred(s, 0);
	r.fs = synth_fs(s, "/", "/srv");
	mm.exe_id = synth_id("/bin/worker");
	mm.exe_cred_ref = r.cred;
	text.id = mm.exe_id;
	text.cred_ref = r.cred;
	r.mm = synth_obj(s, CKPT_OBJ_MM);
	synth_rec(s, CKPT_REC_MM, &mm, sizeof(mm), "/bin/worker", mm.exe_len);
	synth_rec(s, CKPT_REC_VMA, &text, sizeof(text), "/bin/worker",
		  text.path_len);
	/* The memory and its pages go before the VMA that maps it. */
	shared.obj_ref = synth_obj(s, CKPT_OBJ_SHMEM);
	synth_rec(s, CKPT_REC_SHMEM, &shm, sizeof(shm), NULL, 0);
	memset(page, 0x5a, sizeof(page));
	synth_rec(s, CKPT_REC_PAGES, &p, sizeof(p), page, sizeof(page));
	synth_rec(s, CKPT_REC_VMA, &shared, sizeof(shared), NULL, 0);
	null = synth_file(s, CKPT_FILE_CHRDEV, O_RDWR, "/dev/null");
	for (i = 0; i < 3; i++)
		fds[i] = (struct ckpt_fd_entry){ .fd = i, .file_ref = null };
	r.files = synth_files(s, fds, 3);
	r.sighand = synth_sighand(s);
	synth_task(s, 1, "worker", &r);
	synth_timers(s, 0);
	synth_task(s, 2, "worker-1", &r);
	synth_cpu(s, 1);
	synth_cpu(s, 2);
	synth_trailer(s);
}

/*
 * An init that talks through a FIFO to a child it cloned into a pid
 * namespace of its own, where the child is pid 1: the container's pid
 * 2 is the nested namespace's init.  Five bytes wait in the FIFO, which
 * both hold open; the child has copies of the rest.
 */
void synth_pidns_fifo(struct synth *s)
{
	static const struct ckpt_tree_entry tree[2] = {
		{ .pid = 1, .tgid = 1, .pgid = 1, .sid = 1, .exit_signal = SIGCHLD },
		{ .pid = 2, .ppid = 1, .tgid = 2, .pgid = 1, .sid = 1,
		  .exit_signal = SIGCHLD, .pidns = 1, .child_pidns = 1 },
	};
	static const struct ckpt_pidns_entry ns = { .parent = 0, .init_pid = 2 };
	static const int32_t nested[] = { 1 };	/* pid 2's pid in ns 1 */
	struct ckpt_fd_entry fds[2] = { };
	struct synth_refs r1, r2;
	uint32_t null, fifo;

	synth_header(s);
	synth_container(s, tree, 2, "nested");
	synth_pidns(s, &ns, 1, nested, 1);
	r1.cred = synth_cred(s, 0);
	r1.fs = synth_fs(s, "/", "/run");
	r1.mm = synth_mm(s, "/sbin/supervisor", 0);
	null = synth_file(s, CKPT_FILE_CHRDEV, O_RDWR, "/dev/null");
	fifo = synth_fifo_file(s, O_RDWR, "/run/ctl.fifo", "ping\n");
	fds[0] = (struct ckpt_fd_entry){ .fd = 0, .file_ref = null };
	fds[1] = (struct ckpt_fd_entry){ .fd = 3, .file_ref = fifo };
	r1.files = synth_files(s, fds, 2);
	r1.sighand = synth_sighand(s);
	synth_task(s, 1, "supervisor", &r1);
	synth_timers(s, 0);

	r2.cred = r1.cred;
	r2.fs = synth_fs(s, "/", "/run");
	r2.mm = synth_mm(s, "/sbin/supervisor", 0);
	r2.files = synth_files(s, fds, 2);
	r2.sighand = synth_sighand(s);
	synth_task(s, 2, "nested-init", &r2);
	synth_timers(s, 0);

	synth_cpu(s, 1);
	synth_cpu(s, 2);
	synth_trailer(s);
}

/*
 * synth_single as a newer writer would write it, whose task, mm, vma,
 * fd table and container records have 8 bytes more of fixed part, all
 * zero: what such a writer's fields mean where they are zero is what
 * the image meant without them, so it reads as synth_single does.
 */
void synth_grown(struct synth *s)
{
	static const uint32_t grown[] = {
		CKPT_REC_CONTAINER, CKPT_REC_TASK, CKPT_REC_MM, CKPT_REC_VMA,
		CKPT_REC_FILES, 0
	};
	const uint32_t *t;

	synth_single(s);
	for (t = grown; *t; t++)
		synth_grow(s, synth_find(s, *t, 0), 8, 0);
}

const struct synth_image synth_images[] = {
	{ "single", synth_single },
	{ "pipe-tree", synth_pipe_tree },
	{ "threads", synth_threads },
	{ "pidns-fifo", synth_pidns_fifo },
	{ "damaged", synth_damaged },
	{ "grown", synth_grown },
	{ }
};
