// SPDX-License-Identifier: GPL-2.0-only
/*
 * Credentials (CKPT_OBJ_CRED): ids, supplementary groups, capability
 * sets and securebits.  Ids are saved as the initial user namespace sees
 * them; containers with their own user namespace are refused for now.
 *
 * A restored cred is prepared when its record is read and committed by
 * each task that uses it as the very last step of rebuilding that task,
 * so that nothing before runs with reduced privileges.  Until then the
 * task's files are opened with the credentials that opened them, each
 * also a cred object, and its working directory is looked up with its
 * own.  No cred gets what its restarter could not give itself: a
 * capability it lacks, ids or groups it could not switch to
 * (CAP_SETUID, CAP_SETGID), securebits it could not set.
 */
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/key.h>
#include <linux/sched/user.h>
#include <linux/securebits.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uidgid.h>

#include "internal.h"

static int ckpt_cred_collect(struct ckpt_ctx *ctx, void *ptr)
{
	const struct cred *cred = ptr;

	if (cred->user_ns != &init_user_ns)
		return ckpt_err(ctx, -EOPNOTSUPP, "user namespaces are not supported yet");
	return 0;
}

static int ckpt_cred_checkpoint(struct ckpt_ctx *ctx, void *ptr)
{
	const struct cred *cred = ptr;
	struct group_info *gi = cred->group_info;
	struct ckpt_rec_cred rec = {
		.uid = from_kuid(&init_user_ns, cred->uid),
		.euid = from_kuid(&init_user_ns, cred->euid),
		.suid = from_kuid(&init_user_ns, cred->suid),
		.fsuid = from_kuid(&init_user_ns, cred->fsuid),
		.gid = from_kgid(&init_user_ns, cred->gid),
		.egid = from_kgid(&init_user_ns, cred->egid),
		.sgid = from_kgid(&init_user_ns, cred->sgid),
		.fsgid = from_kgid(&init_user_ns, cred->fsgid),
		.securebits = cred->securebits,
		.ngroups = gi->ngroups,
		.cap_inheritable = cred->cap_inheritable.val,
		.cap_permitted = cred->cap_permitted.val,
		.cap_effective = cred->cap_effective.val,
		.cap_bset = cred->cap_bset.val,
		.cap_ambient = cred->cap_ambient.val,
	};
	int i, ret;

	ret = ckpt_write_begin(ctx, &rec, CKPT_REC_CRED, sizeof(rec),
			       gi->ngroups * sizeof(u32));
	for (i = 0; i < gi->ngroups && !ret; i++) {
		u32 gid = from_kgid(&init_user_ns, gi->gid[i]);

		ret = ckpt_write_data(ctx, &gid, sizeof(gid));
	}
	return ret ?: ckpt_write_end(ctx);
}

/**
 * ckpt_cred_same - whether two credentials hold what a cred record holds
 * @a:		credentials.
 * @b:		more credentials.
 *
 * Return: true if a record of either would restore the other.
 */
bool ckpt_cred_same(const struct cred *a, const struct cred *b)
{
	const struct group_info *ga = a->group_info, *gb = b->group_info;
	int i;

	if (a == b)
		return true;
	if (!uid_eq(a->uid, b->uid) || !uid_eq(a->euid, b->euid) ||
	    !uid_eq(a->suid, b->suid) || !uid_eq(a->fsuid, b->fsuid) ||
	    !gid_eq(a->gid, b->gid) || !gid_eq(a->egid, b->egid) ||
	    !gid_eq(a->sgid, b->sgid) || !gid_eq(a->fsgid, b->fsgid) ||
	    a->securebits != b->securebits || a->user_ns != b->user_ns ||
	    a->cap_inheritable.val != b->cap_inheritable.val ||
	    a->cap_permitted.val != b->cap_permitted.val ||
	    a->cap_effective.val != b->cap_effective.val ||
	    a->cap_bset.val != b->cap_bset.val ||
	    a->cap_ambient.val != b->cap_ambient.val ||
	    ga->ngroups != gb->ngroups)
		return false;
	for (i = 0; i < ga->ngroups; i++)
		if (!gid_eq(ga->gid[i], gb->gid[i]))
			return false;
	return true;
}

static bool ckpt_caps_valid(const struct ckpt_rec_cred *r)
{
	u64 all = CAP_VALID_MASK;

	if ((r->cap_inheritable | r->cap_permitted | r->cap_effective |
	     r->cap_bset | r->cap_ambient) & ~all)
		return false;
	/*
	 * The invariants capset(2) and PR_CAP_AMBIENT keep everywhere else:
	 * no kernel ever gave a task one of these.
	 */
	return !(r->cap_effective & ~r->cap_permitted) &&
	       !(r->cap_ambient & ~(r->cap_permitted & r->cap_inheritable));
}

/*
 * No image gives a task a capability its restarter does not have: every
 * set within the restarter's permitted set (what capset(2) could raise
 * its own to), the inheritable set also within its inheritable and
 * bounding sets as capset(2) wants, the bounding set within its bounding
 * set.  Changing the bounding set at all takes CAP_SETPCAP, as
 * PR_CAPBSET_DROP does, and an ambient capability the restarter does not
 * have is one it could not raise under SECBIT_NO_CAP_AMBIENT_RAISE.
 */
static int ckpt_caps_allowed(struct ckpt_ctx *ctx, const struct ckpt_rec_cred *r,
			     const struct cred *old)
{
	pid_t pid = ckpt_rst(ctx)->reader->entry.pid;

	if (((r->cap_permitted | r->cap_effective | r->cap_inheritable |
	      r->cap_ambient) & ~old->cap_permitted.val) ||
	    (r->cap_inheritable & ~(old->cap_inheritable.val | old->cap_bset.val)) ||
	    (r->cap_bset & ~old->cap_bset.val))
		return ckpt_err(ctx, -EPERM,
				"task %d: its capabilities are not a subset of the restarter's",
				pid);
	if (r->cap_ambient & ~old->cap_ambient.val &&
	    old->securebits & SECBIT_NO_CAP_AMBIENT_RAISE)
		return ckpt_err(ctx, -EPERM,
				"task %d: its ambient capabilities need raising, which the restarter's SECBIT_NO_CAP_AMBIENT_RAISE forbids",
				pid);
	if (r->cap_bset != old->cap_bset.val &&
	    !ns_capable(old->user_ns, CAP_SETPCAP))
		return ckpt_err(ctx, -EPERM,
				"task %d: its bounding set differs from the restarter's, which needs CAP_SETPCAP",
				pid);
	return 0;
}

/*
 * Securebits as PR_SET_SECUREBITS would let the restarter set them: any
 * change needs CAP_SETPCAP, and a bit the restarter has locked keeps both
 * its lock and its value.
 */
static int ckpt_securebits_allowed(struct ckpt_ctx *ctx, u32 bits,
				   const struct cred *old)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	unsigned int locked = (old->securebits & SECURE_ALL_LOCKS) >> 1;

	if (bits == old->securebits)
		return 0;
	if ((bits ^ old->securebits) & locked ||
	    old->securebits & SECURE_ALL_LOCKS & ~bits)
		return ckpt_err(ctx, -EPERM,
				"task %d: its securebits %#x change bits the restarter has locked (%#x)",
				rst->reader->entry.pid, bits, old->securebits);
	if (!ns_capable(old->user_ns, CAP_SETPCAP))
		return ckpt_err(ctx, -EPERM,
				"task %d: its securebits %#x differ from the restarter's, which needs CAP_SETPCAP",
				rst->reader->entry.pid, bits);
	return 0;
}

/* An id setresuid(2) lets a task take without CAP_SETUID: one it has. */
static bool ckpt_uid_held(const struct cred *old, kuid_t id)
{
	return uid_eq(id, old->uid) || uid_eq(id, old->euid) ||
	       uid_eq(id, old->suid);
}

static bool ckpt_gid_held(const struct cred *old, kgid_t id)
{
	return gid_eq(id, old->gid) || gid_eq(id, old->egid) ||
	       gid_eq(id, old->sgid);
}

static bool ckpt_groups_same(const struct group_info *a,
			     const struct group_info *b)
{
	return a->ngroups == b->ngroups &&
	       !memcmp(a->gid, b->gid, a->ngroups * sizeof(a->gid[0]));
}

/*
 * The ids and groups of @new, which the image chose, only as
 * setresuid(2), setfsuid(2), setresgid(2), setfsgid(2) and setgroups(2)
 * would let the restarter (@old) take them: ids it does not hold need
 * CAP_SETUID or CAP_SETGID, other groups CAP_SETGID.  CAP_SYS_ADMIN,
 * which restart(2) itself needs, is not enough.
 */
static int ckpt_ids_allowed(struct ckpt_ctx *ctx, const struct cred *new,
			    const struct cred *old)
{
	pid_t pid = ckpt_rst(ctx)->reader->entry.pid;

	if (!(ckpt_uid_held(old, new->uid) && ckpt_uid_held(old, new->euid) &&
	      ckpt_uid_held(old, new->suid) &&
	      (ckpt_uid_held(old, new->fsuid) || uid_eq(new->fsuid, old->fsuid))) &&
	    !ns_capable_setid(old->user_ns, CAP_SETUID))
		return ckpt_err(ctx, -EPERM,
				"task %d: its uids (%u...) are not the restarter's, which needs CAP_SETUID",
				pid, from_kuid(&init_user_ns, new->uid));
	if (!(ckpt_gid_held(old, new->gid) && ckpt_gid_held(old, new->egid) &&
	      ckpt_gid_held(old, new->sgid) &&
	      (ckpt_gid_held(old, new->fsgid) || gid_eq(new->fsgid, old->fsgid))) &&
	    !ns_capable_setid(old->user_ns, CAP_SETGID))
		return ckpt_err(ctx, -EPERM,
				"task %d: its gids (%u...) are not the restarter's, which needs CAP_SETGID",
				pid, from_kgid(&init_user_ns, new->gid));
	if (!ckpt_groups_same(new->group_info, old->group_info) &&
	    !may_setgroups())
		return ckpt_err(ctx, -EPERM,
				"task %d: its supplementary groups are not the restarter's, which needs CAP_SETGID",
				pid);
	return 0;
}

/*
 * @new was prepared from the restarter's credentials: give it what
 * setuid(2) would, the user_struct and ucounts of its own uid, so that
 * RLIMIT_NPROC counts the restored tasks as that user's; and none of
 * the restarter's keyrings.
 */
static int ckpt_cred_own_user(struct cred *new)
{
	struct user_struct *user = alloc_uid(new->uid);

	if (!user)
		return -ENOMEM;
	free_uid(new->user);
	new->user = user;
#ifdef CONFIG_KEYS
	key_put(new->session_keyring);
	key_put(new->process_keyring);
	key_put(new->thread_keyring);
	key_put(new->request_key_auth);
	new->session_keyring = NULL;
	new->process_keyring = NULL;
	new->thread_keyring = NULL;
	new->request_key_auth = NULL;
#endif
	return set_cred_ucounts(new);
}

static int ckpt_set_ids(struct cred *new, const struct ckpt_rec_cred *r)
{
	new->uid = make_kuid(&init_user_ns, r->uid);
	new->euid = make_kuid(&init_user_ns, r->euid);
	new->suid = make_kuid(&init_user_ns, r->suid);
	new->fsuid = make_kuid(&init_user_ns, r->fsuid);
	new->gid = make_kgid(&init_user_ns, r->gid);
	new->egid = make_kgid(&init_user_ns, r->egid);
	new->sgid = make_kgid(&init_user_ns, r->sgid);
	new->fsgid = make_kgid(&init_user_ns, r->fsgid);
	if (!uid_valid(new->uid) || !uid_valid(new->euid) ||
	    !uid_valid(new->suid) || !uid_valid(new->fsuid) ||
	    !gid_valid(new->gid) || !gid_valid(new->egid) ||
	    !gid_valid(new->sgid) || !gid_valid(new->fsgid))
		return -EINVAL;
	return 0;
}

/*
 * What the LSMs say of the ids, groups and capabilities, as they would
 * of setresuid(2), setfsuid(2), setresgid(2), setfsgid(2), setgroups(2)
 * and capset(2) by the restarter (@old): SafeSetID, for one, lets
 * ns_capable_setid() pass and decides here.  The setid hooks may
 * rewrite @new's capabilities (commoncap's setuid fixup), so the
 * image's are set after them, and checked by capset's own hook.
 */
static int ckpt_lsm_allowed(struct ckpt_ctx *ctx, struct cred *new,
			    const struct cred *old, const struct ckpt_rec_cred *r)
{
	pid_t pid = ckpt_rst(ctx)->reader->entry.pid;
	kernel_cap_t eff = { r->cap_effective }, inh = { r->cap_inheritable };
	kernel_cap_t prm = { r->cap_permitted };
	int ret;

	ret = security_task_fix_setuid(new, old, LSM_SETID_RES) ?:
	      security_task_fix_setuid(new, old, LSM_SETID_FS) ?:
	      security_task_fix_setgid(new, old, LSM_SETID_RES) ?:
	      security_task_fix_setgid(new, old, LSM_SETID_FS) ?:
	      security_task_fix_setgroups(new, old);
	if (ret)
		return ckpt_err(ctx, ret, "task %d: its ids or groups are refused", pid);
	new->securebits = r->securebits;
	new->cap_bset.val = r->cap_bset;
	new->cap_ambient.val = r->cap_ambient;
	ret = security_capset(new, old, &eff, &inh, &prm);
	if (ret)
		return ckpt_err(ctx, ret, "task %d: its capabilities are refused", pid);
	/* capset's hook sets the three sets, and trims the ambient set. */
	new->cap_effective = eff;
	new->cap_inheritable = inh;
	new->cap_permitted = prm;
	new->cap_ambient.val = r->cap_ambient;
	return 0;
}

static struct group_info *ckpt_read_groups(struct ckpt_ctx *ctx, u32 n)
{
	struct group_info *gi = groups_alloc(n);
	u32 i, gid;
	int ret;

	if (!gi)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		ret = ckpt_read_data(ctx, &gid, sizeof(gid));
		if (ret)
			goto fail;
		gi->gid[i] = make_kgid(&init_user_ns, gid);
		if (!gid_valid(gi->gid[i])) {
			ret = ckpt_err(ctx, -EINVAL, "invalid group id %u", gid);
			goto fail;
		}
	}
	groups_sort(gi);
	return gi;
fail:
	put_group_info(gi);
	return ERR_PTR(ret);
}

static void *ckpt_cred_restore(struct ckpt_ctx *ctx, void **state)
{
	struct ckpt_rst_ctx *rst = ckpt_rst(ctx);
	struct ckpt_rec_cred rec;
	struct group_info *gi;
	struct cred *new;
	int ret;

	ret = ckpt_read_begin(ctx, &rec, CKPT_REC_CRED, sizeof(rec),
			      CKPT_NGROUPS_MAX * sizeof(u32));
	if (ret < 0)
		return ERR_PTR(ret);
	if (rec.ngroups > CKPT_NGROUPS_MAX || ret != rec.ngroups * sizeof(u32) ||
	    rec.securebits & ~SECURE_ALL_BITS & ~SECURE_ALL_LOCKS ||
	    !ckpt_caps_valid(&rec))
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "malformed credentials record"));
	/*
	 * current runs with a copy of the restarter's credentials until it
	 * commits its own, after it created its children: whatever the
	 * image asks for is checked against what the restarter could do.
	 */
	ret = ckpt_caps_allowed(ctx, &rec, current_cred()) ?:
	      ckpt_securebits_allowed(ctx, rec.securebits, current_cred());
	if (ret)
		return ERR_PTR(ret);
	/* Ids are saved as the initial user namespace sees them. */
	if (current_user_ns() != &init_user_ns)
		return ERR_PTR(ckpt_err(ctx, -EPERM,
					"the restarter is not in the initial user namespace"));
	/* A task's own: it looks its cwd up with them, before any file. */
	if (rst->obj_depth == 1 && rst->reader->opened)
		return ERR_PTR(ckpt_err(ctx, -EINVAL,
					"task %d: its credentials come after files it opened",
					rst->reader->entry.pid));

	gi = ckpt_read_groups(ctx, rec.ngroups);
	if (IS_ERR(gi))
		return gi;
	ret = ckpt_read_end(ctx);
	if (ret)
		goto out_groups;

	new = prepare_creds();
	if (!new) {
		ret = -ENOMEM;
		goto out_groups;
	}
	ret = ckpt_set_ids(new, &rec);
	if (ret) {
		abort_creds(new);
		ret = ckpt_err(ctx, ret, "credentials hold an unmapped id");
		goto out_groups;
	}
	ret = ckpt_cred_own_user(new);
	if (ret) {
		abort_creds(new);
		ret = ckpt_err(ctx, ret, "no user accounting for uid %u", rec.uid);
		goto out_groups;
	}
	set_groups(new, gi);
	ret = ckpt_ids_allowed(ctx, new, current_cred()) ?:
	      ckpt_lsm_allowed(ctx, new, current_cred(), &rec);
	if (ret) {
		abort_creds(new);
		goto out_groups;
	}
	/*
	 * Credentials open at a task's own site, which makes them the
	 * task's, or inside a file, a mapping or an mm, whose opener they
	 * are.
	 */
	if (rst->obj_depth == 1)
		rst->reader->cred = new;
out_groups:
	put_group_info(gi);
	return ret ? ERR_PTR(ret) : new;
}

static void ckpt_cred_grab(void *ptr)
{
	get_cred(ptr);
}

static void ckpt_cred_drop(struct ckpt_ctx *ctx, void *ptr)
{
	put_cred(ptr);
}

const struct ckpt_obj_ops ckpt_cred_ops = {
	.name		= "cred",
	.grab		= ckpt_cred_grab,
	.drop		= ckpt_cred_drop,
	.collect	= ckpt_cred_collect,
	.checkpoint	= ckpt_cred_checkpoint,
	.restore	= ckpt_cred_restore,
};
