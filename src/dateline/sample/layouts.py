"""Story plans rendered in the KBS page layouts (structure imitated, every word invented).

A :class:`Plan` is one story's content (title, anchor sentences, report paragraphs and voices);
a renderer turns the plans of one page into the page text and the :class:`StoryTruth` of what it
wrote.  Renderers never reorder or rewrite the plan, so a revised plan renders to a revised page.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateline.sample.truth import QuoteTruth, StoryTruth
from dateline.sample.world import Person, Thread, josa


@dataclass(slots=True)
class Voice:
    """Someone quoted: a cast member, a named or unnamed bystander, or a broadcaster."""

    parts: list[str]
    person: Person | None = None
    name: str | None = None  # a bystander's name (Korean stories)
    role_en: str | None = None  # a bystander's role
    role_ko: str | None = None
    org: str | None = None  # a broadcaster quoted as an organisation


@dataclass(slots=True)
class Plan:
    """One story's content before layout."""

    thread: Thread
    year: int
    title_en: str
    title_ko: str
    reporter: str
    korean: bool
    anchor: tuple[str, ...]
    #: report paragraphs (tuples of sentences) and voices, in order
    blocks: list[tuple[str, ...] | Voice]
    people: tuple[int, ...]
    words: int


@dataclass(slots=True)
class PageTimes:
    """The page's dates and times; ``None`` where the layout does not print one."""

    day: date
    published: datetime | None = None
    updated: datetime | None = None
    program: str | None = None  # Korean programme (뉴스 9 / 뉴스광장)


Rendered = tuple[str, list[StoryTruth], bool]
Renderer = Callable[[random.Random, list[Plan], PageTimes], Rendered]

_NAV_2017 = ("댓글\n\n좋아요\n\n스크랩하기\n\n공유하기 글씨 크게보기\n\n가\n\n글씨 작게보기\n\n"
             "고화질 표준화질 키보드 컨트롤 안내 동영상영역 시작 동영상 시작 동영상영역 끝 "
             "동영상 고정 취소\n\n")
_READER = "읽어주기 기능은 크롬기반의\n브라우저에서만 사용하실 수 있습니다."


def dotted(moment: datetime) -> str:
    """``2015.01.19 (14:21)``, as KBS prints 입력/수정 times."""
    return (f"{moment.year}.{moment.month:02d}.{moment.day:02d} "
            f"({moment.hour:02d}:{moment.minute:02d})")


def dashed(moment: datetime) -> str:
    """``2022-02-22 15:19:05``, as the page footers print times."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _stamp(times: PageTimes, sep: str = " ") -> str:
    assert times.published is not None
    line = f"입력 {dotted(times.published)}"
    if times.updated is not None:
        line += f"{sep}수정 {dotted(times.updated)}"
    return line


def _truth(plan: Plan, times: PageTimes, quotes: list[QuoteTruth], *, first: bool,
           title: str | None, program: str | None, reporter: str | None,
           timed: bool = True) -> StoryTruth:
    first_block = plan.blocks[0]  # a plan always opens its report with a paragraph
    lead = first_block[0] if isinstance(first_block, tuple) else ""
    return StoryTruth(
        title=title, date=times.day,
        published_at=times.published if first and timed else None,
        updated_at=times.updated if first and timed else None,
        program=program, reporter=reporter, language="ko" if plan.korean else "en",
        quotes=tuple(quotes), thread=plan.thread.id, people=plan.people, lead=lead,
        words=plan.words,
    )


# -- English voices ------------------------------------------------------------------------------


def _who(voice: Voice, year: int
         ) -> tuple[str | None, str | None, str | None, int | None, str]:
    """speaker, role, organisation, person id, and the words written after the name.

    A cast member's title is written ``Title, Organisation`` (``Spokesperson, Ministry of
    Harbour Affairs``): role and organisation are then read apart, as the gold annotations do.
    """
    if voice.person is not None:
        role = voice.person.role(year)
        return voice.person.name, role.title, role.org, voice.person.id, role.long
    if voice.org is not None:
        return None, None, voice.org, None, voice.org
    return voice.name, voice.role_en, None, None, voice.role_en or ""


def _paren_label(voice: Voice, year: int, rng: random.Random) -> tuple[str, QuoteTruth]:
    """``Name(Role)`` / ``Name (Role)`` / ``(Role)`` / ``(Broadcaster)`` for [Soundbite] lines."""
    speaker, role, org, pid, inside = _who(voice, year)
    if speaker is None:
        label = f"({inside})"
    else:
        label = f"{speaker}{' ' if rng.random() < 0.3 else ''}({inside})"
    return label, QuoteTruth(tuple(voice.parts), speaker, role, org, None, label, pid)


def _text(parts: list[str]) -> str:
    return " ".join(parts)


# -- KBS World Radio -----------------------------------------------------------------------------


def render_radio(rng: random.Random, plans: list[Plan], times: PageTimes) -> Rendered:
    """One story, line breaks lost: Anchor: … X has more.Report: …[Sound bite: …]"…"… X, KBS…"""
    plan = plans[0]
    out = [f" date {times.day.isoformat()} Photo : YONHAP News\n\nAnchor: ", " ".join(plan.anchor),
           "Our " if rng.random() < 0.2 else "", plan.reporter, " has more.Report: "]
    quotes: list[QuoteTruth] = []
    for block in plan.blocks:
        if not isinstance(block, Voice):
            out.append(" ".join(block))
            continue
        person = block.person
        assert person is not None
        role = person.role(plan.year)
        language = org = None
        if rng.random() < 0.6:
            label = f"Sound bite: {role.short} {person.name}"
            role_text = role.short
        else:
            role_text, org = role.title, role.org
            label = f"Sound bite: {person.name} - {role.long}"
            if person.name_ko is not None and rng.random() < 0.6:
                language = "Korean" if rng.random() < 0.7 else "Korean-English"
                label += f" ({language})"
        out.append(f"[{label}]")
        out.append("".join(f'"{p}"' for p in block.parts))
        quotes.append(QuoteTruth(tuple(block.parts), person.name, role_text, org, language,
                                 label, person.id))
    out.append(f"{plan.reporter}, KBS World Radio News.")
    truth = _truth(plan, times, quotes, first=True, title=None, program="KBS World Radio News",
                   reporter=plan.reporter, timed=False)
    return "".join(out), [truth], False


# -- News Today, 2010-2015 -----------------------------------------------------------------------


def _pkg_en(plan: Plan, rng: random.Random, bite: Callable[..., tuple[str, QuoteTruth]]
            ) -> tuple[list[str], list[QuoteTruth]]:
    out: list[str] = []
    quotes: list[QuoteTruth] = []
    for block in plan.blocks:
        if not isinstance(block, Voice):
            out.append(" ".join(block))
        else:
            line, quote = bite(block, plan.year, rng)
            out.append(line)
            quotes.append(quote)
    return out, quotes


def _bite_2010(voice: Voice, year: int, rng: random.Random) -> tuple[str, QuoteTruth]:
    label, quote = _paren_label(voice, year, rng)
    return f'[Soundbite] {label} : "{_text(voice.parts)}"', quote


def render_news_today_2010(rng: random.Random, plans: list[Plan], times: PageTimes) -> Rendered:
    """Title, 입력/수정, 읽어주기 notice, [Anchor Lead]/[Pkg], more stories as '2. Title'."""
    out = [plans[0].title_en, "\n\n", _stamp(times), "\n\n", _READER, "\n\n"]
    truths: list[StoryTruth] = []
    for i, plan in enumerate(plans):
        if i:
            out.append(f"\n\n{i + 1}. {plan.title_en}\n\n")
        paras, quotes = _pkg_en(plan, rng, _bite_2010)
        out += ["[Anchor Lead]\n\n", " ".join(plan.anchor), "\n\n[Pkg]\n\n", "\n\n".join(paras)]
        truths.append(_truth(plan, times, quotes, first=i == 0, title=plan.title_en,
                             program=None, reporter=None))
    out.append("\n")
    return "".join(out), truths, False


# -- News Today, 2017-2022 -----------------------------------------------------------------------


def render_news_today_2017(rng: random.Random, plans: list[Plan], times: PageTimes) -> Rendered:
    """' date … Title News Today 입력 … 수정 …', navigation noise, sometimes a footer + repeat."""
    plan = plans[0]
    title = plan.title_en.upper() if plan.year >= 2020 else plan.title_en
    paras, quotes = _pkg_en(plan, rng, _bite_2010)
    body = ("[Anchor Lead]\n\n\n\n" + " ".join(plan.anchor) + "\n\n\n\n[Pkg]\n\n\n\n"
            + "\n\n\n\n".join(paras) + "\n\n")
    head = f" date {times.day.isoformat()} {title} News Today {_stamp(times)}\n\n"
    nav = _NAV_2017 if rng.random() < 0.8 else ""
    repeated = rng.random() < 0.3
    out = [head, nav, body]
    if repeated:
        assert times.published is not None
        if rng.random() < 0.5:
            out.append(f"- 입력 {dashed(times.published)}\n\n")
        else:
            out.append(f"{title}\n\n{_stamp(times)} News Today\n\n")
        out.append(body)
    truth = _truth(plan, times, quotes, first=True, title=title, program="News Today",
                   reporter=None)
    return "".join(out), [truth], repeated


# -- News Today, 2023-2025 -----------------------------------------------------------------------


def _bite_2024(voice: Voice, year: int, rng: random.Random) -> tuple[str, QuoteTruth]:
    speaker, role, org, pid, inside = _who(voice, year)
    label = f"({inside})" if speaker is None else f"{speaker} ({inside})"
    quote = QuoteTruth(tuple(voice.parts), speaker, role, org, None, label, pid)
    return f"[Soundbite]\n{label}: {_text(voice.parts)}", quote


def render_news_today_2024(rng: random.Random, plans: list[Plan], times: PageTimes) -> Rendered:
    """Upper-case titles, several stories; '[Soundbite]' alone, then 'Name (Role): words'."""
    spaced = times.published is None  # the ' date … 동영상 고정 취소' variant, blank-line heavy
    gap = "\n\n\n\n" if spaced else "\n"
    truths: list[StoryTruth] = []
    if spaced:
        out = [f" date {times.day.isoformat()} 동영상 고정 취소\n\n"]
    else:
        title = plans[0].title_en.upper()
        out = [title, "\n", _stamp(times, "\n"), "\n", _READER, "\n"]
    for i, plan in enumerate(plans):
        title = plan.title_en.upper()
        paras, quotes = _pkg_en(plan, rng, _bite_2024)
        if spaced:
            paras = [p.replace("[Soundbite]\n", "[Soundbite]\n\n") for p in paras]
        out += [title, gap, "[Anchor Lead]", gap[:2], " ".join(plan.anchor), gap, "[Pkg]",
                gap[:2], gap.join(paras), gap]
        truths.append(_truth(plan, times, quotes, first=i == 0, title=title, program=None,
                             reporter=None))
    return "".join(out), truths, False


# -- News 9 (English) ----------------------------------------------------------------------------


def render_news9(rng: random.Random, plans: list[Plan], times: PageTimes) -> Rendered:
    """' date … News 9', title, [Anchor], [Report], [Name / Role: "…"], 'This is KBS News, X.'"""
    plan = plans[0]
    title = plan.title_en[0] + plan.title_en[1:].lower()
    out = [f" date {times.day.isoformat()} News 9\n\n{title}\n\n[Anchor]\n\n",
           "\n\n".join(plan.anchor), f"\n\nReporter {plan.reporter} reports.\n\n[Report]\n\n"]
    quotes: list[QuoteTruth] = []
    for block in plan.blocks:
        if not isinstance(block, Voice):
            out.append("\n\n".join(block))
        else:
            speaker, role, org, pid, inside = _who(block, plan.year)
            label = f"{speaker} / {inside}"
            out.append(f'[{label}: "{_text(block.parts)}"]')
            quotes.append(QuoteTruth(tuple(block.parts), speaker, role, org, None, label, pid))
        out.append("\n\n")
    out.append(f"This is KBS News, {plan.reporter}.\n")
    truth = _truth(plan, times, quotes, first=True, title=title, program="News 9",
                   reporter=plan.reporter, timed=False)
    return "".join(out), [truth], False


# -- Korean --------------------------------------------------------------------------------------


def render_korean(rng: random.Random, plans: list[Plan], times: PageTimes) -> Rendered:
    """제목, 입력/수정, <앵커 멘트>, <리포트>, <녹취> 이름(직함) : "…", KBS 뉴스 이름입니다."""
    plan = plans[0]
    assert times.published is not None
    spaced = rng.random() < 0.5  # blank lines between lines, and the footer with the programme
    nl = "\n\n" if spaced else "\n"
    intro = (f"{plan.reporter} 기자가 보도합니다." if rng.random() < 0.5
             else f"{plan.reporter} 기자입니다.")
    lines = ["<앵커 멘트>", *plan.anchor, intro, "<리포트>"]
    quotes: list[QuoteTruth] = []
    for block in plan.blocks:
        if not isinstance(block, Voice):
            lines += block
            continue
        role: str | None
        speaker: str | None
        if block.person is not None:
            person = block.person
            assert person.name_ko is not None
            role = person.role(plan.year).ko
            speaker, pid, marker = person.name_ko, person.id, "녹취"
        else:
            speaker, role, pid, marker = block.name, block.role_ko, None, "인터뷰"
        label = f"{speaker}({role})"
        lines.append(f'<{marker}> {label} : "{_text(block.parts)}"')
        quotes.append(QuoteTruth(tuple(block.parts), speaker, role, None, None, label, pid))
    lines.append(f"KBS 뉴스 {plan.reporter}입니다.")
    head = [plan.title_ko, _stamp(times, nl), _READER]
    text = nl.join(head) + nl + nl.join(lines) + "\n"
    program = None
    if spaced:
        program = times.program
        aired = times.published - timedelta(minutes=rng.randint(0, 70),
                                             seconds=rng.randint(0, 59))
        text += (f"\n\n  • {plan.title_ko}\n    • 입력 {dashed(aired)}\n    {program}\n"
                 + " ".join(lines) + "\n")
    truth = _truth(plan, times, quotes, first=True, title=plan.title_ko, program=program,
                   reporter=plan.reporter)
    return text, [truth], spaced


RENDERERS: dict[str, Renderer] = {
    "radio": render_radio,
    "news_today_2010": render_news_today_2010,
    "news_today_2017": render_news_today_2017,
    "news_today_2024": render_news_today_2024,
    "news9": render_news9,
    "korean": render_korean,
}


_KO_INTROS = (
    "{role} {name} {topic} 관련해 입장을 밝혔습니다.",
    "{role} {name} {topic} 관련해 기자들의 질문에 답했습니다.",
    "{role} {name} 이번 결정의 배경을 설명했습니다.",
)


def korean_intro(person: Person, year: int, thread: Thread, variant: int) -> str:
    """A narration sentence naming a cast member before their sound bite (Korean)."""
    role = person.role(year).ko
    assert person.name_ko is not None
    name, topic = josa(person.name_ko, "은"), josa(thread.head_ko, "과")
    return _KO_INTROS[variant % len(_KO_INTROS)].format(role=role, name=name, topic=topic)
