"""Names in English text: capitalised sequences read in context.

A sequence of capitalised words (joined by ``of``, ``for``, ``and``, ``the``…) is split where a
title ends (``U.S. Secretary of State`` | ``Mike Pompeo``), at possessives of names, at months,
at ``and`` between two names, and typed by what it ends or starts with (organisation heads such
as ``Ministry``, ``Factory``, ``FC``; site and place heads such as ``Province``, ``Palace``,
``Intersection``, ``Mount``), by gazetteers (:mod:`dateline.enrich.gazetteer`,
:mod:`dateline.enrich.known`) and by the form of romanised Korean names.  A span is never typed
by its capital letters alone: a person needs a Korean name's form, a known given name, a title
before or after it, or a verb of saying after it.

All-capital runs (``KANG KYUNG-WHA(S. KOREAN FOREIGN MINISTER)``) are read in mixed case, lines
wrapped inside a sentence are read as one line, and a story's title is read with the words its
body never capitalises put in lower case (:func:`recase_title`).
"""

from __future__ import annotations

import functools
import re

from dateline.enrich import gazetteer
from dateline.enrich.facts import Collector
from dateline.enrich.known import (
    COMPANY_ENDS,
    FRAGMENTS,
    LEGAL_ENDS,
    MEDIA_KEYS,
    ORG_EPITHETS,
    PEOPLE_OF,
    PLACE_FIRST,
    PLURAL_HEADS,
    ROLE_TAILS,
    SINGLE_ORGS,
    SITE_HEADS,
    UNIT_HEADS,
    is_given_name,
    words,
)
from dateline.enrich.lexicon import (
    COMMON_CAPS,
    DEMONYMS,
    GROUP_NOUNS,
    HEADLINE_VERBS,
    METONYM_NEXT,
    NOT_NAME_HEADS,
    ORG_ACRONYMS,
    ORG_HEADS,
    PLACE_HEADS,
    SPEECH_VERB_RE,
    TITLE_HEADS,
    TITLE_WORDS,
)
from dateline.enrich.names import (
    KOREAN_SURNAMES,
    ORG_ALIASES,
    PLACE_ALIASES,
    casefold_key,
    is_given_name_part,
    is_korean_name,
)
from dateline.enrich.spans import FirstHit

_TOKEN = (
    r"(?:\d{1,3}(?:st|nd|rd|th)(?=[ ][A-Z])"
    r"|[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-'’][A-Za-z]+)*['’]?"
    r"|[A-Z]\.(?:[A-Z]\.)+|[A-Z]{2,}(?:-[A-Z]+)?|[A-Z]\.|[A-Z](?=[ ,;:)]|$))"
)
#: (Each pattern that finds a run in a whole text starts with a look-ahead for the letter a run
#: starts with: without it the engine tries the whole pattern at every letter, 2-3x slower.)
_SEQ = re.compile(
    rf"(?=[A-Z\d]){_TOKEN}(?:[ ](?:{_TOKEN}|"
    r"(?:(?:of|for)(?: the)?|and|the|on|de|du|der|van|von|bin|al)(?=[ ][A-Z])))*"
)
_LEADERS = re.compile(r"Kim (?:Il Sung|Jong Il|Jong Un|Yo Jong)")
_HYPHEN_ADJ = re.compile(r"^([A-Z][\w.]+)-(?:based|led|born|style|made|bound|related|backed)$")
_POSSESSIVE = re.compile(r"['’]s?$")
_JOINERS = ("of", "for", "and", "the", "on")
_DIRECTIONS = words("north south east west northern southern eastern western")
_COMMON_POSSESSORS = words("people children women men youth workers")
#: Firms whose own names are possessives: ``Moody's Investors Service``, ``Standard and Poor's
#: Corp`` are one name each, unlike ``Icahn's TWA``
_FIRM_POSSESSORS = words("moody poor mcdonald sotheby christie lloyd macy")
#: ``Goldman, Sachs and Co``, ``Smith Barney, Harris Upham and Co``: a partnership's name
#: written with its comma
_COMMA_FIRM = re.compile(r"(?=[A-Z])[A-Z][a-z]+(?: [A-Z][a-z]+)?, "
                         r"[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:and|&) Co\b(?: Inc\b)?")
_ORG_LIKE = ORG_HEADS | UNIT_HEADS
_PLACE_LIKE = PLACE_HEADS | SITE_HEADS
_CAPS_WORD = re.compile(r"[A-Z][A-Z0-9'’.&-]*[A-Z.]")
_CAPS_GAP = re.compile(r"[ ()\-,/:]{1,3}")
_WRAP = re.compile(r"\n(?<=[^.!?:\"”)\]\n ]\n)(?=[A-Za-z])")  # the break first: 20x faster
_LIST = re.compile(
    r"(?=[A-Z])\b((?:[A-Z][\w'’-]+ )?[A-Z][\w'’-]+(?:, (?:[A-Z][\w'’-]+ )?[A-Z][\w'’-]+)*)"
    r"(,? and (?:other )?|,? and )((?:[A-Z][\w'’-]+ )?[A-Z][\w'’-]+ )?((?:[a-z][\w-]* ){0,2})"
    rf"({'|'.join(PLURAL_HEADS)})\b"
)
_FUNCTION = words("of and the for on in at to a an by with from")
#: A capitalised word that does not start a sentence (evidence that a title word is a name).
_MID_SENTENCE_CAP = re.compile(
    r"(?=[A-Z])(?<![.!?\n\"“])(?<![.!?\n\"“] )(?<!^)\b([A-Z][\w'’.-]*\w)")
_KEEP_UPPER = frozenset(
    {a for a in ORG_ACRONYMS} | {"US", "U.S.", "UK", "UN", "U.N.", "NK", "DPRK", "ROK", "EU",
                                 "LA", "FC", "TV", "ICBM", "SLBM", "UAE", "USA", "PRC"}
)


# ----------------------------------------------------------------------------- text forms


def reading_text(text: str) -> str:
    """The text as the scanner reads it, same length: wrapped lines joined, all-capital runs in
    mixed case (``PRES. MOON JAE-IN`` → ``Pres. Moon Jae-in``), acronyms kept."""
    out = list(_WRAP.sub(" ", text))
    caps = list(_CAPS_WORD.finditer(text))
    run: list[re.Match[str]] = []
    for i, m in enumerate(caps):
        run.append(m)
        nxt = caps[i + 1] if i + 1 < len(caps) else None
        if nxt is None or not _CAPS_GAP.fullmatch(text[m.end():nxt.start()]):
            if sum(len(w.group().strip(".")) > 1 for w in run) >= 2:
                for w in run:
                    out[w.start():w.end()] = _recase(w.group())
            run = []
    return "".join(out)


def _recase(word: str) -> str:
    if word in _KEEP_UPPER or word.rstrip(".") in _KEEP_UPPER:
        return word
    if word.casefold() in _FUNCTION:
        return word.lower()
    parts = re.split(r"([-'’.])", word)
    done = [parts[0][:1] + parts[0][1:].lower()]
    for sep, part in zip(parts[1::2], parts[2::2], strict=False):
        done += [sep, part.lower() if sep in "'’-" else part[:1] + part[1:].lower()]
    return "".join(done)


def recase_title(title: str, body: str) -> str:
    """A headline as a sentence, same length: each word keeps its capital only where the body
    capitalises it, or where it is a known place, organisation, acronym or name head."""
    if not title:
        return title
    title = reading_text(title) if title.isupper() else title
    body = body.replace(title, " ")  # the headline repeated in the page is no evidence
    capitalised = {m.group(1) for m in _MID_SENTENCE_CAP.finditer(body)}
    found = list(re.finditer(r"\S+", title))
    firm = _headline_firms([m.group() for m in found])
    out = []
    name_run = False  # inside a romanised Korean name: "Kim Jong Un"
    for i, m in enumerate(found):
        word = m.group()
        if i in firm:
            continue
        core = _POSSESSIVE.sub("", word.strip("\"“”‘,:;!?()[]")).strip("'’")
        low = core.casefold().rstrip(".")
        key = casefold_key(core)
        name_run = (low in KOREAN_SURNAMES and core[:1].isupper()) or (
            name_run and is_given_name_part(core))
        if (core[:1].isupper() and not core.isupper() and not name_run
                and key not in MEDIA_KEYS and key not in ORG_ALIASES
                and core not in capitalised
                and low not in _ORG_LIKE and low not in _PLACE_LIKE
                and not gazetteer.is_place(core) and casefold_key(core) not in PLACE_ALIASES
                and low not in KOREAN_SURNAMES):
            word = word.replace(core, core.lower(), 1)
        out.append((m.start(), word))
    chars = list(title)
    for at, word in out:
        chars[at:at + len(word)] = word
    return "".join(chars)


def _headline_firms(title_words: list[str]) -> set[int]:
    """The places in a headline's words of a company's name, its legal ending and up to five
    words before it (``Farmers Group Inc``, ``Maui Land and Pineapple Co Inc``): they keep
    their capitals, which the body seldom shows again (a brief writes tables).  A headline's
    verb, a word after ``to`` or a function word other than ``and`` and ``of`` ends the name
    (``Says IBM Corp``, ``To Buy American Motors Corp``)."""
    keep: set[int] = set()
    for j, word in enumerate(title_words):
        if not _company_end(word, LEGAL_ENDS):
            continue
        keep.add(j)
        for k in range(j - 1, max(-1, j - 6), -1):
            low = title_words[k].casefold()
            if (low in HEADLINE_VERBS or not title_words[k][:1].isalpha()
                    or (low in _FUNCTION and low not in ("and", "&", "of"))
                    or (k and title_words[k - 1].casefold() == "to")):  # "to Buy …": a verb
                break
            keep.add(k)
    return keep


# ----------------------------------------------------------------------------- scanning


def scan(col: Collector, text: str, start: int, end: int) -> None:
    """Every name in ``text[start:end]`` (``text`` as :func:`reading_text` gives it)."""
    chunk = text[start:end]
    for m in _LEADERS.finditer(chunk):
        col.add("person", m.group(), start + m.start(), start + m.end(), source="name")
    for m in _COMMA_FIRM.finditer(chunk) if " Co" in chunk else ():  # (a cheap test first)
        if _comma_firm(chunk, m):
            col.add("org", m.group(), start + m.start(), start + m.end(), source="org-pattern")
    for m in _LIST.finditer(chunk):
        _name_list(col, m, start)
    for m in _SEQ.finditer(chunk):
        for phrase, at in _list_items(m.group(), start + m.start()):
            _sequence(col, text, phrase, at)


def _comma_firm(chunk: str, m: re.Match[str]) -> bool:
    """A :data:`_COMMA_FIRM` match names one firm: it starts a run of capitalised words (not
    ``Burnham Lambert Inc, Kidder …`` inside two firms' names), after no sentence's first word
    (``In Tokyo, Nomura and Co``), and no legal ending comes before its comma."""
    before = m.group().split(",", 1)[0].split()
    previous = chunk[:m.start()].rstrip().rpartition(" ")[2]
    return not (before[0].casefold() in COMMON_CAPS
                or any(_company_end(w, LEGAL_ENDS) for w in before)
                or (previous[:1].isupper() and chunk[m.start() - 1:m.start()] == " "))


#: A run that joins more parts than this by ``and`` is a list, read one part at a time.
_LIST_ANDS = 8


def _list_items(phrase: str, pos: int) -> list[tuple[str, int]]:
    """The run at ``pos`` whole, or each of its parts when it is a list: a run hands what
    follows its first ``and`` to a new reading, so 400 names joined by ``and`` were read in
    400 nested calls (the stack overflowed), each going through the rest again (quadratic)."""
    if phrase.count(" and ") <= _LIST_ANDS:
        return [(phrase, pos)]
    items = []
    for part in phrase.split(" and "):
        items.append((part, pos))
        pos += len(part) + len(" and ")
    return items


def _name_list(col: Collector, m: re.Match[str], base: int) -> None:
    """``Unryul and Jaeryong mines`` → Unryul Mine, Jaeryong Mine."""
    kind, head = PLURAL_HEADS[m.group(5)]
    middle = " ".join(w.capitalize() for w in m.group(4).split())
    names = [(n, base + m.start(1) + off) for n, off in _parts(m.group(1))]
    if m.group(3):
        names.append((m.group(3).strip(), base + m.start(3)))
    first, at = names[0]
    if first.split()[0].casefold() in COMMON_CAPS and " " in first:  # "The Unryul and …"
        names[0] = (first.split(" ", 1)[1], at + len(first.split(" ", 1)[0]) + 1)
    if any(n.split()[0].casefold() in COMMON_CAPS for n, _ in names):
        return
    for name, at in names:
        full = " ".join(p for p in (name, middle, head) if p)
        col.add(kind, full, at, at + len(name), source="list")


def _parts(names: str) -> list[tuple[str, int]]:
    out, at = [], 0
    for part in names.split(", "):
        out.append((part, at))
        at += len(part) + 2
    return out


def _offsets(tokens: list[str], pos: int) -> list[int]:
    offsets, cur = [], pos
    for tok in tokens:
        offsets.append(cur)
        cur += len(tok) + 1
    return offsets


def _sequence(col: Collector, text: str, phrase: str, pos: int) -> None:
    """A run of capitalised words at ``pos``, cut where the rules say and read in parts.

    The run is cut after a possessive, around an ``X-based`` word and before a month or day
    name; what follows a cut is read as a run of its own.  That rest is a window
    ``tokens[lo:]`` of one list, gone through in a loop: handing it to a new call, joined and
    split again, took a time quadratic in the run and overflowed the stack on a long one
    (``Kim Monday Kim Monday …``).  The loop makes the same cuts in the same order: a token's
    tests depend on it and the tokens after it, which no cut changes, so each is made once.
    """
    tokens = phrase.split(" ")
    offsets = _offsets(tokens, pos)
    n = len(tokens)
    after = _After(tokens)
    possessive = FirstHit(lambda i: _POSSESSIVE.search(tokens[i]) is not None
                          and len(tokens[i]) > 3 and not _common_possessor(tokens[i], after, i))
    hyphened = FirstHit(lambda i: _HYPHEN_ADJ.match(tokens[i]) is not None)
    lo = 0
    while True:
        # "south Korea" in KCNA's spelling keeps its direction word
        at = offsets[lo]
        if tokens[lo] == "Korea" and text[max(0, at - 6):at].casefold() in ("south ", "north "):
            tokens[lo], offsets[lo] = text[at - 6:at] + "Korea", at - 6
            if lo:  # a token changed that tests before it read: read them again
                after = _After(tokens)
                possessive.at = hyphened.at = lo
        # drop sentence-initial function words and demonyms, never a direction word of a name
        while lo < n and _droppable(tokens, lo, after):
            lo += 1
        i = possessive.first(lo, n - 1)
        if i is not None:  # "Moon's Berlin speech": two phrases
            tokens[i] = _POSSESSIVE.sub("", tokens[i])
            _tokens(col, text, tokens[lo: i + 1], offsets[lo: i + 1])
            lo = i + 1
            continue
        i = hyphened.first(lo, n)
        if i is not None:  # "Korea-based UN Command": the place, then the rest
            m = _HYPHEN_ADJ.match(tokens[i])
            assert m is not None
            _single(col, text, m.group(1), offsets[i], offsets[i] + len(m.group(1)))
            _tokens(col, text, tokens[lo:i], offsets[lo:i])
            if i + 1 < n:
                lo = i + 1
                continue
            return
        # month and day names split a phrase ("Moon Monday")
        for i in range(lo + 1, n):
            low = tokens[i].casefold().rstrip(".")
            if ((low in COMMON_CAPS or low in FRAGMENTS) and low not in _JOINERS
                    and tokens[i - 1] != "the"
                    and not _known_place(tokens[i - 1:i + 1])
                    and not _known_place(tokens[i:i + 2])
                    and not (i + 1 < n and is_korean_name(tokens[i - 1:i + 2])  # Kim In Chol
                             and not gazetteer.is_place(tokens[i + 1]))
                    and not (i > lo + 1 and is_korean_name(tokens[i - 2:i + 1]))):  # Kwak Jong Jun
                _tokens(col, text, tokens[lo:i], offsets[lo:i])
                lo = i
                break
        else:
            _tokens(col, text, tokens[lo:], offsets[lo:])
            return


class _After:
    """What the tokens after each one of a run hold (an organisation or place head, ``of``),
    worked out once, from the end, at the first need: looked at anew for each token, a long run
    was read once per token."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self._heads: list[int] | None = None

    def _bits(self, i: int) -> int:
        if self._heads is None:
            heads, acc = [0] * len(self.tokens), 0
            for j in range(len(self.tokens) - 1, -1, -1):
                heads[j] = acc
                t = self.tokens[j]
                low = t.casefold()
                acc |= ((low in _ORG_LIKE or low in _PLACE_LIKE or t == "of")
                        | (low.rstrip(".") in _DIRECTION_STOPS) << 1
                        | (_POSSESSIVE.sub("", t).casefold() in _ORG_LIKE) << 2)
            self._heads = heads
        return self._heads[i]

    def head_or_of(self, i: int) -> bool:
        """A token after ``tokens[i]`` is an organisation or place head, or ``of``."""
        return bool(self._bits(i) & 1)

    def direction_stop(self, i: int) -> bool:
        """A token after ``tokens[i]`` is a place or organisation head, or ``provincial``."""
        return bool(self._bits(i) & 2)

    def org_head(self, i: int) -> bool:
        """A token after ``tokens[i]``, its possessive left out, is an organisation head."""
        return bool(self._bits(i) & 4)


_DIRECTION_STOPS = _PLACE_LIKE | _ORG_LIKE | {"provincial"}


def _droppable(tokens: list[str], lo: int, after: _After) -> bool:
    """Whether ``tokens[lo]`` is dropped from the start of the run ``tokens[lo:]``."""
    first = tokens[lo]
    low = first.casefold()
    if low not in COMMON_CAPS and low not in ORG_EPITHETS and low.rstrip(".") not in FRAGMENTS:
        return False
    if _is_title_token(first) and low not in ORG_EPITHETS:
        return False
    bare = [_POSSESSIVE.sub("", t) if len(t) > 3 else t for t in tokens[lo:lo + 3]]
    if _known_place(bare[:2]) or _known_place(bare[:3]):
        return False
    if low in DEMONYMS and (any(_company_end(t) for t in tokens[lo + 2:])
                            or _DEMONYM_BODIES.starts(tokens, lo)):
        return False  # "American Express Co", "American Stock Exchange": the body's own name
    more = len(tokens) - lo > 1
    if low in _DIRECTIONS and more and tokens[lo + 1].casefold() not in COMMON_CAPS:
        return not after.direction_stop(lo)
    if low in ORG_EPITHETS:  # "Ruling Democratic Party": drop only before an organisation
        return more and after.org_head(lo)
    return True


class _Names:
    """Known names as tuples of casefolded words, by their first word."""

    def __init__(self, names: list[str]):
        self._by_first: dict[str, set[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(name.split())
            self._by_first.setdefault(words[0], set()).add(words)

    def starts(self, tokens: list[str], lo: int) -> bool:
        """One of the names starts ``tokens`` at ``lo``."""
        known = self._by_first.get(tokens[lo].casefold(), ())
        return any(tuple(t.casefold() for t in tokens[lo:lo + len(name)]) == name
                   for name in known)


#: The known bodies whose names begin with a nationality's adjective (``American Stock
#: Exchange``): the adjective is part of the name
_DEMONYM_BODIES = _Names([k for k in ORG_ALIASES if k.split(" ", 1)[0] in DEMONYMS])


def _company_end(token: str, ends: frozenset[str] = COMPANY_ENDS) -> bool:
    """``Corp.``, ``Plc``, ``Airlines``: the last word of a company's name."""
    return token[:1].isupper() and token.casefold().rstrip(".,") in ends


def _common_possessor(tok: str, after: _After, i: int) -> bool:
    """``Workers' Party``, ``Children's Knitwear Factory``: a possessive inside a name (the
    token at ``i``)."""
    stem = _POSSESSIVE.sub("", tok).casefold()
    if (stem in _COMMON_POSSESSORS or stem in _FIRM_POSSESSORS
            or (tok.endswith(("s'", "s’")) and not gazetteer.is_place(stem))):
        return after.head_or_of(i)
    return False


def _strip_ends(tokens: list[str], offsets: list[int]) -> tuple[list[str], list[int]]:
    while tokens and tokens[-1].casefold() in _JOINERS:
        tokens, offsets = tokens[:-1], offsets[:-1]
    while tokens and tokens[0].casefold() in _JOINERS:
        tokens, offsets = tokens[1:], offsets[1:]
    if tokens and _POSSESSIVE.search(tokens[-1]) and len(tokens[-1]) > 2:
        tokens = [*tokens[:-1], _POSSESSIVE.sub("", tokens[-1])]
    return tokens, offsets


def _tokens(col: Collector, text: str, tokens: list[str], offsets: list[int]) -> None:
    tokens, offsets = _strip_ends(tokens, offsets)
    if not tokens:
        return
    low = [t.casefold().rstrip(".") for t in tokens]
    if _rank(low, 0):  # "Army Colonel Ri Un Ryong": the service is part of the rank
        return _tokens(col, text, tokens[1:], offsets[1:])
    if len(tokens) > 1 and casefold_key(" ".join(tokens)) in ORG_ALIASES:
        # a known long name, titles and "and" in it: "General Agreement on Tariffs and Trade"
        col.add("org", " ".join(tokens), offsets[0], offsets[-1] + len(tokens[-1]),
                source="acronym")
        return
    # "Farmers of Songhang Farm", "Governor of the Bank of Greece"
    if len(tokens) > 2 and (low[0] in PEOPLE_OF or low[0] in TITLE_HEADS) and low[1] == "of":
        skip = 3 if low[2] == "the" else 2
        _places_in(col, tokens[:skip], offsets[:skip])
        title_toks, name_toks = _split_title(tokens)
        titled = low[0] in TITLE_HEADS and not low[0].endswith("s")  # not "Officials of"
        if len(name_toks) == 3 and not _named(name_toks, titled):
            title_toks, name_toks = tokens[:-2], name_toks[1:]  # "… of Greece Tarn Veloso"
        cut = len(title_toks)
        if titled and cut > skip and len(name_toks) > 1 and _named(name_toks, titled):
            # "Minister of Foreign Affairs Choe Son Hui": the whole title, then the name
            col.add("person", " ".join(name_toks), offsets[cut],
                    offsets[-1] + len(tokens[-1]), title=" ".join(title_toks), source="title")
            tokens, offsets = tokens[:cut], offsets[:cut]
        return _tokens(col, text, tokens[skip:], offsets[skip:])
    if _person_of_org(col, text, tokens, offsets, low):
        return
    # "South Phyongan Province of the DPRK", "United Front Department of the North"
    for i in range(2, len(tokens) - 1):
        if low[i] == "of" and (low[i - 1] in PLACE_HEADS or (
                i + 2 == len(tokens) - 1 and low[-1] in _DIRECTIONS)):
            if _known_place(tokens):
                break
            _tokens(col, text, tokens[:i], offsets[:i])
            rest = i + 2 if low[i + 1] == "the" else i + 1
            _sequence(col, text, " ".join(tokens[rest:]), offsets[rest])
            return
    # a headline's verb in capitals: the name before it ("Carl Icahn Says Fed"), or after it
    # when it comes first ("Said David Gluskin"); what follows a verb is its object
    verbs = [i for i, t in enumerate(low) if t in HEADLINE_VERBS]
    if verbs:
        i = verbs[0]
        if i:
            _tokens(col, text, tokens[:i], offsets[:i])
        else:
            _tokens(col, text, tokens[1:], offsets[1:])
        return
    # "BankAmerica Corp Chairman A.W. Clausen", "Bank of Korea Governor Lee Chang-yong": an
    # organisation, then a title and a name (no place nor body) that ends the run
    name = _split_title(tokens)[1] if len(tokens) <= _NAMED_RUN else []
    for i in range(1, len(tokens) - len(name) if name and _classify(name) not in (
            "place", "org") else 0):
        if low[i] in TITLE_HEADS and not tokens[i].isupper():
            while i > 1 and low[i - 1] in TITLE_WORDS and low[i - 1] not in _ORG_LIKE:
                i -= 1  # "Senate Majority Leader", "Bank of Korea Senior Deputy Governor"
            if _rank(low, i - 1) or _classify(tokens[:i]) != "org":
                break  # "… and Navy Lieutenant Commander Yu Kyong Song": a rank
            _tokens(col, text, tokens[:i], offsets[:i])
            _tokens(col, text, tokens[i:], offsets[i:])
            return
    # "X and Y" between two names or two organisations: two phrases
    if "and" in low and _split_and(col, text, tokens, offsets, low):
        return
    start, end = offsets[0], offsets[-1] + len(tokens[-1])
    org_like = any(t in _ORG_LIKE for t in low)
    has_title = any(t in TITLE_HEADS for t in low)
    # a label's role: "Presidential Office Spokesperson", "DP Presidential Candidate"
    if low[-1] in ROLE_TAILS or (low[-1] in TITLE_HEADS and (org_like or len(tokens) == 1)):
        cut = len(tokens)
        while cut and (low[cut - 1] in ROLE_TAILS or low[cut - 1] in TITLE_WORDS) and (
                low[cut - 1] not in _ORG_LIKE):
            cut -= 1
        if cut < len(tokens):
            _places_in(col, tokens[cut:], offsets[cut:])
            return _tokens(col, text, tokens[:cut], offsets[:cut])
    if has_title and not org_like:
        if _titled(col, text, tokens, offsets, end):
            return
        title_toks, name_toks = _split_title(tokens)
        if not name_toks:
            _segment_known(col, text, tokens, offsets)
            return
        tokens, offsets = name_toks, offsets[len(title_toks):]
        start = offsets[0]
    if len(tokens) == 1:
        _single(col, text, tokens[0], start, end)
        return
    kind = _classify(tokens)
    if kind == "person?":
        kind = "person" if _person_evidence(text, tokens, start, end) else None
    if kind == "person":
        title = _title_before(text, start) or _title_after(text, end)
        col.add("person", " ".join(tokens), start, end, title=title,
                source="korean-name" if is_korean_name(tokens) else "name")
    elif kind == "place":
        _place(col, text, " ".join(tokens), start, end)
    elif kind == "org":
        col.add("org", " ".join(tokens), start, end, source="org-pattern")
    elif kind is None and (casefold_key(tokens[-1]) not in NOT_NAME_HEADS
                           or is_korean_name(tokens[-3:]) or is_korean_name(tokens[-2:])):
        _segment_known(col, text, tokens, offsets)


#: The longest run read as people beside their bodies and titles: a longer one is a list or
#: worse, and reading it so would recurse once per person in it
_NAMED_RUN = 16


def _person_of_org(col: Collector, text: str, tokens: list[str], offsets: list[int],
                   low: list[str]) -> bool:
    """``David Wyss of Data Resources Inc``, ``Analyst Lawrence Cohn of Merrill Lynch and
    Co``, ``Pak Sin A of the DPRK``: a person (with a title or a given name to show it) of an
    organisation or a country, read as the two of them."""
    if len(tokens) > _NAMED_RUN or "of" not in low[2:-1]:
        return False
    i = low.index("of", 2)
    rest = i + 2 if low[i + 1] == "the" else i + 1
    body = _classify(tokens[rest:]) if rest < len(tokens) else None
    if body not in ("org", "place"):
        return False
    title_toks, name_toks = _split_title(tokens[:i])
    if not 2 <= len(name_toks) <= 3 or not (_named(name_toks) or (
            body == "org" and _clean_title(title_toks) and _classify(name_toks) == "person?")):
        return False
    _tokens(col, text, tokens[:i], offsets[:i])
    _sequence(col, text, " ".join(tokens[rest:]), offsets[rest])
    return True


def _person_like(tokens: list[str]) -> bool:
    """A name's form, after a title if any: ``Kim Jong Un``, ``Navy Lieutenant Commander Yu
    Kyong Song``."""
    if _classify(tokens) in ("person", "person?"):
        return True
    title, name = _split_title(tokens)
    low = [t.casefold().rstrip(".") for t in title]
    if low and _rank(low, 0):
        title = title[1:]
    return bool(name) and _clean_title(title) is not None and (
        _classify(name) in ("person", "person?") or len(name) == 1)


def _named(tokens: list[str], titled: bool = False) -> bool:
    """A person's name by its form: a Korean name, a given name and more, or a name's form
    after a title."""
    kind = _classify(tokens)
    return kind == "person" or (kind == "person?" and (titled or (
        is_given_name(tokens[0]) and tokens[0].casefold() not in COMMON_CAPS)))


def _split_and(col: Collector, text: str, tokens: list[str], offsets: list[int],
               low: list[str]) -> bool:
    for j in range(1, len(low) - 1):  # "Kidder Peabody and Co Inc and Salomon Brothers Inc"
        if low[j] == "and" and low[j - 1] in LEGAL_ENDS:  # two firms, the first one whole
            _tokens(col, text, tokens[:j], offsets[:j])
            _sequence(col, text, " ".join(tokens[j + 1:]), offsets[j + 1])
            return True
    i = low.index("and")
    left, right = tokens[:i], tokens[i + 1:]
    if not left or not right:
        return False
    after_head = low[i - 1] in _ORG_LIKE or low[i - 1] in _PLACE_LIKE
    if not after_head and any((t in _ORG_LIKE or t in _PLACE_LIKE) and not _rank(low, j)
                              for j, t in enumerate(low)):
        return False  # "Ministry of Land and Marine Transport"
    people = [_person_like(part) for part in (left, right)]
    if after_head or all(people) or (any(people) and len(left) > 1 and len(right) > 1):
        _tokens(col, text, left, offsets[:i])
        _sequence(col, text, " ".join(right), offsets[i + 1])
        return True
    return False


def _titled(col: Collector, text: str, tokens: list[str], offsets: list[int], end: int) -> bool:
    """``U.S. Secretary of State Mike Pompeo``: a person with a title, places in the title."""
    title_toks, name_toks = _split_title(tokens)
    if not name_toks or not title_toks:
        return False
    low = [t.casefold() for t in title_toks]
    for cut in range(len(low) - 1, 0, -1):  # "White House for President Joe Biden"
        if low[cut] in ("for", "and", "to", "with"):
            _tokens(col, text, title_toks[:cut], offsets[:cut])
            title_toks, offsets = title_toks[cut + 1:], offsets[cut + 1:]
            break
    if not title_toks:
        return False
    title = _clean_title(title_toks)
    _places_in(col, title_toks, offsets[:len(title_toks)])
    if title is None:
        return False
    nstart = offsets[len(title_toks)]
    col.add("person", " ".join(name_toks), nstart, end, title=title, source="title")
    return True


def _person_evidence(text: str, tokens: list[str], start: int, end: int) -> bool:
    if text[max(0, start - 4):start].casefold() == "the ":  # "the Air Force said"
        return False
    if is_given_name(tokens[0]) and tokens[0].casefold() not in COMMON_CAPS:
        return True
    if _title_before(text, start) or _title_after(text, end):
        return True
    return bool(re.match(rf",?\s+(?:also\s+)?(?:{SPEECH_VERB_RE})\b", text[end:end + 30]))


# ----------------------------------------------------------------------------- classification


def _is_title_token(tok: str) -> bool:
    return tok.casefold().rstrip(".") in TITLE_WORDS


def _is_name_token(tok: str) -> bool:
    low = tok.casefold()
    if re.fullmatch(r"(?:[A-Z]\.){1,3}", tok) and casefold_key(tok) not in PLACE_ALIASES:
        # initials: "N. Dorjsuren", "A.W. Clausen" (never "U.S.")
        return True
    return (
        tok[:1].isupper()
        and low.rstrip(".") not in TITLE_WORDS
        and low not in COMMON_CAPS
        and low not in _ORG_LIKE
        and not tok.isupper()
        and "." not in tok
    )


#: The armed services, whose name starts a rank: "Army Senior Colonel", "Navy Lieutenant"
_SERVICES = frozenset(["army", "navy", "air", "force", "marine", "corps"])


def _rank(low: list[str], i: int) -> bool:
    """``low[i]`` is an armed service that starts a rank before a name: "Army Senior Colonel
    Choe Hun", never "Army General Staff"."""
    if low[i] not in _SERVICES:
        return False
    j = i + 1
    while j < len(low) and low[j] in TITLE_WORDS:
        j += 1
    return i + 1 < j < len(low) and low[j] not in _ORG_LIKE and low[j] not in _PLACE_LIKE


#: Lower-case words inside a name: "Gerhard de Kock", "Ludwig van Beethoven"
_NAME_PARTICLES = frozenset(["de", "van", "von", "der", "den", "du", "da", "di", "del", "la", "le"])


def _split_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(title tokens, name tokens): the name is the trailing run of name-like tokens (≤ 3)."""
    name: list[str] = []
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if len(name) < 3 and _is_name_token(tok):
            name.insert(0, tok)
        elif name and tok in _NAME_PARTICLES and i and _is_name_token(tokens[i - 1]):
            name.insert(0, tok)  # "Gerhard de Kock": the particle does not count
        elif len(name) == 1 and i and is_korean_name([tokens[i - 1], tok, name[0]]):
            name.insert(0, tok)  # "Pak In Chol"
        elif not name and i > 1 and is_korean_name(tokens[i - 2:i + 1]):
            name.insert(0, tok)  # "Pak Sin A"
        else:
            break
    while name and "." in name[-1]:
        name.pop()
    title = tokens[: len(tokens) - len(name)]
    if len(name) == 3 and not is_korean_name(name) and is_korean_name(name[1:]):
        title, name = title + name[:1], name[1:]  # "Advisor Kim Tae-hyo"
    return title, name


def _classify(tokens: list[str]) -> str | None:
    """person / person? (a name's form, needing evidence) / org / place / None."""
    phrase = " ".join(tokens)
    key = casefold_key(phrase)
    low = [t.casefold().rstrip(".") for t in tokens]
    if phrase in ORG_ACRONYMS or key in ORG_ALIASES or key in MEDIA_KEYS:
        return "org"
    if key in PLACE_ALIASES or gazetteer.is_place(phrase):
        return "place"
    if low[-1] in _ORG_LIKE or (len(tokens) > 1 and (
            low[-1] in LEGAL_ENDS  # "MAI Plc", "Santa Anita Cos"
            or any(t in _ORG_LIKE for t in low) and low[-1] not in _PLACE_LIKE)):
        return "org"
    if len(tokens) > 1 and (low[-1] in _PLACE_LIKE or low[0] in PLACE_FIRST):
        return "place"
    if is_korean_name(tokens):
        return "person"
    if low[-1] in NOT_NAME_HEADS:
        return None
    core = [t for t in tokens[1:-1] if t not in _NAME_PARTICLES]  # "Barend du Plessis"
    core = [tokens[0], *core, tokens[-1]] if len(tokens) > 1 else tokens
    names = 2 <= len(core) <= 3 and all(_is_name_token(t) for t in core) and (
        "." not in tokens[-1])  # "Harris Associates L.P."
    if names and not any(gazetteer.is_place(t) for t in tokens[1:]) and (
            not gazetteer.is_place(tokens[0]) or is_given_name(tokens[0])):
        return "person?"  # "Vladimir Vladimirovich Putin": a given name that is also a city
    return None


def _known_place(tokens: list[str]) -> bool:
    if len(tokens) < 2:
        return False
    phrase = " ".join(tokens)
    return casefold_key(phrase) in PLACE_ALIASES or gazetteer.is_place(phrase)


def _acronym_alias(tok: str, key: str, table: dict[str, str]) -> bool:
    """``UN``, ``US`` as aliases, never ``Un`` or ``Us`` (a Spanish article, a pronoun)."""
    if key not in table:
        return False
    return " " in key or len(key) > 5 or tok.isupper() or "." in tok


def _segment_known(col: Collector, text: str, tokens: list[str], offsets: list[int]) -> None:
    """Known places and organisations inside a phrase that is none as a whole (longest first);
    what follows a known name is read again as a phrase (``Iran Han Song U``)."""
    i = 0
    while i < len(tokens):
        for n in range(min(6, len(tokens) - i), 0, -1):
            part = tokens[i: i + n]
            phrase = " ".join(part)
            key = casefold_key(phrase)
            if n > 1 and (_known_place(part) or key in ORG_ALIASES or key in MEDIA_KEYS):
                a = offsets[i]
                if _known_place(part):
                    _place(col, text, phrase, a, a + len(phrase))
                else:
                    col.add("org", phrase, a, a + len(phrase), source="acronym")
            elif n == 1 and (gazetteer.is_place(part[0]) or part[0] in ORG_ACRONYMS
                             or _acronym_alias(part[0], key, PLACE_ALIASES)
                             or _acronym_alias(part[0], key, ORG_ALIASES) or key in MEDIA_KEYS):
                _single(col, text, part[0], offsets[i], offsets[i] + len(part[0]))
            else:
                continue
            if i == 0 and 1 < len(tokens) - n <= 3 and (
                    _classify(tokens[n:]) in ("person", "person?")):
                _tokens(col, text, tokens[n:], offsets[n:])
                return
            i += n
            break
        else:
            i += 1


def _places_in(col: Collector, tokens: list[str], offsets: list[int]) -> None:
    for tok, off in zip(tokens, offsets, strict=True):
        key = casefold_key(tok)
        if _acronym_alias(tok, key, PLACE_ALIASES) or gazetteer.is_place(tok):
            col.add("place", tok, off, off + len(tok), source="gazetteer")


def _written_small(text: str, tok: str) -> bool:
    """``tok`` is written in lower case elsewhere in ``text``: a common word that a sentence
    starts with ("Many analysts …", then "Analysts said"), not a name."""
    small = tok.lower()
    return small != tok and small in _small_words(text)


_WORD_RUN = re.compile(r"[\w'-]+")


@functools.lru_cache(maxsize=8)
def _small_words(text: str) -> frozenset[str]:
    """The words of ``text`` written in lower case (read once per text, however many of its
    words are asked about)."""
    return frozenset(w.strip("'").removesuffix("'s") for w in _WORD_RUN.findall(text)
                     if w.islower())


def _place(col: Collector, text: str, surface: str, start: int, end: int) -> None:
    note = "metonym: government" if METONYM_NEXT.match(text[end: end + 40]) else None
    col.add("place", surface, start, end, source="gazetteer", note=note)


def _single(col: Collector, text: str, tok: str, start: int, end: int) -> None:
    key = casefold_key(tok)
    if "-" in tok and not tok.isupper():  # "Seoul-Washington", "Inter-Korean", "Uiseong-gun"
        if re.search(r"-(?:gun|gu|si|do|dong|ri|eup|myeon)$", tok) and len(tok) > 5:
            _place(col, text, tok, start, end)
            return
        off = start
        for part in tok.split("-"):
            pkey = casefold_key(part)
            if part and (gazetteer.is_place(part) or _acronym_alias(part, pkey, PLACE_ALIASES)):
                _place(col, text, part, off, off + len(part))
            off += len(part) + 1
        return
    if tok in ORG_ACRONYMS or _acronym_alias(tok, key, ORG_ALIASES) or key in MEDIA_KEYS or (
            key in SINGLE_ORGS):
        col.add("org", tok, start, end, source="acronym")
    elif _acronym_alias(tok, key, PLACE_ALIASES) or gazetteer.is_place(tok):
        _place(col, text, tok, start, end)
    elif tok[:1].isupper() and key not in COMMON_CAPS and key not in FRAGMENTS and (
            key not in TITLE_WORDS and not tok.isupper()) and (
            key not in GROUP_NOUNS and key not in ORG_HEADS):  # "Analysts said", "XYZ Corp said"
        if re.search(r"\b(?:in|near)\s+$", text[max(0, start - 6):start]) and (
                key not in KOREAN_SURNAMES and not _POSSESSIVE.search(tok)):
            _place(col, text, tok, start, end)  # "the tragedy in Itaewon"
        elif re.match(rf"\s+(?:also\s+)?(?:{SPEECH_VERB_RE})\b", text[end: end + 30]) and (
                not key.endswith("ing")) and not _written_small(text, tok) and (
                text[max(0, start - 4):start].casefold() != "the "):  # "the Fed said"
            col.add("person", tok, start, end, source="surname")
        else:
            # a surname only if the story names the person in full; dropped otherwise
            col.add("person", tok, start, end, source="surname?")


# ----------------------------------------------------------------------------- titles


def _clean_title(tokens: list[str]) -> str | None:
    while tokens and tokens[0].casefold() in ("the", "his", "her", "their", "and", "of", "for"):
        tokens = tokens[1:]
    while tokens and tokens[-1].casefold() in ("the", "and", "of", "for", "on"):
        tokens = tokens[:-1]
    if not tokens or not any(t.casefold().rstrip(".") in TITLE_HEADS for t in tokens):
        return None
    return " ".join(tokens)


def _title_before(text: str, start: int) -> str | None:
    """Lower-case title words right before a name: ``chief nuclear negotiator`` Lee Do-hoon."""
    words: list[str] = []
    for tok in reversed(text[max(0, start - 80): start].split()):
        if tok[-1] in ',;:)]"”' or not _is_title_token(tok):
            break
        words.insert(0, tok)
    return _clean_title(words) if words else None


def _title_after(text: str, end: int) -> str | None:
    """Appositive title: ``Phil Davidson, commander of the U.S. Indo-Pacific Command,``."""
    m = re.match(
        r",\s+(?:the\s+|a\s+)?((?:[a-z][\w-]*\s+){0,3}?(?:[a-z]+))\s+of\s+(?:the\s+)?"
        r"((?:[A-Z][\w.'’-]*\s?)+)",
        text[end: end + 120],
    )
    if m and m.group(1).split()[-1] in TITLE_HEADS:
        return f"{m.group(1)} of {m.group(2).strip()}"
    return None
