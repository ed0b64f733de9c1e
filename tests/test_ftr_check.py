"""`cleaner rules check` and `cleaner rules test` on Full-Text RSS folders (ruleformats/ftr_check.py)."""

from __future__ import annotations

import json

from test_ftr import SITE_FILE, STORY_PAGE, folder_with

from cleaner.cli import main as cli


def test_check_on_the_snapshot_exits_0_with_the_summary(shared, capsys):
    folder = shared / "rulesources" / "ftr-site-config"
    assert cli.main(["rules", "check", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    sites = int(out[0].split(": ")[-1].split()[0])
    assert sites > 1900  # every file named like a site, the snapshot's ~2,000
    assert out[1].startswith("  files skipped: 0; lines skipped: ")
    assert out[2].startswith("  directives applied: strip_id_or_class ")
    assert any(line.startswith("  needs the network, ignored (") and "http_header" in line for line in out)
    assert any(line.startswith("  flag tidy: ") for line in out)
    skipped = [line for line in out if line.startswith("  skipped: ")]
    assert skipped and all(":" in line.removeprefix("  skipped: ") for line in skipped)
    assert any("polygon.com.txt:1: body: bad XPath" in line for line in skipped)
    assert any("not a site file: global.txt" in line for line in out)


def test_check_counts_a_broken_file_and_its_lines(tmp_path, capsys):
    folder = folder_with(
        tmp_path, {"example.com.txt": SITE_FILE + "strip: //div[\n", "broken.org.txt": b"\xff\xfe body: //div"}
    )
    assert cli.main(["rules", "check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1 sites loaded" in out
    assert "files skipped: 1; lines skipped: 1" in out
    assert "broken.org.txt: cannot be read as UTF-8 text" in out
    assert "example.com.txt:16: strip: bad XPath" in out
    assert "needs the network, ignored (2): http_header 1, single_page_link 1" in out


def test_rules_test_checks_test_contains_on_local_pages_by_their_url(tmp_path, capsys):
    failing = SITE_FILE.replace("test_contains: ending", "test_contains: not on the page\ntest_contains: ending")
    folder = folder_with(tmp_path, {"example.com.txt": SITE_FILE})
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "bridge.html").write_text(STORY_PAGE, encoding="utf-8")
    (pages / "other.jsonl").write_text(json.dumps({"url": "https://elsewhere.net/x", "html": STORY_PAGE}) + "\n")
    assert cli.main(["rules", "test", str(folder), "--pages", str(pages)]) == 0
    out = capsys.readouterr().out
    assert "ok  example.com  https://www.example.com/news/bridge  bridge.html" in out
    assert "1 checked on local pages, 0 failed" in out
    (folder / "example.com.txt").write_text(failing)
    assert cli.main(["rules", "test", str(folder), "--pages", str(pages)]) == 1
    assert "missing: 'not on the page'" in capsys.readouterr().out


def test_rules_test_without_pages_says_there_is_nothing_to_check(tmp_path, capsys):
    folder = folder_with(tmp_path, {"example.com.txt": SITE_FILE})
    assert cli.main(["rules", "test", str(folder)]) == 0
    assert "no --pages DIR given" in capsys.readouterr().out
