// SPDX-License-Identifier: GPL-2.0-only
/*
 * The objref graph.  Every shared kernel object enters the image once,
 * the first time a task uses it, and is named by its objref from then
 * on.  On checkpoint the hash maps object pointers to objrefs; on restart
 * it maps objrefs to the rebuilt objects.  Either way each entry holds a
 * reference, dropped when the operation ends.
 *
 * The core never names a kind of object: kinds are ckpt_obj_ops in
 * objtypes.c.
 */
#include <linux/checkpoint.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"

#define CKPT_OBJ_MAX_DEPTH	4

struct ckpt_obj {
	struct hlist_node node;
	void *ptr;
	u32 objref;		/* checkpoint: 0 until the object is written */
	enum ckpt_obj_type type;
	unsigned int uses;	/* checkpoint: references found in the container */
	void *state;		/* restart: what the kind's restore left there */
};

/* A reference from inside the container that is not an object's use. */
struct ckpt_note {
	struct hlist_node node;
	void *ptr;
	unsigned int count;
	/* ckpt_obj_require(): what it must be collected as, or refused. */
	enum ckpt_obj_type need;
	char *why;
};

struct ckpt_objhash {
	DECLARE_HASHTABLE(by_ptr, 8);
	DECLARE_HASHTABLE(notes, 8);
	struct xarray by_ref;
	u32 next_objref;
};

/**
 * ckpt_objhash_alloc - give @ctx an empty objhash
 * @ctx:	checkpoint or restart context.
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_objhash_alloc(struct ckpt_ctx *ctx)
{
	struct ckpt_objhash *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	hash_init(h->by_ptr);
	hash_init(h->notes);
	xa_init(&h->by_ref);
	h->next_objref = 1;
	ctx->objhash = h;
	return 0;
}

/**
 * ckpt_objhash_free - drop every object's reference and free the hash
 * @ctx:	checkpoint or restart context.
 */
void ckpt_objhash_free(struct ckpt_ctx *ctx)
{
	struct ckpt_objhash *h = ctx->objhash;
	struct hlist_node *tmp;
	struct ckpt_note *note;
	struct ckpt_obj *obj;
	int bkt;

	if (!h)
		return;
	/* Every object is hashed by pointer, written or not. */
	hash_for_each_safe(h->by_ptr, bkt, tmp, obj, node) {
		const struct ckpt_obj_ops *ops = ckpt_obj_ops(obj->type);

		ops->drop(ctx, obj->ptr);
		if (obj->state)
			ops->release(ctx, obj->state);
		kfree(obj);
	}
	hash_for_each_safe(h->notes, bkt, tmp, note, node) {
		kfree(note->why);
		kfree(note);
	}
	xa_destroy(&h->by_ref);
	kfree(h);
	ctx->objhash = NULL;
}

static struct ckpt_obj *ckpt_obj_add(struct ckpt_ctx *ctx, void *ptr,
				     u32 objref, enum ckpt_obj_type type)
{
	struct ckpt_objhash *h = ctx->objhash;
	struct ckpt_obj *obj;
	int ret;

	/* As many as an image has records: charged to the caller. */
	obj = kmalloc(sizeof(*obj), GFP_KERNEL_ACCOUNT);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->ptr = ptr;
	obj->objref = objref;
	obj->type = type;
	obj->uses = 0;
	obj->state = NULL;
	/* A checkpoint's objects get their objref when written. */
	ret = objref ? xa_insert(&h->by_ref, objref, obj, GFP_KERNEL_ACCOUNT) : 0;
	if (ret) {
		kfree(obj);
		return ERR_PTR(ret);
	}
	hash_add(h->by_ptr, &obj->node, (unsigned long)ptr);
	return obj;
}

static struct ckpt_obj *ckpt_obj_find(struct ckpt_objhash *h, void *ptr,
				      enum ckpt_obj_type type)
{
	struct ckpt_obj *obj;

	hash_for_each_possible(h->by_ptr, obj, node, (unsigned long)ptr)
		if (obj->ptr == ptr && obj->type == type)
			return obj;
	return NULL;
}

static int __ckpt_obj_collect(struct ckpt_ctx *ctx, void *ptr,
			      enum ckpt_obj_type type, unsigned int uses)
{
	const struct ckpt_obj_ops *ops = ckpt_obj_ops(type);
	struct ckpt_obj *obj;

	obj = ckpt_obj_find(ctx->objhash, ptr, type);
	if (obj) {
		obj->uses += uses;
		return 0;
	}
	obj = ckpt_obj_add(ctx, ptr, 0, type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ops->grab(ptr);
	obj->uses = uses;
	return ops->collect ? ops->collect(ctx, ptr) : 0;
}

/**
 * ckpt_obj_collect - count a use of a shared object, checking it on the first
 * @ctx:	checkpoint context, before anything is written.
 * @ptr:	the object, kept alive by the caller for the duration.
 * @type:	its kind.
 *
 * The first call for @ptr takes a reference for the rest of the
 * checkpoint and runs the kind's collect op, which refuses what cannot be
 * saved and collects what the object stands on.  Every object the image
 * will hold passes here before its first byte is written, so that a
 * refusal never leaves the caller with data it was refused.
 *
 * Return: 0, or a negative errno (logged by the kind).
 */
int ckpt_obj_collect(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type)
{
	return __ckpt_obj_collect(ctx, ptr, type, 1);
}

/**
 * ckpt_obj_collect_borrowed - collect an object used through another's reference
 * @ctx:	checkpoint context, before anything is written.
 * @ptr:	the object.
 * @type:	its kind.
 *
 * As ckpt_obj_collect(), but the use holds no reference of its own (a
 * leader that has exited stands on its threads' mm): it must not count
 * against the object's reference count in ckpt_objhash_verify().
 *
 * Return: 0, or a negative errno (logged by the kind).
 */
int ckpt_obj_collect_borrowed(struct ckpt_ctx *ctx, void *ptr,
			      enum ckpt_obj_type type)
{
	return __ckpt_obj_collect(ctx, ptr, type, 0);
}

/**
 * ckpt_obj_checkpoint - name a collected object, writing it on first use
 * @ctx:	checkpoint context.
 * @ptr:	the object, collected by ckpt_obj_collect().
 * @type:	its kind.
 *
 * The first call for @ptr writes a CKPT_REC_OBJ and the object's own
 * records; later calls only return the objref given then.
 *
 * Return: the objref (> 0), or a negative errno.
 */
int ckpt_obj_checkpoint(struct ckpt_ctx *ctx, void *ptr,
			enum ckpt_obj_type type)
{
	const struct ckpt_obj_ops *ops = ckpt_obj_ops(type);
	struct ckpt_objhash *h = ctx->objhash;
	struct ckpt_rec_obj rec = { };
	struct ckpt_obj *obj;
	int ret;

	/*
	 * The tasks are frozen and their objects pinned, so the writer
	 * meets exactly what collection met; anything else means something
	 * outside the container changed them.
	 */
	obj = ckpt_obj_find(h, ptr, type);
	if (!obj)
		return ckpt_err(ctx, -EBUSY, "a %s appeared during checkpoint",
				ops->name);
	if (obj->objref)
		return obj->objref;
	obj->objref = h->next_objref++;

	rec.objref = obj->objref;
	rec.obj_type = type;
	ret = ckpt_write_rec(ctx, &rec, CKPT_REC_OBJ, sizeof(rec));
	if (!ret)
		ret = ops->checkpoint(ctx, ptr);
	return ret ?: obj->objref;
}

/**
 * ckpt_obj_known - whether an object is in the objhash already
 * @ctx:	checkpoint context.
 * @ptr:	the object.
 * @type:	its kind.
 *
 * Return: true once ckpt_obj_collect() has seen @ptr.
 */
bool ckpt_obj_known(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type)
{
	return ckpt_obj_find(ctx->objhash, ptr, type);
}

/**
 * ckpt_obj_written - the objref of an object already in the image
 * @ctx:	checkpoint context.
 * @ptr:	the object.
 * @type:	its kind.
 *
 * Return: its objref once ckpt_obj_checkpoint() has written it, else 0.
 */
u32 ckpt_obj_written(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type)
{
	struct ckpt_obj *obj = ckpt_obj_find(ctx->objhash, ptr, type);

	return obj ? obj->objref : 0;
}

static struct ckpt_note *ckpt_note_get(struct ckpt_objhash *h, void *ptr)
{
	struct ckpt_note *note;

	hash_for_each_possible(h->notes, note, node, (unsigned long)ptr)
		if (note->ptr == ptr)
			return note;
	note = kzalloc(sizeof(*note), GFP_KERNEL);
	if (note) {
		note->ptr = ptr;
		hash_add(h->notes, &note->node, (unsigned long)ptr);
	}
	return note;
}

/**
 * ckpt_obj_note - count a reference to @ptr held inside the container
 * @ctx:	checkpoint context.
 * @ptr:	an object that may or may not be (or become) in the objhash,
 *		referenced in a way that is not a use of it as an object --
 *		a struct file that a VMA maps, say.
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_obj_note(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_note *note = ckpt_note_get(ctx->objhash, ptr);

	if (!note)
		return -ENOMEM;
	note->count++;
	return 0;
}

/**
 * ckpt_obj_require - refuse @ptr unless it is collected as an object too
 * @ctx:	checkpoint context, collecting.
 * @ptr:	something noted with ckpt_obj_note().
 * @type:	the kind of object it must also be by the end of collection.
 * @why:	the log line if it is not, kmalloc()ed; the objhash owns it
 *		from here on.  NULL (an allocation that failed) fails this.
 *
 * For state that only an object of the image can carry, found through a
 * reference that is not one: collection goes task by task, so whether
 * another reference makes it an object is known in ckpt_objhash_verify()
 * only.
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_obj_require(struct ckpt_ctx *ctx, void *ptr, enum ckpt_obj_type type,
		     char *why)
{
	struct ckpt_note *note = why ? ckpt_note_get(ctx->objhash, ptr) : NULL;

	if (!note) {
		kfree(why);
		return -ENOMEM;
	}
	kfree(note->why);
	note->need = type;
	note->why = why;
	return 0;
}

static unsigned int ckpt_noted(struct ckpt_objhash *h, void *ptr)
{
	struct ckpt_note *note;

	hash_for_each_possible(h->notes, note, node, (unsigned long)ptr)
		if (note->ptr == ptr)
			return note->count;
	return 0;
}

/* A noted pointer that had to become an object of its kind and did not. */
static int ckpt_check_required(struct ckpt_ctx *ctx)
{
	struct ckpt_objhash *h = ctx->objhash;
	struct ckpt_note *note;
	int bkt;

	hash_for_each(h->notes, bkt, note, node)
		if (note->why && !ckpt_obj_find(h, note->ptr, note->need))
			return ckpt_err(ctx, -EOPNOTSUPP, "%s", note->why);
	return 0;
}

/**
 * ckpt_objhash_verify - refuse objects that are also used outside
 * @ctx:	checkpoint context, every task collected.
 *
 * An object whose reference count exceeds the references found inside
 * the container (plus the objhash's own) is shared with something the
 * checkpoint does not cover; saving a copy of it would silently split
 * it in two on restart.  Also refuses what ckpt_obj_require() asked to
 * be an object and is not.
 *
 * Return: 0, or -EBUSY or -EOPNOTSUPP (logged) naming the first such
 * object.
 */
int ckpt_objhash_verify(struct ckpt_ctx *ctx)
{
	struct ckpt_objhash *h = ctx->objhash;
	const struct ckpt_obj_ops *ops;
	struct ckpt_obj *obj;
	int bkt;

	hash_for_each(h->by_ptr, bkt, obj, node) {
		unsigned long seen, users;

		ops = ckpt_obj_ops(obj->type);
		if (!ops->users)
			continue;
		seen = obj->uses + ckpt_noted(h, obj->ptr) + 1;
		users = ops->users(obj->ptr);
		if (users > seen)
			return ckpt_err(ctx, -EBUSY,
					"a %s is also used outside the container (%lu references, %lu inside)",
					ops->name, users, seen - 1);
	}
	return ckpt_check_required(ctx);
}

/*
 * Rebuild the object a CKPT_REC_OBJ opens, if its kind is one of @kinds;
 * with @refs, note its objref there, refusing a second of its kind.
 */
static int ckpt_obj_restore(struct ckpt_ctx *ctx, u32 kinds, const char *site,
			    u32 *refs)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	const struct ckpt_obj_ops *ops;
	struct ckpt_rec_obj rec;
	struct ckpt_obj *obj;
	void *ptr, *state = NULL;
	int ret;

	ret = ckpt_read_rec(ctx, &rec, CKPT_REC_OBJ, sizeof(rec));
	if (ret)
		return ret;
	if (!rec.objref || xa_load(&ctx->objhash->by_ref, rec.objref))
		return ckpt_err(ctx, -EINVAL, "objref %u is zero or reused",
				rec.objref);
	ops = ckpt_obj_ops(rec.obj_type);
	if (!ops)
		return ckpt_err(ctx, -EINVAL, "objref %u has unknown type %u",
				rec.objref, rec.obj_type);
	/*
	 * Each kind's restore builds on what its site set up (an mm on the
	 * task it replaces, a file in the fd table being filled): one
	 * opened anywhere else would undo its site's work under it.
	 */
	if (!(kinds & CKPT_OBJ_KIND(rec.obj_type)))
		return ckpt_err(ctx, -EINVAL, "objref %u: a %s cannot open in %s",
				rec.objref, ops->name, site);
	if (refs && refs[rec.obj_type])
		return ckpt_err(ctx, -EINVAL, "objref %u: a second %s cannot open in %s",
				rec.objref, ops->name, site);
	/*
	 * Objects may open inside objects (a file inside an fd table, a
	 * pipe inside a file), a few levels at most; an image must not
	 * recurse deeper than that on the kernel stack.
	 */
	if (rst->obj_depth == CKPT_OBJ_MAX_DEPTH)
		return ckpt_err(ctx, -EINVAL, "objref %u is nested too deeply",
				rec.objref);

	rst->obj_depth++;
	ptr = ops->restore(ctx, &state);
	rst->obj_depth--;
	/* A restore that fails leaves nothing behind, in @state either. */
	if (IS_ERR(ptr))
		return PTR_ERR(ptr);
	obj = ckpt_obj_add(ctx, ptr, rec.objref, rec.obj_type);
	if (IS_ERR(obj)) {
		ops->drop(ctx, ptr);
		if (state)
			ops->release(ctx, state);
		return PTR_ERR(obj);
	}
	obj->state = state;
	if (refs)
		refs[rec.obj_type] = rec.objref;
	return 0;
}

/**
 * ckpt_obj_restore_here - rebuild every object that opens at this point
 * @ctx:	restart context.
 * @kinds:	the kinds that may open here, CKPT_OBJ_KIND() of each.
 * @site:	where this is, for log lines ("an fd table", "task 5").
 * @refs:	NULL, or CKPT_OBJ_MAX objrefs, zeroed, that receive the objref
 *		of the object of each kind opened here; each kind may then
 *		open here once only.
 *
 * Objects come before the record that first uses them (a task's before
 * its task record, a pipe before its file, shared memory before its
 * VMA), so a reader calls this before reading that record.  Which kinds
 * belong at each site is the caller's to say: the checkpoint side writes
 * an object only where its user is, and an image that nests one anywhere
 * else is refused.
 *
 * Return: 0, or a negative errno (logged).
 */
int ckpt_obj_restore_here(struct ckpt_ctx *ctx, u32 kinds, const char *site,
			  u32 *refs)
{
	int type, ret;

	BUILD_BUG_ON(CKPT_OBJ_MAX > 32);
	while ((type = ckpt_peek_type(ctx)) == CKPT_REC_OBJ) {
		ret = ckpt_obj_restore(ctx, kinds, site, refs);
		if (ret)
			return ret;
	}
	return type < 0 ? type : 0;
}

static struct ckpt_obj *ckpt_obj_lookup(struct ckpt_ctx *ctx, u32 objref,
					enum ckpt_obj_type type)
{
	struct ckpt_obj *obj = xa_load(&ctx->objhash->by_ref, objref);

	if (!obj)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"objref %u is used before it is defined",
					objref));
	if (obj->type != type)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"objref %u is a %s, used as a %s", objref,
					ckpt_obj_ops(obj->type)->name,
					ckpt_obj_ops(type)->name));
	return obj;
}

/**
 * ckpt_obj_fetch - the rebuilt object an objref names
 * @ctx:	restart context.
 * @objref:	from the image.
 * @type:	the kind the image says it is used as.
 *
 * Return: the object (the objhash keeps its reference), or an ERR_PTR
 * (logged) if @objref was never defined or names another kind.
 */
void *ckpt_obj_fetch(struct ckpt_ctx *ctx, u32 objref,
		     enum ckpt_obj_type type)
{
	struct ckpt_obj *obj = ckpt_obj_lookup(ctx, objref, type);

	return IS_ERR(obj) ? ERR_CAST(obj) : obj->ptr;
}

/**
 * ckpt_obj_fetch_state - a rebuilt object and what its restore left
 * @ctx:	restart context.
 * @objref:	from the image.
 * @type:	the kind the image says it is used as.
 * @state:	set to what the kind's restore op left in its state, for
 *		its own users; the objhash keeps it until the end.
 *
 * Return: as ckpt_obj_fetch().
 */
void *ckpt_obj_fetch_state(struct ckpt_ctx *ctx, u32 objref,
			   enum ckpt_obj_type type, void **state)
{
	struct ckpt_obj *obj = ckpt_obj_lookup(ctx, objref, type);

	if (IS_ERR(obj))
		return ERR_CAST(obj);
	*state = obj->state;
	return obj->ptr;
}
