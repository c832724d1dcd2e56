#!/usr/bin/env python3
"""Put back, in out/linux's copies only, the seven losses of issue 11's
"Why" table, to show each test fails on code that drops the state.
usage: mutate-seven.py apply|revert"""
import os, shutil, sys
src = '/work/main/out/linux/kernel/checkpoint/'
M = [
 ('timers.c', """	if (real->value_ns)
		hrtimer_start(&sig->real_timer, ns_to_ktime(real->value_ns),
			      HRTIMER_MODE_REL);""", """	/* MUTANT: ITIMER_REAL lost */"""),
 ('attr.c', """	ret = ret ?: sched_setattr(current, &attr);""",
  """	/* MUTANT: policy lost */ attr.sched_policy = SCHED_NORMAL;
	ret = ret ?: sched_setattr(current, &attr);"""),
 ('attr.c', """	sig->is_child_subreaper = !!(r->flags & CKPT_TASK_SUBREAPER);""",
  """	/* MUTANT: subreaper lost */"""),
 ('attr.c', """	current->timer_slack_ns = r->timer_slack_ns;""",
  """	/* MUTANT: slack lost */"""),
 ('attr.c', """	WRITE_ONCE(sig->oom_score_adj, r->oom_score_adj);""",
  """	/* MUTANT: oom_score_adj lost */"""),
 ('locks.c', """	case CKPT_LOCK_FLOCK:
		fl->c.flc_flags = FL_FLOCK;
		if (file->f_op->flock)
			ret = file->f_op->flock(file, F_SETLK, fl);
		else
			ret = locks_lock_file_wait(file, fl);
		break;""", """	case CKPT_LOCK_FLOCK:
		/* MUTANT: flock lost */
		break;"""),
 ('mm.c', """		bool wr = rec.kind == CKPT_VMA_FILE_SHARED &&
			  rec.maxprot & PROT_WRITE;""", """		bool wr = rec.kind == CKPT_VMA_FILE_SHARED &&
			  rec.prot & PROT_WRITE;	/* MUTANT: maxprot lost */"""),
 ('mm.c', """	ret = ckpt_check_maxprot(ctx, &rec, path);""", """	ret = 0;	/* MUTANT */"""),
]
if sys.argv[1] == 'apply':
    for f in set(m[0] for m in M):
        shutil.copy(src + f, '/tmp/mutant-orig-' + f)
    for f, a, b in M:
        s = open(src + f).read()
        assert s.count(a) == 1, (f, a)
        open(src + f, 'w').write(s.replace(a, b))
    print('applied', len(M))
else:
    for f in set(m[0] for m in M):
        shutil.copy('/tmp/mutant-orig-' + f, src + f)
    print('reverted')
