"""Quality and speed of the entity enricher, measured on ../shared (never copied here).

    python benchmarks/score_entities.py [--shared ../shared] [--json]

1. speaker linking: KBS pages + seeds are ingested into a temporary archive; every gold quote's
   speaker (GOLD.jsonl) is linked to the entity of the matching stored quote (or, when the parser
   missed the quote, looked up by name); a real person whose quotes land on several entities is
   *split*, an entity holding several real people is *merged*.
2. mentions and reported speech: tests/data/entities_gold.jsonl (30 KCNA items + the 2 seeds),
   precision/recall/F1 per type over distinct entities per story (names compared by key).
3. fresh gold: tests/data/entities_fresh.jsonl (545 items of KBS pages, KCNA, Reuters, Korean
   Wikinews and New Year addresses, none used to write the first rules), per language and type,
   the development and held-out parts apart; ``--details`` lists the misses of the development
   part, ``--batch N`` scores one batch alone, ``--next`` the next batch alone
   (tests/data/entities_fresh_next.jsonl, when a batch waits there: annotated, not yet scored;
   score it once, then move it into the fresh gold).
4. Reuters tags: recall of the PEOPLE and PLACES tags of Reuters-21578 stories (``--reuters``).
5. speed: stories/s of ``extract`` on one core over the KCNA texts (English) with their
   headlines as titles.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "entities_gold.jsonl"
FRESH = ROOT / "tests" / "data" / "entities_fresh.jsonl"
#: the next batch, annotated and not yet scored: scored once (``--next``) when the rules written
#: without it are done, then moved into :data:`FRESH`
FRESH_NEXT = ROOT / "tests" / "data" / "entities_fresh_next.jsonl"
FIELDS = (("person", "persons"), ("org", "orgs"), ("place", "places"))
#: gold speaker spellings that are one real person (judged by reading the pages)
SAME_PERSON = {"moon": "moon jae-in", "lee jae myung": "lee jae-myung",
               "lee seong-joon": "lee sung-jun"}


def _shared(arg: str | None) -> Path:
    return Path(arg or os.environ.get("DATELINE_SHARED") or ROOT.parent / "shared")


def _person(name: str) -> str:
    key = " ".join(name.casefold().split())
    return SAME_PERSON.get(key, key)


def speaker_linking(shared: Path) -> dict[str, Any]:
    from dateline import Archive

    pages = shared / "corpora" / "kbs-pages"
    gold = [json.loads(line) for f in (pages / "GOLD.jsonl", shared / "seeds" / "GOLD.jsonl")
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        arc = Archive(Path(tmp) / "a.dateline", create=True)
        files = [p for p in pages.glob("*.json")] + list((shared / "seeds").glob("*.txt"))
        arc.ingest(files, workers=1)
        by_source: dict[str, list[Any]] = defaultdict(list)
        for story in arc.stories():
            by_source[Path(story.source_name).name].append(story)
        entity_of: dict[str, set[str]] = defaultdict(set)  # real person → entity ids
        people_of: dict[str, set[str]] = defaultdict(set)  # entity id → real persons
        linked = unlinked = via_quote = 0
        for page in gold:
            quotes = [q for s in by_source.get(page["file"], [])
                      for q in arc.story_extras(s.id)["quotes"] if q["kind"] != "reported"]
            for story in page["stories"]:
                for gq in story["quotes"]:
                    if not gq["speaker"]:
                        continue
                    person = _person(gq["speaker"])
                    start = " ".join((gq["text_start"] or "").split()[:4])
                    match = [q for q in quotes if start and start in " ".join(q["text"].split())]
                    eid = match[0]["entity_id"] if match and match[0]["entity_id"] else None
                    if eid:
                        via_quote += 1
                    else:
                        found = arc._find(gq["speaker"], "person")  # noqa: SLF001
                        eid = found[0][0] if len(found) == 1 else None
                    if eid is None:
                        unlinked += 1
                        entity_of[person].add(f"unlinked:{gq['speaker']}")
                        continue
                    linked += 1
                    entity_of[person].add(eid)
                    people_of[eid].add(person)
        arc.close()
    split = sorted(p for p, ids in entity_of.items() if len(ids) > 1)
    merged = sorted(e for e, ps in people_of.items() if len(ps) > 1)
    return {"gold_speakers": len(entity_of), "quotes_linked": linked,
            "linked_via_stored_quote": via_quote, "quotes_unlinked": unlinked,
            "split_people": len(split), "split": split, "merged_entities": len(merged),
            "merged": [sorted(people_of[e]) for e in merged]}


def _stories(shared: Path, item: dict[str, Any], kcna: dict[str, Any]) -> tuple[Any, str]:
    from dateline.transcript import parse

    if item["corpus"] == "seeds":
        raw = (shared / "seeds" / item["link"]).read_text(encoding="utf-8")
    else:
        raw = kcna[item["link"]]["story_text"]
    return parse(raw).stories, raw


def mention_scores(shared: Path) -> dict[str, Any]:
    from dateline.enrich.entities import extract
    from dateline.enrich.names import key_for, romanisation_key

    kcna = {x["link"]: x for x in json.loads((shared / "corpora" / "kcna-stiles-2024" /
                                              "headlines_2024-11-11.json").read_text())}
    counts = {k: [0, 0, 0] for k in ("person", "org", "place", "reported")}  # tp, fp, fn
    speaker_ok = speaker_total = 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        stories, raw = _stories(shared, item, kcna)
        pred: dict[str, set[str]] = defaultdict(set)
        reported: list[tuple[int, int, Any]] = []
        for story in stories:
            base = raw.find(story.text[:80]) if story.text else 0
            facts = extract(story)
            for m in facts.mentions:
                if m.source != "reporter" or item["corpus"] == "seeds":
                    pred[m.kind].add(romanisation_key(m.key))
            reported += [(base + q.start, base + q.end, q) for q in facts.quotes
                         if q.kind == "reported"]
        for kind, field in (("person", "persons"), ("org", "orgs"), ("place", "places")):
            gold = {romanisation_key(key_for(kind, n)) for n in item[field]}
            tp = len(gold & pred[kind])
            counts[kind][0] += tp
            counts[kind][1] += len(pred[kind]) - tp
            counts[kind][2] += len(gold) - tp
        matched = set()
        for g in item["reported"]:
            hit = next((i for i, (a, b, _) in enumerate(reported)
                        if a <= g["verb_offset"] < b and i not in matched), None)
            if hit is None:
                counts["reported"][2] += 1
                continue
            matched.add(hit)
            counts["reported"][0] += 1
            q = reported[hit][2]
            speaker_total += 1
            want = key_for("person", g["speaker"]) if g["speaker"] else None
            speaker_ok += int(q.speaker_key == want)
        counts["reported"][1] += len(reported) - len(matched)
    out: dict[str, Any] = {}
    for kind, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[kind] = {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3),
                     "recall": round(r, 3), "f1": round(f, 3)}
    out["reported"]["speaker_accuracy"] = round(speaker_ok / speaker_total, 3) if speaker_total \
        else None
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(f, 3)}


def _reuters(shared: Path) -> dict[str, dict[str, str]]:
    """NEWID → {title, body, people, places} of the Reuters-21578 SGML files."""
    import re

    out: dict[str, dict[str, str]] = {}
    for path in sorted((shared / "corpora" / "reuters21578" / "sgm-data").glob("*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)"[^>]*>(.*?)</REUTERS>', raw, re.S):
            part = {k: (re.search(rf"<{k.upper()}>(.*?)</{k.upper()}>", m.group(2), re.S))
                    for k in ("title", "body", "people", "places")}
            out[m.group(1)] = {k: (v.group(1) if v else "") for k, v in part.items()}
            out[m.group(1)]["file"] = path.name
    return out


def gold_sources(shared: Path, path: Path = FRESH) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(gold item, its raw title, text and url) for every line of a fresh gold file."""
    import sqlite3

    corpora = shared / "corpora"
    kcna: dict[str, Any] | None = None
    reuters: dict[str, dict[str, str]] | None = None
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        title, text, url = None, "", None
        if item["corpus"] == "kbs-pages":
            page = json.loads((corpora / "kbs-pages" / item["id"]).read_text(encoding="utf-8"))
            text, url = page["excerpt"], page.get("url")
        elif item["corpus"] == "kcna-stiles-2024":
            if kcna is None:
                kcna = {x["link"]: x for x in json.loads(
                    (corpora / "kcna-stiles-2024" / "headlines_2024-11-11.json").read_text())}
            title, text = kcna[item["id"]]["headline"], kcna[item["id"]]["story_text"]
        elif item["corpus"] == "reuters21578":
            reuters = reuters if reuters is not None else _reuters(shared)
            title, text = reuters[item["id"]]["title"], reuters[item["id"]]["body"]
        elif item["corpus"] == "ko-wikinews":
            db = sqlite3.connect(f"file:{corpora / 'ko-wikinews' / 'wikinews.db'}?mode=ro",
                                 uri=True)
            title, text = db.execute("SELECT title, body FROM scrap WHERE id = ?",
                                     (item["id"],)).fetchone()
            db.close()
        else:
            path = corpora / "nk-newyear-speeches" / "data" / item["id"]
            text = path.read_text(encoding="utf-8")[item.get("start", 0): item["end"]]
        out.append((item, {"title": title, "text": text, "url": url}))
    return out


def fresh_items(shared: Path) -> list[tuple[dict[str, Any], list[Any]]]:
    """(gold item, parsed stories with the item's title) for every line of the fresh gold."""
    from dateline.model import Hints
    from dateline.transcript import parse

    return [(item, parse(raw["text"], Hints(title=raw["title"], url=raw["url"])).stories)
            for item, raw in gold_sources(shared, FRESH)]


def _gold_keys(kind: str, entity: dict[str, Any]) -> set[str]:
    from dateline.enrich.names import key_for, romanisation_key

    return {romanisation_key(key_for(kind, n)) for n in [entity["name"], *entity.get("also", [])]}


def fresh_scores(shared: Path, details: bool = False, extract: Any = None,
                 batch: int | None = None) -> dict[str, Any]:
    """P/R/F1 per language, type and part (dev / heldout) on the fresh gold (one ``batch`` of it
    when given); with ``details``, the development part's misses and false alarms."""
    from dateline.enrich.names import romanisation_key

    if extract is None:
        from dateline.enrich.entities import extract
    counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[dict[str, Any]] = []
    for item, stories in fresh_items(shared):
        if batch is not None and item.get("batch", 1) != batch:
            continue
        pred: dict[str, set[str]] = defaultdict(set)
        for story in stories:
            for m in extract(story).mentions:
                pred[m.kind].add(romanisation_key(m.key))
        for kind, field in FIELDS:
            gold = [_gold_keys(kind, e) for e in item[field]]
            every = set().union(*gold) if gold else set()
            found = [g for g in gold if g & pred[kind]]
            c = counts[(item["lang"], item["split"], kind)]
            c[0] += len(found)
            c[1] += len(pred[kind] - every)
            c[2] += len(gold) - len(found)
            if details and item["split"] == "dev" and (len(found) < len(gold) or
                                                       pred[kind] - every):
                misses.append({"id": str(item["id"])[-24:], "kind": kind,
                               "missed": [e["name"] for e, g in zip(item[field], gold,
                                                                     strict=True)
                                          if not g & pred[kind]],
                               "extra": sorted(pred[kind] - every)})
    out: dict[str, Any] = {}
    for (lang, part, kind), (tp, fp, fn) in sorted(counts.items()):
        out.setdefault(f"{lang}/{part}", {})[kind] = _prf(tp, fp, fn)
    for lang in ("en", "ko"):  # both parts together
        for kind, _ in FIELDS:
            tp, fp, fn = (sum(counts[(lang, part, kind)][i] for part in ("dev", "heldout"))
                          for i in range(3))
            out.setdefault(f"{lang}/all", {})[kind] = _prf(tp, fp, fn)
    if details:
        out["details"] = misses
    return out


def reuters_tags(shared: Path, limit: int = 600) -> dict[str, Any]:
    """Recall of Reuters PEOPLE and PLACES tags among the names found (second, automatic check).

    A PEOPLE tag (``paye``, ``james-baker``) is found when a person's last name is its last part;
    a PLACES tag (``usa``, ``west-germany``) when a place key is the tag's words.  Tags code what
    a story is about and are not always written in it: read the figures as relative ones."""
    import re

    from dateline.enrich.entities import extract
    from dateline.model import Hints
    from dateline.transcript import parse

    alias = {"usa": "united states", "uk": "united kingdom", "ussr": "soviet union"}
    hit = {"person": 0, "place": 0}
    total = {"person": 0, "place": 0}
    stories = 0
    for doc in _reuters(shared).values():
        people = re.findall(r"<D>(.*?)</D>", doc["people"])
        places = re.findall(r"<D>(.*?)</D>", doc["places"])
        if not people or not doc["body"].strip():
            continue
        stories += 1
        facts = [m for s in parse(doc["body"], Hints(title=doc["title"])).stories
                 for m in extract(s).mentions]
        last = {m.key.split()[-1].replace("-", "") for m in facts if m.kind == "person"}
        where = {m.key for m in facts if m.kind == "place"}
        for tag in people:
            total["person"] += 1
            hit["person"] += tag.split("-")[-1].replace("-", "") in last
        for tag in places:
            total["place"] += 1
            hit["place"] += alias.get(tag, tag.replace("-", " ")) in where
        if stories >= limit:
            break
    return {"stories": stories, **{f"{k}_tags": total[k] for k in total},
            **{f"{k}_recall": round(hit[k] / total[k], 3) if total[k] else None for k in total}}


def speed(shared: Path) -> dict[str, Any]:
    from dateline.enrich import gazetteer
    from dateline.enrich.entities import extract
    from dateline.model import Hints
    from dateline.transcript import parse

    gazetteer.place_names()
    items = json.loads((shared / "corpora" / "kcna-stiles-2024" /
                        "headlines_2024-11-11.json").read_text())
    stories = [s for x in items if x.get("story_text")
               for s in parse(x["story_text"], Hints(title=x.get("headline"))).stories]
    for s in stories[:50]:
        extract(s)
    t0, c0 = time.perf_counter(), time.process_time()
    for s in stories:
        extract(s)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    chars = sum(len(s.text) for s in stories)
    # CPU time is the per-core speed; wall time also counts whatever else runs on the machine
    return {"stories": len(stories), "mean_chars": round(chars / len(stories)),
            "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "stories_per_cpu_second": round(len(stories) / cpu, 1),
            "stories_per_second": round(len(stories) / seconds, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="only the fresh gold")
    ap.add_argument("--details", action="store_true", help="misses of the development part")
    ap.add_argument("--reuters", action="store_true", help="also the Reuters tag check")
    ap.add_argument("--batch", type=int, help="only this batch of the fresh gold")
    ap.add_argument("--next", action="store_true",
                    help="only the next batch, not yet scored (entities_fresh_next.jsonl)")
    ap.add_argument("--rules-only", action="store_true",
                    help="Korean by the rules alone, without the trained model")
    args = ap.parse_args()
    if args.rules_only:
        from dateline.enrich import korean_model

        korean_model.use(None)
    shared = _shared(args.shared)
    if not shared.exists():
        sys.stderr.write(f"{shared} not found: set DATELINE_SHARED\n")
        return 2
    global FRESH
    if args.next:
        if not FRESH_NEXT.exists():
            sys.stderr.write(f"{FRESH_NEXT.name}: no batch waits to be scored\n")
            return 2
        FRESH = FRESH_NEXT
    result: dict[str, Any] = {"fresh": fresh_scores(shared, details=args.details,
                                                    batch=args.batch)}
    if args.reuters:
        result["reuters_tags"] = reuters_tags(shared)
    if not args.fresh:
        result.update({"speaker_linking": speaker_linking(shared),
                       "mentions": mention_scores(shared), "speed": speed(shared)})
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2)
                     + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
