import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
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
