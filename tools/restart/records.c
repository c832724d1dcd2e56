// SPDX-License-Identifier: GPL-2.0
/*
 * Each record type cr knows, and all it does with one: the checks the
 * walker makes on its contents, its fields in cr inspect's JSON, what
 * the summary counts of it and where cr inspect's view files it.  The
 * frames that call these (image.c, summary.c, inspect.c) know no record
 * type by name, so a new type is an entry in cr_rec_defs[] and nothing
 * else outside this file.
 */
#include <assert.h>
#include <json-c/json.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>

#include "cr.h"
#include "image.h"
#include "records.h"

/* ---- The checks that need a record's contents ---- */

static int check_header(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_header *h = (const void *)r;

	/* Its magic and version: cr_image_walk(), before the framing. */
	if (h->features & ~CKPT_FEATURES) {
		uint64_t unknown = h->features & ~CKPT_FEATURES;

		return cr_walk_fail(w,
				    "image uses feature bit %d, which this tool lacks (unknown bits %#llx)",
				    __builtin_ctzll(unknown),
				    (unsigned long long)unknown);
	}
	if (!memchr(h->release, 0, sizeof(h->release)))
		return cr_walk_fail(w, "kernel release is not terminated");
	w->img->header = h;
	return 0;
}

static int check_obj(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_obj *o = (const void *)r;

	if (o->obj_type == 0 || o->obj_type >= CKPT_OBJ_MAX)
		return cr_walk_fail(w, "unknown object kind %u", o->obj_type);
	if (cr_walk_define(w, o->objref, o->obj_type))
		return cr_walk_fail(w, "objref %u is zero, too large or reused",
				    o->objref);
	return 0;
}

static int check_task(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_task *t = (const void *)r;

	return cr_walk_ref(w, t->mm_ref, CKPT_OBJ_MM, "mm") ||
	       cr_walk_ref(w, t->files_ref, CKPT_OBJ_FILES, "files") ||
	       cr_walk_ref(w, t->fs_ref, CKPT_OBJ_FS, "fs") ||
	       cr_walk_ref(w, t->sighand_ref, CKPT_OBJ_SIGHAND, "sighand") ||
	       cr_walk_ref(w, t->cred_ref, CKPT_OBJ_CRED, "cred") ||
	       (t->autogroup_ref &&
		cr_walk_ref(w, t->autogroup_ref, CKPT_OBJ_AUTOGROUP,
			    "autogroup")) ? -1 : 0;
}

static int check_zombie(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_zombie *z = (const void *)r;

	return cr_walk_ref(w, z->cred_ref, CKPT_OBJ_CRED, "zombie's cred") ||
	       (z->autogroup_ref &&
		cr_walk_ref(w, z->autogroup_ref, CKPT_OBJ_AUTOGROUP,
			    "zombie's autogroup")) ? -1 : 0;
}

static int check_mm(struct cr_walk *w, const struct ckpt_rec *r)
{
	uint32_t n = ((const struct ckpt_rec_mm *)r)->exe_cred_ref;

	return n && cr_walk_ref(w, n, CKPT_OBJ_CRED, "executable's opener") ?
	       -1 : 0;
}

static int check_vma(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_vma *v = (const void *)r;

	if (v->cred_ref &&
	    cr_walk_ref(w, v->cred_ref, CKPT_OBJ_CRED, "mapped file's opener"))
		return -1;
	if (v->kind != CKPT_VMA_SHMEM)
		return 0;
	return cr_walk_ref(w, v->obj_ref, CKPT_OBJ_SHMEM, "shared memory") ?
	       -1 : 0;
}

static int check_file(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_file *f = (const void *)r;

	if (f->cred_ref && cr_walk_ref(w, f->cred_ref, CKPT_OBJ_CRED, "file's opener"))
		return -1;
	switch (f->kind) {
	case CKPT_FILE_PIPE:
		return cr_walk_ref(w, f->obj_ref, CKPT_OBJ_PIPE, "pipe") ? -1 : 0;
	case CKPT_FILE_FIFO:
		return cr_walk_ref(w, f->obj_ref, CKPT_OBJ_FIFO, "FIFO") ? -1 : 0;
	}
	return 0;
}

static int check_files(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_files *f = (const void *)r;
	const struct ckpt_fd_entry *e = cr_payload(f);
	uint32_t n;

	if ((uint64_t)f->nr_fds * sizeof(*e) != cr_payload_len(r))
		return cr_walk_fail(w, "%u fds do not fit a %u-byte record",
				    f->nr_fds, r->len);
	for (n = 0; n < f->nr_fds; n++)
		if (cr_walk_ref(w, e[n].file_ref, CKPT_OBJ_FILE, "fd"))
			return -1;
	return 0;
}

static int check_container(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_container *c = (const void *)r;

	if ((uint64_t)c->nr_tasks * sizeof(struct ckpt_tree_entry) +
	    c->nr_pids * 4ULL != cr_payload_len(r))
		return cr_walk_fail(w, "%u tasks and %u pids do not fit a %u-byte record",
				    c->nr_tasks, c->nr_pids, r->len);
	return 0;
}

static int check_seccomp(struct cr_walk *w, const struct ckpt_rec *r)
{
	uint32_t n = ((const struct ckpt_rec_seccomp *)r)->filter_ref;

	return n && cr_walk_ref(w, n, CKPT_OBJ_SECCOMP, "seccomp filter") ?
	       -1 : 0;
}

static int check_seccomp_filter(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_seccomp_filter *f = (const void *)r;

	if ((uint64_t)f->len * sizeof(struct ckpt_sock_filter) !=
	    cr_payload_len(r))
		return cr_walk_fail(w, "%u instructions do not fit a %u-byte record",
				    f->len, r->len);
	return f->prev_ref && cr_walk_ref(w, f->prev_ref, CKPT_OBJ_SECCOMP,
					  "previous seccomp filter") ? -1 : 0;
}

static int check_locks(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_locks *ls = (const void *)r;
	const struct ckpt_lock *l = cr_payload(ls);
	uint32_t n;

	if ((uint64_t)ls->nr * sizeof(*l) != cr_payload_len(r))
		return cr_walk_fail(w, "%u locks do not fit a %u-byte record",
				    ls->nr, r->len);
	for (n = 0; n < ls->nr; n++)
		if (cr_walk_ref(w, l[n].file_ref, CKPT_OBJ_FILE, "locked file") ||
		    (l[n].files_ref && cr_walk_ref(w, l[n].files_ref, CKPT_OBJ_FILES,
						   "lock's fd table")))
			return -1;
	return 0;
}

static int check_pidns(struct cr_walk *w, const struct ckpt_rec *r)
{
	const struct ckpt_rec_pidns *p = (const void *)r;

	if ((uint64_t)p->nr_pidns * sizeof(struct ckpt_pidns_entry) +
	    p->nr_nested * 4ULL != cr_payload_len(r))
		return cr_walk_fail(w,
				    "%u pid namespaces and %u pids do not fit a %u-byte record",
				    p->nr_pidns, p->nr_nested, r->len);
	return 0;
}

/* ---- cr inspect's JSON ---- */

/**
 * cr_json_str - a NUL-padded string field of a record, as JSON
 * @s:		the field.
 * @max:	its size: the string need not end in a NUL.
 *
 * Return: a new JSON string.
 */
struct json_object *cr_json_str(const char *s, size_t max)
{
	return json_object_new_string_len(s, strnlen(s, max));
}

/**
 * cr_json_bits - the set bits of a flags field, by name
 * @flags:	the field.
 * @names:	a name per bit from bit 0, NULL for a bit without one.
 * @n:		how many names.
 *
 * Return: a new JSON array: the name of each set bit, or its value
 * where it has no name.
 */
struct json_object *cr_json_bits(uint32_t flags, const char *const *names,
				 unsigned int n)
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

/**
 * cr_json_locks - the file locks a task's part of an image takes again
 * @r:		its CKPT_REC_LOCKS, whose length the walker checked.
 *
 * Return: a new JSON array, an object per lock.
 */
struct json_object *cr_json_locks(const struct ckpt_rec_locks *r)
{
	static const char *const kinds[] = { "?", "flock", "posix", "ofd" };
	static const char *const types[] = { "?", "read", "write" };
	const struct ckpt_lock *l = cr_payload(r);
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

static const char *const file_kinds[] = {
	[CKPT_FILE_PATH]	= "path",
	[CKPT_FILE_CHRDEV]	= "chrdev",
	[CKPT_FILE_PIPE]	= "pipe",
	[CKPT_FILE_FIFO]	= "fifo",
};

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

/**
 * cr_json_file - what a file object holds, by name
 * @o:		the JSON object to add it to: an entry of the objects list,
 *		or an fd of a task.
 * @f:		the file's record.
 */
void cr_json_file(struct json_object *o, const struct ckpt_rec_file *f)
{
	const char *kind = f->kind < ARRAY_SIZE(file_kinds) && file_kinds[f->kind] ?
			   file_kinds[f->kind] : "unknown";

	/* "type": "kind" is the object's, in the objects list. */
	json_object_object_add(o, "type", json_object_new_string(kind));
	if (f->kind == CKPT_FILE_PIPE)
		json_object_object_add(o, "pipe", jint(f->obj_ref));
	else if (f->path_len <= cr_payload_len(f))
		add_path(o, cr_payload(f), f->path_len);
	if (f->kind == CKPT_FILE_FIFO)
		json_object_object_add(o, "fifo", jint(f->obj_ref));
	json_object_object_add(o, "flags", flags_json(f->f_flags));
	json_object_object_add(o, "pos", juint(f->pos));
}

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

static void json_header(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_header *h = (const void *)r;

	json_object_object_add(o, "version", jint(h->version));
	json_object_object_add(o, "release", cr_json_str(h->release, sizeof(h->release)));
	json_object_object_add(o, "page_size", jint(h->page_size));
	json_object_object_add(o, "xstate_size", jint(h->xstate_size));
	json_object_object_add(o, "xfeatures", juint(h->xfeatures));
	json_object_object_add(o, "features", juint(h->features));
}

static json_object *tree_entry_json(const struct ckpt_tree_entry *te)
{
	json_object *x = json_object_new_object();

	json_object_object_add(x, "pid", jint(te->pid));
	json_object_object_add(x, "ppid", jint(te->ppid));
	json_object_object_add(x, "tgid", jint(te->tgid));
	json_object_object_add(x, "pgid", jint(te->pgid));
	json_object_object_add(x, "sid", jint(te->sid));
	json_object_object_add(x, "shares",
			       json_object_new_string(share_names(te->flags)));
	json_object_object_add(x, "exit_signal", jint(te->exit_signal));
	json_object_object_add(x, "pidns", jint(te->pidns));
	json_object_object_add(x, "child_pidns", jint(te->child_pidns));
	if (te->flags & CKPT_TREE_STOPPED) {
		json_object_object_add(x, "stopped", json_object_new_boolean(1));
		json_object_object_add(x, "stop_signal", jint(te->stop_signal));
		json_object_object_add(x, "stop_waited",
				       json_object_new_boolean(te->flags &
							       CKPT_TREE_STOP_WAITED));
	}
	if (te->flags & CKPT_TREE_CONTINUED)
		json_object_object_add(x, "continued", json_object_new_boolean(1));
	if (te->flags & CKPT_TREE_ZOMBIE) {
		json_object_object_add(x, "zombie_status", jint(te->exit_code));
		json_object_object_add(x, "comm", cr_json_str(te->comm, sizeof(te->comm)));
	}
	return x;
}

static void json_container(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_container *ct = (const void *)r;
	const struct ckpt_tree_entry *te = cr_payload(r);
	const int32_t *pids = (const int32_t *)&te[ct->nr_tasks];
	json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < ct->nr_tasks; i++)
		json_object_array_add(a, tree_entry_json(&te[i]));
	json_object_object_add(o, "tasks", a);
	a = json_object_new_array();
	for (i = 0; i < ct->nr_pids; i++)
		json_object_array_add(a, jint(pids[i]));
	json_object_object_add(o, "detached_pids", a);
	json_object_object_add(o, "ns_last_pid", jint(ct->last_pid));
	json_object_object_add(o, "memfd_noexec", jint(ct->memfd_noexec));
	add_ipc_sysctls(o, &ct->ipc);
}

/*
 * The nested pid namespaces, numbered from 1 as tree entries name them,
 * and the pids tasks have below the container's level.
 */
static void json_pidns(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_pidns *p = (const void *)r;
	const struct ckpt_pidns_entry *e = cr_payload(p);
	const int32_t *nr = (const void *)(e + p->nr_pidns);
	json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < p->nr_pidns; i++) {
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
	for (i = 0; i < p->nr_nested; i++)
		json_object_array_add(a, jint(nr[i]));
	json_object_object_add(o, "nested_pids", a);
}

static void json_obj(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_obj *ob = (const void *)r;

	json_object_object_add(o, "objref", jint(ob->objref));
	json_object_object_add(o, "kind",
			       json_object_new_string(cr_obj_name(ob->obj_type)));
}

static void json_task(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_task *t = (const void *)r;

	json_object_object_add(o, "pid", jint(t->pid));
	json_object_object_add(o, "comm", cr_json_str(t->comm, sizeof(t->comm)));
	json_object_object_add(o, "mm", jint(t->mm_ref));
	json_object_object_add(o, "files", jint(t->files_ref));
	json_object_object_add(o, "fs", jint(t->fs_ref));
	json_object_object_add(o, "sighand", jint(t->sighand_ref));
	json_object_object_add(o, "cred", jint(t->cred_ref));
	if (t->ptracer)
		json_object_object_add(o, "ptracer", jint(t->ptracer));
	if (t->autogroup_ref)
		json_object_object_add(o, "autogroup", jint(t->autogroup_ref));
}

static void json_cpu(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_cpu *c = (const void *)r;

	json_object_object_add(o, "pid", jint(c->pid));
	json_object_object_add(o, "ip", juint(c->regs.ip));
	json_object_object_add(o, "sp", juint(c->regs.sp));
}

static void json_vma(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_vma *v = (const void *)r;

	json_object_object_add(o, "start", juint(v->start));
	json_object_object_add(o, "end", juint(v->end));
	json_object_object_add(o, "prot", jint(v->prot));
	json_object_object_add(o, "maxprot", jint(v->maxprot));
	json_object_object_add(o, "kind", jint(v->kind));
	if (v->kind == CKPT_VMA_SHMEM)
		json_object_object_add(o, "shmem", jint(v->obj_ref));
	if (v->path_len && v->path_len <= cr_payload_len(r)) {
		add_path(o, cr_payload(r), v->path_len);
		add_id(o, "id", &v->id);
		json_object_object_add(o, "opener", jint(v->cred_ref));
	}
}

static void json_mm(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_mm *mm = (const void *)r;

	if (mm->exe_len) {
		add_id(o, "exe_id", &mm->exe_id);
		json_object_object_add(o, "exe_opener", jint(mm->exe_cred_ref));
	}
}

static void json_fs(json_object *o, const struct ckpt_rec *r)
{
	add_id(o, "root_id", &((const struct ckpt_rec_fs *)r)->root_id);
	add_id(o, "cwd_id", &((const struct ckpt_rec_fs *)r)->pwd_id);
}

static void json_shmem(json_object *o, const struct ckpt_rec *r)
{
	json_object_object_add(o, "size", juint(((const struct ckpt_rec_shmem *)r)->size));
}

static void json_pipe(json_object *o, const struct ckpt_rec *r)
{
	json_object_object_add(o, "size", jint(((const struct ckpt_rec_pipe *)r)->size));
	json_object_object_add(o, "bytes", jint(((const struct ckpt_rec_pipe *)r)->data_len));
}

/* A process's interval timers, by the names getitimer(2) gives them. */
static void json_timers(json_object *o, const struct ckpt_rec *r)
{
	static const char *const names[CKPT_NR_ITIMERS] = {
		"real", "virtual", "prof",
	};
	const struct ckpt_rec_timers *tr = (const void *)r;
	json_object *x = json_object_new_object();
	unsigned int i;

	for (i = 0; i < CKPT_NR_ITIMERS; i++) {
		json_object *t = json_object_new_object();

		json_object_object_add(t, "value_ns", juint(tr->itimer[i].value_ns));
		json_object_object_add(t, "interval_ns", juint(tr->itimer[i].interval_ns));
		json_object_object_add(x, names[i], t);
	}
	json_object_object_add(o, "itimers", x);
}

static void json_zombie(json_object *o, const struct ckpt_rec *r)
{
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
}

static void json_autogroup(json_object *o, const struct ckpt_rec *r)
{
	json_object_object_add(o, "nice", jint(((const struct ckpt_rec_autogroup *)r)->nice));
}

static void json_posix_timer(json_object *o, const struct ckpt_rec *r)
{
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
}

static void json_seccomp(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_seccomp *s = (const void *)r;

	json_object_object_add(o, "mode", jint(s->mode));
	json_object_object_add(o, "filter", jint(s->filter_ref));
}

/* The walk checked that the locks fit the record. */
static void json_locks(json_object *o, const struct ckpt_rec *r)
{
	json_object_object_add(o, "locks", cr_json_locks((const void *)r));
}

static void json_seccomp_filter(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_seccomp_filter *f = (const void *)r;

	json_object_object_add(o, "prev", jint(f->prev_ref));
	json_object_object_add(o, "flags", jint(f->flags));
	json_object_object_add(o, "insns", jint(f->len));
}

static void json_pages(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_pages *p = (const void *)r;

	json_object_object_add(o, "addr", juint(p->addr));
	json_object_object_add(o, "pages", jint(p->nr));
}

static void json_file(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_file *f = (const void *)r;

	json_object_object_add(o, "kind", jint(f->kind));
	json_object_object_add(o, "flags", jint(f->f_flags));
	json_object_object_add(o, "pos", juint(f->pos));
	if (f->kind == CKPT_FILE_PIPE)
		json_object_object_add(o, "pipe", jint(f->obj_ref));
	if (f->kind == CKPT_FILE_FIFO)
		json_object_object_add(o, "fifo", jint(f->obj_ref));
	if (f->path_len && f->path_len <= cr_payload_len(r)) {
		add_path(o, cr_payload(r), f->path_len);
		add_id(o, "id", &f->id);
		json_object_object_add(o, "opener", jint(f->cred_ref));
	}
}

static void json_files(json_object *o, const struct ckpt_rec *r)
{
	const struct ckpt_rec_files *fs = (const void *)r;
	const struct ckpt_fd_entry *e = cr_payload(r);
	json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < fs->nr_fds; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "fd", jint(e[i].fd));
		json_object_object_add(x, "file", jint(e[i].file_ref));
		json_object_object_add(x, "cloexec",
				       json_object_new_boolean(e[i].flags & CKPT_FD_CLOEXEC));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "fds", a);
}

/* ---- What cr inspect's list of objects says of each ---- */

static void obj_mm(json_object *o, const struct ckpt_rec *r,
		   uint64_t maps, uint64_t pages)
{
	static const char *const names[] = {
		"thp_disable", "memory_merge", "mdwe", "mdwe_no_inherit",
		"mlockall_future", "mlockall_onfault", "legacy_layout",
		"membarrier_global", "membarrier_private",
		"membarrier_sync_core", "membarrier_rseq",
	};
	const struct ckpt_rec_mm *mm = (const void *)r;
	const char *exe = cr_payload(mm);

	if (mm->exe_len && mm->exe_len <= cr_payload_len(r)) {
		json_object_object_add(o, "exe",
				       json_object_new_string_len(exe, mm->exe_len));
		add_id(o, "exe_id", &mm->exe_id);
	}
	json_object_object_add(o, "mappings", jint(maps));
	json_object_object_add(o, "prctl",
			       cr_json_bits(mm->prctl_flags, names, ARRAY_SIZE(names)));
}

static void obj_files(json_object *o, const struct ckpt_rec *r,
		      uint64_t maps, uint64_t pages)
{
	json_object_object_add(o, "fds", jint(((const struct ckpt_rec_files *)r)->nr_fds));
}

static void obj_file(json_object *o, const struct ckpt_rec *r,
		     uint64_t maps, uint64_t pages)
{
	cr_json_file(o, (const void *)r);
}

static void obj_fs(json_object *o, const struct ckpt_rec *r,
		   uint64_t maps, uint64_t pages)
{
	const struct ckpt_rec_fs *fs = (const void *)r;
	const char *paths = cr_payload(fs);

	if ((uint64_t)fs->root_len + fs->pwd_len > cr_payload_len(r))
		return;
	json_object_object_add(o, "root", json_object_new_string_len(paths, fs->root_len));
	json_object_object_add(o, "cwd",
			       json_object_new_string_len(paths + fs->root_len,
							  fs->pwd_len));
	add_id(o, "root_id", &fs->root_id);
	add_id(o, "cwd_id", &fs->pwd_id);
	json_object_object_add(o, "umask", jint(fs->umask));
}

static void obj_cred(json_object *o, const struct ckpt_rec *r,
		     uint64_t maps, uint64_t pages)
{
	json_object_object_add(o, "uid", jint(((const struct ckpt_rec_cred *)r)->uid));
	json_object_object_add(o, "gid", jint(((const struct ckpt_rec_cred *)r)->gid));
}

/* A pipe's and a FIFO's: both objects hold a CKPT_REC_PIPE. */
static void obj_pipe(json_object *o, const struct ckpt_rec *r,
		     uint64_t maps, uint64_t pages)
{
	json_pipe(o, r);
}

static void obj_shmem(json_object *o, const struct ckpt_rec *r,
		      uint64_t maps, uint64_t pages)
{
	json_shmem(o, r);
	json_object_object_add(o, "pages", juint(pages));
}

static void obj_seccomp_filter(json_object *o, const struct ckpt_rec *r,
			       uint64_t maps, uint64_t pages)
{
	const struct ckpt_rec_seccomp_filter *f = (const void *)r;

	json_object_object_add(o, "prev", jint(f->prev_ref));
	json_object_object_add(o, "log",
			       json_object_new_boolean(f->flags & SECCOMP_FILTER_FLAG_LOG));
	json_object_object_add(o, "insns", jint(f->len));
}

/* ---- What the summary counts ---- */

/*
 * Shared objects are counted with the first task to use them, since
 * they come before its task record.
 */
static void tally_header(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->page_size = ((const struct ckpt_rec_header *)r)->page_size;
}

static void tally_container(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->sum.tasks = ((const struct ckpt_rec_container *)r)->nr_tasks;
}

static void tally_vma(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->vmas++;
}

static void tally_pages(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->pages += ((const struct ckpt_rec_pages *)r)->nr;
}

static void tally_pipe(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->sum.memory += ((const struct ckpt_rec_pipe *)r)->data_len;
}

static void tally_file(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->sum.files++;
}

static void tally_files(struct cr_tally *t, const struct ckpt_rec *r)
{
	t->fds += ((const struct ckpt_rec_files *)r)->nr_fds;
}

static void tally_task(struct cr_tally *t, const struct ckpt_rec *r)
{
	const struct ckpt_rec_task *task = (const void *)r;

	if (t->verbose) {
		/* comm is the task's to set: escape it. */
		fprintf(t->verbose, "  task %d (", task->pid);
		cr_print_string(t->verbose, task->comm,
				strnlen(task->comm, sizeof(task->comm)));
		fprintf(t->verbose, "): %u mappings, %llu KiB of pages, %u fds\n",
			t->vmas, (unsigned long long)t->pages * t->page_size / 1024,
			t->fds);
	}
	t->sum.memory += t->pages * t->page_size;
	t->vmas = 0;
	t->fds = 0;
	t->pages = 0;
}

/* ---- The table ---- */

/*
 * A record that is its fixed part only, and one that a variable part
 * follows: the size of its fixed part as this tool's struct has it, and
 * the least it may be written with (the uapi's CKPT_REC_*_SIZE_VER0).
 * Until the walker hands the hooks a zero-filled copy of a fixed part
 * shorter than this tool's struct, the two must be equal; the build
 * stops here the day a struct grows without that.
 */
#define CR_SIZES(T, st)							\
	.size = sizeof(struct ckpt_rec_##st),				\
	.min = CKPT_REC_##T##_SIZE_VER0 +				\
	       0 * sizeof(struct {					\
			int x;						\
			static_assert(CKPT_REC_##T##_SIZE_VER0 ==	\
				      sizeof(struct ckpt_rec_##st) &&	\
				      CKPT_REC_##T##_SIZE_VER0 %	\
				      CKPT_ALIGN == 0,			\
				      #st ": cr must zero-fill short ones"); \
	       })
#define FIXED(T, st)	CR_SIZES(T, st), .tail = false
#define TAIL(T, st)	CR_SIZES(T, st), .tail = true

const struct cr_rec_def cr_rec_defs[CKPT_REC_MAX] = {
	[CKPT_REC_HEADER] = {
		"header", FIXED(HEADER, header),
		.check = check_header, .json = json_header, .tally = tally_header,
	},
	[CKPT_REC_TRAILER] = {
		"trailer", FIXED(TRAILER, trailer),
	},
	[CKPT_REC_CONTAINER] = {
		"container", TAIL(CONTAINER, container),
		.check = check_container, .json = json_container,
		.tally = tally_container,
	},
	[CKPT_REC_OBJ] = {
		"obj", FIXED(OBJ, obj),
		.check = check_obj, .json = json_obj, .view = cr_view_obj,
	},
	[CKPT_REC_TASK] = {
		"task", FIXED(TASK, task),
		.check = check_task, .json = json_task, .tally = tally_task,
		.view = cr_view_task,
	},
	[CKPT_REC_CPU] = {
		"cpu", TAIL(CPU, cpu),
		.json = json_cpu,
	},
	[CKPT_REC_MM] = {
		"mm", TAIL(MM, mm), .obj_kind = CKPT_OBJ_MM,
		.check = check_mm, .json = json_mm, .obj_json = obj_mm,
	},
	[CKPT_REC_VMA] = {
		"vma", TAIL(VMA, vma),
		.check = check_vma, .json = json_vma, .tally = tally_vma,
		.view = cr_view_vma,
	},
	[CKPT_REC_PAGES] = {
		"pages", TAIL(PAGES, pages),
		.json = json_pages, .tally = tally_pages, .view = cr_view_pages,
	},
	[CKPT_REC_FILES] = {
		"files", TAIL(FILES, files), .obj_kind = CKPT_OBJ_FILES,
		.check = check_files, .json = json_files, .obj_json = obj_files,
		.tally = tally_files,
	},
	[CKPT_REC_FILE] = {
		"file", TAIL(FILE, file), .obj_kind = CKPT_OBJ_FILE,
		.check = check_file, .json = json_file, .obj_json = obj_file,
		.tally = tally_file,
	},
	[CKPT_REC_FS] = {
		"fs", TAIL(FS, fs), .obj_kind = CKPT_OBJ_FS,
		.json = json_fs, .obj_json = obj_fs,
	},
	[CKPT_REC_SIGHAND] = {
		"sighand", FIXED(SIGHAND, sighand), .obj_kind = CKPT_OBJ_SIGHAND,
	},
	[CKPT_REC_CRED] = {
		"cred", TAIL(CRED, cred), .obj_kind = CKPT_OBJ_CRED,
		.obj_json = obj_cred,
	},
	[CKPT_REC_SIGPENDING] = {
		"sigpending", TAIL(SIGPENDING, sigpending),
	},
	/* A FIFO's too: inspect.c files it with the later opened of the two. */
	[CKPT_REC_PIPE] = {
		"pipe", TAIL(PIPE, pipe), .obj_kind = CKPT_OBJ_PIPE,
		.json = json_pipe, .obj_json = obj_pipe, .tally = tally_pipe,
	},
	[CKPT_REC_SHMEM] = {
		"shmem", FIXED(SHMEM, shmem), .obj_kind = CKPT_OBJ_SHMEM,
		.json = json_shmem, .obj_json = obj_shmem, .view = cr_view_shmem,
	},
	[CKPT_REC_PIDNS] = {
		"pidns", TAIL(PIDNS, pidns),
		.check = check_pidns, .json = json_pidns,
	},
	[CKPT_REC_TIMERS] = {
		"timers", FIXED(TIMERS, timers),
		.json = json_timers,
	},
	[CKPT_REC_SECCOMP] = {
		"seccomp", FIXED(SECCOMP, seccomp),
		.check = check_seccomp, .json = json_seccomp, .view = cr_view_seccomp,
	},
	[CKPT_REC_SECCOMP_FILTER] = {
		"seccomp_filter", TAIL(SECCOMP_FILTER, seccomp_filter),
		.obj_kind = CKPT_OBJ_SECCOMP,
		.check = check_seccomp_filter, .json = json_seccomp_filter,
		.obj_json = obj_seccomp_filter,
	},
	[CKPT_REC_LOCKS] = {
		"locks", TAIL(LOCKS, locks),
		.check = check_locks, .json = json_locks, .view = cr_view_locks,
	},
	[CKPT_REC_POSIX_TIMER] = {
		"posix_timer", FIXED(POSIX_TIMER, posix_timer),
		.json = json_posix_timer,
	},
	[CKPT_REC_ZOMBIE] = {
		"zombie", FIXED(ZOMBIE, zombie),
		.check = check_zombie, .json = json_zombie,
	},
	[CKPT_REC_AUTOGROUP] = {
		"autogroup", FIXED(AUTOGROUP, autogroup), .obj_kind = CKPT_OBJ_AUTOGROUP,
		.json = json_autogroup,
	},
};

/**
 * cr_rec_def - what cr knows of a record type
 * @type:	CKPT_REC_*, from an image: any value at all.
 *
 * Return: its entry in cr_rec_defs[], or NULL for a type cr does not know.
 */
const struct cr_rec_def *cr_rec_def(uint32_t type)
{
	return type < CKPT_REC_MAX && cr_rec_defs[type].name ? &cr_rec_defs[type] : NULL;
}

/**
 * cr_rec_fits - whether a record's framing suits its type
 * @d:		the type's entry.
 * @r:		the record; its length is in bounds of the image.
 * @why:	where to say what is wrong, when it is.
 * @len:	room at @why.
 *
 * The one place in cr that keeps the format's rule for growing (see
 * "How the format grows" in the uapi header): a fixed part as written
 * (@r->hdr_len) of at least @d->min bytes and a multiple of CKPT_ALIGN,
 * every byte of it past @d->size zero, a variable part after it only
 * for a type that has one.  @d->min equals @d->size for every type
 * today (the table checks it at build time); a type whose struct grows
 * needs the hooks handed a copy of @d->size bytes, zero-filled, for a
 * fixed part written between the two.
 *
 * A misaligned fixed part is refused before any hook sees it: the hooks
 * read the variable part in place, at cr_payload(), as its types.
 *
 * Return: true if every hook may read @d->size bytes of the record in
 * place and its variable part at cr_payload().
 */
bool cr_rec_fits(const struct cr_rec_def *d, const struct ckpt_rec *r,
		 char *why, size_t len)
{
	const unsigned char *p = (const void *)r;
	uint32_t i;

	if (r->hdr_len > r->len) {
		snprintf(why, len, "%s record has a fixed part of %u bytes in a length of %u",
			 d->name, r->hdr_len, r->len);
		return false;
	}
	if (r->hdr_len < d->min) {
		snprintf(why, len,
			 "%s record has a fixed part of %u bytes, shorter than the %u of its type",
			 d->name, r->hdr_len, d->min);
		return false;
	}
	if (r->hdr_len % CKPT_ALIGN) {
		snprintf(why, len, "%s record has a fixed part of %u bytes, not a multiple of %u",
			 d->name, r->hdr_len, CKPT_ALIGN);
		return false;
	}
	if (!d->tail && r->len != r->hdr_len) {
		snprintf(why, len, "%s record has %u bytes after its fixed part, expected none",
			 d->name, r->len - r->hdr_len);
		return false;
	}
	for (i = d->size; i < r->hdr_len; i++) {
		if (p[i]) {
			snprintf(why, len,
				 "%s record has unknown non-zero fields (byte %u of its fixed part, this tool knows %u)",
				 d->name, i, d->size);
			return false;
		}
	}
	return true;
}

/**
 * cr_rec_name - the name of a record type
 * @type:	CKPT_REC_*, any value.
 *
 * Return: its name, or "unknown".
 */
const char *cr_rec_name(uint32_t type)
{
	const struct cr_rec_def *d = cr_rec_def(type);

	return d ? d->name : "unknown";
}

/**
 * cr_rec_fixed_size - the size of a record type's fixed part
 * @type:	CKPT_REC_*.
 *
 * Every sound record of @type is at least this long.
 *
 * Return: that size, or 0 for a type this tool does not know.
 */
uint32_t cr_rec_fixed_size(uint32_t type)
{
	const struct cr_rec_def *d = cr_rec_def(type);

	return d ? d->size : 0;
}

static const char *const obj_names[CKPT_OBJ_MAX] = {
	[CKPT_OBJ_MM]		= "mm",
	[CKPT_OBJ_FILES]	= "files",
	[CKPT_OBJ_FILE]		= "file",
	[CKPT_OBJ_FS]		= "fs",
	[CKPT_OBJ_SIGHAND]	= "sighand",
	[CKPT_OBJ_CRED]		= "cred",
	[CKPT_OBJ_PIPE]		= "pipe",
	[CKPT_OBJ_SHMEM]	= "shmem",
	[CKPT_OBJ_FIFO]		= "fifo",
	[CKPT_OBJ_SECCOMP]	= "seccomp",
	[CKPT_OBJ_AUTOGROUP]	= "autogroup",
};

/**
 * cr_obj_name - the name of an object kind
 * @type:	CKPT_OBJ_*, any value.
 *
 * Return: its name, or "unknown".
 */
const char *cr_obj_name(uint32_t type)
{
	return type < CKPT_OBJ_MAX && obj_names[type] ? obj_names[type] : "unknown";
}

/**
 * cr_print_formats - the record types cr reads, a line each
 * @f:		where to print them.
 *
 * Type number, name, the size of the fixed part and whether a variable
 * part follows: the image format at a glance, for a cover letter or for
 * comparing two builds of cr.
 */
void cr_print_formats(FILE *f)
{
	uint32_t type;

	fprintf(f, "# image format version %u, records aligned to %u bytes\n",
		CKPT_IMAGE_VERSION, CKPT_ALIGN);
	fprintf(f, "%-4s %-16s %6s %6s %s\n", "type", "name", "size", "min",
		"tail");
	for (type = 0; type < CKPT_REC_MAX; type++) {
		const struct cr_rec_def *d = cr_rec_def(type);

		if (d)
			fprintf(f, "%-4u %-16s %6u %6u %s\n", type, d->name,
				d->size, d->min, d->tail ? "yes" : "no");
	}
}

/**
 * cmd_formats - cr formats: print the record types cr reads
 *
 * Return: 0.
 */
int cmd_formats(void)
{
	cr_print_formats(stdout);
	return CR_EXIT_OK;
}
