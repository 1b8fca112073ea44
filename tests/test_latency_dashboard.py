"""The Latency page's logic (app.latency_view) and figures, called as plain functions."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from costmodel.dashboard import latency_view
from costmodel.dashboard.latency_view import encode

from costmodel.latency.store import BUILTIN_DATASETS
from costmodel.present.figures import make_latency_figure, make_residual_figure


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "dash.sqlite3")


def test_docstring_examples():
    result = doctest.testmod(latency_view, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_bad_upload_lists_every_problem_and_stores_nothing(db):
    text = "alpha,resolution,latency_ms\n1,224,-5\n0.5,9999,3\n"
    result = latency_view.upload(encode(text), "bad.csv", "Pixel", "", "", db)
    assert result.problems == [
        "row 2, column latency_ms: -5 is not allowed; latency must be a finite number > 0, from 0.001 to 1e+07 ms",
        "row 3, column resolution: 9999 is not allowed; resolution must be a whole number 1 to 4096",
    ]
    assert result.message == "" and result.dataset is None
    assert set(latency_view.datasets(db).name) == set(BUILTIN_DATASETS)


def test_upload_of_binary_or_garbled_content(db):
    png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    assert latency_view.upload(png, "x.png", "d", "", "", db).problems == [
        "file 'x.png' is a binary file (it holds NUL bytes); expected UTF-8 text"
    ]
    assert latency_view.upload("data:text/csv;base64,@@@", "x.csv", "d", "", "", db).problems == [
        "'x.csv': the upload could not be decoded"
    ]
    assert latency_view.upload(None, None, "d", "", "", db).problems == ["choose a file to upload"]


def test_good_upload_then_rename_and_delete(db):
    text = "alpha;resolution;latency_us\n0.25;128;3700\n0.5;160;13000\n1.0;224;70200\n"
    result = latency_view.upload(encode(text), "phone.csv", "Pixel X", "tflite", "", db)
    assert (result.message, result.dataset) == ("Imported 3 rows into new dataset 'phone'.", "phone")
    listing = latency_view.datasets(db).set_index("name")
    assert listing.loc["phone", "rows"] == 3 and listing.loc["phone", "runtimes"] == "tflite"
    assert "phone (3 points)" in [o["label"] for o in latency_view.options(listing.reset_index())]
    assert "taken by a built-in" in latency_view.rename("phone", "tflite-pixel2-cpu-float", db).problems[0]
    assert latency_view.rename("phone", "  mine ", db).dataset == "mine"
    assert "read-only" in latency_view.delete("tflite-pixel3-gpu-float", db).problems[0]
    assert latency_view.delete("mine", db).message == "Deleted 'mine' (3 rows)."
    assert latency_view.delete(None, db).problems == ["choose a dataset to delete"]


def test_fit_view_of_a_builtin_dataset(db):
    view = latency_view.fit_view("tflite-pixel2-cpu-float", db)
    assert len(view.points) == 16
    # MACs of the paper's 1.0-224 network, and the published 160.1 ms beside them
    row = view.points[(view.points.alpha == 1.0) & (view.points.resolution == 224)].iloc[0]
    assert (row.macs, row.latency_ms) == (568_740_352, 160.1)
    assert np.all(np.abs(view.points.loo_error_pct) <= 10)
    assert set(view.curves.alpha) == {0.25, 0.5, 0.75, 1.0}
    assert view.summary.startswith("16 points. Leave-one-out: 100% within ±10 %")
    figure = make_latency_figure(view.points, view.curves)
    assert len(figure.data) == 8
    assert len(make_residual_figure(view.points).data) == 4


def test_fit_view_with_too_few_points_shows_the_reason(db):
    latency_view.upload(encode("alpha,resolution,latency_ms\n1,224,5\n"), "one.csv", "d", "", "", db)
    view = latency_view.fit_view("one", db)
    assert view.model is None and view.summary.startswith("No fit: 1 point(s) given")
    assert make_latency_figure(view.points, view.curves).data[0].y == (5.0,)


def test_upload_over_the_size_limit(db):
    text = "alpha,resolution,latency_ms\n" + "1.0,224,5.0\n" * (latency_view.MAX_BYTES // 12 + 1)
    problems = latency_view.upload(encode(text), "big.csv", "d", "", "", db).problems
    assert problems == [f"file 'big.csv' has {len(text):,} bytes; the limit is 5,242,880 bytes (5 MiB)"]


def test_limits_are_stated():
    assert "5 MiB" in latency_view.LIMITS_TEXT and "100,000 rows" in latency_view.LIMITS_TEXT
