"""Configuration: defaults, then a config file, then flags; and the Unix conventions of the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.batch.config import find_config, resolve
from cleaner.batch.settings import ConfigError, Settings
from cleaner.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus_raw"


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output file except the state and the reports (which carry run history; report-pages/
    holds the report's other pages)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and ".cleaner" not in p.parts
        and p.relative_to(folder).parts[0] != "report-pages"
        and p.name not in ("report.json", "report.html")
    }


def test_cleaner_toml_changes_a_run_exactly_as_the_flags_would(tmp_path, monkeypatch):
    by_flags, by_file = tmp_path / "flags", tmp_path / "file"
    assert main(["run", str(SAMPLE), str(by_flags), "--format", "jsonl", "--lang", "en", "--quiet"]) == 0
    work = tmp_path / "work"
    work.mkdir()
    (work / "cleaner.toml").write_text('format = "jsonl"\nlang = ["en"]\n', encoding="utf-8")
    monkeypatch.chdir(work)
    assert main(["run", str(SAMPLE), str(by_file), "--quiet"]) == 0
    assert outputs(by_flags) == outputs(by_file)
    assert list(outputs(by_file)) == ["documents.jsonl"]  # jsonl only, no txt tree
    languages = {json.loads(line)["language"] for line in (by_file / "documents.jsonl").read_text().splitlines()}
    assert languages == {"en"}


def test_unknown_key_exits_2_with_one_line_naming_it(tmp_path, monkeypatch, capsys):
    (tmp_path / "cleaner.toml").write_text('formt = "jsonl"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(SAMPLE), str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'formt'" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "toml, key",
    [('workers = "two"\n', "workers"), ("quiet = 1\n", "quiet"), ("lang = 3\n", "lang"), ("rules = 'x'\n", "rules")],
)
def test_wrong_type_is_an_error_naming_the_key(tmp_path, toml, key):
    path = tmp_path / "c.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"'{key}'"):
        resolve({}, find_config(path, tmp_path))


def test_flags_beat_the_file_and_the_file_beats_defaults(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('format = "jsonl"\nworkers = 3\ntimeout = 5\n', encoding="utf-8")
    resolved = resolve({"workers": 1, "format": None}, find_config(path, tmp_path))
    assert resolved.settings.workers == 1 and resolved.sources["workers"] == "command line"
    assert resolved.settings.format == "jsonl" and resolved.sources["format"] == str(path)
    assert resolved.settings.timeout == 5.0
    assert resolved.settings.max_bytes == Settings().max_bytes and resolved.sources["max_bytes"] == "default"


def test_pyproject_tool_cleaner_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cleaner]\nformat = "both"\n')
    table, origin = find_config(None, tmp_path)
    assert table == {"format": "both"} and "[tool.cleaner]" in origin


def test_relative_paths_in_a_file_are_relative_to_the_file(tmp_path):
    path = tmp_path / "conf" / "c.toml"
    path.parent.mkdir()
    path.write_text('input = "in"\noutput = "out"\n')
    settings = resolve({}, find_config(path, tmp_path)).settings
    assert settings.input_dir == path.parent / "in" and settings.output_dir == path.parent / "out"


def test_config_show_prints_each_value_and_its_source(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text('format = "jsonl"\n')
    assert main(["config", "show", "--config", str(path), "--workers", "1"]) == 0
    lines = dict(line.split(" = ", 1) for line in capsys.readouterr().out.splitlines())
    assert lines["format"] == f'"jsonl"  # {path}'
    assert lines["workers"] == "1  # command line"
    assert lines["timeout"].endswith("# default")


def test_clean_reads_stdin_and_writes_the_text_to_stdout():
    page = (SAMPLE / "html" / "marche-couvert.html").read_bytes()
    done = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-"], input=page, capture_output=True, check=True)
    text = done.stdout.decode("utf-8")
    assert text.startswith("Le marché couvert rouvre ses portes\n")
    assert "Partager" not in text and "Retour en haut" not in text
    assert done.stderr == b""


def test_log_format_json_gives_one_object_per_line(tmp_path, capsys):
    assert main(["--log-format", "json", "run", str(SAMPLE), str(tmp_path / "out"), "--workers", "1"]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all({"time", "level", "message"} <= set(r) for r in records)


def test_rules_test_lists_every_failing_example_with_its_rule_id(tmp_path, capsys):
    (tmp_path / "r.yaml").write_text(
        "name: mine\ndrop_lines:\n"
        "  - id: promo\n    pattern: '^promo$'\n    examples: {match: ['promo', 'Promo!'], no_match: ['promo']}\n"
        "  - id: fine\n    pattern: '^x$'\n    examples: {match: ['x']}\n",
        encoding="utf-8",
    )
    assert main(["rules", "test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count("rule 'promo'") == 2 and "'fine'" not in out
    assert main(["rules", "test"]) == 0


def test_every_subcommand_help_has_an_example(capsys):
    for command in (
        ["run"],
        ["clean"],
        ["status"],
        ["explain"],
        ["config", "show"],
        ["rules", "check"],
        ["rules", "test"],
    ):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        assert "example: cleaner" in capsys.readouterr().out


def test_add_rules_works_beside_the_shipped_rules_and_rules_replaces_them(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "x.yaml").write_text(
        "name: extra\ndrop_lines:\n  - {id: promo, pattern: '(?i)^moscow.s demands include'}\n"
    )
    seeds = SAMPLE / "seeds"
    for flag, out in (("--add-rules", tmp_path / "added"), ("--rules", tmp_path / "replaced")):
        assert main(["run", str(seeds), str(out), "--quiet", "--workers", "1", flag, str(extra)]) == 0
    added = json.loads((tmp_path / "added" / "report.json").read_text())["totals"]["removed_by_reason"]
    replaced = json.loads((tmp_path / "replaced" / "report.json").read_text())["totals"]["removed_by_reason"]
    assert added["rule:extra/promo"] == 3 and "rule:default/related-articles" in added
    assert replaced["rule:extra/promo"] == 3 and not any(r.startswith("rule:default/") for r in replaced)
