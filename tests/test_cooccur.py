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
