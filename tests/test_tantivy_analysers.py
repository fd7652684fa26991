"""The index's English analysers are tantivy's built-in ones; queries are analysed by the same
chains built from Python.  They must agree token for token, or words would stop matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dateline.search import tantivy_engine as engine

tantivy = pytest.importorskip("tantivy")

TEXTS = [
    "The harbour railways were reopened on Monday, officials said.",
    "Kim's aide met U.S. envoys in Seoul's Jongno-gu at 10:30 on 2018-03-05.",
    "Café São Paulo naïve résumé ÉLÈVES Straße ﬁnance",
    "“Curly quotes” — dashes… and ‘apostrophes’ in Lee Do-hoon's remarks",
    "A " + "x" * 39 + " B " + "y" * 40 + " C " + "z" * 41 + " end",
    "남북 철도를 잇는 사업 mixed with English words and 2024년 numbers",
    "Running runners ran; ministries' ministerial ministers, denuclearization",
    "tabs\tand\nnew lines\r\nand\u00a0no-break spaces",
]


def _index(tmp_path: Path, name: str, tokenizer: str, register: bool) -> object:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", stored=True, tokenizer_name=tokenizer)
    schema = builder.build()
    folder = tmp_path / name
    folder.mkdir()
    index = tantivy.Index(schema, path=str(folder))
    if register:
        index.register_tokenizer(tokenizer, engine._analyzers(tantivy)[tokenizer.split("-")[0]])
    writer = index.writer(15_000_000, 1)
    for text in TEXTS:
        writer.add_document(tantivy.Document(text=text))
    writer.commit()
    index.reload()
    return index


@pytest.mark.parametrize("name", [engine.EN, engine.EXACT])
def test_query_analysers_match_the_index_analysers(tmp_path: Path, name: str) -> None:
    builtin = _index(tmp_path, "builtin", name, register=False)
    rebuilt = _index(tmp_path, "rebuilt", f"{name}-py", register=True)
    analyser = engine._analyzers(tantivy)[name]
    for text in TEXTS:
        tokens = [str(t) for t in analyser.analyze(text)]
        assert tokens, text
        # a dropped long word leaves a gap in positions: the phrase of the rest skips it
        gapless = all(len(w.encode()) <= 40 for w in re.findall(r"\w+", text))
        for index in (builtin, rebuilt) if gapless else ():
            searcher = index.searcher()
            phrase = (tantivy.Query.phrase_query(index.schema, "text", tokens)
                      if len(tokens) > 1 else tantivy.Query.term_query(index.schema, "text",
                                                                      tokens[0]))
            hits = searcher.search(phrase, 10).hits
            assert [searcher.doc(a)["text"][0] for _, a in hits] == [text], (name, tokens)
        # same terms, frequencies and field lengths: every term scores alike in both indexes
        for token in set(tokens):
            scores = []
            for index in (builtin, rebuilt):
                query = tantivy.Query.term_query(index.schema, "text", token)
                scores.append(sorted(round(s, 5) for s, _ in index.searcher().search(query,
                                                                                    10).hits))
            assert scores[0] == scores[1], (name, token)


def test_a_word_read_before_a_user_word_is_added_reads_anew_after() -> None:
    # short texts (query words) are analysed once and kept: a new user word must clear them
    from dateline.search import korean

    assert korean.terms("봄바다숲이") == ["봄", "바다", "숲"]  # kept
    assert korean.add_user_words([("봄바다숲", "NNP")]) == 1
    assert korean.terms("봄바다숲이") == ["봄바다숲"]
