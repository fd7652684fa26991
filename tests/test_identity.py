"""Story identity: records that share a URL stay different stories; revisions need evidence."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_path, write_kbs_radio
from dateline import Archive
from dateline.readers import ReaderOptions
from dateline.store.identity import (
    RecordIdentity,
    StoredVersion,
    record_keys,
    resemblance,
    revision_evidence,
    story_key,
)


def _ingest(archive: Archive, *paths: Path, **options: object):
    return archive.ingest(list(paths), ReaderOptions(**options), workers=1, index=False)


def _jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


# -- the rules, on their own ------------------------------------------------------------------


def test_record_keys_a_url_of_its_own_is_the_identity() -> None:
    keys = record_keys("a.jsonl", [("line 1", "https://x.invalid/1", None),
                                   ("line 2", "https://x.invalid/2", None)])
    assert keys == [RecordIdentity("url:https://x.invalid/1"),
                    RecordIdentity("url:https://x.invalid/2")]


def test_record_keys_a_page_url_shared_by_many_records_keys_by_title() -> None:
    page = "https://x.invalid/daily/2011-12-19"
    keys = record_keys("a.jsonl", [(f"line {i}", page, page) for i in range(1, 4)])
    assert all(k == RecordIdentity(f"url:{page}", by_title=True) for k in keys)
    assert story_key(keys[0], "Kim  Jong Il Dies", 0) == f"url:{page}|kim jong il dies#0"
    assert story_key(keys[0], None, 0) == f"url:{page}#0"


def test_record_keys_a_unique_id_wins_over_a_shared_url() -> None:
    page = "https://x.invalid/daily/1"
    keys = record_keys("a.jsonl", [("line 1", page, "a-1"), ("line 2", page, "a-2"),
                                   ("line 3", "https://x.invalid/own", "a-3")])
    assert keys[0].base == "id:a-1" and keys[1].base == "id:a-2"
    assert keys[2].base == "url:https://x.invalid/own"  # its URL is its own: kept as before


def test_record_keys_a_url_seen_twice_among_many_is_the_same_page() -> None:
    # a scrape that met one page twice: not a source of pages (revisions need evidence)
    records = [(f"line {i}", f"https://x.invalid/{i}", None) for i in range(20)]
    records.append(("line 21", "https://x.invalid/3", None))
    keys = record_keys("a.jsonl", records)
    assert keys[3] == keys[20] == RecordIdentity("url:https://x.invalid/3")


def test_record_keys_without_url_or_id_use_the_source_and_place() -> None:
    keys = record_keys("a.csv", [("row 1", None, "7"), ("row 2", None, "7"), ("row 3", None,
                                                                                None)])
    assert [k.base for k in keys] == ["src:a.csvrow 1", "src:a.csvrow 2", "src:a.csvrow 3"]


SENTENCE = ("the ministry said talks on the railway link across the border would resume next "
            "month after a pause of two years while officials prepared an inspection")


def _text(seed: int, n: int = 60) -> str:
    rng = random.Random(seed)
    words = SENTENCE.split()
    return " ".join(rng.choice(words) if rng.random() < 0.3 else f"w{seed}x{rng.randrange(900)}"
                    for _ in range(n))


@pytest.mark.parametrize(("old", "new", "title_in_key", "why"), [
    (StoredVersion("A", "one two three four five six", None),
     StoredVersion("B", "one two three four five six seven", None), False, "near-identical text"),
    (StoredVersion("Talks", "one two three four five six", None),
     StoredVersion("Talks", "one two three nine ten eleven", None), False, "same title"),
    (StoredVersion("Talks", "one two three four five six", "2020-01-01T09:00:00+09:00"),
     StoredVersion("Other", "one two three nine ten eleven", "2020-01-01T11:00:00+09:00"), False,
     "later update time"),
    # unrelated texts are never revisions, whatever the titles and times
    (StoredVersion("Talks", "one two three four five six", "2020-01-01T09:00:00+09:00"),
     StoredVersion("Talks", "seven eight nine ten eleven twelve", "2020-01-02T09:00:00+09:00"),
     False, None),
    # a title that is part of the key proves nothing
    (StoredVersion("Talks", "one two three four five six", None),
     StoredVersion("Talks", "one two three nine ten eleven", None), True, None),
])
def test_revision_evidence(old: StoredVersion, new: StoredVersion, title_in_key: bool,
                           why: str | None) -> None:
    found = revision_evidence(old, new, title_in_key=title_in_key)
    assert (found[0] if found else None) == why


def test_resemblance_is_symmetric_and_bounded() -> None:
    a, b = _text(1), _text(2)
    assert resemblance(a, a) == 1.0
    assert resemblance(a, b) == resemblance(b, a) < 0.3
    assert resemblance("", a) == 0.0


# -- ingest ------------------------------------------------------------------------------------


def _kcna_items() -> list[dict[str, str]]:
    """KCNA items with text, one per link and per text (the file repeats some)."""
    path = shared_path("corpora", "kcna-stiles-2024", "headlines_2024-11-11.json")
    seen_links: set[str] = set()
    seen_texts: set[str] = set()
    out = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        text = (item.get("story_text") or "").strip()
        norm = " ".join(text.split())
        if not text or item["link"] in seen_links or norm in seen_texts:
            continue
        seen_links.add(item["link"])
        seen_texts.add(norm)
        out.append(item)
    return out


def _edited(text: str, rng: random.Random) -> str:
    """The same story re-edited: a few words changed and a sentence added."""
    words = text.split()
    for _ in range(max(1, len(words) // 40)):
        words[rng.randrange(len(words))] = "reportedly"
    return " ".join(words) + " The report was updated later in the day."


def _daily_page_records(items: list[dict[str, str]], seed: int = 3
                        ) -> tuple[list[dict[str, object]], dict[str, int]]:
    """Records shaped like a news agency's daily pages: ``id`` is the URL of the page of the
    day, several items per page; with exact repeats and re-edited items mixed in.  Returns the
    records and what was planted."""
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    planted = Counter[str]()
    for item in items:
        record = {"id": f"https://agency.invalid/daily/{item['date_str']}.html",
                  "date": item["date_str"], "title": " ".join(item["headline"].split()),
                  "language": "en", "text": item["story_text"]}
        records.append(record)
        roll = rng.random()
        if roll < 0.05:
            records.append(dict(record))
            planted["repeats"] += 1
        elif roll < 0.10:
            records.append({**record, "text": _edited(str(record["text"]), rng)})
            planted["revisions"] += 1
    return records, planted


def test_daily_page_records_stay_separate_stories(archive: Archive, tmp_path: Path) -> None:
    items = _kcna_items()
    records, planted = _daily_page_records(items)
    pages = {r["id"] for r in records}
    assert len(pages) * 3 < len(items)  # several items per page, as on the agency's site
    report = _ingest(archive, _jsonl(tmp_path / "in" / "daily.jsonl", records))
    counts = report.counts
    stats = archive.stats()
    assert stats["stories"] == len(items)  # every item is a story, none hidden as a revision
    assert counts.revised == stats["revised_stories"] == planted["revisions"]
    assert counts.revised_by == {"near-identical text": planted["revisions"]}
    assert counts.unchanged == planted["repeats"]
    per_page = Counter(r["id"] for r in records)
    assert counts.shared_url == counts.by_title == sum(n for n in per_page.values() if n > 1)
    assert counts.suspicious() == []
    # what a timeline counts: the stories of each day are the items of that day
    by_day = Counter(s.date.isoformat() for s in archive.stories())
    assert by_day == Counter(item["date_str"] for item in items)


def test_daily_pages_scraped_again_revise_only_what_changed(archive: Archive,
                                                            tmp_path: Path) -> None:
    items = _kcna_items()[:400]
    records, _ = _daily_page_records(items, seed=5)
    _ingest(archive, _jsonl(tmp_path / "a" / "daily.jsonl", records))
    before = archive.stats()
    rng = random.Random(9)
    again = [dict(r) for r in records]
    changed = rng.sample(range(len(again)), 25)
    for i in changed:
        again[i]["text"] = _edited(str(again[i]["text"]), rng)
    report = _ingest(archive, _jsonl(tmp_path / "b" / "daily.jsonl", again))
    after = archive.stats()
    assert after["stories"] == before["stories"]
    assert report.counts.revised == len(changed)
    assert report.counts.new == report.counts.kept_apart == 0


def test_unrelated_text_under_a_known_url_is_a_story_of_its_own(archive: Archive,
                                                                tmp_path: Path) -> None:
    url = "https://news.invalid/page/1"
    _ingest(archive, _jsonl(tmp_path / "a" / "p.jsonl",
                            [{"url": url, "title": "Railway talks", "text": _text(1)}]))
    report = _ingest(archive, _jsonl(tmp_path / "b" / "p.jsonl",
                                     [{"url": url, "title": "Flood warning", "text": _text(2)}]))
    assert report.counts.kept_apart == 1 and report.counts.revised == 0
    assert archive.stats()["stories"] == 2
    # the same record again finds the story it made
    again = _ingest(archive, _jsonl(tmp_path / "c" / "copy.jsonl",
                                    [{"url": url, "title": "Flood warning", "text": _text(2)}]))
    assert again.counts.unchanged == 1 and archive.stats()["stories"] == 2
    # and an edited copy of it is a revision of that story, not of the first
    edited = _text(2).replace("w2x", "w2y", 5)
    last = _ingest(archive, _jsonl(tmp_path / "d" / "p.jsonl",
                                   [{"url": url, "title": "Flood warning", "text": edited}]))
    assert last.counts.revised == 1
    titles = sorted(s.title or "" for s in archive.stories())
    assert titles == ["Flood warning", "Railway talks"]


def test_same_file_name_in_two_folders_with_unrelated_texts(archive: Archive,
                                                            tmp_path: Path) -> None:
    write_kbs_radio(tmp_path / "2019", "news.txt", "2019-03-04", "Han Ji-ho",
                    "The harbour reopened after the storm and the ferries are running again.")
    write_kbs_radio(tmp_path / "2020", "news.txt", "2020-06-01", "Kim Bo-ra",
                    "Parliament passed the budget bill late on Friday after a long debate.")
    report = _ingest(archive, tmp_path / "2019", tmp_path / "2020")
    assert report.counts.new == 2 and report.counts.revised == 0


def test_a_revised_kbs_page_is_still_a_revision(archive: Archive, tmp_path: Path) -> None:
    body = "The ministry met today to discuss the eastern railway and its opening date."
    write_kbs_radio(tmp_path / "v1", "page.txt", "2020-01-02", "Han Ji-ho", body)
    write_kbs_radio(tmp_path / "v2", "page.txt", "2020-01-02", "Han Ji-ho",
                    body + " The minister said a decision would come next week.")
    _ingest(archive, tmp_path / "v1")
    report = _ingest(archive, tmp_path / "v2")
    assert report.counts.revised == 1 and report.counts.kept_apart == 0


def test_a_file_that_revises_its_own_records_is_called_suspicious(archive: Archive,
                                                                  tmp_path: Path) -> None:
    # one URL for every record and no titles: the records read as versions of one story
    base = _text(7, 200)
    records = [{"url": "https://x.invalid/feed", "text": base + f" item {i}"} for i in range(150)]
    report = _ingest(archive, _jsonl(tmp_path / "in" / "feed.jsonl", records))
    assert report.counts.revised == 149
    [line] = report.counts.suspicious()
    assert "feed.jsonl" in line and "149" in line and "--id-field" in line


# -- repairing an archive made under the old rule ----------------------------------------------


def _old_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule of archives made before identity needed evidence: a URL is the identity, and
    any other text under it is a new revision."""
    from dateline.store import writer

    monkeypatch.setattr(writer, "record_keys", lambda name, records: [
        RecordIdentity(f"url:{url}" if url else f"src:{name}{locator}")
        for locator, url, _ in records])
    monkeypatch.setattr(writer, "revision_evidence",
                        lambda old, new, title_in_key=False: ("same identity", 1.0))


def test_rebuild_repairs_an_archive_made_under_the_old_rule(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = _kcna_items()[:300]
    records, planted = _daily_page_records(items, seed=4)
    daily = _jsonl(tmp_path / "in" / "daily.jsonl", records)
    with monkeypatch.context() as m:
        _old_rule(m)
        _ingest(archive, daily)
    archive.store.set_meta("identity_rule", "1")  # as migration 9 marks an old archive
    old = {s.id: s.text for s in archive.stories()}
    raw = {s.source_name: archive.raw(s.source_id) for s in archive.stories()}
    assert len(old) < len(items) // 2  # most items hidden as revisions: the bug
    assert archive.identity_notice() is not None
    (archive.path / ".rebuild").mkdir()  # what a killed rebuild leaves is thrown away
    (archive.path / ".rebuild" / "dateline.sqlite").write_bytes(b"half made")

    report = archive.rebuild(workers=2, index=False)

    assert report.stories_before == len(old)
    assert report.stories_after == archive.stats()["stories"] == len(items)
    assert report.ingest.counts.revised == planted["revisions"]
    assert archive.identity_notice() is None
    assert (archive.path / "dateline.sqlite.before-rebuild").exists()
    assert not (archive.path / ".rebuild").exists()
    for old_id, text in old.items():  # every old id still leads to the text it showed
        assert archive.get(old_id).text == text
    for story in archive.stories():  # and every byte is still there
        assert archive.raw(story.source_id) == raw[story.source_name]
    assert archive.store.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
    # the derived index is made from the new stories only
    archive.sync_index()
    assert archive.engine.doc_count() == len(items)
    moved = next(i for i in old if i not in {s.id for s in archive.stories()})
    assert archive.search(f'"{" ".join(old[moved].split()[3:9])}"').hits
    again = _ingest(archive, daily)
    assert again.counts.unchanged_sources == 1 and again.counts.new == 0


def test_derived_indexes_left_stale_by_a_killed_rebuild_are_dropped(archive: Archive,
                                                                     tmp_path: Path) -> None:
    write_kbs_radio(tmp_path / "in", "a.txt", "2019-03-04", "Han Ji-ho", "The harbour opened.")
    archive.ingest([tmp_path / "in"], workers=1)
    assert (archive.path / "index").exists()
    archive.store.set_meta("derived_reset", "1")  # a rebuild killed right after its swap
    archive.close()
    reopened = Archive(archive.path)
    try:
        assert not (reopened.path / "index").exists()
        assert reopened.search("harbour").total == 1  # made again from the store
    finally:
        reopened.close()
