#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The call graph between the files of kernel/checkpoint and
# arch/x86/checkpoint, from ctags: an edge A -> B when a function in A
# calls, or takes the address of (kernel_clone()'s .fn), a non-static
# function that B defines.  A reviewer reads the series file by file,
# so the files must form a DAG: print every strongly connected set of
# more than one file and every arch -> kernel/checkpoint call, and exit
# 1 on either.  Ops structs referenced as data by a registry
# (objtypes.c) are variables, not functions, and are not counted.
#
# usage: build/file-graph.py [--edges] [--allow-arch FILE.c ...] [ROOT]
#   --edges       also print every edge with the functions behind it
#   --allow-arch  kernel/checkpoint files the arch may still call
import json
import os
import re
import subprocess
import sys

CORE = 'kernel/checkpoint'
ARCH = 'arch/x86/checkpoint'


def strip(text):
    # comments and literals hold words followed by "(" that are no calls
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", text)


def main(argv):
    edges_too = '--edges' in argv
    allowed, args = set(), []
    it = iter(a for a in argv if a != '--edges')
    for a in it:
        if a == '--allow-arch':
            allowed.add(next(it))
        else:
            args.append(a)
    root = args[0] if args else os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))
    files = sorted(os.path.join(d, f) for d in (CORE, ARCH)
                   for f in os.listdir(os.path.join(root, d))
                   if f.endswith('.c'))
    out = subprocess.run(['ctags', '--output-format=json', '--fields=+ne',
                          '--c-kinds=f', '-o', '-'] + files, cwd=root,
                         check=True, capture_output=True, text=True).stdout
    owner = {}                  # non-static function -> defining file
    for line in out.splitlines():
        tag = json.loads(line)
        if tag.get('_type') == 'tag' and not tag.get('file'):
            owner[tag['name']] = tag['path']
    calls = {f: {} for f in files}     # file -> {callee file: {names}}
    for f in files:
        with open(os.path.join(root, f)) as fh:
            text = strip(fh.read())
        for name in set(re.findall(r'\b([A-Za-z_]\w*)\b', text)):
            dst = owner.get(name)
            if dst and dst != f:
                calls[f].setdefault(dst, set()).add(name)

    # Tarjan's strongly connected components
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in calls[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for f in files:
        if f not in index:
            visit(f)

    short = lambda f: os.path.relpath(f, CORE) if f.startswith(CORE) \
        else f.replace('arch/x86/checkpoint/', 'x86/')
    bad = 0
    if edges_too:
        for f in files:
            for d, names in sorted(calls[f].items()):
                print('edge %s -> %s: %s' % (short(f), short(d),
                                             ' '.join(sorted(names))))
    for comp in sccs:
        if len(comp) > 1:
            bad = 1
            print('cycle (%d files): %s' % (len(comp),
                                             ' '.join(map(short, comp))))
            for f in comp:
                for d, names in sorted(calls[f].items()):
                    if d in comp:
                        print('  %s -> %s: %s' % (short(f), short(d),
                                                  ' '.join(sorted(names))))
    for f in files:
        if not f.startswith(ARCH):
            continue
        for d, names in sorted(calls[f].items()):
            if d.startswith(CORE) and os.path.basename(d) not in allowed:
                bad = 1
                print('arch call %s -> %s: %s' % (short(f), short(d),
                                                  ' '.join(sorted(names))))
    if not bad:
        print('file graph: a DAG of %d files, no arch up-call' % len(files))
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
