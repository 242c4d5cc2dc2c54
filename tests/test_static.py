"""Static checks of the addon's files: what a reviewer would check by eye."""

import ast
import csv
import re

import pytest
from lxml import etree

from .conftest import ADDON


def manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text())


def test_manifest_is_well_formed():
    data = manifest()
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert data.get("installable", True) is True
    for key in ("data", "demo"):
        for path in data.get(key, []):
            assert (ADDON / path).is_file(), f"{key} file {path} is missing"
    # security first, then data, then views, menus last among views
    files = data["data"]
    kinds = [path.split("/")[0] for path in files]
    assert kinds[0] == "security"
    assert kinds.index("data") < kinds.index("views")
    last_view = max(i for i, path in enumerate(files) if path.endswith(".xml") and "views" in path)
    assert files[last_view].endswith("_menus.xml")


@pytest.mark.parametrize("path", sorted(ADDON.rglob("*.xml")), ids=lambda p: str(p.relative_to(ADDON)))
def test_xml_parses_and_uses_odoo18_syntax(path):
    tree = etree.parse(str(path))
    text = path.read_text()
    assert "<tree" not in text, "Odoo 18 views use <list>"
    assert " attrs=" not in text and " states=" not in text, "Odoo 18 uses invisible=/readonly= expressions"
    for record in tree.iter("record"):
        assert record.get("id"), f"a record without id in {path.name}"


def test_every_model_has_access_rules():
    rows = list(csv.DictReader((ADDON / "security" / "ir.model.access.csv").open()))
    models_with_access = {row["model_id:id"] for row in rows}
    declared = set()
    for py in ADDON.rglob("*.py"):
        for match in re.finditer(r'^\s*_name = "([a-z_.]+)"', py.read_text(), re.M):
            if match.group(1).startswith("report."):
                continue  # a report's rendering model: abstract, nothing to access
            declared.add("model_" + match.group(1).replace(".", "_"))
    assert declared, "no model found"
    assert declared <= models_with_access, f"models without access rules: {declared - models_with_access}"


def test_one_model_per_file():
    for py in (ADDON / "models").glob("*.py"):
        if py.name == "__init__.py":
            continue
        classes = re.findall(r"^class ", py.read_text(), re.M)
        names = re.findall(r'^\s*_(?:name|inherit) = "([a-z_.]+)"', py.read_text(), re.M)
        assert len(set(names)) <= len(classes)
        # One concern of a large model may have its own file, named after the model
        # and the concern (halley_treatment_session_reminder.py).
        model = names[0].replace(".", "_")
        assert py.stem == model or py.stem.startswith(model + "_"), f"{py.name} should be named after {names[0]}"


def test_readme_shows_the_role_matrix_the_tests_check():
    """docs/roles_and_privacy.md's table is the one halley_aesthetics/tests/test_role_matrix.py checks
    cell by cell as each role."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("role_matrix", ADDON / "tests" / "role_matrix.py")
    role_matrix = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(role_matrix)
    readme = (ADDON.parent / "docs" / "roles_and_privacy.md").read_text()
    assert role_matrix.markdown_table() in readme, "docs/roles_and_privacy.md: paste role_matrix.markdown_table()"


def test_migrations_follow_the_manifest_version():
    version = manifest()["version"]
    migrations = sorted(p.name for p in (ADDON / "migrations").iterdir() if p.is_dir())
    assert migrations and migrations[-1] == version, "the last migration is the manifest's version"


def test_the_session_reads_as_one_file_per_concern():
    """The session's booking, states and consumption in one file; safety, signed consent, packages,
    billing, aftercare, reminders, double bookings, opening hours, the appointment book, no-shows, the patient's
    chart, clinical photos, the patient portal and titled refusals each in its own, extending the same model and
    the workflow's steps through super()."""
    models = ADDON / "models"
    core = (models / "halley_treatment_session.py").read_text()
    assert len(core.splitlines()) < 700, "halley_treatment_session.py: booking, states, consumption only"
    for concern in ("safety", "consent", "package", "billing", "aftercare", "reminder", "booking", "hours", "book",
                    "attendance", "chart", "photos", "portal", "refusals"):
        text = (models / f"halley_treatment_session_{concern}.py").read_text()
        # The portal concern also brings Odoo's portal.mixin (access URL and token).
        assert re.search(r'_inherit = (\[)?"halley\.treatment\.session"', text), concern
        for step in ("action_confirm", "action_start", "_action_done", "action_cancel"):
            for match in re.finditer(rf"\n    def {step}\(self\):\n(.*?)(?=\n    def |\Z)", text, re.S):
                assert f"super().{step}()" in match.group(1), f"{concern}: {step} must call super()"
    # The hours are checked inside the booking turns: the hours concern registers first
    # (the later registered runs first), so it must not import the booking module.
    init = (models / "__init__.py").read_text()
    assert init.index("halley_treatment_session_hours") < init.index("halley_treatment_session_booking")
    assert "halley_treatment_session_booking" not in (models / "halley_treatment_session_hours.py").read_text()
    # What each concern does is not wired into the core's steps by name.
    for name in ("_redeem_packages", "_check_safe_to_start", "_check_cancellable_billing", "_send_reminder",
                 "_propose_followup", "_attach_and_send_aftercare", "aftercare_attachment_id",
                 "_check_booking_clashes", "_check_booking_hours", "_halley_portal_answer_screening"):
        assert name not in core, f"halley_treatment_session.py calls {name}: it belongs to its concern"


def test_readme_reads_in_two_minutes_and_its_links_hold():
    """README.md: what it is, three screenshots, the two commands, where to read more;
    every relative link of README.md and docs/*.md points at a file that exists."""
    root = ADDON.parent
    readme = (root / "README.md").read_text()
    assert len(readme.splitlines()) < 200, "README.md: keep it under 200 lines, the rest goes to docs/"
    assert "make run" in readme and "make test" in readme
    assert len(re.findall(r"!\[[^\]]*\]\(docs/screenshots/[a-z_]+\.png\)", readme)) >= 3
    ci = (root / ".ci" / "run").read_text()
    assert "make test" in ci, ".ci/run runs the README's test command"
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)\)", doc.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"
