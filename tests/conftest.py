"""Shared fixtures: the blank template is written once per session; schools are copies of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import builders


@pytest.fixture(scope="session")
def blank_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blank 2024 template, written once per session. Copy it; never modify it."""
    builders.use_cache_dir(tmp_path_factory.mktemp("builders"))
    return builders.blank_template()


@pytest.fixture
def make_school(blank_template: Path, tmp_path: Path) -> Callable[..., Path]:
    """`make_school(name="x.xlsx", **overrides)`: a good school in this test's tmp_path."""

    def make(name: str = "市一职.xlsx", **overrides: Any) -> Path:
        return builders.good_school(tmp_path, name, **overrides)

    return make


@pytest.fixture
def school(make_school: Callable[..., Path]) -> Path:
    """A copy of the good school, free to break."""
    return make_school()
