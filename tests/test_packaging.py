"""A regular, non-editable ``pip install .`` into a fresh virtual environment ships the code and the data."""

import json
import subprocess
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A new venv with the project installed from a built wheel; dependencies come from this environment."""
    home = tmp_path_factory.mktemp("fresh-venv")
    venv.create(home, with_pip=True)
    python = home / "bin" / "python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check",
                    str(ROOT)], check=True, cwd=home)  # fmt: skip
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # Only third-party dependencies are borrowed (a .pth adds the directory without its editable finders).
    Path(purelib, "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return home


def test_installed_package_is_not_the_checkout(installed):
    out = subprocess.run([installed / "bin" / "python", "-c", "import costmodel; print(costmodel.__file__)"],
                         capture_output=True, text=True, check=True, cwd=installed).stdout  # fmt: skip
    assert str(installed) in out and str(ROOT) not in out


def test_console_script_runs(installed):
    out = subprocess.run([installed / "bin" / "mobilenet-cost", "report", "--alpha", "0.5", "--rho", "0.714",
                          "--format", "json"], capture_output=True, text=True, check=True, cwd=installed)  # fmt: skip
    assert json.loads(out.stdout)["totals"]["macs"] == 76_524_800


def test_reference_tables_are_shipped(installed):
    shipped = sorted(p.name for p in (ROOT / "tables").iterdir() if p.suffix in (".csv", ".md"))
    code = ("import importlib.resources as r; "
            "print('\\n'.join(sorted(p.name for p in r.files('costmodel.tables').iterdir())))")  # fmt: skip
    out = subprocess.run([installed / "bin" / "python", "-c", code], capture_output=True, text=True,
                         check=True, cwd=installed).stdout.split()  # fmt: skip
    assert shipped and set(shipped) <= set(out)


def test_dashboard_is_installed_inside_costmodel_beside_another_projects_app(installed):
    """The dashboard (source in app/) installs as costmodel.dashboard; a top-level ``app`` stays free."""
    purelib = next((installed / "lib").glob("python3*/site-packages"))
    assert not (purelib / "app").exists()
    other = purelib / "app"  # another project's top-level package named app
    other.mkdir()
    (other / "__init__.py").write_text("WHO = 'another project'\n")
    code = ("import os, app, costmodel.dashboard.main as m; "
            "print(app.WHO); print(os.path.dirname(m.__file__))")  # fmt: skip
    out = subprocess.run([installed / "bin" / "python", "-c", code], capture_output=True, text=True,
                         check=True, cwd=installed).stdout.splitlines()  # fmt: skip
    assert out[0] == "another project"
    assert out[1] == str(purelib / "costmodel" / "dashboard")
    assert (purelib / "costmodel" / "dashboard" / "assets" / "style.css").is_file()


def test_imports_run_one_way_in_the_installed_package(installed):
    """import-linter's contracts of pyproject.toml (docs/architecture.md's floors), on the installed tree, where
    the dashboard is part of costmodel. A broken contract prints the offending import chain."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    done = subprocess.run([installed / "bin" / "python", "-c", code, "--config", str(ROOT / "pyproject.toml"),
                           "--no-cache"], capture_output=True, text=True, cwd=installed)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout and "broken" not in done.stdout.replace("0 broken", "")
