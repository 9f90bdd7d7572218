"""The ``annotarium`` command: argument parsing and printing, nothing else.

Exit codes: 0 success, 1 content errors, 2 usage errors (bad options, an
unusable output directory), 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from annotarium import __version__

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 128 + 13  # what a shell reports for a process ended by SIGPIPE


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("annotarium: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`annotarium check | head`): not a bug
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug, not bad input: say so without a wall of traceback
        if getattr(args, "debug", False):
            raise
        print(
            f"annotarium: internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in Annotarium; run again with --debug for the traceback "
            "and please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests)
        pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotarium",
        description="Build cross-linked static sites from annotated policy-analysis archives.",
        epilog="Run 'annotarium COMMAND --help' for a command's options. With no --source, "
        "commands use the archive in the current directory if it has annotarium.yaml "
        "or content/, else the bundled example archive.",
    )
    parser.add_argument("--version", action="version", version=f"annotarium {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="validate an archive and report every problem",
        description="Validate the archive: YAML, fields, ids, dates and anchoring. Prints "
        "'path:line:col: error: message' for every problem. Exit 0 when clean, "
        "1 with errors.",
    )
    _source_option(check)
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="'json' prints {errors, warnings, summary} (default: text)",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--fix",
        action="store_true",
        help="rewrite the annotation files of annotations that were re-anchored after the "
        "article changed (comments and formatting are kept; orphans are left alone)",
    )
    check.set_defaults(run=_run_check)

    build = commands.add_parser(
        "build",
        help="check the archive and write the static site",
        description="Check the archive, then render every page and write the site "
        "atomically: a failed build leaves the previous site intact.",
    )
    _source_option(build)
    build.add_argument(
        "--output",
        "-o",
        type=Path,
        default=Path("build"),
        metavar="DIR",
        help="where to write the site (default: ./build)",
    )
    build.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help="the absolute URL the site is published at (overrides "
        "annotarium.yaml); enables canonical links, sitemap and feed",
    )
    build.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    build.add_argument("--clean", action="store_true",
                       help="ignore the cache of the last build and render every page")
    build.add_argument("--no-search", dest="search", action="store_false", default=None,
                       help="build no search index or search page (also: 'search: false' "
                       "in annotarium.yaml)")
    build.set_defaults(run=_run_build)

    serve = commands.add_parser(
        "serve", help="build, serve on 127.0.0.1 and rebuild on every change",
        description="Build the site into a temporary folder and serve it. Every change to "
                    "content, seeds, templates or annotarium.yaml rebuilds it and reloads open "
                    "pages; a failed rebuild shows its errors in the terminal and the browser "
                    "while the last good site stays up.")
    _source_option(serve)
    serve.add_argument("--port", "-p", type=int, default=8000, help="default: 8000")
    serve.add_argument("--bind", "-b", default="127.0.0.1", metavar="ADDRESS",
                       help="the address to listen on (default: 127.0.0.1, this machine only)")
    serve.set_defaults(run=_run_serve)

    new = commands.add_parser(
        "new",
        help="add an article and draft its annotations",
        description="Copy an article (a plain-text export or Markdown) into seeds/ and write "
        "content/articles/<slug>.yaml with its metadata and drafted quotes, speakers, dates "
        "and mentions, each marked 'draft: true'. Unknown speakers are proposed as new actors "
        "in content/actors.yaml. See docs/new.md.",
    )
    new.add_argument("path", type=Path, metavar="PATH", help="the article text (.txt or .md)")
    _source_option(new)
    new.add_argument(
        "--slug", default=None, help="the article's slug (default: from the file name)"
    )
    new.add_argument(
        "--published",
        default=None,
        metavar="YYYY-MM-DD",
        help="the publication date, to resolve 'Tuesday' or 'last February' (default: the "
        "front matter or the dateline, if any)",
    )
    new.add_argument("--force", action="store_true", help="replace an existing annotation file")
    new.set_defaults(run=_run_new)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a kind of file",
        description="Print the JSON Schema of an annotation file, a registry or the config, "
        "for editors (see docs/editors.md).",
    )
    schema.add_argument(
        "kind", choices=("article", "actors", "places", "topics", "events", "config", "archive")
    )
    schema.set_defaults(run=_run_schema)

    importer = commands.add_parser(
        "import", help="add W3C Web Annotations (e.g. a Hypothesis export) to an article",
        description="Anchor each annotation of FILE (an Annotation, a list, a collection or a "
        "Hypothesis export) by its TextQuoteSelector and append it to the article's file as a "
        "draft. Reports what cannot be imported; exit 1 if anything could not be.")
    importer.add_argument("file", type=Path, metavar="FILE", help="the JSON or JSON-LD file")
    importer.add_argument("--article", "-a", required=True, metavar="SLUG",
                          help="the article the annotations are on")
    _source_option(importer)
    importer.set_defaults(run=_run_import)
    for sub in (check, build, serve, new, schema, importer):
        sub.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


def _source_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        "-s",
        type=Path,
        default=None,
        metavar="DIR",
        help="the archive's folder (default: the current directory if it is "
        "an archive, else the bundled example)",
    )


def _source(args: argparse.Namespace) -> Path | None:
    from annotarium.resources import bundled_archive, looks_like_archive

    if args.source is None:
        cwd = Path.cwd()
        return cwd if looks_like_archive(cwd) else bundled_archive()
    if not args.source.is_dir():
        print(f"annotarium: error: the source {args.source} is not a directory", file=sys.stderr)
        return None
    if not looks_like_archive(args.source):
        print(
            f"annotarium: error: {args.source} is not an archive (it has neither "
            "annotarium.yaml nor content/)",
            file=sys.stderr,
        )
        return None
    return args.source


def _print_diagnostics(diagnostics: object, stream: object = None) -> None:
    for item in diagnostics:  # type: ignore[attr-defined]
        print(item.format(), file=stream or sys.stderr)  # type: ignore[call-overload]


def _run_check(args: argparse.Namespace) -> int:
    from annotarium.pipeline import check_archive

    source = _source(args)
    if source is None:
        return EXIT_USAGE
    result = check_archive(source)
    diags = result.diagnostics
    failed = diags.has_errors() or (args.strict and bool(diags.warnings))
    fixes = []
    if args.fix and result.linked is not None:
        from annotarium.fix import fix_archive

        fixes = fix_archive(result.linked.anchored)
    if args.format == "json":
        report = {
            "errors": [d.to_json() for d in diags.errors],
            "warnings": [d.to_json() for d in diags.warnings],
            "summary": result.summary(),
        }
        if args.fix:
            report["fixed"] = [{"path": str(f.path), "annotations": f.annotations} for f in fixes]
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return EXIT_CONTENT if failed else EXIT_OK
    _print_diagnostics(diags, sys.stdout)
    from annotarium.diagnostics import display_path

    for fixed in fixes:
        print(f"fixed {_plural(fixed.annotations, 'annotation')} in {display_path(fixed.path)}")
    summary = result.summary()
    errors, warnings = len(diags.errors), len(diags.warnings)
    counts = summary.get("annotations", {})
    print(
        f"{summary['articles']} article(s), {sum(counts.values())} annotations: "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} "
        f"({result.seconds * 1000:.0f} ms)"
    )
    return EXIT_CONTENT if failed else EXIT_OK


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _run_build(args: argparse.Namespace) -> int:
    from annotarium.pipeline import build_site, is_search_error
    from annotarium.progress import TerminalProgress
    from annotarium.write import OutputError

    source = _source(args)
    if source is None:
        return EXIT_USAGE
    if args.base_url:
        from annotarium.load_registries import valid_base_url

        if not valid_base_url(args.base_url):
            print(f"annotarium: error: --base-url {args.base_url!r} is not an absolute "
                  "http(s) URL", file=sys.stderr)
            return EXIT_USAGE
    try:
        with TerminalProgress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
            result = build_site(source, args.output, base_url=args.base_url, clean=args.clean,
                                progress=progress, search=args.search)
    except OutputError as exc:
        print(f"annotarium: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"annotarium: error: cannot write the site:{where}: {exc.strerror or exc}\n"
            "  the previous site, if any, is unchanged",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    except Exception as exc:
        if not is_search_error(exc):
            raise
        print(f"annotarium: error: search index: {exc}\n"
              "  the previous site, if any, is unchanged", file=sys.stderr)
        return EXIT_USAGE
    if result.check is None:
        if not args.quiet:
            print(f"Nothing changed since the last build ({result.seconds * 1000:.0f} ms); "
                  f"{result.output} is up to date")
        return EXIT_OK
    diags = result.check.diagnostics
    _print_diagnostics(diags)
    if result.output is None:
        print(
            f"annotarium: build failed: {_plural(len(diags.errors), 'error')}; nothing was written",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    if not args.quiet:
        _print_build_summary(result)
    return EXIT_OK


def _print_build_summary(result: object) -> None:
    from annotarium.pipeline import BuildResult

    assert isinstance(result, BuildResult) and result.check is not None
    archive = result.check.linked.archive if result.check.linked else None
    summary = result.check.summary()
    title = archive.config.title if archive else ""
    pages = result.pages
    rows = [(kind, pages[kind]) for kind in sorted(pages)]
    width = max((len(k) for k, _ in rows), default=5)
    print(f"Built '{title}' in {result.seconds * 1000:.0f} ms → {result.output}")
    for kind, count in rows:
        print(f"  {kind:<{width}}  {count:>6}")
    annotations = summary.get("annotations", {})
    print(f"  {'files':<{width}}  {result.files:>6}  ({result.bytes / 1024:.0f} KiB, "
          f"{result.written} written, {result.files - result.written} unchanged)")
    print(
        f"  {sum(annotations.values())} annotations in {summary['articles']} articles, "
        f"{_plural(len(result.check.diagnostics.warnings), 'warning')}"
    )


def _run_serve(args: argparse.Namespace) -> int:
    from annotarium.pipeline import BuildState, build_errors
    from annotarium.serve import serve

    source = _source(args)
    if source is None:
        return EXIT_USAGE
    if not 0 <= args.port <= 65535:
        print(f"annotarium: error: --port {args.port} is not a port number", file=sys.stderr)
        return EXIT_USAGE
    watch = [source / name for name in ("content", "seeds", "templates", "annotarium.yaml")]
    state = BuildState()  # kept in memory between rebuilds
    return serve(lambda target: build_errors(source, target, state), watch, args.bind,
                 args.port)


def _run_new(args: argparse.Namespace) -> int:
    from annotarium.draft_run import run_new

    source = args.source if args.source is not None else Path.cwd()
    return run_new(args.path, source, args.slug, args.published, args.force)


def _run_schema(args: argparse.Namespace) -> int:
    from annotarium.schema import SCHEMAS, json_schema

    if args.kind == "archive":  # data/archive.json: a shipped file, not a record
        print((Path(__file__).parent / "schemas" / "archive.schema.json")
              .read_text(encoding="utf-8"), end="")
        return EXIT_OK
    record, top = SCHEMAS[args.kind]
    print(json.dumps(json_schema(record, f"Annotarium {args.kind}", top), indent=2))
    return EXIT_OK


def _run_import(args: argparse.Namespace) -> int:
    from annotarium.importer import run_import

    source = _source(args)
    return EXIT_USAGE if source is None else run_import(source, args.article, args.file)


if __name__ == "__main__":
    sys.exit(main())
