#!/usr/bin/env python3
# Build the re-cut `series` branch in out/series-wt from:
#  - the old branch (hook commits' messages, by Patch: trailer),
#  - the peel states of branch cut-work (kernel files),
#  - REF (main's commit the peels start from) for tests and tools.
import subprocess, os, sys, re, shutil
top='/work/main'; wt=top+'/out/series-wt'; msgs=os.path.join(os.path.dirname(os.path.abspath(__file__)),'msgs')+'/'
REF='main'   # main's commit the peels start from (its kernel files)
def g(*a, cwd=top, inp=None):
    return subprocess.run(['git']+list(a), cwd=cwd, check=True, capture_output=True, text=True, input=inp).stdout
old={}
for c in g('rev-list','series-prev','^series-base').split():
    t=g('log','-1','--format=%(trailers:key=Patch,valueonly)',c).strip()
    if t: old[t]=g('log','-1','--format=%B',c)
sob=[l for l in old[next(iter(old))].splitlines() if l.startswith('Signed-off-by:')][0]
ents=[l for l in open(top+'/patches/series').read().split('\n') if l.startswith('0')]
def ent(p): return [e for e in ents if e.startswith(p)][0]
def patch_msg(e):
    s=open(top+'/patches/'+e).read()
    subj=re.search(r'^Subject: \[PATCH\] (.*)$', s, re.M).group(1)
    body=s.split('\n\n',1)[1].split('\n---\n',1)[0]
    return subj+'\n\n'+body.strip()+'\n'
def msg_for(e, text=None):
    if text is None:
        text=old[e] if e in old else patch_msg(e)
        text='\n'.join(l for l in text.rstrip('\n').splitlines() if not l.startswith(('Patch:','Signed-off-by:'))).rstrip()+'\n'
    return text.rstrip()+'\n\nPatch: %s\n%s\n'%(e,sob)
def proj_msg(name): return open(msgs+name).read().rstrip()+'\n\n'+sob+'\n'

KPATHS=['kernel/checkpoint','arch/x86/checkpoint','include/uapi/linux/checkpoint.h','include/linux/checkpoint.h','Documentation/checkpoint.rst']
KPATHS+=[p for p in ['Documentation/checkpoint'] if g('ls-tree','-d',REF,p).strip()]
ST='tools/testing/selftests/checkpoint'
def files_at(rev, path):
    out=g('ls-tree','-r','--name-only',rev,'--',path)
    return [l for l in out.split('\n') if l]
def put(rev, f):
    data=subprocess.run(['git','show','%s:%s'%(rev,f)],cwd=top,check=True,capture_output=True).stdout
    os.makedirs(os.path.dirname(wt+'/'+f), exist_ok=True)
    open(wt+'/'+f,'wb').write(data)
    if g('ls-tree',rev,'--',f).split()[0]=='100755':
        os.chmod(wt+'/'+f,0o755)
def set_kernel(rev):
    for p in KPATHS:
        full=wt+'/'+p
        if os.path.isdir(full): shutil.rmtree(full)
        elif os.path.exists(full): os.remove(full)
        for f in files_at(rev,p): put(rev,f)
all_st=files_at(REF, ST)
def set_tests(names):
    d=wt+'/'+ST
    if os.path.isdir(d): shutil.rmtree(d)
    keep=[f for f in all_st if os.path.basename(f) in names]
    for f in keep:
        if not f.endswith('/Makefile'): put(REF,f)
    # the Makefile: only the programs present
    mk=g('show','%s:%s/Makefile'%(REF,ST))
    out=[]; first={'TEST_GEN_PROGS':True,'TEST_GEN_FILES':True}
    lines=mk.split('\n'); i=0
    while i < len(lines):
        l=lines[i]
        m=re.match(r'^(TEST_GEN_PROGS|TEST_GEN_FILES) [+:]= (\S+)$', l)
        if m:
            if m.group(2)+'.c' in names:
                out.append('%s %s= %s'%(m.group(1), ':' if first[m.group(1)] else '+', m.group(2)))
                first[m.group(1)]=False
            i+=1; continue
        if l.startswith("# The kernel fuzzer's seed corpus") and 'kfuzz.corpus' not in names:
            i+=3; continue  # comment, TEST_FILES line, blank
        out.append(l); i+=1
    txt=re.sub(r'\n\n\n+','\n\n','\n'.join(out))
    open(d+'/Makefile','w').write(txt)
def set_path(rev, path, on):
    full=wt+'/'+path
    if os.path.isdir(full): shutil.rmtree(full)
    elif os.path.exists(full): os.remove(full)
    if on:
        for f in files_at(rev,path): put(rev,f)
def commit(message):
    g('add','-A','.',cwd=wt)
    g('commit','-q','--allow-empty','-F','-',cwd=wt,inp=message)

# The peel states: cut-work is REF's kernel files with one "peel: <kind>"
# commit per kind; the state that still has <kind> is its peel's parent.
state={'core':g('rev-parse','cut-work').strip()}
for l in g('log','--format=%H %s','cut-work').split('\n'):
    m=re.match(r'^(\S+) peel: (\S+)$', l)
    if not m: break
    state[m.group(2)]=m.group(1)+'~1'
first=[v for k,v in state.items() if k!='core'][-1]
assert not g('diff','--stat',first,REF,'--',*KPATHS), 'peel base is not REF'
base_tests=set()
for f in all_st:
    b=os.path.basename(f)
    if b.endswith('_prog.c') and b!='kfuzz_prog.c' or (b.endswith('.h') and b!='kfuzz.h') or b in ('config','settings','Makefile','.gitignore','syscall_test.c','compiled_out_test.c'):
        base_tests.add(b)
kind_tests={'threads':{'thread_test.c'},'pidns':{'pidns_test.c'},'ipcns':{'procstate_test.c'},'attr':{'attr_test.c'},'pipe':{'restart_test.c'},'autogroup':{'sleep_test.c'},'shmem':{'tree_test.c'},'timers':{'timers_test.c','posix_timers_test.c'},'seccomp':{'seccomp_test.c'},'locks':{'locks_test.c'},'ptracer':{'tailstate_test.c'}}

# patches/series entry (its prefix) -> the kind its patch adds back
kinds=dict(zip(['0009'+c for c in 'abcdefg'],['pipe','autogroup','shmem','timers','seccomp','locks','ptracer']))
kinds.update({'0009t1':'threads','0009t2':'pidns','0009c1':'ipcns','0009c2':'attr'})
def kind_of(e):
    m=re.match(r'^(0009[a-z]\d?)-', e)
    return kinds.get(m.group(1)) if m else None
g('reset','-q','--hard','series-base',cwd=wt)
tests=set()
for e in ents:
    if e.startswith('0006'):
        set_kernel(state['core']); commit(msg_for(e, proj_msg('core').replace('\n'+sob+'\n','')))
    elif e.startswith('0009-'):
        tests|=base_tests; set_tests(tests); set_path(REF,'tools/include/tools/checkpoint.h',True)
        commit(msg_for(e, proj_msg('tests0009').replace('\n'+sob+'\n','')))
    elif kind_of(e):
        k=kind_of(e)
        assert k in state, 'no peel state for %s (%s)'%(k,e)
        set_kernel(state[k]); tests|=kind_tests[k]; set_tests(tests)
        commit(msg_for(e, proj_msg(k).replace('\n'+sob+'\n','')))
    elif e.startswith('0009h-'):
        tests|={os.path.basename(f) for f in all_st}; set_tests(tests)
        commit(msg_for(e, proj_msg('wholetests').replace('\n'+sob+'\n','')))
    elif e.startswith('0010-'):
        set_path(REF,'tools/restart',True); commit(msg_for(e))
    else:
        commit(msg_for(e))
print(g('log','--oneline','series-base..HEAD',cwd=wt))
d=g('diff','--stat',REF,'HEAD','--',*KPATHS,ST,'tools/restart','tools/include',cwd=wt)
print('diff vs REF:', d or 'none')
