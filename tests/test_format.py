"""The annotation format: every field of every file reaches the model as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from annotarium.diagnostics import Diagnostics
from annotarium.load import load
from annotarium.model import DateRef, Mention, Note, Quote
from conftest import write_archive

FILES = {
    "annotarium.yaml": """
        title: Format archive
        description: Every field.
        base_url: https://example.org/archive
        language: en-GB
    """,
    "seeds/a.md": """
        ---
        title: Front-matter title
        publication: The Front Matter
        published: 2019-03-01
        provenance: Copied by hand.
        rights: Public domain.
        completeness: excerpt
        ---
        Kim met Trump in Hanoi. “It was good,” Kim said. The talks, “productive,” ended.
        The Kim family ruled on, and the Kim family regime endured.
    """,
    "content/actors.yaml": """
        kim:
          name: Kim Jong Un
          kind: person
          description: Leader of North Korea.
          source: the article
          aliases: [Kim]
          affiliations:
            - dprk
            - actor: kim-family
              role: head
          wikidata: Q56226
        dprk:
          name: North Korea
          kind: government
          description: The government.
        kim-family:
          name: The Kim family
          kind: organisation
          description: The ruling family.
        trump:
          name: Donald Trump
          kind: person
          description: U.S. president.
          aliases: [Trump]
    """,
    "content/places.yaml": """
        hanoi:
          name: Hanoi
          kind: city
          description: Capital of Vietnam.
          aliases: [Ha Noi]
          wikidata: Q1858
    """,
    "content/topics.yaml": """
        talks:
          name: Talks
          description: Negotiations.
          aliases: [talks]
    """,
    "content/events.yaml": """
        hanoi-summit:
          title: Hanoi summit
          date: 2019-02-27/2019-02-28
          approximate: false
          actors: [kim, trump]
          place: hanoi
          topics: [talks]
          description: The second summit.
    """,
    "content/articles/a.yaml": """
        text: seeds/a.md
        title: Overridden title
        publication: The Override
        published:
          date: 2019-03-02
          inferred: true
          reasoning: From the text.
        authors: [A. Writer, B. Writer]
        url: https://example.org/a
        summary: A summary.
        language: en
        completeness: truncated
        actors: [kim, trump, dprk, kim-family]
        places:
          - hanoi
        topics:
          - talks
          - text: ended
            topic: talks
            draft: true
        quotes:
          - text: It was good,
            speaker: kim
            id: good
            kind: direct
            context: After the summit.
            note: Said *warmly*.
          - text: productive,
            kind: term
        mentions:
          - text: The Kim family
            actor: kim-family
            occurrence: 1
        dates:
          - text: Hanoi
            date: 2019-02
            approximate: true
            relative: false
            event: hanoi-summit
            note: The month only.
            prefix: Trump in
        notes:
          - text: Kim family regime
            id: regime
            suffix: endured
            body: See [the summit](event:hanoi-summit).
    """,
}


def test_every_field_reaches_the_model(tmp_path: Path) -> None:
    root = write_archive(tmp_path, FILES)
    diags = Diagnostics()
    archive = load(root, diags)
    assert not diags.errors, [d.format() for d in diags]

    config = archive.config
    assert (config.title, config.description, config.base_url, config.language) == (
        "Format archive", "Every field.", "https://example.org/archive/", "en-GB")

    kim = archive.actors["kim"]
    assert (kim.name, kim.kind, kim.source, kim.aliases, kim.wikidata) == (
        "Kim Jong Un", "person", "the article", ("Kim",), "Q56226")
    assert [(a.actor, a.role) for a in kim.affiliations] == [("dprk", None),
                                                            ("kim-family", "head")]
    hanoi = archive.places["hanoi"]
    assert (hanoi.kind, hanoi.aliases, hanoi.wikidata) == ("city", ("Ha Noi",), "Q1858")
    assert archive.topics["talks"].aliases == ("talks",)
    event = archive.events["hanoi-summit"]
    assert event.date is not None and event.date.precision == "range"
    assert (event.actors, event.place, event.topics) == (("kim", "trump"), "hanoi", ("talks",))

    [article] = archive.articles
    meta = article.meta
    assert meta.title == "Overridden title" and meta.publication == "The Override"
    assert meta.published is not None and meta.published.date == dt.date(2019, 3, 2)
    assert meta.published.inferred and meta.published.reasoning == "From the text."
    assert meta.authors == ("A. Writer", "B. Writer") and meta.url == "https://example.org/a"
    assert (meta.summary, meta.language, meta.completeness) == ("A summary.", "en", "truncated")
    assert (meta.provenance, meta.rights) == ("Copied by hand.", "Public domain.")
    assert meta.actors == ("kim", "trump", "dprk", "kim-family")
    assert meta.places == ("hanoi",) and meta.topics == ("talks",)

    by_id = {a.id: a for a in article.annotations}
    good = by_id["good"]
    assert isinstance(good, Quote)
    assert (good.speaker, good.quote_kind, good.context, good.note) == (
        "kim", "direct", "After the summit.", "Said *warmly*.")
    term = next(a for a in article.annotations if isinstance(a, Quote) and a.id != "good")
    assert term.quote_kind == "term" and term.speaker is None and term.id == "quote-productive"
    family = next(a for a in article.annotations if isinstance(a, Mention)
                  and a.entity == "actor")
    assert (family.ref, family.selector.occurrence) == ("kim-family", 1)
    topic = next(a for a in article.annotations if isinstance(a, Mention)
                 and a.entity == "topic")
    assert topic.ref == "talks" and topic.draft
    date = next(a for a in article.annotations if isinstance(a, DateRef))
    assert date.date is not None and date.date.approximate and date.date.precision == "month"
    assert (date.event, date.relative, date.note, date.selector.prefix) == (
        "hanoi-summit", False, "The month only.", "Trump in")
    note = by_id["regime"]
    assert isinstance(note, Note) and note.selector.suffix == "endured"
    assert note.body == "See [the summit](event:hanoi-summit)."


def test_every_annotation_anchors_where_the_fields_say(tmp_path: Path) -> None:
    from annotarium.anchor import anchor

    root = write_archive(tmp_path, FILES)
    diags = Diagnostics()
    anchored = anchor(load(root, diags), diags)
    assert not diags.errors, [d.format() for d in diags]
    article = anchored.articles[0]
    text = article.article.text.text
    spans = {s.annotation.id: text[s.start:s.end] for s in article.spans}
    assert spans["good"] == "It was good,"
    assert spans["regime"] == "Kim family regime"
    date = next(s for s in article.spans if s.annotation.kind == "event")
    assert text[date.start - len("Trump in "):date.start] == "Trump in "
