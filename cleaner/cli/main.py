"""The command line; the only module that sees argv. Exit codes: 0 ok, 1 some files failed, 2 bad
usage, 3 locked, 4 OUTPUT cannot be written, 5 the state database cannot be used, 70 a bug (README)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner import clean
from cleaner.batch.settings import (
    COMMENTS,
    DEDUP_MODES,
    ENGINES,
    EXTRACTORS,
    INPUT_FORMATS,
    OPTIONS,
    SCOPES,
    SWITCH,
    ConfigError,
    Resolved,
    Settings,
    find_config,
    resolve,
    show,
)
from cleaner.batch.state import DB_NAME, STATE_DIR, LockedError
from cleaner.corpus.templates import DEFAULT_MIN_DOCS, DEFAULT_MIN_SHARE
from cleaner.document import Document, Status
from cleaner.identity import __version__
from cleaner.io.readers import JsonlFields
from cleaner.io.writers import FORMATS
from cleaner.rules.formats import ftr_check
from cleaner.rules.formats.ftr import is_ftr_folder
from cleaner.rules.ruleset import DEFAULT_RULES_DIR, RuleError, example_failures, load_rules

if TYPE_CHECKING:
    from cleaner.batch.run import Outcome

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

#: How many failures the closing summary lists (all are in report.json).
MAX_FAILURES_SHOWN = 20
#: How the summary's lines about failures begin; they are logged at level warning.
FAILURE_LINE, MORE_FAILURES_LINE = "  failed: ", "  ... and "

#: Without a terminal (cron, CI) progress is a log line this often instead of a bar.
LOG_EVERY_SECONDS = 30.0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the chosen command, return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    global LOG_JSON
    LOG_JSON = args.log_format == "json"
    _route_logging()
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


#: Set by --log-format json: messages on stderr become one JSON object per line.
LOG_JSON = False


def log(message: str, level: str = "info", **fields: object) -> None:
    """A message for the operator, on stderr (results go to stdout or files, never here)."""
    if LOG_JSON:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "level": level, "message": message, **fields}
        print(json.dumps(record, ensure_ascii=False), file=sys.stderr, flush=True)
    else:
        print(f"cleaner: {message}", file=sys.stderr, flush=True)


class _LogHandler(logging.Handler):
    """Log records (the cleaner's modules and libraries) as the cleaner's own messages on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        """One message, in the chosen --log-format."""
        log(record.getMessage(), level=record.levelname.lower())


def _route_logging() -> None:
    """Send warnings logged by the cleaner's modules through log(), once."""
    logger = logging.getLogger("cleaner")
    if not any(isinstance(h, _LogHandler) for h in logger.handlers):
        logger.addHandler(_LogHandler(logging.WARNING))


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

    run = commands.add_parser(
        "run",
        help="clean a folder of scraped files",
        description="Clean every .html/.htm/.xhtml/.txt/.text/.md file (or .gz of one) under INPUT. "
        "Options come from flags, then a config file (--config, ./cleaner.toml or [tool.cleaner] in "
        "./pyproject.toml), then defaults.",
        epilog="example: cleaner run corpus_raw corpus_clean --format both --lang en,de",
    )
    _add_run_options(run)
    run.add_argument("--full", action="store_true", help="clean every input again, not only new and changed ones")
    run.add_argument(
        "--rebuild-state",
        action="store_true",
        help="start OUTPUT/.cleaner/state.sqlite afresh (e.g. a corrupt one): every input is cleaned again",
    )
    run.set_defaults(handler=cmd_run)

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

    config = commands.add_parser("config", help="the effective configuration")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    show = config_commands.add_parser(
        "show",
        help="print every option's effective value and where it came from",
        epilog="example: cleaner config show --config nightly.toml",
    )
    _add_run_options(show)
    show.set_defaults(handler=cmd_config_show)

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
    return parser


def _add_document_command(commands, name: str, handler: Callable[[argparse.Namespace], int], **texts: str) -> None:
    """A subcommand that takes one document: a file, or - for standard input."""
    parser = commands.add_parser(name, **texts)
    parser.add_argument("file", help="a file, or - for standard input")
    _add_rules_option(parser)
    parser.add_argument(
        "--add-rules", action="append", type=Path, default=[], metavar="DIR", help="a rules folder used beside them"
    )
    _add_input_format_option(parser)
    _add_extraction_options(parser, defaults=True)
    parser.set_defaults(handler=handler)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of a run; each one may also come from a config file (see config.OPTIONS)."""
    parser.add_argument("input", nargs="?", default=None, type=Path, help="input folder (default: corpus_raw)")
    parser.add_argument("output", nargs="?", default=None, type=Path, help="output folder (default: corpus_clean)")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="TOML config file (default: ./cleaner.toml, else [tool.cleaner] in ./pyproject.toml)",
    )
    _add_rules_option(parser)
    parser.add_argument(
        "--add-rules",
        action="append",
        type=Path,
        default=None,
        metavar="DIR",
        help="a rules folder or file used beside the shipped rules (repeatable)",
    )
    parser.add_argument(
        "--format",
        default=None,
        metavar="F[,F...]",
        help=f"output formats, a comma list of {', '.join(FORMATS)} (both = txt,jsonl; default: txt)",
    )
    parser.add_argument(
        "--index-name", default=None, metavar="NAME", help="es-bulk: the index of the action lines (default: cleaner)"
    )
    parser.add_argument("--lang", default=None, help="keep only these languages, e.g. en,de")
    parser.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        default=None,
        help="treat inputs as html or text (default: auto, by extension, else by content)",
    )
    _add_extraction_options(parser, defaults=False)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument(
        "--max-bytes", type=int, default=None, help="record larger files as too large (default: 10 MiB)"
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds per file before it is recorded as timed out (default: 60)"
    )
    parser.add_argument(
        "--max-memory",
        type=int,
        default=None,
        help="MB a worker may grow by while cleaning one document before it is recorded as failed (default: 512)",
    )
    parser.add_argument(
        "--dedup", choices=DEDUP_MODES, default=None, help="drop exact or near duplicate documents (default: off)"
    )
    parser.add_argument(
        "--dedup-threshold", type=float, default=None, help="Jaccard similarity for near duplicates (default: 0.8)"
    )
    parser.add_argument(
        "--engine", choices=ENGINES, default=None, help="local process pool, or a Dask cluster (default: local)"
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://host:8786 (default: a local one)",
    )
    parser.add_argument(
        "--templates", choices=SWITCH, default=None, help="remove lines repeated across a site's pages (default: on)"
    )
    parser.add_argument(
        "--template-min-docs",
        type=int,
        default=None,
        metavar="N",
        help=f"a template line is on at least N pages of its site (default: {DEFAULT_MIN_DOCS})",
    )
    parser.add_argument(
        "--template-min-share",
        type=float,
        default=None,
        metavar="SHARE",
        help=f"... and on at least this share of them (default: {DEFAULT_MIN_SHARE})",
    )
    for name, default in asdict(JsonlFields()).items():
        parser.add_argument(
            f"--jsonl-{name}",
            default=None,
            metavar="FIELD",
            help=f"the {name} field of a JSONL page record (default: {default})",
        )
    parser.add_argument("--quiet", action="store_true", default=None, help="no progress and no summary")
    parser.add_argument(
        "--follow-symlinks",
        action="store_true",
        default=None,
        help="read files that symlinks in INPUT point to outside INPUT (default: skip and count them)",
    )


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    """--rules: rule folders that replace the shipped ones."""
    parser.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=None,
        metavar="DIR",
        help="rules folder or file; repeat to add more (default: the shipped rules)",
    )


def _add_extraction_options(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """--extractor, --scope, --comments: what counts as a page's content and who decides it."""
    base = Settings()
    for key, choices, text in (
        ("extractor", EXTRACTORS, "HTML main content by trafilatura and line heuristics, by the block model, or auto"),
        ("scope", SCOPES, "keep the main article, or all running text of the page"),
        ("comments", COMMENTS, "drop readers' comments, or keep them as content"),
    ):
        default = getattr(base, key)
        parser.add_argument(
            f"--{key}", choices=choices, default=default if defaults else None, help=f"{text} (default: {default})"
        )
    parser.add_argument(
        "--model", type=Path, default=None, metavar="FILE", help="a block model file (default: the shipped one)"
    )


def _add_input_format_option(parser: argparse.ArgumentParser) -> None:
    """--input-format for the single-document commands."""
    parser.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        default="auto",
        help="treat input as html or text (default: auto, by extension, else by content)",
    )


def resolve_settings(args: argparse.Namespace, **extra: object) -> Resolved:
    """The frozen settings for a run: flags, then the config file, then defaults."""
    flags = {o.key: getattr(args, o.key) for o in OPTIONS}
    return resolve(flags, find_config(args.config, Path.cwd()), extra)


def cmd_run(args: argparse.Namespace) -> int:
    """`cleaner run`: bring OUTPUT up to date; rules and settings are checked before any write."""
    from cleaner.batch.run import run

    settings = resolve_settings(args, full=args.full, rebuild_state=args.rebuild_state).settings
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
        for line in summary(outcome, settings.output_dir):
            log(line, level="warning" if line.startswith((FAILURE_LINE, MORE_FAILURES_LINE)) else "info")
    if outcome.interrupted_by is not None:
        return 128 + outcome.interrupted_by  # 130 for SIGINT, 143 for SIGTERM, as shells report
    return EXIT_FAILURES if outcome.failed else EXIT_OK


def summary(outcome: Outcome, output: Path) -> list[str]:
    """The closing lines of a run: what changed, where the output is, and the failures."""
    plan, failed = outcome.plan, outcome.failed
    statuses = outcome.totals.statuses if outcome.totals else {}
    lines = [
        f"{sum(statuses.values())} files: {statuses.get('kept', 0)} kept, "
        f"{statuses.get('dropped', 0)} dropped, {statuses.get('failed', 0)} failed -> {output} "
        f"(report: {output / 'report.html'})",
        f"this run: {len(plan.new)} new, {len(plan.changed)} changed, {len(plan.unchanged)} unchanged, "
        f"{len(plan.removed)} removed; {outcome.cleaned} cleaned",
    ]
    if outcome.interrupted_by is not None:
        lines.append(f"stopped by {signal.Signals(outcome.interrupted_by).name}; the next run finishes the job")
    lines += [f"{FAILURE_LINE}{r.id}: {r.reason}" for r in failed[:MAX_FAILURES_SHOWN]]
    if len(failed) > MAX_FAILURES_SHOWN:
        lines.append(f"{MORE_FAILURES_LINE}{len(failed) - MAX_FAILURES_SHOWN} more in report.json")
    return lines


class Progress:
    """A progress bar on a terminal; a log line every LOG_EVERY_SECONDS otherwise (cron, CI)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.total = self.done = self.failed = 0
        self.started = self.last_log = time.monotonic()
        self.bar = None

    def start(self, total: int) -> None:
        """Called once the run knows how many files it will clean."""
        self.total = total
        if self.enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)

    def update(self, failed: int) -> None:
        """Count one finished input file, of whose documents `failed` failed."""
        self.done += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.enabled and time.monotonic() - self.last_log >= LOG_EVERY_SECONDS:
            self.last_log = time.monotonic()
            log(self.line(), done=self.done, total=self.total, failed=self.failed)

    def line(self) -> str:
        """A plain progress line: done/total, rate, ETA, failures."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else 0
        return (
            f"{self.done}/{self.total} files, {rate:.1f} files/s, "
            f"ETA {int(eta // 60)}m{int(eta % 60):02d}s, {self.failed} failed"
        )

    def close(self) -> None:
        """Finish the bar, if there is one."""
        if self.bar is not None:
            self.bar.close()


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

    ruleset = load_rules([*(args.rules or [DEFAULT_RULES_DIR]), *args.add_rules])
    settings = Settings(
        input_format=args.input_format,
        extractor=args.extractor,
        scope=args.scope,
        comments=args.comments,
        model=args.model,
        workers=1,
    )
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
    print(show(resolve_settings(args)))
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
