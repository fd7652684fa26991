"""Entity extraction, alias resolution, overrides and the mention quality floor."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from dateline.enrich.entities import MAKER, extract
from dateline.enrich.names import key_for, person_key, place_key, romanisation_key
from dateline.enrich.resolve import resolve
from dateline.model import ParsedStory, Quote, Segment

# fictional KBS World Radio style text
RADIO = (
    "Anchor: Harbour Minister Park Sol-bin has met U.S. Trade Envoy Dana Whitcombe in Seoul. "
    "Choi Han-gyeol has more.Report: [Sound bite: Harbour Minister Park Sol-bin (Korean)]"
    "\"We will open the eastern railway soon.\"Whitcombe said that Washington supports the "
    "railway plan fully. He also said that talks will resume in Busan next month. "
    "A Harbour Ministry official said that the survey starts in May. "
    "Choi Han-gyeol, KBS World Radio News."
)


def _story(text: str = RADIO, **kw: object) -> ParsedStory:
    s = ParsedStory(text=text, language="en", **kw)  # type: ignore[arg-type]
    s.segments = [Segment("report", text, 0, len(text))]
    return s


@pytest.mark.parametrize("variants", [
    ["Lee Do-hoon", "Lee Do Hoon", "LEE DOHOON", "Lee Dohoon"],
    ["Kim Jong Un", "Kim Jong-un", "KIM JONG-UN"],
])
def test_names_romanisation_variants_share_a_key(variants: list[str]) -> None:
    assert len({person_key(v) for v in variants}) == 1


def test_names_romanisation_key_keeps_surnames_apart() -> None:
    assert romanisation_key(person_key("Lee Seong-joon")) == romanisation_key(
        person_key("Lee Sung-jun"))
    assert romanisation_key(person_key("Kang Yu-jung")) != romanisation_key(
        person_key("Gang Yoo-jeong"))


def test_names_us_variants() -> None:
    assert {place_key(x) for x in ("U.S.", "US", "United States", "the United States")} == {
        "united states"}


def test_extract_titles_speakers_places_and_reported_speech() -> None:
    story = _story(reporter="Choi Han-gyeol", quotes=[Quote(
        "We will open the eastern railway soon.", speaker="Park Sol-bin",
        role="Harbour Minister", language="Korean", start=RADIO.index("We will"),
        end=RADIO.index("soon.") + 5)])
    facts = extract(story)
    persons = facts.names("person")
    assert "park solbin" in persons and "dana whitcombe" in persons
    assert "choi hangyeol" in persons
    assert {"seoul", "washington", "busan", "united states"} <= set(facts.names("place"))
    titles = {m.title for m in facts.mentions if m.key == "dana whitcombe"}
    assert "U.S. Trade Envoy" in titles
    reported = [q for q in facts.quotes if q.kind == "reported"]
    assert [q.speaker_key for q in reported][:2] == ["dana whitcombe", "dana whitcombe"]
    assert reported[1].confidence < reported[0].confidence  # the pronoun one
    assert reported[2].speaker_key is None and "official" in (reported[2].role or "")
    # "Whitcombe" alone resolved to the full name in the story
    assert all(m.key != "whitcombe" for m in facts.mentions)


def test_resolve_surname_case_and_overrides() -> None:
    names = [("person", "mike pompeo", "Mike Pompeo", 3), ("person", "mike pompeo",
             "MIKE POMPEO", 1), ("person", "pompeo", "Pompeo", 2),
             ("person", "lee dohoon", "Lee Do-hoon", 2), ("person", "lee dohun", "Lee Do Hun", 1)]
    entities, aliases = resolve(names, [])
    by_key = {a[1]: a[2] for a in aliases}
    assert by_key["pompeo"] == by_key["mike pompeo"]
    assert by_key["lee dohoon"] == by_key["lee dohun"]
    assert {e[2] for e in entities} == {"Mike Pompeo", "Lee Do-hoon"}
    _, aliases = resolve(names, [("split", "person", "pompeo", None)])
    by_key = {a[1]: a[2] for a in aliases}
    assert by_key["pompeo"] != by_key["mike pompeo"]
    _, aliases = resolve(names, [("merge", "person", "mike pompeo", "lee dohoon")])
    by_key = {a[1]: a[2] for a in aliases}
    assert by_key["lee dohun"] == by_key["mike pompeo"]


def test_resolve_a_surname_joins_the_full_name_that_dominates_it() -> None:
    """``Whitcombe`` alone is Dana Whitcombe when the archive names her forty times and Lee
    Whitcombe once; with two names both in the news it stays apart, noted as ambiguous."""
    names = [("person", "dana whitcombe", "Dana Whitcombe", 40),
             ("person", "lee whitcombe", "Lee Whitcombe", 1),
             ("person", "whitcombe", "Whitcombe", 90)]
    entities, aliases = resolve(names, [])
    by_key = {a[1]: a[2] for a in aliases}
    assert by_key["whitcombe"] == by_key["dana whitcombe"] != by_key["lee whitcombe"]
    names[1] = ("person", "lee whitcombe", "Lee Whitcombe", 12)
    entities, aliases = resolve(names, [])
    by_key = {a[1]: a[2] for a in aliases}
    assert by_key["whitcombe"] not in (by_key["dana whitcombe"], by_key["lee whitcombe"])
    assert {e[4] for e in entities if e[0] == by_key["whitcombe"]} == {"ambiguous surname"}


def test_resolve_names_a_korean_person_as_most_often_written() -> None:
    # a name written apart once (one key: a Korean name's key has no spaces) is not the
    # fuller name of the one written whole 281 times; a foreign name of two words keeps its
    # space
    assert key_for("person", "김 솔빈") == key_for("person", "김솔빈") == "김솔빈"
    names = [("person", "김솔빈", "김솔빈", 281), ("person", "김솔빈", "김 솔빈", 1),
             ("person", "리즈 트러스", "리즈 트러스", 2)]
    entities, _ = resolve(names, [])
    assert {e[2] for e in entities} == {"김솔빈", "리즈 트러스"}


def test_northern_and_southern_spellings_share_a_key() -> None:
    assert person_key("리솔빈") == person_key("이솔빈") == "이솔빈"
    assert person_key("류다온") == person_key("유다온")
    assert key_for("org", "조선로동당") == key_for("org", "조선노동당")
    assert key_for("org", "솔내녀성동맹") == key_for("org", "솔내여성동맹")
    assert person_key("리즈트러스") == "리즈트러스"  # not a Korean name's form: left as written


def test_archive_entity_profile_merge_split_survive_reenrichment(tmp_path: Path) -> None:
    from dateline import Archive

    folder = tmp_path / "in"
    folder.mkdir()
    for i, (day, title) in enumerate([("2018-11-21", "Harbour Minister"),
                                      ("2020-06-19", "Deputy Prime Minister")]):
        (folder / f"{i}.txt").write_text(
            f" date {day} Photo : YONHAP News\n\nAnchor: {title} Park Sol-bin visited Busan. "
            "Choi Han-gyeol has more.Report: Park said that the railway will open soon."
            f"[Sound bite: {title} Park Sol-bin (Korean)]\"We will open the eastern railway "
            "soon.\"Choi Han-gyeol, KBS World Radio News.", encoding="utf-8")
    with Archive(tmp_path / "a", create=True) as arc:
        arc.ingest([folder], workers=1)
        profile = arc.entity("Park Sol-bin")
        assert profile.kind == "person" and profile.stories == 2
        titles = {t["title"]: t for t in profile.titles}
        assert titles["Harbour Minister"]["first"] == "2018-11-21"
        assert titles["Deputy Prime Minister"]["last"] == "2020-06-19"
        assert profile.quotes >= 2 and profile.first_seen == "2018-11-21"
        assert "Park Sol-bin" in arc.index_docs([next(arc.stories())])[0].persons
        arc.merge_entities("Park Sol-bin", "Choi Han-gyeol")
        assert arc.entity("Choi Han-gyeol").id == arc.entity("Park Sol-bin").id
        report = arc.enrich(stale_only=False)
        assert report["stories"] == 2
        assert arc.entity("Choi Han-gyeol").id == arc.entity("Park Sol-bin").id
        arc.split_entity("Park Sol-bin", "Choi Han-gyeol")
        assert arc.entity("Choi Han-gyeol").id != arc.entity("Park Sol-bin").id
        assert arc.enrich()["stories"] == 0  # nothing stale
        extras = arc.story_extras(next(arc.stories()).id)
        assert all(e["maker"] == MAKER for e in extras["entities"])
        assert arc.search("person:park").total == 2


def test_cli_entity_and_entities(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(" date 2019-03-01 Photo : YONHAP News\n\nAnchor: Harbour "
                                  "Minister Park Sol-bin visited Busan.", encoding="utf-8")
    run = [sys.executable, "-m", "dateline"]
    subprocess.run([*run, "ingest", str(folder), "-a", str(tmp_path / "a"), "-q"], check=True,
                   capture_output=True)
    out = subprocess.run([*run, "entity", "Park Sol-bin", "-a", str(tmp_path / "a"), "-f",
                          "json"], check=True, capture_output=True, text=True).stdout
    assert json.loads(out)["name"] == "Park Sol-bin"
    out = subprocess.run([*run, "entities", "--type", "place", "-a", str(tmp_path / "a"), "-f",
                          "json"], check=True, capture_output=True, text=True).stdout
    assert "Busan" in {r["name"] for r in json.loads(out)}


# floors pinned a little under the measurements of docs/quality.md, "Entities"; only up
FLOORS = {"person": 0.90, "org": 0.80, "place": 0.82, "reported": 0.55}
#: F1 floors on the fresh gold (tests/data/entities_fresh.jsonl), Korean read by the rules
#: alone (the extractor without python-crfsuite): (language, part) → type → floor
FRESH_FLOORS = {
    ("en", "all"): {"person": 0.95, "org": 0.91, "place": 0.95},  # raised at entities@16
    ("en", "heldout"): {"person": 0.93, "org": 0.88, "place": 0.95},
    # batches 6–20 (fresh, harder than the earlier ones; the fifteenth North Korean addresses)
    # joined at entities@5, @6, @7, @8, @11, @12, @13, @14, @19, @22 and @24; the floors went down
    # as the later batches joined, not with the code; persons raised at entities@22 and with
    # the twentieth batch (entities@24)
    ("ko", "all"): {"person": 0.82, "org": 0.76, "place": 0.845},
    ("ko", "heldout"): {"person": 0.815, "org": 0.75, "place": 0.84},
}
#: Korean with the trained model, which learnt every Korean item of the gate: floors that fail
#: when the model and the code that computes its features drift apart (a feature renamed, a
#: model not trained again); what it does on articles it never saw is measured in
#: benchmarks/train_korean_entities.py --cross and docs/quality.md.  Since entities@17 a name
#: the model reads must meet one the rules or Kiwi found: on the items it learnt, the names it
#: had learnt to find alone are lost (organisations 0.987 → 0.940), while on articles it never
#: saw it gains (leave-one-batch-out: docs/quality.md).  Since entities@24 a person it reads as
#: one word of no Korean form is dropped unless the rules read a name there: persons it had
#: learnt so fall to 0.957, while on articles it never saw persons gain
MODEL_FLOORS = {("ko", "all"): {"person": 0.95, "org": 0.93, "place": 0.95}}


def test_quality_gate_mentions_on_shared_gold() -> None:
    shared = shared_path("corpora", "kcna-stiles-2024")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_entities

    scores = score_entities.mention_scores(shared.parents[1])
    for kind, floor in FLOORS.items():
        assert scores[kind]["f1"] >= floor, (kind, scores[kind])


#: Batches of the fresh gold the gate scores: a batch joins once it has been measured.
GATED_BATCHES = tuple(range(1, 21))


@pytest.mark.parametrize("reader", ["rules", "model"])
def test_quality_gate_fresh_gold_per_language_and_type(tmp_path: Path, reader: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shared = shared_path("corpora", "ko-wikinews")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_entities

    from dateline.enrich import korean_model

    lines = [line for line in score_entities.FRESH.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line).get("batch", 1) in GATED_BATCHES]
    gated = tmp_path / "fresh.jsonl"
    gated.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(score_entities, "FRESH", gated)
    if reader == "rules":
        korean_model.use(None)
    else:
        assert korean_model.available(), "the trained Korean model did not load"
    try:
        scores = score_entities.fresh_scores(shared.parents[1])
    finally:
        korean_model.reset()
    for (lang, part), floors in (FRESH_FLOORS if reader == "rules" else MODEL_FLOORS).items():
        for kind, floor in floors.items():
            assert scores[f"{lang}/{part}"][kind]["f1"] >= floor, (lang, part, kind, scores)


@pytest.mark.parametrize("name", ["entities_fresh.jsonl", "entities_fresh_next.jsonl"])
def test_fresh_gold_points_at_what_it_names(name: str) -> None:
    # each annotation's `at` is where the reader saw it: a typo in the gold would score as a miss
    path = ROOT / "tests" / "data" / name
    if not path.exists():
        pytest.skip(f"{name}: no batch waits to be scored")
    shared = shared_path("corpora", "ko-wikinews")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_entities

    wrong = []
    for item, raw in score_entities.gold_sources(shared.parents[1], path):
        for kind in ("persons", "orgs", "places"):
            for entity in item[kind]:
                if entity["at"] is None:  # never written whole: it must truly not be there
                    if any(entity["name"] in (raw[w] or "") for w in ("title", "text")):
                        wrong.append((item["id"], entity["name"], "written, but at is null"))
                    continue
                where, offset = entity["at"]
                forms = [entity["name"], *entity.get("also", [])]
                # a line break or a no-break space in the source reads as a space
                if not any(re.match(r"\s+".join(map(re.escape, form.split())), raw[where][offset:])
                           for form in forms):
                    wrong.append((item["id"], entity["name"], raw[where][offset:offset + 20]))
    assert not wrong


def test_quality_gate_speaker_linking() -> None:
    shared = shared_path("corpora", "kbs-pages")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_entities

    result = score_entities.speaker_linking(shared.parents[1])
    assert result["split_people"] == 0 and result["merged_entities"] == 0


def test_a_family_name_alone_in_hangul_joins_its_one_full_name() -> None:
    # in the story: "박 대통령" is the 박솔빈 the story names, "트러스" the 리즈 트러스
    story = ParsedStory(text="박솔빈 대통령과 리즈 트러스 총리가 만났다. 박 대통령과 트러스 총리는 "
                             "합의했다.", language="ko")
    keys = {m.surface: m.key for m in extract(story).mentions if m.kind == "person"}
    assert keys["박"] == keys["박솔빈"] and keys["트러스"] == keys["리즈 트러스"]
    # across the archive: the one full name with that family name, else an ambiguous surname
    names = [("person", "리즈트러스", "리즈 트러스", 2), ("person", "트러스", "트러스", 3),
             ("person", "박솔빈", "박솔빈", 4), ("person", "박하람", "박하람", 1),
             ("person", "박", "박", 2), ("person", "박솔빈", "박", 9)]
    entities, aliases = resolve(names, [])
    by_key = {a[1]: a[2] for a in aliases}
    # the family name resolved in stories (written 9 times) does not name the person
    assert {e[2] for e in entities if e[0] == by_key["박솔빈"]} == {"박솔빈"}
    assert by_key["트러스"] == by_key["리즈트러스"]
    assert by_key["박"] not in {by_key["박솔빈"], by_key["박하람"]}
    assert {e[4] for e in entities if e[0] == by_key["박"]} == {"ambiguous surname"}
    # a foreign surname in Hangul joins the full name that dominates it; a Korean one never
    names += [("person", "도널드트럼프", "도널드 트럼프", 40),
              ("person", "이방카트럼프", "이방카 트럼프", 2), ("person", "트럼프", "트럼프", 7),
              ("person", "박솔빈", "박솔빈", 200)]
    _, aliases = resolve(names, [])
    by_key = {a[1]: a[2] for a in aliases}
    assert by_key["트럼프"] == by_key["도널드트럼프"] != by_key["이방카트럼프"]
    assert by_key["박"] not in {by_key["박솔빈"], by_key["박하람"]}


def test_a_korean_sign_off_and_a_page_s_chrome_name_no_body() -> None:
    # "KBS 뉴스 …입니다" signs the report off and "KBS제보" is the page's own box: KBS is no
    # organisation of the story; a body in Latin letters in the report is
    from dateline.transcript import parse

    page = ("<앵커 멘트>\n솔빛전자가 LG와 손잡았습니다.\n서솔빈 기자입니다.\n<리포트>\n"
            "두 회사는 오늘 합의했습니다.\nKBS 뉴스 서솔빈입니다.\n\n■ 제보하기\n"
            "▷ 카카오톡 : 'KBS제보' 검색, 채널 추가\n")
    story = parse(page).stories[0]
    orgs = {m.surface for m in extract(story).mentions if m.kind == "org"}
    assert "LG" in orgs and "KBS" not in orgs


def test_a_place_written_in_hangul_alone_is_named_as_written() -> None:
    # an archive that writes 한국 and 미국 only reads them so; one English mention of the same
    # country brings back the display name every archive shares
    entities, _ = resolve([("place", "south korea", "한국", 7),
                           ("place", "united states", "미국", 3)], [])
    assert {e[2] for e in entities} == {"한국", "미국"}
    entities, _ = resolve([("place", "south korea", "한국", 7),
                           ("place", "south korea", "S. Korea", 1)], [])
    assert [e[2] for e in entities] == ["South Korea"]
