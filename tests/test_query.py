"""The query language: grammar, lenient parsing, canonical strings (see docs/search.md)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.errors import QueryError
from dateline.search.query import (
    And,
    DateRange,
    Not,
    Or,
    Phrase,
    Term,
    iter_leaves,
    parse,
    parse_date_range,
    to_string,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("railway", Term("railway")),
        ("railway sanctions", And((Term("railway"), Term("sanctions")))),
        ("railway AND sanctions", And((Term("railway"), Term("sanctions")))),
        ("railway OR rail", Or((Term("railway"), Term("rail")))),
        # OR binds tighter than AND, as in web search engines
        ("rail sanctions OR embargo",
         And((Term("rail"), Or((Term("sanctions"), Term("embargo")))))),
        ("(rail sanctions) OR embargo",
         Or((And((Term("rail"), Term("sanctions"))), Term("embargo")))),
        ('"rail link"', Phrase("rail link")),
        ('"rail   link "', Phrase("rail link")),
        ("rail -missile", And((Term("rail"), Not(Term("missile"))))),
        ("rail NOT missile", And((Term("rail"), Not(Term("missile"))))),
        ('rail -"joint statement"', And((Term("rail"), Not(Phrase("joint statement"))))),
        ("-(a b)", Not(And((Term("a"), Term("b"))))),
        ("NOT NOT rail", Term("rail")),
        ("title:rail", Term("rail", "title")),
        ("Title:rail", Term("rail", "title")),
        ('programme:"News Today"', Phrase("News Today", "program")),
        ("program:News", Term("News", "program")),
        ("speaker:pompeo person:moon org:unification place:kaesong",
         And((Term("pompeo", "speaker"), Term("moon", "person"), Term("unification", "org"),
              Term("kaesong", "place")))),
        ("lang:ko reporter:kim", And((Term("ko", "lang"), Term("kim", "reporter")))),
        ("title:(rail link)", And((Term("rail", "title"), Term("link", "title")))),
        ("date:2018", DateRange(date(2018, 1, 1), date(2018, 12, 31))),
        ("date:2018-02", DateRange(date(2018, 2, 1), date(2018, 2, 28))),
        ("date:2018-01..2018-12", DateRange(date(2018, 1, 1), date(2018, 12, 31))),
        ("date:2018-03-01..", DateRange(date(2018, 3, 1), None)),
        ("date:..2018-06", DateRange(None, date(2018, 6, 30))),
        ("date:2018-03-05", DateRange(date(2018, 3, 5), date(2018, 3, 5))),
        ("철도 OR 남북", Or((Term("철도"), Term("남북")))),
        ("+rail", Term("rail")),
        ("north-korea", Term("north-korea")),
        ("12:30", Term("12:30")),
    ],
)
def test_query_parses(text: str, expected: object) -> None:
    q = parse(text)
    assert q.root == expected
    assert q.warnings == []


@pytest.mark.parametrize(
    ("text", "expected", "warning"),
    [
        ('"rail link', Phrase("rail link"), "unbalanced quote"),
        ("(rail OR road", Or((Term("rail"), Term("road"))), "unbalanced '('"),
        ("rail) road", And((Term("rail"), Term("road"))), "unbalanced ')'"),
        ("rail OR", Term("rail"), "OR with nothing after"),
        ("OR rail", Term("rail"), "OR with nothing before"),
        ("rail AND", Term("rail"), "AND with nothing after"),
        ("rail NOT", Term("rail"), "NOT with nothing after"),
        ("rail -", Term("rail"), "'-' with nothing after"),
        ("colour:red rail", And((Term("red"), Term("rail"))), "unknown field 'colour'"),
        ("date:someday rail", Term("rail"), "date:someday is not a date"),
        ("date:2018-12..2018-01 rail", Term("rail"), "is not a date"),
        ("title: rail", Term("rail"), "field 'title' has no value"),
        ("rail ()", Term("rail"), "empty parentheses"),
        ('rail ""', Term("rail"), "empty phrase"),
        ("rail !!!", Term("rail"), "no letters or digits"),
    ],
)
def test_query_lenient_warns(text: str, expected: object, warning: str) -> None:
    q = parse(text)
    assert q.root == expected
    assert any(warning in w for w in q.warnings), q.warnings


@pytest.mark.parametrize("text", ["", "   ", "AND", "AND OR NOT", "()", "-", '"', '""', "( )",
                                  "!!!", "title:", "date:xx", "NOT -"])
def test_query_nothing_to_search_raises(text: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert info.value.status == 400
    assert "query" in str(info.value)


def test_query_iter_leaves_marks_negation() -> None:
    q = parse('rail -(road "sea lane") date:2018')
    leaves = list(iter_leaves(q.root))
    assert leaves == [
        (Term("rail"), False),
        (Term("road"), True),
        (Phrase("sea lane"), True),
        (DateRange(date(2018, 1, 1), date(2018, 12, 31)), False),
    ]


def test_query_date_range_rejects_bad_dates() -> None:
    for bad in ["2018-13", "2018-02-30", "..", "18", "2018/03"]:
        with pytest.raises(ValueError):
            parse_date_range(bad)


def test_query_str_is_canonical() -> None:
    q = parse('programme:"News Today" (sanctions OR embargo) -missile date:2018')
    assert str(q) == (
        'program:"News Today" (sanctions OR embargo) -missile date:2018-01-01..2018-12-31'
    )


# ----------------------------------------------------------------------------- Hypothesis

_pieces = st.sampled_from(
    ["rail", "철도를", "AND", "OR", "NOT", "and", "-", "+", "(", ")", '"', " ", "  ", ":",
     "title:", "programme:", "date:", "2018", "-03", "..", "zzz:", "lang:", "x", "É", "\t",
     "speaker:", "-(", "..2019", "2018-01-01", "!", "a:b", "\u3000"]
)
_query_text = st.one_of(
    st.text(max_size=40),
    st.lists(_pieces, max_size=14).map("".join),
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_query_text)
def test_query_parse_never_raises_but_query_error(text: str) -> None:
    with contextlib.suppress(QueryError):
        parse(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_query_text)
def test_query_round_trip_is_stable(text: str) -> None:
    try:
        q = parse(text)
    except QueryError:
        return
    again = parse(to_string(q.root))
    assert again.root == q.root
    assert again.warnings == []
    assert to_string(again.root) == to_string(q.root)
