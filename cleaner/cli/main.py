"""The command line; the only module that sees argv. Exit codes: 0 ok, 1 some files failed, 2 bad
usage, 3 locked, 4 OUTPUT cannot be written, 5 the state database cannot be used, 70 a bug (README)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cleaner import clean
from cleaner.batch.config import resolve, show
from cleaner.batch.settings import ConfigError, Settings
from cleaner.batch.state import DB_NAME, STATE_DIR, LockedError
from cleaner.cli.messages import log, route_logging, set_json
from cleaner.cli.options import add_options, document_settings, resolve_settings
from cleaner.cli.progress import Progress, log_summary
from cleaner.document import Document, Status
from cleaner.identity import __version__
from cleaner.rules.formats import ftr_check
from cleaner.rules.formats.ftr import is_ftr_folder
from cleaner.rules.ruleset import DEFAULT_RULES_DIR, RuleError, example_failures, load_rules

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130
#: The environment, not the cleaner, stopped the run: OUTPUT cannot be written (a full disk, a
#: read-only file system, no permission, OUTPUT is a file), or the state database cannot be used.
EXIT_OUTPUT, EXIT_STATE = 4, 5

#: What an OS error when writing OUTPUT means for the operator, by errno.
WRITE_ERRORS = {
    errno.ENOSPC: "no space left on the device: free some and run again (nothing is half-written; "
    "the next run completes the job)",
    errno.EDQUOT: "disk quota exceeded: free some space and run again (nothing is half-written)",
    errno.EROFS: "read-only file system: give an OUTPUT that can be written",
    errno.EACCES: "permission denied: make OUTPUT writable for this user",
    errno.EPERM: "operation not permitted: make OUTPUT writable for this user",
    errno.ENOTDIR: "not a folder: give OUTPUT a folder, or a path that does not exist yet",
    errno.EEXIST: "a file is in the way of a folder: give OUTPUT a folder of its own",
    errno.EIO: "input/output error: check the disk",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the chosen command, return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    set_json(args.log_format == "json")
    route_logging()
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except (ConfigError, RuleError) as exc:
        log(f"error: {exc}", level="error")
        return EXIT_USAGE
    except LockedError as exc:
        log(f"error: {exc}", level="error")
        return EXIT_LOCKED
    except EnvironmentFailure as exc:
        log(f"error: {exc}", level="error")
        return exc.code
    except KeyboardInterrupt:
        log("interrupted", level="error")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `cleaner explain page.html | head`: the reader has all it wanted
        with contextlib.suppress(OSError):  # no "Exception ignored" when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: one clear line instead of a traceback, and a distinct code
        log(f"internal error: {type(exc).__name__}: {exc} (please report it)", level="error")
        return EXIT_INTERNAL


class EnvironmentFailure(RuntimeError):
    """The environment stopped a command (see environment_error): a message and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@contextlib.contextmanager
def environment_errors(output: Path) -> Iterator[None]:
    """Turn the OS and SQLite errors of the environment in the block into EnvironmentFailure."""
    try:
        yield
    except (OSError, sqlite3.DatabaseError) as exc:
        known = environment_error(exc, output)
        if known is None:
            raise
        raise EnvironmentFailure(*known) from None


def environment_error(exc: OSError | sqlite3.DatabaseError, output: Path) -> tuple[str, int] | None:
    """The one-line message and exit code of an error of the environment; None if it is not one."""
    state = output / STATE_DIR / DB_NAME
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if "full" in text:  # "database or disk is full"
            return f"cannot write {state}: {WRITE_ERRORS[errno.ENOSPC]}", EXIT_OUTPUT
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return f"cannot write the state database {state} ({text}): make it and its folder writable", EXIT_STATE
        return (
            f"the state database {state} is corrupt ({text}): run again with --rebuild-state to start it afresh "
            "(every input is cleaned again)",
            EXIT_STATE,
        )
    hint = WRITE_ERRORS.get(exc.errno or 0)
    if hint is None:
        return None
    return f"cannot write {exc.filename or output}: {hint}", EXIT_OUTPUT


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog="cleaner", description="Turn raw web scrapes into a clean text corpus.")
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="messages on stderr as plain lines or one JSON object per line",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_run_command(commands)
    _add_document_command(
        commands,
        "clean",
        cmd_clean,
        help="clean one document and print its text ('-' reads standard input)",
        epilog="example: cleaner clean - < page.html > page.txt",
    )
    status = commands.add_parser(
        "status",
        help="the last run's summary and what a run now would do",
        epilog="example: cleaner status corpus_clean",
    )
    status.add_argument(
        "output", nargs="?", default="corpus_clean", type=Path, help="output folder (default: corpus_clean)"
    )
    status.set_defaults(handler=cmd_status)
    _add_document_command(
        commands,
        "explain",
        cmd_explain,
        help="show every kept and removed line of one file, with the reason",
        epilog="example: cleaner explain corpus_raw/seeds/003_0c92e233fc806f03.txt",
    )
    _add_config_command(commands)
    _add_rules_commands(commands)
    return parser


def _add_run_command(commands: argparse._SubParsersAction) -> None:
    """`cleaner run`: its flags are the run's options, from the table (cli.options)."""
    run = commands.add_parser(
        "run",
        help="clean a folder of scraped files",
        description="Clean every .html/.htm/.xhtml/.txt/.text/.md file (or .gz of one) under INPUT. "
        "Options come from flags, then a config file (--config, ./cleaner.toml or [tool.cleaner] in "
        "./pyproject.toml), then defaults.",
        epilog="example: cleaner run corpus_raw corpus_clean --format both --lang en,de",
    )
    _add_config_option(run)
    add_options(run, "run")
    run.set_defaults(handler=cmd_run)


def _add_config_option(parser: argparse.ArgumentParser) -> None:
    """--config FILE: where a run's options come from besides the flags."""
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML config file (default: ./cleaner.toml, else [tool.cleaner] in ./pyproject.toml)",
    )


def _add_document_command(
    commands: argparse._SubParsersAction,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    help: str,
    epilog: str,
) -> None:
    """A subcommand that takes one document: a file, or - for standard input."""
    parser = commands.add_parser(name, help=help, epilog=epilog)
    parser.add_argument("file", help="a file, or - for standard input")
    add_options(parser, name)
    parser.set_defaults(handler=handler)


def _add_config_command(commands: argparse._SubParsersAction) -> None:
    """`cleaner config show`: takes a run's options, and shows what the run would use."""
    config = commands.add_parser("config", help="the effective configuration")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    show = config_commands.add_parser(
        "show",
        help="print every option's effective value and where it came from",
        epilog="example: cleaner config show --config nightly.toml",
    )
    _add_config_option(show)
    add_options(show, "config show")
    show.set_defaults(handler=cmd_config_show)


def _add_rules_commands(commands: argparse._SubParsersAction) -> None:
    """`cleaner rules check` and `cleaner rules test`."""
    rules = commands.add_parser("rules", help="work with rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)
    rule_commands = (
        ("check", cmd_rules_check, "validate rule files and their examples; prints 'ok' when all are valid", "rules/"),
        ("test", cmd_rules_test, "run every rule's examples and list each failure with the rule id", "my-rules/"),
    )
    for name, handler, help_text, example in rule_commands:
        sub = rules_commands.add_parser(name, help=help_text, epilog=f"example: cleaner rules {name} {example}")
        sub.add_argument("dir", nargs="?", type=Path, default=None, help="rules folder (default: the shipped rules)")
        sub.set_defaults(handler=handler)
        if name == "test":
            sub.add_argument(
                "--pages", type=Path, default=None, metavar="DIR", help="local pages for Full-Text RSS test_url checks"
            )


def cmd_run(args: argparse.Namespace) -> int:
    """`cleaner run`: bring OUTPUT up to date; rules and settings are checked before any write."""
    from cleaner.batch.run import run

    settings = resolve_settings(args, "run").settings
    if not settings.input_dir.is_dir():
        raise ConfigError(f"input folder {settings.input_dir} does not exist or is not a folder")
    ruleset = load_rules(settings.all_rules_dirs)
    progress = Progress(enabled=not settings.quiet)
    try:
        with environment_errors(settings.output_dir):
            outcome = run(settings, ruleset, on_start=progress.start, on_done=progress.update)
    finally:
        progress.close()
    if not settings.quiet:
        log_summary(outcome, settings.output_dir)
    if outcome.interrupted_by is not None:
        return 128 + outcome.interrupted_by  # 130 for SIGINT, 143 for SIGTERM, as shells report
    return EXIT_FAILURES if outcome.failed else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    """`cleaner status OUTPUT`: the last run's summary and what a run now would do."""
    from cleaner.batch.run import plan_run
    from cleaner.batch.state import State

    if not State.exists(args.output):
        raise ConfigError(f"{args.output}: no cleaner run has written here yet")
    with environment_errors(args.output):
        state = State(args.output, read_only=True)
    try:
        history = state.history()
        saved = state.meta("settings")
        print(f"cleaner: {args.output}: {len(history)} run(s)")
        if history:
            last = history[-1]
            print(
                f"last run: {last.started}, {last.seconds:.1f} s: {last.new} new, {last.changed} changed, "
                f"{last.unchanged} unchanged, {last.removed} removed, {last.failed} failed"
                + (" (interrupted)" if last.interrupted else "")
            )
        saved = saved if isinstance(saved, dict) else {}
        settings = resolve({**saved, "output": str(args.output)}, None).settings
        if not settings.input_dir.is_dir():
            print(f"a run now: input folder {settings.input_dir} is gone")
            return EXIT_OK
        plan, *_ = plan_run(settings, load_rules(settings.all_rules_dirs), state)
        print(
            f"a run now (same settings): {len(plan.new)} new, {len(plan.changed)} changed, "
            f"{len(plan.unchanged)} unchanged, {len(plan.removed)} removed"
        )
    finally:
        state.close()
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """`cleaner explain FILE`: every kept line, and every removed one with its reason."""
    from cleaner.core.decide.model import EXPLAINING

    EXPLAINING.set(True)  # this process cleans one document, to be explained
    doc = clean_one(args)
    print(explanation(doc))
    return EXIT_FAILURES if doc.status is Status.FAILED else EXIT_OK


def cmd_clean(args: argparse.Namespace) -> int:
    """`cleaner clean FILE|-`: one document's clean text on stdout; why it failed on stderr."""
    doc = clean_one(args)
    if doc.status is Status.KEPT:
        sys.stdout.write(doc.text + "\n")
        return EXIT_OK
    log(f"{doc.id}: {doc.status.value}: {doc.reason}", level="warning" if doc.status is Status.DROPPED else "error")
    return EXIT_FAILURES if doc.status is Status.FAILED else EXIT_OK


def clean_one(args: argparse.Namespace) -> Document:
    """Clean the single document named by args.file ('-': standard input)."""
    from cleaner.batch.clean import clean_file
    from cleaner.io.discover import Input

    settings = document_settings(args)
    ruleset = load_rules(settings.all_rules_dirs)
    if args.file == "-":
        return clean(sys.stdin.buffer.read(), doc_id="-", rules=ruleset, settings=settings)
    path = Path(args.file)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    return clean_file(Input(path, path.name), settings, ruleset)


def explanation(doc: Document) -> str:
    """A readable account of what the cleaner did to one document."""
    head = [
        f"# {doc.id}: {doc.status.value}" + (f" ({doc.reason})" if doc.reason else ""),
        f"# format {doc.input_format}; encoding {doc.decoding.encoding} ({doc.decoding.method})"
        + (f"; repairs: {', '.join(doc.decoding.repairs)}" if doc.decoding.repairs else "")
        if doc.decoding
        else f"# format {doc.input_format}",
        f"# title: {doc.title}; date: {doc.date}; url: {doc.url}; language: {doc.language} ({doc.language_score})",
    ]
    lines = [f"  element  {r.reason}  {r.text}" for r in doc.removed_elements]
    for block in doc.blocks:
        for part in (r for r in doc.stripped if r.line == block.line):
            lines.append(f"{block.line:5}  strip  {part.reason}  {part.text}")
        verdict = doc.scores.get(block.line)
        if block.kept:
            lines.append(f"{block.line:5}  keep   {block.text}")
        else:
            lines.append(f"{block.line:5}  DROP   {block.removed}  {block.text}")
        if verdict is not None:
            lines.append(f"         score {verdict.score:.2f}: {', '.join(verdict.strongest)}")
    return "\n".join(head + lines)


def cmd_config_show(args: argparse.Namespace) -> int:
    """`cleaner config show`: each option's effective value and its source."""
    print(show(resolve_settings(args, "config show")))
    return EXIT_OK


def cmd_rules_test(args: argparse.Namespace) -> int:
    """`cleaner rules test [DIR]`: run every example; list each failure with its rule id."""
    if args.dir is not None and is_ftr_folder(args.dir):
        return ftr_tests(args.dir, args.pages)
    failures = example_failures([args.dir] if args.dir else None)
    for failure in failures:
        print(failure)
    print(f"{len(failures)} failing example(s)" if failures else "ok")
    return EXIT_FAILURES if failures else EXIT_OK


def cmd_rules_check(args: argparse.Namespace) -> int:
    """`cleaner rules check [DIR]`: load and validate every rule file and its examples."""
    if args.dir is not None and is_ftr_folder(args.dir):
        print("\n".join(ftr_check.check(args.dir).lines()))
        return EXIT_OK
    load_rules([args.dir] if args.dir else None)
    print("ok")
    return EXIT_OK


def ftr_tests(folder: Path, pages: Path | None) -> int:
    """A Full-Text RSS folder's test_url + test_contains, checked on the pages of --pages whose URL
    is a test_url (their canonical link, or a JSONL `url`), cleaned with the folder beside the
    shipped rules."""
    from cleaner.batch.clean import clean_input
    from cleaner.io.discover import discover

    tests = ftr_check.site_tests(ftr_check.FtrFolder(folder, log_skips=False))
    print(f"{folder}: {len(tests)} test_url with test_contains")
    if pages is None:
        print("no --pages DIR given: nothing to check them on")
        return EXIT_OK
    ruleset, settings = load_rules([DEFAULT_RULES_DIR, folder]), Settings(workers=1)
    inputs, _ = discover(pages, pages / ".cleaner-none", auto=True)
    cleaned = ((d.id, d.url, d.text) for i in inputs for d in clean_input(i, settings, ruleset))
    results = ftr_check.run_tests(tests, cleaned)
    for r in results:
        print(
            f"{'ok' if not r.missing else 'FAIL'}  {r.site}  {r.url}  {r.page}"
            + "".join(f"\n  missing: {m!r}" for m in r.missing)
        )
    failed = sum(1 for r in results if r.missing)
    print(f"{len(results)} checked on local pages, {failed} failed")
    return EXIT_FAILURES if failed else EXIT_OK
