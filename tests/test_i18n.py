"""Static checks of the addon's translations (i18n/): what Odoo would load.

``test_every_term_translated`` fails while a term of the exported template
(i18n/halley_aesthetics.pot) has no Chinese: after new strings, run
scripts/i18n_update.sh (re-export and merge), translate what it lists, run this."""

import importlib.util

import polib
import pytest

from .conftest import ADDON, ROOT

I18N = ADDON / "i18n"
POT = I18N / "halley_aesthetics.pot"
LANGS = sorted(path.stem for path in I18N.glob("*.po"))


def _update_script():
    spec = importlib.util.spec_from_file_location("i18n_update", ROOT / "scripts" / "i18n_update.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chinese_is_shipped():
    assert "zh_CN" in LANGS
    assert POT.is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_every_term_translated(lang):
    """Every term of the template has a translation (not fuzzy) in ``lang``."""
    translated = {
        entry.msgid_with_context
        for entry in polib.pofile(str(I18N / f"{lang}.po"))
        if entry.msgstr and not entry.obsolete and not entry.fuzzy
    }
    missing = [entry.msgid for entry in polib.pofile(str(POT)) if entry.msgid_with_context not in translated]
    assert not missing, f"{len(missing)} term(s) without {lang} translation (scripts/i18n_update.sh): {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_placeholders(lang):
    """A translation keeps its term's placeholders (%(name)s, {{ ... }}, t-out="...")
    and HTML tags: Odoo formats it with the same arguments, renders it in the same
    template."""
    _untranslated, broken = _update_script().problems(polib.pofile(str(I18N / f"{lang}.po")))
    assert not broken, broken


@pytest.mark.parametrize("lang", LANGS)
def test_translation_file_is_complete_for_odoo(lang):
    po = polib.pofile(str(I18N / f"{lang}.po"))
    assert po.metadata.get("Language") == lang
    assert po.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    # Every entry says which module it belongs to: Odoo's loader reads it.
    assert all("module: halley_aesthetics" in (entry.comment or "") for entry in po if not entry.obsolete)
