"""Story threads: fictional affairs, and the judged set on the KCNA corpus (../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _analysis_fixtures import store_only, write_records
from conftest import ROOT, shared_path

JUDGED = ROOT / "tests" / "data" / "threads_judged.jsonl"
#: floors under the figures measured in docs/quality.md ("Threads"): a drop fails the gate
MACRO_PRECISION_FLOOR = 0.55
MACRO_RECALL_FLOOR = 0.45


_SYLLABLES = ["ba", "ko", "ri", "tu", "me", "sa", "lo", "ni", "ve", "du", "ka", "po", "zi", "he"]
#: an invented vocabulary of 2,744 three-syllable words, so unrelated texts share few words
_WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]


def _affair_text(seed: int, words: tuple[str, ...] = ()) -> str:
    import random

    rnd = random.Random(seed)
    out = [rnd.choice(_WORDS) for _ in range(90)]
    for i, w in enumerate(words * 3):
        out[i * 3] = w
    return " ".join(out) + "."


@pytest.fixture
def affairs(archive, tmp_path: Path):
    bridge = ("bridge", "collapse", "inquiry", "girder", "ferryman", "tollgate", "engineer",
              "span", "rivet", "salvage")
    vote = ("ballot", "referendum", "turnout", "polling", "candidate", "precinct", "tally",
            "recount", "campaign", "registrar")
    recs = []
    for i, day in enumerate(["2019-01-10", "2019-01-14", "2019-01-30", "2019-02-12"]):
        recs.append({"title": f"Bridge collapse inquiry update {i}", "date": day,
                     "url": f"https://example.invalid/b/{i}", "text": _affair_text(i, bridge)})
    for i, day in enumerate(["2019-01-11", "2019-01-15", "2019-03-01"]):
        recs.append({"title": f"Referendum turnout {i}", "date": day,
                     "url": f"https://example.invalid/v/{i}", "text": _affair_text(50 + i, vote)})
    for i in range(20):
        recs.append({"title": f"Harbour notes {i}", "date": f"2019-0{1 + i % 5}-2{i % 8}",
                     "url": f"https://example.invalid/n/{i}", "text": _affair_text(200 + i)})
    store_only(archive, [write_records(tmp_path / "in" / "a.json", recs)])
    return archive


def _titles(thread) -> list[str]:
    return [s.title for s in thread.stories]


def test_thread_links_the_affair_and_nothing_else(affairs):
    first = next(s for s in affairs.stories() if s.title == "Bridge collapse inquiry update 0")
    thread = affairs.thread(first.id)
    assert thread.seed == first.id
    assert _titles(thread) == [f"Bridge collapse inquiry update {i}" for i in range(4)]
    dates = [s.date for s in thread.stories]
    assert dates == sorted(dates)


def test_thread_is_cached_and_shown_with_the_story(affairs):
    seed = next(s for s in affairs.stories() if s.title == "Referendum turnout 1")
    thread = affairs.thread(seed.id)
    assert set(_titles(thread)) == {f"Referendum turnout {i}" for i in range(3)}
    again = affairs.thread(seed.id)
    assert again.to_dict() == thread.to_dict()
    extras = affairs.analysis_extras(seed.id)
    assert [s["id"] for s in extras["thread"]] == thread.ids


def test_cli_thread(affairs):
    from typer.testing import CliRunner

    from dateline.cli import app

    seed = next(s for s in affairs.stories() if s.title == "Bridge collapse inquiry update 2")
    path = str(affairs.path)
    affairs.close()
    out = CliRunner().invoke(app, ["thread", seed.id[:8], "-a", path, "-f", "jsonl"])
    assert out.exit_code == 0, out.output
    titles = [json.loads(line)["title"] for line in out.stdout.splitlines()]
    assert titles == [f"Bridge collapse inquiry update {i}" for i in range(4)]


def evaluate_judged(archive) -> dict[str, float]:
    """Macro and micro precision/recall of Archive.thread on the judged seeds."""
    from dateline.errors import NotFound
    from dateline.store import story_id_for

    def canonical(link: str) -> str | None:
        try:
            story = archive.get(story_id_for(f"url:{link}#0"))
        except NotFound:
            return None
        return story.duplicate_of or story.id

    p_sum = r_sum = 0.0
    tp = fp = fn = n = 0
    for line in JUDGED.read_text().splitlines():
        item = json.loads(line)
        seed = canonical(item["seed"])
        members = {canonical(x) for x in item["members"]} - {None, seed}
        ambiguous = {canonical(x) for x in item.get("ambiguous", [])}
        got = set(archive.thread(seed).ids) - {seed} - ambiguous
        hit = len(got & members)
        tp, fp, fn = tp + hit, fp + len(got - members), fn + len(members - got)
        p_sum += hit / len(got) if got else 1.0
        r_sum += hit / len(members) if members else 1.0
        n += 1
    return {"seeds": n, "macro_precision": p_sum / n, "macro_recall": r_sum / n,
            "micro_precision": tp / max(1, tp + fp), "micro_recall": tp / max(1, tp + fn)}


@pytest.mark.slow
def test_threads_judged_set_floor(tmp_path: Path):
    from dateline import Archive

    corpus = shared_path("corpora", "kcna-stiles-2024", "headlines_2024-11-11.json")
    arc = Archive(tmp_path / "kcna", create=True)
    try:
        store_only(arc, [corpus])
        arc.enrich()  # entities join the text in the link score
        scores = evaluate_judged(arc)
    finally:
        arc.close()
    assert scores["seeds"] == 20
    assert scores["macro_precision"] >= MACRO_PRECISION_FLOOR, scores
    assert scores["macro_recall"] >= MACRO_RECALL_FLOOR, scores


def test_thread_links_are_stored_when_stories_are_ingested(affairs):
    from dateline import Archive
    from dateline.store import analysis as sql

    report = affairs.update_threads()
    assert report.processed == 27 and report.links > 0
    assert affairs.update_threads().processed == 0  # nothing new: nothing to do
    seed = next(s for s in affairs.stories() if s.title == "Bridge collapse inquiry update 3")
    links = sql.thread_links_of(affairs.store, [seed.id], 0.0)
    assert links and all(score >= 0.28 for _, _, score in links)
    # a read-only archive (the web server's) reads the stored links, computes nothing
    with Archive(affairs.path, readonly=True) as ro:
        thread = ro.thread(seed.id)
        assert _titles(thread) == [f"Bridge collapse inquiry update {i}" for i in range(4)]
        assert [s["id"] for s in ro.analysis_extras(seed.id)["thread"]] == thread.ids


def test_thread_links_follow_new_and_duplicate_stories(affairs, tmp_path: Path):
    bridge = ("bridge", "collapse", "inquiry", "girder", "ferryman", "tollgate", "engineer",
              "span", "rivet", "salvage")
    affairs.update_threads()
    later = [{"title": "Bridge collapse inquiry update 4", "date": "2019-02-20",
              "url": "https://example.invalid/b/4", "text": _affair_text(4, bridge)},
             {"title": "Bridge copy", "date": "2019-02-21", "url": "https://example.invalid/b/c",
              "text": _affair_text(3, bridge)}]  # the text of update 3: an exact duplicate
    store_only(affairs, [write_records(tmp_path / "more" / "b.json", later)])
    report = affairs.update_threads()
    assert report.processed == 1 and not report.rebuilt  # only the new story is linked
    new = next(s for s in affairs.stories() if s.title == "Bridge collapse inquiry update 4")
    titles = _titles(affairs.thread(new.id))  # the new story links back to the affair
    assert len(titles) > 1 and all(t.startswith("Bridge collapse") for t in titles)
    from dateline.store import analysis as sql

    back = sql.thread_links_of(affairs.store, [new.id], 0.0)  # stored both ways: the older
    assert back and all(new.id in {b for _, b, _ in sql.thread_links_of(  # stories link to it
        affairs.store, [other], 0.0)} for _, other, _ in back)
    copy = next(s for s in affairs.stories(include_duplicates=True) if s.title == "Bridge copy")
    assert affairs.thread(copy.id).seed == copy.duplicate_of


def test_thread_of_an_archive_without_links_is_the_story_alone(affairs):
    from dateline import Archive

    seed = next(s for s in affairs.stories() if s.title == "Referendum turnout 0")
    # never linked (stored without the ingest's analysis step): read-only shows the seed only
    with Archive(affairs.path, readonly=True) as ro:
        assert ro.thread(seed.id).ids == [seed.id]


def test_links_do_not_depend_on_the_size_of_the_document_cache(affairs, monkeypatch):
    """A pass whose document cache overflows links as one that never fills it (the documents a
    batch had found in the cache were once dropped with it); the cache keeps those used
    last."""
    from collections import OrderedDict

    from dateline.analysis import threads
    from dateline.store import analysis as sql

    def links() -> list[tuple[str, str, float]]:
        return sorted(affairs.store.conn.execute("SELECT * FROM thread_links").fetchall())

    affairs.update_threads()
    whole = links()
    assert whole
    ids = [sid for sid, *_ in sql.thread_get_docs(affairs.store, [s.id for s in
                                                                  affairs.stories()])]
    monkeypatch.setattr(threads, "_DOC_CACHE", 5)
    cache: OrderedDict = OrderedDict()
    assert list(threads._load_docs(affairs.store, ids[:4], cache)) == ids[:4]
    assert list(threads._load_docs(affairs.store, ids[:8], cache)) == ids[:8]  # 4 were kept
    assert list(cache) == ids[3:8]  # the five used last
    monkeypatch.setattr(threads, "BATCH", 4)  # several batches, the cache overflowing in each
    threads.update(affairs.store, affairs.engine, rebuild=True)
    assert links() == whole
    # the searches of a large index, two at a time and beside the scoring: the same links
    monkeypatch.setattr(threads, "OVERLAP_FROM", 0)
    threads.update(affairs.store, affairs.engine, rebuild=True)
    assert links() == whole


def test_a_pass_links_its_stories_in_the_order_of_their_dates(affairs, monkeypatch):
    """Stories are stored in any order of dates; the pass takes them by date, so the
    documents read for one batch of seeds serve the next ones (the same links either way)."""
    from dateline.analysis import threads

    seen: list[list[str]] = []
    linking = threads._link_batches

    def spy(store, engine, pending, *args, **kwargs):
        seen.append(list(pending))
        return linking(store, engine, pending, *args, **kwargs)

    monkeypatch.setattr(threads, "_link_batches", spy)
    affairs.update_threads(rebuild=True)
    stored = [s.id for s in affairs.stories()]
    days = {s.id: s.date for s in affairs.stories()}
    assert sorted(seen[0]) == sorted(stored)
    assert seen[0] != stored  # the fixture stores them out of date order
    order = [(days[sid], sid) for sid in seen[0]]
    assert order == sorted(order)


def test_link_scores_are_the_formula_and_do_not_depend_on_the_batch():
    import math
    from datetime import date

    from dateline.analysis import threads
    from dateline.analysis.threads import _Doc, link_scores

    def doc(sid, day, vec, ents=(), spk=()):
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return _Doc(sid, day, {}, frozenset(ents), frozenset(spk),
                    {t: v / norm for t, v in vec.items()})

    a = doc("a", date(2020, 1, 1), {"summit": 2.0, "hanoi": 1.0, "trump": 1.5}, {"e1", "e2"},
            {"kim"})
    b = doc("b", date(2020, 1, 31), {"summit": 1.0, "hanoi": 2.0, "talks": 1.0}, {"e2"},
            {"kim"})
    c = doc("c", None, {"flood": 1.0, "summit": 0.5})
    d = doc("d", date(2021, 6, 1), {"zebra": 1.0})

    def expected(x, y):
        text = sum(v * y.vec.get(t, 0.0) for t, v in x.vec.items())
        sim = text
        if x.entities and y.entities:
            shared = len(x.entities & y.entities)
            sim = (threads.W_TEXT * text + threads.W_ENTITY * shared
                   / math.sqrt(len(x.entities) * len(y.entities)))
        if x.speakers & y.speakers:
            sim += threads.SPEAKER_BONUS
        if x.date and y.date:
            sim /= 1 + abs((x.date - y.date).days) / threads.TIME_SCALE
        return min(sim, 1.0)

    pairs = [(a, b), (a, c), (b, c), (a, d), (c, d)]
    together = link_scores(pairs)
    for (x, y), score in zip(pairs, together, strict=True):
        assert score == pytest.approx(expected(x, y), abs=1e-12)
        assert link_scores([(x, y)])[0] == score  # bit for bit, alone or in a batch
    assert together[0] > 0.3 and together[3] == 0.0
