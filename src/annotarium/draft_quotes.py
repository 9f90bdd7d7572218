"""Drafting quotes for ``annotarium new``: every passage in quotation marks, its
kind (a full quote, a quoted phrase, or scare quotes around a term) and its
speaker, read from the attribution around it.

The rules are newsroom conventions, not a parser: "..., said Evans Revere, a
former official", "..." Trump told reporters, "according to X", "said X, who
...", a phrase quoted from "a tweet" or "a half-page document", the speaker of
the quote before in the same paragraph, or the person named in the sentence.
Each quote keeps the words the text uses for its speaker (``phrase``), the
name to file it under and the description the text gives, so that
:mod:`annotarium.draft_new` can resolve it to a known actor or propose a new one.
Everything here is a draft for an analyst to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotarium.dates import MONTH_NAMES

# an opening mark and the closing marks that end it
_OPEN = {"“": "”", '"': '"', "‘": "’", "'": "'", "«": "»"}
_SPEECH = (
    r"said|says|say|told|tells|added|adds|noted|notes|wrote|writes|argued|argues|warned|warns|"
    r"explained|explains|stated|states|declared|declares|insisted|insists|asked|asks|"
    r"replied|replies|recalled|recalls|remarked|observed|observes|cautioned|cautions|"
    r"acknowledged|acknowledges|conceded|concedes|countered|counters|continued|"
    r"predicted|predicts|suggested|suggests|contended|contends|maintained|maintains|"
    r"urged|urges|demanded|demands|vowed|vows|pledged|pledges|announced|announces"
)
_NAME_WORD = r"(?:[A-Z][a-z]*[A-Z]?[a-z’'-]+|[A-Z]\.|[A-Z]{2,}(?![a-z]))"
_NAME = (
    rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|bin|al-\w+)"
    rf"|\s+(?:of|for|of the)\s+(?={_NAME_WORD}){_NAME_WORD})*"
)
_TITLES = {
    "President",
    "Vice",
    "Secretary",
    "Sen.",
    "Senator",
    "Rep.",
    "Representative",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "Professor",
    "Gen.",
    "General",
    "Adm.",
    "Admiral",
    "Prime",
    "Minister",
    "Foreign",
    "Defense",
    "Defence",
    "Chairman",
    "Chancellor",
    "Gov.",
    "Governor",
    "Ambassador",
    "Lord",
    "Lady",
    "Sir",
    "Dame",
    "Former",
    "Then-President",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Prof",
    "State",
    "Leader",
    "Analyst",
    "Expert",
    "Economist",
    "Researcher",
    "Reporter",
    "Correspondent",
    "Historian",
    "Diplomat",
    "Lawmaker",
    "Chief",
    "Deputy",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
}
_NOT_NAMES = {
    "The",
    "A",
    "An",
    "But",
    "And",
    "Or",
    "If",
    "In",
    "On",
    "At",
    "As",
    "For",
    "So",
    "Now",
    "Then",
    "When",
    "While",
    "After",
    "Before",
    "Despite",
    "Although",
    "Though",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "Its",
    "Many",
    "Some",
    "Other",
    "Analysts",
    "Officials",
    "Aides",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    *MONTH_NAMES,
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
}
_DOCUMENT_NOUN = (
    r"tweet|post|statement|declaration|communiqué|communique|agreement|document|letter|"
    r"report|resolution|treaty|memo|memorandum|editorial|commentary|speech|address|"
    r"announcement|press release|dispatch|pledge"
)
_DOCUMENT = re.compile(
    rf"\b(?:(?:a|an|the|its|his|her|their)\s+)(?:[\w’'-]+\s+){{0,3}}?(?:{_DOCUMENT_NOUN})\b",
    re.IGNORECASE,
)
_IN_DOCUMENT = re.compile(
    rf"\b(?:in|by)\s+((?:a|an|the|its|his|her|their)\s+(?:[\w’'-]+\s+){{0,3}}?"
    rf"(?:{_DOCUMENT_NOUN}))\b",
    re.IGNORECASE,
)
_TERM_CUE = re.compile(
    r"(?:so-called|the term|the word|the phrase|definition of|defined as|called|dubbed|"
    r"known as|branded|labelled|labeled)\s*$",
    re.IGNORECASE,
)
_AUX = r"(?:\s+(?:has|have|had|also|previously|repeatedly|once|later|then|earlier|again))*"
_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\b[A-Z][a-z])(?<!\bSt)(?<!\bNo)[.?!][”’\"')]*\s+(?=[“‘\"'A-Z])"
)


@dataclass(frozen=True)
class Speaker:
    """Who the text says is speaking: its words for them, a name, a description."""

    phrase: str  # the words in the text ("Pak", "a Democratic Senate foreign policy aide")
    name: str  # what to call a new actor ("Jung Pak", "Democratic Senate foreign policy aide")
    kind: str  # person | anonymous | document | organisation
    description: str | None = None


@dataclass(frozen=True)
class DraftQuote:
    text: str  # the words inside the marks, without a trailing comma
    start: int  # offsets of those words in the article text
    end: int
    kind: str  # direct | partial | term
    speaker: Speaker | None
    rule: str  # which rule found the speaker (for the analyst, and for tests)


def find_quotes(text: str, blocks: list[tuple[int, int]]) -> list[DraftQuote]:
    """Every quoted passage in the given blocks (start, end offsets of ``text``)."""
    found: list[DraftQuote] = []
    names = person_names(text)
    last_block = ""
    for block_start, block_end in blocks:
        paragraph = text[block_start:block_end]
        earlier_block, last_block = last_block, paragraph
        previous: Speaker | None = None
        for start, end, closed in _quoted_spans(paragraph):
            words_end = end
            while words_end > start and paragraph[words_end - 1] in ", ":
                words_end -= 1
            words = paragraph[start:words_end]
            if not words.strip() or (not closed and len(words.split()) < 3):
                continue
            kind = _kind(paragraph, start, words)
            speaker, rule = _attribute(paragraph, start, end, kind, previous, names, earlier_block)
            if kind == "partial" and speaker is None:
                kind = "term"
            if kind == "term":
                speaker, rule = None, "term"
            if kind != "direct" and words.endswith("."):  # US style: the period inside the mark
                words, words_end = words[:-1], words_end - 1
            if speaker is not None:
                previous = speaker
            found.append(
                DraftQuote(words, block_start + start, block_start + words_end, kind, speaker, rule)
            )
    return found


def _quoted_spans(paragraph: str) -> list[tuple[int, int, bool]]:
    """(start, end, closed) of the words inside each pair of quotation marks; an
    unclosed quote (one that continues in the next paragraph) runs to the end."""
    spans: list[tuple[int, int, bool]] = []
    index = 0
    length = len(paragraph)
    while index < length:
        char = paragraph[index]
        if char in _OPEN and _opens(paragraph, index):
            close = _closing(paragraph, index + 1, _OPEN[char])
            if close == -1:
                spans.append((index + 1, length, False))
                break
            spans.append((index + 1, close, True))
            index = close + 1
            continue
        index += 1
    return [s for s in spans if s[1] > s[0]]


def _opens(paragraph: str, index: int) -> bool:
    """Whether a mark at ``index`` opens a quote (an apostrophe in "it's" does not)."""
    char = paragraph[index]
    before = paragraph[index - 1] if index else " "
    after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
    if after.isspace():
        return False
    if char in "'’‘":
        return not before.isalnum() and (after.isalnum() or after in '“"')
    if char == '"':
        return not before.isalnum()
    return True


def _closing(paragraph: str, start: int, mark: str) -> int:
    position = start
    while True:
        position = paragraph.find(mark, position)
        if position == -1:
            return -1
        after = paragraph[position + 1] if position + 1 < len(paragraph) else " "
        if mark in "'’" and after.isalpha():  # an apostrophe: don't, Korea's
            position += 1
            continue
        return position


def _kind(paragraph: str, start: int, words: str) -> str:
    before = paragraph[: start - 1].rstrip()
    count = len(words.split())
    if count <= 3 and _TERM_CUE.search(before):
        return "term"
    starts_clause = (
        not before or before[-1] in ".:?!" or (before[-1] == "," and words[:1].isupper())
    )
    if starts_clause and words[:1].isupper() and (count >= 4 or words.rstrip()[-1:] in ".?!"):
        return "direct"  # a sentence of its own, however short ("Everyone was.")
    return "partial"


def person_names(text: str) -> dict[str, str]:
    """Surname → full name for the multi-word names in the text ("Pak" → "Jung Pak")."""
    full: dict[str, str] = {}
    for match in re.finditer(_NAME, text):
        name = _strip_titles(match.group())
        parts = name.split()
        if len(parts) >= 2:
            full.setdefault(parts[-1], name)
    for match in re.finditer(_NAME, text):  # Korean and Chinese names: the family name first
        name = _strip_titles(match.group())
        parts = name.split()
        if len(parts) == 3:
            full.setdefault(parts[0], name)
    return full


def _strip_titles(name: str) -> str:
    parts = name.split()
    while parts and (parts[0] in _TITLES or parts[0] in _NOT_NAMES):
        parts.pop(0)
    return " ".join(parts)


def _person(phrase: str, names: dict[str, str], description: str | None = None) -> Speaker | None:
    name = re.sub(r"[’']s$", "", _strip_titles(phrase))  # North Korea's media: North Korea
    if not name or name in _NOT_NAMES:
        return None
    full = names.get(name, name) if " " not in name else name
    return Speaker(name, full, "person", description)


def _sentence_bounds(paragraph: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a quote: from the last sentence end before the opening mark
    to the first one after the closing mark."""
    head = 0
    for match in _SENTENCE_END.finditer(paragraph, 0, max(0, start - 1)):
        head = match.end()
    tail_match = _SENTENCE_END.search(paragraph, min(len(paragraph), end + 1))
    tail = tail_match.start() + 1 if tail_match else len(paragraph)
    return head, tail


_AFTER_SAID_NAME = re.compile(rf"^[,\s]*(?:{_SPEECH})\s+(?P<name>{_NAME})(?P<rest>[^.?!]*)")
_AFTER_NAME_SAID = re.compile(rf"^[,\s]*(?P<name>{_NAME}){_AUX}\s+(?:{_SPEECH})\b")
_PRONOUN_SAID_AFTER = re.compile(rf"^[,\s]*(?:he|she|it|they){_AUX}\s+(?:{_SPEECH})\b")
_PRONOUN_SAID_BEFORE = re.compile(
    rf"\b(?:[Hh]e|[Ss]he|[Ii]t|[Tt]hey){_AUX}\s+(?:{_SPEECH})\b(?:\s+[\w’'-]+){{0,8}}?\s*[:,]?\s*$"
)
_SUBJECT_SAID = re.compile(
    rf"(?:(?P<name>{_NAME})|(?P<np>(?:\b(?:the|a|an|[Oo]ne)\s+|\b[A-Z][\w.]*[’']s\s+|\b[Aa]\s+[A-Z][\w.]+\s+)"
    rf"[\w’'.-]+(?:\s+[\w’'.-]+){{0,5}}?))(?:,[^,“”\"]{{3,120}},)?{_AUX}\s+(?:{_SPEECH})\b"
)
_AFTER_NP_SAID = re.compile(
    rf"^[,\s]*(?P<np>(?:a|an|the|one)\s+[^,.“”\"]{{3,80}}?)(?:,\s*(?P<who>who\s[^.]*?),)?"
    rf"\s+(?:{_SPEECH})\b"
)
_AFTER_SAID_NP = re.compile(
    rf"^[,\s]*(?:{_SPEECH})\s+(?P<np>(?:a|an|the|one)\s+[^,.“”\"]{{3,80}}?)(?=[,.]|$)"
)
_ACCORDING = re.compile(
    rf"(?i:according to)\s+(?P<name>{_NAME}|(?:a|an|the)\s+[^,.]{{3,60}}?)(?=[,.]|$)"
)
_BEFORE_NAME_SAID = re.compile(
    rf"(?P<name>{_NAME})(?:,[^,]{{3,120}},)?{_AUX}\s+(?:{_SPEECH})(?:\s+\w+){{0,4}}?\s*(?:that\s*)?[:,]?\s*$"
)
_WHAT_X_CALLS = re.compile(
    rf"\bwhat\s+(?:(?P<pronoun>he|she|it|they)|(?P<name>{_NAME}))\s+"
    rf"(?:calls?|called|describes?\s+as|described\s+as|dubs?|dubbed|terms?|termed)"
    rf"(?:\s+(?:the|a|an|its|his|her|their))?\s*$"
)
_WHICH_SAID = re.compile(
    rf"(?P<name>{_NAME}),\s+(?:which|who)(?:\s+\w+)?\s+(?:{_SPEECH})\s*(?:that\s*)?$"
)
_INTRODUCED = re.compile(r"^(?P<clause>[^:]{3,160}):\s*$")  # "Her conclusion is blunt:"
_POSSESSIVE = re.compile(r"^\s*(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\b")
_FROM_NAME = re.compile(
    rf"\b(?:warnings?|remarks?|words|threats?|promises?|comments?|claims?|vows?)\s+"
    rf"(?:from|by)\s+(?P<name>{_NAME})"
)


def _attribute(
    paragraph: str,
    start: int,
    end: int,
    kind: str,
    previous: Speaker | None,
    names: dict[str, str],
    earlier_block: str = "",
) -> tuple[Speaker | None, str]:
    """The speaker of the quote at paragraph[start:end], and the rule that found it."""
    head, tail = _sentence_bounds(paragraph, start, end)
    after = paragraph[end + 1 : tail]
    before = paragraph[head : max(head, start - 1)]
    after_close = re.sub(r"^[”’\"']+", "", after)
    pronoun = _PRONOUN_SAID_AFTER.match(after_close) or _PRONOUN_SAID_BEFORE.search(before)

    match = _AFTER_SAID_NAME.match(after_close)
    if match and _person(match["name"], names):
        rest = match["rest"].strip()
        description = _description(rest)
        return _person(match["name"], names, description), "said X"
    match = _AFTER_NAME_SAID.match(after_close)
    if match and _person(match["name"], names):
        return _person(match["name"], names), "X said"
    match = _AFTER_NP_SAID.match(after_close) or _AFTER_SAID_NP.match(after_close)
    if match:
        phrase = match["np"].strip()
        who = match.groupdict().get("who")
        return _anonymous(phrase, " ".join(who.split()) if who else None), "someone said"
    if pronoun:
        if previous is not None:
            return previous, "he said: the speaker before"
        found_speaker = _antecedent(
            earlier_block + "\n\n" + paragraph[: max(0, start - 1)],
            names,
            person=not re.search(r"\b(?:it|they)\b", pronoun.group(), re.IGNORECASE),
        )
        if found_speaker is not None:
            return found_speaker, "he said: the last one named"
    earlier = earlier_block + "\n\n" + paragraph[: max(0, start - 1)]
    match = _WHAT_X_CALLS.search(before)
    if match:
        if match["name"] and _person(match["name"], names):
            return _person(match["name"], names), "what X calls"
        found_speaker = previous or _antecedent(earlier, names)
        if match["pronoun"] and found_speaker is not None:
            return found_speaker, "what she calls"
    match = _WHICH_SAID.search(before)
    if match and _strip_titles(match["name"]):
        return _organisation_or_person(match["name"], names), "X, which said"
    match = _INTRODUCED.match(before)
    if match and not re.search(rf"\b(?:{_SPEECH})\b", match["clause"]):
        clause = match["clause"]
        named = [m for m in re.finditer(_NAME, clause) if _person(m.group(), names)]
        if named and (
            _strip_titles(named[0].group()).split()[-1] in names
            or " " in _strip_titles(named[0].group())
        ):
            return _person(named[0].group(), names), "X: “…”"
        if _POSSESSIVE.match(clause):
            found_speaker = previous or _antecedent(earlier, names)
            if found_speaker is not None:
                return found_speaker, "her conclusion: “…”"
    for part in (after_close, before):
        match = _ACCORDING.search(part)
        if match:
            found = match["name"]
            if found[:1].isupper() and _person(found, names):
                return _person(found, names), "according to X"
            return _anonymous(found), "according to X"
    match = _BEFORE_NAME_SAID.search(before)
    if match and _person(match["name"], names):
        return _person(match["name"], names), "X said:"
    subject = _last_subject(before, names)
    if subject is not None:
        return subject, "someone said:"
    if kind != "direct":
        match = _IN_DOCUMENT.search(before)
        if match:
            return _document(match.group(1)), "in a document"
        match = _DOCUMENT.search(before)
        if match and not re.search(rf"\b(?:{_SPEECH})\b", before[match.end() :]):
            return _document(match.group()), "a document"
        match = _FROM_NAME.search(before)
        if match and _person(match["name"], names):
            return _person(match["name"], names), "from X"
    match = _BEFORE_NAME_SAID.search(before)
    if match and _person(match["name"], names):
        return _person(match["name"], names), "X said:"
    if kind == "direct" and previous is not None:
        return previous, "same speaker as the quote before"
    if kind != "term":
        sentence = paragraph[head:tail]
        for match in re.finditer(_NAME, sentence):
            offset = match.start()
            if sentence[max(0, offset - 4) : offset].lower().endswith("the "):
                continue
            speaker = _person(match.group(), names)
            if offset == 0 and (speaker is None or speaker.name.split()[-1] not in names):
                continue  # a capital at the start of a sentence is not yet a name
            if speaker and (
                " " in speaker.name
                or _occurrences(paragraph, speaker.name) > 1
                or speaker.phrase in names
            ):
                return speaker, "named in the sentence"
    if kind == "direct" and previous is None:
        return None, "unattributed"
    return None, "no speaker"


_ORGANISATION = re.compile(
    r"\b(?:ministry|military|agency|office|department|council|committee|government|"
    r"chiefs|command|army|navy|embassy|commission|parliament|congress|party|media)\b",
    re.IGNORECASE,
)


def _subject(match: re.Match[str], names: dict[str, str]) -> Speaker | None:
    if match["name"]:
        return _person(match["name"], names)
    phrase = " ".join(match["np"].split())
    if phrase.split()[0].lower() in ("the", "a", "an") and len(phrase.split()) == 1:
        return None
    speaker = _anonymous(phrase)
    if _ORGANISATION.search(phrase):
        return Speaker(
            speaker.phrase,
            speaker.name[:1].upper() + speaker.name[1:],
            "organisation",
            speaker.description,
        )
    return speaker


def _organisation_or_person(phrase: str, names: dict[str, str]) -> Speaker | None:
    speaker = _person(phrase, names)
    if speaker is not None and _INSTITUTION.search(speaker.name):
        return Speaker(speaker.phrase, speaker.name, "organisation", speaker.description)
    return speaker


def _last_subject(before: str, names: dict[str, str]) -> Speaker | None:
    """The subject of the last verb of speech before a quote in its sentence."""
    found = None
    for match in _SUBJECT_SAID.finditer(before):
        found = match
    return _subject(found, names) if found is not None else None


_INSTITUTION = re.compile(
    r"\b(?:Group|Institute|Institution|Council|Foundation|Agency|Ministry|Committee|"
    r"Commission|Organi[sz]ation|Association|Center|Centre|Office|Department|Bank|"
    r"Fund|Union|Party|Service|News|University|Review|Times|Post|Endowment)\b"
)


def _antecedent(earlier: str, names: dict[str, str], person: bool = True) -> Speaker | None:
    """Who "she said" or "it said" refers to: the last one who said something, or the
    last person named (for he and she, not an institution), in this paragraph or the
    one before."""
    best: tuple[int, Speaker] | None = None
    for match in _SUBJECT_SAID.finditer(earlier):
        speaker = _subject(match, names)
        if speaker is not None:
            best = (match.start(), speaker)
    for match in re.finditer(_NAME, earlier):
        name = _strip_titles(match.group())
        if not name or (" " not in name and name not in names):
            continue
        if person and _INSTITUTION.search(name):
            continue
        if best is None or match.start() > best[0]:
            speaker = _person(match.group(), names)
            if speaker is not None:
                best = (match.start(), speaker)
    return best[1] if best else None


def _occurrences(text: str, word: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text))


def _description(rest: str) -> str | None:
    """The appositive after a name: ", a former official at ..." or ", who served as ..."."""
    rest = rest.strip().lstrip(",").strip()
    if not rest:
        return None
    if rest.lower().startswith("who "):
        rest = rest[4:]
        rest = rest[:1].upper() + rest[1:]
    rest = rest.rstrip(" ,;")
    if rest[:1].islower():
        rest = rest[:1].upper() + rest[1:]
    return rest + "." if rest and rest[-1] not in ".?!" else rest


def _anonymous(phrase: str, description: str | None = None) -> Speaker:
    phrase = " ".join(phrase.split())
    name = re.sub(r"^(?:a|an|the|one)\s+", "", phrase, flags=re.IGNORECASE)
    base = phrase[:1].upper() + phrase[1:]
    text = f"{base}, {description[:1].lower()}{description[1:]}" if description else base + "."
    return Speaker(phrase, name, "anonymous", text)


def _document(phrase: str) -> Speaker:
    phrase = " ".join(phrase.split())
    name = re.sub(r"^(?:a|an|the|its|his|her|their)\s+", "", phrase, flags=re.IGNORECASE)
    return Speaker(
        phrase, name[:1].upper() + name[1:], "document", f"The {name} the article quotes."
    )
