"""A demo corpus of KBS-style news transcripts: fictional stories with the truth they plant.

``python -m dateline.sample OUT_DIR --stories N --seed S`` writes transcripts into month folders
(``OUT_DIR/2018/10/news.kbs.co.kr-1000042.txt``) in the page layouts of KBS World Radio,
News Today (2010-2015, 2017-2022, 2023-2025 forms), News 9 and the Korean-language bulletins.
Every person, place, organisation and sentence is invented; only generic policy words are real.

In memory::

    from dateline.sample import iter_pages
    for page in iter_pages(1000, seed=7):
        page.text, page.stories[0].title, page.stories[0].quotes

The same arguments always give the same pages.  Generation streams in constant memory at tens
of thousands of stories per second (pools of sentences are built once per seed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

from dateline.sample.generator import iter_pages
from dateline.sample.truth import LAYOUTS, GeneratedCorpus, QuoteTruth, SamplePage, StoryTruth

__all__ = [
    "KEEP_TRUTH_UP_TO",
    "LAYOUTS",
    "STORIES_PER_BUCKET",
    "GeneratedCorpus",
    "QuoteTruth",
    "SamplePage",
    "StoryTruth",
    "generate",
    "iter_pages",
]

log = logging.getLogger(__name__)

#: corpora larger than this do not keep their truth in memory unless asked
KEEP_TRUTH_UP_TO = 100_000
#: a month folder gets one more bucket subfolder per this many stories (~1,500 files each)
STORIES_PER_BUCKET = 500_000


def generate(out_dir: str | Path, stories: int, seed: int = 0, *, korean_share: float = 0.1,
             pages_per_file: int = 1, revisions: float = 0.0, duplicates: float = 0.0,
             truth_path: str | Path | None = None,
             keep_truth: bool | None = None) -> GeneratedCorpus:
    """Write a demo corpus of ``stories`` stories into ``out_dir`` and say what was planted.

    ``pages_per_file`` above 1 writes JSON Lines files (``{"url", "text"}`` per page) instead of
    one ``.txt`` per page.  ``revisions`` / ``duplicates`` are the shares of pages also written as
    a revised page (``out_dir/revised/…``, same file name) or as an exact copy under a new name.
    ``truth_path`` writes the planted truth as JSON Lines (one page per line; keep it outside
    ``out_dir`` or it will be ingested with the corpus).  The truth is also returned in
    :attr:`GeneratedCorpus.truth` (page texts dropped) when ``keep_truth`` is true, by default
    for corpora up to 100,000 stories.
    """
    if pages_per_file < 1:
        raise ValueError(f"pages_per_file must be >= 1, got {pages_per_file}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if keep_truth is None:
        keep_truth = stories <= KEEP_TRUTH_UP_TO
    corpus = GeneratedCorpus(out, seed, truth=[] if keep_truth else None)
    pages = iter_pages(stories, seed, korean_share=korean_share, revisions=revisions,
                       duplicates=duplicates, buckets=1 + stories // STORIES_PER_BUCKET)
    truth_file = open(truth_path, "w", encoding="utf-8") if truth_path else None  # noqa: SIM115
    try:
        if pages_per_file == 1:
            _write_text_files(out, pages, corpus, truth_file)
        else:
            _write_jsonl_files(out, pages, corpus, truth_file, pages_per_file)
    finally:
        if truth_file is not None:
            truth_file.close()
    log.info("wrote %d stories in %d files to %s", corpus.stories, corpus.files, out)
    return corpus


def _count(page: SamplePage, corpus: GeneratedCorpus, truth_file: object) -> None:
    corpus.pages += 1
    if page.kind == "original":
        corpus.stories += len(page.stories)
        corpus.quotes += sum(len(s.quotes) for s in page.stories)
        corpus.layouts[page.layout] = corpus.layouts.get(page.layout, 0) + len(page.stories)
    elif page.kind == "revision":
        corpus.revisions += 1
    else:
        corpus.duplicates += 1
    if truth_file is not None:
        truth_file.write(json.dumps(page.to_dict(), ensure_ascii=False) + "\n")  # type: ignore[attr-defined]
    if corpus.truth is not None:
        corpus.truth.append(SamplePage(page.name, page.path, "", page.layout, page.stories,
                                       page.kind, page.of, page.repeated))


def _write_text_files(out: Path, pages: Iterator[SamplePage], corpus: GeneratedCorpus,
                      truth_file: object) -> None:
    made: set[str] = set()
    for page in pages:
        folder, _, _ = page.path.rpartition("/")
        if folder not in made:
            (out / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        data = page.text.encode("utf-8")
        with open(out / page.path, "wb") as fh:
            fh.write(data)
        corpus.files += 1
        corpus.bytes += len(data)
        _count(page, corpus, truth_file)


def _write_jsonl_files(out: Path, pages: Iterator[SamplePage], corpus: GeneratedCorpus,
                       truth_file: object, per_file: int) -> None:
    """Originals and duplicates in ``out/jsonl/NNNN/pages-NNNNNN.jsonl``; revisions in
    ``out/revised/jsonl/…``, each record with the same url as its original."""
    streams: dict[str, list[str]] = {"": [], "revised/": []}
    numbers = {"": 0, "revised/": 0}

    def flush(prefix: str) -> None:
        lines = streams[prefix]
        if not lines:
            return
        k = numbers[prefix]
        folder = out / f"{prefix}jsonl/{k // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        data = "".join(lines).encode("utf-8")
        (folder / f"pages-{k:06d}.jsonl").write_bytes(data)
        numbers[prefix] = k + 1
        corpus.files += 1
        corpus.bytes += len(data)
        lines.clear()

    for page in pages:
        prefix = "revised/" if page.kind == "revision" else ""
        url = f"https://{page.name.rpartition('-')[0]}/sample/{page.name.removesuffix('.txt')}"
        streams[prefix].append(json.dumps({"url": url, "text": page.text},
                                          ensure_ascii=False) + "\n")
        if len(streams[prefix]) >= per_file:
            flush(prefix)
        _count(page, corpus, truth_file)
    for prefix in streams:
        flush(prefix)
