def edit(p, old, new, cnt=1):
    s=open(p).read()
    assert s.count(old)==cnt, (p, old, s.count(old))
    s=s.replace(old,new); open(p,'w').write(s)
p='kernel/checkpoint/internal.h'
edit(p,''' *		two checkpoints off the same tasks.
 * @locks:	the file locks the container holds, found while its files
 *		are collected (locks.c).
''',''' *		two checkpoints off the same tasks.
''')
edit(p,'''	struct list_head busy;
	struct ckpt_locks *locks;
''','''	struct list_head busy;
''')
edit(p,'struct ckpt_locks;\n','')
