// SPDX-License-Identifier: GPL-2.0
/*
 * cr inspect: decode an image without the kernel -- header, task tree,
 * each task's objects, mappings and fds -- as text or JSON.
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

#define PAYLOAD(r, type)	((const void *)((const type *)(r) + 1))

static json_object *jstr(const char *s, size_t max)
{
	return json_object_new_string_len(s, strnlen(s, max));
}

#define jint(v)	json_object_new_int64((int64_t)(v))

static void add_path(json_object *o, const char *path, uint32_t len)
{
	json_object_object_add(o, "path", json_object_new_string_len(path, len));
}

/* One record as a JSON object; only its identifying fields. */
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
		json_object_object_add(o, "xfeatures", jint(h->xfeatures));
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
			if (te[i].flags & CKPT_TREE_STOPPED)
				json_object_object_add(x, "stopped",
						       json_object_new_boolean(1));
			if (te[i].flags & CKPT_TREE_ZOMBIE)
				json_object_object_add(x, "zombie_status",
						       jint(te[i].exit_code));
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "tasks", a);
		a = json_object_new_array();
		for (i = 0; i < ct->nr_pids; i++)
			json_object_array_add(a, jint(((const int32_t *)&te[ct->nr_tasks])[i]));
		json_object_object_add(o, "detached_pids", a);
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
		break;
	case CKPT_REC_CPU:
		json_object_object_add(o, "pid", jint(c->pid));
		json_object_object_add(o, "ip", jint(c->regs.ip));
		json_object_object_add(o, "sp", jint(c->regs.sp));
		break;
	case CKPT_REC_VMA:
		json_object_object_add(o, "start", jint(v->start));
		json_object_object_add(o, "end", jint(v->end));
		json_object_object_add(o, "prot", jint(v->prot));
		json_object_object_add(o, "kind", jint(v->kind));
		if (v->kind == CKPT_VMA_SHMEM)
			json_object_object_add(o, "shmem", jint(v->obj_ref));
		if (v->path_len && v->path_len <= r->len - sizeof(*v))
			add_path(o, PAYLOAD(r, struct ckpt_rec_vma), v->path_len);
		break;
	case CKPT_REC_SHMEM:
		json_object_object_add(o, "size",
				       jint(((const struct ckpt_rec_shmem *)r)->size));
		break;
	case CKPT_REC_PIPE:
		json_object_object_add(o, "size", jint(((const struct ckpt_rec_pipe *)r)->size));
		json_object_object_add(o, "bytes",
				       jint(((const struct ckpt_rec_pipe *)r)->data_len));
		break;
	case CKPT_REC_PAGES:
		json_object_object_add(o, "addr", jint(p->addr));
		json_object_object_add(o, "pages", jint(p->nr));
		break;
	case CKPT_REC_FILE:
		json_object_object_add(o, "kind", jint(f->kind));
		json_object_object_add(o, "flags", jint(f->f_flags));
		json_object_object_add(o, "pos", jint(f->pos));
		if (f->kind == CKPT_FILE_PIPE)
			json_object_object_add(o, "pipe", jint(f->obj_ref));
		if (f->path_len && f->path_len <= r->len - sizeof(*f))
			add_path(o, PAYLOAD(r, struct ckpt_rec_file), f->path_len);
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

static int add_record(struct cr_image *img, unsigned int index, size_t off,
		      const struct ckpt_rec *r, void *records)
{
	json_object *o = record_json(r);

	json_object_object_add(o, "offset", jint(off));
	json_object_array_add(records, o);
	return 0;
}

/**
 * cr_inspect_image - decode an image in memory
 * @name:	what to call it in the result.
 * @data:	the image; any bytes at all.
 * @size:	its size.
 *
 * Return: a new JSON object: "image", "size", "valid", "error" for a
 * damaged image, and "records", each record that passed the checks.
 */
json_object *cr_inspect_image(const char *name, const void *data, size_t size)
{
	struct cr_image img = { .data = data, .size = size };
	json_object *top = json_object_new_object();
	json_object *records = json_object_new_array();
	int ret;

	ret = cr_image_walk(&img, add_record, records);
	json_object_object_add(top, "image", json_object_new_string(name));
	json_object_object_add(top, "size", jint(size));
	json_object_object_add(top, "valid", json_object_new_boolean(!ret));
	if (ret)
		json_object_object_add(top, "error", json_object_new_string(img.error));
	json_object_object_add(top, "records", records);
	return top;
}

static void print_text(json_object *top)
{
	json_object *records = json_object_object_get(top, "records");
	json_object *error = json_object_object_get(top, "error");
	const char *name = json_object_get_string(json_object_object_get(top, "image"));
	size_t i, n = json_object_array_length(records);

	printf("%6s %10s record\n", "#", "offset");
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(records, i);

		printf("%6zu %10lld %s\n", i,
		       (long long)json_object_get_int64(json_object_object_get(o, "offset")),
		       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	if (error)
		printf("%s: damaged: %s\n", name, json_object_get_string(error));
	else
		printf("%s: %lld bytes, %zu records, checksum good\n", name,
		       (long long)json_object_get_int64(json_object_object_get(top, "size")),
		       n);
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
		print_text(top);
	json_object_put(top);
	if (map)
		munmap(map, sb.st_size);
	return ret;
}
