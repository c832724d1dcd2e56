#!/usr/bin/env python3
# Write the patches/ file of a kind patch of the re-cut: its changelog
# (msgs/<kind>) and, if the kind has a file of its own, the one line it
# adds to MAINTAINERS: "F: <file>" under the entry of the subsystem whose
# maintainers should review it, among that entry's F: lines in order.
# The hunk is computed against MAINTAINERS as the patches before the
# entry in patches/series leave it.
#
#   glue.py ENTRY KIND [SECTION FILE]
#   e.g. glue.py 0009t3-checkpoint-save-scheduling-attributes.patch attr \
#            SCHEDULER kernel/checkpoint/attr.c
import os, subprocess, sys, tempfile
top = '/work/main'
here = os.path.dirname(os.path.abspath(__file__))
entry, kind = sys.argv[1:3]
section, path = (sys.argv[3:5] + [None, None])[:2]
msg = open(os.path.join(here, 'msgs', kind)).read().strip().split('\n', 1)
subj, body = msg[0], msg[1].strip() if len(msg) > 1 else ''
out = 'From: Checkpoint/Restart Team <cr@localhost>\nSubject: [PATCH] %s\n\n%s\n---\n' % (subj, body)
if section:
    stage = top + '/out/bisect/stage'
    m = subprocess.run(['git', '-C', stage, 'show', 'pristine:MAINTAINERS'],
                       check=True, capture_output=True).stdout
    d = tempfile.mkdtemp()
    open(d + '/MAINTAINERS', 'wb').write(m)
    subprocess.run(['git', 'init', '-q', d], check=True)
    ents = [l for l in open(top + '/patches/series').read().split('\n')
            if l and not l.startswith('#')]
    for e in ents[:ents.index(entry)]:
        subprocess.run(['git', '-C', d, 'apply', '--allow-empty',
                        '--include=MAINTAINERS', top + '/patches/' + e], check=True)
    lines = open(d + '/MAINTAINERS').read().split('\n')
    i = lines.index(section)
    j = i
    while lines[j] != '':
        j += 1
    fl = [k for k in range(i, j) if lines[k].startswith('F:\t')]
    new = 'F:\t' + path
    at = next((k for k in fl if lines[k] > new), fl[-1] + 1)
    lines.insert(at, new)
    open(d + '/new', 'w').write('\n'.join(lines))
    diff = subprocess.run(['diff', '-u', '--label', 'a/MAINTAINERS', '--label',
                           'b/MAINTAINERS', d + '/MAINTAINERS', d + '/new'],
                          capture_output=True, text=True).stdout
    out += 'diff --git a/MAINTAINERS b/MAINTAINERS\n' + diff
open(top + '/patches/' + entry, 'w').write(out)
print(out.split('---\n', 1)[1] or '(no diff)')
