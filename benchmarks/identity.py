"""Story identity on a corpus shaped like a news agency's daily pages, read from ../shared.

    python benchmarks/identity.py [--shared ../shared] [--json]

Builds one JSON Lines file (fields ``id``, ``date``, ``title``, ``language``, ``text``) whose
``id`` is the URL of the page an item was published on, several items per page, as agencies'
sites publish them: the Reuters-21578 stories (a page per ten minutes of their DATE) and the
KCNA 2024 items (a page per day).  Mixed in, as scrapes have them: exact repeats of 5% of the
records and re-edited copies of 3% (a few words changed, a sentence added).

The truth is known: every distinct text of an original item is one story; repeats change
nothing, re-edits are revisions.  It is ingested twice in one run, by today's rules and by the
old rule (the URL is the identity; any other text under it is a revision), which is the
baseline; the old-rule archive is then repaired with ``rebuild``.  Prints stories, revisions,
time, and the stories each run leaves visible against the truth.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
_DOC = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
_FIELD = {name: re.compile(fr"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "BODY")}
_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG",
                                       "SEP", "OCT", "NOV", "DEC"), 1)}


def _shared(arg: str | None) -> Path:
    return Path(arg or os.environ.get("DATELINE_SHARED") or ROOT.parent / "shared")


def reuters_items(shared: Path) -> list[dict[str, str]]:
    """Reuters stories with a title and a body: page (per ten minutes), date, title, text."""
    out = []
    for path in sorted((shared / "corpora" / "reuters21578" / "sgm-data").glob("*.sgm")):
        for doc in _DOC.findall(path.read_text(encoding="latin-1")):
            fields = {k: p.search(doc) for k, p in _FIELD.items()}
            if not all(fields.values()):
                continue
            stamp = fields["DATE"].group(1).strip()  # type: ignore[union-attr]
            day, month, rest = stamp.split("-", 2)
            year, clock = rest.split()[:2]
            date = f"{year}-{_MONTHS[month.upper()]:02d}-{int(day):02d}"
            page = f"https://wire.invalid/{date}/{clock[:4]}0.html"
            out.append({"page": page, "date": date,
                        "title": html.unescape(fields["TITLE"].group(1)).strip(),  # type: ignore[union-attr]
                        "text": html.unescape(fields["BODY"].group(1)).strip()})  # type: ignore[union-attr]
    return out


def kcna_items(shared: Path) -> list[dict[str, str]]:
    data = json.loads((shared / "corpora" / "kcna-stiles-2024" / "headlines_2024-11-11.json")
                      .read_text(encoding="utf-8"))
    return [{"page": f"https://agency.invalid/daily/{d['date_str']}.html", "date": d["date_str"],
             "title": " ".join(d["headline"].split()), "text": d["story_text"].strip()}
            for d in data if (d.get("story_text") or "").strip()]


def build(shared: Path, out: Path, seed: int = 1) -> dict[str, Any]:
    """Write the corpus; returns what was planted and the truth."""
    rng = random.Random(seed)
    records: list[dict[str, str]] = []
    originals = 0
    texts: set[str] = set()
    planted = Counter[str]()
    for item in reuters_items(shared) + kcna_items(shared):
        record = {"id": item["page"], "date": item["date"], "title": item["title"],
                  "language": "en", "text": item["text"]}
        records.append(record)
        originals += 1
        texts.add(" ".join(item["text"].split()))
        roll = rng.random()
        if roll < 0.05:
            records.append(dict(record))
            planted["repeats"] += 1
        elif roll < 0.08:
            words = item["text"].split()
            for _ in range(max(1, len(words) // 40)):
                words[rng.randrange(len(words))] = "reportedly"
            records.append({**record, "text": " ".join(words) + " The report was updated."})
            planted["revisions"] += 1
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    pages = Counter(r["id"] for r in records)
    return {"records": len(records), "pages": len(pages), "original_items": originals,
            "distinct_texts": len(texts), **planted}


def _old_rule() -> ExitStack:
    """The rule before evidence: a URL is the identity; another text under it, a revision."""
    from dateline.store import writer
    from dateline.store.identity import RecordIdentity

    stack = ExitStack()
    stack.enter_context(mock.patch.object(writer, "record_keys", lambda name, records: [
        RecordIdentity(f"url:{url}" if url else f"src:{name}{loc}") for loc, url, _ in records]))
    stack.enter_context(mock.patch.object(writer, "revision_evidence",
                                          lambda old, new, title_in_key=False: ("url", 1.0)))
    return stack


def _ingest(folder: Path, corpus: Path) -> dict[str, Any]:
    from dateline import Archive

    with Archive(folder, create=True) as archive:
        started = time.perf_counter()
        report = archive.ingest([corpus], index=False)
        seconds = time.perf_counter() - started
        stats = archive.stats()
    return {"seconds": round(seconds, 2), "stories": stats["stories"],
            "duplicates": stats["duplicates"], "revised_stories": stats["revised_stories"],
            "counts": report.counts.as_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    shared = _shared(args.shared)
    if not (shared / "corpora" / "reuters21578").exists():
        sys.exit(f"../shared not found at {shared}: the corpora live there")
    sys.path.insert(0, str(ROOT / "src"))
    from dateline import Archive

    with tempfile.TemporaryDirectory(prefix="dateline-identity-") as tmp:
        corpus = Path(tmp) / "in" / "daily.jsonl"
        corpus.parent.mkdir()
        truth = build(shared, corpus)
        now = _ingest(Path(tmp) / "now.dateline", corpus)
        with _old_rule():
            old = _ingest(Path(tmp) / "old.dateline", corpus)
        with Archive(Path(tmp) / "old.dateline") as archive:
            archive.store.set_meta("identity_rule", "1")
            started = time.perf_counter()
            report = archive.rebuild(index=False)
            rebuilt = {"seconds": round(time.perf_counter() - started, 2),
                       "stories": archive.stats()["stories"], "moved_ids": report.moved_ids}
    result = {"corpus": truth, "today": now, "old_rule": old, "rebuild_of_old": rebuilt}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"corpus: {truth['records']:,} records on {truth['pages']:,} pages; "
          f"{truth['original_items']:,} items with {truth['distinct_texts']:,} distinct texts; "
          f"{truth.get('repeats', 0):,} repeats and {truth.get('revisions', 0):,} re-edits "
          "planted")
    print(f"{'run':<22}{'stories':>10}{'of truth':>10}{'revised':>10}{'dups':>8}{'seconds':>9}")
    for name, run in (("today's rule", now), ("old rule (baseline)", old)):
        print(f"{name:<22}{run['stories']:>10,}{run['stories'] / truth['distinct_texts']:>10.3f}"
              f"{run['revised_stories']:>10,}{run['duplicates']:>8,}{run['seconds']:>9.1f}")
    print(f"{'old, then rebuild':<22}{rebuilt['stories']:>10,}"
          f"{rebuilt['stories'] / truth['distinct_texts']:>10.3f}{'':>18}"
          f"{rebuilt['seconds']:>9.1f}   ({rebuilt['moved_ids']:,} old ids moved)")
    print("today's revisions by evidence:", now["counts"]["revised_by"],
          "· kept apart:", now["counts"]["kept_apart"],
          "· records sharing a URL:", now["counts"]["shared_url"])


if __name__ == "__main__":
    main()
