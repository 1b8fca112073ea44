"""Run the docstring examples of the dashboard's plain modules (``app/`` is outside pytest's testpaths,
and its page modules can only be imported by a running app)."""

import doctest
import importlib

import pytest

MODULES = [
    "costmodel.dashboard.conventions",
    "costmodel.dashboard.explorer",
    "costmodel.present.figures",
    "costmodel.dashboard.formatting",
    "costmodel.dashboard.frontier",
    "costmodel.dashboard.frontier_brush",
    "costmodel.dashboard.frontier_url",
    "costmodel.dashboard.profile_view",
    "costmodel.dashboard.references",
    "costmodel.dashboard.server",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
