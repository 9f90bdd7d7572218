"""Generate a synthetic Annotarium archive (and optionally the same articles as a Hugo site).

    python benchmarks/generate.py --articles 2000 --out /tmp/archive [--seed 1] [--hugo /tmp/hugo]

The archive is in the real format (docs/format.md): ``annotarium.yaml``, the four registries in
``content/``, one annotation file per article in ``content/articles/`` and the article texts in
``seeds/`` (80% plain-text exports shaped like a browser export of a news page, 20% Markdown with
front matter). Everything is drawn from ``random.Random(seed)``, so the same arguments always
give the same bytes.

Each article has 800-1,500 words and about 25 explicit annotations: quotes in curly quotation
marks with their speakers, date expressions resolved to dates (most tied to shared events),
descriptive mentions of actors, one place mention and one topic mention, and 2-4 notes whose
Markdown bodies link ``actor:``, ``event:`` and ``article:`` targets. Every listed actor, place
and topic has its name and every alias in the text, so alias matching has work to do and no
alias is unused. Where an annotation's words occur more than once, ``occurrence:`` says which,
counted exactly the way ``annotarium`` counts, so the archive checks clean.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

N_ACTORS = 300
N_TOPICS = 40
N_PLACES = 60


def wordlist(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- vocabulary ---------------------------------------------------------------------------

FIRST_NAMES = wordlist(
    "Ana Ben Clara David Elena Farid Grace Hana Ivan Julia Karim Lena Marco Nadia Omar Priya "
    "Rafael Sara Tomas Ursula Victor Wen Yara Zoltan Amara Bruno Chloe Dmitri Esther Felix "
    "Greta Hugo Ines Jonas Keiko Luis Maya Nils Olga Pablo Rosa Stefan Talia Umar Vera Wim "
    "Xenia Yusuf Zara Aidan Beatriz Conor Dalia Emil Fatima Goran Helena Idris Joanna"
)
SYLLABLES = wordlist(
    "ka ro vel an dor mi sen ta lor bek tur is val ren oss ar qu im nel fa dra kov esh ul "
    "bar tin or vask lem ga hol ber zan pe rik mo lin sa dev ut"
)
PLACE_ROOTS = wordlist(
    "Ald Bren Corv Dun Elst Fenn Gall Hald Isk Jorv Kest Lund Marr Nolv Orst Pell Quarr Rask "
    "Sell Torv Umb Vard Wess Yarr Zenn Arl Bask Cald Dorn Emm"
)
PLACE_ENDS = wordlist("ane ora ia eth ova mark ford ica holm en ara ost und")
ORG_ADJ = wordlist(
    "Coastal Northern Federal Strategic Atlantic Continental Civic National Maritime Pacific "
    "Central Eastern Western Southern Regional Independent United Allied Public Open"
)
ORG_FIELD = wordlist(
    "Policy Energy Trade Security Fisheries Water Labor Health Transport Grain Mining Budget "
    "Finance Climate Defense Cyber Housing Customs Rail Ports"
)
ORG_TYPE = wordlist("Institute Council Agency Forum Board Commission Foundation Alliance Authority")
DOC_TYPES = wordlist("Accord Declaration Protocol Charter Memorandum Compact Treaty Communique")

TOPICS = [
    ("Trade policy", ["trade policy", "tariff schedules"], "the price of imports"),
    ("Export controls", ["export controls"], "licensing rules for sensitive goods"),
    ("Sanctions", ["sanctions regime", "asset freezes"], "financial penalties"),
    ("Sanctions relief", ["sanctions relief"], "an easing of penalties"),
    ("Fisheries", ["fishing quotas", "catch limits"], "the fishing grounds"),
    ("Water rights", ["water rights"], "the river allocation"),
    ("Energy security", ["energy security", "gas supplies"], "the winter fuel reserve"),
    ("Carbon pricing", ["carbon pricing", "emissions levy"], "the price on pollution"),
    ("Border security", ["border security"], "the frontier crossings"),
    ("Migration", ["migration policy", "asylum claims"], "the arrivals at the border"),
    ("Public health", ["public health", "vaccine supply"], "the hospital system"),
    ("Housing", ["housing costs"], "the rental market"),
    ("Labor rights", ["labor rights", "minimum wage"], "conditions for workers"),
    ("Pension reform", ["pension reform"], "the retirement age"),
    ("Tax reform", ["tax reform", "corporate tax"], "the tax code"),
    ("Budget deficit", ["budget deficit"], "the spending gap"),
    ("Debt restructuring", ["debt restructuring"], "the repayment terms"),
    ("Central banking", ["interest rates", "monetary policy"], "the cost of borrowing"),
    ("Arms control", ["arms control", "missile inventories"], "the weapons stockpile"),
    ("Nuclear safety", ["nuclear safety"], "the reactor inspections"),
    ("Peace talks", ["peace talks", "ceasefire terms"], "the end of the fighting"),
    ("Election integrity", ["election integrity", "ballot access"], "the vote count"),
    ("Press freedom", ["press freedom"], "the licensing of newspapers"),
    ("Judicial independence", ["judicial independence"], "the appointment of judges"),
    ("Anti-corruption", ["anti-corruption", "procurement fraud"], "the misuse of public money"),
    ("Cybersecurity", ["cybersecurity", "ransomware attacks"], "the attacks on networks"),
    ("Data privacy", ["data privacy"], "the handling of personal records"),
    ("Infrastructure", ["infrastructure spending", "port expansion"], "the new roads and docks"),
    ("Rail links", ["rail links"], "the cross-border line"),
    ("Food security", ["food security", "grain exports"], "the harvest shortfall"),
    ("Climate adaptation", ["climate adaptation", "flood defenses"], "the rising sea walls"),
    ("Mining rights", ["mining rights", "rare earths"], "the mineral concessions"),
    ("Foreign aid", ["foreign aid", "development loans"], "the assistance package"),
    ("Refugee policy", ["refugee policy"], "the camps near the border"),
    ("Maritime boundaries", ["maritime boundaries", "fishing zones"], "the disputed waters"),
    ("Telecommunications", ["telecommunications", "spectrum auctions"], "the mobile networks"),
    ("Education funding", ["education funding", "school budgets"], "the classrooms"),
    ("Agricultural subsidies", ["farm subsidies"], "the payments to growers"),
    ("Pandemic preparedness", ["pandemic preparedness"], "the emergency stockpiles"),
    ("Space policy", ["space policy", "satellite launches"], "the launch program"),
]

SUBJECTS = (
    "Officials",
    "Negotiators",
    "Critics",
    "Several lawmakers",
    "Diplomats",
    "Analysts",
    "Industry groups",
    "Opposition leaders",
    "Regional governors",
    "Trade unions",
    "Advisers",
    "Local officials",
    "Observers",
    "Business leaders",
    "Former officials",
    "Economists",
    "Mayors",
)
NOUNS = wordlist(
    "proposal agreement framework budget inquiry reform plan deal review moratorium settlement "
    "roadmap dispute consultation package mandate pipeline quota levy bill compromise timetable "
    "strategy initiative audit ruling overhaul program"
)
PLURALS = wordlist(
    "talks negotiations hearings exports subsidies elections inspections payments reserves ports "
    "markets tariffs protests funds contracts licenses shipments loans surveys deadlines"
)
ADJS = wordlist(
    "provisional narrow sweeping fragile modest ambitious contested bilateral regional "
    "long-delayed costly interim unusual renewed quiet public formal limited broad technical "
    "binding voluntary phased revised"
)
VPAST = wordlist(
    "rejected endorsed delayed revived weakened questioned defended drafted approved blocked "
    "revised announced reviewed challenged welcomed postponed expanded narrowed"
)
VBASE = wordlist(
    "reduce expand delay complicate protect weaken strengthen reshape undermine stabilize limit "
    "accelerate replace extend"
)
SAY = wordlist(
    "said argued warned noted insisted acknowledged suggested conceded predicted cautioned"
)
ADVERBIALS = (
    "in recent months",
    "behind closed doors",
    "for the first time",
    "after weeks of delay",
    "despite strong objections",
    "without a formal vote",
    "under growing pressure",
    "at a late-night session",
    "with little public debate",
    "ahead of the deadline",
    "over the objections of several members",
    "in a closed briefing",
    "according to people familiar with the matter",
    "as the deadline approached",
    "by a narrow margin",
    "after a long and bitter debate",
    "with the support of smaller parties",
    "in the weeks that followed",
)
STATES = wordlist("uncertain unresolved exposed unfunded stranded idle")
ROLES = (
    "a senior adviser on trade",
    "a former finance minister",
    "the chief negotiator",
    "a veteran diplomat",
    "an economist who has studied the region",
    "a member of the opposition",
    "the deputy foreign minister",
    "a former ambassador",
    "the head of the committee",
    "a longtime legislator",
    "a researcher who advises the government",
    "the country’s envoy to the talks",
)
DESCRIPTORS = {
    "person": (
        "the veteran negotiator",
        "the former minister",
        "the senior adviser",
        "the longtime legislator",
        "the envoy",
        "the economist",
        "the committee chair",
    ),
    "organisation": ("the think tank", "the agency", "the trade body", "the watchdog"),
    "government": ("the ruling coalition", "the cabinet", "the leadership"),
    "anonymous": (
        "a person familiar with the talks",
        "one senior official",
        "an aide who requested anonymity",
    ),
    "document": ("the signed text", "the agreement", "the document"),
}
PLACE_PHRASES = {
    "city": "the port city",
    "country": "the country",
    "region": "the region",
    "site": "the compound",
    "body-of-water": "the disputed waters",
}
PUBLICATIONS = (
    ("The Meridian Herald", "Truth Without Fear"),
    ("The Harbor Times", "Since 1884"),
    ("Continental Post", "News That Matters"),
    ("The Evening Ledger", "Independent Journalism"),
    ("Global Affairs Weekly", "Analysis You Can Trust"),
    ("The Capital Courier", "Democracy Needs Daylight"),
)
AGENCIES = ("Meridian Wire", "Harbor Press", "Continental Photo", "Ledger Images", "Pool Photo")
DOC_PUBLICATIONS = ("Parliamentary Research Service", "Ministry of Foreign Affairs", "Policy Desk")

SHORT_MONTHS = wordlist(
    "January February March April May June July August September October November December"
)
WEEKDAYS = wordlist("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")

QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=[aeiou])")


def an(text: str) -> str:
    """'a interim plan' -> 'an interim plan'."""
    return _A_BEFORE_VOWEL.sub(r"\1n ", text)


def ystr(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


# --- registries ---------------------------------------------------------------------------


@dataclass(eq=False)
class Actor:
    id: str
    name: str
    kind: str
    description: str
    aliases: list[str]
    ref: str  # how the text names it after the first time (an alias or the name)
    affiliations: list[tuple[str, str]] = field(default_factory=list)


@dataclass(eq=False)
class Place:
    id: str
    name: str
    kind: str
    description: str
    aliases: list[str]


@dataclass(eq=False)
class Topic:
    id: str
    name: str
    description: str
    aliases: list[str]
    phrase: str


@dataclass(eq=False)
class Event:
    id: str
    title: str
    start: dt.date
    end: dt.date
    actors: list[str]
    place: str
    topics: list[str]
    description: str


class Names:
    """Unique names: no name or alias is used twice in the registries."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def claim(self, *values: str) -> bool:
        lowered = [v.lower() for v in values]
        if any(v in self.taken for v in lowered) or len(set(lowered)) < len(lowered):
            return False
        self.taken.update(lowered)
        return True

    def word(self, parts: int = 2) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def make_places(rng: random.Random, names: Names) -> list[Place]:
    kinds = ["country"] * 15 + ["city"] * 25 + ["region"] * 10 + ["site"] * 5
    kinds += ["body-of-water"] * 5
    places: list[Place] = []
    for kind in kinds:
        while True:
            root = rng.choice(PLACE_ROOTS) + rng.choice(PLACE_ENDS)
            aliases: list[str] = []
            if kind == "country":
                name = root
            elif kind == "city":
                name = rng.choice(("Port ", "New ", "", "", "Saint ")) + root
            elif kind == "region":
                name = rng.choice(("Northern ", "Upper ", "East ", "Greater ")) + root
                aliases = [root + " Province"]
            elif kind == "site":
                name = root + rng.choice((" Air Base", " Dam", " Free Port", " Naval Yard"))
            else:
                name = rng.choice(("Gulf of ", "Bay of ", "Strait of ")) + root
                aliases = [root + " Strait" if "Strait" in name else root + " waters"]
            if names.claim(name, *aliases):
                break
        desc = {
            "country": f"A country of about {rng.randint(2, 90)} million people.",
            "city": f"A city of about {rng.randint(80, 4000) * 1000:,} people.",
            "region": "An administrative region with a long-running autonomy dispute.",
            "site": "A facility at the centre of several disputes over access.",
            "body-of-water": "A waterway crossed by shipping lanes and fishing grounds.",
        }[kind]
        places.append(Place(slugify(name), name, kind, desc, aliases))
    rng.shuffle(places)  # popularity rank = position
    return places


def make_topics() -> list[Topic]:
    return [
        Topic(slugify(name), name, f"Policy debates about {name.lower()}.", aliases, phrase)
        for name, aliases, phrase in TOPICS[:N_TOPICS]
    ]


def make_actors(rng: random.Random, names: Names, places: list[Place]) -> list[Actor]:
    countries = [p for p in places if p.kind == "country"]
    kinds = ["person"] * 180 + ["organisation"] * 60 + ["government"] * 15
    kinds += ["anonymous"] * 20 + ["document"] * 25
    actors: list[Actor] = []
    for index, kind in enumerate(kinds[:N_ACTORS]):
        if kind == "person":
            while True:
                first, last = rng.choice(FIRST_NAMES), names.word(rng.choice((2, 2, 3)))
                name = f"{first} {last}"
                aliases = [last]
                if rng.random() < 0.25:
                    aliases.append(f"{rng.choice(('Minister', 'Senator', 'Ambassador'))} {last}")
                if names.claim(name, *aliases):
                    break
            actors.append(
                Actor("", name, kind, rng.choice(ROLES).capitalize() + ".", aliases, last)
            )
        elif kind == "organisation":
            while True:
                words = [rng.choice(ORG_ADJ), rng.choice(ORG_FIELD), rng.choice(ORG_TYPE)]
                name = " ".join(words)
                acronym = "".join(w[0] for w in words) + rng.choice(("", "", "A", "I"))
                if names.claim(name, acronym):
                    break
            description = f"A {words[1].lower()} {words[2].lower()} founded in {1950 + index % 70}."
            actors.append(Actor("", name, kind, description, [acronym], acronym))
        elif kind == "government":
            country = countries[len([a for a in actors if a.kind == "government"])]
            name = f"Government of {country.name}"
            alias = f"{country.name}ian government"
            names.claim(name, alias)
            actors.append(
                Actor("", name, kind, f"The government of {country.name}.", [alias], alias)
            )
        elif kind == "anonymous":
            while True:
                group = rng.choice(("senior", "junior", "former", "regional", "unnamed"))
                body = rng.choice(
                    (
                        "trade",
                        "defense",
                        "finance",
                        "energy",
                        "health",
                        "treasury",
                        "foreign ministry",
                        "customs",
                        "port",
                        "central bank",
                    )
                )
                alias = f"{group} {body} officials"
                name = alias.capitalize()
                if names.claim(alias):
                    break
            actors.append(
                Actor(
                    "", name, kind, "Officials who spoke on condition of anonymity.", [alias], alias
                )
            )
        else:
            while True:
                name = f"{names.word(2)} {rng.choice(DOC_TYPES)}"
                if names.claim(name):
                    break
            year = rng.randint(1990, 2020)
            actors.append(Actor("", name, kind, f"A text signed in {year}.", [], name))
    order = list(range(len(actors)))
    rng.shuffle(order)  # popularity rank = position; kinds mixed
    ranked = [actors[i] for i in order]
    used: set[str] = set()
    for actor in ranked:
        base = slugify(actor.name)[:60]
        actor.id = base if base not in used else f"{base}-{len(used)}"
        used.add(actor.id)
    groups = [a for a in ranked if a.kind in ("organisation", "government")]
    for actor in ranked:
        if actor.kind in ("person", "anonymous"):
            target = rng.choice(groups)
            actor.affiliations.append((target.id, rng.choice(("adviser", "member", "official"))))
    return ranked


def random_day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def make_events(
    rng: random.Random, count: int, actors: list[Actor], places: list[Place], topics: list[Topic]
) -> list[Event]:
    events = []
    kinds = (
        "summit",
        "talks",
        "agreement signing",
        "hearing",
        "strike",
        "vote",
        "inspection",
        "conference",
        "blockade",
        "referendum",
    )
    for index in range(count):
        place = zipf_pick(rng, places, 0.7)
        topic = zipf_pick(rng, topics, 0.7)
        kind = rng.choice(kinds)
        title = f"{place.name} {topic.name.lower()} {kind}"
        start = random_day(rng, dt.date(2008, 1, 1), dt.date(2023, 12, 31))
        end = start + dt.timedelta(days=rng.randint(1, 3)) if rng.random() < 0.2 else start
        if end.month != start.month:
            end = start
        who = []
        while len(who) < rng.randint(2, 3):
            actor = zipf_pick(rng, actors, 1.0)
            if actor.id not in who:
                who.append(actor.id)
        events.append(
            Event(
                f"{slugify(title)[:54]}-{index + 1}",
                title,
                start,
                end,
                who,
                place.id,
                [topic.id],
                f"A {kind} in {place.name} on {topic.name.lower()}.",
            )
        )
    return events


def zipf_pick(rng: random.Random, items: list, s: float):  # type: ignore[no-untyped-def]
    weights = _ZIPF.setdefault((len(items), s), [1 / (r + 1) ** s for r in range(len(items))])
    return rng.choices(items, cum_weights=_cum(weights))[0]


_ZIPF: dict[tuple[int, float], list[float]] = {}
_CUM: dict[int, list[float]] = {}


def _cum(weights: list[float]) -> list[float]:
    key = id(weights)
    if key not in _CUM:
        total, out = 0.0, []
        for w in weights:
            total += w
            out.append(total)
        _CUM[key] = out
    return _CUM[key]


# --- prose --------------------------------------------------------------------------------


class Prose:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def c(self, seq):  # type: ignore[no-untyped-def]
        return self.rng.choice(seq)

    def obj(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return f"the {self.c(ADJS)} {self.c(NOUNS)}"
        if r < 0.7:
            return f"the {self.c(PLURALS)}"
        if r < 0.85:
            return f"new {self.c(PLURALS)}"
        return f"the government’s {self.c(NOUNS)}"

    def clause(self) -> str:
        """A clause that can follow 'that'."""
        c = self.c
        r = self.rng.random()
        if r < 0.35:
            return an(f"the {c(ADJS)} {c(NOUNS)} would {c(VBASE)} {self.obj()} {c(ADVERBIALS)}")
        if r < 0.6:
            return an(f"the {c(NOUNS)} had been {c(VPAST)} {c(ADVERBIALS)}")
        if r < 0.8:
            return an(
                f"{c(SUBJECTS).lower()} could {c(VBASE)} {self.obj()} before the end of the year"
            )
        return an(f"the {c(PLURALS)} were unlikely to {c(VBASE)} {self.obj()}")

    def filler(self) -> str:
        c = self.c
        r = self.rng.randrange(12)
        if r == 0:
            return an(f"{c(SUBJECTS)} {c(SAY)} that {self.clause()}.")
        if r == 1:
            return an(
                f"The {c(NOUNS)} was {c(VPAST)} {c(ADVERBIALS)}, and {c(SUBJECTS).lower()} "
                f"{c(SAY)} it could {c(VBASE)} {self.obj()}."
            )
        if r == 2:
            return an(f"{c(SUBJECTS)} have {c(VPAST)} the {c(ADJS)} {c(NOUNS)} {c(ADVERBIALS)}.")
        if r == 3:
            return an(
                f"That {c(NOUNS)} remains {c(ADJS)}, and few expect it to {c(VBASE)} "
                f"{self.obj()} before the next session."
            )
        if r == 4:
            return an(f"In private, {c(SUBJECTS).lower()} {c(SAY)} that {self.clause()}.")
        if r == 5:
            return an(
                f"{c(SUBJECTS)} also pointed to {self.obj()}, which had been {c(VPAST)} "
                f"{c(ADVERBIALS)}."
            )
        if r == 6:
            return an(
                f"Some {c(PLURALS)} were {c(VPAST)} {c(ADVERBIALS)}, while others were left "
                f"{c(STATES)}."
            )
        if r == 7:
            return an(f"It was not clear whether the {c(NOUNS)} would survive {self.obj()}.")
        if r == 8:
            return an(
                f"The result, {c(SUBJECTS).lower()} {c(SAY)}, is a {c(ADJS)} {c(NOUNS)} that "
                f"could {c(VBASE)} {self.obj()} for years."
            )
        if r == 9:
            return an(
                f"Behind the {c(NOUNS)} lies a {c(ADJS)} argument about who should pay for "
                f"{self.obj()}."
            )
        if r == 10:
            return an(
                f"Neither side has {c(VPAST)} the {c(NOUNS)} in public, but {c(SUBJECTS).lower()} "
                f"{c(SAY)} that {self.clause()}."
            )
        return an(
            f"For now, the {c(PLURALS)} continue, and the {c(ADJS)} {c(NOUNS)} remains {c(STATES)}."
        )

    def quote_sentence(self) -> str:
        c = self.c
        r = self.rng.randrange(6)
        if r == 0:
            return an(
                f"We have {c(VPAST)} every {c(NOUNS)} on the table, and we will not "
                f"{c(VBASE)} {self.obj()}"
            )
        if r == 1:
            return an(f"I don’t think the {c(NOUNS)} will {c(VBASE)} {self.obj()} {c(ADVERBIALS)}")
        if r == 2:
            return an(f"This is a {c(ADJS)} {c(NOUNS)}, not a {c(ADJS)} {c(NOUNS)}")
        if r == 3:
            return an(f"Nobody in the room expected the {c(NOUNS)} to {c(VBASE)} {self.obj()}")
        if r == 4:
            return an(
                f"What we need now is a {c(ADJS)} {c(NOUNS)} that can {c(VBASE)} {self.obj()}"
            )
        return an(
            f"The {c(PLURALS)} have {c(VPAST)} the {c(NOUNS)}, and that should worry everyone"
        )

    def quote(self) -> str:
        return ". ".join(self.quote_sentence() for _ in range(self.rng.choice((1, 1, 2, 3))))

    def headline(self, topic: Topic, place: Place) -> str:
        c = self.c
        r = self.rng.randrange(4)
        if r == 0:
            return an(f"{c(SUBJECTS)} clash over {topic.aliases[0]} as {place.name} talks stall")
        if r == 1:
            return an(
                f"A {c(ADJS)} {c(NOUNS)} on {topic.aliases[0]} tests patience in {place.name}"
            )
        if r == 2:
            return an(f"Why the {c(NOUNS)} on {topic.name.lower()} keeps slipping in {place.name}")
        return an(f"{place.name} weighs a {c(ADJS)} {c(NOUNS)} on {topic.name.lower()}")


# --- articles -----------------------------------------------------------------------------


@dataclass(eq=False)
class Sentence:
    text: str
    key: float
    annotations: list[tuple[int, dict]] = field(default_factory=list)  # (offset, fields)
    plain: bool = False  # a filler sentence: may carry a note


def date_expression(rng: random.Random, start: dt.date, end: dt.date) -> tuple[str, str, str]:
    """(preposition, words, date) for an event's date at a random precision."""
    month = SHORT_MONTHS[start.month - 1]
    if end != start:
        return (
            "on",
            f"{month} {start.day}–{end.day}, {start.year}",
            f"{start.isoformat()}/{end.isoformat()}",
        )
    r = rng.randrange(6)
    if r <= 1:
        return "on", f"{month} {start.day}, {start.year}", start.isoformat()
    if r == 2:
        return "in", f"{month} {start.year}", f"{start.year}-{start.month:02d}"
    if r == 3:
        part = "early" if start.month <= 4 else "mid" if start.month <= 8 else "late"
        words = f"mid-{start.year}" if part == "mid" else f"{part} {start.year}"
        return "in", words, f"{start.year}-{part}"
    if r == 4:
        half = "first" if start.month <= 6 else "second"
        return (
            "in",
            f"the {half} half of {start.year}",
            f"{start.year}-H{1 if half == 'first' else 2}",
        )
    return "in", f"{month} {start.year}", f"{start.year}-{start.month:02d}"


class ArticleMaker:
    def __init__(
        self,
        rng: random.Random,
        actors: list[Actor],
        places: list[Place],
        topics: list[Topic],
        events: list[Event],
    ) -> None:
        self.rng = rng
        self.prose = Prose(rng)
        self.actors, self.places, self.topics, self.events = actors, places, topics, events
        self.actor_by_id = {a.id: a for a in actors}
        self.place_by_id = {p.id: p for p in places}
        self.persons = [a for a in actors if a.kind == "person"]

    def pick_ids(self, items: list, count: int, s: float, first: list) -> list:  # type: ignore[no-untyped-def]
        chosen = dict.fromkeys(first)
        while len(chosen) < count:
            chosen[zipf_pick(self.rng, items, s)] = None
        return list(chosen)

    def make(self, index: int, slugs: list[str]) -> dict:
        rng, prose = self.rng, self.prose
        c = rng.choice
        n_events = len(self.events)
        cited = [self.events[index % n_events]]
        while len(cited) < rng.randint(3, 4):
            event = c(self.events)
            if event not in cited:
                cited.append(event)
        published = max(e.end for e in cited) + dt.timedelta(days=rng.randint(2, 240))

        actors = self.pick_ids(
            self.actors, rng.randint(8, 13), 1.0, [self.actors[index % len(self.actors)]]
        )
        while sum(a.kind == "person" for a in actors) < 3:
            actors.append(zipf_pick(rng, self.persons, 1.0))
            actors = list(dict.fromkeys(actors))
        topics = self.pick_ids(
            self.topics, rng.randint(3, 5), 0.8, [self.topics[index % len(self.topics)]]
        )
        event_places = [self.place_by_id[e.place] for e in cited]
        places = self.pick_ids(
            self.places,
            len(set(event_places)) + rng.randint(1, 2),
            0.8,
            [*event_places, self.places[index % len(self.places)]],
        )
        speakers = [a for a in actors if a.kind in ("person", "organisation", "government")]
        sentences: list[Sentence] = []

        def add(text: str, key: float, *anns: tuple[int, dict]) -> None:
            sentences.append(Sentence(text, key, list(anns)))

        # names, then every alias, of every listed actor, place and topic
        for actor in actors:
            if actor.kind == "person":
                add(
                    f"{actor.name}, {c(ROLES)}, {c(SAY)} that {prose.clause()}.",
                    rng.uniform(0, 0.4),
                )
            elif actor.kind == "anonymous":
                add(f"{actor.name} {c(SAY)} that {prose.clause()}.", rng.uniform(0, 0.6))
            else:
                add(
                    f"The {actor.name} has {c(VPAST)} {prose.obj()} {c(ADVERBIALS)}.",
                    rng.uniform(0, 0.4),
                )
            for alias in actor.aliases:
                if actor.kind == "anonymous":
                    add(f"According to {alias}, {prose.clause()}.", rng.uniform(0.3, 1))
                elif actor.kind == "government":
                    add(
                        f"The {alias} {c(VPAST)} {prose.obj()} {c(ADVERBIALS)}.",
                        rng.uniform(0.3, 1),
                    )
                else:
                    add(
                        f"In a statement, {alias} {c(SAY)} that {prose.clause()}.",
                        rng.uniform(0.3, 1),
                    )
        for place in places:
            add(f"{c(SUBJECTS)} gathered in {place.name} {c(ADVERBIALS)}.", rng.random())
            for alias in place.aliases:
                add(
                    f"The {c(NOUNS)} would also apply to {alias}, {c(SUBJECTS).lower()} {c(SAY)}.",
                    rng.random(),
                )
        for topic in topics:
            for alias in topic.aliases:
                add(f"The dispute has revived debate over {alias} {c(ADVERBIALS)}.", rng.random())

        # quotes
        for number in range(rng.randint(7, 9)):
            speaker = c(speakers)
            ref = speaker.name if number < 2 else speaker.ref
            ann = {"speaker": speaker.id}
            kind = rng.random()
            if kind < 0.6:
                words = prose.quote()
                ann["text"] = words
                if rng.random() < 0.3:
                    ann["context"] = "Interviewed for the article."
                add(f"“{words},” said {ref}, {c(ROLES)}.", rng.random(), (1, ann))
            elif kind < 0.85:
                words = f"{c(ADJS)} and {c(ADJS)}"
                ann.update(text=words, kind="partial")
                head = f"{ref} called the {c(NOUNS)} “"
                add(f"{head}{words}” {c(ADVERBIALS)}.", rng.random(), (len(head), ann))
            else:
                words = f"{c(ADJS)} {c(NOUNS)}"
                ann = {
                    "text": words,
                    "kind": "term",
                    "note": "Scare quotes: the article's own words, not a quotation.",
                }
                head = "Officials prefer to speak of the “"
                add(f"{head}{words}” rather than a {c(NOUNS)}.", rng.random(), (len(head), ann))

        # dates: the shared events, then relative ones
        for event in cited:
            prep, words, date = date_expression(rng, event.start, event.end)
            place = self.place_by_id[event.place]
            ann = {"text": words, "date": date, "event": event.id}
            r = rng.randrange(3)
            if r == 0:
                head = f"{c(SUBJECTS)} met in {place.name} {prep} "
                tail = f", where the {c(NOUNS)} was {c(VPAST)}."
            elif r == 1:
                head = f"Since the {event.title} {prep} "
                tail = f", {c(SUBJECTS).lower()} have {c(VPAST)} the {c(NOUNS)}."
            else:
                head = f"The {c(NOUNS)} dates back to the {event.title} {prep} "
                tail = "."
            add(head + words + tail, rng.random(), (len(head), ann))
        weekday = published - dt.timedelta(days=rng.randint(0, 6))
        if rng.random() < 0.7:
            ref = c(speakers).ref
            head = f"{ref} told reporters "
            day = WEEKDAYS[weekday.weekday()]
            add(
                f"{head}{day} that {prose.clause()}.",
                rng.uniform(0.5, 1),
                (len(head), {"text": day, "date": weekday.isoformat(), "relative": True}),
            )
        if rng.random() < 0.7:
            year = published.year if published.month > 2 else published.year - 1
            head = f"The {c(NOUNS)} was first {c(VPAST)} "
            add(
                f"{head}last February, {c(ADVERBIALS)}.",
                rng.random(),
                (len(head), {"text": "last February", "date": f"{year}-02", "relative": True}),
            )
        if rng.random() < 0.5:
            year = cited[0].start.year
            head = f"The {c(PLURALS)} had been {c(STATES)} since "
            add(
                f"{head}late {year - 1}, {c(SUBJECTS).lower()} {c(SAY)}.",
                rng.random(),
                (
                    len(head),
                    {"text": f"late {year - 1}", "date": f"{year - 1}-late", "approximate": True},
                ),
            )

        # descriptive mentions the aliases do not catch
        for _ in range(rng.randint(4, 6)):
            actor = c(actors)
            words = c(DESCRIPTORS[actor.kind])
            add(
                f"{words[0].upper()}{words[1:]} has {c(VPAST)} {prose.obj()} {c(ADVERBIALS)}.",
                rng.uniform(0.4, 1),
                (0, {"text": words[0].upper() + words[1:], "actor": actor.id}),
            )
        place = c(places)
        head = f"Officials in {PLACE_PHRASES[place.kind]} "
        place_mention = {"text": PLACE_PHRASES[place.kind], "place": place.id}
        add(
            f"{head}{c(VPAST)} the {c(NOUNS)} {c(ADVERBIALS)}.",
            rng.uniform(0.3, 1),
            (len("Officials in "), place_mention),
        )
        topic = c(topics)
        topic_mention = {"text": topic.phrase, "topic": topic.id}
        head = "The fight over "
        add(
            f"{head}{topic.phrase} has intensified {c(ADVERBIALS)}.",
            rng.random(),
            (len(head), topic_mention),
        )

        # filler up to the word count
        target = rng.randint(800, 1470)
        words_so_far = sum(len(s.text.split()) for s in sentences)
        fillers = 0
        while words_so_far < target or fillers < 6:
            fillers += 1
            text = prose.filler()
            sentences.append(Sentence(text, rng.random(), plain=True))
            words_so_far += len(text.split())
        sentences.sort(key=lambda s: s.key)

        # notes on some filler sentences (the sentence without its full stop)
        plain = [s for s in sentences if s.plain]
        for sentence in rng.sample(plain, rng.randint(2, 4)):
            actor, event = c(actors), c(cited)
            other = slugs[rng.randrange(len(slugs))]
            body = (
                f"Background on the **{event.title}**: {c(SUBJECTS).lower()} {c(SAY)} that "
                f"{prose.clause()}.\n"
                f"See [{actor.name}](actor:{actor.id}), [the event](event:{event.id}) and "
                f"[a related article](article:{other}).\n"
            )
            sentence.annotations.append((0, {"text": sentence.text[:-1], "body": body}))

        # paragraphs of 3-6 sentences
        paragraphs: list[list[Sentence]] = []
        position = 0
        while position < len(sentences):
            size = rng.randint(3, 6)
            paragraphs.append(sentences[position : position + size])
            position += size

        topic0 = self.topics[index % len(self.topics)]
        headline = prose.headline(topic0, event_places[0])
        markdown = rng.random() < 0.2
        caption = None
        if not markdown:
            person = next(a for a in actors if a.kind == "person")
            photographer = f"{c(FIRST_NAMES)} {Names(rng).word(2)}"
            caption = (
                f"{person.name} speaks to reporters in {event_places[0].name}. "
                f"({photographer} {c(AGENCIES)})"
            )
        return self.assemble(
            index,
            headline,
            caption,
            paragraphs,
            published,
            markdown,
            actors,
            topics,
            places,
            place_mention,
            topic_mention,
        )

    def assemble(
        self,
        index,
        headline,
        caption,
        paragraphs,
        published,
        markdown,
        actors,  # type: ignore[no-untyped-def]
        topics,
        places,
        place_mention,
        topic_mention,
    ) -> dict:
        rng = self.rng
        blocks = [headline] + ([caption] if caption else [])
        anchors: list[tuple[int, int, dict]] = []  # (block, offset, fields)
        heading_at = rng.randint(2, max(2, len(paragraphs) - 2)) if markdown else -1
        body_blocks: list[str] = []
        for number, paragraph in enumerate(paragraphs):
            if number == heading_at:
                blocks.append("Background")
                body_blocks.append("## Background")
            offset = 0
            texts = []
            for sentence in paragraph:
                for at, fields in sentence.annotations:
                    anchors.append((len(blocks), offset + at, fields))
                texts.append(sentence.text)
                offset += len(sentence.text) + 1
            blocks.append(" ".join(texts))
            body_blocks.append(blocks[-1])
        # the text annotations anchor to, normalised as annotarium normalises it
        starts, total = [], 0
        for block in blocks:
            starts.append(total)
            total += len(block) + 1
        normal = " ".join(blocks).translate(QUOTES)
        for block_no, offset, fields in anchors:
            exact = " ".join(fields["text"].translate(QUOTES).split())
            mine = starts[block_no] + offset
            hits, at = [], normal.find(exact)
            while at != -1:
                hits.append(at)
                at = normal.find(exact, at + 1)
            if mine not in hits:
                raise AssertionError(f"generator bug: {exact!r} not at its place")
            if len(hits) > 1:
                fields["occurrence"] = hits.index(mine) + 1
        return {
            "index": index,
            "headline": headline,
            "caption": caption,
            "body": body_blocks,
            "markdown": markdown,
            "published": published,
            "actors": actors,
            "topics": topics,
            "places": places,
            "anchors": anchors,
            "place_mention": place_mention,
            "topic_mention": topic_mention,
            "words": sum(len(b.split()) for b in body_blocks),
        }


# --- writing ------------------------------------------------------------------------------


def write_registries(root: Path, actors, places, topics, events) -> None:  # type: ignore[no-untyped-def]
    content = root / "content"
    lines = ["# Synthetic actors, most popular first.", ""]
    for a in actors:
        lines += [
            f"{a.id}:",
            f"  name: {ystr(a.name)}",
            f"  kind: {a.kind}",
            f"  description: {ystr(a.description)}",
        ]
        if a.aliases:
            lines.append(f"  aliases: [{', '.join(ystr(x) for x in a.aliases)}]")
        if a.affiliations:
            lines.append("  affiliations:")
            for target, role in a.affiliations:
                lines += [f"    - actor: {target}", f"      role: {role}"]
        lines.append("")
    (content / "actors.yaml").write_text("\n".join(lines), encoding="utf-8")

    lines = ["# Synthetic places.", ""]
    for p in places:
        lines += [
            f"{p.id}:",
            f"  name: {ystr(p.name)}",
            f"  kind: {p.kind}",
            f"  description: {ystr(p.description)}",
        ]
        if p.aliases:
            lines.append(f"  aliases: [{', '.join(ystr(x) for x in p.aliases)}]")
        lines.append("")
    (content / "places.yaml").write_text("\n".join(lines), encoding="utf-8")

    lines = ["# Synthetic topics.", ""]
    for t in topics:
        lines += [
            f"{t.id}:",
            f"  name: {ystr(t.name)}",
            f"  description: {ystr(t.description)}",
            f"  aliases: [{', '.join(ystr(x) for x in t.aliases)}]",
            "",
        ]
    (content / "topics.yaml").write_text("\n".join(lines), encoding="utf-8")

    lines = ["# Synthetic events, shared by the articles that cite them.", ""]
    for e in events:
        date = e.start.isoformat() if e.end == e.start else f"{e.start}/{e.end}"
        lines += [
            f"{e.id}:",
            f"  title: {ystr(e.title)}",
            f'  date: "{date}"',
            f"  actors: [{', '.join(e.actors)}]",
            f"  place: {e.place}",
            f"  topics: [{', '.join(e.topics)}]",
            f"  description: {ystr(e.description)}",
            "",
        ]
    (content / "events.yaml").write_text("\n".join(lines), encoding="utf-8")


SECTIONS = (("quotes", "speaker"), ("mentions", "actor"), ("dates", "date"), ("notes", "body"))
KEY_ORDER = (
    "text",
    "occurrence",
    "speaker",
    "kind",
    "actor",
    "date",
    "approximate",
    "relative",
    "event",
    "context",
    "note",
)


def section_of(fields: dict) -> str:
    if "body" in fields:
        return "notes"
    if "date" in fields:
        return "dates"
    if "speaker" in fields or fields.get("kind") == "term":
        return "quotes"
    if "actor" in fields:
        return "mentions"
    return "other"


def emit_item(fields: dict) -> list[str]:
    lines = []
    for key in KEY_ORDER:
        if key not in fields:
            continue
        value = fields[key]
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int):
            text = str(value)
        elif key in ("speaker", "actor", "event", "kind", "place", "topic"):
            text = value
        else:
            text = ystr(value)
        lines.append(f"{'  - ' if not lines else '    '}{key}: {text}")
    if "body" in fields:
        lines.append("    body: |")
        lines += [f"      {line}" for line in fields["body"].rstrip("\n").split("\n")]
    return lines


def write_article(root: Path, slug: str, art: dict, publication: tuple[str, str]) -> None:
    rng_summary = (
        f"{art['headline']}: how {art['actors'][0].name} and others argue over "
        f"{art['topics'][0].name.lower()}."
    )
    published = art["published"].isoformat()
    if art["markdown"]:
        seed = f"seeds/{slug}.md"
        front = [
            "---",
            f"title: {ystr(art['headline'])}",
            f"publication: {ystr(DOC_PUBLICATIONS[art['index'] % len(DOC_PUBLICATIONS)])}",
            f'published: "{published}"',
            "completeness: complete",
            "---",
            "",
        ]
        (root / seed).write_text(
            "\n".join(front) + "\n\n".join(art["body"]) + "\n", encoding="utf-8"
        )
        pub_name = DOC_PUBLICATIONS[art["index"] % len(DOC_PUBLICATIONS)]
    else:
        seed = f"seeds/{slug}.txt"
        name, tagline = publication
        parts = [f"{name}{tagline}", art["headline"], art["caption"], *art["body"]]
        (root / seed).write_text("\n\n".join(parts) + "\n", encoding="utf-8")
        pub_name = name
    lines = [
        f"text: {seed}",
        f'published: "{published}"',
        f"publication: {ystr(pub_name)}",
        f"summary: {ystr(rng_summary)}",
    ]
    if not art["markdown"]:
        lines += ["export:", "  masthead_lines: 1", "  caption: true"]
    lines.append("")
    lines.append(f"actors: [{', '.join(a.id for a in art['actors'])}]")
    lines.append("topics:")
    lines += [f"  - {t.id}" for t in art["topics"]]
    tm = art["topic_mention"]
    lines += (
        [f"  - text: {ystr(tm['text'])}"]
        + ([f"    occurrence: {tm['occurrence']}"] if "occurrence" in tm else [])
        + [f"    topic: {tm['topic']}"]
    )
    lines.append("places:")
    lines += [f"  - {p.id}" for p in art["places"]]
    pm = art["place_mention"]
    lines += (
        [f"  - text: {ystr(pm['text'])}"]
        + ([f"    occurrence: {pm['occurrence']}"] if "occurrence" in pm else [])
        + [f"    place: {pm['place']}"]
    )
    grouped: dict[str, list[dict]] = {name: [] for name, _ in SECTIONS}
    for _, _, fields in art["anchors"]:
        section = section_of(fields)
        if section in grouped:
            grouped[section].append(fields)
    for name, _ in SECTIONS:
        if grouped[name]:
            lines += ["", f"{name}:"]
            for fields in grouped[name]:
                lines += emit_item(fields)
    (root / "content" / "articles" / f"{slug}.yaml").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


HUGO_CONFIG = """baseURL = "https://example.org/"
title = "Synthetic Benchmark Archive"

[taxonomies]
  actor = "actors"
  topic = "topics"
  place = "places"
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/actors/" | relURL }}">Actors</a> <a href="{{ "/places/" | relURL }}">Places</a>
<a href="{{ "/topics/" | relURL }}">Topics</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p>
{{ range $taxonomy, $_ := site.Taxonomies }}{{ with $.GetTerms $taxonomy }}
<p>{{ $taxonomy }}: {{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ end }}{{ end }}
{{ .Content }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>
({{ .Count }})</li>{{ end }}</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ .Date.Format "2006-01-02" }} {{ .Summary | plainify | truncate 120 }}</li>{{ end }}</ul>
{{ end }}
""",
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range (where site.RegularPages "Section" "articles").ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}


def write_hugo(root: Path, slug: str, art: dict) -> None:
    front = [
        "---",
        f"title: {ystr(art['headline'])}",
        f"date: {art['published'].isoformat()}",
        f"actors: [{', '.join(a.id for a in art['actors'])}]",
        f"topics: [{', '.join(t.id for t in art['topics'])}]",
        f"places: [{', '.join(p.id for p in art['places'])}]",
        "---",
        "",
    ]
    body = ([f"*{art['caption']}*"] if art["caption"] else []) + art["body"]
    (root / "content" / "articles" / f"{slug}.md").write_text(
        "\n".join(front) + "\n\n".join(body) + "\n", encoding="utf-8"
    )


def prepare(path: Path, marker: str) -> None:
    """Empty ``path`` (only if it is one this script made, or empty) and create it."""
    if path.exists():
        if any(path.iterdir()) and not (path / marker).exists():
            sys.exit(f"generate.py: {path} is not empty and was not made by this script")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    (path / marker).write_text("made by benchmarks/generate.py\n")


def generate(articles: int, out: Path, seed: int = 1, hugo: Path | None = None) -> dict:
    rng = random.Random(seed)
    names = Names(rng)
    places = make_places(rng, names)
    topics = make_topics()
    actors = make_actors(rng, names, places)
    events = make_events(rng, max(4, articles // 4), actors, places, topics)

    prepare(out, ".benchmark-archive")
    (out / "content" / "articles").mkdir(parents=True)
    (out / "seeds").mkdir()
    (out / "annotarium.yaml").write_text(
        f"title: Synthetic Benchmark Archive\n"
        f"description: {articles} generated articles for benchmarking (seed {seed}).\n"
        f'base_url: ""\nlanguage: en\n',
        encoding="utf-8",
    )
    write_registries(out, actors, places, topics, events)
    if hugo is not None:
        prepare(hugo, ".benchmark-hugo")
        (hugo / "content" / "articles").mkdir(parents=True)
        (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        # Hugo >= 0.146 layout names, at the top of layouts/: in 0.168 the old
        # layouts/_default/ lookup renders term pages with taxonomy.html.
        (hugo / "layouts").mkdir()
        for name, text in HUGO_LAYOUTS.items():
            (hugo / "layouts" / name).write_text(text, encoding="utf-8")

        for taxonomy, entries in (("actors", actors), ("places", places), ("topics", topics)):
            for entry in entries:
                term = hugo / "content" / taxonomy / entry.id
                term.mkdir(parents=True)
                (term / "_index.md").write_text(
                    f"---\ntitle: {ystr(entry.name)}\n---\n{entry.description}\n",
                    encoding="utf-8",
                )
    maker = ArticleMaker(rng, actors, places, topics, events)
    slugs = []
    for index in range(articles):
        slugs.append(f"{slugify(' '.join(rng.sample(NOUNS, 2)))}-{index + 1:05d}")
    words = annotations = 0
    for index, slug in enumerate(slugs):
        art = maker.make(index, slugs)
        write_article(out, slug, art, PUBLICATIONS[index % len(PUBLICATIONS)])
        if hugo is not None:
            write_hugo(hugo, slug, art)
        words += art["words"]
        annotations += len(art["anchors"])
    return {
        "articles": articles,
        "words": words,
        "annotations": annotations,
        "actors": len(actors),
        "places": len(places),
        "topics": len(topics),
        "events": len(events),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, metavar="N")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--hugo",
        type=Path,
        metavar="HUGODIR",
        help="also write the same articles as a Hugo site here",
    )
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    stats = generate(args.articles, args.out, args.seed, args.hugo)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
