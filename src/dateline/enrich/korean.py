"""Proper nouns (NNP) of Korean text, from the kiwipiepy model search already loads.

The model loads lazily, once per process, and only for Korean-language stories.  Adjacent proper
nouns are joined, which mends most names the analyser splits (이도훈 → 이도 + 후 + ᆫ is not mended:
teaching it words one story at a time rebuilds its model, seconds each, so names the transcript
gives as speakers come from the sound-bite labels instead).
"""

from __future__ import annotations

from dateline.search import korean as _search_korean


def proper_nouns(text: str) -> list[tuple[str, int, int]]:
    """(form, start, end) of each proper noun; adjacent NNP morphemes are joined."""
    if not _search_korean.has_hangul(text):
        return []
    kiwi = _search_korean._get_kiwi()  # noqa: SLF001 - one shared model per process
    out: list[tuple[str, int, int]] = []
    for tok in kiwi.tokenize(text):
        if not tok.tag.startswith("NNP"):
            continue
        start, end = tok.start, tok.start + tok.len
        if out and out[-1][2] == start:
            form, a, _ = out[-1]
            out[-1] = (form + tok.form, a, end)
        else:
            out.append((tok.form, start, end))
    return out
