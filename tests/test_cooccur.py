"""Co-occurrence: association measures, ranking, JSON and GraphML export."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from _analysis_fixtures import store_only
from dateline.analysis.cooccur import llr, pmi
from dateline.errors import InputError, NotFound


def test_llr_matches_the_g_test():
    scipy_stats = pytest.importorskip("scipy.stats")
    k11, n_a, n_b, total = 30, 80, 120, 1000
    table = [[k11, n_a - k11], [n_b - k11, total - n_a - n_b + k11]]
    g2, *_ = scipy_stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert llr(k11, n_a, n_b, total) == pytest.approx(g2, rel=1e-9)
    # seen together less often than chance: negative
    assert llr(2, 80, 120, 1000) < 0


def test_pmi():
    assert pmi(10, 100, 100, 1000) == pytest.approx(0.0)
    assert pmi(20, 100, 100, 1000) == pytest.approx(1.0)
    assert math.isinf(pmi(0, 1, 1, 10))


@pytest.fixture(scope="module")
def enriched(tmp_path_factory):
    from dateline import Archive
    from dateline.sample import generate

    root = tmp_path_factory.mktemp("co")
    generate(root / "corpus", 80, 3, korean_share=0.0, pages_per_file=40)
    arc = Archive(root / "arc", create=True)
    store_only(arc, [root / "corpus"])
    if not hasattr(arc, "enrich"):
        pytest.skip("the entity enricher has not landed (Archive.enrich missing)")
    arc.enrich()
    yield arc
    arc.close()


def _frequent(arc) -> str:
    from dateline.store import analysis as sql

    row = arc.store.conn.execute(
        "SELECT a.entity_id, COUNT(DISTINCT m.story_id) n FROM entity_aliases a JOIN "
        "entity_mentions m ON m.kind = a.kind AND m.key = a.key GROUP BY a.entity_id "
        "ORDER BY n DESC LIMIT 1").fetchone()
    if row is None or not sql.entities_ready(arc.store):
        pytest.skip("the enricher found no entities in the sample corpus")
    return str(row[0])


def test_cooccurrence_ranks_by_stated_measure(enriched):
    eid = _frequent(enriched)
    result = enriched.cooccurrence(eid, top=10, min_count=2)
    assert result.entity_id == eid and result.items
    assert result.stories <= result.total_stories
    scores = [i.score for i in result.items]
    assert scores == sorted(scores, reverse=True)
    for item in result.items:
        assert 2 <= item.count <= min(result.stories, item.entity_count)
        assert item.expected == pytest.approx(result.stories * item.entity_count
                                              / result.total_stories)
        assert item.llr > 0 and item.score == item.llr
    by_pmi = enriched.cooccurrence(eid, top=10, measure="pmi", min_count=3)
    assert all(i.count >= 3 and i.score == i.pmi for i in by_pmi.items)


def test_cooccurrence_exports_json_and_graphml(enriched):
    result = enriched.cooccurrence(_frequent(enriched), top=5)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["measure"] == "llr" and len(data["items"]) == len(result.items)
    root = ET.fromstring(result.to_graphml().split("\n", 1)[1])
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = root.findall(".//g:node", ns)
    edges = root.findall(".//g:edge", ns)
    assert len(nodes) == len(result.items) + 1
    assert len(edges) == len(result.items) + len(result.edges)


def test_cooccurrence_errors(enriched, tmp_path: Path):
    with pytest.raises(NotFound):
        enriched.cooccurrence("No Such Entity Anywhere")
    with pytest.raises(InputError):
        enriched.cooccurrence(_frequent(enriched), measure="chi")


def test_entity_timeline_counts_mentioning_stories(enriched):
    eid = _frequent(enriched)
    tl = enriched.timeline(entity=eid, by="year", normalise=True)
    assert tl.kind == "entity" and tl.entity_id == eid
    assert tl.total == enriched.cooccurrence(eid).stories
    assert all(r["count"] <= r["all_stories"] for r in tl.rows())


def test_sample_bound_takes_the_asked_share_of_story_ids():
    import hashlib

    from dateline.store.entity_periods import sample_bound

    ids = [hashlib.sha1(str(i).encode()).hexdigest()[:16] for i in range(20_000)]
    for fraction in (0.01, 0.1, 0.5, 0.9):
        share = sum(i < sample_bound(fraction) for i in ids) / len(ids)
        assert share == pytest.approx(fraction, abs=0.01)
    assert all(i < sample_bound(1.0) for i in ids)


def test_cooccurrence_of_a_frequent_entity_is_estimated_from_a_sample(enriched):
    from dateline.analysis.cooccur import cooccurrence

    eid = _frequent(enriched)
    store = enriched.store
    exact = cooccurrence(store, eid, top=500, min_count=1, sample=None, measure="pmi")
    assert exact.sampled is None and exact.stories >= 4
    est = cooccurrence(store, eid, top=500, min_count=1, sample=exact.stories // 2,
                       measure="pmi")
    assert est.sampled is not None and 0 < est.sampled < exact.stories
    assert est.stories == exact.stories and est.total_stories == exact.total_stories
    assert est.to_dict()["sampled_stories"] == est.sampled
    truth = {i.id: i.count for i in exact.items}
    scale = exact.stories / est.sampled
    for item in est.items:  # a partner seen in the sample is a partner, its count scaled
        assert item.id in truth
        assert item.count <= exact.stories
        assert item.count % 1 == 0 and item.count >= round(scale) - 1
    whole = cooccurrence(store, eid, top=500, min_count=1, sample=exact.stories, measure="pmi")
    assert whole.sampled is None
    assert [(i.id, i.count) for i in whole.items] == [(i.id, i.count) for i in exact.items]


def test_entity_profile_estimates_co_mentions_of_a_frequent_entity(enriched, monkeypatch):
    from dateline.store import entity_periods

    eid = _frequent(enriched)
    exact = {c["id"]: c["stories"] for c in enriched.entity(eid).co_mentioned}
    assert exact and not any(c.get("estimated") for c in enriched.entity(eid).co_mentioned)
    monkeypatch.setattr(entity_periods, "SAMPLE_STORIES", enriched.entity(eid).stories // 2)
    estimated = enriched.entity(eid).co_mentioned
    assert estimated and all(c["estimated"] for c in estimated)
    assert all(c["stories"] >= 1 for c in estimated)
