"""`cleaner rules check` and `cleaner rules test` on a folder of Full-Text RSS site files.

`check` parses every file (a run parses only the sites it meets) and sums up what the cleaner will
apply, what it counts and ignores, and what it skips, with the file, line and reason of each skip.
`test` checks each file's own examples (test_url + test_contains) on pages found locally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.rules.formats.ftr import FLAGS, SITE_FILE_RE, FtrFolder, SiteConfig, SiteTest, Skipped, host_of

#: What each flag does here, for the summary (and the README).
FLAG_NOTES = {
    "tidy": "ignored: lxml's lenient parser already repairs the markup, as tidy would",
    "prune": "ignored (yes/no): the extractor's own chrome stripping always runs inside the body",
    "autodetect_on_failure": "ignored: where no body XPath matches, the whole page is extracted, as with yes",
}

#: A file in the folder that is not a site file, and what it is.
NOT_SITE_FILES = {"global.txt": "Full-Text RSS's defaults for every site: not applied, every other host stays as it is"}


@dataclass(slots=True)
class Summary:
    """What `rules check` found in a folder."""

    folder: str
    sites: int = 0
    applied: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    network: Counter[str] = field(default_factory=Counter)
    unused: Counter[str] = field(default_factory=Counter)
    skipped_files: list[Skipped] = field(default_factory=list)
    skipped_lines: list[Skipped] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)

    def add(self, site: SiteConfig) -> None:
        """Count one parsed site file."""
        self.sites += 1
        self.applied.update(d for d in site.applied if d not in FLAGS)
        self.flags.update(d for d in site.applied if d in FLAGS)
        self.network.update(site.network)
        self.unused.update(site.unused)
        self.skipped_lines += site.skipped

    def lines(self) -> Iterator[str]:
        """The summary as printed."""
        yield f"{self.folder}: Full-Text RSS site configs: {self.sites} sites loaded"
        yield f"  files skipped: {len(self.skipped_files)}; lines skipped: {len(self.skipped_lines)}"
        yield "  directives applied: " + _counts(self.applied)
        for flag, note in FLAG_NOTES.items():
            yield f"  flag {flag}: {self.flags[flag]} ({note})"
        yield f"  needs the network, ignored ({sum(self.network.values())}): " + _counts(self.network)
        yield f"  no effect on the text, ignored ({sum(self.unused.values())}): " + _counts(self.unused)
        for name in self.other_files:
            yield f"  not a site file: {name}" + (f" ({NOT_SITE_FILES[name]})" if name in NOT_SITE_FILES else "")
        for skipped in [*self.skipped_files, *self.skipped_lines]:
            yield f"  skipped: {skipped}"


def _counts(counter: Counter[str]) -> str:
    """'name count, ...', the largest first (ties by name)."""
    return ", ".join(f"{k} {n}" for k, n in sorted(counter.items(), key=lambda kn: (-kn[1], kn[0]))) or "none"


def check(path: Path) -> Summary:
    """Parse every site file of a folder; never raises on what the files hold."""
    folder = FtrFolder(path, log_skips=False)  # the summary lists them
    summary = Summary(str(path))
    summary.other_files = sorted(p.name for p in path.iterdir() if p.is_file() and not SITE_FILE_RE.match(p.name))
    for name, file in folder.names.items():
        site = folder.site(name)
        if site is None:
            summary.skipped_files.append(Skipped(str(file), 0, "", "cannot be read as UTF-8 text"))
        else:
            summary.add(site)
    return summary


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test_url checked on a local page: the texts its clean text lacks (none: it passed)."""

    site: str
    url: str
    page: str
    missing: tuple[str, ...]


def url_key(url: str) -> str:
    """A URL compared loosely: no scheme, no `www.`, no fragment, no trailing slash."""
    host = host_of(url) or ""
    rest = url.split("//", 1)[-1].split("#", 1)[0]
    rest = rest[rest.find("/") :] if "/" in rest else ""
    return host.removeprefix("www.") + rest.rstrip("/")


def site_tests(folder: FtrFolder) -> dict[str, tuple[str, SiteTest]]:
    """Every test_url with texts to look for, by url_key: (site name, test)."""
    tests: dict[str, tuple[str, SiteTest]] = {}
    for name in folder.names:
        site = folder.site(name)
        for test in site.tests if site is not None else ():
            if test.contains:
                tests.setdefault(url_key(test.url), (name, test))
    return tests


def run_tests(tests: dict[str, tuple[str, SiteTest]], pages: Iterable[tuple[str, str | None, str]]) -> list[TestResult]:
    """Check the tests whose URL is one of the pages (id, URL, clean text)."""
    results = []
    for page, url, text in pages:
        found = tests.get(url_key(url)) if url else None
        if found is None:
            continue
        name, test = found
        flat = " ".join(text.split())
        missing = tuple(t for t in test.contains if " ".join(t.split()) not in flat)
        results.append(TestResult(name, test.url, page, missing))
    return results
