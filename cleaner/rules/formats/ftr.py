"""Full-Text RSS site configs (fivefilters/ftr-site-config): one `<host>.txt` file per site.

A file holds `directive: value` lines (`#` comments); values are XPath 1.0 or plain strings, and
directives repeat (tried in order). A folder of them is read lazily: listing it at start-up costs
a directory read; a site's file is parsed the first time a document of its host appears, once per
process. A file written by others is never trusted to be well-formed: a line that cannot be used
is skipped with one message naming the file, the line and the directive, and counted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from lxml.html import document_fromstring

from cleaner.io.urls import web_host

LOG = logging.getLogger(__name__)

#: A site file's name: a host (`example.com.txt`) or a leading-dot domain (`.example.com.txt`).
SITE_FILE_RE = re.compile(r"^\.?[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\.txt$")

#: `directive: value` or `directive(argument): value` (replace_string(find), http_header(name)).
LINE_RE = re.compile(r"^([a-z_]+)(?:\((.*?)\))?\s*:(.*)$")

#: Directives whose value is XPath naming elements (or strings, for the metadata ones).
XPATH_DIRECTIVES = ("body", "strip", "title", "date", "author")
#: Directives whose value is a plain string matched against the page.
STRING_DIRECTIVES = ("strip_id_or_class", "strip_image_src")
#: Raw-text substitutions, applied in pairs before parsing.
SUBSTITUTIONS = ("find_string", "replace_string")
#: Yes/no flags. `prune` is one in the format (Readability's pruning inside the body); a `prune`
#: whose value is XPath instead names elements to remove, as `strip` does.
FLAGS = ("tidy", "prune", "autodetect_on_failure")
TESTS = ("test_url", "test_contains")
YES, NO = frozenset({"yes", "true", "1"}), frozenset({"no", "false", "0"})

#: Directives that need the network (fetching other pages, logging in, HTTP headers): the cleaner
#: reads pages it is given and never fetches, so these are counted and listed, never applied.
NETWORK_DIRECTIVES = frozenset(
    {
        "single_page_link",
        "single_page_link_in_feed",
        "next_page_link",
        "autodetect_next_page",
        "http_header",
        "requires_login",
        "login_uri",
        "login_username_field",
        "login_password_field",
        "login_extra_fields",
        "not_logged_in_xpath",
        "if_page_contains",  # a condition on single_page_link / next_page_link
    }
)

#: Directives that change attributes, wrappers or images but not the text, or that only Full-Text
#: RSS's own pipeline knows (its parser choice, JSON-LD, footnotes): counted, not applied.
NO_TEXT_DIRECTIVES = frozenset(
    {
        "strip_attr",
        "post_strip_attr",
        "dissolve",
        "wrap_in",
        "move_into",
        "insert_detected_image",
        "src_lazy_load_attr",
        "convert_double_br_tags",
        "strip_comments",
        "footnotes",
        "parser",
        "skip_json_ld",
        "native_ad_clue",
        "skip_id_or_class",
    }
)

#: Every XPath is tried at load time on this page: a syntax error and an unknown function
#: (`ends-with`, XPath 2) both show there, so a broken expression is skipped before any page.
PROBE = document_fromstring(
    '<html><head><title>t</title></head><body><div class="c" id="i"><p>p</p></div></body></html>'
)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line (or a whole file, line 0) that could not be used, and why."""

    path: str
    line: int
    directive: str
    why: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.directive}: {self.why}" if self.directive else f"{where}: {self.why}"


@dataclass(frozen=True, slots=True)
class Skips:
    """What site files could not be used: whole files (unreadable) and lines, each with its reason."""

    files: tuple[Skipped, ...] = ()
    lines: tuple[Skipped, ...] = ()


@dataclass(frozen=True, slots=True)
class SiteTest:
    """A page of the site (test_url) and the texts its extraction must contain."""

    url: str
    contains: tuple[str, ...] = ()


@dataclass(slots=True)
class SiteConfig:
    """One site file, parsed: the directives the cleaner applies, and what it counted but did not."""

    name: str  # the file's site: "example.com" or ".example.com"; reasons read rule:ftr/<name>/...
    path: str
    body: list[str] = field(default_factory=list)
    strip: list[tuple[str, str]] = field(default_factory=list)  # (directive, XPath), in file order
    title: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    replacements: list[tuple[str, str]] = field(default_factory=list)  # (find, replace), in order
    flags: dict[str, bool] = field(default_factory=dict)
    tests: list[SiteTest] = field(default_factory=list)
    network: list[str] = field(default_factory=list)  # directive names, as often as they occur
    unused: list[str] = field(default_factory=list)  # NO_TEXT_DIRECTIVES met
    applied: list[str] = field(default_factory=list)  # every directive used, for `rules check`
    skipped: list[Skipped] = field(default_factory=list)


def parse_site(path: Path, name: str, text: str) -> SiteConfig:
    """Parse one site file's text; unusable lines are recorded in `skipped`, never raised."""
    site = SiteConfig(name, str(path))
    finds: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = LINE_RE.match(line)
        if found is None:
            site.skipped.append(Skipped(site.path, number, "", f"not a 'directive: value' line: {line[:60]!r}"))
            continue
        directive, argument, value = found.group(1), found.group(2), found.group(3).strip()
        why = _add(site, directive, argument, value, finds)
        if why:
            site.skipped.append(Skipped(site.path, number, directive, why))
    if finds:
        site.skipped.append(Skipped(site.path, 0, "find_string", f"{len(finds)} find_string without replace_string"))
    return site


def _add(site: SiteConfig, directive: str, argument: str | None, value: str, finds: list[str]) -> str | None:
    """Add one directive to the site; return why it was skipped, or None."""
    if directive in NETWORK_DIRECTIVES:
        site.network.append(directive)
        return None
    if directive in NO_TEXT_DIRECTIVES:
        site.unused.append(directive)
        return None
    if directive in SUBSTITUTIONS:
        return _substitution(site, directive, argument, value, finds)
    if not value:
        return "empty value"
    if directive == "prune" and value.lower() not in YES | NO:  # an XPath: elements to remove
        why = _xpath_error(value)
        if why is None:
            site.strip.append(("prune", value))
            site.applied.append("prune")
        return why
    if directive in FLAGS:
        return _flag(site, directive, value)
    if directive in TESTS:
        return _test(site, directive, value)
    if directive in STRING_DIRECTIVES:
        site.strip.append((directive, string_xpath(directive, value)))
        site.applied.append(directive)
        return None
    if directive not in XPATH_DIRECTIVES:
        return "unknown directive"
    why = _xpath_error(value)
    if why is not None:
        return why
    if directive == "strip":
        site.strip.append((directive, value))
    else:
        getattr(site, directive).append(value)
    site.applied.append(directive)
    return None


def _substitution(site: SiteConfig, directive: str, argument: str | None, value: str, finds: list[str]) -> str | None:
    """find_string / replace_string pairs, and the one-line replace_string(find): replace form."""
    if directive == "find_string":
        if not value:
            return "empty value"
        finds.append(value)
        return None
    find = argument if argument is not None else (finds.pop(0) if finds else None)
    if not find:
        return "replace_string without a find_string before it"
    site.replacements.append((find, value))
    site.applied.append("find_string/replace_string")
    return None


def _flag(site: SiteConfig, directive: str, value: str) -> str | None:
    """A yes/no flag."""
    word = value.lower()
    if word not in YES | NO:
        return f"expected yes or no, got {value[:40]!r}"
    site.flags[directive] = word in YES
    site.applied.append(directive)
    return None


def _test(site: SiteConfig, directive: str, value: str) -> str | None:
    """test_url opens an example; test_contains adds a text to the latest one."""
    if directive == "test_url":
        site.tests.append(SiteTest(value))
    elif not site.tests:
        return "test_contains without a test_url before it"
    else:
        last = site.tests[-1]
        site.tests[-1] = SiteTest(last.url, (*last.contains, value))
    site.applied.append(directive)
    return None


def string_xpath(directive: str, value: str) -> str:
    """The XPath Full-Text RSS builds for strip_id_or_class (a substring of class or id) and
    strip_image_src (a substring of an image's src)."""
    literal = _xpath_literal(value)
    if directive == "strip_image_src":
        return f"//img[contains(@src, {literal})]"
    return f"//*[contains(@class, {literal}) or contains(@id, {literal})]"


def _xpath_literal(value: str) -> str:
    """A string as an XPath 1.0 literal (which has no escapes: quotes are joined with concat())."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in value.split("'")) + ")"


def _xpath_error(expression: str) -> str | None:
    """Why an XPath cannot be used (syntax, unknown function), or None."""
    try:
        compiled(expression)(PROBE)
    except (etree.XPathError, TypeError, ValueError) as exc:
        return f"bad XPath {expression[:80]!r}: {exc}"
    return None


@functools.cache
def compiled(expression: str) -> etree.XPath:
    """An XPath compiled once per process (the same expression recurs across sites)."""
    return etree.XPath(expression)


def host_of(url: str | None) -> str | None:
    """The lower-case host of an http(s) URL as site files name it (no trailing dot, a dot inside), or None."""
    host = (web_host(url) or "").rstrip(".")
    return host if "." in host else None


def candidates(host: str) -> Iterator[str]:
    """The site names tried for a host, most specific first: the host without `www.`, then each
    leading-dot parent domain of two labels or more (`.example.com` covers `news.example.com`,
    but not `example.com` nor `www.example.com`, as the format's README says)."""
    host = host.removeprefix("www.")
    yield host
    labels = host.split(".")
    for start in range(1, len(labels) - 1):
        yield "." + ".".join(labels[start:])


def is_ftr_folder(path: Path) -> bool:
    """A folder of site files: no YAML rule file under it, and at least one `<host>.txt`."""
    if not path.is_dir() or any(path.rglob("*.yaml")) or any(path.rglob("*.yml")):
        return False
    return any(SITE_FILE_RE.match(p.name) for p in path.iterdir())


class FtrFolder:
    """A folder of site files, indexed by name at start-up and parsed one site at a time."""

    def __init__(self, path: Path, log_skips: bool = True) -> None:
        self.path, self.log_skips = path, log_skips
        self.names: dict[str, Path] = {
            p.name[: -len(".txt")]: p for p in sorted(path.iterdir()) if SITE_FILE_RE.match(p.name) and p.is_file()
        }
        self.parsed: dict[str, SiteConfig | None] = {}  # by site name; None: the file could not be read
        self.unreadable: dict[str, Skipped] = {}  # by site name: why its file could not be read
        self._keys: dict[str, str] = {}

    def __getstate__(self) -> dict:
        """Pickled for the workers without what this process parsed: each parses its own, silently
        (the run logs each skip once, as it counts them for its report: RuleSet.site_skips)."""
        return {"path": self.path, "names": self.names}

    def __setstate__(self, state: dict) -> None:
        self.path, self.names, self.parsed, self.unreadable, self._keys = state["path"], state["names"], {}, {}, {}
        self.log_skips = False

    def name_for(self, host: str) -> str | None:
        """The site name whose file covers a host, or None."""
        return next((name for name in candidates(host) if name in self.names), None)

    def site(self, name: str) -> SiteConfig | None:
        """One site's parsed file (parsed on first use); None if it cannot be read."""
        if name not in self.parsed:
            self.parsed[name] = self._parse(name)
        return self.parsed[name]

    def _parse(self, name: str) -> SiteConfig | None:
        """Read and parse one file; its skipped lines go to the log, one line each."""
        path = self.names[name]
        try:
            site = parse_site(path, name, path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.unreadable[name] = Skipped(str(path), 0, "", f"skipped, cannot be read: {exc}")
            if self.log_skips:
                LOG.warning("%s", self.unreadable[name])
            return None
        for skipped in site.skipped if self.log_skips else ():
            LOG.warning("%s (skipped)", skipped)
        return site

    def key(self, host: str) -> str:
        """What decides this folder's part of a host's cleaning: the covering file's name and the
        digest of its bytes ('' if none covers it). Hashing is not parsing, and is cached."""
        name = self.name_for(host)
        if name is None:
            return ""
        if name not in self._keys:
            try:
                digest = hashlib.sha256(self.names[name].read_bytes()).hexdigest()[:16]
            except OSError:
                digest = "unreadable"
            self._keys[name] = f"{name}:{digest}"
        return self._keys[name]
