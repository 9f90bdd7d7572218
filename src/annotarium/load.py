"""Stage 1: read an archive from disk into an :class:`~annotarium.model.Archive`.

Reads ``annotarium.yaml``, the four registries, every annotation file in
``content/articles/`` and the article texts they point at; validates every
field and every reference between files; never writes anything. Problems go
to a :class:`~annotarium.diagnostics.Diagnostics`, so a broken file costs one
error and the rest of the archive is still checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotarium import schema
from annotarium.diagnostics import Diagnostics
from annotarium.load_articles import Registries, article_files, load_article
from annotarium.load_references import ReferenceMemo, check_references, warn_unreferenced
from annotarium.load_registries import (
    CONFIG_FILE,
    Broken,
    load_config,
    load_registry,
    make_actor,
    make_event,
    make_place,
    make_topic,
)
from annotarium.model import Archive, Article, Event, SiteConfig

REGISTRIES = ("actors", "places", "topics", "events")


def archive_paths(root: Path) -> list[Path]:
    """Every input file of an archive that ``load`` reads (for caches and watchers)."""
    content = root / "content"
    paths = [root / CONFIG_FILE, *(content / f"{name}.yaml" for name in REGISTRIES)]
    if (content / "articles").is_dir():
        paths.extend(sorted((content / "articles").glob("*.yaml")))
    return [p for p in paths if p.exists()]


@dataclass(frozen=True)
class Foundation:
    """What every article needs before it can be read: the config and the registries."""

    root: Path
    config: SiteConfig
    registries: Registries
    events: dict[str, Event]

    def archive(self, articles: tuple[Article, ...] = ()) -> Archive:
        """An archive of these registries and the given articles."""
        root = self.root
        return Archive(root, self.config, self.registries.actors, self.registries.places,
                       self.registries.topics, self.events, articles,
                       template_dirs=((root / "templates",) if (root / "templates").is_dir()
                                      else ()))


def load_foundation(root: Path, diags: Diagnostics) -> Foundation:
    """Read ``annotarium.yaml`` and the four registries."""
    root = root.resolve()
    config = load_config(root, diags)
    broken = Broken()
    actors = load_registry(root, "actors", schema.ACTOR, make_actor, diags, broken)
    places = load_registry(root, "places", schema.PLACE, make_place, diags, broken)
    topics = load_registry(root, "topics", schema.TOPIC, make_topic, diags, broken)
    events = load_registry(root, "events", schema.EVENT, make_event, diags, broken)
    return Foundation(root, config, Registries(actors, places, topics, broken), events)


def finish(foundation: Foundation, articles: list[Article], diags: Diagnostics,
           memo: ReferenceMemo | None = None) -> Archive:
    """The archive of the loaded articles, with the checks that span files done
    (``memo``: see :class:`~annotarium.load_references.ReferenceMemo`)."""
    archive = foundation.archive(tuple(articles))
    used = check_references(archive, diags, foundation.registries.broken, memo)
    warn_unreferenced(archive, diags, used)
    return archive


def load(root: Path, diags: Diagnostics) -> Archive:
    """Read and validate the archive at ``root``."""
    foundation = load_foundation(root, diags)
    articles = [
        article for path, slug in article_files(foundation.root, diags)
        if (article := load_article(foundation.root, path, slug, foundation.registries, diags))
    ]
    return finish(foundation, articles, diags)
