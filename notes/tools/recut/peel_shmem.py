import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
d='kernel/checkpoint/'
import os
os.remove(d+'shmem.c')
os.remove('Documentation/checkpoint/shmem.rst')
edit(d+'Makefile','obj-y += shmem.o\n','')
edit(d+'objtypes.c','\t[CKPT_OBJ_SHMEM]\t= &ckpt_shmem_ops,\n','')
edit(d+'internal.h','extern const struct ckpt_obj_ops ckpt_shmem_ops;\n','')
s=open(d+'mm.c').read()
a=s.index('/* -- shared anonymous memory: a CKPT_OBJ_SHMEM, with its pages -- */')
b=s.index('static const char *ckpt_shmem_snap(')
c=s.index('/*\n * -- regular files, reopened by path')
claims=s[s.index('/*\n * A memfd mapped and closed',a):b]
s=s[:a]+'/*\n * -- shared anonymous memory: not supported yet, and no file mapping\n * either --\n */\n\n'+claims+s[c:]
row='''	}, {
		.kind		= CKPT_VMA_SHMEM,
		.name		= "shared anonymous",
		.mmap		= true,
		.has_obj	= true,
		.claims		= ckpt_shmem_claims,
		.snap		= ckpt_shmem_snap,
		.collect	= ckpt_shmem_collect,
		.checkpoint	= ckpt_shmem_checkpoint,
		.restore	= ckpt_shmem_restore,
'''
assert s.count(row)==1
s=s.replace(row,'')
old='\tif (!kind)\n\t\treturn "device memory is not supported";\n'
assert s.count(old)==1
s=s.replace(old,'\tif (!kind && vma_is_anon_shmem(vma))\n\t\treturn "shared anonymous memory is not supported yet";\n'+old)
open(d+'mm.c','w').write(s)
