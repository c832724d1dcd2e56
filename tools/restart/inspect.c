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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cr.h"
#include "image.h"
#include "records.h"

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

static const char *name_of(const char *const *names, size_t n, uint32_t i)
{
	return i < n && names[i] ? names[i] : "unknown";
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
struct cr_view {
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
static struct obj *find_obj(const struct cr_view *v, uint32_t ref)
{
	if (ref >= v->cap_by_ref || !v->by_ref[ref])
		return NULL;
	return &v->objs[v->by_ref[ref] - 1];
}

static struct obj *cur_obj(const struct cr_view *v, uint32_t kind)
{
	return v->cur[kind] ? &v->objs[v->cur[kind] - 1] : NULL;
}

/**
 * cr_view_obj - a CKPT_REC_OBJ opens an object
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the record; the walker has checked that its objref is new
 *		and its kind known.
 */
void cr_view_obj(struct cr_view *v, unsigned int index, size_t off,
		 const struct ckpt_rec *r)
{
	const struct ckpt_rec_obj *ro = (const void *)r;
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

/**
 * cr_view_vma - a VMA record is a mapping of the last mm opened
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the record.
 *
 * The pages records that follow are the mapping's.
 */
void cr_view_vma(struct cr_view *v, unsigned int index, size_t off,
		 const struct ckpt_rec *r)
{
	const struct ckpt_rec_vma *vma = (const void *)r;
	struct obj *mm = cur_obj(v, CKPT_OBJ_MM);

	v->pages_to = CKPT_REC_VMA;
	if (!mm)
		return;
	if (grow(&mm->maps, &mm->cap_maps, mm->nr_maps + 1, sizeof(*mm->maps))) {
		v->failed = true;
		return;
	}
	mm->maps[mm->nr_maps++] = (struct mapping){ .vma = vma };
}

/**
 * cr_view_shmem - the pages records that follow are shared memory's
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the CKPT_REC_SHMEM.
 */
void cr_view_shmem(struct cr_view *v, unsigned int index, size_t off,
		   const struct ckpt_rec *r)
{
	v->pages_to = CKPT_REC_SHMEM;
}

/**
 * cr_view_pages - count saved pages with the VMA or shared memory before
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the CKPT_REC_PAGES.
 */
void cr_view_pages(struct cr_view *v, unsigned int index, size_t off,
		   const struct ckpt_rec *r)
{
	const struct ckpt_rec_pages *p = (const void *)r;
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

static void use_ref(struct cr_view *v, struct refs *u, uint32_t ref)
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
	if (vma->path_len && vma->path_len <= cr_payload_len(vma))
		json_object_object_add(o, "path",
				       json_object_new_string_len(cr_payload(vma),
								  vma->path_len));
	json_object_object_add(o, "pages", juint(m->pages));
	return o;
}

static json_object *mappings_json(struct cr_view *v, const struct obj *mm,
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

static json_object *fds_json(struct cr_view *v, const struct obj *files,
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
	e = cr_payload(fs);
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

			cr_json_file(o, f);
			if (f->kind == CKPT_FILE_PIPE || f->kind == CKPT_FILE_FIFO)
				use_ref(v, uses, f->obj_ref);
		}
		json_object_array_add(a, o);
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
	json_object_object_add(x, "flags", cr_json_bits(t->sched_flags, sched_flags,
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
	json_object_object_add(o, "flags", cr_json_bits(t->flags, task_flags,
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

/**
 * cr_view_task - a task, with the objects it uses resolved
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the CKPT_REC_TASK; the walker has checked its refs: each
 *		names an object of its kind.
 */
void cr_view_task(struct cr_view *v, unsigned int index, size_t off,
		  const struct ckpt_rec *r)
{
	const struct ckpt_rec_task *t = (const void *)r;
	const uint32_t direct[] = {
		t->mm_ref, t->files_ref, t->fs_ref, t->sighand_ref, t->cred_ref,
	};
	json_object *o = json_object_new_object();
	json_object *maps, *fds, *a;
	struct refs uses = { };
	struct obj *used;
	size_t i, n;

	json_object_object_add(o, "pid", jint(t->pid));
	json_object_object_add(o, "comm", cr_json_str(t->comm, sizeof(t->comm)));
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

/**
 * cr_view_seccomp - a task's seccomp mode and filter
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the CKPT_REC_SECCOMP: it follows its task's record, so it is
 *		the last task's.
 */
void cr_view_seccomp(struct cr_view *v, unsigned int index, size_t off,
		     const struct ckpt_rec *r)
{
	const struct ckpt_rec_seccomp *s = (const void *)r;
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

/**
 * cr_view_locks - the file locks a task takes again
 * @v:		the view.
 * @index:	the record,
 * @off:	and where it is.
 * @r:		the CKPT_REC_LOCKS: it ends its task's part of the image, so
 *		it is the last task's.
 */
void cr_view_locks(struct cr_view *v, unsigned int index, size_t off,
		   const struct ckpt_rec *r)
{
	size_t n = json_object_array_length(v->tasks);
	json_object *t = n ? json_object_array_get_idx(v->tasks, n - 1) : NULL;

	if (t)
		json_object_object_add(t, "locks", cr_json_locks((const void *)r));
}

/*
 * Each record as the walker passes it: listed with its identifying
 * fields, filed in the view, and, for a record that holds an object's
 * contents, kept with the object it belongs to.
 */
static int add_record(struct cr_image *img, unsigned int index, size_t off,
		      const struct ckpt_rec *r, void *arg)
{
	const struct cr_rec_def *d = cr_rec_def(r->type);
	struct cr_view *v = arg;
	json_object *o = json_object_new_object();
	struct obj *owner;

	json_object_object_add(o, "type", json_object_new_string(d->name));
	json_object_object_add(o, "length", jint(r->len));
	if (d->json)
		d->json(o, r);
	json_object_object_add(o, "offset", jint(off));
	json_object_array_add(v->records, o);
	if (d->view)
		d->view(v, index, off, r);
	owner = d->obj_kind ? cur_obj(v, d->obj_kind) : NULL;
	/* A FIFO's record is a pipe's: it is the last opened of the two. */
	if (d->obj_kind == CKPT_OBJ_PIPE &&
	    v->cur[CKPT_OBJ_FIFO] > v->cur[CKPT_OBJ_PIPE])
		owner = cur_obj(v, CKPT_OBJ_FIFO);
	if (owner && !owner->rec)
		owner->rec = r;
	return v->failed ? -1 : 0;
}

/* An object's entry in the list: what it is, then whatever it holds. */
static json_object *obj_json(const struct obj *ob)
{
	const struct cr_rec_def *d = ob->rec ? cr_rec_def(ob->rec->type) : NULL;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "objref", jint(ob->ref));
	json_object_object_add(o, "kind", json_object_new_string(cr_obj_name(ob->kind)));
	json_object_object_add(o, "record", jint(ob->index));
	json_object_object_add(o, "offset", jint(ob->offset));
	if (d && d->obj_json)
		d->obj_json(o, ob->rec, ob->nr_maps, ob->pages);
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
	struct cr_view v = {
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
