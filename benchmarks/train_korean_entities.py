"""Train the Korean name model (src/dateline/enrich/data/korean_entities.crfsuite) from the
Korean items of the fresh entity gold, and measure it on batches it was not trained on.

    python benchmarks/train_korean_entities.py [--shared ../shared]      # train, write the model
    python benchmarks/train_korean_entities.py --batches 1-11 --out m.crfsuite
    python benchmarks/train_korean_entities.py --cross [--json]          # leave one batch out

The texts stay in ../shared; the gold (tests/data/entities_fresh.jsonl) gives the names of each
item, and every occurrence of a name (or one of its ``also``) that starts and ends where the
model's pieces do is labelled, the longest first.  The features are those the extractor computes
at run time: the extractor is run on each story with the model's reading replaced by a recorder,
so training and use see the same rules, the same pieces and the same features.  A word enters
the model only when at least two items have it (no word of one article alone is kept).

``--cross`` trains one model per batch left out (the first batch's development and held-out
items count as one batch) and scores the left-out batch with that model and with the rules alone
(``korean_model.use(None)``), per type, as ``score_entities.py`` scores: the model's figure on
items it never saw.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import score_entities as se  # noqa: E402

#: crfsuite's L1 and L2 weights and iterations, chosen on batches 1-9 against 10-11 (before the
#: twelfth batch was annotated)
PARAMS = {"c1": 0.1, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}
MIN_ITEMS = 2


def _batches(spec: str) -> set[int]:
    out: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def gold_spans(text: str, start: int, end: int, item: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every occurrence in ``text[start:end]`` of a gold name or one of its
    ``also``; where occurrences overlap, the longest wins."""
    found = []
    for kind, field in se.FIELDS:
        for entity in item[field]:
            for name in {entity["name"], *entity.get("also", [])}:
                for m in re.finditer(re.escape(name), text[start:end]):
                    found.append((kind, start + m.start(), start + m.end()))
    found.sort(key=lambda s: (s[1] - s[2], s[1]))
    taken = bytearray(len(text) + 1)
    out = []
    for kind, a, b in found:
        if not any(taken[a:b]):
            out.append((kind, a, b))
            taken[a:b] = b"\x01" * (b - a)
    return out


def _labels(cut: list[tuple[int, int]], spans: list[tuple[str, int, int]]) -> list[str]:
    """Gold labels of the pieces: a name that does not start and end at pieces is left out."""
    tags = ["O"] * len(cut)
    starts = {a: i for i, (a, _) in enumerate(cut)}
    ends = {b: i for i, (_, b) in enumerate(cut)}
    for kind, a, b in spans:
        if a in starts and b in ends and all(t == "O" for t in tags[starts[a]:ends[b] + 1]):
            tags[starts[a]] = f"B-{kind}"
            for i in range(starts[a] + 1, ends[b] + 1):
                tags[i] = f"I-{kind}"
    return tags


def sequences(shared: Path) -> list[tuple[dict[str, Any], list[list[str]], list[str]]]:
    """(item, features, gold labels) of every text the extractor hands the model (each scanned
    span of a Korean story, and its title)."""
    from dateline.enrich import korean_model
    from dateline.enrich.entities import extract

    recorded: list[tuple[str, int, int, Any, Any]] = []

    def record(text: str, start: int, end: int, mentions: Any, nouns: Any) -> None:
        recorded.append((text, start, end, *korean_model.sequence(text, start, end, mentions,
                                                                   nouns)))
        return None  # the rules' mentions stand

    out = []
    reading, available = korean_model.read, korean_model.available
    korean_model.read = record  # type: ignore[assignment]
    korean_model.available = lambda: True  # whether or not a model is loaded
    try:
        for item, stories in se.fresh_items(shared):
            if item["lang"] != "ko":
                continue
            for story in stories:
                recorded.clear()
                extract(story)
                for text, a, b, cut, feats in recorded:
                    if cut:
                        out.append((item, feats, _labels(cut, gold_spans(text, a, b, item))))
    finally:
        korean_model.read, korean_model.available = reading, available  # type: ignore[assignment]
    return out


def _words(feats: list[list[str]]) -> set[str]:
    return {k.partition("u=")[2] for f in feats for k in f if k.startswith("u=")}


def train(seqs: list[tuple[dict[str, Any], list[list[str]], list[str]]], out: Path) -> None:
    import pycrfsuite

    items: Counter[str] = Counter()
    by_item: dict[int, set[str]] = defaultdict(set)
    for item, feats, _ in seqs:
        by_item[id(item)] |= _words(feats)
    for words in by_item.values():
        items.update(words)
    keep = {w for w, n in items.items() if n >= MIN_ITEMS}
    trainer = pycrfsuite.Trainer(verbose=False)
    for _item, feats, labels in seqs:
        trainer.append([[k for k in f if "u=" not in k or k.partition("u=")[2] in keep]
                        for f in feats], labels)
    trainer.set_params(PARAMS)
    trainer.train(str(out))


def score(shared: Path, batch: int) -> dict[str, Any]:
    scores = se.fresh_scores(shared, batch=batch)
    return {kind: scores["ko/all"][kind] for kind, _ in se.FIELDS}


def cross(shared: Path) -> dict[str, Any]:
    from dateline.enrich import korean_model

    seqs = sequences(shared)
    batches = sorted({item.get("batch", 1) for item, _, _ in seqs})
    totals: dict[str, dict[str, list[int]]] = {"model": {}, "rules": {}}
    per_batch = {}
    with tempfile.TemporaryDirectory() as tmp:
        for b in batches:
            path = Path(tmp) / f"without-{b}.crfsuite"
            train([s for s in seqs if s[0].get("batch", 1) != b], path)
            row = {}
            for name, data in (("model", path.read_bytes()), ("rules", None)):
                korean_model.use(data)
                row[name] = score(shared, b)
                for kind, prf in row[name].items():
                    t = totals[name].setdefault(kind, [0, 0, 0])
                    t[0] += prf["tp"]
                    t[1] += prf["fp"]
                    t[2] += prf["fn"]
            per_batch[b] = {name: {k: v["f1"] for k, v in r.items()} for name, r in row.items()}
    korean_model.use(None)
    return {"per_batch_f1": per_batch,
            "pooled": {name: {k: se._prf(*t) for k, t in kinds.items()}  # noqa: SLF001
                       for name, kinds in totals.items()}}


def main() -> int:
    from dateline.enrich import korean_model

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared")
    ap.add_argument("--out", type=Path, default=korean_model.MODEL)
    ap.add_argument("--batches", help="train on these batches only (e.g. 1-11)")
    ap.add_argument("--cross", action="store_true", help="leave one batch out, score each")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    shared = se._shared(args.shared)  # noqa: SLF001
    if not shared.exists():
        sys.stderr.write(f"{shared} not found: set DATELINE_SHARED\n")
        return 2
    if args.cross:
        result = cross(shared)
        sys.stdout.write(json.dumps(result, indent=None if args.json else 2) + "\n")
        return 0
    seqs = sequences(shared)
    if args.batches:
        wanted = _batches(args.batches)
        seqs = [s for s in seqs if s[0].get("batch", 1) in wanted]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    train(seqs, args.out)
    items = len({id(s[0]) for s in seqs})
    sys.stdout.write(f"{args.out}: {items} items, {len(seqs)} texts, "
                     f"{args.out.stat().st_size:,} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
