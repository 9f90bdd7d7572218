"""The bad-input corpus: broken archives, each with the message it must produce.

Every case starts from the small sample archive (``conftest.SAMPLE_FILES``),
replaces some files (``files``: path → text or bytes; None removes one) and may
change the archive further with ``setup`` (symlinks, pipes, huge files made at
test time, never committed). ``expect`` is what ``annotarium build`` must print
on stderr: ``"PATH:LINE: MESSAGE"`` (the line is the start of a
``path:line:col: error: message`` diagnostic), ``"PATH: MESSAGE"`` for a
problem with a whole file, or ``"annotarium: error: MESSAGE"`` for usage
errors. ``tests/test_bad_input.py`` runs every case.

A few cases are inputs the tool must *accept* (CRLF line endings, a BOM):
their exit code is 0.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import SAMPLE_FILES, SAMPLE_TEXT

ARTICLE = textwrap.dedent(str(SAMPLE_FILES["content/articles/planet.yaml"])).lstrip("\n")
ACTORS = textwrap.dedent(str(SAMPLE_FILES["content/actors.yaml"])).lstrip("\n")
A = "content/articles/planet.yaml"


@dataclass(frozen=True)
class Case:
    id: str
    expect: str
    files: dict[str, str | bytes | None] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    exit: int = 1
    args: tuple[str, ...] = ()  # extra arguments to 'annotarium build'
    inject: str | None = None  # a fault injected into the build process (see test_bad_input)
    needs_non_root: bool = False  # file permissions do not stop root


def article(old: str, new: str) -> dict[str, str | bytes | None]:
    assert old in ARTICLE, old
    return {A: ARTICLE.replace(old, new, 1)}


def article_plus(extra: str) -> dict[str, str | bytes | None]:
    return {A: ARTICLE + extra}


def topics(text: str | bytes) -> dict[str, str | bytes | None]:
    return {"content/topics.yaml": text}


# --- setups: what files cannot express ----------------------------------------------------


def _huge_article(root: Path) -> None:
    """A 50 MB article text, written sparsely-fast at test time (never committed)."""
    path = root / "seeds" / "planet.txt"
    block = (SAMPLE_TEXT + "\n").encode() * 64
    with path.open("wb") as handle:
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            handle.write(block)


def _symlink_seed_outside(root: Path) -> None:
    secret = root.parent / "secret.txt"
    secret.write_text(SAMPLE_TEXT, encoding="utf-8")
    (root / "seeds" / "planet.txt").unlink()
    (root / "seeds" / "planet.txt").symlink_to(secret)


def _symlink_registry_outside(root: Path) -> None:
    (root / "content" / "topics.yaml").unlink()
    (root / "content" / "topics.yaml").symlink_to("/etc/passwd")


def _symlink_article_outside(root: Path) -> None:
    outside = root.parent / "elsewhere.yaml"
    outside.write_text(ARTICLE, encoding="utf-8")
    (root / "content" / "articles" / "other.yaml").symlink_to(outside)


def _symlink_loop(root: Path) -> None:
    loop = root / "content" / "articles" / "loop.yaml"
    loop.symlink_to(loop)


def _fifo_seed(root: Path) -> None:
    (root / "seeds" / "planet.txt").unlink()
    os.mkfifo(root / "seeds" / "planet.txt")


def _fifo_registry(root: Path) -> None:
    (root / "content" / "topics.yaml").unlink()
    os.mkfifo(root / "content" / "topics.yaml")


def _directory_as_article(root: Path) -> None:
    (root / "content" / "articles" / "folder.yaml").mkdir()


def _unreadable(root: Path) -> None:
    (root / "content" / "places.yaml").chmod(0)


def _output_is_a_file(root: Path) -> None:
    (root.parent / "site.html").write_text("<p>not a folder</p>", encoding="utf-8")


def _output_holds_foreign_files(root: Path) -> None:
    (root.parent / "documents").mkdir()
    (root.parent / "documents" / "thesis.docx").write_text("precious", encoding="utf-8")


def _bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


CASES: list[Case] = [
    # --- malformed YAML ------------------------------------------------------------------
    Case(
        "yaml-bad-indent",
        "content/actors.yaml:5: invalid YAML",
        {
            "content/actors.yaml": "ana-lopez:\n  name: Ana Lopez\n  kind: person\n"
            "  description: x\n    aliases: [a]\n"
        },
    ),
    Case(
        "yaml-unclosed-quote",
        "content/topics.yaml:4: invalid YAML: found unexpected end of "
        "stream (while scanning a quoted scalar that starts on line 2)",
        topics('talks:\n  name: "Talks\n  description: x\n'),
    ),
    Case(
        "yaml-unclosed-bracket",
        "content/topics.yaml:4: invalid YAML",
        topics("talks:\n  name: Talks\n  aliases: [talks, negotiations\n"),
    ),
    Case(
        "yaml-colon-in-text",
        "content/topics.yaml:3: invalid YAML: mapping values are not allowed",
        topics("talks:\n  name: Talks\n  description: Note: talks resumed\n"),
    ),
    Case(
        "yaml-tab-indent",
        "content/topics.yaml:2: invalid YAML",
        topics("talks:\n\tname: Talks\n\tdescription: x\n"),
    ),
    Case(
        "yaml-two-documents",
        "content/topics.yaml:4: the file holds more than one YAML document",
        topics("talks:\n  name: Talks\n  description: x\n---\nother: 1\n"),
    ),
    Case(
        "yaml-nul-byte",
        "content/topics.yaml:2: the file contains the character U+0000",
        topics("talks:\n  name: Ta\x00lks\n  description: x\n"),
    ),
    Case(
        "yaml-escape-char",
        "content/topics.yaml:3: the file contains the character U+001B",
        topics("talks:\n  name: Talks\n  description: \x1b[31mred\n"),
    ),
    Case(
        "yaml-merge-key",
        "content/topics.yaml:4: YAML merge keys ('<<') are not supported",
        topics("base: &b\n  name: Talks\ntalks:\n  <<: *b\n  description: x\n"),
    ),
    Case(
        "yaml-list-as-key",
        "content/topics.yaml:1: a mapping key must be plain text",
        topics("? [a, b]\n: x\n"),
    ),
    Case(
        "yaml-unknown-alias",
        "content/topics.yaml:3: YAML: found undefined alias",
        topics("talks:\n  name: Talks\n  description: *nothing\n"),
    ),
    # --- duplicates ---------------------------------------------------------------------------
    Case(
        "duplicate-registry-id",
        "content/places.yaml:4: duplicate key 'geneva'",
        {
            "content/places.yaml": "geneva:\n  name: Geneva\n  description: x\n"
            "geneva:\n  name: G\n  description: y\n"
        },
    ),
    Case(
        "duplicate-field",
        "content/topics.yaml:4: duplicate key 'name'",
        topics("talks:\n  name: Talks\n  description: x\n  name: Talks again\n"),
    ),
    Case(
        "duplicate-section",
        "content/articles/planet.yaml:22: duplicate key 'quotes'",
        article_plus("quotes:\n  - text: resumed\n    kind: term\n"),
    ),
    Case(
        "duplicate-annotation-id",
        "content/articles/planet.yaml:12: duplicate id 'twice'",
        {
            A: ARTICLE.replace(
                "  - text: We are ready to listen.\n",
                "  - text: We are ready to listen.\n    id: twice\n",
            ).replace("  - text: will take time,\n", "  - text: will take time,\n    id: twice\n")
        },
    ),
    Case(
        "duplicate-across-files",
        "content/articles/planet-copy.yaml:1: article 'planet-copy' "
        "annotates the same text as article 'planet'",
        {"content/articles/planet-copy.yaml": ARTICLE},
    ),
    # --- wrong types ---------------------------------------------------------------------------
    Case(
        "type-list-for-text",
        "content/places.yaml:3: 'description' of place 'geneva' must be text, not a list",
        {"content/places.yaml": "geneva:\n  name: Geneva\n  description: [a, b]\n"},
    ),
    Case(
        "type-number-for-name",
        "content/topics.yaml:2: 'name' of topic 'talks' must be text",
        topics("talks:\n  name: 42\n  description: x\n"),
    ),
    Case(
        "type-text-for-list",
        "content/topics.yaml:4: 'aliases' of topic 'talks' must be a list",
        topics("talks:\n  name: Talks\n  description: x\n  aliases: talks\n"),
    ),
    Case(
        "type-quote-is-text",
        "content/articles/planet.yaml:7: item 1 of 'quotes' in article "
        "'planet' must be a mapping of keys, not text",
        article(
            "  - text: We are ready to talk,\n    speaker: ana-lopez\n",
            "  - We are ready to talk,\n",
        ),
    ),
    Case(
        "type-occurrence-word",
        "content/articles/planet.yaml:14: 'occurrence' of quote "
        "'will take time,' must be a whole number",
        article("    kind: partial\n", "    kind: partial\n    occurrence: two\n"),
    ),
    Case(
        "type-occurrence-zero",
        "content/articles/planet.yaml:14: 'occurrence' of quote "
        "'will take time,' must be a whole number from 1, not the number 0",
        article("    kind: partial\n", "    kind: partial\n    occurrence: 0\n"),
    ),
    Case(
        "type-bool",
        "content/articles/planet.yaml:17: 'relative' of date 'Tuesday' must be",
        article("relative: true", "relative: sometimes"),
    ),
    Case(
        "type-enum",
        "content/articles/planet.yaml:13: 'kind' of quote 'will take time,' must be "
        "one of direct, partial, term",
        article("kind: partial", "kind: paraphrase"),
    ),
    Case(
        "type-article-is-list",
        "content/articles/planet.yaml:1: article 'planet' must be a mapping of keys, not a list",
        {A: "- text: seeds/planet.txt\n"},
    ),
    Case(
        "type-registry-is-list",
        "content/places.yaml:1: places.yaml must map ids to places",
        {"content/places.yaml": "- geneva\n"},
    ),
    Case(
        "type-config-is-text",
        "annotarium.yaml:1: the site configuration must be a mapping",
        {"annotarium.yaml": "My archive\n"},
    ),
    Case(
        "type-config-title-list",
        "annotarium.yaml:1: 'title' of the site configuration must be text",
        {"annotarium.yaml": "title: [a, b]\n"},
    ),
    Case(
        "config-base-url",
        "annotarium.yaml:2: base_url 'javascript:alert(1)' is not an absolute http(s) URL",
        {"annotarium.yaml": "title: T\nbase_url: javascript:alert(1)\n"},
    ),
    Case(
        "config-base-url-breakout",
        "annotarium.yaml:2: base_url 'https://example.org/\"><script>alert(1)</script>/' is not",
        {
            "annotarium.yaml": "title: T\nbase_url: 'https://example.org/\"><script>alert(1)</script>/'\n"
        },
    ),
    Case(
        "option-base-url-breakout",
        "annotarium: error: --base-url 'https://x/\"onmouseover=\"alert(1)' is not",
        args=("--base-url", 'https://x/"onmouseover="alert(1)'),
        exit=2,
    ),
    # --- missing and unknown fields ----------------------------------------------------------
    Case(
        "missing-description",
        "content/topics.yaml:2: topic 'talks' is missing 'description'",
        topics("talks:\n  name: Talks\n"),
    ),
    Case(
        "missing-text",
        "content/articles/planet.yaml:1: article 'planet' is missing 'text'",
        article("text: seeds/planet.txt\n", ""),
    ),
    Case(
        "missing-note-body",
        "content/articles/planet.yaml:20: note 'resumed' is missing 'body'",
        article("    body: The talks had paused for a month.\n", ""),
    ),
    Case(
        "missing-speaker",
        "content/articles/planet.yaml:11: a quote needs a 'speaker'",
        article(
            "  - text: will take time,\n    speaker: ana-lopez\n", "  - text: will take time,\n"
        ),
    ),
    Case(
        "unknown-field",
        "content/topics.yaml:4: unknown key 'aliasses' in topic 'talks'",
        topics("talks:\n  name: Talks\n  description: x\n  aliasses: [t]\n"),
    ),
    Case(
        "unknown-section",
        "content/articles/planet.yaml:22: unknown key 'quote' in article",
        article_plus("quote:\n  - text: resumed\n"),
    ),
    Case(
        "unknown-config-key",
        "annotarium.yaml:2: unknown key 'titel'",
        {"annotarium.yaml": "title: T\ntitel: T\n"},
    ),
    # --- unknown references --------------------------------------------------------------------
    Case(
        "unknown-speaker",
        "content/articles/planet.yaml:12: unknown speaker 'ana-lopes'",
        article("speaker: ana-lopez\n    kind", "speaker: ana-lopes\n    kind"),
    ),
    Case(
        "unknown-event",
        "content/articles/planet.yaml:18: unknown event 'talk-resume'",
        article("event: talks-resume", "event: talk-resume"),
    ),
    Case(
        "unknown-listed-actor",
        "content/articles/planet.yaml:3: unknown actor 'ruritanya'",
        article("actors: [ana-lopez, ruritania]", "actors: [ana-lopez, ruritanya]"),
    ),
    Case(
        "unknown-affiliation",
        "content/actors.yaml:7: unknown actor 'ruritanai'",
        {"content/actors.yaml": ACTORS.replace("- actor: ruritania", "- actor: ruritanai")},
    ),
    Case(
        "unknown-note-link",
        "content/articles/planet.yaml:22: a link in the note points at an "
        "unknown actor 'ana-lopes'",
        article_plus("  - text: officials said\n    body: See [her](actor:ana-lopes).\n"),
    ),
    Case(
        "unknown-cited-article",
        "content/articles/planet.yaml:14: 'cites' names an unknown article 'no-such-article'",
        article("    kind: partial\n", "    kind: partial\n    cites: no-such-article\n"),
    ),
    Case(
        "missing-text-file",
        "content/articles/planet.yaml:1: the article text 'seeds/plant.txt' does not exist",
        article("text: seeds/planet.txt", "text: seeds/plant.txt"),
    ),
    # --- quotes not found or ambiguous --------------------------------------------------------
    Case(
        "quote-not-found",
        "content/articles/planet.yaml:11: quote 'will take tiem,' not found",
        article("text: will take time,", "text: will take tiem,"),
    ),
    Case(
        "quote-ambiguous",
        "content/articles/planet.yaml:23: mention 'We are ready to' is "
        "ambiguous: it occurs 2 times",
        article_plus("mentions:\n  - text: We are ready to\n    actor: ana-lopez\n"),
    ),
    Case(
        "quote-no-such-occurrence",
        "content/articles/planet.yaml:11: quote 'will take time,' "
        "occurs 1 time(s); there is no occurrence 3",
        article("    kind: partial\n", "    kind: partial\n    occurrence: 3\n"),
    ),
    Case(
        "quote-prefix-mismatch",
        "content/articles/planet.yaml:23: mention 'We are ready to' "
        "occurs 2 time(s), but never with this prefix",
        article_plus(
            "mentions:\n  - text: We are ready to\n    prefix: nobody said\n    actor: ana-lopez\n"
        ),
    ),
    Case(
        "quote-empty",
        "content/articles/planet.yaml:11: 'text' of quote 3 must not be empty",
        article("  - text: will take time,\n", "  - text: ''\n"),
    ),
    # --- dates ----------------------------------------------------------------------------------
    Case(
        "date-feb-30",
        "content/events.yaml:3: '2019-02-30' is not a real day",
        {"content/events.yaml": "talks-resume:\n  title: T\n  date: 2019-02-30\n"},
    ),
    Case(
        "date-range-backwards",
        "content/events.yaml:3: the range '2024-05/2024-03' ends before it starts",
        {"content/events.yaml": "talks-resume:\n  title: T\n  date: 2024-05/2024-03\n"},
    ),
    Case(
        "date-month-13",
        "content/events.yaml:3: '2019-13' has no month 13",
        {"content/events.yaml": "talks-resume:\n  title: T\n  date: 2019-13\n"},
    ),
    Case(
        "date-published-feb-30",
        "content/articles/planet.yaml:2: the publication date '2019-02-30' is not a day",
        article("published: 2024-03-07", "published: 2019-02-30"),
    ),
    Case(
        "date-weekday",
        "content/articles/planet.yaml:16: 'Tuesday' is resolved to 2024-03-06, "
        "which is a Wednesday",
        article("date: 2024-03-05", "date: 2024-03-06"),
    ),
    # --- ids -----------------------------------------------------------------------------------
    Case(
        "id-slash",
        "content/topics.yaml:1: 'a/b' is not a valid id",
        topics("a/b:\n  name: Talks\n  description: x\n"),
    ),
    Case(
        "id-dotdot",
        "content/topics.yaml:1: '..' is not a valid id",
        topics("..:\n  name: Talks\n  description: x\n"),
    ),
    Case(
        "id-space",
        "content/topics.yaml:1: 'peace talks' is not a valid id",
        topics("peace talks:\n  name: Talks\n  description: x\n"),
    ),
    Case(
        "id-uppercase",
        "content/actors.yaml:9: 'Ruritania' is not a valid id",
        {"content/actors.yaml": ACTORS.replace("ruritania:\n", "Ruritania:\n")},
    ),
    Case(
        "id-trailing-newline",
        "content/topics.yaml:1: 'talks",  # the message goes on: '\n' is not a valid id
        topics('"talks\\n":\n  name: Talks\n  description: x\n'),
    ),
    Case(
        "id-cyrillic-lookalike",
        "content/topics.yaml:1: 'tаlks' is not a valid id",
        topics("tаlks:\n  name: Talks\n  description: x\n"),
    ),  # U+0430
    Case(
        "id-fullwidth",
        "content/articles/planet.yaml:21: 'id' of note 'resumed' 'ｎｏｔｅ' is not a valid id",
        article("  - text: resumed\n", "  - text: resumed\n    id: ｎｏｔｅ\n"),
    ),
    Case(
        "id-path-in-annotation",
        "content/articles/planet.yaml:21: 'id' of note 'resumed' '../../etc' is not a valid id",
        article("  - text: resumed\n", "  - text: resumed\n    id: ../../etc\n"),
    ),
    Case(
        "id-reserved",
        "content/articles/planet.yaml:20: the id 'main' is reserved",
        article("  - text: resumed\n", "  - text: resumed\n    id: main\n"),
    ),
    Case(
        "slug-uppercase-file",
        "content/articles/Planet.yaml: the file name must be the article's slug",
        {A: None, "content/articles/Planet.yaml": ARTICLE},
    ),
    Case(
        "slug-space-in-file",
        "content/articles/my planet.yaml: the file name must be the article's slug",
        {A: None, "content/articles/my planet.yaml": ARTICLE},
    ),
    Case(
        "slug-yml",
        "content/articles/planet.yml: annotation files end in .yaml",
        {A: None, "content/articles/planet.yml": ARTICLE},
    ),
    # --- empty files, encodings, line endings ------------------------------------------------
    Case("empty-article", "content/articles/planet.yaml:1: the annotation file is empty", {A: ""}),
    Case(
        "comments-only-article",
        "content/articles/planet.yaml:1: the annotation file is empty",
        {A: "# to do\n\n"},
    ),
    Case(
        "bom-only-article",
        "content/articles/planet.yaml:1: the annotation file is empty",
        {A: b"\xef\xbb\xbf"},
    ),
    Case(
        "bom-only-registry",
        "content/articles/planet.yaml:8: unknown speaker 'ana-lopez'",
        {"content/actors.yaml": b"\xef\xbb\xbf"},
    ),
    Case(
        "not-utf8-registry",
        "content/actors.yaml:2: the file is not valid UTF-8 (byte 0xf3)",
        {"content/actors.yaml": b"ana-lopez:\n  name: Ana L\xf3pez\n"},
    ),
    Case(
        "not-utf8-seed",
        "seeds/planet.txt:3: the file is not valid UTF-8 (byte 0xff)",
        {"seeds/planet.txt": b"Headline\n\nA line \xff\xfe here\n"},
    ),
    Case(
        "utf16-file",
        "content/topics.yaml:1: the file is not valid UTF-8 (byte 0xff)",
        topics("talks:\n  name: Talks\n  description: x\n".encode("utf-16")),
    ),
    Case(
        "crlf-error-line",
        "content/articles/planet.yaml:12: unknown speaker 'ana-lopes'",
        {
            A: ARTICLE.replace("speaker: ana-lopez\n    kind", "speaker: ana-lopes\n    kind")
            .replace("\n", "\r\n")
            .encode()
        },
    ),
    Case(
        "mixed-line-endings-error-line",
        "content/articles/planet.yaml:18: unknown event 'x'",
        {A: ARTICLE.replace("event: talks-resume", "event: x").replace("\n", "\r\n", 7).encode()},
    ),
    Case(
        "crlf-accepted",
        "",
        {
            A: ARTICLE.replace("\n", "\r\n").encode(),
            "seeds/planet.txt": SAMPLE_TEXT.replace("\n", "\r\n").encode(),
        },
        exit=0,
    ),
    Case(
        "mixed-endings-accepted",
        "",
        {"seeds/planet.txt": SAMPLE_TEXT.replace("\n", "\r\n", 6).encode()},
        exit=0,
    ),
    Case(
        "bom-accepted",
        "",
        {
            A: b"\xef\xbb\xbf" + ARTICLE.encode(),
            "seeds/planet.txt": b"\xef\xbb\xbf" + SAMPLE_TEXT.encode(),
        },
        exit=0,
    ),
    # --- size, depth and expansion ---------------------------------------------------------
    Case(
        "huge-article-50mb",
        "seeds/planet.txt: the file is 52 MB; at most 20 MB is read",
        setup=_huge_article,
    ),
    Case(
        "deep-flow-nesting",
        "content/topics.yaml:1: YAML is nested more than 64 levels deep",
        topics("talks: " + "[" * 10_000 + "]" * 10_000 + "\n"),
    ),
    Case(
        "deep-block-nesting",
        "content/topics.yaml:66: YAML is nested more than 64 levels deep",
        topics("".join("  " * i + f"k{i}:\n" for i in range(300))),
    ),
    Case(
        "billion-laughs",
        "content/topics.yaml:1: the document expands to more than 200,000 values",
        topics(_bomb()),
    ),
    Case(
        "python-object-tag",
        "content/articles/planet.yaml:23: YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        article_plus(
            "  - text: officials said\n    body: !!python/object/apply:os.system [touch pwned]\n"
        ),
    ),
    Case(
        "python-name-tag-in-config",
        "annotarium.yaml:1: YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed",
        {"annotarium.yaml": "title: !!python/name:os.system ''\n"},
    ),
    Case(
        "custom-tag",
        "content/topics.yaml:3: YAML tag '!include' is not allowed",
        topics("talks:\n  name: Talks\n  description: !include /etc/passwd\n"),
    ),
    Case(
        "set-tag",
        "content/topics.yaml:4: YAML tag 'tag:yaml.org,2002:set' is not allowed",
        topics("talks:\n  name: Talks\n  description: x\n  aliases: !!set {a, b}\n"),
    ),
    # --- files that are not what they seem ---------------------------------------------------
    Case(
        "symlink-seed-outside",
        "seeds/planet.txt: the file lies outside the archive",
        setup=_symlink_seed_outside,
    ),
    Case(
        "symlink-registry-outside",
        "content/topics.yaml: the file lies outside the archive",
        setup=_symlink_registry_outside,
    ),
    Case(
        "symlink-article-outside",
        "content/articles/other.yaml: the file lies outside the archive",
        setup=_symlink_article_outside,
    ),
    Case(
        "symlink-loop", "content/articles/loop.yaml: cannot follow the symlink", setup=_symlink_loop
    ),
    Case(
        "absolute-text-path",
        "content/articles/planet.yaml:1: cannot use the article text '/etc/passwd'",
        article("text: seeds/planet.txt", "text: /etc/passwd"),
    ),
    Case("named-pipe-seed", "seeds/planet.txt: not a regular file", setup=_fifo_seed),
    Case("named-pipe-registry", "content/topics.yaml: not a regular file", setup=_fifo_registry),
    Case(
        "directory-as-article",
        "content/articles/folder.yaml: expected a file, found a directory",
        setup=_directory_as_article,
    ),
    Case(
        "unreadable-file",
        "content/places.yaml: cannot read the file: Permission denied",
        setup=_unreadable,
        needs_non_root=True,
    ),
    # --- the output directory and the disk -------------------------------------------------
    Case(
        "output-is-a-file",
        "annotarium: error: the output path",
        setup=_output_is_a_file,
        args=("--output", "site.html"),
        exit=2,
    ),
    Case(
        "output-below-a-file",
        "annotarium: error: the output directory",
        setup=_output_is_a_file,
        args=("--output", "site.html/build"),
        exit=2,
    ),
    Case(
        "output-holds-foreign-files",
        "annotarium: error: the output directory",
        setup=_output_holds_foreign_files,
        args=("--output", "documents"),
        exit=2,
    ),
    Case(
        "output-inside-content",
        "annotarium: error: the output directory",
        args=("--output", "archive/content/site"),
        exit=2,
    ),
    Case(
        "output-unwritable",
        "annotarium: error: cannot write the site beside",
        args=("--output", "/proc/annotarium-site"),
        exit=2,
    ),
    Case("disk-full-mid-build", "annotarium: error: cannot write the site:", inject="enospc"),
    Case("file-size-limit-mid-build", "annotarium: error: cannot write the site:", inject="fsize"),
    # --- usage ---------------------------------------------------------------------------------
    Case("source-missing", "annotarium: error: the source", args=("--source", "nowhere"), exit=2),
    Case(
        "unknown-option",
        "annotarium: error: unrecognized arguments: --colour",
        args=("--colour",),
        exit=2,
    ),
]
