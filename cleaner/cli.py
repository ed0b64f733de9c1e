"""The command line; the only module that sees argv. Exit codes: 0 ok, 1 some files failed, 2 bad usage."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING
from pathlib import Path

from . import __version__
from .config import FORMATS, INPUT_FORMATS, ConfigError, Settings, parse_languages
from .document import Document, Status
from .report import Record
from .rules import RuleError, load_rules
from .state import LockedError

if TYPE_CHECKING:
    from .batch import Outcome

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: How many failures the closing summary lists (all are in report.json).
MAX_FAILURES_SHOWN = 20

#: Without a terminal (cron, CI) progress is a log line this often instead of a bar.
LOG_EVERY_SECONDS = 30.0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the chosen command, return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except (ConfigError, RuleError) as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LockedError as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(prog="cleaner", description="Turn raw web scrapes into a clean text corpus.")
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="clean a folder of scraped files",
        description="Clean every .html/.htm/.xhtml/.txt/.text/.md file (or .gz of one) under INPUT.",
        epilog="example: cleaner run corpus_raw corpus_clean --format both --lang en,de",
    )
    run.add_argument("input", nargs="?", default="corpus_raw", type=Path, help="input folder (default: corpus_raw)")
    run.add_argument("output", nargs="?", default="corpus_clean", type=Path, help="output folder (default: corpus_clean)")
    _add_rules_option(run)
    run.add_argument("--format", choices=FORMATS, default="txt", help="txt tree, documents.jsonl, or both (default: txt)")
    run.add_argument("--lang", default=None, help="keep only these languages, e.g. en,de")
    _add_input_format_option(run)
    run.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    run.add_argument("--max-bytes", type=int, default=None, help="skip larger files as too large (default: 10 MiB)")
    run.add_argument("--timeout", type=float, default=None, help="seconds per file before it is recorded as timed out (default: 60)")
    run.add_argument("--full", action="store_true", help="clean every input again, not only new and changed ones")
    run.add_argument("--quiet", action="store_true", help="no progress and no summary")
    run.set_defaults(handler=cmd_run)

    status = commands.add_parser(
        "status",
        help="the last run's summary and what a run now would do",
        epilog="example: cleaner status corpus_clean",
    )
    status.add_argument("output", nargs="?", default="corpus_clean", type=Path, help="output folder (default: corpus_clean)")
    status.set_defaults(handler=cmd_status)

    explain = commands.add_parser(
        "explain",
        help="show every kept and removed line of one file, with the reason",
        epilog="example: cleaner explain corpus_raw/seed/003_0c92e233fc806f03.txt",
    )
    explain.add_argument("file", type=Path)
    _add_rules_option(explain)
    _add_input_format_option(explain)
    explain.set_defaults(handler=cmd_explain)

    rules = commands.add_parser("rules", help="work with rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)
    check = rules_commands.add_parser(
        "check",
        help="validate rule files and their examples; prints 'ok' when all are valid",
        epilog="example: cleaner rules check rules/",
    )
    check.add_argument("dir", nargs="?", type=Path, default=None, help="rules folder (default: the shipped rules)")
    check.set_defaults(handler=cmd_rules_check)
    return parser


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules", action="append", type=Path, default=None, metavar="DIR",
        help="rules folder or file; repeat to add more (default: the shipped rules/)",
    )


def _add_input_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-format", choices=INPUT_FORMATS, default="auto",
        help="treat inputs as html or text (default: auto, by extension, else by content)",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """The frozen settings for a run, from defaults and flags."""
    given = {
        "input_dir": args.input,
        "output_dir": args.output,
        "format": args.format,
        "languages": parse_languages(args.lang),
        "input_format": args.input_format,
        "quiet": args.quiet,
    }
    if args.rules:
        given["rules_dirs"] = tuple(args.rules)
    if args.workers is not None:
        given["workers"] = args.workers
    if args.max_bytes is not None:
        given["max_bytes"] = args.max_bytes
    if args.timeout is not None:
        given["timeout"] = args.timeout
    if args.full:
        given["full"] = True
    return Settings(**given)


def cmd_run(args: argparse.Namespace) -> int:
    """`cleaner run`: bring OUTPUT up to date; rules and settings are checked before any write."""
    from .batch import run

    settings = settings_from(args)
    if not settings.input_dir.is_dir():
        raise ConfigError(f"input folder {settings.input_dir} does not exist or is not a folder")
    ruleset = load_rules(settings.rules_dirs)
    progress = Progress(enabled=not settings.quiet)
    try:
        outcome = run(settings, ruleset, on_start=progress.start, on_done=progress.update)
    finally:
        progress.close()
    if not settings.quiet:
        print(summary(outcome, settings.output_dir), file=sys.stderr)
    if outcome.interrupted_by is not None:
        return 128 + outcome.interrupted_by  # 130 for SIGINT, 143 for SIGTERM, as shells report
    return EXIT_FAILURES if outcome.failed else EXIT_OK


def summary(outcome: Outcome, output: Path) -> str:
    """The closing lines of a run: what changed, where the output is, and the failures."""
    plan, failed = outcome.plan, outcome.failed
    statuses = outcome.totals.statuses if outcome.totals else {}
    lines = [
        f"cleaner: {sum(statuses.values())} files: {statuses.get('kept', 0)} kept, "
        f"{statuses.get('dropped', 0)} dropped, {statuses.get('failed', 0)} failed -> {output} "
        f"(report: {output / 'report.html'})",
        f"cleaner: this run: {len(plan.new)} new, {len(plan.changed)} changed, {len(plan.unchanged)} unchanged, "
        f"{len(plan.removed)} removed; {outcome.cleaned} cleaned",
    ]
    if outcome.interrupted_by is not None:
        lines.append(f"cleaner: stopped by {signal.Signals(outcome.interrupted_by).name}; the next run finishes the job")
    lines += [f"  failed: {r.id}: {r.reason}" for r in failed[:MAX_FAILURES_SHOWN]]
    if len(failed) > MAX_FAILURES_SHOWN:
        lines.append(f"  ... and {len(failed) - MAX_FAILURES_SHOWN} more in report.json")
    return "\n".join(lines)


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

    def update(self, record: Record) -> None:
        """Count one finished file."""
        self.done += 1
        self.failed += record.status == Status.FAILED.value
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.enabled and time.monotonic() - self.last_log >= LOG_EVERY_SECONDS:
            self.last_log = time.monotonic()
            print(self.line(), file=sys.stderr, flush=True)

    def line(self) -> str:
        """A plain progress line: done/total, rate, ETA, failures."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate else 0
        return (f"cleaner: {self.done}/{self.total} files, {rate:.1f} files/s, "
                f"ETA {int(eta // 60)}m{int(eta % 60):02d}s, {self.failed} failed")

    def close(self) -> None:
        """Finish the bar, if there is one."""
        if self.bar is not None:
            self.bar.close()


def cmd_status(args: argparse.Namespace) -> int:
    """`cleaner status OUTPUT`: the last run's summary and what a run now would do."""
    from .batch import plan_run
    from .config import Settings
    from .state import State

    if not State.exists(args.output):
        raise ConfigError(f"{args.output}: no cleaner run has written here yet")
    state = State(args.output, read_only=True)
    try:
        history = state.history()
        saved = state.meta("settings") or {}
        print(f"cleaner: {args.output}: {len(history)} run(s)")
        if history:
            last = history[-1]
            print(f"last run: {last.started}, {last.seconds:.1f} s: {last.new} new, {last.changed} changed, "
                  f"{last.unchanged} unchanged, {last.removed} removed, {last.failed} failed"
                  + (" (interrupted)" if last.interrupted else ""))
        settings = Settings(
            input_dir=Path(saved.get("input", "corpus_raw")), output_dir=args.output,
            rules_dirs=tuple(Path(p) for p in saved.get("rules", [])) or Settings().rules_dirs,
            format=saved.get("format", "txt"), languages=tuple(saved.get("languages", ())),
            input_format=saved.get("input_format", "auto"), max_bytes=saved.get("max_bytes", Settings().max_bytes),
        )
        if not settings.input_dir.is_dir():
            print(f"a run now: input folder {settings.input_dir} is gone")
            return EXIT_OK
        plan, *_ = plan_run(settings, load_rules(settings.rules_dirs), state)
        print(f"a run now (same settings): {len(plan.new)} new, {len(plan.changed)} changed, "
              f"{len(plan.unchanged)} unchanged, {len(plan.removed)} removed")
    finally:
        state.close()
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """`cleaner explain FILE`: every kept line, and every removed one with its reason."""
    from .corpus import Input, clean_file

    ruleset = load_rules(args.rules) if args.rules else load_rules()
    if not args.file.is_file():
        raise ConfigError(f"{args.file}: no such file")
    doc = clean_file(Input(args.file, args.file.name), Settings(input_format=args.input_format, workers=1), ruleset)
    print(explanation(doc))
    return EXIT_FAILURES if doc.status is Status.FAILED else EXIT_OK


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
        if block.kept:
            lines.append(f"{block.line:5}  keep   {block.text}")
        else:
            lines.append(f"{block.line:5}  DROP   {block.removed}  {block.text}")
    return "\n".join(head + lines)


def cmd_rules_check(args: argparse.Namespace) -> int:
    """`cleaner rules check [DIR]`: load and validate every rule file and its examples."""
    load_rules([args.dir] if args.dir else None)
    print("ok")
    return EXIT_OK
