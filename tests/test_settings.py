"""The one table of options (Settings' fields): a config file and the flags set an option alike, and
what decides the clean text is exactly what is in the run's fingerprint."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_batch

from cleaner.batch.config import find_config, resolve
from cleaner.batch.run import fingerprint
from cleaner.batch.settings import FILE_OPTIONS, OPTION_KEYS, OPTIONS, ConfigError, Settings
from cleaner.cli.main import build_parser, main
from cleaner.cli.options import given
from cleaner.rules.ruleset import load_rules

MODEL = Path(__file__).resolve().parents[1] / "cleaner" / "models" / "page.json"

#: A value other than the default for every option a config file may set, as TOML writes it. Each
#: one alone gives valid Settings (so extractor is model: trafilatura would refuse no conflict here
#: but, like auto, would not change which extractor cleans an article).
CHANGED: dict[str, object] = {
    "input": "elsewhere",
    "output": "out",
    "rules": ["my-rules"],
    "add_rules": ["more-rules"],
    "format": "jsonl",
    "lang": ["de", "en"],
    "input_format": "text",
    "extractor": "trafilatura",
    "scope": "page",
    "comments": "keep",
    "model": str(MODEL),
    "workers": 3,
    "max_bytes": 1000,
    "timeout": 5.5,
    "max_memory": 100,
    "quiet": True,
    "follow_symlinks": True,
    "dedup": "near",
    "dedup_threshold": 0.9,
    "engine": "dask",
    "scheduler": "tcp://host:8786",
    "templates": "off",
    "template_min_docs": 7,
    "template_min_share": 0.25,
    "jsonl_url": "link",
    "jsonl_html": "body",
    "jsonl_text": "content",
    "jsonl_id": "key",
    "index_name": "pages",
}


def toml_line(key: str, value: object) -> str:
    """`key = value` in TOML."""
    if isinstance(value, bool):
        return f"{key} = {str(value).lower()}"
    if isinstance(value, list):
        return f"{key} = [{', '.join(repr(v) for v in value)}]"
    return f"{key} = {value!r}" if isinstance(value, str) else f"{key} = {value}"


def command_line(key: str, value: object) -> list[str]:
    """A `cleaner run` command line that sets an option to a value."""
    opt = OPTION_KEYS[key]
    if opt.positional:
        return ["run", str(value)] if key == "input" else ["run", "corpus_raw", str(value)]
    if value is True:
        return ["run", opt.flag]
    if isinstance(value, list):
        if opt.kind.action == "append":
            return ["run", *(arg for v in value for arg in (opt.flag, str(v)))]
        return ["run", opt.flag, ",".join(map(str, value))]
    return ["run", opt.flag, str(value)]


def test_every_option_a_file_may_set_has_a_changed_value_here():
    assert set(CHANGED) == {o.key for o in FILE_OPTIONS}


def test_the_table_fills_every_settings_field_and_its_defaults():
    assert [o.field for o in OPTIONS] == list(Settings.__dataclass_fields__)
    defaults = Settings()
    assert all(getattr(defaults, o.field) == o.default for o in OPTIONS if o.key != "workers")
    assert not any(o.in_file for o in OPTIONS if o.key in ("full", "rebuild_state"))  # per run, not per corpus


@pytest.mark.parametrize("key", sorted(CHANGED))
def test_a_config_file_and_a_flag_set_an_option_alike(tmp_path, monkeypatch, key):
    monkeypatch.chdir(tmp_path)
    path = Path("c.toml")  # relative paths in it are relative to its folder, the working folder
    path.write_text(toml_line(key, CHANGED[key]) + "\n", encoding="utf-8")
    by_file = resolve({}, find_config(path, tmp_path))
    opt = OPTION_KEYS[key]
    args = build_parser().parse_args(command_line(key, CHANGED[key]))
    by_flag = resolve(given(args, "run"), None)
    assert getattr(by_file.settings, opt.field) == getattr(by_flag.settings, opt.field) != opt.default
    assert by_file.sources[key] == str(path) and by_flag.sources[key] == "command line"


@pytest.mark.parametrize("key", sorted(CHANGED))
def test_an_option_is_in_the_fingerprint_exactly_when_the_table_says_it_decides_the_text(key):
    opt = OPTION_KEYS[key]
    changed = resolve({}, ({key: CHANGED[key]}, "/c.toml")).settings
    assert (changed.fingerprint() != Settings().fingerprint()) is bool(opt.fingerprint), key


def test_what_the_fingerprint_holds_did_not_change_with_the_table():
    parts = Settings(languages=("en",), scope="page", model=MODEL, dedup="near", jsonl_id="key").fingerprint()
    assert parts == {
        "lang": ["en"],
        "input_format": "auto",
        "extractor": [True, True],  # whether the block model cleans HTML, and dumps; not the extractor's name
        "scope": "page",
        "comments": "drop",
        "model": parts["model"],
        "dedup": True,  # near dedup stores each text's signature; exact and off do not differ
        "jsonl_url": "url",
        "jsonl_html": "html",
        "jsonl_text": "text",
        "jsonl_id": "key",
    }
    assert isinstance(parts["model"], str) and len(parts["model"]) == 16  # the file's digest, not its path
    assert (
        Settings(extractor="model", scope="page").fingerprint() == Settings(scope="page").fingerprint()
    )  # auto takes it
    assert (
        Settings(extractor="trafilatura").fingerprint() != Settings().fingerprint()
    )  # auto takes the text model for dumps


def test_the_run_fingerprint_is_the_cleaner_the_rules_and_the_options_that_decide():
    rules = load_rules()
    assert fingerprint(Settings(workers=1, format="jsonl"), rules) == fingerprint(Settings(), rules)
    assert fingerprint(Settings(scope="page"), rules) != fingerprint(Settings(), rules)


def test_workers_and_format_clean_nothing_again_and_scope_cleans_everything(make_tree, tmp_path):
    tree = make_tree({f"p{n}.txt": f"Story number {n} is told in a sentence of its own here.\n" for n in range(3)})
    out = tmp_path / "out"
    assert run_batch(tree, out).outcome.cleaned == 3
    assert run_batch(tree, out, workers=2, format="jsonl").outcome.cleaned == 0
    assert run_batch(tree, out, format="jsonl", scope="page").outcome.cleaned == 3
    assert run_batch(tree, out, format="jsonl", scope="page").outcome.cleaned == 0


@pytest.mark.parametrize(
    "options, message",
    [
        ({"workers": 0}, "--workers must be at least 1, not 0"),
        ({"scope": "site"}, "--scope must be one of article, page, not 'site'"),
        ({"templates": "yes"}, "--templates must be on or off, not 'yes'"),
        ({"max_memory": 0}, "--max-memory must be a positive number of megabytes, not 0"),
        ({"max_bytes": 0}, "--max-bytes must be positive, not 0"),
        ({"timeout": 0.0}, "--timeout must be positive, not 0.0"),
        ({"dedup_threshold": 1.5}, "--dedup-threshold must be in (0, 1], not 1.5"),
        ({"template_min_docs": 1}, "--template-min-docs must be at least 2, not 1"),
        ({"jsonl_html": ""}, "--jsonl-html must name a field, not be empty"),
        ({"model": Path("/no/such.json")}, "--model /no/such.json: no such file"),
        ({"format": "csv"}, "--format: unknown format 'csv'"),
        ({"index_name": "Pages"}, "--index-name 'Pages' is not an index name"),
        ({"extractor": "trafilatura", "comments": "keep"}, "--extractor trafilatura keeps articles without comments"),
    ],
)
def test_a_bad_value_is_refused_with_the_message_naming_its_flag(options, message):
    with pytest.raises(ConfigError) as caught:
        Settings(**options)
    assert str(caught.value).startswith(message)


def test_a_per_run_switch_is_not_a_config_file_key(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text("full = true\n", encoding="utf-8")
    assert main(["config", "show", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'full'" in err and "'full'" not in err.split("known:")[1]
