#!/usr/bin/env python3
"""Check the French documentation pages (docs/fr/*.md).

    python3 tools/i18n/docs_fr_check.py [DIR_OR_FILE ...]     (default: docs/fr of this repository)

Fails (exit status 1), naming file, line and column, when
  - an ordinary space (U+0020) comes before ':', ';', '?' or '!', or just inside « guillemets »,
    in prose: French typography wants a no-break space (U+00A0) there. Fenced code blocks, code
    spans, link targets and URLs are not prose and are not looked at; '![' (an image) is not a '!';
  - a relative link or image ([text](path), ![alt](path), [ref]: path) points to a file or folder
    that does not exist (the part after '#' is not checked).
Exit status 2 when an argument is neither a folder nor a file, or there is no page to check.
Standard library only.
"""
import os
import re
import sys
import urllib.parse

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.MULTILINE)
AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>")
BARE_URL = re.compile(r"\b(?:https?|ftp|mailto):[^\s)>\]]*")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
SPACE_BEFORE = re.compile(r" (?=[:;?!])|(?<=«) | (?=»)")


def mask(match):
    """The matched text with every character but a line break replaced by 'x' (keeps positions)."""
    return re.sub(r"[^\n]", "x", match.group(0))


def without_fences(text):
    """The text with fenced code blocks (fences included) masked, positions kept."""
    out, fence = [], None
    for line in text.split("\n"):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            out.append("x" * len(line))
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and line.strip() == m.group(1):
                fence = None
            out.append("x" * len(line))
        else:
            out.append(line)
    return "\n".join(out)


def mask_target(match):
    """An inline link with its target (group 1) masked, its text kept."""
    whole, start, end = match.group(0), match.start(1) - match.start(0), match.end(1) - match.start(0)
    return whole[:start] + "x" * (end - start) + whole[end:]


def position(text, offset):
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def check_page(path):
    errors = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    prose = CODE_SPAN.sub(mask, without_fences(text))

    # Links, looked for before link targets and URLs are masked.
    targets = [(m.start(1), m.group(1)) for m in INLINE_LINK.finditer(prose)]
    targets += [(m.start(1), m.group(1)) for m in REFERENCE_DEF.finditer(prose)]
    base = os.path.dirname(os.path.abspath(path))
    for offset, target in targets:
        if not target or target.startswith("#") or SCHEME.match(target) or target.startswith("/"):
            continue
        file_part = urllib.parse.unquote(re.split(r"[#?]", target, maxsplit=1)[0])
        if not os.path.exists(os.path.join(base, file_part)):
            line, col = position(prose, offset)
            errors.append(f"{path}:{line}:{col}: link to '{target}': "
                          f"{os.path.normpath(os.path.join(base, file_part))} does not exist")

    # Typography: mask what is not prose, then look for an ordinary space where a no-break one goes.
    prose = INLINE_LINK.sub(mask_target, prose)
    prose = REFERENCE_DEF.sub(mask, prose)
    prose = AUTOLINK.sub(mask, prose)
    prose = BARE_URL.sub(mask, prose)
    for m in SPACE_BEFORE.finditer(prose):
        nxt = prose[m.end():m.end() + 1]
        if prose.startswith("![", m.end()):
            continue  # an image, not an exclamation mark
        line, col = position(prose, m.start())
        what = f"before '{nxt}'" if nxt in (":", ";", "?", "!", "»") else "after '«'"
        errors.append(f"{path}:{line}:{col}: ordinary space {what}; use a no-break space (U+00A0)")
    return errors


def pages(args):
    found = []
    for arg in args:
        if os.path.isdir(arg):
            found += sorted(os.path.join(arg, n) for n in os.listdir(arg) if n.endswith(".md"))
        elif os.path.isfile(arg):
            found.append(arg)
        else:
            print(f"docs_fr_check: {arg}: no such file or folder", file=sys.stderr)
            sys.exit(2)
    return found


def main():
    args = sys.argv[1:]
    if any(a in ("-h", "--help") for a in args):
        print(__doc__.strip())
        return 0
    if not args:
        args = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "fr")]
    files = pages(args)
    if not files:
        print("docs_fr_check: no .md page to check in " + ", ".join(args), file=sys.stderr)
        return 2
    errors = []
    for f in files:
        errors += check_page(f)
    for e in errors:
        print(e)
    if errors:
        print(f"docs_fr_check: {len(errors)} problem(s) in {len(files)} page(s)", file=sys.stderr)
        return 1
    print(f"docs_fr_check: {len(files)} page(s) OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
