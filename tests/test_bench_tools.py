"""The benchmarks name the package's functions by their dotted names: a rename left
``bench/function_time.py`` stopping at its first name, unnoticed until a session needed
the profile. The names are checked here, where a rename fails at once."""

from __future__ import annotations

import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import function_time  # found on the path added above


@pytest.mark.parametrize(("module", "name"), function_time.TIMED)
def test_every_function_the_profile_times_exists(module: str, name: str) -> None:
    _, _, function = function_time.resolved(module, name)
    assert callable(function), f"{module}.{name}: rename it in TIMED"
