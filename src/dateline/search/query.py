"""The one query language of dateline: a grammar, its AST, and a canonical string form.

Every engine compiles the same AST (see :mod:`dateline.search.tantivy_engine` and
:mod:`dateline.search.memory`), so a query means the same thing whichever engine runs it.

Grammar (``OR`` binds tighter than ``AND``, as in web search engines: ``railway sanctions OR
embargo`` means *railway AND (sanctions OR embargo)*)::

    query    := and_expr
    and_expr := or_expr ( ["AND"] or_expr )*         adjacent clauses are ANDed
    or_expr  := unary ( "OR" unary )*
    unary    := ("NOT" | "-") unary | primary
    primary  := "(" query ")" | FIELD ":" value | '"' phrase '"' | word
    value    := word | '"' phrase '"' | "(" query ")"   (the field applies inside the group)

Fields: ``title text speaker person org place program lang reporter quote date`` (aliases:
``programme``, ``language``, ``speakers``, ``persons``, ``orgs``, ``places``…).  Dates:
``date:2018``, ``date:2018-03``, ``date:2018-03-01``, ``date:2018-01..2018-12``,
``date:2018-03-01..`` and ``date:..2018-06``; both ends inclusive.

Parsing is lenient: an unbalanced quote or parenthesis, a dangling operator or an unknown field
gives an AST for what could be understood plus ``warnings``.  Only a query with nothing to search
(empty, or operators only) raises :class:`~dateline.errors.QueryError`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Union

from dateline.errors import QueryError

__all__ = [
    "FIELDS",
    "And",
    "DateRange",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "Query",
    "Term",
    "iter_leaves",
    "parse",
    "to_string",
]

#: canonical field names: what each searches is up to the engine (see docs/search.md)
FIELDS: tuple[str, ...] = (
    "title",
    "text",
    "speaker",
    "person",
    "org",
    "place",
    "program",
    "lang",
    "reporter",
    "quote",
    "date",
)
FIELD_ALIASES: dict[str, str] = {
    **{f: f for f in FIELDS},
    "programme": "program",
    "language": "lang",
    "speakers": "speaker",
    "persons": "person",
    "people": "person",
    "orgs": "org",
    "organization": "org",
    "organisation": "org",
    "places": "place",
    "quotes": "quote",
    "body": "text",
}
OPERATORS = frozenset({"AND", "OR", "NOT"})


@dataclass(frozen=True, slots=True)
class Term:
    """A word as typed; engines analyse it (a word that analyses to several tokens, such as
    ``north-korea``, is searched as a phrase)."""

    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear next to each other, in order."""

    text: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class DateRange:
    """Stories dated from ``start`` to ``end``, both inclusive; ``None`` is open-ended."""

    start: date | None
    end: date | None


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Union[Term, Phrase, DateRange, And, Or, Not]  # noqa: UP007 (runtime alias)


@dataclass(slots=True)
class Query:
    """A parsed query: the AST, the text it came from, and what the parser warns about."""

    root: Node
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return to_string(self.root)


# --------------------------------------------------------------------------- lexer

_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_WORD = re.compile(r'[^\s()"]+')  # a word runs to white space, a parenthesis or a quote


@dataclass(slots=True)
class _Tok:
    kind: str  # WORD PHRASE LPAREN RPAREN OP MINUS FIELDGROUP
    text: str = ""
    field: str | None = None


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _lex(s: str, warnings: list[str]) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(s)

    def read_phrase(start: int) -> tuple[str, int]:
        end = s.find('"', start)
        if end < 0:
            warnings.append('unbalanced quote: the phrase runs to the end of the query')
            return s[start:], n
        return s[start:end], end + 1

    while i < n:
        ch = s[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            toks.append(_Tok("LPAREN"))
            i += 1
        elif ch == ")":
            toks.append(_Tok("RPAREN"))
            i += 1
        elif ch == '"':
            text, i = read_phrase(i + 1)
            toks.append(_Tok("PHRASE", text))
        elif ch in "-+":
            if i + 1 < n and not s[i + 1].isspace():
                if ch == "-":
                    toks.append(_Tok("MINUS"))
            elif ch == "-":
                warnings.append("a '-' with nothing after it was ignored")
            i += 1
        else:
            m = _WORD.match(s, i)  # matches: s[i] is none of the characters that end a word
            j = m.end() if m is not None else n
            word = s[i:j]
            i = j
            if word in OPERATORS:
                toks.append(_Tok("OP", word))
                continue
            fname: str | None = None
            stripped = False
            while (m := _FIELD_RE.match(word)) is not None:
                name = m.group(1).lower()
                if name in FIELD_ALIASES:
                    fname = FIELD_ALIASES[name]
                    word = word[m.end() :]
                    break
                warnings.append(
                    f"unknown field {m.group(1)!r} ignored (known fields: {', '.join(FIELDS)})"
                )
                word = word[m.end() :].lstrip("+-")
                stripped = True
            if stripped and fname is None and word in OPERATORS:
                continue
            if fname is not None and not word:
                if i < n and s[i] == '"':
                    text, i = read_phrase(i + 1)
                    toks.append(_Tok("PHRASE", text, fname))
                elif i < n and s[i] == "(":
                    toks.append(_Tok("FIELDGROUP", field=fname))
                else:
                    warnings.append(f"field {fname!r} has no value and was ignored")
                continue
            if word:
                toks.append(_Tok("WORD", word, fname))
    return toks


# --------------------------------------------------------------------------- parser


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _parse_date_part(text: str, *, end: bool) -> date | None:
    """``2018`` / ``2018-03`` / ``2018-03-01`` as the first (or, with ``end``, last) day."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if m is None:
        raise ValueError(text)
    y = int(m.group(1))
    if m.group(3):
        return date(y, int(m.group(2)), int(m.group(3)))
    if m.group(2):
        mo = int(m.group(2))
        return _month_end(y, mo) if end else date(y, mo, 1)
    return date(y, 12, 31) if end else date(y, 1, 1)


def parse_date_range(value: str) -> DateRange:
    """``2018``, ``2018-01..2018-12``, ``2018-03-01..``, ``..2018-06``; raises ValueError."""
    if ".." in value:
        lo, _, hi = value.partition("..")
        start = _parse_date_part(lo, end=False) if lo else None
        stop = _parse_date_part(hi, end=True) if hi else None
        if start is None and stop is None:
            raise ValueError(value)
    else:
        start = _parse_date_part(value, end=False)
        stop = _parse_date_part(value, end=True)
    if start is not None and stop is not None and start > stop:
        raise ValueError(value)
    return DateRange(start, stop)


class _Parser:
    def __init__(self, toks: list[_Tok], warnings: list[str]) -> None:
        self.toks = toks
        self.pos = 0
        self.depth = 0
        self.warnings = warnings

    def peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def parse_query(self) -> Node | None:
        items: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "RPAREN":
                if self.depth > 0:
                    break
                self.warnings.append("unbalanced ')' ignored")
                self.pos += 1
                continue
            if tok.kind == "OP" and tok.text in ("AND", "OR"):
                self.pos += 1
                nxt = self.peek()
                if nxt is None or nxt.kind == "RPAREN":
                    self.warnings.append(f"{tok.text} with nothing after it was ignored")
                if not items:
                    self.warnings.append(f"{tok.text} with nothing before it was ignored")
                elif tok.text == "OR":
                    # "a AND OR b" or a stray OR after a complete AND clause: join to the last
                    items.append(self._or_tail(items.pop(), consumed=True))
                continue
            node = self.parse_or()
            if node is not None:
                items.append(node)
        return _make(And, items)

    def _or_tail(self, left: Node, *, consumed: bool = False) -> Node:
        """Parse ``OR x OR y…`` after ``left`` (``consumed``: the first OR is already read)."""
        items = [left]
        while consumed or (
            (tok := self.peek()) is not None and tok.kind == "OP" and tok.text == "OR"
        ):
            if not consumed:
                self.pos += 1
            consumed = False
            rhs = self.parse_unary()
            if rhs is None:
                self.warnings.append("OR with nothing after it was ignored")
            else:
                items.append(rhs)
        return _make(Or, items) or left

    def parse_or(self) -> Node | None:
        left = self.parse_unary()
        if left is None:
            return None
        tok = self.peek()
        if tok is not None and tok.kind == "OP" and tok.text == "OR":
            return self._or_tail(left)
        return left

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        if tok is None:
            return None
        if tok.kind == "MINUS" or (tok.kind == "OP" and tok.text == "NOT"):
            self.pos += 1
            item = self.parse_unary()
            if item is None:
                self.warnings.append(f"{'NOT' if tok.kind == 'OP' else '-'} with nothing after it "
                                     "was ignored")
                return None
            return item.item if isinstance(item, Not) else Not(item)
        return self.parse_primary()

    def parse_primary(self) -> Node | None:
        tok = self.peek()
        if tok is None or tok.kind in ("RPAREN", "OP"):
            return None
        self.pos += 1
        if tok.kind == "LPAREN":
            return self._group(None)
        if tok.kind == "FIELDGROUP":
            self.pos += 1  # the LPAREN that follows
            return self._group(tok.field)
        if tok.kind == "PHRASE":
            text = " ".join(tok.text.split())
            if tok.field == "date":
                self.warnings.append("date: takes a date or range, not a phrase; ignored")
                return None
            if not _has_word(text):
                self.warnings.append(f'empty phrase "{tok.text}" ignored')
                return None
            return Phrase(text, tok.field)
        # WORD
        if tok.field == "date":
            try:
                return parse_date_range(tok.text)
            except ValueError:
                self.warnings.append(
                    f"date:{tok.text} is not a date or range (use 2018, 2018-03, 2018-03-01, "
                    "2018-01..2018-12, 2018-03-01..); ignored"
                )
                return None
        if not _has_word(tok.text):
            self.warnings.append(f"{tok.text!r} has no letters or digits and was ignored")
            return None
        return Term(tok.text, tok.field)

    def _group(self, fname: str | None) -> Node | None:
        self.depth += 1
        inner = self.parse_query()
        self.depth -= 1
        tok = self.peek()
        if tok is not None and tok.kind == "RPAREN":
            self.pos += 1
        else:
            self.warnings.append("unbalanced '(' closed at the end of the query")
        if inner is None:
            self.warnings.append("empty parentheses ignored")
            return None
        if fname == "date":
            self.warnings.append("date: cannot apply to a group; the group was searched as is")
            return inner
        return _with_field(inner, fname) if fname else inner


def _make(kind: type[And] | type[Or], items: list[Node]) -> Node | None:
    flat: list[Node] = []
    for it in items:
        if isinstance(it, kind):
            flat.extend(it.items)
        else:
            flat.append(it)
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return kind(tuple(flat))


def _with_field(node: Node, fname: str) -> Node:
    if isinstance(node, Term | Phrase):
        return type(node)(node.text, node.field or fname)
    if isinstance(node, And | Or):
        return type(node)(tuple(_with_field(i, fname) for i in node.items))
    if isinstance(node, Not):
        return Not(_with_field(node.item, fname))
    return node


def parse(text: str) -> Query:
    """Parse a search box string into a :class:`Query`.

    Never raises for a malformed query (it warns instead); raises :class:`QueryError` only when
    nothing searchable is left.
    """
    warnings: list[str] = []
    toks = _lex(text, warnings)
    root = _Parser(toks, warnings).parse_query()
    if root is None:
        if not text.strip():
            raise QueryError("the query is empty", hint="type one or more words to search for")
        raise QueryError(
            f"the query {text!r} has nothing to search for",
            hint="give at least one word, phrase or date: range, e.g. railway OR \"rail link\"",
        )
    return Query(root, text, warnings)


# --------------------------------------------------------------------------- printer


def _fmt_date_range(node: DateRange) -> str:
    lo = node.start.isoformat() if node.start else ""
    hi = node.end.isoformat() if node.end else ""
    if node.start is not None and node.start == node.end:
        return f"date:{lo}"
    return f"date:{lo}..{hi}"


def to_string(node: Node) -> str:
    """The canonical query string of an AST: ``parse(to_string(n)).root == n``."""
    if isinstance(node, Term):
        return f"{node.field}:{node.text}" if node.field else node.text
    if isinstance(node, Phrase):
        return f'{node.field}:"{node.text}"' if node.field else f'"{node.text}"'
    if isinstance(node, DateRange):
        return _fmt_date_range(node)
    if isinstance(node, Not):
        inner = to_string(node.item)
        if isinstance(node.item, And | Or):
            return f"-({inner})"
        return f"-{inner}"
    if isinstance(node, Or):
        return " OR ".join(f"({to_string(i)})" if isinstance(i, And) else to_string(i)
                           for i in node.items)
    if isinstance(node, And):
        return " ".join(f"({to_string(i)})" if isinstance(i, Or) else to_string(i)
                        for i in node.items)
    raise TypeError(f"not a query node: {node!r}")


def iter_leaves(node: Node, *, negated: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every Term, Phrase and DateRange with whether it sits under a NOT."""
    if isinstance(node, And | Or):
        for it in node.items:
            yield from iter_leaves(it, negated=negated)
    elif isinstance(node, Not):
        yield from iter_leaves(node.item, negated=not negated)
    else:
        yield node, negated


def as_query(query: str | Query) -> Query:
    """Accept a string or an already parsed query."""
    return query if isinstance(query, Query) else parse(query)
