#!/usr/bin/env python3
"""Replace text in FILE both in the index (from HEAD's blob... the index's)
and in the working tree, so that a commit holds only this change even
when others have unstaged edits in the same file.
usage: replace-both.py FILE OLDFILE NEWFILE  (OLD/NEW texts in files)"""
import subprocess, sys
path, oldf, newf = sys.argv[1:4]
old, new = open(oldf).read(), open(newf).read()
idx = subprocess.run(['git', 'show', ':' + path], capture_output=True, text=True,
                     check=True).stdout
wt = open(path).read()
for name, s in (('index', idx), ('worktree', wt)):
    if s.count(old) != 1:
        sys.exit('%s: %d matches in the %s' % (path, s.count(old), name))
idx, wt = idx.replace(old, new), wt.replace(old, new)
blob = subprocess.run(['git', 'hash-object', '-w', '--stdin'], input=idx,
                      capture_output=True, text=True, check=True).stdout.strip()
mode = subprocess.run(['git', 'ls-files', '-s', path], capture_output=True,
                      text=True, check=True).stdout.split()[0]
subprocess.run(['git', 'update-index', '--cacheinfo', '%s,%s,%s' % (mode, blob, path)],
               check=True)
open(path, 'w').write(wt)
print('replaced in index and worktree:', path)
