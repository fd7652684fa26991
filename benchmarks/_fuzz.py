"""Inputs for fuzzing the transcript parser, and the checks every parse must pass.

Shared by the fuzz test (``tests/test_parser_fuzz.py``, a bounded Hypothesis run) and the long
campaign (``benchmarks/fuzz_parser.py``).  The inputs are the real KBS pages and seeds in
``../shared`` (read at run time, never copied here), mutated the ways scraped pages go wrong:
markers spliced in or repeated, brackets and quote marks deleted or doubled, pages pasted
together, passages repeated, long runs of one character, stray Unicode and Hangul, lines joined
into one or cut short.  Every mutation draws from a ``random.Random``, so a campaign is
reproducible from its seed, and Hypothesis can drive the same code through ``st.randoms()``.

:data:`SHAPES` are whole pages built to a size: one per kind of layout that once cost a time
quadratic in the page (one long line, runs, many markers, stories, sign-offs, time lines…).
"""

from __future__ import annotations

import hashlib
import json
import random
import string
from collections.abc import Callable
from pathlib import Path

from dateline.model import SEGMENT_KINDS, ParsedDocument

#: what the fuzz splices in: the structure the parser looks for (markers, numbered titles,
#: times, sign-offs, date lines) and the punctuation its rules turn on
MARKERS = (
    "[Anchor Lead]", "[Anchor]", "[Pkg]", "[Report]", "[Reporter]", "[Sound bite: ",
    "[Sound bite: Tarn Veloso - Festival Organiser (Korean)]",
    "[Sound bite: Pinehollow Mayor Ida Brannock]", "[Soundbite]", "[SOUNDBITE]",
    '[Soundbite] Ida Brannock (Mayor, Pinehollow) : "', "[Soundbite] (Visitor) : ",
    "<앵커 멘트>", "<리포트>", "<녹취>", "<인터뷰>", '<녹취> 김가온(과수원 주인) : "',
    '[Ida Brannock/Mayor/June 25: "', '["', "Anchor:", "Report:", "Anchor: ",
    "2. Orchard festival opens\n", "\n3. Second story\n", "■ ", "▷ ", "입력 2031.04.02 (15:01)",
    "수정 2031-04-02 16:12:40", "Written: 2031-04-02 10:55:01Updated: 2031-04-02 11:30:25",
    " date 2031-04-02 ", "News Today", "KBS World Radio News", "뉴스광장",
    "Tarn Veloso, KBS World Radio News.", "This is KBS News, Tarn Veloso.",
    "KBS 뉴스 김가온입니다.", "Tarn Veloso has more.", "김가온 기자입니다.",
    "reporter Ida Brannock",
    "Photo : YONHAP News", "Share", "다음기사", '"', "“", "”", "(", ")", ":", "/", "[", "]", "<",
    ">", "\n", "\n\n", "  ", "\t",
)
#: characters for runs: blanks, brackets, quote marks, label punctuation, a letter, a syllable
RUN_CHARS = " \t\n[<>]\"“”:/(.a가-■"
#: stray characters: Hangul, CJK, Kana, Arabic, Cyrillic, combining marks, odd blanks and
#: controls (vertical tab, U+2028, NEL, NBSP, zero-width), an emoji, a lone surrogate
_ODD = "\x0b\x0c\x1c\x1d\x85\xa0\u1680\u2000\u2028\u2029\u200b\u3000\ufeff\u0301\U0001f600\ud800"

Mutation = Callable[[random.Random, str, list[str], int], str]


def load_pages(shared: Path) -> list[str]:
    """The page texts of ``corpora/kbs-pages/*.json`` (``excerpt``) and ``seeds/*.txt``."""
    pages: list[str] = []
    for p in sorted((shared / "corpora" / "kbs-pages").glob("*.json")):
        text = json.loads(p.read_text(encoding="utf-8")).get("excerpt") or ""
        if text.strip():
            pages.append(text)
    for p in sorted((shared / "seeds").glob("*.txt")):
        pages.append(p.read_text(encoding="utf-8"))
    return pages


# --------------------------------------------------------------------------- mutations


def _at(rng: random.Random, text: str) -> int:
    """A position: anywhere, or (half the time) a line start."""
    pos = rng.randint(0, len(text))
    if rng.random() < 0.5:
        pos = text.rfind("\n", 0, pos) + 1
    return pos


def _times(rng: random.Random, unit: int, target: int) -> int:
    """How many copies of ``unit`` characters make up to ``target`` (a random share of it)."""
    return max(1, min(int(target * rng.random()) // max(1, unit), 200_000))


def splice_markers(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    for _ in range(rng.randint(1, 60)):
        pos = _at(rng, text)
        text = text[:pos] + rng.choice(MARKERS) + text[pos:]
    return text


def repeat_marker(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    """One marker many times: alone, with a word, or each on its own line."""
    unit = rng.choice(MARKERS) + rng.choice(("", " ", "\n", " x ", "words here. ", '"said."\n'))
    pos = _at(rng, text)
    return text[:pos] + unit * _times(rng, len(unit), target) + text[pos:]


def paste_pages(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    sep = rng.choice(("\n", "", "\n\n", " "))
    parts = [text]
    size = len(text)
    while size < target * rng.random() and len(parts) < 5_000:
        page = rng.choice(pages)
        parts.append(page)
        size += len(page)
    return sep.join(parts)


def repeat_passage(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    a = rng.randint(0, len(text))
    b = min(len(text), a + rng.choice((1, 5, 40, 300, 3000)))
    piece = text[a:b] or "x"
    return text[:a] + piece * _times(rng, len(piece), target) + text[b:]


def delete_chars(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    """Delete all (or about half) of one bracket, quote mark, colon or line break."""
    ch = rng.choice("[]<>\"“”:\n(")
    if rng.random() < 0.5:
        return text.replace(ch, "")
    pieces = text.split(ch)
    out = [pieces[0]]
    for piece in pieces[1:]:
        if rng.random() < 0.5:
            out.append(ch)
        out.append(piece)
    return "".join(out)


def double_chars(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    ch = rng.choice("[]<>\"“”:\n /")
    return text.replace(ch, ch * rng.randint(2, 4))


def long_run(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    pos = _at(rng, text)
    return text[:pos] + rng.choice(RUN_CHARS) * _times(rng, 1, target) + text[pos:]


def stray_unicode(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    for _ in range(rng.randint(1, 40)):
        pick = rng.random()
        if pick < 0.4:
            s = "".join(chr(rng.randint(0xAC00, 0xD7A3)) for _ in range(rng.randint(1, 12)))
        elif pick < 0.7:
            s = rng.choice(_ODD) * rng.randint(1, 3)
        else:
            s = "".join(chr(rng.randint(0x20, 0x30FF)) for _ in range(rng.randint(1, 8)))
        pos = rng.randint(0, len(text))
        text = text[:pos] + s + text[pos:]
    return text


def join_lines(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    return text.replace("\n", rng.choice((" ", "", "  ")))


def break_lines(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    for sep in rng.sample((". ", "] ", '" ', ", ", " "), 2):
        if rng.random() < 0.5:
            text = text.replace(sep, sep + "\n" * rng.randint(1, 3))
    return text


def cut_short(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    return text[: rng.randint(0, len(text))]


def shuffle_lines(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    lines = text.split("\n")
    rng.shuffle(lines)
    return "\n".join(lines)


def swap_case(rng: random.Random, text: str, pages: list[str], target: int) -> str:
    return rng.choice((str.upper, str.lower, str.swapcase))(text)


MUTATIONS: dict[str, Mutation] = {f.__name__: f for f in (
    splice_markers, repeat_marker, paste_pages, repeat_passage, delete_chars, double_chars,
    long_run, stray_unicode, join_lines, break_lines, cut_short, shuffle_lines, swap_case,
)}
#: the mutations that make a page grow towards its target size
GROWERS = ("repeat_marker", "paste_pages", "repeat_passage", "long_run")


def mutate(rng: random.Random, pages: list[str], max_chars: int) -> tuple[str, list[str]]:
    """A mutated page of at most ``max_chars`` and the names of the mutations made.

    The target size is log-uniform between 1,000 and ``max_chars``: most inputs are page-sized,
    a few are megabytes.  One to four mutations of any kind come first, then one that grows the
    page (whose share of the target is random too).
    """
    target = int(1000 * (max(max_chars, 1000) / 1000) ** rng.random())
    text = rng.choice(pages)
    names = [rng.choice(sorted(MUTATIONS)) for _ in range(rng.randint(1, 4))]
    names.append(rng.choice(GROWERS))
    return apply(rng, text, names, pages, target, max_chars), names


def apply(rng: random.Random, text: str, names: list[str], pages: list[str], target: int,
          max_chars: int) -> str:
    """The mutations ``names`` made to ``text`` in turn (each result cut to ``max_chars``)."""
    for name in names:
        text = MUTATIONS[name](rng, text, pages, target)[:max_chars]
    return text


def campaign_input(seed: int, index: int, pages: list[str], max_chars: int
                   ) -> tuple[str, list[str]]:
    """Input ``index`` of the campaign seeded ``seed``: the same on every run and machine."""
    return mutate(random.Random(f"{seed}:{index}"), pages, max_chars)


# --------------------------------------------------------------------------- big shapes


def _fill(unit: str, n: int) -> str:
    return (unit * (n // max(1, len(unit)) + 1))[:n]


def _stories(n: int) -> str:
    """Many short stories, each headline then anchor lead, package and a sound bite."""
    parts, size, i = ["Evening bulletin\n"], 0, 0
    while size < n:
        part = (f"Orchard story number {i}\n[Anchor Lead]\nThe {i}th orchard opened today.\n"
                f"[Pkg]\nVisitors came to orchard {i}.\n[Soundbite] Ida Brannock (Mayor) : "
                f"\"Orchard {i} is open.\"\n")
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:n]


def shapes(pages: list[str]) -> dict[str, Callable[[int], str]]:
    """Page builders by name: ``build(n)`` gives a page of about ``n`` characters.

    ``pages`` (the real pages) feed the shapes made of real text; every other shape is built
    here.  Each shape stresses one path that was once quadratic (noted beside it).
    """
    def hangul(p: str) -> int:
        return sum("가" <= c <= "힣" for c in p)

    english = [p for p in pages if hangul(p) < len(p) // 100]
    seed = english[0] if english else "Anchor: The orchard opened. Report: Visitors came.\n"
    flat = " ".join(seed.split())
    korean = "\n".join(p for p in pages if hangul(p) > len(p) // 4) \
        or "과수원 축제가 열렸습니다. 방문객들이 새벽부터 줄을 섰습니다.\n"
    title = " date 2031-04-02 Orchard festival opens\n"
    return {
        # an English page repeated on one line (the page of issue 13): the repeat search went
        # back to the line start per hit
        "long_line": lambda n: title + _fill(flat + " ", n),
        "korean_long_line": lambda n: "과수원 축제\n" + _fill(" ".join(korean.split()) + " ", n),
        "one_word_line": lambda n: title + _fill("orchard ", n),
        "many_short_lines": lambda n: title + _fill("Visitors came.\nThey stayed\n\n", n),
        "pasted_pages": lambda n: _fill("\n".join(pages) + "\n", n) if pages else _fill(seed, n),
        "korean_only": lambda n: _fill(korean + "\n", n),
        "sound_bites_one_line": lambda n: title + "Anchor: The orchard opened. Report: It did."
        + _fill('[Sound bite: Pinehollow Mayor Ida Brannock]"We are proud." She smiled. ', n),
        "soundbite_lines": lambda n: title + "[Anchor Lead]\nIt opened.\n[Pkg]\n"
        + _fill('[Soundbite] Ida Brannock (Mayor, Pinehollow) : "We are proud."\nShe smiled.\n',
                n),
        "nokchwi_lines": lambda n: "과수원 축제\n<앵커 멘트>\n축제가 열렸습니다.\n<리포트>\n"
        + _fill('<녹취> 김가온(과수원 주인) : "감사합니다."\n방문객이 늘었습니다.\n', n),
        # stories: each took a scan of all the page's markers and lines
        "numbered_stories": _stories,
        "numbered_lines": lambda n: "Bulletin\n[Anchor Lead]\nIt opened.\n"
        + "".join(f"{i % 90 + 2}. Story {i}\n" for i in range(n // 12))[:n],
        # markers on one line: each searched back to the line start
        "anchors_one_line": lambda n: "Bulletin\n[Anchor Lead]\nIt opened.\n" + "x" * 1000
        + "\n" + _fill("[Anchor] The orchard opened. ", n),
        "anchor_run": lambda n: "Bulletin\n" + _fill("[Anchor]\n", n),
        # sign-offs on one line: each span ran to the line end and was sliced
        "signoffs_one_line": lambda n: "Bulletin\n[Anchor Lead]\n"
        + _fill("This is KBS News, Tarn Veloso reporting. ", n),
        "korean_signoffs_one_line": lambda n: "과수원 축제\n<앵커 멘트>\n"
        + _fill("KBS 뉴스 김가온입니다. ", n),
        # time lines marked as noise: each walked back over all of them for a headline
        "noise_time_lines": lambda n: "Bulletin\n" + _fill("■ 입력 2031.04.02 (15:01)\n", n)
        + "[Anchor Lead]\nIt opened.",
        # blanks inside a time: the time pattern tried every way to share them
        "blanks_after_ipryeok": lambda n: "Bulletin\n입력" + " " * n + "x\n[Anchor Lead]\nIt.",
        "blanks_after_time": lambda n: "Bulletin\n입력 2031.04.02" + " " * n
        + "x\n[Anchor Lead]\nIt.",
        "blanks_after_quote": lambda n: "Bulletin\n[Anchor Lead]\nIt.\n[Sound bite: Ida]\"Yes.\""
        + " " * n + "x",
        "blanks_after_bracket": lambda n: "Bulletin\n[" + " " * n + "x",
        "trailing_blanks": lambda n: "Bulletin\n[Anchor Lead]\nIt.\n"
        + _fill('[Soundbite] Ida (Mayor) : "Yes"\n', n // 2) + " " * (n // 2),
        # runs of one character
        "run_of_letter": lambda n: "Bulletin\n" + "a" * n,
        "run_of_brackets": lambda n: "Bulletin\n" + "[" * n,
        "run_of_angles": lambda n: "Bulletin\n" + "<" * n,
        "run_of_quotes": lambda n: "Bulletin\n[Soundbite] \"" + "\"" * n,
        "run_of_newlines": lambda n: "Bulletin\n[Anchor Lead]\nx" + "\n" * n + "y",
        "random_letters": lambda n: title + "".join(
            random.Random(n).choices(string.ascii_letters + "  \n.[]\"", k=n)),
    }


# --------------------------------------------------------------------------- checks

def check(text: str, doc: ParsedDocument) -> list[str]:
    """What is wrong with ``doc`` as the parse of ``text`` (an empty list: nothing).

    Stories lie in order inside the text and hold all of its visible characters; each story's
    segments lie in order inside its text, hold all of its visible characters, and their texts
    are what their offsets say; each quote's offsets lie inside its story and its text is what
    they say; times carry a time zone.
    """
    bad: list[str] = []
    if any(w.startswith("parser error") for w in doc.warnings):
        bad.append("the parser raised: " + next(w for w in doc.warnings
                                                 if w.startswith("parser error")))
    if text.strip() and not doc.stories:
        bad.append("text with visible characters gave no story")
    prev_end = 0
    for k, st in enumerate(doc.stories):
        where = f"story {k}"
        a, b = st.span
        if not prev_end <= a < b <= len(text) or text[a:b] != st.text:
            bad.append(f"{where}: span {st.span} is not its text inside the page")
            continue
        if text[prev_end:a].strip():
            bad.append(f"{where}: visible text before it belongs to no story")
        prev_end = b
        if st.text != st.text.strip():
            bad.append(f"{where}: starts or ends with whitespace")
        if st.position != k:
            bad.append(f"{where}: position {st.position}")
        bad.extend(f"{where}: {p}" for p in _check_story(st))
    if text[prev_end:].strip():
        bad.append("visible text after the last story belongs to no story")
    return bad


def _check_story(st) -> list[str]:  # noqa: ANN001 - a ParsedStory
    bad: list[str] = []
    n = len(st.text)
    prev = 0
    for seg in st.segments:
        if seg.kind not in SEGMENT_KINDS:
            bad.append(f"segment kind {seg.kind!r}")
        if not prev <= seg.start < seg.end <= n or st.text[seg.start:seg.end] != seg.text:
            bad.append(f"segment {seg.kind} [{seg.start}, {seg.end}) out of order or not its "
                       "text")
            return bad
        if st.text[prev:seg.start].strip():
            bad.append(f"visible text before segment [{seg.start}, {seg.end}) in no segment")
        prev = seg.end
    if st.text[prev:].strip():
        bad.append("visible text after the last segment in no segment")
    for q in st.quotes:
        if not 0 <= q.start <= q.end <= n or st.text[q.start:q.end] != q.text:
            bad.append(f"quote [{q.start}, {q.end}) outside the story or not its text")
    for name in ("published_at", "updated_at"):
        t = getattr(st, name)
        if t is not None and t.tzinfo is None:
            bad.append(f"{name} has no time zone")
    if st.language is not None and not (st.language.isalpha() and len(st.language) == 2):
        bad.append(f"language {st.language!r}")
    return bad


def digest(doc: ParsedDocument) -> str:
    """A hash of everything the parse says (texts by their offsets), to compare two parsers."""
    out: list[object] = [doc.warnings]
    for st in doc.stories:
        out.append([
            st.title, str(st.date), str(st.published_at), str(st.updated_at), st.program,
            st.reporter, st.language, st.url, st.position, list(st.span),
            hashlib.sha1(st.text.encode("utf-8", "surrogatepass")).hexdigest(),
            [(s.kind, s.start, s.end) for s in st.segments],
            [(q.speaker, q.role, q.organization, q.language, q.kind, q.label, q.start, q.end,
              q.confidence) for q in st.quotes],
        ])
    data = json.dumps(out, ensure_ascii=True).encode()
    return hashlib.sha256(data).hexdigest()[:16]
