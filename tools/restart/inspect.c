// SPDX-License-Identifier: GPL-2.0
/*
 * cr inspect: decode an image without the kernel -- header, task tree,
 * each task's objects, mappings and fds -- as text or JSON.  The records
 * are listed in stream order, as the walker checked them; then each
 * shared object once, and each task with its mappings and fds resolved
 * through the objrefs that a reader would otherwise chase by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr.h"
#include "image.h"

#define PAYLOAD(r, type)	((const void *)((const type *)(r) + 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static json_object *jstr(const char *s, size_t max)
{
	return json_object_new_string_len(s, strnlen(s, max));
}

#define jint(v)	json_object_new_int64((int64_t)(v))
/* Addresses and sizes: as int64, those from 2^63 on would go negative. */
#define juint(v)	json_object_new_uint64((uint64_t)(v))

static void add_path(json_object *o, const char *path, uint32_t len)
{
	json_object_object_add(o, "path", json_object_new_string_len(path, len));
}

/* Which inode a path named at checkpoint: "MAJOR:MINOR", number, generation. */
static void add_id(json_object *o, const char *key, const struct ckpt_file_id *id)
{
	json_object *x = json_object_new_object();
	char dev[24];

	/* new_encode_dev() form: minor bits 0-7 and 20-31, major 8-19. */
	snprintf(dev, sizeof(dev), "%u:%u", (id->dev & 0xfff00) >> 8,
		 (id->dev & 0xff) | ((id->dev >> 12) & 0xfff00));
	json_object_object_add(x, "dev", json_object_new_string(dev));
	json_object_object_add(x, "ino", juint(id->ino));
	json_object_object_add(x, "generation", juint(id->generation));
	json_object_object_add(o, key, x);
}

/*
 * The nested pid namespaces, numbered from 1 as tree entries name them,
 * and the pids tasks have below the container's level.
 */
static void add_pidns(json_object *o, const struct ckpt_rec_pidns *r)
{
	const struct ckpt_pidns_entry *e = (const void *)(r + 1);
	const int32_t *nr = (const void *)(e + r->nr_pidns);
	json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < r->nr_pidns; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "index", jint(i + 1));
		json_object_object_add(x, "parent", jint(e[i].parent));
		json_object_object_add(x, "init_pid", jint(e[i].init_pid));
		json_object_object_add(x, "ns_last_pid", jint(e[i].last_pid));
		json_object_object_add(x, "memfd_noexec", jint(e[i].memfd_noexec));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "namespaces", a);
	a = json_object_new_array();
	for (i = 0; i < r->nr_nested; i++)
		json_object_array_add(a, jint(nr[i]));
	json_object_object_add(o, "nested_pids", a);
}

/* A process's interval timers, by the names getitimer(2) gives them. */
/* The ipc namespace's sysctls, by name, the kinds the image has only. */
static void add_ipc_sysctls(json_object *o, const struct ckpt_ipc_sysctls *s)
{
	json_object *x = json_object_new_object(), *sem;
	int i;

	if (s->flags & CKPT_IPC_SYSV) {
		json_object_object_add(x, "kernel.shmmax", juint(s->shmmax));
		json_object_object_add(x, "kernel.shmall", juint(s->shmall));
		json_object_object_add(x, "kernel.shmmni", jint(s->shmmni));
		json_object_object_add(x, "kernel.shm_rmid_forced", jint(s->shm_rmid_forced));
		json_object_object_add(x, "kernel.msgmax", jint(s->msgmax));
		json_object_object_add(x, "kernel.msgmnb", jint(s->msgmnb));
		json_object_object_add(x, "kernel.msgmni", jint(s->msgmni));
		sem = json_object_new_array();
		for (i = 0; i < 4; i++)
			json_object_array_add(sem, jint(s->sem[i]));
		json_object_object_add(x, "kernel.sem", sem);
		json_object_object_add(x, "kernel.sem_next_id", jint(s->sem_next_id));
		json_object_object_add(x, "kernel.msg_next_id", jint(s->msg_next_id));
		json_object_object_add(x, "kernel.shm_next_id", jint(s->shm_next_id));
	}
	if (s->flags & CKPT_IPC_MQUEUE) {
		json_object_object_add(x, "fs.mqueue.queues_max", jint(s->mq_queues_max));
		json_object_object_add(x, "fs.mqueue.msg_max", jint(s->mq_msg_max));
		json_object_object_add(x, "fs.mqueue.msgsize_max", jint(s->mq_msgsize_max));
		json_object_object_add(x, "fs.mqueue.msg_default", jint(s->mq_msg_default));
		json_object_object_add(x, "fs.mqueue.msgsize_default",
				       jint(s->mq_msgsize_default));
	}
	json_object_object_add(o, "ipc_sysctls", x);
}

static void add_itimers(json_object *o, const struct ckpt_rec_timers *r)
{
	static const char *const names[CKPT_NR_ITIMERS] = {
		"real", "virtual", "prof",
	};
	json_object *x = json_object_new_object();
	unsigned int i;

	for (i = 0; i < CKPT_NR_ITIMERS; i++) {
		json_object *t = json_object_new_object();

		json_object_object_add(t, "value_ns", juint(r->itimer[i].value_ns));
		json_object_object_add(t, "interval_ns", juint(r->itimer[i].interval_ns));
		json_object_object_add(x, names[i], t);
	}
	json_object_object_add(o, "itimers", x);
}

/* The file locks a task's part of an image takes again, one object each. */
static json_object *locks_json(const struct ckpt_rec_locks *r)
{
	static const char *const kinds[] = { "?", "flock", "posix", "ofd" };
	static const char *const types[] = { "?", "read", "write" };
	const struct ckpt_lock *l = (const void *)(r + 1);
	json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < r->nr; i++, l++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "kind",
				       json_object_new_string(l->kind < ARRAY_SIZE(kinds) ?
							      kinds[l->kind] : "?"));
		json_object_object_add(x, "type",
				       json_object_new_string(l->type < ARRAY_SIZE(types) ?
							      types[l->type] : "?"));
		json_object_object_add(x, "file", jint(l->file_ref));
		if (l->files_ref)
			json_object_object_add(x, "files", jint(l->files_ref));
		json_object_object_add(x, "pid", jint(l->pid));
		json_object_object_add(x, "start", juint(l->start));
		json_object_object_add(x, "end", juint(l->end));
		json_object_array_add(a, x);
	}
	return a;
}

/* What a task shares with its parent, as clone flags would say it. */
static const char *share_names(uint32_t flags)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s%s%s",
		 flags & CKPT_TREE_CLONE_FILES ? "files " : "",
		 flags & CKPT_TREE_CLONE_FS ? "fs " : "",
		 flags & CKPT_TREE_CLONE_SIGHAND ? "sighand " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* One record as a JSON object; only its identifying fields. */
static json_object *record_json(const struct ckpt_rec *r)
{
	json_object *o = json_object_new_object();
	const struct ckpt_rec_header *h = (const void *)r;
	const struct ckpt_rec_obj *ob = (const void *)r;
	const struct ckpt_rec_task *t = (const void *)r;
	const struct ckpt_rec_cpu *c = (const void *)r;
	const struct ckpt_rec_vma *v = (const void *)r;
	const struct ckpt_rec_pages *p = (const void *)r;
	const struct ckpt_rec_file *f = (const void *)r;
	const struct ckpt_rec_files *fs = (const void *)r;
	const struct ckpt_rec_container *ct = (const void *)r;
	const struct ckpt_fd_entry *e;
	const struct ckpt_tree_entry *te;
	json_object *a;
	uint32_t i;

	json_object_object_add(o, "type", json_object_new_string(cr_rec_name(r->type)));
	json_object_object_add(o, "length", jint(r->len));
	switch (r->type) {
	case CKPT_REC_HEADER:
		json_object_object_add(o, "version", jint(h->version));
		json_object_object_add(o, "release", jstr(h->release, sizeof(h->release)));
		json_object_object_add(o, "page_size", jint(h->page_size));
		json_object_object_add(o, "xstate_size", jint(h->xstate_size));
		json_object_object_add(o, "xfeatures", juint(h->xfeatures));
		break;
	case CKPT_REC_CONTAINER:
		a = json_object_new_array();
		te = PAYLOAD(r, struct ckpt_rec_container);
		for (i = 0; i < ct->nr_tasks; i++) {
			json_object *x = json_object_new_object();

			json_object_object_add(x, "pid", jint(te[i].pid));
			json_object_object_add(x, "ppid", jint(te[i].ppid));
			json_object_object_add(x, "tgid", jint(te[i].tgid));
			json_object_object_add(x, "pgid", jint(te[i].pgid));
			json_object_object_add(x, "sid", jint(te[i].sid));
			json_object_object_add(x, "shares",
					       json_object_new_string(share_names(te[i].flags)));
			json_object_object_add(x, "exit_signal", jint(te[i].exit_signal));
			json_object_object_add(x, "pidns", jint(te[i].pidns));
			json_object_object_add(x, "child_pidns", jint(te[i].child_pidns));
			if (te[i].flags & CKPT_TREE_STOPPED) {
				json_object_object_add(x, "stopped",
						       json_object_new_boolean(1));
				json_object_object_add(x, "stop_signal",
						       jint(te[i].stop_signal));
				json_object_object_add(x, "stop_waited",
						       json_object_new_boolean(te[i].flags &
									       CKPT_TREE_STOP_WAITED));
			}
			if (te[i].flags & CKPT_TREE_CONTINUED)
				json_object_object_add(x, "continued",
						       json_object_new_boolean(1));
			if (te[i].flags & CKPT_TREE_ZOMBIE) {
				json_object_object_add(x, "zombie_status",
						       jint(te[i].exit_code));
				json_object_object_add(x, "comm",
						       jstr(te[i].comm, sizeof(te[i].comm)));
			}
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "tasks", a);
		a = json_object_new_array();
		for (i = 0; i < ct->nr_pids; i++)
			json_object_array_add(a, jint(((const int32_t *)&te[ct->nr_tasks])[i]));
		json_object_object_add(o, "detached_pids", a);
		json_object_object_add(o, "ns_last_pid", jint(ct->last_pid));
		json_object_object_add(o, "memfd_noexec", jint(ct->memfd_noexec));
		add_ipc_sysctls(o, &ct->ipc);
		break;
	case CKPT_REC_PIDNS:
		add_pidns(o, (const void *)r);
		break;
	case CKPT_REC_OBJ:
		json_object_object_add(o, "objref", jint(ob->objref));
		json_object_object_add(o, "kind",
				       json_object_new_string(cr_obj_name(ob->obj_type)));
		break;
	case CKPT_REC_TASK:
		json_object_object_add(o, "pid", jint(t->pid));
		json_object_object_add(o, "comm", jstr(t->comm, sizeof(t->comm)));
		json_object_object_add(o, "mm", jint(t->mm_ref));
		json_object_object_add(o, "files", jint(t->files_ref));
		json_object_object_add(o, "fs", jint(t->fs_ref));
		json_object_object_add(o, "sighand", jint(t->sighand_ref));
		json_object_object_add(o, "cred", jint(t->cred_ref));
		if (t->ptracer)
			json_object_object_add(o, "ptracer", jint(t->ptracer));
		if (t->autogroup_ref)
			json_object_object_add(o, "autogroup", jint(t->autogroup_ref));
		break;
	case CKPT_REC_CPU:
		json_object_object_add(o, "pid", jint(c->pid));
		json_object_object_add(o, "ip", juint(c->regs.ip));
		json_object_object_add(o, "sp", juint(c->regs.sp));
		break;
	case CKPT_REC_VMA:
		json_object_object_add(o, "start", juint(v->start));
		json_object_object_add(o, "end", juint(v->end));
		json_object_object_add(o, "prot", jint(v->prot));
		json_object_object_add(o, "maxprot", jint(v->maxprot));
		json_object_object_add(o, "kind", jint(v->kind));
		if (v->kind == CKPT_VMA_SHMEM)
			json_object_object_add(o, "shmem", jint(v->obj_ref));
		if (v->path_len && v->path_len <= r->len - sizeof(*v)) {
			add_path(o, PAYLOAD(r, struct ckpt_rec_vma), v->path_len);
			add_id(o, "id", &v->id);
			json_object_object_add(o, "opener", jint(v->cred_ref));
		}
		break;
	case CKPT_REC_MM:
		if (((const struct ckpt_rec_mm *)r)->exe_len) {
			add_id(o, "exe_id", &((const struct ckpt_rec_mm *)r)->exe_id);
			json_object_object_add(o, "exe_opener",
					       jint(((const struct ckpt_rec_mm *)r)->exe_cred_ref));
		}
		break;
	case CKPT_REC_FS:
		add_id(o, "root_id", &((const struct ckpt_rec_fs *)r)->root_id);
		add_id(o, "cwd_id", &((const struct ckpt_rec_fs *)r)->pwd_id);
		break;
	case CKPT_REC_SHMEM:
		json_object_object_add(o, "size",
				       juint(((const struct ckpt_rec_shmem *)r)->size));
		break;
	case CKPT_REC_PIPE:
		json_object_object_add(o, "size", jint(((const struct ckpt_rec_pipe *)r)->size));
		json_object_object_add(o, "bytes",
				       jint(((const struct ckpt_rec_pipe *)r)->data_len));
		break;
	case CKPT_REC_TIMERS:
		add_itimers(o, (const void *)r);
		break;
	case CKPT_REC_ZOMBIE: {
		const struct ckpt_rec_zombie *z = (const void *)r;

		json_object_object_add(o, "pid", jint(z->pid));
		json_object_object_add(o, "cred", jint(z->cred_ref));
		json_object_object_add(o, "utime_ns", juint(z->utime));
		json_object_object_add(o, "stime_ns", juint(z->stime));
		json_object_object_add(o, "runtime_ns", juint(z->runtime));
		json_object_object_add(o, "children_utime_ns", juint(z->children_utime));
		json_object_object_add(o, "children_stime_ns", juint(z->children_stime));
		if (z->autogroup_ref)
			json_object_object_add(o, "autogroup", jint(z->autogroup_ref));
		break;
	}
	case CKPT_REC_AUTOGROUP: {
		const struct ckpt_rec_autogroup *a = (const void *)r;

		json_object_object_add(o, "nice", jint(a->nice));
		break;
	}
	case CKPT_REC_POSIX_TIMER: {
		const struct ckpt_rec_posix_timer *t = (const void *)r;

		json_object_object_add(o, "id", jint(t->id));
		json_object_object_add(o, "clock", jint(t->clock));
		json_object_object_add(o, "notify", jint(t->notify));
		json_object_object_add(o, "signo", jint(t->signo));
		if (t->thread)
			json_object_object_add(o, "thread", jint(t->thread));
		if (t->clock_pid)
			json_object_object_add(o, "clock_pid", jint(t->clock_pid));
		json_object_object_add(o, "flags", jint(t->flags));
		json_object_object_add(o, "value_ns", juint(t->value_ns));
		json_object_object_add(o, "interval_ns", juint(t->interval_ns));
		json_object_object_add(o, "overrun_last", juint(t->overrun_last));
		break;
	}
	case CKPT_REC_SECCOMP:
		json_object_object_add(o, "mode",
				       jint(((const struct ckpt_rec_seccomp *)r)->mode));
		json_object_object_add(o, "filter",
				       jint(((const struct ckpt_rec_seccomp *)r)->filter_ref));
		break;
	case CKPT_REC_LOCKS:
		/* The walk checked that the locks fit the record. */
		json_object_object_add(o, "locks", locks_json((const void *)r));
		break;
	case CKPT_REC_SECCOMP_FILTER:
		json_object_object_add(o, "prev",
				       jint(((const struct ckpt_rec_seccomp_filter *)r)->prev_ref));
		json_object_object_add(o, "flags",
				       jint(((const struct ckpt_rec_seccomp_filter *)r)->flags));
		json_object_object_add(o, "insns",
				       jint(((const struct ckpt_rec_seccomp_filter *)r)->len));
		break;
	case CKPT_REC_PAGES:
		json_object_object_add(o, "addr", juint(p->addr));
		json_object_object_add(o, "pages", jint(p->nr));
		break;
	case CKPT_REC_FILE:
		json_object_object_add(o, "kind", jint(f->kind));
		json_object_object_add(o, "flags", jint(f->f_flags));
		json_object_object_add(o, "pos", juint(f->pos));
		if (f->kind == CKPT_FILE_PIPE)
			json_object_object_add(o, "pipe", jint(f->obj_ref));
		if (f->kind == CKPT_FILE_FIFO)
			json_object_object_add(o, "fifo", jint(f->obj_ref));
		if (f->path_len && f->path_len <= r->len - sizeof(*f)) {
			add_path(o, PAYLOAD(r, struct ckpt_rec_file), f->path_len);
			add_id(o, "id", &f->id);
			json_object_object_add(o, "opener", jint(f->cred_ref));
		}
		break;
	case CKPT_REC_FILES:
		a = json_object_new_array();
		e = PAYLOAD(r, struct ckpt_rec_files);
		for (i = 0; i < fs->nr_fds; i++) {
			json_object *x = json_object_new_object();

			json_object_object_add(x, "fd", jint(e[i].fd));
			json_object_object_add(x, "file", jint(e[i].file_ref));
			json_object_object_add(x, "cloexec",
					       json_object_new_boolean(e[i].flags &
								       CKPT_FD_CLOEXEC));
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "fds", a);
		break;
	}
	return o;
}

/* ---- The objects and the tasks that use them ---- */

/* Names as in /proc/PID/maps and open(2); the image holds the numbers. */
static const char *const vma_kinds[] = {
	[CKPT_VMA_ANON]		= "anon",
	[CKPT_VMA_FILE_PRIVATE]	= "file-private",
	[CKPT_VMA_FILE_SHARED]	= "file-shared",
	[CKPT_VMA_VDSO]		= "vdso",
	[CKPT_VMA_VVAR]		= "vvar",
	[CKPT_VMA_SHMEM]	= "shmem",
};

static const char *const file_kinds[] = {
	[CKPT_FILE_PATH]	= "path",
	[CKPT_FILE_CHRDEV]	= "chrdev",
	[CKPT_FILE_PIPE]	= "pipe",
	[CKPT_FILE_FIFO]	= "fifo",
};

static const char *name_of(const char *const *names, size_t n, uint32_t i)
{
	return i < n && names[i] ? names[i] : "unknown";
}

/*
 * f_flags as the kernel keeps them on x86_64, the only architecture an
 * image can come from: glibc's O_LARGEFILE is 0 there, the kernel's not.
 */
static const struct {
	uint32_t bit;
	const char *name;
} open_flags[] = {
	{ 02000, "O_APPEND" },
	{ 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" },
	{ 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" },
	{ 0200000, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },
	{ 04000000, "O_SYNC" },
	{ 010000000, "O_PATH" },
};

static json_object *flags_json(uint32_t flags)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					     "O_ACCMODE" };
	char buf[256];
	size_t i, n;

	n = snprintf(buf, sizeof(buf), "%s", modes[flags & 3]);
	flags &= ~3U;
	for (i = 0; i < ARRAY_SIZE(open_flags); i++) {
		if (!(flags & open_flags[i].bit))
			continue;
		n += snprintf(buf + n, sizeof(buf) - n, "|%s", open_flags[i].name);
		flags &= ~open_flags[i].bit;
	}
	if (flags)
		snprintf(buf + n, sizeof(buf) - n, "|0%o", flags);
	return json_object_new_string(buf);
}

static json_object *prot_json(uint32_t prot)
{
	char buf[4] = {
		prot & 1 ? 'r' : '-',
		prot & 2 ? 'w' : '-',
		prot & 4 ? 'x' : '-',
	};

	return json_object_new_string(buf);
}

struct mapping {
	const struct ckpt_rec_vma *vma;
	uint64_t pages;
};

/* Room in *@p for @need elements of @size bytes; images run to 10^5. */
static int grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*(void **)p, n * size);
	if (!q)
		return -1;
	*(void **)p = q;
	*cap = n;
	return 0;
}

/**
 * struct obj - a shared object, from its CKPT_REC_OBJ on
 * @ref:	its objref.
 * @kind:	CKPT_OBJ_*.
 * @index:	the record that opened it,
 * @offset:	and where.
 * @rec:	its own record (CKPT_REC_MM for an mm, ...), once seen.
 * @maps:	CKPT_OBJ_MM: the VMA records that follow it, with the pages
 *		saved of each.
 * @nr_maps:	how many,
 * @cap_maps:	and room for.
 * @pages:	CKPT_OBJ_SHMEM: pages saved.
 * @used_by:	pids of the tasks that use it, directly or through
 *		another object.
 */
struct obj {
	uint32_t ref, kind;
	unsigned int index;
	size_t offset;
	const struct ckpt_rec *rec;
	struct mapping *maps;
	size_t nr_maps, cap_maps;
	uint64_t pages;
	json_object *used_by;
};

/*
 * The records of an object follow its CKPT_REC_OBJ, with the objects it
 * needs opened in between (a pipe inside the first of its ends, shared
 * memory between VMAs): so a record belongs to the last object opened
 * of its kind, and pages to the last VMA or shared memory seen.
 */
struct view {
	json_object *records;
	json_object *tasks;
	struct obj *objs;		/* in the order they were opened */
	uint32_t nr_objs;
	size_t cap_objs, cap_by_ref;
	uint32_t *by_ref;		/* index + 1 into objs, by objref */
	uint32_t cur[CKPT_OBJ_MAX];	/* index + 1 of the last of each kind */
	uint32_t pages_to;		/* CKPT_REC_VMA, _SHMEM or 0 */
	bool failed;			/* out of memory */
};

/*
 * Objrefs are dense, numbered from 1 as the kernel meets the objects, and
 * the walker holds them below CR_MAX_OBJREF: a table indexed by objref
 * costs little and finds any object at once, in whatever order the
 * image defined them.
 */
static struct obj *find_obj(const struct view *v, uint32_t ref)
{
	if (ref >= v->cap_by_ref || !v->by_ref[ref])
		return NULL;
	return &v->objs[v->by_ref[ref] - 1];
}

static struct obj *cur_obj(const struct view *v, uint32_t kind)
{
	return v->cur[kind] ? &v->objs[v->cur[kind] - 1] : NULL;
}

/* The walker has checked that @ref is new and @kind known. */
static void open_obj(struct view *v, unsigned int index, size_t off,
		     const struct ckpt_rec_obj *ro)
{
	size_t had = v->cap_by_ref;

	if (grow(&v->objs, &v->cap_objs, v->nr_objs + 1, sizeof(*v->objs)) ||
	    grow(&v->by_ref, &v->cap_by_ref, (size_t)ro->objref + 1,
		 sizeof(*v->by_ref))) {
		v->failed = true;
		return;
	}
	/* Objrefs not yet defined find nothing. */
	memset(v->by_ref + had, 0, (v->cap_by_ref - had) * sizeof(*v->by_ref));
	v->by_ref[ro->objref] = v->nr_objs + 1;
	v->objs[v->nr_objs] = (struct obj){
		.ref = ro->objref,
		.kind = ro->obj_type,
		.index = index,
		.offset = off,
		.used_by = json_object_new_array(),
	};
	v->cur[ro->obj_type] = ++v->nr_objs;
}

static void add_mapping(struct view *v, const struct ckpt_rec_vma *vma)
{
	struct obj *mm = cur_obj(v, CKPT_OBJ_MM);

	if (!mm)
		return;
	if (grow(&mm->maps, &mm->cap_maps, mm->nr_maps + 1, sizeof(*mm->maps))) {
		v->failed = true;
		return;
	}
	mm->maps[mm->nr_maps++] = (struct mapping){ .vma = vma };
}

static void add_pages(struct view *v, const struct ckpt_rec_pages *p)
{
	struct obj *o;

	if (v->pages_to == CKPT_REC_VMA) {
		o = cur_obj(v, CKPT_OBJ_MM);
		if (o && o->nr_maps)
			o->maps[o->nr_maps - 1].pages += p->nr;
	} else if (v->pages_to == CKPT_REC_SHMEM) {
		o = cur_obj(v, CKPT_OBJ_SHMEM);
		if (o)
			o->pages += p->nr;
	}
}

/* The set of objrefs a task uses, sorted once complete. */
struct refs {
	uint32_t *ref;
	size_t nr, cap;
};

static void use_ref(struct view *v, struct refs *u, uint32_t ref)
{
	if (grow(&u->ref, &u->cap, u->nr + 1, sizeof(*u->ref))) {
		v->failed = true;
		return;
	}
	u->ref[u->nr++] = ref;
}

static int cmp_ref(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* What a file object holds, for the objects list and for each fd. */
static void add_file_fields(json_object *o, const struct ckpt_rec_file *f)
{
	/* "type": "kind" is the object's, in the objects list. */
	json_object_object_add(o, "type",
			       json_object_new_string(name_of(file_kinds,
							      ARRAY_SIZE(file_kinds),
							      f->kind)));
	if (f->kind == CKPT_FILE_PIPE)
		json_object_object_add(o, "pipe", jint(f->obj_ref));
	else if (f->path_len <= f->rec.len - sizeof(*f))
		add_path(o, PAYLOAD(f, struct ckpt_rec_file), f->path_len);
	if (f->kind == CKPT_FILE_FIFO)
		json_object_object_add(o, "fifo", jint(f->obj_ref));
	json_object_object_add(o, "flags", flags_json(f->f_flags));
	json_object_object_add(o, "pos", juint(f->pos));
}

static json_object *mapping_json(const struct mapping *m)
{
	const struct ckpt_rec_vma *vma = m->vma;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "start", juint(vma->start));
	json_object_object_add(o, "end", juint(vma->end));
	json_object_object_add(o, "prot", prot_json(vma->prot));
	json_object_object_add(o, "maxprot", prot_json(vma->maxprot));
	json_object_object_add(o, "kind",
			       json_object_new_string(name_of(vma_kinds,
							      ARRAY_SIZE(vma_kinds),
							      vma->kind)));
	if (vma->kind == CKPT_VMA_SHMEM)
		json_object_object_add(o, "shmem", jint(vma->obj_ref));
	if (vma->path_len && vma->path_len <= vma->rec.len - sizeof(*vma))
		add_path(o, PAYLOAD(vma, struct ckpt_rec_vma), vma->path_len);
	json_object_object_add(o, "pages", juint(m->pages));
	return o;
}

static json_object *mappings_json(struct view *v, const struct obj *mm,
				  struct refs *uses)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; mm && i < mm->nr_maps; i++) {
		json_object_array_add(a, mapping_json(&mm->maps[i]));
		if (mm->maps[i].vma->kind == CKPT_VMA_SHMEM)
			use_ref(v, uses, mm->maps[i].vma->obj_ref);
	}
	return a;
}

static json_object *fds_json(struct view *v, const struct obj *files,
			     struct refs *uses)
{
	json_object *a = json_object_new_array();
	const struct ckpt_rec_files *fs;
	const struct ckpt_fd_entry *e;
	const struct obj *file;
	uint32_t i;

	if (!files || !files->rec)
		return a;
	fs = (const void *)files->rec;
	e = PAYLOAD(fs, struct ckpt_rec_files);
	for (i = 0; i < fs->nr_fds; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "fd", jint(e[i].fd));
		json_object_object_add(o, "file", jint(e[i].file_ref));
		json_object_object_add(o, "cloexec",
				       json_object_new_boolean(e[i].flags &
							       CKPT_FD_CLOEXEC));
		use_ref(v, uses, e[i].file_ref);
		file = find_obj(v, e[i].file_ref);
		if (file && file->rec) {
			const struct ckpt_rec_file *f = (const void *)file->rec;

			add_file_fields(o, f);
			if (f->kind == CKPT_FILE_PIPE || f->kind == CKPT_FILE_FIFO)
				use_ref(v, uses, f->obj_ref);
		}
		json_object_array_add(a, o);
	}
	return a;
}

/* Names of the set bits of @flags, from @names (one per bit, from bit 0). */
static json_object *bit_names(uint32_t flags, const char *const *names, unsigned int n)
{
	json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < 32; i++) {
		if (!(flags & (1U << i)))
			continue;
		if (i < n && names[i])
			json_object_array_add(a, json_object_new_string(names[i]));
		else
			json_object_array_add(a, jint(1U << i));
	}
	return a;
}

/* CPUs of an affinity mask as "0-3,6" (the form cpuset and taskset use). */
static json_object *cpu_list(const struct ckpt_rec_task *t)
{
	char buf[256] = "";
	size_t len = 0;
	uint32_t cpu, first;

	if (t->flags & CKPT_TASK_ALL_CPUS)
		return json_object_new_string("all");
	for (cpu = 0; cpu < t->nr_cpus && cpu < CKPT_TASK_CPU_WORDS * 64; cpu++) {
		if (!(t->cpus[cpu / 64] & (1ULL << (cpu % 64))))
			continue;
		first = cpu;
		while (cpu + 1 < t->nr_cpus && cpu + 1 < CKPT_TASK_CPU_WORDS * 64 &&
		       t->cpus[(cpu + 1) / 64] & (1ULL << ((cpu + 1) % 64)))
			cpu++;
		if (len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len,
					first == cpu ? "%s%u" : "%s%u-%u",
					len ? "," : "", first, cpu);
	}
	return json_object_new_string(buf);
}

/* A task's scheduling and process attributes, as the syscalls name them. */
static void add_task_attr(json_object *o, const struct ckpt_rec_task *t)
{
	static const char *const task_flags[] = {
		"no_new_privs", "child_subreaper", "has_child_subreaper",
		"mce_kill", "mce_kill_early", "io_flusher", "all_cpus",
	};
	static const char *const sched_flags[] = {
		"reset_on_fork", "reclaim", "dl_overrun", NULL, NULL,
		"util_clamp_min", "util_clamp_max",
	};
	static const char *const spec[] = {
		NULL, "enable", "disable", "force_disable", "disable_noexec",
	};
	static const char *const spec_names[] = {
		"store_bypass", "indirect_branch", "l1d_flush",
	};
	json_object *x = json_object_new_object();
	json_object *sp = json_object_new_object();
	unsigned int i;

	json_object_object_add(x, "policy", jint(t->sched_policy));
	json_object_object_add(x, "priority", jint(t->sched_priority));
	json_object_object_add(x, "nice", jint(t->nice));
	json_object_object_add(x, "flags", bit_names(t->sched_flags, sched_flags,
						     ARRAY_SIZE(sched_flags)));
	if (t->sched_runtime || t->sched_deadline || t->sched_period) {
		json_object_object_add(x, "runtime", juint(t->sched_runtime));
		json_object_object_add(x, "deadline", juint(t->sched_deadline));
		json_object_object_add(x, "period", juint(t->sched_period));
	}
	if (t->sched_flags & (3ULL << 5)) {
		json_object_object_add(x, "util_min", jint(t->sched_util_min));
		json_object_object_add(x, "util_max", jint(t->sched_util_max));
	}
	json_object_object_add(o, "sched", x);
	json_object_object_add(o, "cpus", cpu_list(t));
	json_object_object_add(o, "timer_slack_ns", juint(t->timer_slack_ns));
	json_object_object_add(o, "default_timer_slack_ns",
			       juint(t->default_timer_slack_ns));
	json_object_object_add(o, "oom_score_adj", jint(t->oom_score_adj));
	json_object_object_add(o, "oom_score_adj_min", jint(t->oom_score_adj_min));
	json_object_object_add(o, "ioprio_class", jint(t->ioprio >> 13));
	json_object_object_add(o, "ioprio_level", jint(t->ioprio & 7));
	json_object_object_add(o, "flags", bit_names(t->flags, task_flags,
						     ARRAY_SIZE(task_flags)));
	for (i = 0; i < 3; i++) {
		uint32_t v = t->spec_ctrl[i];

		if (v)
			json_object_object_add(sp, spec_names[i],
					       v & (v - 1) || v > 16 || !spec[__builtin_ctz(v)] ?
					       jint(v) :
					       json_object_new_string(spec[__builtin_ctz(v)]));
	}
	json_object_object_add(o, "speculation", sp);
	x = json_object_new_object();
	json_object_object_add(x, "user", juint(t->utime));
	json_object_object_add(x, "system", juint(t->stime));
	json_object_object_add(x, "runtime", juint(t->runtime));
	json_object_object_add(x, "exited_threads_user", juint(t->dead_utime));
	json_object_object_add(x, "exited_threads_system", juint(t->dead_stime));
	json_object_object_add(x, "exited_threads_runtime", juint(t->dead_runtime));
	json_object_object_add(x, "children_user", juint(t->children_utime));
	json_object_object_add(x, "children_system", juint(t->children_stime));
	json_object_object_add(o, "cpu_time_ns", x);
}

/* The walker has checked the task's refs: each names an object of its kind. */
static void add_task(struct view *v, unsigned int index, size_t off,
		     const struct ckpt_rec_task *t)
{
	const uint32_t direct[] = {
		t->mm_ref, t->files_ref, t->fs_ref, t->sighand_ref, t->cred_ref,
	};
	json_object *o = json_object_new_object();
	json_object *maps, *fds, *a;
	struct refs uses = { };
	struct obj *used;
	size_t i, n;

	json_object_object_add(o, "pid", jint(t->pid));
	json_object_object_add(o, "comm", jstr(t->comm, sizeof(t->comm)));
	json_object_object_add(o, "record", jint(index));
	json_object_object_add(o, "offset", jint(off));
	json_object_object_add(o, "mm", jint(t->mm_ref));
	json_object_object_add(o, "files", jint(t->files_ref));
	json_object_object_add(o, "fs", jint(t->fs_ref));
	json_object_object_add(o, "sighand", jint(t->sighand_ref));
	json_object_object_add(o, "cred", jint(t->cred_ref));
	add_task_attr(o, t);
	for (i = 0; i < ARRAY_SIZE(direct); i++)
		use_ref(v, &uses, direct[i]);
	maps = mappings_json(v, find_obj(v, t->mm_ref), &uses);
	fds = fds_json(v, find_obj(v, t->files_ref), &uses);

	a = json_object_new_array();
	if (uses.nr)
		qsort(uses.ref, uses.nr, sizeof(*uses.ref), cmp_ref);
	for (i = n = 0; i < uses.nr; i++) {
		if (n && uses.ref[i] == uses.ref[n - 1])
			continue;
		uses.ref[n++] = uses.ref[i];
		json_object_array_add(a, jint(uses.ref[i]));
		used = find_obj(v, uses.ref[i]);
		if (used)
			json_object_array_add(used->used_by, jint(t->pid));
	}
	free(uses.ref);
	json_object_object_add(o, "uses", a);
	json_object_object_add(o, "mappings", maps);
	json_object_object_add(o, "fds", fds);
	json_object_array_add(v->tasks, o);
}

/* The kind of object each record type describes. */
static const uint32_t rec_obj_kind[CKPT_REC_MAX] = {
	[CKPT_REC_MM]		= CKPT_OBJ_MM,
	[CKPT_REC_FILES]	= CKPT_OBJ_FILES,
	[CKPT_REC_FILE]		= CKPT_OBJ_FILE,
	[CKPT_REC_FS]		= CKPT_OBJ_FS,
	[CKPT_REC_SIGHAND]	= CKPT_OBJ_SIGHAND,
	[CKPT_REC_CRED]		= CKPT_OBJ_CRED,
	[CKPT_REC_PIPE]		= CKPT_OBJ_PIPE,
	[CKPT_REC_SHMEM]	= CKPT_OBJ_SHMEM,
	[CKPT_REC_SECCOMP_FILTER] = CKPT_OBJ_SECCOMP,
};

/* A task's seccomp record follows its task record: it is the last task. */
static void add_task_seccomp(struct view *v, const struct ckpt_rec_seccomp *s)
{
	static const char *const modes[] = { "disabled", "strict", "filter" };
	size_t n = json_object_array_length(v->tasks);
	json_object *t = n ? json_object_array_get_idx(v->tasks, n - 1) : NULL;
	json_object *o;

	if (!t)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "mode",
			       s->mode < ARRAY_SIZE(modes) ?
			       json_object_new_string(modes[s->mode]) : jint(s->mode));
	if (s->filter_ref)
		json_object_object_add(o, "filter", jint(s->filter_ref));
	json_object_object_add(t, "seccomp", o);
}

/* A task's locks end its part of the image: it is the last task. */
static void add_task_locks(struct view *v, const struct ckpt_rec_locks *r)
{
	size_t n = json_object_array_length(v->tasks);
	json_object *t = n ? json_object_array_get_idx(v->tasks, n - 1) : NULL;

	if (t)
		json_object_object_add(t, "locks", locks_json(r));
}

static int add_record(struct cr_image *img, unsigned int index, size_t off,
		      const struct ckpt_rec *r, void *arg)
{
	struct view *v = arg;
	json_object *o = record_json(r);
	struct obj *owner;

	json_object_object_add(o, "offset", jint(off));
	json_object_array_add(v->records, o);

	switch (r->type) {
	case CKPT_REC_OBJ:
		open_obj(v, index, off, (const void *)r);
		break;
	case CKPT_REC_VMA:
		add_mapping(v, (const void *)r);
		v->pages_to = r->type;
		break;
	case CKPT_REC_PAGES:
		add_pages(v, (const void *)r);
		break;
	case CKPT_REC_TASK:
		add_task(v, index, off, (const void *)r);
		break;
	case CKPT_REC_SECCOMP:
		add_task_seccomp(v, (const void *)r);
		break;
	case CKPT_REC_LOCKS:
		add_task_locks(v, (const void *)r);
		break;
	}
	if (r->type == CKPT_REC_SHMEM)
		v->pages_to = r->type;
	owner = rec_obj_kind[r->type] ? cur_obj(v, rec_obj_kind[r->type]) : NULL;
	/* A FIFO's record is a pipe's: it is the last opened of the two. */
	if (r->type == CKPT_REC_PIPE &&
	    v->cur[CKPT_OBJ_FIFO] > v->cur[CKPT_OBJ_PIPE])
		owner = cur_obj(v, CKPT_OBJ_FIFO);
	if (owner && !owner->rec)
		owner->rec = r;
	return v->failed ? -1 : 0;
}

/* An object's entry in the list: what it is, then whatever it holds. */
static json_object *obj_json(const struct obj *ob)
{
	json_object *o = json_object_new_object();
	const struct ckpt_rec *r = ob->rec;
	const struct ckpt_rec_mm *mm = (const void *)r;
	const struct ckpt_rec_fs *fs = (const void *)r;
	const struct ckpt_rec_cred *cred = (const void *)r;
	const struct ckpt_rec_pipe *pipe = (const void *)r;
	const char *exe, *paths;

	json_object_object_add(o, "objref", jint(ob->ref));
	json_object_object_add(o, "kind", json_object_new_string(cr_obj_name(ob->kind)));
	json_object_object_add(o, "record", jint(ob->index));
	json_object_object_add(o, "offset", jint(ob->offset));
	switch (r ? ob->kind : 0) {
	case CKPT_OBJ_MM:
		exe = PAYLOAD(mm, struct ckpt_rec_mm);
		if (mm->exe_len && mm->exe_len <= r->len - sizeof(*mm)) {
			json_object_object_add(o, "exe",
					       json_object_new_string_len(exe, mm->exe_len));
			add_id(o, "exe_id", &mm->exe_id);
		}
		json_object_object_add(o, "mappings", jint(ob->nr_maps));
		{
			static const char *const names[] = {
				"thp_disable", "memory_merge", "mdwe", "mdwe_no_inherit",
				"mlockall_future", "mlockall_onfault", "legacy_layout",
				"membarrier_global", "membarrier_private",
				"membarrier_sync_core", "membarrier_rseq",
			};

			json_object_object_add(o, "prctl",
					       bit_names(mm->prctl_flags, names,
							 ARRAY_SIZE(names)));
		}
		break;
	case CKPT_OBJ_FILES:
		json_object_object_add(o, "fds",
				       jint(((const struct ckpt_rec_files *)r)->nr_fds));
		break;
	case CKPT_OBJ_FILE:
		add_file_fields(o, (const void *)r);
		break;
	case CKPT_OBJ_FS:
		if ((uint64_t)fs->root_len + fs->pwd_len > r->len - sizeof(*fs))
			break;
		paths = PAYLOAD(fs, struct ckpt_rec_fs);
		json_object_object_add(o, "root",
				       json_object_new_string_len(paths, fs->root_len));
		json_object_object_add(o, "cwd",
				       json_object_new_string_len(paths + fs->root_len,
								  fs->pwd_len));
		add_id(o, "root_id", &fs->root_id);
		add_id(o, "cwd_id", &fs->pwd_id);
		json_object_object_add(o, "umask", jint(fs->umask));
		break;
	case CKPT_OBJ_CRED:
		json_object_object_add(o, "uid", jint(cred->uid));
		json_object_object_add(o, "gid", jint(cred->gid));
		break;
	case CKPT_OBJ_PIPE:
	case CKPT_OBJ_FIFO:
		json_object_object_add(o, "size", jint(pipe->size));
		json_object_object_add(o, "bytes", jint(pipe->data_len));
		break;
	case CKPT_OBJ_SHMEM:
		json_object_object_add(o, "size",
				       juint(((const struct ckpt_rec_shmem *)r)->size));
		json_object_object_add(o, "pages", juint(ob->pages));
		break;
	case CKPT_OBJ_SECCOMP:
		json_object_object_add(o, "prev",
				       jint(((const struct ckpt_rec_seccomp_filter *)r)->prev_ref));
		json_object_object_add(o, "log",
				       json_object_new_boolean(((const struct ckpt_rec_seccomp_filter *)r)->flags &
							       SECCOMP_FILTER_FLAG_LOG));
		json_object_object_add(o, "insns",
				       jint(((const struct ckpt_rec_seccomp_filter *)r)->len));
		break;
	}
	json_object_object_add(o, "used_by", json_object_get(ob->used_by));
	return o;
}

/**
 * cr_inspect_image - decode an image in memory
 * @name:	what to call it in the result.
 * @data:	the image; any bytes at all.
 * @size:	its size.
 *
 * Return: a new JSON object: "image", "size", "valid", "error" for a
 * damaged image, "records", each record that passed the checks,
 * "objects", each shared object once, and "tasks", each task with the
 * objects it uses and its mappings and fds resolved.
 */
json_object *cr_inspect_image(const char *name, const void *data, size_t size)
{
	struct cr_image img = { .data = data, .size = size };
	json_object *top = json_object_new_object();
	json_object *objects = json_object_new_array();
	struct view v = {
		.records = json_object_new_array(),
		.tasks = json_object_new_array(),
	};
	uint32_t i;
	int ret;

	ret = cr_image_walk(&img, add_record, &v);
	if (v.failed)
		snprintf(img.error, sizeof(img.error), "out of memory");
	for (i = 0; i < v.nr_objs; i++) {
		json_object_array_add(objects, obj_json(&v.objs[i]));
		json_object_put(v.objs[i].used_by);
		free(v.objs[i].maps);
	}
	free(v.objs);
	free(v.by_ref);
	json_object_object_add(top, "image", json_object_new_string(name));
	json_object_object_add(top, "size", jint(size));
	json_object_object_add(top, "valid", json_object_new_boolean(!ret));
	if (ret)
		json_object_object_add(top, "error", json_object_new_string(img.error));
	json_object_object_add(top, "records", v.records);
	json_object_object_add(top, "objects", objects);
	json_object_object_add(top, "tasks", v.tasks);
	return top;
}

/* ---- Text ---- */

#define get(o, key)	json_object_object_get(o, key)
#define num(o, key)	((long long)json_object_get_int64(get(o, key)))
#define unum(o, key)	((unsigned long long)json_object_get_uint64(get(o, key)))

/* A string member, or "?" where a damaged image left it out. */
static const char *str(json_object *o, const char *key)
{
	const char *s = json_object_get_string(get(o, key));

	return s ? s : "?";
}

/*
 * A string member that came from the image, escaped: str() is only for
 * the names cr itself put there (kinds, flags, prot).
 */
static void put_str(FILE *f, json_object *o, const char *key)
{
	json_object *s = get(o, key);

	if (json_object_is_type(s, json_type_string))
		cr_print_string(f, json_object_get_string(s),
				json_object_get_string_len(s));
	else
		fputc('?', f);
}

static void print_file(FILE *f, json_object *o)
{
	if (!get(o, "type"))
		return;
	fprintf(f, ": %s ", str(o, "type"));
	if (get(o, "pipe"))
		fprintf(f, "%lld", num(o, "pipe"));
	else
		put_str(f, o, "path");
	if (get(o, "fifo"))
		fprintf(f, " (fifo %lld)", num(o, "fifo"));
	fprintf(f, ", %s, pos %llu", str(o, "flags"), unum(o, "pos"));
}

static void print_refs(FILE *f, json_object *a)
{
	size_t i, n = json_object_array_length(a);

	for (i = 0; i < n; i++)
		fprintf(f, " %lld", (long long)
			json_object_get_int64(json_object_array_get_idx(a, i)));
}

static void print_object(FILE *f, json_object *o)
{
	const char *kind = str(o, "kind");
	size_t n;

	fprintf(f, "  %lld %s, record %lld at offset %lld", num(o, "objref"),
		kind, num(o, "record"), num(o, "offset"));
	if (!strcmp(kind, "mm") && get(o, "mappings")) {
		fprintf(f, ": exe ");
		put_str(f, o, "exe");
		fprintf(f, ", %lld mappings", num(o, "mappings"));
	} else if (!strcmp(kind, "files") && get(o, "fds")) {
		fprintf(f, ": %lld fds", num(o, "fds"));
	} else if (!strcmp(kind, "file")) {
		print_file(f, o);
	} else if (!strcmp(kind, "fs") && get(o, "root")) {
		fprintf(f, ": root ");
		put_str(f, o, "root");
		fprintf(f, ", cwd ");
		put_str(f, o, "cwd");
		fprintf(f, ", umask %04llo", (unsigned long long)num(o, "umask"));
	} else if (!strcmp(kind, "cred") && get(o, "uid")) {
		fprintf(f, ": uid %lld, gid %lld", num(o, "uid"), num(o, "gid"));
	} else if ((!strcmp(kind, "pipe") || !strcmp(kind, "fifo")) &&
		   get(o, "size")) {
		fprintf(f, ": %lld of %lld bytes buffered", num(o, "bytes"),
			num(o, "size"));
	} else if (!strcmp(kind, "shmem") && get(o, "size")) {
		fprintf(f, ": %llu bytes, %llu page%s saved", unum(o, "size"),
			unum(o, "pages"), unum(o, "pages") == 1 ? "" : "s");
	}
	n = json_object_array_length(get(o, "used_by"));
	if (n)
		fprintf(f, "; used by task%s", n > 1 ? "s" : "");
	print_refs(f, get(o, "used_by"));
	fprintf(f, "\n");
}

static void print_task(FILE *f, json_object *t)
{
	json_object *maps = get(t, "mappings"), *fds = get(t, "fds"), *o;
	size_t i, n;

	fprintf(f, "task %lld (", num(t, "pid"));
	put_str(f, t, "comm");
	fprintf(f, "), record %lld at offset %lld: ", num(t, "record"),
		num(t, "offset"));
	fprintf(f, "mm %lld, files %lld, fs %lld, sighand %lld, cred %lld\n",
		num(t, "mm"), num(t, "files"), num(t, "fs"), num(t, "sighand"),
		num(t, "cred"));
	fprintf(f, "  uses objects");
	print_refs(f, get(t, "uses"));
	fprintf(f, "\n  mappings of mm %lld:\n", num(t, "mm"));
	n = json_object_array_length(maps);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(maps, i);
		fprintf(f, "    %08llx-%08llx %s %s", unum(o, "start"),
			unum(o, "end"), str(o, "prot"), str(o, "kind"));
		if (get(o, "shmem"))
			fprintf(f, " %lld", num(o, "shmem"));
		if (get(o, "path")) {
			fputc(' ', f);
			put_str(f, o, "path");
		}
		if (unum(o, "pages"))
			fprintf(f, ", %llu page%s saved", unum(o, "pages"),
				unum(o, "pages") > 1 ? "s" : "");
		fprintf(f, "\n");
	}
	fprintf(f, "  fds of files %lld:\n", num(t, "files"));
	n = json_object_array_length(fds);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(fds, i);
		fprintf(f, "    %lld -> file %lld", num(o, "fd"), num(o, "file"));
		print_file(f, o);
		fprintf(f, "%s\n", json_object_get_boolean(get(o, "cloexec")) ?
			", cloexec" : "");
	}
	n = get(t, "locks") ? json_object_array_length(get(t, "locks")) : 0;
	if (n)
		fprintf(f, "  takes file locks again:\n");
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(get(t, "locks"), i);
		fprintf(f, "    %s %s lock on file %lld", str(o, "kind"),
			str(o, "type"), num(o, "file"));
		if (get(o, "files"))
			fprintf(f, " for files %lld", num(o, "files"));
		fprintf(f, ", bytes %llu-%llu, pid %lld\n", unum(o, "start"),
			unum(o, "end"), num(o, "pid"));
	}
}

/**
 * cr_inspect_print - cr inspect's text view of what cr_inspect_image() made
 * @f:		where to print it.
 * @top:	the result of cr_inspect_image().
 *
 * A line per record, then the objects and the tasks, then whether the
 * image is sound, or where and how it is damaged.
 */
void cr_inspect_print(FILE *f, json_object *top)
{
	json_object *records = get(top, "records");
	json_object *objects = get(top, "objects");
	json_object *tasks = get(top, "tasks");
	json_object *error = get(top, "error");
	size_t i, n = json_object_array_length(records);

	fprintf(f, "%6s %10s record\n", "#", "offset");
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(records, i);

		const char *line;

		/*
		 * json-c escapes control characters but not DEL or bytes
		 * above it, 0x9b (CSI) among them: escape the line too.
		 */
		line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
		fprintf(f, "%6zu %10lld ", i, num(o, "offset"));
		cr_print_string(f, line, strlen(line));
		fputc('\n', f);
	}
	if (json_object_array_length(objects))
		fprintf(f, "objects:\n");
	for (i = 0; i < json_object_array_length(objects); i++)
		print_object(f, json_object_array_get_idx(objects, i));
	for (i = 0; i < json_object_array_length(tasks); i++)
		print_task(f, json_object_array_get_idx(tasks, i));
	if (error)
		fprintf(f, "%s: damaged: %s\n", str(top, "image"),
			json_object_get_string(error));
	else
		fprintf(f, "%s: %lld bytes, %zu records, checksum good\n",
			str(top, "image"), num(top, "size"), n);
}

/**
 * cmd_inspect - decode an image file and report whether it is sound
 * @path:	the image.
 * @json:	print JSON rather than a line per record.
 *
 * Return: 0 for a sound image, 1 for a damaged or unreadable one.
 */
int cmd_inspect(const char *path, bool json)
{
	const int style = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			  JSON_C_TO_STRING_NOSLASHESCAPE;
	json_object *top;
	struct stat sb;
	void *map;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb)) {
		fprintf(stderr, "%s: cannot open %s: %s\n", cr_prog, path, strerror(errno));
		return CR_EXIT_FAIL;
	}
	map = sb.st_size ? mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "%s: cannot read %s: %s\n", cr_prog, path, strerror(errno));
		return CR_EXIT_FAIL;
	}
	top = cr_inspect_image(path, map, sb.st_size);
	ret = json_object_get_boolean(json_object_object_get(top, "valid")) ?
	      CR_EXIT_OK : CR_EXIT_FAIL;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(top, style));
	else
		cr_inspect_print(stdout, top);
	json_object_put(top);
	if (map)
		munmap(map, sb.st_size);
	return ret;
}
