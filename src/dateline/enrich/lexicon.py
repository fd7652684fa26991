"""Word lists the entity extractor uses: titles, organisation heads, words that are not names."""

from __future__ import annotations

import re

#: Words that make a capitalised phrase a title ("U.S. Secretary of State", "chief negotiator").
TITLE_HEADS = frozenset(
    """president presidents chairman chairwoman chair secretary minister ministers representative
    negotiator ambassador spokesperson spokesman spokeswoman director commander general gen
    adm admiral lt col colonel premier chancellor king queen prince princess pope governor
    mayor senator sen rep speaker leader chief vice deputy comrade marshal mr ms mrs dr
    professor prof researcher reporter correspondent counterpart envoy official officials ceo
    justice judge coach actor actress candidate lawmaker lawmakers head emperor chancellor
    diplomat commissioner superintendent attorney prosecutor captain capt sergeant sgt major
    lieutenant spokesperson economist analyst expert member premier pres""".split()
)
#: Lower-case words allowed inside a title before a name ("chief nuclear negotiator").
TITLE_WORDS = TITLE_HEADS | frozenset(
    """special senior assistant foreign defense defence unification nuclear top former acting
    first second presidential national security deputy vice executive general interim state
    affairs high-ranking new incoming outgoing prime supreme then party united states
    permanent""".split()
)
#: Heads of organisation names ("Unification Ministry", "Joint Chiefs of Staff").
ORG_HEADS = frozenset(
    """ministry department command council committee party bank agency institute university
    assembly office corporation corp inc co ltd group association union court forces army navy
    government administration commission federation organization organisation service
    company chiefs staff bureau center centre foundation league times post journal network
    broadcasting news kbs mbc sbs ytn yonhap kcna reuters cabinet parliament congress senate
    police presidium alliance school hospital club church secretariat board authority
    fund programme program coalition airlines electronics motors embassy consulate""".split()
)
#: Acronyms that are organisations.
ORG_ACRONYMS = frozenset(
    """UN UNSC NATO IAEA WPK KCNA JCS USFK EU IMF WHO WTO NIS KBS MBC SBS YTN KPA CIA FBI NSC
    ASEAN APEC OECD OPEC KEDO NGO INSS KDI BOK PPP DP FIFA IOC NASA WFP UNICEF UNESCO
    ICBM""".split()
) - {"ICBM"}
#: Last words of place names that are not in a gazetteer ("Sancheong County").
PLACE_HEADS = frozenset(
    """province county island islands sea river mountain mount square peninsula strait bay
    street city district village port harbor harbour airport hill valley lake ocean gulf
    region town station base zone""".split()
)
#: Capitalised words that start sentences or phrases and are never part of a name.
COMMON_CAPS = frozenset(
    """the a an in on at to of for from by with and or but as after before during since until
    while when where if meanwhile however also this that these those there here it its he she
    they we i you his her their our my your what which who whom why how then so yet still
    despite although though because following according speaking earlier later today
    yesterday tomorrow tonight now once some many most all any each every other another both
    several no not only even just more less new last next first second third report anchor
    lead pkg news standup sound bite soundbite photo reporter video mr mrs ms dr one two three
    north south east west northern southern eastern western korean koreans american americans
    chinese japanese russian european british french german inter-korean u-s asked amid
    under over through against about into onto upon among between within without let
    regarding concerning asian""".split()
) | frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december juche""".split()
)
#: Verbs of saying, for reported speech and for deciding that a bare surname is a person.
SPEECH_VERBS = (
    "said", "says", "added", "adds", "stressed", "stresses", "told", "noted", "urged", "warned",
    "stated", "emphasized", "emphasised", "claimed", "announced", "argued", "explained",
    "insisted", "pointed out", "reiterated", "vowed", "asserted", "mentioned", "remarked",
    "declared", "confirmed", "revealed", "disclosed", "affirmed", "underlined", "underscored",
)
SPEECH_VERB_RE = "|".join(re.escape(v) for v in sorted(SPEECH_VERBS, key=len, reverse=True))
#: Role nouns that make an unnamed subject a speaker ("A Unification Ministry official said").
ROLE_NOUNS = frozenset(
    """official officials spokesperson spokesman spokeswoman ministry department government
    office agency source sources expert experts analyst analysts lawmaker lawmakers police
    prosecutors minister secretary president commander military army envoy negotiator
    pentagon white house administration committee council authorities""".split()
)
#: Words after a place that make it a metonym for its government ("Seoul and Washington held").
METONYM_NEXT = re.compile(
    r"^(?:\s+and\s+[A-Z][\w.]*)?\s+(?:has|have|is|are|was|were|said|says|held|holds|urged|"
    r"agreed|announced|wants|want|seeks|seek|will|would|should|must|plans|decided|stressed|"
    r"warned|demanded|rejected|responded|accused|called|refused|insisted|sought)\b"
)
