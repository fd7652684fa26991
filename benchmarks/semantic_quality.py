"""Quality of keyword, semantic and hybrid search on two judged sets built from ../shared.

Sets (queries and judgements in tests/data/, our own wording; the stories stay in ../shared):

- **topics** (``semantic_reuters_topics.jsonl``): 32 Reuters-21578 topics, each a query in
  natural language ("coffee prices and exports from growing countries"); a story is relevant
  when its ``<TOPICS>`` holds the topic.  Archive: the stories of the first ``--reuters-files``
  SGML files that have a body.  Figures: P@10, nDCG@10 and average precision over the top 100.
- **cross-lingual** (``semantic_crosslingual.jsonl``): 16 Korean queries for English KCNA
  stories and 20 English queries for Korean Wikinews stories, each naming one target story
  (known item).  Archive: every KCNA story with a text and every Korean Wikinews story with a
  body, together.  Figures: share found in the top 10, MRR@10, per direction.

Besides the three modes, the topics set compares ways of fusing the two rankings (RRF with
k = 10, 60 and weights) and a keyword leg of "any word" alone, so the fusion is chosen by
measurement.

    python benchmarks/semantic_quality.py [--model use-multilingual] [--reuters-files 5]
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from retrieval import shared_dir  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DEPTH = 100
_REUTERS = re.compile(r"<REUTERS[^>]*>(.*?)</REUTERS>", re.S)
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)
_D = re.compile(r"<D>(.*?)</D>")
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_DATE = re.compile(r"<DATE>\s*(\d+-[A-Z]+-\d{4})")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _write(records: list[dict], folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def _archive(path: Path, files: list[Path]):  # type: ignore[no-untyped-def]
    from dateline import Archive

    arc = Archive(path, create=True)
    arc.ingest(files)
    arc.embed()
    return arc


def _url_ids(arc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.url: s.id for s in arc.stories() if s.url}


# ----------------------------------------------------------------------------- fusion


def legs(arc, query: str) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:  # type: ignore[no-untyped-def]
    """The two rankings hybrid search fuses, with their scores: BM25 over any of the words,
    and the semantic ranking (cosine of the best passage)."""
    from dateline.search.fusion import any_words, split_query
    from dateline.search.query import parse

    kw_query = any_words(split_query(parse(query)))
    kw = (arc.engine.search(kw_query, limit=DEPTH, snippets=False, facets=False).hits
          if kw_query is not None else [])
    sem = arc.search(query, mode="semantic", limit=DEPTH, snippets=False, facets=False).hits
    return [(h.id, h.score) for h in kw], [(h.id, h.score) for h in sem]


def fusions(kw: list[tuple[str, float]], sem: list[tuple[str, float]]) -> dict[str, list[str]]:
    """Rankings of each way of fusing the legs (RRF variants, convex combinations of scores
    scaled by each leg's best)."""
    from dateline.search.fusion import fuse

    ids = [[i for i, _ in kw], [i for i, _ in sem]]
    out = {"keyword-any": ids[0], "semantic-leg": ids[1],
           "rrf-k60": [i for i, _ in fuse(ids, k=60)],
           "rrf-k10": [i for i, _ in fuse(ids, k=10)],
           "rrf-k20": [i for i, _ in fuse(ids, k=20)],
           "rrf-k10-sem-x1.5": [i for i, _ in fuse(ids, k=10, weights=[1.0, 1.5])],
           "rrf-k60-kw-x2": [i for i, _ in fuse(ids, weights=[2.0, 1.0])],
           "rrf-k60-sem-x2": [i for i, _ in fuse(ids, weights=[1.0, 2.0])]}
    top_kw = max((v for _, v in kw), default=1.0) or 1.0
    top_sem = max((v for _, v in sem), default=1.0) or 1.0
    for a in (0.3, 0.5, 0.7):
        score: dict[str, float] = {}
        for i, v in kw:
            score[i] = score.get(i, 0.0) + a * v / top_kw
        for i, v in sem:
            score[i] = score.get(i, 0.0) + (1 - a) * v / top_sem
        out[f"cc-kw{a}"] = sorted(score, key=lambda i: -score[i])
    return out


# ----------------------------------------------------------------------------- topics


def reuters_records(shared: Path, files: int) -> tuple[list[dict], dict[str, set[str]]]:
    """Stories with a body from the first ``files`` SGML files, and topic → story urls."""
    records: list[dict] = []
    topics: dict[str, set[str]] = {}
    for n in range(files):
        raw = (shared / f"corpora/reuters21578/sgm-data/reut2-{n:03d}.sgm").read_bytes()
        for m in _REUTERS.finditer(raw.decode("latin-1")):
            block = m.group(1)
            body, title = _BODY.search(block), _TITLE.search(block)
            if not body:
                continue
            url = f"https://reuters21578.test/{n}/{len(records)}"
            tags = _D.findall(_TOPICS.search(block).group(1)) if _TOPICS.search(block) else []
            for tag in tags:
                topics.setdefault(tag, set()).add(url)
            day = _DATE.search(block)
            records.append({
                "url": url,
                "title": html.unescape(title.group(1)).strip() if title else "",
                "text": html.unescape(body.group(1)).replace("\x03", "").strip(),
                "date": (datetime.strptime(day.group(1).title(), "%d-%b-%Y").date().isoformat()
                         if day else None),
                "language": "en",
            })
    return records, topics


@dataclass
class Scores:
    p10: list[float] = field(default_factory=list)
    ndcg10: list[float] = field(default_factory=list)
    ap100: list[float] = field(default_factory=list)

    def add(self, ranked: list[str], relevant: set[str]) -> None:
        top = ranked[:10]
        self.p10.append(sum(r in relevant for r in top) / 10)
        dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(top) if r in relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
        self.ndcg10.append(dcg / ideal if ideal else 0.0)
        hits, total = 0, 0.0
        for i, r in enumerate(ranked[:DEPTH]):
            if r in relevant:
                hits += 1
                total += hits / (i + 1)
        self.ap100.append(total / min(len(relevant), DEPTH) if relevant else 0.0)

    def summary(self) -> dict[str, float]:
        def mean(v: list[float]) -> float:
            return round(sum(v) / len(v), 3) if v else 0.0
        return {"P@10": mean(self.p10), "nDCG@10": mean(self.ndcg10), "AP@100": mean(self.ap100)}


def topics_quality(arc, topics: dict[str, set[str]]) -> dict:  # type: ignore[no-untyped-def]
    ids = _url_ids(arc)
    queries = _jsonl(DATA / "semantic_reuters_topics.jsonl")
    scores: dict[str, Scores] = {}
    used = 0
    for q in queries:
        relevant = {ids[u] for u in topics.get(q["topic"], ()) if u in ids}
        if not relevant:
            continue
        used += 1
        ranking = {}
        for mode in ("keyword", "semantic", "hybrid"):
            res = arc.search(q["query"], mode=mode, limit=DEPTH, snippets=False, facets=False)
            ranking[mode] = [h.id for h in res.hits]
        ranking.update({f"fusion {k}": v for k, v in fusions(*legs(arc, q["query"])).items()})
        for name, ranked in ranking.items():
            scores.setdefault(name, Scores()).add(ranked, relevant)
    return {"queries": used, "stories": arc.stats()["stories"],
            **{name: s.summary() for name, s in scores.items()}}


# ----------------------------------------------------------------------------- cross-lingual


def crosslingual_records(shared: Path) -> tuple[list[dict], list[dict], dict[tuple[str, int], str]]:
    """KCNA (English) and Korean Wikinews records, and (corpus, item) → the url of its story
    (KCNA repeats some items word for word: they share the first one's story)."""
    kcna: list[dict] = []
    target: dict[tuple[str, int], str] = {}
    first: dict[str, str] = {}
    items = json.loads((shared / "corpora/kcna-stiles-2024/headlines_2024-11-11.json")
                       .read_text("utf-8"))
    for i, it in enumerate(items):
        text = (it.get("story_text") or "").strip()
        if not text:
            continue
        if text not in first:
            first[text] = f"https://kcna.test/{i}"
            kcna.append({"url": first[text], "title": it["headline"], "text": text,
                         "date": it.get("date_str"), "language": "en"})
        target[("kcna", i)] = first[text]
    ko: list[dict] = []
    db = sqlite3.connect(f"file:{shared / 'corpora/ko-wikinews/wikinews.db'}?mode=ro", uri=True)
    for row_id, title, body, day in db.execute(
            "SELECT id, title, body, content_date FROM scrap WHERE body IS NOT NULL "
            "AND length(trim(body)) > 0"):
        url = f"https://ko.wikinews.test/{row_id}"
        ko.append({"url": url, "title": title, "text": body, "date": day, "language": "ko"})
        target[("ko-wikinews", int(row_id))] = url
    db.close()
    return kcna, ko, target


def crosslingual_quality(arc, target: dict[tuple[str, int], str]) -> dict:  # type: ignore[no-untyped-def]
    ids = _url_ids(arc)
    ranks: dict[str, dict[str, list[int]]] = {}
    for q in _jsonl(DATA / "semantic_crosslingual.jsonl"):
        want = ids[target[(q["corpus"], q["item"])]]
        direction = f"{q['lang']}→{'en' if q['lang'] == 'ko' else 'ko'}"
        ranking = {}
        for mode in ("keyword", "semantic", "hybrid"):
            res = arc.search(q["query"], mode=mode, limit=10, snippets=False, facets=False)
            ranking[mode] = [h.id for h in res.hits]
        ranking.update({f"fusion {k}": v for k, v in fusions(*legs(arc, q["query"])).items()})
        for name, ranked in ranking.items():
            rank = next((i + 1 for i, sid in enumerate(ranked[:10]) if sid == want), 0)
            ranks.setdefault(name, {}).setdefault(direction, []).append(rank)
    return {name: {d: {"queries": len(r), "top10": round(sum(x > 0 for x in r) / len(r), 3),
                       "MRR@10": round(sum(1 / x for x in r if x) / len(r), 3)}
                   for d, r in per.items()}
            for name, per in ranks.items()}


def run(shared: Path, root: Path, reuters_files: int) -> dict:
    t0 = time.perf_counter()
    records, topics = reuters_records(shared, reuters_files)
    with _archive(root / "topics.dateline",
                  [_write(records, root / "topics-in", "reuters.jsonl")]) as arc:
        result = {"model": arc.embedder().key, "topics": topics_quality(arc, topics)}
    kcna, ko, target = crosslingual_records(shared)
    with _archive(root / "xling.dateline", [_write(kcna, root / "xling-in", "kcna.jsonl"),
                                            _write(ko, root / "xling-in", "ko.jsonl")]) as arc:
        result["crosslingual"] = crosslingual_quality(arc, target)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None, help="embedding model (default: the setting)")
    parser.add_argument("--reuters-files", type=int, default=5)
    args = parser.parse_args()
    if args.model:  # the archives' embedding_model setting, for embedding and searching
        os.environ["DATELINE_EMBEDDING_MODEL"] = args.model
    shared = shared_dir()
    if shared is None:
        sys.exit("../shared not found: the judged sets read their stories there")
    with tempfile.TemporaryDirectory(prefix="dateline-semantic-quality-") as tmp:
        print(json.dumps(run(shared, Path(tmp), args.reuters_files), indent=2,
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
