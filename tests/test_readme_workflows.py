"""The README's example command blocks run as written, in order, in a fresh folder and database."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands(section: str) -> list[list[str]]:
    """The ``mobilenet-cost`` lines of the first bash block under the README heading ``section``."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    block = re.search(r"```bash\n(?P<body>.*?)```", text[start:], re.S)
    assert block, f"no bash block under {section!r}"
    return [shlex.split(line, comments=True) for line in block["body"].splitlines() if line.strip()]


def a_device_csv(path: Path) -> None:
    """A device's measurements as a user would have them: no device column (the README names it)."""
    from costmodel.latency.store import LatencyStore

    frame = pd.read_csv(io.StringIO(LatencyStore(path.parent / "source.sqlite3").export_csv("tflite-pixel2-cpu-float")))
    frame.drop(columns=["device"]).to_csv(path, index=False)


@pytest.mark.slow
def test_the_measured_latency_workflow_runs_in_order(tmp_path, monkeypatch):
    commands = readme_commands("Measured latency")
    assert [c[:2] for c in commands][:3] == [["mobilenet-cost", "latency"]] * 3
    a_device_csv(tmp_path / "pixel.csv")
    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "datasets.sqlite3"))
    outputs = []
    for command in commands:
        assert command[0] == "mobilenet-cost"
        done = subprocess.run([sys.executable, "-m", "costmodel", *command[1:]], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    imported, listed, fitted = outputs[:3]
    assert "created dataset 'pixel'" in imported
    assert re.search(r"^\s*pixel\s+16\s+Pixel 7", listed, re.M)
    assert "leave-one-out:" in fitted and "16 points" in fitted
    assert len(pd.read_csv(tmp_path / "ort.csv")) == 6  # 3 alphas x 2 resolutions


def test_a_csv_with_a_device_column_needs_no_device_option(tmp_path, monkeypatch, capsys):
    from costmodel.cli import main

    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "datasets.sqlite3"))
    (tmp_path / "bench.csv").write_text("alpha,resolution,latency_ms,device\n0.5,160,10.5,Pixel 7\n")
    assert main(["latency", "import", str(tmp_path / "bench.csv")]) == 0
    assert "created dataset 'bench'" in capsys.readouterr().out
    (tmp_path / "bare.csv").write_text("alpha,resolution,latency_ms\n0.5,160,10.5\n0.5,128,8.5\n")
    assert main(["latency", "import", str(tmp_path / "bare.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rows 2-3, column device: empty" in err
    assert main(["latency", "fit", "Pixel 7"]) == 2
    assert "'Pixel 7' is the device of dataset(s) 'bench'" in capsys.readouterr().err


def test_fitting_fewer_points_than_features_warns(tmp_path, monkeypatch, capsys):
    from costmodel.cli import main
    from costmodel.latency.model import FEATURES

    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "datasets.sqlite3"))
    rows = "".join(f"{a},{r},{a * r / 10}\n" for a, r in [(0.25, 128), (0.5, 160), (1.0, 224)])
    (tmp_path / "few.csv").write_text("alpha,resolution,latency_ms\n" + rows)
    assert main(["latency", "import", str(tmp_path / "few.csv"), "--device", "x"]) == 0
    capsys.readouterr()
    assert main(["latency", "fit", "few"]) == 0
    captured = capsys.readouterr()
    assert f"warning: only 3 points for {len(FEATURES)} features" in captured.err
    assert f"warning: only 3 points for {len(FEATURES)} features" in captured.out  # describe() says it too


def test_the_readme_says_how_to_open_the_tour_and_the_extra_installs_jupyterlab():
    import tomllib

    commands = readme_commands("In a notebook")
    assert ["pip", "install", "mobilenet-costmodel[notebook]"] in commands
    assert ["jupyter", "lab", "examples/tour.ipynb"] in commands
    assert (README.parent / "examples" / "tour.ipynb").is_file()
    extras = tomllib.loads((README.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(requirement.startswith("jupyterlab") for requirement in extras["notebook"])
