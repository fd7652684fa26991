"""Server mode: an archive in PostgreSQL, behind the same Archive (a test server on 127.0.0.1).

URL rules, credentials never shown, the machine's own indexes kept current from the store's
change sequence, many writers at once, entity merges from two sessions, ``dateline copy``
both ways.  All texts here are invented or generated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import write_kbs_radio
from dateline import Archive
from dateline.cli import app
from dateline.errors import ArchiveError, ArchiveNotFound, InputError

runner = CliRunner()


def _corpus(folder: Path, n: int, offset: int = 0) -> Path:
    for i in range(offset, offset + n):
        write_kbs_radio(folder, f"s{i:04d}.txt", f"2019-{1 + i % 12:02d}-{1 + i % 27:02d}",
                        "Han Ji-ho", f"Talks number {i} on the harbour railway opened with "
                        f"officials of port {i} and the ministry of item {i * 7}.")
    return folder


@pytest.fixture(autouse=True)
def _machine_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's folder of a server archive's indexes, for the archives a test opens
    without naming one: in the test's folder, never in ~/.cache."""
    monkeypatch.setenv("DATELINE_INDEX_DIR", str(tmp_path / "machine"))


@pytest.fixture
def server(pg_archive_url: str, tmp_path: Path) -> Archive:
    arc = Archive(pg_archive_url, index_dir=tmp_path / "node")
    yield arc
    arc.close()


# -- naming an archive ----------------------------------------------------------------------------


@pytest.mark.parametrize("location", ["postgresql:/me@db/news", "postgres:news",
                                      "http://example.invalid/archive", "s3://bucket/archive"])
def test_server_url_looking_archives_are_urls_or_clear_errors(location: str, tmp_path: Path,
                                                             monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError):
        Archive(location, create=True)
    result = runner.invoke(app, ["stats", "--archive", location])
    assert result.exit_code != 0 and "URL" in str(result.exception or result.output)
    monkeypatch.setenv("DATELINE_ARCHIVE", location)
    with pytest.raises(InputError):
        Archive(create=True)
    assert list(tmp_path.iterdir()) == []  # no folder named "postgresql:" or "http:"


def test_server_archive_by_environment_and_a_database_without_one(pg_url: str, tmp_path: Path,
                                                                  monkeypatch) -> None:
    monkeypatch.setenv("DATELINE_INDEX_DIR", str(tmp_path / "node"))
    with pytest.raises(ArchiveNotFound, match="no dateline archive"):
        Archive(pg_url)
    monkeypatch.setenv("DATELINE_ARCHIVE", pg_url)
    with Archive(create=True) as arc:
        assert arc.server and arc.path == tmp_path / "node"
        assert arc.stats()["stories"] == 0


def test_server_password_is_never_shown(pg_archive_url: str, tmp_path: Path, caplog) -> None:
    secret = "s3cret-Pa55"
    url = pg_archive_url.replace("postgres@", f"postgres:{secret}@")  # trust: accepted
    _corpus(tmp_path / "in", 2)
    env = {**os.environ, "DATELINE_INDEX_DIR": str(tmp_path / "node")}
    outputs = []
    for args in (["ingest", str(tmp_path / "in")], ["stats"], ["stats", "--format", "json"],
                 ["search", "harbour"], ["rejects"]):
        proc = subprocess.run([sys.executable, "-m", "dateline", *args, "--archive", url],
                              capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout + proc.stderr)
    assert json.loads(outputs[2])["archive"].startswith("postgresql://postgres@127.0.0.1:")
    wrong = url.rsplit("/", 1)[0] + "/no_such_database"
    with pytest.raises(ArchiveError) as info:
        Archive(wrong)
    outputs.append(str(info.value))
    proc = subprocess.run([sys.executable, "-m", "dateline", "stats", "--archive", wrong],
                          capture_output=True, text=True, env=env)
    assert proc.returncode != 0 and "no_such_database" in proc.stderr
    outputs.append(proc.stdout + proc.stderr)
    outputs.append(caplog.text)
    assert all(secret not in text for text in outputs)


def test_server_driver_is_not_imported_by_the_cli_or_an_embedded_archive(tmp_path: Path) -> None:
    code = ("import sys, dateline.cli; from dateline import Archive; "
            f"Archive({str(tmp_path / 'a')!r}, create=True).close(); "
            "print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


# -- one archive, several machines ----------------------------------------------------------------


def test_server_each_machine_keeps_its_own_index_current(pg_archive_url: str,
                                                         tmp_path: Path) -> None:
    writer = Archive(pg_archive_url, index_dir=tmp_path / "writer")
    reader = Archive(pg_archive_url, readonly=True, index_dir=tmp_path / "reader")
    try:
        writer.ingest([_corpus(tmp_path / "a", 3)], workers=1)
        assert reader.search("harbour").total == 3  # a read-only node indexes for itself
        writer.ingest([_corpus(tmp_path / "b", 2, offset=3)], workers=1)
        assert reader.search("harbour").total == 5
        assert (tmp_path / "reader" / "index").is_dir() and (tmp_path / "writer" / "index").is_dir()
        # an entity merged on one machine is indexed by its canonical name on the other
        both = {"Park Sol-bin", "Han Ji-ho"}
        assert both <= {e.name for e in writer.entities(kind="person")}
        assert all(reader.search(f'person:"{name}"').total == 5 for name in both)
        writer.merge_entities("Park Sol-bin", "Han Ji-ho")
        [gone] = both - {writer.entity("Park Sol-bin").name}
        assert reader.search(f'person:"{gone}"').total == 0
        assert reader.search(f'person:"{(both - {gone}).pop()}"').total == 5
        with pytest.raises(Exception, match="read"):  # the store itself stays read-only
            reader.store.set_meta("x", "1")
    finally:
        writer.close()
        reader.close()


def test_server_a_folder_made_from_another_store_is_emptied(pg_cluster, tmp_path: Path) -> None:
    from conftest import _archive_database

    node = tmp_path / "node"
    first, second = _archive_database(pg_cluster), _archive_database(pg_cluster)
    with Archive(first, index_dir=node) as arc:
        arc.ingest([_corpus(tmp_path / "a", 3)], workers=1)
        assert arc.search("harbour").total == 3
    with Archive(second, index_dir=node) as arc:  # same folder, another store
        assert arc.search("harbour").total == 0
        arc.ingest([_corpus(tmp_path / "b", 1)], workers=1)
        assert arc.search("harbour").total == 1


def test_server_what_needs_a_folder_says_so(server: Archive, pg_archive_url: str) -> None:
    with pytest.raises(ArchiveError, match="archive folder"):
        server.rebuild()
    result = runner.invoke(app, ["datasette", "--archive", pg_archive_url, "--metadata"])
    assert result.exit_code != 0 and "SQLite" in str(result.exception or result.output)


def test_server_derived_watermarks_live_in_the_machine_folder(server: Archive,
                                                              tmp_path: Path) -> None:
    server.ingest([_corpus(tmp_path / "in", 2)], workers=1)
    server.search("harbour")
    marks = json.loads((server.path / "marks.json").read_text())
    assert marks["marks"]["index_seq"] == server.store.max_seq()
    assert server.store.get_meta("index_seq") is None  # never in the shared store
    assert server.stats()["index_behind"] == 0
    assert server.reindex() == 2


def test_server_each_machine_embeds_for_itself(pg_archive_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Vectors are files of each machine's folder with the machine's own watermark; the
    numbers that tie stories to them are shared, so one machine starting its index again
    leaves the other's whole."""
    pytest.importorskip("usearch", reason="semantic search needs the 'semantic' extra")
    monkeypatch.setenv("DATELINE_EMBEDDING_MODEL", "hash-words")
    one = Archive(pg_archive_url, index_dir=tmp_path / "one")
    two = Archive(pg_archive_url, index_dir=tmp_path / "two")
    try:
        one.ingest([_corpus(tmp_path / "a", 4)], workers=1)
        assert one.embed().done == 4
        assert (tmp_path / "one" / "vectors").is_dir() and not (tmp_path / "two").joinpath(
            "vectors").exists()
        first = one.search("harbour railway port 2", mode="semantic", limit=3)
        assert first.not_embedded == 0 and len(first.hits) == 3
        waiting = two.search("harbour railway port 2", mode="semantic", limit=3)
        assert waiting.not_embedded == 4 and waiting.hits == []
        assert two.embed().done == 4
        assert not any(k.startswith("embed_seq:") for k, in
                       two.store.conn.execute("SELECT key FROM meta"))
        again = two.search("harbour railway port 2", mode="semantic", limit=3)
        assert [(h.id, round(h.score, 4)) for h in again.hits] == [
            (h.id, round(h.score, 4)) for h in first.hits]
        assert one.embed(rebuild=True).done == 4  # one machine starts again ...
        one.ingest([_corpus(tmp_path / "b", 1, offset=4)], workers=1)
        assert one.embed().done == 1
        hybrid = two.search("harbour railway port 2", mode="hybrid", limit=3)
        assert hybrid.not_embedded == 1  # ... the other is behind by the new story only
        assert two.embed().done == 1
        assert [h.id for h in two.search("harbour railway port 2", mode="semantic",
                                         limit=3).hits] == [
            h.id for h in one.search("harbour railway port 2", mode="semantic", limit=3).hits]
        assert one.embed_status()["passages"] == two.embed_status()["passages"] == 5
    finally:
        one.close()
        two.close()


# -- many writers ---------------------------------------------------------------------------------


def _ingest_process(url: str, folder: Path, node: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dateline", "ingest", str(folder), "--archive", url, "--quiet",
         "--workers", "1"], env={**os.environ, "DATELINE_INDEX_DIR": str(node)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_server_four_writers_lose_and_double_nothing(pg_cluster, tmp_path: Path) -> None:
    from conftest import _archive_database

    # four folders; folder 3 repeats two files of folder 0 (the same bytes, another name) and
    # one file of folder 1 with the same name: duplicates and unchanged sources under races
    parts = [_corpus(tmp_path / f"p{i}", 12, offset=12 * i) for i in range(4)]
    for i in range(2):
        (parts[3] / f"copy{i}.txt").write_bytes((parts[0] / f"s{i:04d}.txt").read_bytes())
    (parts[3] / "s0012.txt").write_bytes((parts[1] / "s0012.txt").read_bytes())
    together, apart = _archive_database(pg_cluster), _archive_database(pg_cluster)
    one = _ingest_process(together, tmp_path, tmp_path / "n0")
    assert one.wait(timeout=600) == 0, one.stderr.read() if one.stderr else ""
    procs = [_ingest_process(apart, part, tmp_path / f"n{i + 1}") for i, part in
             enumerate(parts)]
    # a web reader searches all along, keeping its machine's index current as writers commit
    seen: list[int] = []
    failures: list[BaseException] = []

    def read() -> None:
        try:
            with Archive(apart, readonly=True, index_dir=tmp_path / "web") as web:
                while any(p.poll() is None for p in procs):
                    seen.append(web.search("harbour", limit=1).total)
                    time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    for proc in procs:
        assert proc.wait(timeout=600) == 0, proc.stderr.read() if proc.stderr else ""
    reader.join()
    assert not failures and seen and seen == sorted(seen)  # never went back
    with Archive(apart, readonly=True, index_dir=tmp_path / "web") as web:  # caught up: all
        assert web.search("harbour", limit=1).total == 48
        assert web.engine.doc_count() == 48

    def facts(url: str) -> tuple:
        with Archive(url, readonly=True, index_dir=tmp_path / "check") as arc:
            rows = arc.store.conn.execute(
                "SELECT s.key, r.text_hash, s.duplicate_of IS NULL FROM stories s JOIN "
                "revisions r ON r.story_id = s.id AND r.revision = s.revision ORDER BY s.key"
            ).fetchall()
            seqs = [r[0] for r in arc.store.conn.execute("SELECT seq FROM stories")]
            runs = arc.store.conn.execute("SELECT status FROM runs").fetchall()
            stats = arc.stats()
            found = arc.search("harbour", limit=1).total
        assert len(seqs) == len(set(seqs))  # every change has a number of its own
        assert {r[0] for r in runs} == {"done"}
        return ([(k, h) for k, h, _ in rows], sum(1 for *_, orig in rows if orig),
                stats["sources"], stats["duplicates"], found)

    alone, four = facts(together), facts(apart)
    assert four[0] == alone[0]  # the same stories, by key and text
    assert four[1:4] == alone[1:4] == (48, 50, 2)
    assert four[4] == 48


def test_server_sequence_numbers_become_visible_in_the_order_taken(pg_archive_url: str,
                                                                   tmp_path: Path) -> None:
    """A writer that takes sequence numbers holds them until it commits: a second writer
    waits, so no number can become visible before a smaller one (a watermark follower that
    saw seq 7 never misses a later commit of seq 6)."""
    from dateline.store import Store
    from dateline.store.postgres import PostgresBackend

    first = Store(PostgresBackend(pg_archive_url, folder=tmp_path))
    second = Store(PostgresBackend(pg_archive_url, folder=tmp_path))
    order: list[str] = []
    holding = threading.Event()

    def slow_writer() -> None:
        with first.backend.transaction():
            seq = first.lock_seq()
            holding.set()
            time.sleep(0.5)
            first.set_meta("seq", str(seq + 5))
            order.append("first commits")

    thread = threading.Thread(target=slow_writer)
    thread.start()
    holding.wait(5)
    with second.backend.transaction():
        seen = second.lock_seq()  # waits for the first writer's commit
        order.append("second takes")
        second.set_meta("seq", str(seen + 1))
    thread.join()
    assert order == ["first commits", "second takes"] and seen == 5
    assert first.max_seq() == 6
    first.close()
    second.close()


def test_server_merges_from_two_sessions_at_once_keep_the_entity_tables_whole(
        pg_archive_url: str, tmp_path: Path) -> None:
    from dateline.store.entities import EntityStore

    setup = Archive(pg_archive_url, index_dir=tmp_path / "setup")
    for i, (reporter, minister) in enumerate([("Han Ji-ho", "Park Sol-bin"),
                                              ("Kim Da-eun", "Lee Mun-su"),
                                              ("Choi Ha-na", "Jung Woo-jin")]):
        folder = tmp_path / f"in{i}"
        for j in range(3):
            (folder / f"{i}-{j}.txt").parent.mkdir(parents=True, exist_ok=True)
            (folder / f"{i}-{j}.txt").write_text(
                f" date 2019-03-0{j + 1} Photo : YONHAP News\n\nAnchor: Story {i} {j} on the "
                f"harbour. {reporter} has more.Report: The harbour reopened.[Sound bite: "
                f"Harbour Minister {minister}]\"We will open it.\"{reporter}, KBS World Radio "
                "News.", encoding="utf-8")
        setup.ingest([folder], workers=1)
    setup.close()
    sessions = [Archive(pg_archive_url, index_dir=tmp_path / f"s{i}") for i in range(2)]
    pairs = [("Park Sol-bin", "Han Ji-ho"), ("Lee Mun-su", "Kim Da-eun")]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def merge(arc: Archive, pair: tuple[str, str]) -> None:
        try:
            barrier.wait(5)
            arc.merge_entities(*pair)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=merge, args=(s, p)) for s, p in zip(sessions, pairs,
                                                                          strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    arc = sessions[0]
    es = EntityStore(arc.store.conn)
    assert len(es.overrides()) == 2
    for kept, gone in pairs:  # both merges hold
        profile = arc.entity(kept)
        assert gone in {a["alias"] for a in profile.aliases}
    conn = arc.store.conn
    assert conn.execute("SELECT COUNT(*) FROM entity_aliases a LEFT JOIN entities e ON "
                        "e.id = a.entity_id WHERE e.id IS NULL").fetchone()[0] == 0
    counts = dict(((e, m), n) for e, m, n in conn.execute(
        "SELECT entity_id, month, stories FROM entity_period_counts"))
    es.rebuild_counts()
    assert counts == dict(((e, m), n) for e, m, n in conn.execute(
        "SELECT entity_id, month, stories FROM entity_period_counts"))
    for s in sessions:
        s.close()


# -- copy -----------------------------------------------------------------------------------------


def _export(location: str | Path, index_dir: Path) -> str:
    import io

    with Archive(location, readonly=True, index_dir=index_dir) as arc:
        out = io.StringIO()
        arc.export(out, "jsonl", include_duplicates=True)
        return out.getvalue()


def _tables(location: str | Path, index_dir: Path) -> dict[str, list[tuple]]:
    from dateline.store.copying import is_local_meta

    with Archive(location, readonly=True, index_dir=index_dir) as arc:
        out = {}
        for table in sorted(set(arc.store.backend.table_names()) - {"sqlite_sequence"}):
            columns = arc.store.backend.columns(table)
            rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                    for row in arc.store.conn.execute(
                        f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM "
                        f"{table}")]
            if table == "meta":
                rows = [r for r in rows if not is_local_meta(r[0])]
            out[table] = sorted(rows, key=repr)
        return out


@pytest.mark.slow
def test_server_copy_both_ways_keeps_everything(pg_url: str, tmp_path: Path) -> None:
    from dateline.sample import generate

    corpus = tmp_path / "corpus"
    generate(corpus, 60, seed=5, duplicates=0.1, revisions=0.1)
    _corpus(corpus / "extra", 2)
    (corpus / "bad.txt").write_bytes(b"\x00\x01\x02 not a transcript")
    embedded = tmp_path / "embedded.dateline"
    with Archive(embedded, create=True) as arc:
        arc.ingest([corpus], workers=1)
        arc.merge_entities("Park Sol-bin", "Han Ji-ho")
        arc.update_near_duplicates()
        assert arc.rejects()
    result = runner.invoke(app, ["copy", str(embedded), pg_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"]["stories"] > 60
    back = tmp_path / "back.dateline"
    assert runner.invoke(app, ["copy", pg_url, str(back)]).exit_code == 0
    node = tmp_path / "node"
    assert _export(embedded, node) == _export(pg_url, node) == _export(back, node)
    assert _tables(embedded, node) == _tables(pg_url, node) == _tables(back, node)
    with Archive(pg_url, index_dir=node) as arc:
        with Archive(embedded) as original:
            assert arc.search("harbour").total == original.search("harbour").total
        arc.ingest([_corpus(tmp_path / "more", 1, offset=900)], workers=1)  # ids go on
        assert arc.stats()["runs"] == 2
    again = runner.invoke(app, ["copy", str(embedded), pg_url])
    assert again.exit_code != 0 and "not empty" in str(again.exception or again.output)
