"""Language of a story's text by script (Hangul, Arabic, Cyrillic, Kana, Han) and, for Latin
script, a few function words (en, es, fr, de, id, vi); the language of a quote's own words, and
the ISO 639-1 codes of the language names transcripts write in their labels ("Korean")."""

from __future__ import annotations

import re

from dateline.transcript.text import words

_SCRIPTS = (
    ("ko", re.compile(r"[\uac00-\ud7a3]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_NON_LATIN = re.compile("|".join(rx.pattern for _, rx in _SCRIPTS))
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
#: how much of a sample to count Hangul in before counting all of it
_KO_PROBE = 200
_WORDS = re.compile(r"[A-Za-zÀ-ɏ]+")
_NOT_LATIN = re.compile(r"[^A-Za-zÀ-ɏ]+")
_FUNCTION_WORDS = {
    "en": frozenset(words("the of and to in is that for on with was said has are")),
    "es": frozenset(words("el la los las de que y en del por con una para se")),
    "fr": frozenset(words("le la les des de et en du un une pour est que dans")),
    "de": frozenset(words("der die das und den von zu mit ist im nicht ein eine")),
    "id": frozenset(words("yang dan di dari untuk dengan ini itu dalam pada tidak akan")),
    "vi": frozenset(words("và của là có được cho các những với không một người")),
}
#: ASCII bytes that are no letters: deleted to count the letters of an ASCII sample
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
#: ASCII letters stay, any other byte becomes a space: splits an ASCII sample into words
_ASCII_WORD_GAPS = bytes(b if b < 128 and chr(b).isalpha() else 0x20 for b in range(256))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``, or None when it has too few letters to tell."""
    sample = text[:1000]  # enough letters to tell, and cheap on long stories
    if sample.isascii():
        return _detect_ascii(sample)
    latin = len(_NOT_LATIN.sub("", sample))  # the Latin letters: what is left without the rest
    if _NON_LATIN.search(sample):
        best_n, best = 0, ""
        for code, rx in _SCRIPTS:
            if code == "ko":
                # Korean shows more Hangul in its first lines than it has Latin letters in all:
                # then the full count below would return "ko" too, so stop early
                if sum(map(len, _HANGUL.findall(sample, 0, _KO_PROBE))) > latin:
                    return "ko"
                n = sum(map(len, _HANGUL.findall(sample)))
            else:
                n = len(rx.findall(sample)) if rx.search(sample) else 0
            if n > best_n:
                best_n, best = n, code
            if code == "ko" and n > latin:
                return "ko"
        if best_n >= latin * 0.3 and best_n >= 2:
            if best == "zh" and _SCRIPTS[3][1].search(sample):
                return "ja"
            return best
    if latin < 3:
        return None
    return _by_function_words(_WORDS.findall(sample.lower(), 0, 800))


def _detect_ascii(sample: str) -> str | None:
    """:func:`detect_language` of an ASCII sample (most English stories), at C speed.

    The same answer as the general path: ASCII holds no non-Latin script, and its letters are
    exactly the ``[A-Za-z]`` part of ``_WORDS``, so ``bytes.translate`` can count the
    letters and cut the first 800 characters into the same words without a regex.
    """
    raw = sample.encode("ascii")
    if len(raw.translate(None, _ASCII_NON_LETTERS)) < 3:
        return None
    return _by_function_words(raw[:800].lower().translate(_ASCII_WORD_GAPS).decode().split())


def _by_function_words(words: list[str]) -> str:
    """The Latin-script language whose function words are most frequent (English by default)."""
    en = sum(map(_FUNCTION_WORDS["en"].__contains__, words))
    if en >= 0.08 * len(words):
        return "en"
    scores = {code: sum(map(fw.__contains__, words)) for code, fw in _FUNCTION_WORDS.items()}
    code = max(scores, key=lambda c: scores[c])
    return code if scores[code] > 0 else "en"


#: ISO 639-1 codes of the language names sound-bite labels use ("(Korean)", "Korean-English")
LANGUAGE_CODES = {
    "korean": "ko", "english": "en", "japanese": "ja", "chinese": "zh", "mandarin": "zh",
    "russian": "ru", "french": "fr", "german": "de", "spanish": "es", "arabic": "ar",
    "vietnamese": "vi", "indonesian": "id", "thai": "th", "ukrainian": "uk", "italian": "it",
    "portuguese": "pt", "hindi": "hi", "turkish": "tr", "mongolian": "mn",
}
_NAMES = re.compile(r"[A-Za-z]+")


def language_code(name: str | None) -> str | None:
    """The ISO 639-1 code of a language given by code or by name (``"ko"``, ``"Korean"``,
    ``"korean"``), or None when it is neither; a label naming several (``"Korean-English"``)
    gives the first."""
    if not name:
        return None
    value = name.strip().lower()
    if len(value) == 2 and value.isalpha():
        return value
    for word in _NAMES.findall(value):
        code = LANGUAGE_CODES.get(word)
        if code:
            return code
    return None


def quote_language(text: str, label: str | None = None,
                   story_language: str | None = None) -> str | None:
    """ISO 639-1 code of the language a quote's words are written in.

    Read from the words themselves (script, then function words: a Korean sound bite is "ko"
    whatever its label says, an English translation of one is "en"); for words too short to
    tell, the language its label names (``"Korean"`` → "ko"), else the story's.  The label
    itself, the language of the original as the transcript notes it, is kept beside the code.
    """
    found = detect_language(text) if text else None
    if found is not None:
        return found
    return language_code(label) or language_code(story_language)
