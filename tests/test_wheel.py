"""The addon ships as a pip wheel, as OCA addons do: `pip wheel halley_aesthetics/`
builds `odoo-addon-halley_aesthetics` with whool (pyproject.toml), and the wheel
alone, installed into an empty directory, is an addon Odoo installs (the repo is not
on that addons path)."""

import ast
import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import ADDON, ROOT


def _run(args, **kwargs):
    """Runs args; returns what it printed, its log (stderr) included."""
    result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900, **kwargs)
    assert result.returncode == 0, " ".join(map(str, args)) + "\n" + result.stdout[-5000:]
    return result.stdout


def _tracked_addon_files():
    out = _run(["git", "-C", str(ROOT), "ls-files", "halley_aesthetics"])
    return {line[len("halley_aesthetics/"):] for line in out.splitlines()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    python = os.environ.get("HALLEY_PYTHON") or sys.executable
    out = tmp_path_factory.mktemp("wheel")
    # whool (the build backend of pyproject.toml) comes from PyPI into pip's build
    # environment, as on any user's machine.
    _run([python, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ADDON)])
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return python, wheels[0]


def test_wheel_is_the_addon_with_every_file(wheel):
    _python, path = wheel
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    assert path.name.startswith(f"odoo_addon_halley_aesthetics-{manifest['version']}"), path.name
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    prefix = "odoo/addons/halley_aesthetics/"
    packed = {name[len(prefix):] for name in names if name.startswith(prefix)}
    # Everything but the build recipe itself.
    missing = _tracked_addon_files() - packed - {"pyproject.toml"}
    assert not missing, f"files of the addon missing from the wheel: {sorted(missing)}"
    assert "Name: odoo-addon-halley_aesthetics" in metadata
    assert "Requires-Dist: odoo==18.0.*" in metadata


def test_wheel_installs_the_addon(wheel, test_db, tmp_path):
    python, path = wheel
    odoo_bin, conf = os.environ.get("HALLEY_ODOO_BIN"), os.environ.get("HALLEY_ODOO_CONF")
    if not (odoo_bin and conf):
        pytest.fail("run through `make test`: HALLEY_ODOO_BIN/HALLEY_ODOO_CONF unset")
    # Odoo itself is not on PyPI here (it is the cached source): the wheel's own files
    # only, into an empty directory, which becomes the addons path instead of the repo.
    target = tmp_path / "site"
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(path)])
    installed = target / "odoo" / "addons"
    assert (installed / "halley_aesthetics" / "__manifest__.py").is_file()
    odoo_src = os.path.dirname(odoo_bin)
    db = f"{test_db}_wheel"
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    try:
        log = _run([python, odoo_bin, "-c", conf, "-d", db, "--addons-path",
                    f"{odoo_src}/addons,{odoo_src}/odoo/addons,{installed}", "-i", "halley_aesthetics",
                    "--without-demo", "all", "--stop-after-init", "--log-level", "warn", "--no-http"])
        bad = [line for line in log.splitlines() if any(f" {lvl} " in line for lvl in ("WARNING", "ERROR", "CRITICAL"))]
        assert not bad, "\n".join(bad)
        state = _run(["psql", "-d", db, "-tA", "-c",
                      "SELECT state FROM ir_module_module WHERE name = 'halley_aesthetics'"]).strip()
        assert state == "installed", state
        # The clinic's menu and its protocols' form came from the wheel's files.
        menus = _run(["psql", "-d", db, "-tA", "-c",
                      "SELECT count(*) FROM ir_model_data WHERE module = 'halley_aesthetics' AND model = 'ir.ui.menu'"])
        assert int(menus) > 0
    finally:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
