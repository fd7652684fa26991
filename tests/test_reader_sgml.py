"""The ``sgml`` reader: newswire collections (Reuters ``<REUTERS>``, TREC/LDC ``<DOC>``)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

from conftest import shared_path
from dateline import Archive
from dateline.model import RecordError, SourceFile
from dateline.readers import ReaderOptions, read_bytes, read_path

REUTERS = b"""<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="7">
<DATE>14-MAR-2031 09:05:12.40</DATE>
<TOPICS><D>ferries</D></TOPICS>
<PLACES><D>harbourland</D><D>isleton</D></PLACES>
<PEOPLE></PEOPLE>
<TEXT>&#2;
<TITLE>HARBOURLAND FERRY &lt;HFL&gt; RESUMES ISLETON LINE</TITLE>
<DATELINE>    PORTVILLE, March 14 - </DATELINE><BODY>The Harbourland Ferry Line said
its Isleton service resumes on Monday after a two-week repair.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="8">
<DATE>14-MAR-2031 612:00:00.00</DATE>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>ISLETON PORT FEES UNCHANGED</TITLE>
Blah blah blah.
&#3;
</TEXT>
</REUTERS>
<REUTERS NEWID="9">
<DATE>15-MAR-2031 10:00:00.00</DATE>
<TEXT TYPE="UNPROC">&#2;
&#3;
</TEXT>
</REUTERS>
<REUTERS NEWID="10">
<DATE>15-MAR-2031 11:00:00.00</DATE>
<TEXT><TITLE>CUT SHORT</TITLE><BODY>The file ends here
"""

GIGAWORD = b"""<DOC id="HLD_ENG_20310402.0001" type="story" >
<HEADLINE>
Ferry strike ends in Portville
</HEADLINE>
<DATELINE>
PORTVILLE, April 2 (HLD)
</DATELINE>
<TEXT>
<P>
Dock workers in Portville ended a three-day strike on Wednesday.
</P>
<P>
Ferries to Isleton sail again from Thursday.
</P>
</TEXT>
</DOC>
<DOC>
<DOCNO> TRC-0042 </DOCNO>
<DATE_TIME> 2031-04-03T08:30:00 </DATE_TIME>
<TEXT>
The port authority thanked passengers for their patience.
</TEXT>
</DOC>
"""


def read(raw: bytes, name: str = "news.sgm", **options: str) -> SourceFile:
    (source,) = read_bytes(raw, name, f"/in/{name}", ReaderOptions(**options))  # type: ignore[arg-type]
    return source


def test_reuters_elements_are_records_with_title_date_and_categories() -> None:
    source = read(REUTERS)
    assert source.reader == "sgml"
    first, brief = source.records
    assert first.locator == "#1"
    assert first.hints.record_id == "7"
    assert first.hints.title == "HARBOURLAND FERRY <HFL> RESUMES ISLETON LINE"
    assert first.hints.date == date(2031, 3, 14)
    assert first.hints.published_at is None  # the wire's clock has no stated offset
    assert first.text.startswith("The Harbourland Ferry Line said")
    assert "\x03" not in first.text and "&#3;" not in first.text
    assert first.hints.extra["places"] == ["harbourland", "isleton"]
    assert first.hints.extra["topics"] == ["ferries"]
    assert first.hints.extra["dateline"] == "PORTVILLE, March 14 -"
    # a brief is its title (not its placeholder text); a garbled time keeps the day
    assert brief.hints.title == "ISLETON PORT FEES UNCHANGED"
    assert brief.text == "ISLETON PORT FEES UNCHANGED"
    assert brief.hints.date == date(2031, 3, 14)


def test_reuters_empty_and_unclosed_elements_are_record_errors_with_their_bytes() -> None:
    source = read(REUTERS)
    empty, cut = source.errors
    assert isinstance(empty, RecordError) and empty.locator == "#3"
    assert "is empty" in empty.reason
    assert empty.raw.startswith(b'<REUTERS NEWID="9">') and empty.raw.endswith(b"</REUTERS>")
    assert cut.locator == "#4"
    assert "not closed before the end of the file" in cut.reason
    assert cut.raw.startswith(b'<REUTERS NEWID="10">') and cut.raw.endswith(b"ends here\n")


def test_many_unclosed_elements_are_each_a_record_error() -> None:
    """Each error holds its element's bytes up to the next one (looking for a closing tag
    stops there: searching the rest of the file for each would be quadratic)."""
    raw = b"<DOC><DOCNO>x</DOCNO><TEXT>words</TEXT>\n" * 20_000
    source = read(raw, "cut.sgm")
    assert source.records == [] and len(source.errors) == 20_000
    assert b"".join(e.raw for e in source.errors) == raw


def test_trec_and_ldc_documents_are_records() -> None:
    source = read(GIGAWORD, "hld_eng_203104.xml")  # an extension no reader owns: sniffed
    assert source.reader == "sgml"
    # a file without extension (LDC's hld_eng_203104, or inside hld_eng_203104.gz) is sniffed
    # too; a forced reader wins over the sniffing
    bare = read(GIGAWORD, "hld_eng_203104")
    assert bare.reader == "sgml" and bare.records[0].text == source.records[0].text
    assert read(GIGAWORD, "hld_eng_203104", format="text").reader == "text"
    for head in (b"date 2031-04-02\n", b"[Anchor Lead]\n", b"{{template}}\n", b"<b>note</b>\n"):
        plain = read(head + b"The ferry sails again.\n", "hld_notes")
        assert plain.reader == "text" and plain.records, head
    assert read(b'[ {"text": "The ferry sails again."} ]', "export").reader == "json"
    (packed,) = read_bytes(gzip.compress(GIGAWORD), "hld_eng_203104.gz", "/in/hld_eng_203104.gz",
                           ReaderOptions())
    assert packed.reader == "sgml" and len(packed.records) == 2
    story, short = source.records
    assert story.hints.record_id == "HLD_ENG_20310402.0001"
    assert story.hints.title == "Ferry strike ends in Portville"
    assert story.hints.date == date(2031, 4, 2)  # from the id
    assert story.text == ("Dock workers in Portville ended a three-day strike on Wednesday.\n\n"
                          "Ferries to Isleton sail again from Thursday.")
    assert story.hints.extra["doc_type"] == "story"
    assert short.hints.record_id == "TRC-0042"
    assert short.hints.date == date(2031, 4, 3)
    assert short.text == "The port authority thanked passengers for their patience."


def test_sgml_without_newswire_elements_is_read_as_plain_text() -> None:
    source = read(b"<NOTES><P>a ferry timetable</P></NOTES>\n")
    assert source.reader == "text" and source.reject_reason is None
    assert [r.text for r in source.records] == ["<NOTES><P>a ferry timetable</P></NOTES>\n"]


def test_reuters_collection_ingests_as_one_story_per_element(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.dateline", create=True) as arc:
        arc.ingest([_write(tmp_path, REUTERS)], index=False)
        stories = {s.title: s for s in arc.stories()}
    assert set(stories) == {"HARBOURLAND FERRY <HFL> RESUMES ISLETON LINE",
                            "ISLETON PORT FEES UNCHANGED"}
    assert stories["ISLETON PORT FEES UNCHANGED"].date == date(2031, 3, 14)


def test_reuters_briefs_are_not_copies_of_each_other(tmp_path: Path) -> None:
    """Each brief holds the same placeholder text; each is a story of its own."""
    briefs = b"".join(
        b'<REUTERS NEWID="%d"><DATE>1%d-MAR-2031 09:00:00.00</DATE><TEXT TYPE="BRIEF">&#2;\n'
        b"******<TITLE>%s</TITLE>\nBlah blah blah.\n&#3;\n</TEXT></REUTERS>\n" % (n, n, title)
        for n, title in enumerate([b"ISLETON PORT FEES UNCHANGED", b"PORTVILLE DOCKS REOPEN"], 1))
    with Archive(tmp_path / "a.dateline", create=True) as arc:
        arc.ingest([_write(tmp_path, briefs)], index=False)
        assert sorted(s.title for s in arc.stories()) == ["ISLETON PORT FEES UNCHANGED",
                                                          "PORTVILLE DOCKS REOPEN"]


def test_reuters_21578_every_element_is_read(shared: Path) -> None:
    folder = shared_path("corpora", "reuters21578", "sgm-data")
    records = errors = 0
    undated = []
    for path in sorted(folder.glob("*.sgm")):
        (source,) = read_path(path, ReaderOptions())
        assert source.reader == "sgml" and source.reject_reason is None
        records += len(source.records)
        errors += len(source.errors)
        undated += [r.locator for r in source.records if r.hints.date is None]
    assert records + errors == 21_578  # NEWID 1 to 21578
    assert errors == 1  # one element holds no text at all
    assert undated == []


def _write(folder: Path, raw: bytes) -> Path:
    path = folder / "wire.sgm"
    path.write_bytes(raw)
    return path
