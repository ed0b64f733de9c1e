"""cli: exit codes 0 / 1 / 2, one-line errors, nothing written on bad configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLE_PARAGRAPHS, article_html

import cleaner
from cleaner.cli.main import main

GOOD = "Council approves new footbridge\n\n" + "\n\n".join(ARTICLE_PARAGRAPHS) + "\n\nBack to top\n"
BAD_RULE = """\
name: broken
drop_lines:
  - id: broken-regex
    pattern: '(unclosed'
"""


@pytest.fixture
def clean_folder(make_tree) -> Path:
    return make_tree({"a.txt": GOOD, "sub/b.html": article_html()})


def test_run_exits_0_on_a_clean_folder(clean_folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(clean_folder), str(out), "--workers", "1"]) == 0
    assert (out / "a.txt").is_file() and (out / "sub" / "b.txt").is_file()
    assert (out / "report.json").is_file() and (out / "report.html").is_file()
    err = capsys.readouterr().err
    assert "2 files" in err and "2 kept" in err and "0 failed" in err


def test_run_quiet_prints_nothing(clean_folder, tmp_path, capsys):
    assert main(["run", str(clean_folder), str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_run_exits_1_when_a_file_failed_and_writes_the_others(make_tree, tmp_path, capsys):
    root = make_tree({"a.txt": GOOD, "broken.html": b"%PDF-1.4 not a page"})
    out = tmp_path / "out"
    assert main(["run", str(root), str(out), "--workers", "1"]) == 1
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("Council approves new footbridge")
    err = capsys.readouterr().err
    assert "broken.html" in err and "PDF" in err  # the summary names the failure and why
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["statuses"]["failed"] == 1


def test_dropped_files_do_not_fail_the_run(make_tree, tmp_path):
    root = make_tree({"a.txt": GOOD, "empty.txt": b""})
    assert main(["run", str(root), str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0


def test_run_exits_2_when_the_input_folder_is_missing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "no-such-folder"), str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no-such-folder" in err
    assert not out.exists()


def test_bad_rules_exit_2_with_one_line_and_nothing_written(clean_folder, tmp_path, capsys):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text(BAD_RULE)
    out = tmp_path / "out"
    assert main(["run", str(clean_folder), str(out), "--rules", str(rules), "--quiet"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "broken.yaml" in lines[0] and "broken-regex" in lines[0] and "pattern" in lines[0]
    assert captured.out == ""
    assert not out.exists() or not any(out.iterdir())


def test_bad_option_values_exit_2(clean_folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(clean_folder), str(out), "--workers", "0"]) == 2
    assert main(["run", str(clean_folder), str(out), "--lang", "en,1x"]) == 2
    err = capsys.readouterr().err
    assert "--workers" in err and "--lang" in err
    assert not out.exists()


def test_lang_option_drops_other_languages(make_tree, tmp_path):
    german = "\n\n".join(
        [
            "Der Gemeinderat hat am Dienstagabend beschlossen, eine neue Fußgängerbrücke über den Fluss zu bauen, "
            "und damit eine Debatte beendet, die die Bewohner seit fast zehn Jahren gespalten hat.",
            "Die Brücke soll den alten Marktplatz mit dem Bahnhof verbinden. Sie wird nach Angaben der Verwaltung "
            "rund vier Millionen Euro kosten und im Frühjahr des übernächsten Jahres eröffnet.",
        ]
    )
    root = make_tree({"en.txt": GOOD, "de.txt": german})
    out = tmp_path / "out"
    assert main(["run", str(root), str(out), "--lang", "en", "--workers", "1", "--quiet", "--format", "both"]) == 0
    assert (out / "en.txt").is_file() and not (out / "de.txt").exists()
    docs = {r["id"]: r for r in json.loads((out / "report.json").read_text())["documents"]}
    assert docs["de.txt"]["status"] == "dropped" and "de" in docs["de.txt"]["reason"]


def test_rules_check_prints_ok_for_the_shipped_rules(capsys):
    assert main(["rules", "check"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "ok\n"
    assert captured.err == ""


def test_rules_check_on_the_shipped_folder_explicitly(capsys):
    from cleaner.rules.ruleset import DEFAULT_RULES_DIR

    assert main(["rules", "check", str(DEFAULT_RULES_DIR)]) == 0
    assert capsys.readouterr().out == "ok\n"


def test_rules_check_exits_2_with_a_message_for_a_bad_folder(tmp_path, capsys):
    (tmp_path / "broken.yaml").write_text(BAD_RULE)
    assert main(["rules", "check", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "ok" not in captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "broken.yaml" in lines[0] and "broken-regex" in lines[0]


def test_rules_check_exits_2_for_a_missing_folder(tmp_path, capsys):
    assert main(["rules", "check", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_explain_shows_kept_and_removed_lines_with_reasons(seeds, capsys):
    assert main(["explain", str(seeds / "raw" / "003_0c92e233fc806f03.txt")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    most_viewed = [line for line in lines if "MOST VIEWED" in line]
    assert len(most_viewed) == 1
    assert "rule:default/most-viewed" in most_viewed[0] and "DROP" in most_viewed[0]
    assert any("keep" in line and "Envoys from Washington and Moscow held inconclusive talks" in line for line in lines)
    logo = next(line for line in lines if "Logo of Phnom Penh Post" in line)
    assert "rule:default/logo" in logo


def test_explain_of_html_shows_removed_elements(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(article_html(extra_body='<div class="share"><a href="#">Share on Facebook</a></div>'))
    assert main(["explain", str(page)]) == 0
    out = capsys.readouterr().out
    assert any("rule:default/share-bar" in line and "Share on Facebook" in line for line in out.splitlines())


def test_explain_of_a_failing_file_exits_1(tmp_path, capsys):
    bad = tmp_path / "image.html"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert main(["explain", str(bad)]) == 1
    assert "PNG" in capsys.readouterr().out


def test_explain_missing_file_exits_2(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err.lower()


def test_python_m_cleaner_version():
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"cleaner {cleaner.__version__}"


def test_python_m_cleaner_runs_a_folder(clean_folder, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "run", str(clean_folder), str(out), "--quiet", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "a.txt").is_file()


def test_explain_into_a_reader_that_stops_early_is_no_error(tmp_path):
    page = tmp_path / "long.txt"
    page.write_text("\n\n".join(f"Line {i} of a long dump, with words." for i in range(3_000)), encoding="utf-8")
    reader = subprocess.Popen(["head", "-n", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "explain", str(page)], stdout=reader.stdin, stderr=subprocess.PIPE, text=True
    )
    reader.stdin.close()
    reader.wait()
    assert result.returncode == 0
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
