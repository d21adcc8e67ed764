#!/usr/bin/env python3
"""Writes nrm(1), the manual page, from the binary's own --help (the top level and every command),
in English or French (--lang), so the page never disagrees with the program.

Usage: python3 tools/man/man.py NRM_BINARY OUT_FILE [--lang en|fr] [--version V]
"""

import re
import subprocess
import sys

WORDS = {
    "en": {"name": "NAME", "synopsis": "SYNOPSIS", "description": "DESCRIPTION", "commands": "COMMANDS",
           "environment": "ENVIRONMENT", "files": "FILES", "exit": "EXIT STATUS", "see": "SEE ALSO",
           "section": "User Commands", "command": "COMMAND", "options": "OPTIONS",
           "summary": "referral pathways for people affected by human trafficking in Canada",
           "env": [("NRM_DATA", "A folder holding data/ and rules/ to use instead of the installed ones "
                                 "(share/nrm beside bin/nrm) or those of the source tree."),
                   ("LC_ALL, LC_MESSAGES, LANG", "The language of every text when --lang is not given: "
                                                  "French when the first of them that is set names French (fr_CA.UTF-8), "
                                                  "else English.")],
           "files": [("share/nrm/data/providers.yaml", "the provider directory (the shipped one is synthetic)"),
                     ("share/nrm/data/communities.csv, roads.csv, ferries.csv, routes.csv", "communities and the travel network"),
                     ("share/nrm/rules/*.yaml", "the referral policy")],
           "exit": [("0", "success"), ("1", "internal error"), ("2", "bad input: the message names the file, line, field and what was expected"),
                    ("3", "no pathway meets every need (the best partial answer is still printed); for route, no way in the data")],
           "see_text": "The guides in share/doc/nrm: frontline.md, coordinators.md, api.md, rules.md, install.md."},
    "fr": {"name": "NOM", "synopsis": "SYNOPSIS", "description": "DESCRIPTION", "commands": "COMMANDES",
           "environment": "ENVIRONNEMENT", "files": "FICHIERS", "exit": "CODE DE RETOUR", "see": "VOIR AUSSI",
           "section": "Commandes de l'utilisateur", "command": "COMMANDE", "options": "OPTIONS",
           "summary": "parcours d'orientation pour les personnes touchées par la traite de personnes au Canada",
           "env": [("NRM_DATA", "Un dossier contenant data/ et rules/, à utiliser au lieu de ceux qui sont installés "
                                 "(share/nrm à côté de bin/nrm) ou de ceux de l'arbre source."),
                   ("LC_ALL, LC_MESSAGES, LANG", "La langue de tous les textes quand --lang n'est pas donné\u00a0: "
                                                  "le français si la première de ces variables qui est définie nomme le français "
                                                  "(fr_CA.UTF-8), sinon l'anglais.")],
           "files": [("share/nrm/data/providers.yaml", "le répertoire des fournisseurs (celui qui est livré est fictif)"),
                     ("share/nrm/data/communities.csv, roads.csv, ferries.csv, routes.csv", "les communautés et le réseau de transport"),
                     ("share/nrm/rules/*.yaml", "la politique d'orientation")],
           "exit": [("0", "réussite"), ("1", "erreur interne"), ("2", "entrée invalide\u00a0: le message nomme le fichier, la ligne, le champ et ce qui était attendu"),
                    ("3", "aucun parcours ne répond à tous les besoins (la meilleure réponse partielle est quand même affichée)\u00a0; pour route, aucun trajet dans les données")],
           "see_text": "Les guides dans share/doc/nrm\u00a0: fr/frontline.md, fr/coordinators.md, api.md, rules.md, install.md."},
}


def esc(text):
    """Text for roff: backslashes and hyphens escaped, no line starting with a dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + l if l.startswith((".", "'")) else l) for l in text.split("\n"))


def run_help(binary, lang, args):
    out = subprocess.run(["nrm", *args, "--help", "--lang", lang], executable=binary, capture_output=True,
                         text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    if out.returncode != 0:
        sys.exit(f"man: {binary} {' '.join(args)} --help exited {out.returncode}: {out.stderr}")
    return out.stdout


def parse(help_text):
    """CLI11's help: (description lines, [(section, [(item, text)])], footer lines)."""
    lines = help_text.rstrip("\n").split("\n")
    desc, sections, footer = [], [], []
    i = 0
    while i < len(lines) and not re.match(r"^\S.*:\s*$", lines[i]) and not lines[i].startswith(("Usage", "Utilisation")):
        desc.append(lines[i])
        i += 1
    while i < len(lines):
        line = lines[i]
        if line.startswith(("Usage", "Utilisation")) or not line.strip():
            i += 1
            continue
        m = re.match(r"^(\S.*?)\s*:\s*$", line)
        if m:
            items = []
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                parts = re.split(r"\s{2,}", lines[i].strip(), maxsplit=1)
                items.append((parts[0], parts[1] if len(parts) > 1 else ""))
                i += 1
            sections.append((m.group(1), items))
            continue
        footer = lines[i:]
        break
    return [d for d in desc if d.strip()], sections, footer


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, out_file = argv[1], argv[2]
    lang = argv[argv.index("--lang") + 1] if "--lang" in argv else "en"
    version = argv[argv.index("--version") + 1] if "--version" in argv else ""
    w = WORDS[lang]
    top_desc, top_sections, _ = parse(run_help(binary, lang, []))
    commands = []
    for _, items in top_sections:
        for item, text in items:
            if re.match(r"^[a-z]+$", item):
                commands.append((item, text))
    page = [f'.TH NRM 1 "" "nrm {version}" "{esc(w["section"])}"',
            f'.SH {w["name"]}', f"nrm \\- {esc(w['summary'])}",
            f'.SH {w["synopsis"]}', f'.B nrm\n\\fI{w["command"]}\\fR [\\fI{w["options"]}\\fR]',
            f'.SH {w["description"]}']
    page += [esc(d) + "\n.br" for d in top_desc]
    page.append(f'.SH {w["commands"]}')
    for name, summary in commands:
        desc, sections, footer = parse(run_help(binary, lang, [name]))
        page.append(f'.SS "nrm {name}"')
        page.append(esc(summary))
        for section, items in sections:
            page.append(f".PP\n.B {esc(section)}")
            for item, text in items:
                page.append(f".TP\n.B {esc(item)}\n{esc(text)}")
        if footer:
            page.append(".PP\n" + "\n.br\n".join(esc(f) for f in footer if f.strip()))
    page.append(f'.SH {w["environment"]}')
    for k, v in w["env"]:
        page.append(f".TP\n.B {esc(k)}\n{esc(v)}")
    page.append(f'.SH {w["files"]}')
    for k, v in w["files"]:
        page.append(f".TP\n.I {esc(k)}\n{esc(v)}")
    page.append(f'.SH {w["exit"]}')
    for k, v in w["exit"]:
        page.append(f".TP\n.B {k}\n{esc(v)}")
    page.append(f'.SH {w["see"]}')
    page.append(esc(w["see_text"]))
    with open(out_file, "w", encoding="utf-8") as f:
        f.write("\n".join(page) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
