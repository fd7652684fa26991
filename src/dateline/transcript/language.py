"""Language of a story's text by script (Hangul, Arabic, Cyrillic, Kana, Han) and, for Latin
script, a few function words (en, es, fr, de, id, vi)."""

from __future__ import annotations

import re

_SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7a3]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_WORDS = re.compile(r"[A-Za-zÀ-ɏ]+")
_FUNCTION_WORDS = {
    "en": frozenset("the of and to in is that for on with was said has are".split()),
    "es": frozenset("el la los las de que y en del por con una para se".split()),
    "fr": frozenset("le la les des de et en du un une pour est que dans".split()),
    "de": frozenset("der die das und den von zu mit ist im nicht ein eine".split()),
    "id": frozenset("yang dan di dari untuk dengan ini itu dalam pada tidak akan".split()),
    "vi": frozenset("và của là có được cho các những với không một người".split()),
}


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when it has too few letters to tell."""
    sample = text[:4000]
    latin = len(_LATIN.findall(sample))
    counts = [(len(rx.findall(sample)), code) for code, rx in _SCRIPTS]
    best_n, best = max(counts)
    if best_n == 0 and latin == 0:
        return None
    if best_n >= latin * 0.3 and best_n >= 2:
        if best == "zh" and counts[3][0] > 0:
            return "ja"
        return best
    if latin < 3:
        return None
    words = [w.lower() for w in _WORDS.findall(sample)[:600]]
    scores = {code: sum(1 for w in words if w in fw) for code, fw in _FUNCTION_WORDS.items()}
    code = max(scores, key=lambda c: scores[c])
    return code if scores[code] > 0 else "en"
