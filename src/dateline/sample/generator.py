"""The page stream: dates, layouts, story plans, revisions and duplicates, deterministic per seed.

One :class:`random.Random` drives the base corpus; a second one decides revisions and duplicates,
so turning those on adds pages without changing any original page.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import accumulate

from dateline.model import SEOUL
from dateline.sample import lexicon as lx
from dateline.sample.layouts import RENDERERS, PageTimes, Plan, Voice, korean_intro
from dateline.sample.truth import SamplePage
from dateline.sample.world import EVENTS, FIRST_YEAR, LAST_YEAR, World, world

_DATES = {year: tuple(date.fromordinal(d) for d in range(date(year, 1, 1).toordinal(),
                                                       date(year + 1, 1, 1).toordinal()))
          for year in range(FIRST_YEAR, LAST_YEAR + 1)}

#: how many stories a page of each layout holds: (counts, weights)
_STORIES_PER_PAGE: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "news_today_2010": ((1, 2, 3, 4), (0.3, 0.3, 0.25, 0.15)),
    "news_today_2024": ((1, 2, 3, 4), (0.35, 0.3, 0.2, 0.15)),
}
#: English story share per layout family (News 9 from 2017; before that, News Today takes it)
_ENGLISH_SHARES = {"radio": 0.30, "news_today": 0.45, "news9": 0.25}
_NEWS9_FROM = 2017
_BYSTANDERS = lx.BYSTANDERS
_BROADCASTERS = lx.BROADCASTERS
_SITE = {"radio": "world.kbs.co.kr"}
_BYSTANDER_LAYOUTS = frozenset({"news_today_2010", "news_today_2017", "news_today_2024", "korean"})
_ORIGINAL_ID = 1_000_000
_DUPLICATE_ID = 90_000_000


def _mean(layout: str) -> float:
    counts, weights = _STORIES_PER_PAGE.get(layout, ((1,), (1.0,)))
    return sum(c * w for c, w in zip(counts, weights, strict=True))


def _news_today(year: int) -> str:
    if year <= 2016:
        return "news_today_2010"
    return "news_today_2017" if year <= 2022 else "news_today_2024"


def _layout_table(korean_share: float) -> dict[int, tuple[tuple[str, ...], tuple[float, ...]]]:
    """Per year: page layouts and cumulative page probabilities giving the story shares asked."""
    table: dict[int, tuple[tuple[str, ...], tuple[float, ...]]] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        stories = {"radio": _ENGLISH_SHARES["radio"] * (1 - korean_share),
                   _news_today(year): _ENGLISH_SHARES["news_today"] * (1 - korean_share)}
        news9 = _ENGLISH_SHARES["news9"] * (1 - korean_share)
        if year >= _NEWS9_FROM:
            stories["news9"] = news9
        else:
            stories[_news_today(year)] += news9
        stories["korean"] = korean_share
        pages = {k: v / _mean(k) for k, v in stories.items() if v > 0}
        total = sum(pages.values())
        layouts = tuple(pages)
        cum, acc = [], 0.0
        for k in layouts:
            acc += pages[k] / total
            cum.append(acc)
        table[year] = (layouts, tuple(cum))
    return table


def _year_weights(table: dict[int, tuple[tuple[str, ...], tuple[float, ...]]]
                  ) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Years and cumulative page weights that spread *stories* evenly over the days: a year
    whose pages hold more stories gets fewer pages."""
    years = tuple(sorted(table))
    weights = []
    for year in years:
        layouts, cum = table[year]
        shares = [c - p for c, p in zip(cum, (0.0, *cum[:-1]), strict=True)]
        per_page = sum(s * _mean(k) for s, k in zip(shares, layouts, strict=True))
        weights.append(len(_DATES[year]) / per_page)
    return years, tuple(accumulate(weights))


class _Planner:
    """Builds story plans from the world; all randomness from the base stream."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w = w
        self.rng = rng

    def plan(self, day: date, korean: bool, bystanders: bool, multipart: bool,
             seen: set[str], threads: set[str]) -> Plan:
        """One story; ``seen`` (sentences) and ``threads`` are shared by the stories of a page,
        so a page never repeats a sentence nor holds the same affair twice."""
        # random() and indexing instead of choice()/randint(): several times faster, and this
        # runs for every story
        rnd, w = self.rng.random, self.w
        year = day.year
        active = w.active[year]
        thread = active[int(rnd() * len(active))]
        for _ in range(8):
            if thread.id not in threads:
                break
            thread = active[int(rnd() * len(active))]
        threads.add(thread.id)
        event_en, event_ko = EVENTS[int(rnd() * len(EVENTS))]
        if korean:
            paras, tails, quotes = w.paragraphs_ko, w.anchor_tails_ko, w.quote_texts_ko
            opening, own = thread.anchor_sentences_ko, thread.sentences_ko
        else:
            paras, tails, quotes = w.paragraphs, w.anchor_tails, w.quote_texts
            opening, own = thread.anchor_sentences, thread.sentences
        wc = w.word_counts
        tail, words = tails[int(rnd() * len(tails))]
        anchor = (opening[int(rnd() * len(opening))], *tail)
        words += anchor[0].count(" ") + 1
        # no sentence twice in a story (a parser rightly reads a repeat as a repeated block)
        seen.update(anchor)
        roll = rnd()
        n_voices = 0 if roll < 0.15 else 1 if roll < 0.5 else 2 if roll < 0.8 else 3
        n_paras = max(n_voices + 1, 3 + int(rnd() * 3))
        own_at = int(rnd() * n_paras)
        blocks: list[tuple[str, ...] | Voice] = []
        people: list[int] = []
        n_pool = len(paras)
        for i in range(n_paras):
            para, count = paras[int(rnd() * n_pool)]
            while not seen.isdisjoint(para):
                para, count = paras[int(rnd() * n_pool)]
            seen.update(para)
            words += count
            if i == own_at:
                extra = _fresh(own, seen, rnd)
                if extra:
                    para = (*para, extra)
                    words += wc[extra]
            if i >= n_voices:
                blocks.append(para)
                continue
            parts = [_fresh(quotes, seen, rnd)]
            if multipart and rnd() < 0.3:
                parts.append(_fresh(w.quotes, seen, rnd))
            roll = rnd()
            if bystanders and roll < 0.12:
                role_en, role_ko = _BYSTANDERS[int(rnd() * len(_BYSTANDERS))]
                names = w.bystander_names_ko
                name = names[int(rnd() * len(names))] if korean else None
                voice = Voice(parts, name=name, role_en=role_en, role_ko=role_ko)
            elif bystanders and roll < 0.15 and not korean:
                voice = Voice(parts, org=_BROADCASTERS[int(rnd() * len(_BROADCASTERS))])
            else:
                cast = thread.korean_cast if korean else thread.cast
                person = w.people[cast[int(rnd() * len(cast))]]
                people.append(person.id)
                variant = int(rnd() * 3)
                for k in range(3):
                    if korean:
                        intro = korean_intro(person, year, thread, variant + k)
                    else:
                        intro = w.intros[person.id][year - FIRST_YEAR][(variant + k) % 3]
                    if intro not in seen:
                        seen.add(intro)
                        para = (*para, intro)
                        words += intro.count(" ") + 1
                        break
                voice = Voice(parts, person=person)
            words += sum(wc[p] for p in parts)
            blocks.append(para)
            blocks.append(voice)
        reporters = w.reporters_ko if korean else w.reporters_en
        return Plan(thread, year, f"{thread.head} {event_en}", f"{thread.head_ko} {event_ko}",
                    reporters[int(rnd() * len(reporters))], korean, anchor, blocks,
                    tuple(dict.fromkeys(people)), words)


def _fresh(pool: tuple[str, ...], seen: set[str], rnd: Callable[[], float]) -> str:
    """A sentence from ``pool`` not used yet in the story ("" if none found quickly)."""
    for _ in range(8):
        sentence = pool[int(rnd() * len(pool))]
        if sentence not in seen:
            seen.add(sentence)
            return sentence
    return ""


def _times(rng: random.Random, layout: str, day: date) -> PageTimes:
    if layout in ("radio", "news9"):
        return PageTimes(day)
    if layout == "news_today_2024" and rng.random() < 0.5:
        return PageTimes(day)  # the ' date … 동영상 고정 취소' variant prints no times
    program = None
    if layout == "korean":
        program = "뉴스 9" if rng.random() < 0.6 else "뉴스광장"
        start, span = (21 * 60, 55) if program == "뉴스 9" else (6 * 60, 110)
    else:
        start, span = 14 * 60, 100
    rnd = rng.random
    minute = start + int(rnd() * (span + 1))
    published = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=SEOUL)
    updated = None
    if layout != "news_today_2010" or rnd() < 0.7:
        updated = published + timedelta(minutes=5 + int(rnd() * 106))
    return PageTimes(day, published, updated, program)


def iter_pages(stories: int, seed: int, *, korean_share: float = 0.1, revisions: float = 0.0,
               duplicates: float = 0.0, buckets: int = 1) -> Iterator[SamplePage]:
    """Pages holding exactly ``stories`` distinct stories, then their revisions and duplicates.

    Streams in constant memory; the same arguments always give the same pages.  Revisions (a
    later 수정 time and one edited paragraph, same file name under ``revised/``) and duplicates
    (the same text under a new name) follow right after their original page.
    """
    if stories < 0:
        raise ValueError(f"stories must be >= 0, got {stories}")
    for name, share in (("korean_share", korean_share), ("revisions", revisions),
                        ("duplicates", duplicates)):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {share}")
    w = world(seed)
    rng = random.Random(seed)
    aux = random.Random(seed ^ 0x5EED)
    planner = _Planner(w, rng)
    table = _layout_table(korean_share)
    years, year_cum = _year_weights(table)
    left = stories
    page_no = 0
    copies = 0
    rnd = rng.random
    while left > 0:
        days = _DATES[years[bisect(year_cum, rnd() * year_cum[-1])]]
        day = days[int(rnd() * len(days))]
        layouts, cum = table[day.year]
        layout = layouts[bisect(cum, rnd() * cum[-1])]
        counts = _STORIES_PER_PAGE.get(layout)
        n = min(left, 1 if counts is None else rng.choices(counts[0], counts[1])[0])
        korean = layout == "korean"
        bystanders = layout in _BYSTANDER_LAYOUTS
        seen: set[str] = set()
        used: set[str] = set()
        plans = [planner.plan(day, korean, bystanders, layout == "radio", seen, used)
                 for _ in range(n)]
        times = _times(rng, layout, day)
        revise = revisions > 0 and aux.random() < revisions
        state = rng.getstate() if revise else None
        text, truths, repeated = RENDERERS[layout](rng, plans, times)
        name = f"{_SITE.get(layout, 'news.kbs.co.kr')}-{_ORIGINAL_ID + page_no}.txt"
        folder = f"{day.year}/{day.month:02d}"
        if buckets > 1:
            folder += f"/b{page_no % buckets}"
        path = f"{folder}/{name}"
        page = SamplePage(name, path, text, layout, truths, repeated=repeated)
        page_no += 1
        left -= n
        yield page
        if state is not None:
            yield _revise(page, plans, times, state, aux, w)
        if duplicates and aux.random() < duplicates:
            copy_name = f"{_SITE.get(layout, 'news.kbs.co.kr')}-{_DUPLICATE_ID + copies}.txt"
            copies += 1
            yield SamplePage(copy_name, f"{folder}/{copy_name}", text, layout, truths,
                             "duplicate", path, repeated)


def _revise(page: SamplePage, plans: list[Plan], times: PageTimes, state: object,
            aux: random.Random, w: World) -> SamplePage:
    """The page re-scraped after an edit: one paragraph changed, a later 수정 time if shown."""
    index = aux.randrange(len(plans))
    plan = plans[index]
    paragraphs = [i for i, b in enumerate(plan.blocks) if not isinstance(b, Voice)]
    blocks = list(plan.blocks)
    target = aux.choice(paragraphs)
    para = blocks[target]
    assert not isinstance(para, Voice)
    pool = w.sentences_ko if plan.korean else w.sentences
    extra = aux.choice(pool)
    at = aux.randint(1, len(para))  # never before the first sentence: the story's lead stays
    blocks[target] = (*para[:at], extra, *para[at:])
    revised = [*plans]
    revised[index] = replace(plan, blocks=blocks, words=plan.words + extra.count(" ") + 1)
    new_times = times
    if times.published is not None:
        base = times.updated or times.published
        new_times = replace(times, updated=base + timedelta(hours=aux.randint(1, 48),
                                                            minutes=aux.randint(0, 59)))
    page_rng = random.Random()
    page_rng.setstate(state)  # type: ignore[arg-type]
    text, truths, repeated = RENDERERS[page.layout](page_rng, revised, new_times)
    return SamplePage(page.name, f"revised/{page.path}", text, page.layout, truths, "revision",
                      page.path, repeated)
