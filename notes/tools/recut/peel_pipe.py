import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); from inc import add_include, edit
import os; os.remove("kernel/checkpoint/pipe.c")
os.remove('Documentation/checkpoint/pipes.rst')
d='kernel/checkpoint/'
edit(d+'Makefile','obj-y += pipe.o\n','')
edit(d+'files.c','\t[CKPT_FILE_PIPE]\t= &ckpt_pipe_file,\n\t[CKPT_FILE_FIFO]\t= &ckpt_fifo_file,\n','')
edit(d+'files.c',' * offset.  Each kind of file is a struct ckpt_file_kind_ops (pipes and\n * FIFOs are in pipe.c); what no kind claims is refused by name.',
 ' * offset.  Each kind of file is a struct ckpt_file_kind_ops; what no\n * kind claims is refused by name.')
edit(d+'files.c','\tif (S_ISSOCK(mode))\n\t\treturn "sockets are not supported";\n',
 '\tif (S_ISSOCK(mode))\n\t\treturn "sockets are not supported";\n\tif (S_ISFIFO(mode))\n\t\treturn "pipes and FIFOs are not supported";\n')
edit(d+'objtypes.c','\t[CKPT_OBJ_PIPE]\t\t= &ckpt_pipe_ops,\n','')
edit(d+'objtypes.c','\t[CKPT_OBJ_FIFO]\t\t= &ckpt_fifo_ops,\n','')
edit(d+'internal.h','extern const struct ckpt_file_kind_ops ckpt_pipe_file;\nextern const struct ckpt_file_kind_ops ckpt_fifo_file;\n\n','')
edit(d+'internal.h','extern const struct ckpt_obj_ops ckpt_pipe_ops;\n','')
edit(d+'internal.h','extern const struct ckpt_obj_ops ckpt_fifo_ops;\n','')
