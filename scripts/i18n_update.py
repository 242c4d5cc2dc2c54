"""Re-export the addon's terms and merge them into its translations.

1. Installs halley_aesthetics, with its demo data (demo terms are translated too),
   into a throwaway database and exports ``i18n/halley_aesthetics.pot`` with Odoo's
   own exporter (``odoo-bin --i18n-export``); the database is dropped afterwards.
2. Merges the template into every ``i18n/<lang>.po``: new terms are added
   untranslated, terms gone from the code are dropped, translated ones kept; the
   reference lines (``#: code:``, ``#: model:``) are those of the new export.
3. Lists, per language, the terms still untranslated and the translations whose
   placeholders (%s, %(name)s, {{ ... }}, t-out="...") differ from the term's:
   Odoo would log an error rendering those. Exit status 1 when there is any.

Usage (from the repository root; run by scripts/i18n_update.sh with the
virtualenv's Python):
    python scripts/i18n_update.py              # export, merge, report
    python scripts/i18n_update.py --no-export  # merge the existing .pot, report
    python scripts/i18n_update.py --check      # report only
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parents[1]
ADDON = ROOT / "halley_aesthetics"
I18N = ADDON / "i18n"
POT = I18N / "halley_aesthetics.pot"

# What a translation must keep exactly as its term has it.
PYTHON_PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdrfi%]")
INLINE_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
QWEB_ATTRIBUTE = re.compile(r"""\bt-[a-z-]+=(?:"[^"]*"|'[^']*')""")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def placeholders(text):
    """The parts of ``text`` a translation must keep: Python placeholders (as a
    sorted list, %% left out), inline template expressions, QWeb attributes and the
    HTML tags used."""
    python = sorted(p for p in PYTHON_PLACEHOLDER.findall(text) if p != "%%")
    return (
        python,
        sorted(INLINE_EXPRESSION.findall(text)),
        sorted(QWEB_ATTRIBUTE.findall(text)),
        sorted(set(TAG.findall(text))),
    )


def is_python_format(entry):
    # Odoo formats the code terms (#. odoo-python) with their arguments; a field
    # label or a view text is never formatted, so a "%" there is only a character.
    return any("odoo-python" in line for line in (entry.comment or "").splitlines()) or any(
        "python-format" in flag for flag in entry.flags
    )


def problems(po):
    """(untranslated msgids, [(msgid, reason)] of broken translations)."""
    untranslated, broken = [], []
    for entry in po:
        if entry.obsolete:
            continue
        if not entry.msgstr or "fuzzy" in entry.flags:
            untranslated.append(entry.msgid)
            continue
        source, target = placeholders(entry.msgid), placeholders(entry.msgstr)
        if is_python_format(entry) and source[0] != target[0]:
            broken.append((entry.msgid, f"placeholders {source[0]} != {target[0]}"))
        for kind, index in (("template expressions", 1), ("QWeb attributes", 2), ("HTML tags", 3)):
            if source[index] != target[index]:
                broken.append((entry.msgid, f"{kind} differ"))
    return untranslated, broken


def export_pot(db, keep_db=False):
    """Install the addon with demo data in ``db`` and export its terms to POT."""
    venv_python = os.environ.get("VENV") and f"{os.environ['VENV']}/bin/python" or sys.executable
    odoo_src = os.environ["ODOO_SRC"]
    conf = os.environ["CONF"]
    addons = f"{odoo_src}/addons,{odoo_src}/odoo/addons,{ROOT}"
    odoo = [venv_python, f"{odoo_src}/odoo-bin", "-c", conf, f"--addons-path={addons}", "-d", db]
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    try:
        log = ROOT / ".build" / f"i18n_{db}.log"
        log.parent.mkdir(exist_ok=True)
        with log.open("w") as out:
            subprocess.run(
                [*odoo, "-i", "halley_aesthetics", "--stop-after-init", "--no-http", "--log-level=warn"],
                check=True, stdout=out, stderr=subprocess.STDOUT,
            )
            # The exporter exits by itself once the file is written.
            subprocess.run(
                [*odoo, f"--i18n-export={POT}", "--modules=halley_aesthetics", "--no-http",
                 "--log-level=error"],
                check=True, stdout=out, stderr=subprocess.STDOUT,
            )
        print(f"exported {POT.relative_to(ROOT)} ({len(polib.pofile(str(POT)))} terms); log: {log}")
    finally:
        if not keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=True)


def merge(pot_path, po_path):
    """Merge the template into one language's file, as msgmerge would without fuzzy
    matching (a new term is left untranslated rather than wrongly translated): the
    template's terms, in its order, with their reference lines, and the existing
    translations of the terms kept; terms gone from the code are dropped."""
    old = polib.pofile(str(po_path))
    known = {entry.msgid_with_context: entry for entry in old if not entry.obsolete}
    po = polib.pofile(str(pot_path))
    metadata = dict(old.metadata)
    metadata["POT-Creation-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata = metadata
    for entry in po:
        previous = known.get(entry.msgid_with_context)
        if previous:
            entry.msgstr = previous.msgstr
            entry.msgstr_plural = dict(previous.msgstr_plural)
            entry.tcomment = previous.tcomment
            if previous.fuzzy:
                entry.flags.append("fuzzy")
    po.save(str(po_path))
    return po


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="halley_i18n", help="throwaway database (dropped; default %(default)s)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database after the export")
    parser.add_argument("--no-export", action="store_true", help="merge the existing .pot")
    parser.add_argument("--check", action="store_true", help="only report untranslated and broken terms")
    args = parser.parse_args()
    if not args.check and not args.no_export:
        export_pot(args.db, args.keep_db)
    failed = False
    for po_path in sorted(I18N.glob("*.po")):
        po = polib.pofile(str(po_path)) if args.check else merge(POT, po_path)
        untranslated, broken = problems(po)
        total = len([e for e in po if not e.obsolete])
        print(f"{po_path.name}: {total - len(untranslated)}/{total} translated")
        for msgid in untranslated:
            print(f"  untranslated: {msgid!r}")
        for msgid, reason in broken:
            print(f"  broken ({reason}): {msgid!r}")
        failed |= bool(untranslated or broken)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
