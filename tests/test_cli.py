"""The mobilenet-cost command line: formats, sweeps, errors as one line with exit status 2."""

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest

from costmodel.cli import build_parser, main


def run_cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_every_command_has_an_example_in_its_help():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"report", "sweep", "check-reduction"} <= set(commands)
    for name, sub in commands.items():
        assert "Example: mobilenet-cost " + name in sub.format_help(), name


def test_help_names_each_default_at_most_once():
    import re

    commands = build_parser()._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        parsers = [sub, *(sub._subparsers._group_actions[0].choices.values() if sub._subparsers else [])]
        for parser in parsers:
            for action in parser._actions:
                if not action.option_strings or action.help is None:
                    continue
                text = parser.formatter_class(parser.prog)._get_help_string(action) % {"default": action.default}
                assert "(default: None)" not in text and len(re.findall(r"\bdefault\b", text)) <= 1, (name, text)


def test_report_text_states_snapping_and_totals():
    code, out, _ = run_cli("report", "--alpha", "0.5", "--rho", "0.714")
    assert code == 0
    assert "snapped to resolution 160" in out
    assert "76,524,800 MACs" in out and "1,320,648 params" in out


def test_report_json_has_exact_integers():
    code, out, _ = run_cli(
        "report", "--alpha", "0.75", "--resolution", "128", "--format", "json", "--bn", "all"
    )
    payload = json.loads(out)
    assert code == 0 and payload["resolution"] == 128
    assert payload["totals"]["macs"] == sum(layer["macs"] for layer in payload["layers"])
    assert payload["convention"]["bn"] == "all"


@pytest.mark.parametrize("fmt", ["csv", "markdown", "latex"])
def test_report_formats(fmt, tmp_path):
    target = tmp_path / f"report.{fmt}"
    code, out, _ = run_cli("report", "--format", fmt, "-o", str(target))
    text = target.read_text()
    assert code == 0 and out == ""
    assert "Conv2d_13_pointwise" in text.replace("\\_", "_")
    if fmt == "csv":
        assert pd.read_csv(target).macs.sum() == 568_740_352


def test_sweep_writes_every_combination(tmp_path):
    target = tmp_path / "sweep.csv"
    code, _, _ = run_cli("sweep", "--alpha", "0.25:1.0:0.25", "--resolution", "128,224", "-o", str(target))
    frame = pd.read_csv(target)
    assert code == 0 and len(frame) == 8
    row = frame[(frame.alpha == 1.0) & (frame.resolution == 224)].iloc[0]
    assert (row.macs, row.params) == (568_740_352, 4_210_088)


@pytest.mark.slow
def test_long_sweep_shows_progress(tmp_path):
    code, _, err = run_cli("sweep", "--alpha", "0.1:1.5:0.001", "--resolution", "32:320:1", "--metrics", "macs",
                           "-o", str(tmp_path / "big.csv"))  # fmt: skip
    assert code == 0 and "pt/s" in err and "100%" in err


def test_report_output_file_gets_the_umask_mode(tmp_path):
    previous = os.umask(0o022)
    try:
        code, _, _ = run_cli("report", "--format", "csv", "-o", str(tmp_path / "r.csv"))
    finally:
        os.umask(previous)
    assert code == 0
    assert (tmp_path / "r.csv").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]  # no staged file left behind


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "--alpha", "-1"], "alpha=-1.0 is out of range"),
        (["report", "--alpha", "abc"], "argument --alpha: 'abc' is not a number"),
        (["report", "--rho", "0.5", "--resolution", "112"], "not allowed with argument"),
        (["report", "--rounding", "ceil"], "invalid choice: 'ceil'"),
        (["report", "--resolution", "99999"], "resolution=99999 is out of range"),
        (["report", "-o", "/nonexistent/dir/x.txt"], "folder '/nonexistent/dir' does not exist"),
        (["sweep", "--alpha", "1:0:0.1"], "needs step > 0 and stop >= start"),
        (["sweep", "--resolution", "128.5"], "128.5 is not a whole number of pixels"),
        (["sweep", "--metrics", "speed"], "metric 'speed' is unknown"),
        (["nonsense"], "invalid choice: 'nonsense'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, words):
    code, _, err = run_cli(*args)
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1


def test_check_reduction_prints_the_proof_in_pretty_notation_and_labels_other_points():
    code, out, _ = run_cli("check-reduction", "--alpha", "0.5")
    assert code == 0 and "**" not in out and "D_K**(-2)" not in out and "─" in out
    assert "Conv MobileNet (as paper Table 4) at alpha=0.5, resolution=224 (the paper prints alpha=1, 224)" in out
    code, out, _ = run_cli("check-reduction")
    assert "Conv MobileNet (as paper Table 4):" in out
    code, out, _ = run_cli("check-reduction", "--format", "markdown")
    assert r"\frac{1}{N} + \frac{1}{D_{K}^{2}}" in out


def test_a_bug_is_not_a_usage_error(monkeypatch):
    """Exit status 2 means bad input: a ValueError or TypeError that no check raised (a bug) keeps its
    traceback (status 1 from the console script)."""
    import costmodel.cli.report as command

    monkeypatch.setattr(command, "report", lambda **_: int("twelve"))  # Python raises, not a check
    with pytest.raises(ValueError, match="invalid literal"):
        main(["report"])
    monkeypatch.setattr(command, "report", lambda **_: len(5))
    with pytest.raises(TypeError, match="has no len"):
        main(["report"])


def test_check_reduction_reports_the_proof():
    code, out, _ = run_cli("check-reduction", "--format", "json")
    payload = json.loads(out)
    assert code == 0 and payload["proof"]["holds"] is True
    assert all(block["matches"] for block in payload["blocks"])
    assert payload["shallow_mobilenet"] == {"macs": 307_323_392, "params": 2_876_328}


@pytest.mark.slow
def test_python_dash_m_runs_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "costmodel", "report", "--format", "json"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert json.loads(done.stdout)["totals"]["params"] == 4_210_088


def test_serve_db_option(tmp_path, monkeypatch):
    code, _, err = run_cli("serve", "--db", str(tmp_path))
    assert code == 2 and "is a folder; give a file name" in err and len(err.strip().splitlines()) == 1

    from costmodel.dashboard import server as dashboard_server

    started = {}
    monkeypatch.setattr(dashboard_server, "serve", lambda host, port, workers: started.update(host=host, port=port))
    monkeypatch.setenv("MOBILENET_COST_DB", str(tmp_path / "before.sqlite3"))  # restored after the test
    target = tmp_path / "datasets.sqlite3"
    code, _, _ = run_cli("serve", "--db", str(target), "--port", "8099")
    import os

    assert code == 0 and started == {"host": "127.0.0.1", "port": 8099}
    assert target.exists() and os.environ["MOBILENET_COST_DB"] == str(target.resolve())
