"""Shared fixtures: where ../shared is, small archives, generated corpora."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DATELINE_SHARED") or ROOT.parent / "shared")


def load_script(relative: str, name: str | None = None) -> ModuleType:
    """A script of the repository (``benchmarks/retrieval.py``) loaded as a module, once, under
    ``name`` (by default ``dateline_<folder>_<stem>``) in ``sys.modules``: dataclasses look
    their module up there, and a script may import another by that name."""
    path = ROOT / relative
    name = name or f"dateline_{path.parent.name}_{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--store", default="sqlite", choices=("sqlite", "postgresql"),
                     help="the store backend of the archives tests make (archive_path): an "
                          "archive folder, or a database on a test PostgreSQL server")


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    """The folder of a test's archive (with ``--store postgresql``, of its indexes: the
    archive is in a database, see _archives_on_the_test_store)."""
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
    return ["sqlite", "memory", "postgresql"]


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


# -- a PostgreSQL server for the tests of server mode -------------------------------------------

_pg_state: dict[str, object] = {}


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL server on 127.0.0.1 for this test process (each xdist worker has its own),
    stopped when the session ends; the tests that need one skip, with the reason, when none can
    be started here."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from pg_cluster import Cluster, ClusterUnavailable

    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("server mode needs psycopg: pip install 'dateline[server]'")
    try:
        cluster = Cluster().start()
    except ClusterUnavailable as exc:
        pytest.skip(f"no PostgreSQL server could be started: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database on the test server (one per test)."""
    n = int(_pg_state.get("databases", 0)) + 1  # type: ignore[call-overload]
    _pg_state["databases"] = n
    return pg_cluster.create_database(f"t{os.getpid()}_{n}")


@pytest.fixture
def pg_archive_url(pg_cluster) -> str:
    """The URL of a new database holding an empty archive."""
    return _archive_database(pg_cluster)


def _archive_database(cluster) -> str:  # noqa: ANN001
    """A new database holding an empty archive, copied from a template archive made once per
    session (creating the schema takes a while).  Each copy gets a store id of its own."""
    import uuid

    from dateline.store.postgres import PostgresBackend

    if "template" not in _pg_state:
        url = cluster.create_database("dateline_template")
        PostgresBackend(url, create=True).close()
        _pg_state["template"] = "dateline_template"
    n = int(_pg_state.get("databases", 0)) + 1  # type: ignore[call-overload]
    _pg_state["databases"] = n
    name = f"a{os.getpid()}_{n}"
    cluster.create_database(name, template="dateline_template")
    cluster.execute(f"UPDATE meta SET value = '{uuid.uuid4().hex}' WHERE key = 'store_id'", name)
    return cluster.url_of(name)


@pytest.fixture
def postgresql_backend(pg_archive_url: str, tmp_path: Path):
    """Opens the store of one archive in a PostgreSQL database (a new connection per call)."""
    from dateline.store.postgres import PostgresBackend

    return lambda readonly=False: PostgresBackend(pg_archive_url, readonly=readonly,
                                                  folder=tmp_path)


@pytest.fixture(autouse=True)
def _archives_on_the_test_store(request: pytest.FixtureRequest) -> None:
    """With ``--store postgresql`` every archive a test opens by its folder lives in a database
    of the test server instead (one per folder; the folder holds that archive's indexes), so
    that the whole suite runs in server mode.  Tests of what only a folder can do skip."""
    if request.config.getoption("--store") != "postgresql" or \
            request.module.__name__ == "test_server":  # that one names its backends
        return
    if request.node.get_closest_marker("embedded_only"):
        pytest.skip("embedded archives only: " + request.node.get_closest_marker(
            "embedded_only").args[0])
    # asked for here only: set up before a test's own fixtures, it would be undone after them
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    from dateline import archive as archive_module
    from dateline.store.backend import server_url

    original = archive_module.Archive.__init__
    databases: dict[Path, str] = _pg_state.setdefault("by_folder", {})  # type: ignore[assignment]

    def init(self, path=None, *, create=False, readonly=False, index_dir=None):  # noqa: ANN001
        location = path if path is not None else archive_module.settings.default_archive()
        if server_url(location) is None:
            folder = Path(location).expanduser().resolve()
            if folder not in databases and create:
                databases[folder] = _new_archive_database(request)
            if folder in databases:
                return original(self, databases[folder], create=create, readonly=readonly,
                                index_dir=index_dir or folder)
        return original(self, path, create=create, readonly=readonly, index_dir=index_dir)

    monkeypatch.setattr(archive_module.Archive, "__init__", init)
    request.addfinalizer(databases.clear)


def _new_archive_database(request: pytest.FixtureRequest) -> str:
    """A new database holding an empty archive, on the test server."""
    return _archive_database(request.getfixturevalue("pg_cluster"))
