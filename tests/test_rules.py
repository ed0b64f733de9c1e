"""rules: YAML rule files -> a validated, compiled RuleSet; errors name file, rule and field."""

from __future__ import annotations

import functools
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from cleaner import clean
from cleaner.batch.settings import Settings
from cleaner.rules.ruleset import DEFAULT_RULES_DIR, RULE_KINDS, RuleError, example_matches, load_rule_file, load_rules

SHIPPED_FILES = sorted(p for p in DEFAULT_RULES_DIR.rglob("*") if p.suffix in (".yaml", ".yml"))


def shipped_examples() -> list:
    """(file, kind, rule id, example, should match) for every example of every shipped rule."""
    cases = []
    for path in SHIPPED_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in RULE_KINDS:
            for entry in data.get(kind) or []:
                examples = entry.get("examples") or {}
                for wanted, key in ((True, "match"), (False, "no_match")):
                    for example in examples.get(key) or []:
                        rel = path.relative_to(DEFAULT_RULES_DIR).as_posix()
                        cases.append(
                            pytest.param(
                                path, entry["id"], example, wanted, id=f"{rel}:{entry['id']}:{key}:{example[:30]}"
                            )
                        )
    return cases


@functools.cache
def loaded(path: Path):
    """A shipped rule file, loaded once per test session."""
    return load_rule_file(path)


def write(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the shipped rules ---------------------------------------------------------------------------


def test_there_are_shipped_rule_files():
    assert any(p.name == "default.yaml" for p in SHIPPED_FILES)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.relative_to(DEFAULT_RULES_DIR).as_posix())
def test_every_shipped_rule_file_loads(path):
    rule_file = load_rule_file(path)
    assert rule_file.rules, f"{path} has no rules"
    for rule in rule_file.rules:
        assert str(rule.reason) == f"rule:{rule_file.name}/{rule.id}"


def test_shipped_rules_load_as_a_set_with_a_stable_fingerprint():
    first, second = load_rules(), load_rules()
    assert [f.name for f in first.files] == [f.name for f in second.files]
    assert first.fingerprint and first.fingerprint == second.fingerprint
    assert len({f.name for f in first.files}) == len(first.files)


def test_shipped_rules_have_examples():
    assert len(shipped_examples()) > 50


@pytest.mark.parametrize(("path", "rule_id", "example", "wanted"), shipped_examples())
def test_every_example_of_every_shipped_rule(path, rule_id, example, wanted):
    rule = next(r for r in loaded(path).rules if r.id == rule_id)
    assert example_matches(rule, example) is wanted, (
        f"{path.name}: rule {rule_id!r} should {'' if wanted else 'not '}match {example!r}"
    )


class _DuplicateKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with the same key twice (PyYAML keeps the last)."""


def _no_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate key {duplicates[0]!r}", node.start_mark)
    return loader.construct_mapping(node, deep)


_DuplicateKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def test_shipped_rule_files_have_no_duplicate_keys():
    for path in SHIPPED_FILES:
        yaml.load(path.read_text(encoding="utf-8"), Loader=_DuplicateKeyLoader)


# --- errors: one line naming the file, the rule and the field ------------------------------------

ERRORS = {
    "bad-regex": (
        """
        name: site
        drop_lines:
          - id: broken-rule
            pattern: '(unclosed'
        """,
        ["broken-rule", "pattern", "regex"],
    ),
    "unknown-key-typo": (
        """
        name: site
        drop_lines:
          - id: typo-rule
            patern: '^x$'
        """,
        ["typo-rule", "patern"],
    ),
    "unknown-examples-key": (
        """
        name: site
        drop_lines:
          - id: typo-rule
            pattern: '^x$'
            exampels: {match: [x]}
        """,
        ["typo-rule", "exampels"],
    ),
    "unknown-top-level-key": (
        """
        name: site
        drop_line:
          - id: typo-rule
            pattern: '^x$'
        """,
        ["drop_line"],
    ),
    "missing-id": (
        """
        name: site
        drop_lines:
          - pattern: '^x$'
        """,
        ["drop_lines", "'id'"],
    ),
    "duplicate-id": (
        """
        name: site
        drop_lines:
          - id: twice
            pattern: '^x$'
        drop_sections:
          - id: twice
            heading: '^y$'
        """,
        ["twice", "'id'", "twice in this file"],
    ),
    "capture-without-group": (
        """
        name: site
        strip:
          - id: stamp
            pattern: '^date \\d{4}-\\d{2}-\\d{2}'
            capture_as: date
        """,
        ["stamp", "capture_as", "group"],
    ),
    "bad-capture-field": (
        """
        name: site
        strip:
          - id: stamp
            pattern: '^date (\\d{4})'
            capture_as: author
        """,
        ["stamp", "capture_as"],
    ),
    "bad-css": (
        """
        name: site
        drop_selectors:
          - id: bad-selector
            css: 'div[[['
        """,
        ["bad-selector", "css", "selector"],
    ),
    "failing-match-example": (
        """
        name: site
        drop_lines:
          - id: promo
            pattern: '^Promo$'
            examples: {match: ["Promotion"]}
        """,
        ["promo", "examples", "Promotion", "should match"],
    ),
    "failing-no-match-example": (
        """
        name: site
        drop_lines:
          - id: promo
            pattern: 'Promo'
            examples: {no_match: ["Promotion"]}
        """,
        ["promo", "examples", "Promotion", "should not match"],
    ),
    "failing-css-example": (
        """
        name: site
        drop_selectors:
          - id: promo-box
            css: '.promo'
            examples: {match: ['<div class="other">x</div>']}
        """,
        ["promo-box", "examples"],
    ),
    "invalid-yaml": (
        """
        name: site
        drop_lines:
          - id: x
            pattern: 'unterminated
          - : [
        """,
        ["YAML"],
    ),
    "empty-pattern": (
        """
        name: site
        drop_lines:
          - id: empty
            pattern: ''
        """,
        ["empty", "pattern"],
    ),
    "bad-match-key": (
        """
        name: site
        match: {hots: '*.example.com'}
        """,
        ["match", "hots"],
    ),
    "bad-content-regex": (
        """
        name: site
        match: {content: '(?i)[unclosed'}
        """,
        ["match.content", "regex"],
    ),
    "bad-version": (
        """
        version: 2
        name: site
        """,
        ["version"],
    ),
    "not-a-list": (
        """
        name: site
        drop_lines: {id: x, pattern: y}
        """,
        ["drop_lines", "list"],
    ),
}


@pytest.mark.parametrize(("text", "needles"), list(ERRORS.values()), ids=list(ERRORS))
def test_errors_are_one_line_naming_file_rule_and_field(tmp_path, text, needles):
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_rule_file(path)
    message = str(info.value)
    assert "\n" not in message, message
    assert str(path) in message, message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


def test_load_rules_reports_the_bad_file_among_good_ones(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    write(folder, "name: good\ndrop_lines:\n  - id: ok\n    pattern: '^ok$'\n", "a-good.yaml")
    bad = write(folder, "name: bad\ndrop_lines:\n  - id: broken\n    pattern: '(oops'\n", "b-bad.yaml")
    with pytest.raises(RuleError, match=re.escape(str(bad))) as info:
        load_rules([folder])
    assert "broken" in str(info.value)


def test_missing_rules_folder_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="no such rules folder"):
        load_rules([tmp_path / "nowhere"])


def test_two_files_with_the_same_name_are_an_error(tmp_path):
    write(tmp_path, "name: site\n", "a.yaml")
    write(tmp_path, "name: site\n", "b.yaml")
    with pytest.raises(RuleError, match="'site'"):
        load_rules([tmp_path])


def test_a_key_given_twice_in_a_rule_is_an_error(tmp_path):
    path = write(
        tmp_path,
        """
        name: site
        drop_lines:
          - id: promo
            pattern: '^Promo$'
            pattern: '^Advert$'
        """,
    )
    with pytest.raises(RuleError, match="pattern"):
        load_rule_file(path)


# --- matching: which files apply to a document ---------------------------------------------------


def test_file_without_match_applies_to_everything(tmp_path):
    rule_file = load_rule_file(write(tmp_path, "name: any\n"))
    assert rule_file.applies_to(None, "")
    assert rule_file.applies_to("https://news.example.org/x", "text")


def test_match_by_host_glob(tmp_path):
    rule_file = load_rule_file(write(tmp_path, "name: site\nmatch: {host: '*.example.com'}\n"))
    assert rule_file.applies_to("https://www.example.com/news/1", "")
    assert rule_file.applies_to("https://NEWS.Example.COM:8080/a?b=c", "")
    assert not rule_file.applies_to("https://www.example.org/news/1", "")
    assert not rule_file.applies_to("https://example.com.evil.net/", "")
    assert not rule_file.applies_to(None, "anything")


def test_match_by_content_regex(tmp_path):
    rule_file = load_rule_file(write(tmp_path, "name: site\nmatch: {content: '(?i)phnom penh post'}\n"))
    assert rule_file.applies_to(None, "Logo of Phnom Penh Post newspaper\n\nText")
    assert not rule_file.applies_to(None, "Some other newspaper")


def test_match_by_host_or_content(tmp_path):
    rule_file = load_rule_file(
        write(tmp_path, "name: site\nmatch: {host: 'courier.example.com', content: 'Riverside Courier'}\n")
    )
    assert rule_file.applies_to("https://courier.example.com/a", "nothing")
    assert rule_file.applies_to(None, "The Riverside Courier")
    assert not rule_file.applies_to("https://other.example.com/a", "nothing")


def test_ruleset_for_document_selects_site_rules(tmp_path):
    write(
        tmp_path,
        """
        name: courier
        match: {content: 'Riverside Courier'}
        drop_lines:
          - id: promo
            pattern: '^Get the Courier app$'
        """,
        "courier.yaml",
    )
    ruleset = load_rules([DEFAULT_RULES_DIR, tmp_path])
    ids = lambda text: {r.id for r in ruleset.for_document(None, text).of("drop_lines")}  # noqa: E731
    assert "promo" in ids("The Riverside Courier\nGet the Courier app")
    assert "promo" not in ids("The Hill Gazette\nGet the Courier app")
    assert "back-to-top" in ids("anything")  # default rules always apply


def test_site_rule_applies_only_to_matching_documents(tmp_path, article_text):
    write(
        tmp_path,
        """
        name: courier
        match: {content: '(?i)riverside courier'}
        drop_lines:
          - id: app-promo
            pattern: '^Get the Riverside Courier app\\W*$'
            examples: {match: ["Get the Riverside Courier app!"]}
        """,
        "courier.yaml",
    )
    ruleset = load_rules([DEFAULT_RULES_DIR, tmp_path])
    doc = clean(article_text + "\nGet the Riverside Courier app!\n", doc_id="a.txt", rules=ruleset)
    assert [str(r.reason) for r in doc.removals if "app" in r.text] == ["rule:courier/app-promo"]
    assert "Courier app" not in doc.text

    other = clean(article_text + "\nGet the Courier app!\n", doc_id="b.txt", rules=ruleset)
    assert all(str(r.reason) != "rule:courier/app-promo" for r in other.removals)


def test_rule_kinds_behave(tmp_path, article_text):
    write(
        tmp_path,
        """
        name: mine
        keep:
          - id: keep-notice
            pattern: '^Correction:'
        drop_lines:
          - id: correction-line
            pattern: '^Correction:'
        strip:
          - id: byline
            pattern: '^By [A-Z][a-z]+ [A-Z][a-z]+ \\| '
        """,
        "mine.yaml",
    )
    ruleset = load_rules([tmp_path])
    text = (
        article_text
        + "\nBy Anna Clarke | The council will publish the plans for the bridge next month, and residents will have six weeks to comment on the design.\n"
        + "\nCorrection: an earlier version of this article gave the wrong cost for the bridge; it is four million pounds, not fourteen.\n"
    )
    doc = clean(text, doc_id="a.txt", rules=ruleset)
    assert "Correction: an earlier version" in doc.text  # keep wins over drop_lines
    assert "By Anna Clarke |" not in doc.text
    assert "The council will publish the plans for the bridge next month" in doc.text
    assert [str(r.reason) for r in doc.stripped] == ["rule:mine/byline"]


def test_a_catastrophic_pattern_in_its_own_examples_fails_to_load_within_seconds(tmp_path):
    import time

    from cleaner.cli.main import main

    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "version: 1\n"
        "drop_lines:\n"
        "  - id: evil\n"
        "    pattern: '^(a+)+$'\n"
        "    examples: {match: ['aaaa'], no_match: ['" + "a" * 40 + "!']}\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    with pytest.raises(RuleError, match=r"bad.yaml: rule 'evil' \(drop_lines\): field 'examples': .* takes over 1 s"):
        load_rules([folder])
    assert main(["rules", "check", str(folder)]) == 2
    assert main(["rules", "test", str(folder)]) == 1
    assert time.monotonic() - started < 15  # three loads, each stopped after a second (re alone: hours)


def test_a_rule_that_removes_comments_does_not_apply_when_comments_are_kept(tmp_path):
    write(
        tmp_path,
        """
        name: site
        cut_after:
          - {id: replies, marker: '^Replies$', removes: comments}
        drop_lines:
          - {id: promo, pattern: '^Get the app$'}
        """,
    )
    ruleset = load_rules([tmp_path])
    ids = lambda keep_comments: {r.id for r in ruleset.for_document(None, "", keep_comments).all}  # noqa: E731
    assert ids(False) == {"replies", "promo"}
    assert ids(True) == {"promo"}


def test_removes_takes_only_a_known_kind_of_content(tmp_path):
    path = write(tmp_path, "cut_after:\n  - {id: replies, marker: '^Replies$', removes: replies}\n")
    with pytest.raises(
        RuleError, match=r"rule 'replies' \(cut_after\): field 'removes': must be one of \['comments'\]"
    ):
        load_rule_file(path)


def test_the_shipped_comments_marker_cuts_comments_only_when_they_are_dropped(article_text):
    comments = "\n\n".join(("12 Comments", "Great piece, I walk across that river every day and cannot wait.", "Reply"))
    reasons = {
        choice: {
            str(r.reason)
            for r in clean(article_text + "\n" + comments, "a.txt", settings=Settings(comments=choice)).removals
        }
        for choice in ("drop", "keep")
    }
    assert "rule:default/comments-section" in reasons["drop"]
    assert "rule:default/comments-section" not in reasons["keep"]
