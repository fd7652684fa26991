"""The archive the web tests run against: a generated corpus plus fictional stories of our own.

Every story here is invented for the tests (names, places and words); some carry XSS payloads
in their titles, text, speaker names and URLs, so the tests can check nothing executes.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from dateline import Archive

log = logging.getLogger(__name__)

#: what a payload would set if it ever ran in the browser
XSS_FLAG = "__xss"
XSS_TITLE = '<script>window.__xss="title"</script>Harbour <b>talks</b> & "quotes"'
XSS_IMG = '<img src=x onerror="window.__xss=\'img\'">'
XSS_SPEAKER = "Envoy Kang <img src=x onerror=window.__xss='speaker'>"
XSS_URL = "javascript:window.__xss='url'"

REPORTERS = ("Han Ji-ho", "Lee Min-a", "Oh Da-eun", "Seo Jun-ki")
SPEAKERS = (
    ("Harbour Minister", "Park Sol-bin"),
    ("Railway Agency chief", "Moon Tae-ri"),
    ("Coastal Guard commander", "Yoon Bo-ram"),
)


def radio_story(day: date, reporter: str, body: str, role: str, speaker: str,
                words: str) -> str:
    """A fictional KBS World Radio style transcript."""
    return (f" date {day.isoformat()} Photo : YONHAP News\n\nAnchor: {body} {reporter} has more."
            f"Report: {body} Officials in the fictional port of Namhae-ri spoke on Monday."
            f"[Sound bite: {role} {speaker}]\"{words}\"{reporter}, KBS World Radio News.")


def write_fictional(folder: Path) -> None:
    """Our own stories: enough railway stories to page through, Korean, XSS, revisions, dups."""
    folder.mkdir(parents=True, exist_ok=True)
    start = date(2018, 1, 8)
    for i in range(46):
        day = start + timedelta(days=17 * i)
        role, speaker = SPEAKERS[i % len(SPEAKERS)]
        body = (f"The eastern railway plan, phase {i + 1}, was discussed as harbour sanctions "
                f"talks continued.")
        text = radio_story(day, REPORTERS[i % len(REPORTERS)], body, role, speaker,
                           f"We will open section {i + 1} of the eastern railway soon.")
        (folder / f"radio-{i:03d}.txt").write_text(text, encoding="utf-8")
    # a Korean story, in a JSON record with a title
    korean = {
        "url": "https://example.org/news/ko-1",
        "title": "가상 항구 철도 연결 합의",
        "date": "2019-02-14",
        "text": ("[앵커]\n\n가상의 남해리 항구와 내륙을 잇는 철도 연결에 양측이 합의했습니다.\n\n"
                 "[리포트]\n\n오늘 열린 회의에서 양측은 철도 연결 사업을 올해 안에 시작하기로 "
                 "했습니다.\n\n<녹취> 김하늘(가상부 장관) : \"철도 연결은 지역 경제에 큰 도움이 "
                 "될 것입니다.\"\n\nKBS 뉴스 서지영입니다."),
    }
    (folder / "ko-railway.json").write_text(json.dumps(korean, ensure_ascii=False),
                                            encoding="utf-8")
    # XSS payloads in the title, the text, a speaker's name and the URL
    xss = {
        "url": XSS_URL,
        "title": XSS_TITLE,
        "date": "2019-06-03",
        "text": (f"Anchor: Payload test {XSS_IMG} about the eastern railway and "
                 f"<script>window.__xss='text'</script> harbour sanctions. "
                 f"<a href=\"javascript:window.__xss='link'\">click</a> Lee Min-a has more."
                 f"Report: The eastern railway payload story.[Sound bite: {XSS_SPEAKER}]"
                 f"\"We <script>window.__xss='quote'</script> will talk about the railway.\""
                 "Lee Min-a, KBS World Radio News."),
    }
    (folder / "xss-story.json").write_text(json.dumps(xss), encoding="utf-8")
    # an exact duplicate of the first radio story under another name
    (folder / "radio-000-copy.txt").write_bytes((folder / "radio-000.txt").read_bytes())
    # a reject: a JSON file that is not JSON
    (folder / "broken.json").write_text('{"title": "unterminated', encoding="utf-8")


def write_revision(folder: Path) -> None:
    """A second version of radio-001.txt: the story gets a revision 2."""
    folder.mkdir(parents=True, exist_ok=True)
    role, speaker = SPEAKERS[1]
    text = radio_story(date(2018, 1, 25), REPORTERS[1], "The eastern railway plan, phase 2, "
                       "was corrected after a revised harbour sanctions briefing.", role,
                       speaker, "We will open section 2 of the eastern railway soon.")
    (folder / "radio-001.txt").write_text(text, encoding="utf-8")


def write_sample(folder: Path, stories: int, seed: int = 7) -> bool:
    """The generated demo corpus, when :mod:`dateline.sample` can be run."""
    if importlib.util.find_spec("dateline.sample.__main__") is None and \
            importlib.util.find_spec("dateline.sample") is None:
        return False
    proc = subprocess.run([sys.executable, "-m", "dateline.sample", str(folder), "--stories",
                           str(stories), "--seed", str(seed)], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        log.warning("dateline.sample failed: %s", proc.stderr[-2000:])
        return False
    return True


def build_web_archive(root: Path, *, sample_stories: int = 300) -> Path:
    """Build the test archive under ``root`` and return its folder."""
    archive_path = root / "web.dateline"
    fictional = root / "fictional"
    write_fictional(fictional)
    paths = [fictional]
    if sample_stories and write_sample(root / "sample", sample_stories):
        paths.append(root / "sample")
    with Archive(archive_path, create=True) as arc:
        arc.ingest(paths, workers=1)
        write_revision(root / "revised")
        arc.ingest([root / "revised"], workers=1)
    return archive_path


def test_web_corpus_builds(tmp_path: Path) -> None:
    path = build_web_archive(tmp_path, sample_stories=0)
    with Archive(path, readonly=True) as arc:
        stats = arc.stats()
        assert stats["stories"] >= 48
        assert stats["rejects"] >= 1
        assert stats["duplicates"] >= 1
        assert stats["revised_stories"] >= 1
