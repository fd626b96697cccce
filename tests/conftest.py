"""Shared fixtures. Test data lives in tests/data; the bundled sample in data/sample."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
OUTPUT = TESTS / "output"


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    """A hand-written valid dataset: 2 communities, 6 participants, 5 turns."""
    return TESTS / "data" / "tiny"


@pytest.fixture(scope="session")
def broken_path() -> Path:
    """Deliberately broken files; tests/test_load.py lists what is wrong with each."""
    return TESTS / "data" / "broken"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample(sample_path):
    import cpanalysis

    return cpanalysis.load(sample_path)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave files worth looking at (screenshots, figures)."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


def assert_same_tables(expected, got):
    """The tables an export of the shipped form carries are the same in both datasets (importer round trips)."""
    import pandas as pd

    from cpanalysis.importers.exports import form_tables

    a, b = form_tables(expected), form_tables(got)
    assert sorted(a) == sorted(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False, obj=name)


# One Voila server and one Chromium per test process, whichever browser test files it runs (two sync
# Playwright sessions in one process fail): see browser_support.py.
@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    from browser_support import serve_voila

    yield from serve_voila(tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    from browser_support import launch_browser

    yield from launch_browser()
