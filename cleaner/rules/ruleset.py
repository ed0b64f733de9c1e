"""Rule files (YAML) -> a validated, compiled, frozen RuleSet.

Every error names the file, the rule id and the field, on one line, so a bad rule file stops a
run before anything is written with a message a person can act on.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from cleaner.document import Origin, Reason
from cleaner.io.guards import Limits, TimedOut, guarded
from cleaner.io.urls import web_host
from cleaner.rules.formats.ftr import FtrFolder, SiteConfig, Skipped, Skips, is_ftr_folder

#: The rules that ship inside the package (the repository's top-level rules/ links here).
DEFAULT_RULES_DIR = Path(__file__).resolve().parent  # default.yaml beside this module

#: How much of a document a `match: {content: ...}` pattern looks at; site markers sit near the top.
CONTENT_MATCH_CHARS = 20_000

#: A rule's pattern gets this long on each of its examples (a line: microseconds when sound). A
#: catastrophic pattern fails to load, instead of hanging `rules check` or a run before --timeout
#: can act. (Measured: `regex`'s own timeout is no guard, it finishes '^(a+)+$' at once where re
#: backtracks for hours; re's matcher checks for signals, so an alarm stops it.)
EXAMPLE_SECONDS = 1.0


#: The messages of example failures.
MATCHES_WRONGLY = "should not match but does"
CATASTROPHIC = "the pattern backtracks catastrophically (nested repetition such as (a+)+?)"


class ExampleTimeout(Exception):
    """A rule's pattern took longer than EXAMPLE_SECONDS on one of its examples."""


class RuleError(ValueError):
    """A rule file is invalid; the message names the file, the rule and the field."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of any kind; `pattern` is the compiled regex (None for CSS rules)."""

    kind: str
    id: str
    reason: Reason
    pattern: re.Pattern[str] | None = None
    css: str | None = None
    capture_as: str | None = None  # strip rules: store the first group as this metadata field
    removes: str | None = None  # "comments": it removes readers' comments, which --comments keep keeps
    examples: tuple[tuple[str, bool], ...] = ()  # (example, should it match?)

    def matches(self, line: str) -> bool:
        """True if this line rule's pattern is found in the line."""
        return self.pattern is not None and self.pattern.search(line) is not None

    def example_failures(self) -> list[str]:
        """One message per example this rule gets wrong (or takes too long on)."""
        failures = []
        for example, wanted in self.examples:
            try:
                wrong = example_matches(self, example) != wanted
            except ExampleTimeout:
                failures.append(f"example {example!r} takes over {EXAMPLE_SECONDS:g} s: {CATASTROPHIC}")
                continue
            if wrong:
                failures.append(f"example {example!r} " + ("should match but does not" if wanted else MATCHES_WRONGLY))
        return failures


@dataclass(frozen=True, slots=True)
class RuleFile:
    """The validated rules of one YAML file."""

    name: str
    path: str
    rules: tuple[Rule, ...]
    host: str | None = None
    content: re.Pattern[str] | None = None

    def applies_to(self, url: str | None, text: str) -> bool:
        """True if this file's `match` selects a document with this URL and text."""
        if self.host is None and self.content is None:
            return True
        host = _host_of(url)
        if self.host is not None and host and fnmatch.fnmatch(host, self.host.lower()):
            return True
        return self.content is not None and bool(self.content.search(text[:CONTENT_MATCH_CHARS]))


@dataclass(frozen=True, slots=True)
class RuleSet:
    """All loaded rule files, in a deterministic order (by path), and the Full-Text RSS folders.

    `fingerprint` covers the YAML files only: a site file decides the text of its own host's
    pages alone, so its part is each document's (site_key, stored with the document).
    """

    files: tuple[RuleFile, ...] = ()
    fingerprint: str = ""
    ftr: tuple[FtrFolder, ...] = ()

    def site_config(self, host: str | None) -> SiteConfig | None:
        """The Full-Text RSS site config of a host (the first folder covering it), parsed on first use."""
        covering = self._covering(host)
        return covering[0].site(covering[1]) if covering is not None else None

    def _covering(self, host: str | None) -> tuple[FtrFolder, str] | None:
        """The first folder with a site file covering the host, and the file's site name."""
        for folder in self.ftr if host else ():
            name = folder.name_for(host or "")
            if name is not None:
                return folder, name
        return None

    def site_skips(self, hosts: Callable[[], Iterable[str]]) -> Skips:
        """What the site files covering the hosts could not use, each file once, in path order
        (parsed here if this process has not yet, which logs their skips). `hosts` is asked only
        when there are site files: it reads every stored document, which a no-op run would pay."""
        files: dict[str, Skipped] = {}
        lines: dict[str, list[Skipped]] = {}
        for folder, name in filter(None, map(self._covering, hosts() if self.ftr else ())):
            site, path = folder.site(name), str(folder.names[name])
            if site is None:
                files[path] = folder.unreadable[name]
            else:
                lines[path] = site.skipped
        return Skips(tuple(files[p] for p in sorted(files)), tuple(s for p in sorted(lines) for s in lines[p]))

    def site_key(self, host: str | None) -> str:
        """What the site configs decide for a host's pages: the covering file and its digest, or ''."""
        for folder in self.ftr if host else ():
            key = folder.key(host or "")
            if key:
                return key
        return ""

    def for_document(self, url: str | None, text: str, keep_comments: bool = False) -> Rules:
        """The rules that apply to one document, grouped by kind (when keeping readers' comments,
        not those that remove them)."""
        chosen = [r for f in self.files if f.applies_to(url, text) for r in f.rules]
        return Rules(tuple(r for r in chosen if not keep_comments or r.removes != "comments"))


@dataclass(frozen=True, slots=True)
class Rules:
    """The rules that apply to one document."""

    all: tuple[Rule, ...] = ()

    def of(self, kind: str) -> tuple[Rule, ...]:
        """The rules of one kind, e.g. `rules.of("drop_lines")`."""
        return tuple(r for r in self.all if r.kind == kind)


# Each rule kind: the field that holds its regex (or CSS), and the optional fields it accepts.
RULE_KINDS: dict[str, str] = {
    "drop_lines": "pattern",
    "drop_sections": "heading",
    "cut_after": "marker",
    "strip": "pattern",
    "keep": "pattern",
    "drop_selectors": "css",
}
COMMON_FIELDS = {"id", "description", "examples", "removes"}
#: What a rule may say it removes (`removes:`): content a user's choice can keep.
REMOVES = {"comments"}
EXTRA_FIELDS = {"strip": {"capture_as"}}
CAPTURE_FIELDS = {"date", "title", "url"}
FILE_FIELDS = {"version", "name", "description", "match"} | set(RULE_KINDS)
MATCH_FIELDS = {"host", "content"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def load_rules(dirs: Sequence[Path | str] | None = None) -> RuleSet:
    """Load and validate every `*.yaml` file under the given folders (default: the shipped rules).

    >>> rules = load_rules()
    >>> [f.name for f in rules.files]
    ['default']
    >>> any(r.matches("Back to top") for r in rules.for_document(None, "").of("drop_lines"))
    True
    """
    given = [Path(d) for d in dirs or [DEFAULT_RULES_DIR]]
    is_ftr = {d: is_ftr_folder(d) for d in given}  # recognised by its files: <host>.txt, no YAML
    ftr = tuple(FtrFolder(d) for d in given if is_ftr[d])
    paths = list(_rule_paths(d for d in given if not is_ftr[d]))
    if not paths and not ftr:
        raise RuleError(f"no rule files (*.yaml, or Full-Text RSS site files) in {', '.join(map(str, given))}")
    files = tuple(load_rule_file(p) for p in paths)
    _check_unique_names(files)
    digest = hashlib.sha256()
    for p, f in zip(paths, files, strict=True):
        # the name too: reasons are made of it, and a file without `name:` takes its file name
        digest.update(f.name.encode("utf-8") + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return RuleSet(files, digest.hexdigest()[:16], ftr)


def _rule_paths(dirs: Iterable[Path | str]) -> Iterable[Path]:
    """The rule files below each folder (or the file itself), sorted for a stable order."""
    for d in map(Path, dirs):
        if d.is_file():
            yield d
        elif d.is_dir():
            yield from sorted(p for p in d.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            raise RuleError(f"{d}: no such rules folder or file")


def _check_unique_names(files: Sequence[RuleFile]) -> None:
    """Two files with the same name would make reasons ambiguous."""
    seen: dict[str, str] = {}
    for f in files:
        if f.name in seen:
            raise RuleError(f"{f.path}: rule file name {f.name!r} is also used by {seen[f.name]}")
        seen[f.name] = f.path


def load_rule_file(path: Path, check_examples: bool = True) -> RuleFile:
    """Parse and validate one rule file (with check_examples, a failing example is an error too)."""
    where = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{where}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{where}: not valid YAML: {_one_line(exc)}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{where}: expected a mapping at the top level")
    _no_unknown(data, FILE_FIELDS, where)
    if data.get("version", 1) != 1:
        raise RuleError(f"{where}: field 'version': only version 1 is supported")
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not ID_RE.match(name):
        raise RuleError(f"{where}: field 'name': must be a lower-case identifier, got {name!r}")
    host, content = _parse_match(data.get("match") or {}, where)
    rules: list[Rule] = []
    ids: set[str] = set()
    for kind in RULE_KINDS:
        entries = data.get(kind) or []
        if not isinstance(entries, list):
            raise RuleError(f"{where}: field {kind!r}: expected a list of rules")
        for entry in entries:
            rule = _parse_rule(entry, kind, name, where)
            if rule.id in ids:
                raise RuleError(f"{where}: rule {rule.id!r}: field 'id': used twice in this file")
            ids.add(rule.id)
            failures = rule.example_failures() if check_examples else []
            if failures:
                raise RuleError(f"{where}: rule {rule.id!r} ({kind}): field 'examples': {failures[0]}")
            rules.append(rule)
    return RuleFile(name, where, tuple(rules), host, content)


#: libyaml's parser where PyYAML has it: the pure-Python one took a quarter of a no-op run's start-up.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[misc, valid-type]  # a base chosen at import
    """A safe YAML loader that refuses a key given twice (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """A mapping, refusing a key that appears twice."""
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _parse_match(match: object, where: str) -> tuple[str | None, re.Pattern[str] | None]:
    """Validate a file's `match` block: a host glob and/or a content regex."""
    if not isinstance(match, dict):
        raise RuleError(f"{where}: field 'match': expected a mapping with 'host' and/or 'content'")
    _no_unknown(match, MATCH_FIELDS, f"{where}: field 'match'")
    host = match.get("host")
    if host is not None and not isinstance(host, str):
        raise RuleError(f"{where}: field 'match.host': expected a host name or glob")
    content = match.get("content")
    compiled = _compile(content, f"{where}: field 'match.content'") if content is not None else None
    return host, compiled


def _parse_rule(entry: object, kind: str, file_name: str, where: str) -> Rule:
    """Validate one rule entry and compile its pattern."""
    if not isinstance(entry, dict):
        raise RuleError(f"{where}: {kind}: each rule must be a mapping with an 'id'")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not ID_RE.match(rule_id):
        raise RuleError(f"{where}: {kind}: rule {rule_id!r}: field 'id': missing or not an identifier")
    at = f"{where}: rule {rule_id!r} ({kind})"
    field_name = RULE_KINDS[kind]
    _no_unknown(entry, COMMON_FIELDS | {field_name} | EXTRA_FIELDS.get(kind, set()), at)
    value = entry.get(field_name)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"{at}: field {field_name!r}: missing or empty")
    reason = Reason(Origin.RULE, f"{file_name}/{rule_id}")
    examples = _parse_examples(entry.get("examples"), at)
    removes = entry.get("removes")
    if removes is not None and removes not in REMOVES:
        raise RuleError(f"{at}: field 'removes': must be one of {sorted(REMOVES)}, got {removes!r}")
    if kind == "drop_selectors":
        _check_css(value, f"{at}: field 'css'")
        return Rule(kind, rule_id, reason, css=value, removes=removes, examples=examples)
    capture_as = entry.get("capture_as")
    if capture_as is not None and capture_as not in CAPTURE_FIELDS:
        raise RuleError(f"{at}: field 'capture_as': must be one of {sorted(CAPTURE_FIELDS)}")
    pattern = _compile(value, f"{at}: field {field_name!r}")
    if capture_as is not None and pattern.groups < 1:
        raise RuleError(f"{at}: field {field_name!r}: capture_as needs a (group) in the pattern")
    return Rule(kind, rule_id, reason, pattern=pattern, capture_as=capture_as, removes=removes, examples=examples)


def _parse_examples(examples: object, at: str) -> tuple[tuple[str, bool], ...]:
    """A rule's examples as (line, should match) pairs; examples are part of the rule's contract."""
    if examples is None:
        return ()
    at = f"{at}: field 'examples'"
    if not isinstance(examples, dict) or set(examples) - {"match", "no_match"}:
        raise RuleError(f"{at}: expected a mapping with 'match' and/or 'no_match' lists")
    pairs = []
    for key, wanted in (("match", True), ("no_match", False)):
        for example in examples.get(key) or []:
            if not isinstance(example, str):
                raise RuleError(f"{at}: every example must be a string")
            pairs.append((example, wanted))
    return tuple(pairs)


def example_failures(dirs: Sequence[Path | str] | None = None) -> list[str]:
    """Every failing example of every rule file, as 'file: rule id (kind): what went wrong'."""
    failures = []
    for path in _rule_paths(dirs or [DEFAULT_RULES_DIR]):
        for rule in load_rule_file(path, check_examples=False).rules:
            failures += [f"{path}: rule {rule.id!r} ({rule.kind}): {f}" for f in rule.example_failures()]
    return failures


def example_matches(rule: Rule, example: str) -> bool:
    """Does the rule fire on this example (a line, or an HTML fragment for CSS rules)?"""
    if rule.css is not None:
        from lxml.cssselect import CSSSelector
        from lxml.html import document_fromstring

        return bool(CSSSelector(rule.css)(document_fromstring(f"<html><body>{example}</body></html>")))
    try:
        with guarded(Limits(seconds=EXAMPLE_SECONDS)):  # a regex match is stopped only in the main thread
            return rule.matches(example)
    except TimedOut:
        raise ExampleTimeout(example) from None


def _compile(pattern: object, at: str) -> re.Pattern[str]:
    """Compile a regex or raise a RuleError naming where it came from."""
    if not isinstance(pattern, str):
        raise RuleError(f"{at}: expected a regular expression string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(f"{at}: bad regex {pattern!r}: {exc}") from None


def _check_css(css: str, at: str) -> None:
    """Reject a CSS selector that cannot be compiled, at load time rather than mid-run."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(css)
    except (SelectorError, ValueError) as exc:
        raise RuleError(f"{at}: bad CSS selector {css!r}: {_one_line(exc)}") from None


def _no_unknown(mapping: dict, allowed: set[str], at: str) -> None:
    """Unknown keys are errors: a typo must not silently disable a rule."""
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise RuleError(f"{at}: unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _one_line(exc: Exception) -> str:
    """An exception's message folded onto one line."""
    return " ".join(str(exc).split())


def _host_of(url: str | None) -> str:
    """The lower-case host of an http(s) URL, or '' when there is none (or it is malformed)."""
    return web_host(url) or ""
