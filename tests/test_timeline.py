"""Timelines of queries and speakers: buckets, gaps, normalisation, plots, CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from _analysis_fixtures import fictional_text, store_only, write_records
from dateline.analysis.timeline import Bucket, Timeline, bucket_end, bucket_label, plot
from dateline.errors import InputError


@pytest.fixture
def dated(archive, tmp_path: Path):
    # "lighthouse" in Jan (2 stories) and Mar 2020 (1); nothing in Feb; 8 stories in all
    recs = []
    for i, (day, topic) in enumerate([
        ("2020-01-05", ("lighthouse",)), ("2020-01-20", ("lighthouse",)), ("2020-01-25", ()),
        ("2020-02-10", ()), ("2020-02-11", ()), ("2020-03-01", ("lighthouse",)),
        ("2020-03-02", ()), ("2020-03-03", ()),
    ]):
        recs.append({"title": f"Item {i}", "date": day, "url": f"https://example.invalid/t/{i}",
                     "text": fictional_text(i, 40, topic)})
    store_only(archive, [write_records(tmp_path / "in" / "t.json", recs)])
    return archive


def test_timeline_query_fills_gaps_with_zero(dated):
    tl = dated.timeline("lighthouse", by="month")
    assert [(r["period"], r["count"]) for r in tl.rows()] == [
        ("2020-01", 2), ("2020-02", 0), ("2020-03", 1)]
    assert tl.total == 3 and tl.kind == "query" and not tl.normalised


def test_timeline_respects_the_period_and_interval(dated):
    tl = dated.timeline("lighthouse", by="quarter", date_from=date(2019, 10, 1),
                        date_to=date(2020, 6, 30))
    assert [(r["period"], r["count"]) for r in tl.rows()] == [
        ("2019-Q4", 0), ("2020-Q1", 3), ("2020-Q2", 0)]


def test_timeline_normalised_is_share_of_all_stories(dated):
    tl = dated.timeline("lighthouse", by="month", normalise=True)
    rows = tl.rows()
    assert [r["all_stories"] for r in rows] == [3, 2, 3]
    assert rows[0]["share"] == pytest.approx(2 / 3, abs=1e-6)
    assert rows[1]["share"] == 0.0
    assert tl.values()[2] == pytest.approx(1 / 3)


def test_timeline_to_dict_is_json(dated):
    data = json.loads(json.dumps(dated.timeline("lighthouse", by="week").to_dict()))
    assert data["by"] == "week" and data["total"] == 3
    assert all(set(b) >= {"period", "start", "end", "count"} for b in data["buckets"])
    starts = [date.fromisoformat(b["start"]) for b in data["buckets"]]
    assert all(d.weekday() == 0 for d in starts)  # weeks start on Monday
    assert len(starts) == (starts[-1] - starts[0]).days // 7 + 1  # no gap left out


def test_timeline_needs_exactly_one_subject(dated):
    with pytest.raises(InputError):
        dated.timeline()
    with pytest.raises(InputError):
        dated.timeline("x", speaker="y")
    with pytest.raises(InputError):
        dated.timeline("x", by="fortnight")


def test_timeline_speaker_counts_stories_quoting(archive, tmp_path: Path):
    from conftest import write_kbs_radio

    folder = tmp_path / "radio"
    for i, day in enumerate(["2019-05-02", "2019-05-20", "2019-07-01"]):
        write_kbs_radio(folder, f"r{i}.txt", day, "Noh Ga-ram", fictional_text(i, 30))
    store_only(archive, [folder])
    tl = archive.timeline(speaker="park sol-bin", by="month")
    assert [r["count"] for r in tl.rows()] == [2, 0, 1]
    assert archive.timeline(speaker="Nobody Here", by="year").total == 0


def test_timeline_plot_png_and_svg(tmp_path: Path):
    tl = Timeline("query", "rail", "month", False,
                  [Bucket(date(2020, m, 1), n) for m, n in ((1, 3), (2, 0), (3, 5))])
    png = plot(tl, tmp_path / "t.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = plot(tl, tmp_path / "t.svg").read_text()
    assert "<svg" in svg and "rail" in svg
    with pytest.raises(InputError):
        plot(tl, tmp_path / "t.txt")


def test_bucket_helpers():
    assert bucket_end(date(2020, 2, 1), "month") == date(2020, 2, 29)
    assert bucket_end(date(2020, 10, 1), "quarter") == date(2020, 12, 31)
    assert bucket_label(date(2020, 4, 1), "quarter") == "2020-Q2"


def test_cli_timeline_table_json_and_plot(dated, tmp_path: Path):
    from typer.testing import CliRunner

    from dateline.cli import app

    path = str(dated.path)
    dated.close()
    runner = CliRunner()
    out = runner.invoke(app, ["timeline", "lighthouse", "--by", "month", "-a", path,
                              "--plot", str(tmp_path / "p.png")])
    assert out.exit_code == 0, out.output
    assert "2020-02" in out.output and (tmp_path / "p.png").exists()
    out = runner.invoke(app, ["timeline", "lighthouse", "-n", "-f", "json", "-a", path])
    assert json.loads(out.stdout)["normalised"] is True
