import re
def add_include(p, hdr):
    s=open(p).read()
    line='#include <%s>\n'%hdr
    if line in s: return
    incs=[m for m in re.finditer(r'^#include <[^>]+>\n', s, re.M)]
    pos=None
    for m in incs:
        if m.group(0) > line:
            pos=m.start(); break
    if pos is None: pos=incs[-1].end()
    s=s[:pos]+line+s[pos:]
    open(p,'w').write(s)


def edit(p, old, new, cnt=1):
    """Replace @old, which must occur exactly @cnt times, in file @p."""
    s = open(p).read()
    assert s.count(old) == cnt, (p, old, s.count(old))
    open(p, 'w').write(s.replace(old, new))
