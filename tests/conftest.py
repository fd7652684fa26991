"""Shared fixtures: where ../shared is, small archives, generated corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DATELINE_SHARED") or ROOT.parent / "shared")


def shared_path(*parts: str) -> Path:
    """A path inside ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not found ({path}): third-party corpora live there, beside the "
                    "repository; set DATELINE_SHARED to point elsewhere")
    return path


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    return tmp_path / "test.dateline"


@pytest.fixture
def archive(archive_path: Path):
    from dateline import Archive

    arc = Archive(archive_path, create=True)
    yield arc
    arc.close()


def write_kbs_radio(folder: Path, name: str, day: str, reporter: str, body: str) -> Path:
    """A small fictional KBS World Radio style transcript."""
    text = (f" date {day} Photo : YONHAP News\n\nAnchor: {body} {reporter} has more.Report: "
            f"{body}[Sound bite: Harbour Minister Park Sol-bin]\"We will open the eastern "
            f"railway soon.\"{reporter}, KBS World Radio News.")
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- store backends (tests/test_store_contract.py) ----------------------------------------------


def store_backends() -> list[str]:
    """The store backends a contract suite runs against (a fixture ``<name>_backend`` each)."""
    return ["sqlite", "memory"]


@pytest.fixture
def sqlite_backend(tmp_path: Path):
    """Opens the SQLite store of one archive folder (a new connection per call)."""
    from dateline.store.sqlite_backend import SQLiteBackend

    folder = tmp_path / "contract.dateline"
    folder.mkdir(exist_ok=True)
    return lambda readonly=False: SQLiteBackend(folder, readonly=readonly)


@pytest.fixture
def memory_backend():
    """Opens a store in memory (the test double: one connection, gone when closed)."""
    from dateline.store.sqlite_backend import SQLiteBackend

    return lambda readonly=False: SQLiteBackend.memory()

