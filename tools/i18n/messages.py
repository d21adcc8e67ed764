#!/usr/bin/env python3
"""The message catalogue of nrm (data/messages.toml): every text a person reads, in English and
French. Checks the catalogue and generates its C++ table (engine/i18n, built by CMake).

Each entry is a TOML table named by its key, with `en` and `fr`:

    ["answer.case_at"]
    en = "Case at {place} ({id}): {needs}"
    fr = "Cas à {place} ({id})\u00a0: {needs}"

Rules (--check; the build runs them too, so a bad catalogue fails the build):
  - a key is lower-case words joined by dots and underscores ([a-z0-9_]+(\\.[a-z0-9_]+)*);
  - every entry has both `en` and `fr`, non-empty strings, and nothing else;
  - both name the same placeholders ({name}); a literal brace is written {{ or }};
  - French typography: no ordinary space before « : ; ? ! » or after «, (a no-break space,
    U+00A0, or a narrow one, U+202F, instead), and no ordinary space inside a number
    ("4 497" takes U+202F).

Usage:
  python3 tools/i18n/messages.py --check [FILE]          # exit 1, naming file:line and key
  python3 tools/i18n/messages.py --cpp OUT_DIR [FILE]    # check, then write messages_table.hpp/.cpp
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "data" / "messages.toml"
KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}(?!\})")
BAD_FR = [
    (re.compile(r" [:;?!»]"), "an ordinary space before : ; ? ! or » (use U+00A0, or U+202F)"),
    (re.compile(r"« "), "an ordinary space after « (use U+00A0 or U+202F)"),
    (re.compile(r"\d \d{3}\b"), "an ordinary space inside a number (use U+202F)"),
]


def lines_of(text):
    """Key -> line of its table header, for messages."""
    out = {}
    for n, line in enumerate(text.splitlines(), start=1):
        m = re.match(r'^\s*\[\s*"([^"]+)"\s*\]\s*$', line) or re.match(r"^\s*\[\s*([A-Za-z0-9_.]+)\s*\]\s*$", line)
        if m:
            out.setdefault(m.group(1), n)
    return out


def load(path):
    text = path.read_text(encoding="utf-8")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return None, [f"{path}: not valid TOML: {e}"]
    where = lines_of(text)
    errors, entries = [], []

    def walk(prefix, table):
        # A table with en/fr is an entry; ["a.b"] is one key, [a.b] nests: both are accepted.
        if "en" in table or "fr" in table:
            entries.append((prefix, table))
            return
        for k, v in table.items():
            name = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(name, v)
            else:
                errors.append(f"{path}:{where.get(prefix, 0)}: {prefix}: unexpected value {k!r} outside an entry")

    walk("", doc)
    for key, t in entries:
        at = f"{path}:{where.get(key, 0)}: {key}"
        if not KEY.match(key):
            errors.append(f"{at}: a key is lower-case words joined by dots and underscores")
        for lang in ("en", "fr"):
            if not isinstance(t.get(lang), str) or not t.get(lang):
                errors.append(f"{at}: missing {lang} (every message has both en and fr)")
        extra = sorted(set(t) - {"en", "fr"})
        if extra:
            errors.append(f"{at}: unknown field {', '.join(extra)} (expected en and fr)")
        en, fr = t.get("en"), t.get("fr")
        if isinstance(en, str) and isinstance(fr, str):
            pe, pf = set(PLACEHOLDER.findall(en)), set(PLACEHOLDER.findall(fr))
            if pe != pf:
                errors.append(f"{at}: placeholders differ: en {{{', '.join(sorted(pe))}}} fr {{{', '.join(sorted(pf))}}}")
            bare = PLACEHOLDER.sub("", fr.replace("{{", "").replace("}}", ""))
            for pattern, what in BAD_FR:
                if pattern.search(bare):
                    errors.append(f"{at}: fr has {what}")
    return entries, errors


def cpp_string(s):
    out = []
    for ch in s.encode("utf-8"):
        c = chr(ch)
        if c == "\\":
            out.append("\\\\")
        elif c == '"':
            out.append('\\"')
        elif c == "\n":
            out.append("\\n")
        elif 32 <= ch < 127:
            out.append(c)
        else:
            out.append(f"\\{ch:03o}")
    return '"' + "".join(out) + '"'


def generate(entries, out_dir, source):
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [key.replace(".", "_") for key, _ in entries]
    hpp = [
        f"// Generated from {source.name} by tools/i18n/messages.py: do not edit.",
        "#pragma once",
        "#include <cstddef>",
        "#include <cstdint>",
        "namespace nrm::i18n {",
        "// One value per message of the catalogue, named by its key (dots as underscores).",
        "enum class Msg : std::uint16_t {",
    ]
    hpp += [f"  {n}," for n in names]
    hpp += [
        "};",
        f"inline constexpr std::size_t kMessageCount = {len(entries)};",
        "struct MessageText {",
        "  const char* key;",
        "  const char* en;",
        "  const char* fr;",
        "};",
        "// The catalogue, in Msg order.",
        "extern const MessageText kMessages[kMessageCount];",
        "}  // namespace nrm::i18n",
        "",
    ]
    cpp = [
        f"// Generated from {source.name} by tools/i18n/messages.py: do not edit.",
        '#include "messages_table.hpp"',
        "namespace nrm::i18n {",
        "const MessageText kMessages[kMessageCount] = {",
    ]
    for key, t in entries:
        cpp.append(f"    {{{cpp_string(key)}, {cpp_string(t['en'])}, {cpp_string(t['fr'])}}},")
    cpp += ["};", "}  // namespace nrm::i18n", ""]
    for name, lines in (("messages_table.hpp", hpp), ("messages_table.cpp", cpp)):
        path = out_dir / name
        text = "\n".join(lines)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def main(argv):
    if len(argv) >= 2 and argv[1] == "--check":
        source = Path(argv[2]) if len(argv) > 2 else DEFAULT
        out = None
    elif len(argv) >= 3 and argv[1] == "--cpp":
        out = Path(argv[2])
        source = Path(argv[3]) if len(argv) > 3 else DEFAULT
    else:
        print(__doc__, file=sys.stderr)
        return 2
    entries, errors = load(source)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    if out is not None:
        generate(entries, out, source)
    else:
        print(f"messages: {len(entries)} entries, each in English and French")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
