"""The nightly batch: plan what changed, clean it in a pool of worker processes, record progress.

Two passes. Pass one cleans every new or changed input file in the workers and stores each
document, cleaned, with the keys of its lines. Pass two derives each changed site's template
lines from the stored counts, then writes the outputs of every document not yet written with its
site's current template set; no document is cleaned twice for it.

Safe to interrupt at any moment: every output is written atomically before its state row is
committed, so the next run picks up exactly what is missing. The outputs do not depend on the
number of workers or on the order files finish in.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import logging
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cleaner import identity
from cleaner.batch import collector
from cleaner.batch.engines import engine
from cleaner.batch.engines.base import RUN_FAILURES, Cleaned, Stop
from cleaner.batch.reporting import report_run
from cleaner.batch.settings import ConfigError, Settings
from cleaner.batch.state import RETRY_ALWAYS, Plan, RecordError, RunStats, Saved, Seen, SiteTemplate, State, encode
from cleaner.corpus import dedup, templates
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import Document, Status
from cleaner.identity import __version__
from cleaner.io import writers
from cleaner.io.atomic import sweep_temp_files
from cleaner.io.discover import Input, discover, output_paths, page_output
from cleaner.io.readers import is_container
from cleaner.io.writers import OutputRecord, WriterOptions, txt
from cleaner.io.writers.jsonl import jsonl_record
from cleaner.report.html.index import Listing
from cleaner.report.html.pages import write_document_page
from cleaner.report.totals import Record, Totals
from cleaner.rules.ruleset import RuleSet

LOG = logging.getLogger(__name__)

#: What the reason of a failure by --max-bytes says (pipeline.too_large).
MAX_BYTES_HINT = "see --max-bytes"


@dataclass(slots=True)
class Outcome:
    """What a run did, for the command line's summary and exit code."""

    plan: Plan
    cleaned: int = 0
    failed: list[Record] = field(default_factory=list)
    interrupted_by: int | None = None  # the signal that stopped the run, if one did
    stats: RunStats | None = None
    totals: Totals | None = None  # over every current document, cleaned now or before


def fingerprint(settings: Settings, ruleset: RuleSet) -> str:
    """What decides a document's cleaned record besides its bytes: the cleaner itself (its code and
    data, the libraries that shape the text), the rules and the options that change the cleaning
    (those Settings declares with fingerprint=..., see Settings.fingerprint).

    The output format is not here: outputs are written from the stored records, so switching it
    rewrites outputs without cleaning anything again. Nor is --max-bytes: a change of it cleans
    again only the files it failed (limits()).
    """
    data = json.dumps(
        [__version__, identity.code_digest(), identity.library_versions(), ruleset.fingerprint, settings.fingerprint()],
        separators=(",", ":"),
    )
    # A digest, not the JSON (about 450 characters): it is stored on every document's row and
    # compared by planning's query for every file (the JSON cost a quarter of that query at 100,000).
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def limits(settings: Settings) -> str:
    """The limits a failure may depend on: a file failed by them is cleaned again when they change."""
    return f"max_bytes={settings.max_bytes}"


def retry_of(doc: Document, settings: Settings) -> str | None:
    """When a document is worth cleaning again although its file has not changed: a failure caused
    by the run (a worker killed, a timeout), always; one caused by --max-bytes, when it changes."""
    if doc.status is not Status.FAILED or doc.reason is None:
        return None
    if doc.reason.startswith(RUN_FAILURES):
        return RETRY_ALWAYS
    return limits(settings) if MAX_BYTES_HINT in doc.reason else None


def plan_run(
    settings: Settings, ruleset: RuleSet, state: State
) -> tuple[Plan, list[Input], dict[str, str | None], dict]:
    """Find the inputs and sort them into new, changed, unchanged and removed."""
    inputs, skipped = discover(
        settings.input_dir, settings.output_dir, settings.input_format == "auto", settings.follow_symlinks
    )
    # Planned whatever the format (it only decides which are written): a container's pages have their own.
    targets: dict[str, str | None] = {i.id: None for i in inputs}
    targets.update(output_paths(inputs))
    plan = state.planner.plan(
        ((i.id, i.file, targets[i.id], i.seen) for i in inputs),
        fingerprint(settings, ruleset),
        settings.full,
        limits(settings),
        state.planner.outdated(ruleset.site_key),
    )
    return plan, inputs, targets, dict(sorted(skipped.items()))


def run(
    settings: Settings,
    ruleset: RuleSet,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> Outcome:
    """Bring settings.output_dir up to date with settings.input_dir; return what was done.

    on_start gets the number of tasks (input files, or parts of large containers) to clean;
    on_done, once per task cleaned, the number of its documents that failed.
    """
    started, clock = datetime.now(UTC).isoformat(timespec="seconds"), time.monotonic()
    out = settings.output_dir
    check_folders(settings.input_dir, out)
    with State(out, rebuild=settings.rebuild_state) as state:
        with collector.paused():
            plan, inputs, targets, skipped = plan_run(settings, ruleset, state)
        outcome = Outcome(plan)
        sweep_temp_files(out)
        _clear_stale_outputs(state, plan, targets, out)
        if writers.documents_switched(state.meta("format"), settings.formats):
            # the .txt tree written or removed from the stored records: nothing is cleaned again
            state.documents.rewrite_all()
        planned = plan.todo  # a set made once: the property makes one per use (100,000 on a first run)
        # split by the size discovery read (0 if it could not: cleaning says why)
        todo = [task for i in inputs if i.id in planned for task in i.split((i.seen or (0, 0))[0])]
        if on_start is not None:
            on_start(len(todo))
        recorder = _Recorder(state, settings, ruleset, targets, outcome, on_done)
        with _stop_on_signals() as stop:
            recorder.clean(todo, stop)
            recorder.finish(stop)
            if not stop.requested:
                duplicates, moved = _apply_dedup(state, settings, out)
                recorder.catch_up()
                # pages were written as kept before the clusters were known
                recorder.write_pages(sorted(moved | (recorder.written & duplicates.keys())), duplicates)
        state.commit()
        outcome.interrupted_by = stop.signal
        # The corpus formats, from the stored records (the .txt tree is written in pass two, per
        # document); those no longer asked for are removed.
        writers.write_all(out, state, settings.formats, WriterOptions(settings.index_name))
        if not stop.requested:
            state.set_meta("format", settings.format)
        with collector.paused():
            outcome.totals = report_run(
                state,
                settings,
                plan,
                skipped,
                functools.partial(_run_row, outcome, started, clock),
                ruleset.site_skips(state.documents.rule_hosts),
            )
    return outcome


def check_folders(input_dir: Path, output_dir: Path) -> None:
    """Refuse (ConfigError, before anything is written) an OUTPUT that is INPUT or holds it: the
    outputs would replace inputs, or INPUT would look empty. OUTPUT inside INPUT is fine: it is
    never read as input."""
    inp, out = input_dir.resolve(), output_dir.resolve()
    if output_dir.exists() and not output_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "OUTPUT is a file, not a folder", str(output_dir))
    if inp == out:
        raise ConfigError(f"INPUT and OUTPUT are the same folder ({input_dir}); give OUTPUT a folder of its own")
    if out in inp.parents:
        raise ConfigError(f"INPUT {input_dir} is inside OUTPUT {output_dir}; give OUTPUT a folder of its own")


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[Stop]:
    """SIGINT and SIGTERM set a Stop flag instead of killing the run, for the duration."""
    stop = Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@dataclass(slots=True)
class _Recorder:
    """Pass one stores each cleaned input file; pass two writes outputs and records."""

    state: State
    settings: Settings
    ruleset: RuleSet
    targets: dict[str, str | None]
    outcome: Outcome
    on_done: Callable[[int], None] | None
    sites: dict[str, SiteTemplate] = field(default_factory=dict)  # template sets, read once per site
    written: set[str] = field(default_factory=set)  # the documents whose outputs this run wrote

    def clean(self, items: list[Input], stop: Stop) -> None:
        """Pass one: clean the tasks in the worker pool and store each as it finishes; an input
        file is complete when its last part is stored."""
        if not items:
            return
        fp = fingerprint(self.settings, self.ruleset)
        open_files: dict[str, tuple[set[str], int]] = {}  # file id -> ids stored so far, parts left
        for item, results in engine(self.settings.engine)(items, self.settings, self.ruleset, stop, self.state.lock_fd):
            self.state.documents.save_pages(item.id, [self._saved(item, r, fp) for r in results])
            failed = [Record.of(r.doc, 0, None, _site(r.doc)) for r in results if r.doc.status is Status.FAILED]
            self.outcome.failed.extend(failed)  # a failure is final here: templates only touch kept text
            ids, left = open_files.pop(item.id, (set(), item.parts))
            ids |= {r.doc.id for r in results}
            if left > 1:
                open_files[item.id] = (ids, left - 1)
            else:
                self._complete(item.id, ids, fp)
            if self.on_done is not None:
                self.on_done(len(failed))

    def _complete(self, source: str, ids: set[str], fp: str) -> None:
        """Every part of an input file is stored: remove the pages it no longer has, mark it done."""
        stale = self.state.planner.stale(source, ids)
        for _, output in stale:
            if output:
                writers.remove_document(self.settings.output_dir, output)
        self.state.documents.complete_source(source, [doc_id for doc_id, _ in stale], fp)
        self.outcome.cleaned += 1

    def _saved(self, item: Input, result: Cleaned, fp: str) -> Saved:
        """What pass one stores of one cleaned document."""
        doc = result.doc
        output = self.targets[item.id] if doc.source is None else None
        if doc.part is not None:
            output = page_output(item.id, doc.part)
        seen = Seen(doc.size, doc.mtime_ns, doc.sha256, fp, output)
        retry = retry_of(doc, self.settings)
        key = self.ruleset.site_key(doc.rule_host)
        cleaned, chrome = encode(doc, result.fingerprint), frozenset(result.chrome)
        return Saved(doc.id, seen, _site(doc), cleaned, result.keys, retry, doc.rule_host, key, chrome)

    def finish(self, stop: Stop) -> None:
        """Pass two: derive the changed sites' template sets, then write what is not up to date.

        It runs after a stop signal that came while cleaning (writing is quick, and keeps what
        was cleaned); a signal that comes while it runs ends it (the next run finishes it).
        """
        signals = stop.count
        self.state.templates.update(self.settings.template_thresholds)
        self.sites.clear()
        for doc_id in self.state.documents.unfinished():
            if stop.count > signals:
                return
            self.write(doc_id)

    def _applied(self, doc_id: str) -> tuple[Document, Fingerprint | None, str | None, str, SiteTemplate] | None:
        """A stored document with its site's template lines removed, and its fingerprint, output
        path, site and template set; None (and a warning) if its record cannot be read."""
        try:
            doc, text_fp, output, site = self.state.documents.load(doc_id)
        except RecordError as exc:
            LOG.warning("%s: the state's record cannot be read (%s); it is cleaned again next run", doc_id, exc)
            return None
        if site not in self.sites:
            self.sites[site] = self.state.templates.site_template(site)
        template = self.sites[site]
        if doc.status is Status.KEPT and templates.remove_template_lines(doc, template.keys):
            if not doc.text.strip():
                doc.drop("no text left after removing the site's template lines")
            kept = doc.status is Status.KEPT
            text_fp = dedup.fingerprint(doc.text, signature=self.settings.dedup == "near") if kept else None
        return doc, text_fp, output, site, template

    def catch_up(self) -> None:
        """Write what is missing from OUTPUT although its document is up to date: outputs of
        documents no longer duplicates or deleted by hand, report pages deleted or lost."""
        presence = self.state.documents.presence(self.settings.output_dir)
        for doc_id in self.state.documents.missing_outputs(presence):
            self.write(doc_id)
        for doc_id in self.state.documents.missing_pages(presence):
            self.write_page(doc_id)
        self.state.documents.keep_presence(presence)

    def write_page(self, doc_id: str, duplicate_of: str | None = None) -> None:
        """Write a document's report page again (deleted by hand, lost with a crash, or a duplicate's)."""
        applied = self._applied(doc_id)
        if applied is not None:
            doc, _, _, site, _ = applied
            if duplicate_of is not None:
                doc.drop(f"duplicate-of:{duplicate_of}")  # the reason the state's records give it
            write_document_page(
                self.settings.output_dir, self.settings.input_dir, doc, asdict(Record.of(doc, 0, None, site))
            )

    def write_pages(self, doc_ids: list[str], duplicates: dict[str, str]) -> None:
        """Write these documents' pages again, as duplicates where they are."""
        for doc_id in doc_ids:
            self.write_page(doc_id, duplicates.get(doc_id))

    def write(self, doc_id: str) -> None:
        """Remove a stored document's template lines, write its outputs, then record it.

        A stored document that cannot be read is left as it is (its earlier outputs too) and its
        input is cleaned again by the next run.
        """
        applied = self._applied(doc_id)
        if applied is None:
            return
        doc, text_fp, output, site, template = applied
        fields = jsonl_record(doc) if doc.status is Status.KEPT else None
        try:
            record = _write_outputs(doc, fields, output, self.settings, site)
        except OSError as exc:
            if exc.errno != errno.ENAMETOOLONG:
                raise  # the environment's (a full disk...): the command line says what to do
            doc.fail(f"cannot write its output: the path is too long for the file system ({output})")
            record, text_fp, fields = Record.of(doc, 0, None, site), None, None
            self.outcome.failed.append(record)
        # Stored whatever the formats: the corpus formats are rendered from it (writers.write_all).
        jsonl = json.dumps(fields, ensure_ascii=False) if fields is not None else None
        # its page in the report: written here, so a run writes pages only for what it changed
        data = asdict(record)
        write_document_page(self.settings.output_dir, self.settings.input_dir, doc, data)
        # rendered once: the lists take it from the state
        self.state.documents.finish(doc_id, template.hash, data, jsonl, text_fp, Listing.of(data))
        self.written.add(doc_id)


def _apply_dedup(state: State, settings: Settings, out: Path) -> tuple[dict[str, str], set[str]]:
    """Cluster duplicates (none when dedup is off) and remove their outputs.

    Returns each duplicate's keeper, and the documents that became, or stopped being, a duplicate
    (or changed keeper) in this run.
    """
    before = {doc_id: keeper for keeper, ids in state.duplicates.clusters().items() for doc_id in ids}
    duplicates = {}
    if settings.dedup != "off":
        duplicates = dedup.clusters(state.duplicates.fingerprints(), settings.dedup, settings.dedup_threshold)
    state.duplicates.replace(duplicates)
    for doc_id in duplicates:  # all, not only new ones: a crash may have left one behind
        output = state.planner.output_of(doc_id)
        if output:
            writers.remove_document(out, output)
    return duplicates, {d for d in before.keys() | duplicates.keys() if before.get(d) != duplicates.get(d)}


def _site(doc: Document) -> str:
    """The site a document's lines are counted against."""
    return templates.site_of(doc.id, doc.url, doc.source)


def _write_outputs(
    doc: Document, fields: dict[str, Any] | None, target: str | None, settings: Settings, site: str
) -> Record:
    """Write a document's own files at its output path (a kept one's, from its documents.jsonl
    fields; a dropped or failed one has none), and give its record."""
    if target is not None:
        source = doc.source if doc.source is not None else doc.id
        record = OutputRecord.of_fields(doc.id, fields, site, source, doc.mtime_ns) if fields is not None else None
        writers.write_document(settings.output_dir, target, record, settings.formats)
    if fields is None:
        return Record.of(doc, 0, None, site)
    output = target if writers.writes_documents(settings.formats) else None
    # bytes out: the size of its .txt file, whether or not that is written (what the report has always counted)
    return Record.of(doc, len(txt.render(doc.text)), output, site)


def _clear_stale_outputs(state: State, plan: Plan, targets: dict[str, str | None], out: Path) -> None:
    """Before any write: remove outputs of inputs that are gone, and old paths no input claims now.

    Doing this first, and never touching a path another document now owns, keeps the outputs
    independent of the order in which files finish.
    """
    claimed = {t for t in targets.values() if t}
    for source in [*plan.removed, *sorted(plan.todo)]:
        for previous in state.planner.outputs_of_source(source):
            if previous not in claimed and (source in plan.removed or not is_container(source)):
                writers.remove_document(out, previous)
    for source in plan.removed:
        state.documents.forget_source(source)


def _run_row(outcome: Outcome, started: str, clock: float, totals: Totals) -> RunStats:
    """This run's row of the history, kept in the outcome too."""
    outcome.stats = _stats(started, clock, outcome.plan, totals, outcome)
    return outcome.stats


def _stats(started: str, clock: float, plan: Plan, totals: Totals, outcome: Outcome) -> RunStats:
    """The history row of this run."""
    return RunStats(
        started=started,
        seconds=round(time.monotonic() - clock, 3),
        new=len(plan.new),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        removed=len(plan.removed),
        failed=len(outcome.failed),
        bytes_in=totals.bytes_in,
        bytes_out=totals.bytes_out,
        interrupted=outcome.interrupted_by is not None,
        chars_in=totals.chars_in,
        chars_out=totals.chars_out,
    )
