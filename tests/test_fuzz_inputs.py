"""Fuzzing: random bytes, and real samples of every format cut, nested, re-dated and
spliced, fed to the reader ``digest check`` and ``digest build`` use, and to the library
reader. Whatever the file, reading it returns (with problems) and never raises."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES, SEED, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.ingest.library import read_library_text
from digest.ingest.readers import ListingContext, read_listing
from digest.problems import Problems

SAMPLES = [
    *sorted(
        path
        for folder in (FIXTURES / "formats", FIXTURES / "library")
        for path in folder.iterdir()
        if path.is_file() and path.suffix != ".md" and path.stat().st_size < 400_000
    ),
    SEED,
]
# What hurts parsers: deep nesting, dates past 9999, macros, DTDs, cut escapes.
POISON = [
    b"[" * 2000,
    b"{" * 2000,
    b"<a>" * 2000,
    b"9999-12-31",
    b"Fri, 31 Dec 9999 23:59:59 GMT",
    b"@string{x = x # x}",
    b'<!DOCTYPE x [<!ENTITY a "b">]>',
    b"\\u00",
    b"\x00",
    b"\xff\xfe",
    b"&a;",
    b"{{{{",
    b"*a &a [*a, *a]",
]
# CI runs the full count; the fast tier on a laptop runs fewer. Examples are drawn the same
# way every run (derandomize): a failure is one to fix, never a flaky run; a longer hunt is
# FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_inputs.py.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or examples(300))
DERANDOMIZE = "FUZZ_EXAMPLES" not in os.environ


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    sample = draw(st.sampled_from(SAMPLES))
    data = sample.read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "insert", "replace", "splice"]))
        if action == "cut":
            data = data[:at]
        elif action == "insert":
            data = data[:at] + draw(st.sampled_from(POISON)) + data[at:]
        elif action == "replace":
            end = min(len(data), at + draw(st.integers(1, 64)))
            data = data[:at] + draw(st.binary(max_size=64)) + data[end:]
        else:
            data = data[:at] + data[at // 2 :]
    return sample.name, data


def _read_everything(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    problems = Problems()
    read_listing(ListingContext(path, name, None), problems)
    text = data.decode("utf-8", "replace")
    read_library_text(text, name, Problems())


@settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated())
def test_mutated_real_samples_never_raise(tmp_path: Path, case: tuple[str, bytes]) -> None:
    _read_everything(tmp_path, *case)


@settings(
    max_examples=EXAMPLES,
    derandomize=DERANDOMIZE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(["2025-03-11.json", "x.xml", "2025-03-11.bib", "a.txt", "d.jsonl"]),
    st.binary(max_size=4000),
)
def test_random_bytes_never_raise(tmp_path: Path, name: str, data: bytes) -> None:
    _read_everything(tmp_path, name, data)
