"""Score the transcript parser against the gold annotations in ../shared.

    python benchmarks/score_parser.py            # the table
    python benchmarks/score_parser.py --details  # plus every disagreement

Gold: ``corpora/kbs-pages/GOLD.jsonl`` (page text in each page's JSON ``excerpt``) and
``seeds/GOLD.jsonl`` (page text in the ``.txt`` beside it); format in
``corpora/kbs-pages/GOLD-SPEC.md``.  :func:`score` is reused by ``tests/test_parser_quality.py``.

Figures:

- story split: share of pages whose story count equals the gold's;
- title / published / updated / program / reporter: share of gold stories (aligned by position)
  whose field equals the gold (normalised whitespace, quote marks and case; times to the minute);
- quotes: per page, a predicted quote matches a gold quote when its normalised words start with
  the gold ``text_start`` (or, for a cut quote, the gold starts with its words); a gold quote
  without words matches a predicted quote without words and with the same speaker;
  precision / recall / F1 over all pages;
- speaker / role / organisation / language: accuracy on matched quotes;
- page language / page date: share of pages.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from dateline.model import Hints, ParsedDocument  # noqa: E402

_QUOTE_MAP = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "`": "'", "″": '"'})


def find_shared() -> Path | None:
    """The shared data folder: ``$DATELINE_SHARED`` or ``shared`` beside the repository."""
    env = os.environ.get("DATELINE_SHARED")
    cands = [Path(env)] if env else []
    cands.append(ROOT.parent / "shared")
    for c in cands:
        if (c / "corpora" / "kbs-pages" / "GOLD.jsonl").is_file():
            return c
    return None


@dataclass
class Case:
    name: str
    text: str
    gold: dict[str, Any]
    hints: Hints = field(default_factory=Hints)


def load_cases(shared: Path) -> list[Case]:
    """Every gold page with its text."""
    cases: list[Case] = []
    pages = shared / "corpora" / "kbs-pages"
    for line in (pages / "GOLD.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        page = json.loads((pages / gold["file"]).read_text(encoding="utf-8"))
        cases.append(Case(gold["file"], page.get("excerpt") or "", gold,
                          Hints(url=page.get("url"))))
    seeds = shared / "seeds" / "GOLD.jsonl"
    if seeds.is_file():
        for line in seeds.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            gold = json.loads(line)
            path = shared / "seeds" / gold["file"]
            if path.is_file():
                cases.append(Case(gold["file"], path.read_text(encoding="utf-8"), gold))
    return cases


def norm(s: str | None) -> str | None:
    if s is None:
        return None
    s = " ".join(s.translate(_QUOTE_MAP).split()).casefold()
    return s or None


def _minute(dt: Any) -> str | None:
    return dt.strftime("%Y-%m-%dT%H:%M") if dt is not None else None


def _quote_matches(gold: dict[str, Any], pred: Any) -> bool:
    g = norm(gold.get("text_start"))
    p = norm(pred.text)
    if g is None:
        return p is None and norm(pred.speaker) == norm(gold.get("speaker"))
    if p is None:
        return False
    return p.startswith(g) or (len(p) >= 12 and g.startswith(p))


@dataclass
class Tally:
    ok: int = 0
    n: int = 0

    def add(self, good: bool) -> None:
        self.ok += int(good)
        self.n += 1

    @property
    def rate(self) -> float:
        return self.ok / self.n if self.n else 1.0


@dataclass
class Scores:
    pages: int = 0
    stories: int = 0
    split: Tally = field(default_factory=Tally)
    fields: dict[str, Tally] = field(default_factory=dict)
    quote_tp: int = 0
    quote_pred: int = 0
    quote_gold: int = 0
    quote_fields: dict[str, Tally] = field(default_factory=dict)
    page_language: Tally = field(default_factory=Tally)
    page_date: Tally = field(default_factory=Tally)
    seconds: float = 0.0
    details: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.quote_tp / self.quote_pred if self.quote_pred else 1.0

    @property
    def recall(self) -> float:
        return self.quote_tp / self.quote_gold if self.quote_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float]:
        """Every figure by name (what the quality test pins)."""
        out = {"story_split": self.split.rate}
        out.update({k: t.rate for k, t in self.fields.items()})
        out.update({"quote_precision": self.precision, "quote_recall": self.recall,
                    "quote_f1": self.f1})
        out.update({k: t.rate for k, t in self.quote_fields.items()})
        out["page_language"] = self.page_language.rate
        out["page_date"] = self.page_date.rate
        return out


STORY_FIELDS = ("title", "published", "updated", "program", "reporter")
QUOTE_FIELDS = (("speaker", "speaker"), ("role", "role"), ("organization", "speaker_org"),
                ("language", "language"))
#: the quote attribute each figure reads, where it is not the figure's name: the gold notes the
#: language a label names ("Korean"), which a quote keeps as ``language_label``
_QUOTE_ATTRS = {"language": "language_label"}


def score(cases: Iterable[Case], parse: Callable[[str, Hints], ParsedDocument]) -> Scores:
    """Run ``parse`` on every case and compare with its gold."""
    sc = Scores()
    sc.fields = {f: Tally() for f in STORY_FIELDS}
    sc.quote_fields = {f: Tally() for f, _g in QUOTE_FIELDS}
    t0 = time.perf_counter()
    for case in cases:
        doc = parse(case.text, case.hints)
        gold = case.gold
        sc.pages += 1
        gstories = gold.get("stories") or []
        pstories = doc.stories
        sc.stories += len(gstories)
        good_split = len(gstories) == len(pstories)
        sc.split.add(good_split)
        if not good_split:
            sc.details.append(f"{case.name}: {len(pstories)} stories, gold {len(gstories)}")
        first = pstories[0] if pstories else None
        plang = first.language if first else None
        sc.page_language.add(plang == gold.get("page_language"))
        if plang != gold.get("page_language"):
            sc.details.append(
                f"{case.name}: language {plang!r}, gold {gold.get('page_language')!r}")
        pdate = first.date.isoformat() if first and first.date else None
        sc.page_date.add(pdate == gold.get("page_date"))
        if pdate != gold.get("page_date"):
            sc.details.append(f"{case.name}: date {pdate!r}, gold {gold.get('page_date')!r}")
        for i, gs in enumerate(gstories):
            ps = pstories[i] if i < len(pstories) else None
            pred = {
                "title": norm(ps.title) if ps else None,
                "published": _minute(ps.published_at) if ps else None,
                "updated": _minute(ps.updated_at) if ps else None,
                "program": norm(ps.program) if ps else None,
                "reporter": norm(ps.reporter) if ps else None,
            }
            for f in STORY_FIELDS:
                g = gs.get(f)
                g = g if f in ("published", "updated") else norm(g)
                good = pred[f] == g
                sc.fields[f].add(good)
                if not good:
                    sc.details.append(f"{case.name} story {i}: {f} {pred[f]!r}, gold {g!r}")
        # quotes, pooled per page (robust to a wrong story split)
        gq = [q for s in gstories for q in (s.get("quotes") or [])]
        pq = [q for s in pstories for q in s.quotes]
        sc.quote_gold += len(gq)
        sc.quote_pred += len(pq)
        used: set[int] = set()
        nxt = 0
        for g in gq:
            hit = None
            for j in list(range(nxt, len(pq))) + list(range(0, nxt)):
                if j not in used and _quote_matches(g, pq[j]):
                    hit = j
                    break
            if hit is None:
                sc.details.append(f"{case.name}: missed quote {g.get('text_start')!r} "
                                  f"({g.get('speaker')})")
                continue
            used.add(hit)
            nxt = hit + 1
            sc.quote_tp += 1
            p = pq[hit]
            for pf, gf in QUOTE_FIELDS:
                value = getattr(p, _QUOTE_ATTRS.get(pf, pf))
                good = norm(value) == norm(g.get(gf))
                sc.quote_fields[pf].add(good)
                if not good:
                    sc.details.append(f"{case.name}: quote {g.get('text_start')!r}: {pf} "
                                      f"{value!r}, gold {g.get(gf)!r}")
        for j, p in enumerate(pq):
            if j not in used:
                sc.details.append(f"{case.name}: extra quote {p.text[:40]!r} ({p.speaker})")
    sc.seconds = time.perf_counter() - t0
    return sc


def table(sc: Scores) -> str:
    """The figures as a plain-text table."""
    rows = [("pages", f"{sc.pages}"), ("gold stories", f"{sc.stories}"),
            ("gold quotes", f"{sc.quote_gold}"), ("predicted quotes", f"{sc.quote_pred}")]
    rows += [(k, f"{v:.3f}") for k, v in sc.figures().items()]
    rows.append(("seconds", f"{sc.seconds:.3f}"))
    w = max(len(k) for k, _v in rows)
    lines = [f"{'figure'.ljust(w)}  value", f"{'-' * w}  -----"]
    lines += [f"{k.ljust(w)}  {v}" for k, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    shared = find_shared()
    if shared is None:
        print("../shared not found (set DATELINE_SHARED)", file=sys.stderr)
        return 2
    from dateline.transcript import parse

    sc = score(load_cases(shared), parse)
    print(table(sc))
    if "--details" in argv:
        print()
        print("\n".join(sc.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
