"""Shared fixtures: the shared folder, the shipped rules, realistic article text and input trees."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from cleaner import RuleSet, Settings, load_rules
from cleaner.batch import run as batch
from cleaner.batch.run import Outcome

#: Property tests are deterministic (the same examples every run) and keep no example database.
hypothesis_settings.register_profile("cleaner", derandomize=True, database=None, deadline=None)
hypothesis_settings.load_profile("cleaner")

#: /work/main/tests/conftest.py -> /work/shared (the folder next to the project).
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"

#: Article paragraphs long and wordy enough (150+ characters of prose) that the heuristics keep
#: them whatever their exact thresholds; the chrome around them is what the tests are about.
ARTICLE_TITLE = "Council approves new footbridge over the river"
ARTICLE_PARAGRAPHS = (
    "The town council voted on Tuesday evening to build a new footbridge across the river, "
    "ending a debate that has divided residents of both banks for almost a decade.",
    "The bridge, which will link the old market square with the railway station, is expected "
    "to cost about four million pounds and should open in the spring of 2026.",
    "Opponents had argued that the money would be better spent on repairing the roads, while "
    "shopkeepers on the north bank said the crossing would bring them new customers.",
    "The council leader thanked residents for taking part in three public consultations and "
    "promised that the works would not close the riverside path for more than a few weeks.",
)

GERMAN_PARAGRAPHS = (
    "Der Gemeinderat hat am Dienstagabend beschlossen, eine neue Fußgängerbrücke über den Fluss "
    "zu bauen, und damit eine Debatte beendet, die die Bewohner seit fast zehn Jahren gespalten hat.",
    "Die Brücke soll den alten Marktplatz mit dem Bahnhof verbinden. Sie wird nach Angaben der "
    "Verwaltung rund vier Millionen Euro kosten und im Frühjahr des übernächsten Jahres eröffnet.",
    "Die Gegner hatten argumentiert, das Geld solle besser in die Reparatur der Straßen fließen, "
    "während die Geschäftsleute am Nordufer sich von der Brücke neue Kundschaft versprechen.",
)


def normalise(line: str) -> str:
    """A line compared by content: whitespace (including no-break spaces) collapsed."""
    return " ".join(line.split())


def non_empty_lines(text: str) -> list[str]:
    """The non-empty lines of a text, whitespace collapsed."""
    return [normalise(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder (acceptance seeds, bench); tests that need it skip when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared folder {SHARED_DIR} not present")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    """The seed acceptance set: raw/, expected/ and expected.jsonl."""
    folder = shared / "acceptance" / "seeds"
    if not (folder / "raw").is_dir():
        pytest.skip(f"seed acceptance set {folder} not present")
    return folder


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    """The shipped rules, loaded once."""
    return load_rules()


@pytest.fixture(scope="session")
def article_text() -> str:
    """A plain-text article: headline, then paragraphs of prose."""
    return "\n\n".join((ARTICLE_TITLE, *ARTICLE_PARAGRAPHS)) + "\n"


@pytest.fixture(scope="session")
def german_text() -> str:
    """A German plain-text article without a headline."""
    return "\n\n".join(GERMAN_PARAGRAPHS) + "\n"


def page(body: str, head: str = "", title: str = ARTICLE_TITLE) -> str:
    """A whole HTML page around a body."""
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>\n'
        f"<body>{body}</body></html>\n"
    )


def article_html(extra_body: str = "", head: str = "") -> str:
    """An HTML page with the article in <main><article> and extra markup around it."""
    paragraphs = "".join(f"<p>{p}</p>\n" for p in ARTICLE_PARAGRAPHS)
    body = f"<main><article><h1>{ARTICLE_TITLE}</h1>\n{paragraphs}</article></main>\n{extra_body}"
    return page(body, head)


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[[dict[str, bytes | str]], Path]:
    """Write {relative path: content} under tmp_path/"in" and return that folder."""

    def write(files: dict[str, bytes | str]) -> Path:
        root = tmp_path / "in"
        root.mkdir(exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
        return root

    return write


def tmp_leftovers(folder: Path) -> list[Path]:
    """Temporary files the atomic writers would leave behind on a failure (.NAME.XXXX.tmp)."""
    return [p for p in folder.rglob("*") if re.fullmatch(r"\..*\.tmp", p.name)]


# --- batch runs ----------------------------------------------------------------------------------

#: Files a run writes that carry its history (timestamps, durations), so differ between runs.
RUN_REPORTS = ("report.json", "report.html")


@functools.cache
def shipped_rules() -> RuleSet:
    """The shipped rules, loaded once (for helpers that cannot take the `ruleset` fixture)."""
    return load_rules()


@dataclass
class Batch:
    """A finished batch run: what cleaner.batch.run.run returned and the report.json it wrote."""

    outcome: Outcome
    report: dict

    @property
    def documents(self) -> list[dict]:
        """The per-document records, in report.json's order."""
        return self.report["documents"]

    @property
    def records(self) -> dict[str, dict]:
        """The per-document records by id."""
        return {d["id"]: d for d in self.documents}

    @property
    def skipped(self) -> dict[str, int]:
        return self.report["skipped"]

    @property
    def counts(self) -> dict[str, int]:
        """This run's new / changed / unchanged / removed counts, as report.json states them."""
        return self.report["run"]


def run_batch(inp: Path, out: Path, ruleset: RuleSet | None = None, **options) -> Batch:
    """Run cleaner.batch.run.run over inp into out (one worker unless told) and read back report.json."""
    options.setdefault("workers", 1)
    # Most tests copy one article into many files of a folder, which makes every line a site
    # template; template removal has its own tests (test_templates.py).
    options.setdefault("templates", "off")
    outcome = batch.run(Settings(input_dir=inp, output_dir=out, **options), ruleset or shipped_rules())
    return Batch(outcome, json.loads((out / "report.json").read_text(encoding="utf-8")))


#: The folder of the report's other pages (report_layout.PAGES_DIR): a report, not an output.
REPORT_PAGES = "report-pages"


def output_files(out: Path) -> dict[str, bytes]:
    """Every output a run leaves in OUT (the .txt tree, documents.jsonl, stray files), by relative
    path; not the state folder and not the reports, which carry the run history."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] not in (".cleaner", REPORT_PAGES) and rel.as_posix() not in RUN_REPORTS:
            files[rel.as_posix()] = path.read_bytes()
    return files


def report_pages(out: Path) -> dict[str, bytes]:
    """The report's pages beside report.html (no run history in them: the same from run to run)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / REPORT_PAGES).rglob("*")) if p.is_file()
    }


# --- pages that cost a worker too much ----------------------------------------------------------


def many_links_page(links: int = 200_000) -> bytes:
    """A page of `links` links (200,000 took a worker to 1.3 GB before the memory guard)."""
    anchors = "".join(f'<a href="/p{n}">link {n}</a> ' for n in range(links))
    return page(f"<p>{ARTICLE_PARAGRAPHS[0]}</p>{anchors}").encode()


def nested_tables_page(size: int = 9_000_000, depth: int = 3) -> bytes:
    """A page of `size` bytes of tables nested `depth` deep (9 MB took over 120 s before the guards)."""
    unit = "<table><tr><td>" * depth + "cell text here " + "</td></tr></table>" * depth
    return page(unit * (size // len(unit))).encode()


@contextlib.contextmanager
def tmpfs(point: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` (mount's notation: 192k, 16m) mounted on the new folder `point`, unmounted
    after; the test is skipped where the machine does not allow mounting."""
    point.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
