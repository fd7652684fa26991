"""Distinctive terms: Monroe et al.'s log-odds with an informative Dirichlet prior."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from _analysis_fixtures import fictional_text, store_only, write_records
from dateline.analysis.terms import Tokenizer, log_odds


def test_log_odds_orders_and_shrinks_rare_words():
    focus = Counter({"lighthouse": 40, "tide": 50, "rare": 2})
    ref = Counter({"lighthouse": 2, "tide": 50, "orchard": 40})
    scores = log_odds(focus, ref, min_count=1)
    assert scores[0].term == "lighthouse" and scores[-1].term == "orchard"
    z = {s.term: s.z for s in scores}
    assert abs(z["tide"]) < 1.0
    assert 0 < z["rare"] < z["lighthouse"]  # two sightings are weak evidence


def test_tokenizer_drops_stopwords_and_numbers():
    words = Tokenizer(korean=False)("The Minister said 2024 rail links WILL reopen, KBS News.")
    assert words == ["minister", "rail", "links", "reopen"]


def test_tokenizer_korean_skip_flag():
    tok = Tokenizer(korean=False)
    assert tok("철도 연결 rail") == ["rail"] and tok.korean_skipped


def test_distinctive_terms_of_a_period(archive, tmp_path: Path):
    recs = []
    for i in range(12):
        june = i < 6
        recs.append({"title": f"N{i}", "date": f"2020-0{6 if june else 3}-{10 + i:02d}",
                     "url": f"https://example.invalid/x/{i}",
                     "text": fictional_text(i, 60, ("lighthouse", "keeper") if june
                                            else ("plum", "blossom"))})
    store_only(archive, [write_records(tmp_path / "in" / "x.json", recs)])
    result = archive.distinctive_terms(date(2020, 6, 1), date(2020, 6, 30),
                                       vs=(date(2020, 1, 1), date(2020, 5, 31)), top=5)
    assert (result.stories, result.reference_stories) == (6, 6)
    assert {t.term for t in result.terms[:2]} == {"lighthouse", "keeper"}
    assert {t.term for t in result.against[:2]} == {"plum", "blossom"}
    everything_else = archive.distinctive_terms(date(2020, 6, 1), date(2020, 6, 30), top=5)
    assert everything_else.reference_stories == 6 and everything_else.vs_from is None
    assert result.to_dict()["terms"][0]["z"] > 0


def test_distinctive_terms_cli(archive, tmp_path: Path):
    from typer.testing import CliRunner

    from dateline.cli import app

    recs = [{"title": "A", "date": "2020-06-02", "url": "https://example.invalid/c/1",
             "text": fictional_text(1, 60, ("lighthouse",))},
            {"title": "B", "date": "2020-02-02", "url": "https://example.invalid/c/2",
             "text": fictional_text(2, 60, ("orchard",))}]
    store_only(archive, [write_records(tmp_path / "in" / "c.json", recs)])
    path = str(archive.path)
    archive.close()
    out = CliRunner().invoke(app, ["terms", "--from", "2020-06-01", "--to", "2020-06-30",
                                   "--vs", "2020-01..2020-05", "-a", path])
    assert out.exit_code == 0, out.output
    assert "lighthouse" in out.output


@pytest.mark.parametrize("bad", [(date(2020, 2, 1), date(2020, 1, 1))])
def test_distinctive_terms_rejects_reversed_period(archive, bad):
    from dateline.errors import InputError

    with pytest.raises(InputError):
        archive.distinctive_terms(*bad)
