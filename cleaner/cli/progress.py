"""What `cleaner run` tells the operator while it runs and when it ends: progress and a summary."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.cli.messages import log

if TYPE_CHECKING:
    from cleaner.batch.run import Outcome

#: How many failures the closing summary lists (all are in report.json).
MAX_FAILURES_SHOWN = 20
#: How the summary's lines about failures begin; they are logged at level warning.
FAILURE_LINE, MORE_FAILURES_LINE = "  failed: ", "  ... and "

#: Without a terminal (cron, CI) progress is a log line this often instead of a bar.
LOG_EVERY_SECONDS = 30.0


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


def log_summary(outcome: Outcome, output: Path) -> None:
    """Log the summary: the failures at level warning, the rest at info."""
    for line in summary(outcome, output):
        log(line, level="warning" if line.startswith((FAILURE_LINE, MORE_FAILURES_LINE)) else "info")


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
