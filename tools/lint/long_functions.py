#!/usr/bin/env python3
"""Lists functions (and lambdas at namespace level) in C++ sources longer than a limit, by brace
matching on top-level bodies: the first '{' at depth 0 (or inside a namespace or class) after a ')'
opens a function body. Comments and string literals are skipped. Exit 1 if any is too long.

Usage: tools/lint/long_functions.py [--max 150] DIR...
"""
import os
import re
import sys


def strip(text):
    """Blanks comments, strings and character literals, keeping newlines (so lines stay put)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = ')' + m.group(1) + '"'
            j = text.find(end, i)
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(re.sub(r'[^\n]', ' ', text[i:j + 1]))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def functions(text):
    """Yields (name, first line, line count) of each function body."""
    s = strip(text)
    scopes = []  # for each open brace: 'scope' (namespace/class/struct/enum/extern) or 'body'
    start = None
    for m in re.finditer(r'[{}]', s):
        if m.group() == '{':
            if start is not None:
                scopes.append('inner')
                continue
            head = s[max(0, m.start() - 400):m.start()]
            head = head[max(head.rfind(';'), head.rfind('}'), head.rfind('{')) + 1:]
            if re.search(r'\b(namespace|class|struct|union|enum)\b[^()]*$', head) or re.search(r'extern\s*"C"\s*$', head) or ')' not in head:
                scopes.append('scope')
            else:
                name = re.findall(r'([~\w:]+)\s*\(', head)
                start = (m.start(), name[0] if name else '?', len(scopes))
                scopes.append('body')
        else:
            kind = scopes.pop() if scopes else 'scope'
            if kind == 'body' and start is not None and len(scopes) == start[2]:
                first = s.count('\n', 0, start[0]) + 1
                last = s.count('\n', 0, m.start()) + 1
                yield start[1], first, last - first + 1
                start = None


def main(argv):
    limit, dirs = 150, []
    it = iter(argv)
    for a in it:
        if a == '--max':
            limit = int(next(it))
        else:
            dirs.append(a)
    long = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(('.cpp', '.hpp')):
                    path = os.path.join(root, f)
                    with open(path, encoding='utf-8') as fh:
                        for name, line, count in functions(fh.read()):
                            if count > limit:
                                long.append((count, path, line, name))
    for count, path, line, name in sorted(long, reverse=True):
        print(f'{path}:{line}: {name} is {count} lines (at most {limit})')
    return 1 if long else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
