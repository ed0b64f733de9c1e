"""Safe to leave running every night: hostile names and files, links out of INPUT, a state that
is data, and the environment failing under the run (full disk, read-only OUTPUT, corrupt state).

After each fault, the next run must leave OUTPUT as an uninterrupted run would.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import socket
import sqlite3
from pathlib import Path

import pytest
from conftest import (
    ARTICLE_PARAGRAPHS,
    article_html,
    many_links_page,
    nested_tables_page,
    output_files,
    run_batch,
    tmpfs,
)
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaner.batch.state import DB_NAME, STATE_DIR
from cleaner.cli.main import EXIT_OUTPUT, EXIT_STATE, main
from cleaner.io import atomic
from cleaner.io.discover import MAX_NAME_BYTES, fit_path


def article(title: str) -> str:
    return "\n\n".join((title, *ARTICLE_PARAGRAPHS)) + "\n"


def cli_run(inp: Path, out: Path, *flags: str) -> int:
    """`cleaner run INPUT OUTPUT --quiet --workers 1 --templates off FLAGS...` in this process."""
    return main(["run", str(inp), str(out), "--quiet", "--workers", "1", "--templates", "off", *flags])


def fresh_outputs(inp: Path, tmp_path: Path, name: str = "fresh", **options) -> dict[str, bytes]:
    """The outputs of an uninterrupted run in a new folder."""
    out = tmp_path / name
    run_batch(inp, out, **options)
    return output_files(out)


# --- one file must never stop the corpus ---------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_recorded_escaped_and_the_batch_goes_on(make_tree, tmp_path):
    root = make_tree({"good.txt": article("A good name")})
    bad = root / os.fsdecode(b"caf\xe9 \xff.txt")  # Latin-1 bytes: not UTF-8
    bad.write_text(article("A bad name"), encoding="utf-8")
    (root / os.fsdecode(b"dir\xe9")).mkdir()
    (root / os.fsdecode(b"dir\xe9") / "page.txt").write_text(article("In a bad folder"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(root, out, format="both")
    records = result.records
    assert sorted(records) == ["caf\\xe9 \\xff.txt", "dir\\xe9/page.txt", "good.txt"]
    assert all(r["status"] == "kept" for r in records.values())
    assert records["caf\\xe9 \\xff.txt"]["output"] == "caf\\xe9 \\xff.txt"
    assert "A bad name" in (out / "caf\\xe9 \\xff.txt").read_text(encoding="utf-8")
    assert (out / "dir\\xe9" / "page.txt").is_file()
    ids = [json.loads(line)["id"] for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == sorted(records)
    assert run_batch(root, out, format="both").outcome.cleaned == 0


def test_a_long_file_name_gets_a_short_stable_output_name(make_tree, tmp_path):
    html_name = "h" * 250 + ".html"  # output name fits, but a temporary name after it would not
    bare_name = "b" * 254  # extensionless: its output name is over the limit
    root = make_tree({html_name: article_html(), bare_name: article("No extension"), "short.txt": article("Short")})
    out = tmp_path / "out"
    first = run_batch(root, out)
    records = first.records
    assert records[html_name]["output"] == "h" * 250 + ".txt"
    shortened = records[bare_name]["output"]
    assert shortened == fit_path(bare_name + ".txt") and shortened.startswith("b" * 200 + "~")
    assert shortened.endswith(".txt") and len(shortened.encode()) <= MAX_NAME_BYTES
    assert all(r["status"] == "kept" for r in records.values())
    assert (out / shortened).read_text(encoding="utf-8").startswith("No extension")
    second = run_batch(root, out)
    assert second.outcome.cleaned == 0 and second.records[bare_name]["output"] == shortened
    assert output_files(out) == fresh_outputs(root, tmp_path)


def test_a_long_escaped_name_and_a_container_page_fit_too(make_tree, tmp_path):
    root = make_tree({})
    long_bad = os.fsdecode(b"\xe9" * 200 + b".txt")  # 204 bytes on disk, 804 characters escaped
    (root / long_bad).write_text(article("Escaped and long"), encoding="utf-8")
    jsonl = "j" * 240 + ".jsonl"
    (root / jsonl).write_text(json.dumps({"text": article("A page")}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(root, out)
    assert all(r["status"] == "kept" for r in result.documents)
    for record in result.documents:
        assert all(len(name.encode()) <= MAX_NAME_BYTES for name in record["output"].split("/"))
        assert (out / record["output"]).is_file()


def test_inputs_named_like_outputs_are_skipped_with_a_reason(make_tree, tmp_path):
    root = make_tree(
        {
            "report.html/page.txt": article("In a folder named like the report"),
            "report.json/page.txt": article("In a folder named like the other report"),
            "documents.jsonl": json.dumps({"text": article("A page")}) + "\n",
            "report.html.txt": article("Only the start of the name is alike"),
            "sub/report.html/page.txt": article("Deeper down there is no collision"),
        }
    )
    (root / "report.html.html").write_text(article_html(), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(root, out, format="both")
    assert sorted(result.records) == ["report.html.html", "report.html.txt", "sub/report.html/page.txt"]
    assert result.skipped == {
        "named like an output of the cleaner (documents.jsonl)": 1,
        "named like an output of the cleaner (report.html)": 1,
        "named like an output of the cleaner (report.json)": 1,
    }
    assert (out / "report.html").is_file() and (out / "report.json").is_file()
    assert (out / "documents.jsonl").is_file()
    assert run_batch(root, out, format="both").outcome.cleaned == 0


def test_fifos_and_sockets_are_skipped_and_counted_never_opened(make_tree, tmp_path):
    root = make_tree({"good.txt": article("Next to a pipe")})
    os.mkfifo(root / "pipe.txt")  # opening it to read would block until a writer comes
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock_path = tmp_path / "s"
    sock.bind(str(sock_path))
    os.symlink(sock_path, root / "link-to-socket.txt")  # a link to one outside INPUT is skipped anyway
    sock2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    short = Path("/tmp") / f"cleaner-test-{os.getpid()}.sock"
    try:
        sock2.bind(str(short))
        os.rename(short, root / "sock.html")  # AF_UNIX paths are short; the socket moves in
        result = run_batch(root, tmp_path / "out")
    finally:
        sock.close()
        sock2.close()
        short.unlink(missing_ok=True)
    assert sorted(result.records) == ["good.txt"]
    assert result.skipped == {
        "not a regular file (FIFO)": 1,
        "not a regular file (socket)": 1,
        "symlink to a file outside INPUT (see --follow-symlinks)": 1,
    }


def test_a_character_device_is_skipped(make_tree, tmp_path):
    root = make_tree({"good.txt": article("Next to a device")})
    try:
        os.symlink("/dev/zero", root / "zero.txt")  # endless: reading it would fill the memory
    except OSError:
        pytest.skip("cannot make a symlink here")
    result = run_batch(root, tmp_path / "out", follow_symlinks=True)  # even when links are followed
    assert sorted(result.records) == ["good.txt"]
    assert result.skipped == {"not a regular file (character device)": 1}


def test_a_bad_record_fails_alone_and_the_other_records_are_kept(make_tree, tmp_path):
    lines = [
        json.dumps({"id": "a", "url": "https://e.com/a", "text": article("First record")}),
        '{"id": "b", "count": ' + "7" * 5000 + ', "text": "never read"}',
        json.dumps({"id": "c", "url": "https://e.com/c", "text": article("Third record")}),
    ]
    root = make_tree({"dump.jsonl": "\n".join(lines) + "\n"})
    with open(root / "crawl.warc", "wb") as f:
        writer = WARCWriter(f, gzip=False)
        for uri in ("https://e.com/one", None, "file:///etc/passwd", "https://e.com/four"):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            body = io.BytesIO(article_html().encode())
            record = writer.create_warc_record(uri or "http://x/", "response", payload=body, http_headers=http)
            if uri is None:
                record.rec_headers.remove_header("WARC-Target-URI")
            writer.write_record(record)
    out = tmp_path / "out"
    assert cli_run(root, out) == 1  # some records failed; never 70
    records = {r["id"]: r for r in json.loads((out / "report.json").read_text())["documents"]}
    statuses = {doc_id: r["status"] for doc_id, r in records.items()}
    assert statuses == {
        "crawl.warc#1": "kept",
        "crawl.warc#2": "failed",
        "crawl.warc#3": "dropped",
        "crawl.warc#4": "kept",
        "dump.jsonl#2": "failed",
        "dump.jsonl#a": "kept",
        "dump.jsonl#c": "kept",
    }
    assert records["crawl.warc#2"]["reason"] == "record 2: a response without a target URI"
    assert records["crawl.warc#3"]["reason"] == "record 3: target URI is not an http(s) URL: 'file:///etc/passwd'"
    assert records["dump.jsonl#2"]["reason"].startswith("line 2: not readable JSON (")


# --- nobody gets in ------------------------------------------------------------------------------


def test_symlinks_out_of_input_are_skipped_unless_asked_and_folder_links_counted(make_tree, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(article("Top secret password file"), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "page.txt").write_text(article("Behind a folder link"), encoding="utf-8")
    root = make_tree({"a.txt": article("A real article")})
    (root / "passwd.txt").symlink_to(secret)
    (root / "alias.txt").symlink_to(root / "a.txt")  # inside INPUT: read as before
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "self").symlink_to(root, target_is_directory=True)  # a loop
    out = tmp_path / "out"
    result = run_batch(root, out, format="both")
    assert sorted(result.records) == ["a.txt", "alias.txt"]
    assert result.skipped == {
        "symlink to a file outside INPUT (see --follow-symlinks)": 1,
        "symlinked folder (not followed)": 2,
    }
    assert not any(b"Top secret" in data or b"Behind a folder" in data for data in output_files(out).values())

    followed = run_batch(root, out, format="both", follow_symlinks=True)
    assert sorted(followed.records) == ["a.txt", "alias.txt", "passwd.txt"]
    assert followed.skipped == {"symlinked folder (not followed)": 2}
    assert (out / "passwd.txt").read_text(encoding="utf-8").startswith("Top secret")
    assert main(["run", str(root), str(tmp_path / "cli"), "--quiet", "--workers", "1", "--follow-symlinks"]) == 0
    assert (tmp_path / "cli" / "passwd.txt").is_file()


def test_input_and_output_the_same_folder_exits_2_and_writes_nothing(make_tree, tmp_path, capsys):
    root = make_tree({"a.txt": article("An article"), "report.html": article_html()})
    before = {p: p.read_bytes() for p in root.rglob("*")}
    assert cli_run(root, root) == 2
    assert "INPUT and OUTPUT are the same folder" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in root.rglob("*")} == before  # no report.html replaced, no state


def test_input_inside_output_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    root = out / "scrapes"
    root.mkdir(parents=True)
    (root / "a.txt").write_text(article("An article"), encoding="utf-8")
    assert cli_run(root, out) == 2
    assert "is inside OUTPUT" in capsys.readouterr().err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["scrapes", "scrapes/a.txt"]


# --- the environment ------------------------------------------------------------------------------


def test_output_that_is_a_file_exits_with_its_own_code_naming_it(make_tree, tmp_path, capsys):
    root = make_tree({"a.txt": article("An article")})
    out = tmp_path / "out.txt"
    out.write_text("not a folder", encoding="utf-8")
    assert cli_run(root, out) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and "not a folder" in err
    assert out.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "no space left"), (errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied")],
)
def test_a_write_error_exits_with_its_own_code_and_the_next_run_completes(
    make_tree, tmp_path, capsys, monkeypatch, code, words
):
    root = make_tree({f"{n}.txt": article(f"Article number {n}") for n in range(6)})
    out = tmp_path / "out"
    real = atomic.tempfile.mkstemp
    calls = []

    def failing_mkstemp(*args, **kwargs):
        calls.append(kwargs.get("dir"))
        if len(calls) > 3:  # the disk fills up (or turns read-only) after three outputs
            raise OSError(code, os.strerror(code), str(kwargs.get("dir")))
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", failing_mkstemp)
    assert cli_run(root, out) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and str(out) in err and "internal error" not in err
    assert not [p for p in out.rglob("*.tmp")]  # nothing half-written
    monkeypatch.setattr(atomic.tempfile, "mkstemp", real)
    assert cli_run(root, out) == 0
    assert output_files(out) == fresh_outputs(root, tmp_path)


def test_a_corrupt_state_exits_with_its_own_code_and_rebuild_state_starts_afresh(make_tree, tmp_path, capsys):
    root = make_tree({"a.txt": article("An article"), "b.txt": article("Another article")})
    out = tmp_path / "out"
    assert cli_run(root, out) == 0
    capsys.readouterr()
    db = out / STATE_DIR / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"this is not an SQLite database at all, only junk" * 100)
    assert cli_run(root, out) == EXIT_STATE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(db) in err and "--rebuild-state" in err
    assert cli_run(root, out, "--rebuild-state") == 0
    assert output_files(out) == fresh_outputs(root, tmp_path)
    assert cli_run(root, out) == 0  # and the rebuilt state is used as usual
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2


def test_a_read_only_state_exits_with_its_own_code_naming_it(make_tree, tmp_path, capsys, monkeypatch):
    from cleaner.batch import state as state_module

    root = make_tree({"a.txt": article("An article")})
    out = tmp_path / "out"
    assert cli_run(root, out) == 0
    capsys.readouterr()

    def read_only(self):
        raise sqlite3.OperationalError("attempt to write a readonly database")  # what SQLite says (root can write all)

    monkeypatch.setattr(state_module.State, "_open", read_only)
    assert cli_run(root, out) == EXIT_STATE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out / STATE_DIR / DB_NAME) in err and "writable" in err
    monkeypatch.undo()
    assert cli_run(root, out) == 0  # the lock was released on the way out


# --- failures heal --------------------------------------------------------------------------------


def test_a_worker_killed_by_a_signal_is_retried_by_the_next_run(make_tree, tmp_path, monkeypatch):
    import signal

    from cleaner.core import pipeline

    root = make_tree({f"{n}.txt": article(f"Article number {n}") for n in range(4)})
    real = pipeline.process

    def killed_on_one(doc, settings, ruleset):
        if doc.id == "2.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # the OOM killer, or the group's SIGTERM in a worker
        return real(doc, settings, ruleset)

    monkeypatch.setattr(pipeline, "process", killed_on_one)
    out = tmp_path / "out"
    first = run_batch(root, out)
    assert first.records["2.txt"]["status"] == "failed" and "worker process died" in first.records["2.txt"]["reason"]
    monkeypatch.setattr(pipeline, "process", real)
    second = run_batch(root, out)
    assert second.counts == {"new": 0, "changed": 1, "unchanged": 3, "removed": 0}
    assert second.records["2.txt"]["status"] == "kept" and second.outcome.failed == []
    assert output_files(out) == fresh_outputs(root, tmp_path)
    assert run_batch(root, out).outcome.cleaned == 0


def test_a_timed_out_file_is_retried_by_the_next_run(make_tree, tmp_path, monkeypatch):
    import time

    from cleaner.core import pipeline

    root = make_tree({f"{n}.txt": article(f"Article number {n}") for n in range(3)})
    real = pipeline.process
    slow = tmp_path / "slow"  # while it exists, 1.txt takes 30 s (workers are forked: a file, not a flag)
    slow.touch()

    def slow_on_one(doc, options, ruleset):
        if doc.id == "1.txt" and slow.exists():
            time.sleep(30)
        return real(doc, options, ruleset)

    monkeypatch.setattr(pipeline, "process", slow_on_one)
    out = tmp_path / "out"
    assert "timed out" in run_batch(root, out, timeout=1).records["1.txt"]["reason"]
    slow.unlink()
    again = run_batch(root, out, timeout=10)  # a longer limit (or a quieter night)
    assert again.counts["changed"] == 1 and again.records["1.txt"]["status"] == "kept"
    assert run_batch(root, out, timeout=10).outcome.cleaned == 0


def test_a_change_of_max_bytes_replans_only_the_files_it_failed(make_tree, tmp_path):
    big = article("A long article") * 20
    root = make_tree({"small.txt": article("A short one"), "big.txt": big, "other.txt": article("Another")})
    out = tmp_path / "out"
    first = run_batch(root, out, max_bytes=len(big) - 1)
    assert "too large" in first.records["big.txt"]["reason"]
    assert run_batch(root, out, max_bytes=len(big) - 1).outcome.cleaned == 0  # the same limit: nothing to do
    raised = run_batch(root, out, max_bytes=len(big) * 2)
    assert raised.counts == {"new": 0, "changed": 1, "unchanged": 2, "removed": 0}
    assert raised.records["big.txt"]["status"] == "kept"
    assert run_batch(root, out, max_bytes=len(big) * 3).outcome.cleaned == 0  # no failure depends on it now


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of 192 KiB mounted in tmp_path (skipped where the machine does not allow mounting)."""
    with tmpfs(tmp_path / "disk", "192k") as point:
        yield point


def test_a_real_full_disk_exits_with_its_own_code_and_the_next_run_with_space_completes(
    make_tree, tmp_path, capsys, small_disk
):
    import subprocess

    long_article = article("A long article") * 6  # about 5 KB of output per file
    root = make_tree({f"site/{n:03}.txt": long_article.replace("long", f"long number {n}") for n in range(80)})
    out = small_disk / "out"
    assert cli_run(root, out) == EXIT_OUTPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no space left" in err and str(out) in err, err
    assert not [p for p in out.rglob("*.tmp")]  # nothing half-written
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_disk)], check=True)
    assert cli_run(root, out) == 0
    assert output_files(out) == fresh_outputs(root, tmp_path)


def test_failures_are_logged_at_warning_level(make_tree, tmp_path, capsys):
    root = make_tree({"good.txt": article("A good article"), "bad.html": b"\x00\x01\x02 binary \xff" * 50})
    code = main(["--log-format", "json", "run", str(root), str(tmp_path / "out"), "--workers", "1"])
    assert code == 1
    messages = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    failures = [m for m in messages if m["message"].startswith("  failed: bad.html")]
    assert len(failures) == 1 and failures[0]["level"] == "warning"
    assert {m["level"] for m in messages if m not in failures} == {"info"}


def test_status_of_a_corrupt_state_names_it(make_tree, tmp_path, capsys):
    root = make_tree({"a.txt": article("An article")})
    out = tmp_path / "out"
    assert cli_run(root, out) == 0
    db = out / STATE_DIR / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.write_bytes(b"junk" * 1000)
    capsys.readouterr()
    assert main(["status", str(out)]) == EXIT_STATE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(db) in err and "--rebuild-state" in err


# --- a hostile input folder, as a whole ----------------------------------------------------------

RUSSIAN = (
    "Городской совет во вторник вечером решил построить новый пешеходный мост через реку. "
    "Спор об этом мосте разделял жителей обоих берегов почти десять лет, и теперь он закончен.\n"
)
CHINESE = (
    "市议会周二晚上投票决定在河上修建一座新的人行桥，结束了一场持续近十年的争论。这座桥将连接老市场广场和火车站。\n"
)
JAPANESE = "市立図書館は来月から日曜日の開館時間を午後七時まで延長すると発表した。試験期間中の学生の利用が増えていることが理由だという。\n"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Laughs</title></head><body><p>&lol9;</p></body></html>
"""


def hostile_tree(root: Path, outside: Path) -> set[str]:
    """Write the hostile folder; return the ids that must each have a report record."""
    import gzip

    files: dict[str, bytes] = {
        "binary.html": bytes(range(256)) * 64,
        "nul.txt": article("Text with NUL bytes").replace("river", "ri\x00ver").encode(),
        "bomb.txt.gz": gzip.compress(b"\0" * (64 * 1024 * 1024)),  # 64 MB of zeros, over --max-bytes
        "broken.txt.gz": gzip.compress(article("Truncated").encode())[:-12],
        "/".join(f"d{n}" for n in range(40)) + "/deep.txt": article("Deep down").encode(),
        "nested.html": ("<div>" * 5000 + "<p>Deeply nested</p>" + "</div>" * 5000).encode(),
        "links.html": many_links_page(),  # 200,000 links: 1.3 GB before the memory guard
        "tables.html": nested_tables_page(),  # 9 MB of nested tables: over 120 s before the guards
        "utf16.txt": article("Sixteen bits").encode("utf-16"),
        "sjis.txt": JAPANESE.encode("shift_jis"),
        "gb18030.txt": CHINESE.encode("gb18030"),
        "koi8r.txt": RUSSIAN.encode("koi8-r"),
        "cr-only.txt": article("Old Mac line ends").replace("\n", "\r").encode(),
        "laughs.xhtml": BILLION_LAUGHS.encode(),
        "empty.html": b"",
        "h" * 251 + ".htm": article_html().encode(),
        "dump.jsonl": b'{"text": "fine"}\n{"n": ' + b"1" * 5000 + b"}\n",
        "report.html/inside.txt": article("Named like the report").encode(),
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / os.fsdecode(b"latin1-\xe9.txt")).write_bytes(article("Not a UTF-8 name").encode())
    os.mkfifo(root / "fifo.txt")
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (root / "passwd.txt").symlink_to(outside / "passwd.txt")
    with open(root / "crawl.warc", "wb") as f:
        writer = WARCWriter(f, gzip=False)
        for uri in ("https://e.com/one", None, "javascript:alert(1)"):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri or "http://x/", "response", payload=io.BytesIO(article_html().encode()), http_headers=http
            )
            if uri is None:
                record.rec_headers.remove_header("WARC-Target-URI")
            writer.write_record(record)
    regular = {rel for rel in files if not rel.startswith("report.html/") and not rel.endswith(".jsonl")}
    return regular | {"latin1-\\xe9.txt", "dump.jsonl#1", "dump.jsonl#2", *(f"crawl.warc#{n}" for n in (1, 2, 3))}


def test_a_hostile_folder_is_cleaned_record_by_record_within_a_memory_bound(tmp_path):
    import resource
    import subprocess
    import sys

    root, outside, out = tmp_path / "in", tmp_path / "outside", tmp_path / "out"
    root.mkdir()
    outside.mkdir()
    expected = hostile_tree(root, outside)
    # The default --max-memory; a shorter --timeout than the default, for the test's sake.
    command = [sys.executable, "-m", "cleaner", "run", str(root), str(out), "--workers", "2", "--timeout", "20"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr  # never 70 (a bug), never a hang
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest process waited for
    assert peak_kib < 1024 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in report["documents"]}
    assert set(records) == expected
    assert report["skipped"] == {
        "named like an output of the cleaner (report.html)": 1,
        "not a regular file (FIFO)": 1,
        "symlink to a file outside INPUT (see --follow-symlinks)": 1,
    }
    for doc_id in ("binary.html", "bomb.txt.gz", "broken.txt.gz", "dump.jsonl#2", "crawl.warc#2"):
        assert records[doc_id]["status"] == "failed", doc_id
    over = ("over the memory limit of 512 MB (see --max-memory)", "timed out after 20 s (see --timeout)")
    for doc_id in ("links.html", "tables.html"):  # which limit comes first depends on the machine's load
        assert records[doc_id]["status"] == "failed" and records[doc_id]["reason"] in over, records[doc_id]
    assert records["crawl.warc#3"]["status"] == "dropped"
    decoded = {"utf16.txt": ("utf-16",), "sjis.txt": ("shift_jis", "cp932"), "gb18030.txt": ("gb18030",)}
    for doc_id, names in {**decoded, "koi8r.txt": ("koi8",)}.items():
        found = records[doc_id]["encoding"]
        assert found and codecs.lookup(found).name.startswith(names), (doc_id, found)
    texts = {doc_id: (out / r["output"]).read_text(encoding="utf-8") for doc_id, r in records.items() if r["output"]}
    assert "Sixteen bits" in texts["utf16.txt"] and "Old Mac line ends" in texts["cr-only.txt"]
    assert (
        "Not a UTF-8 name" in texts["latin1-\\xe9.txt"]
        and "Deep down" in texts["d0/" + "/".join(f"d{n}" for n in range(1, 40)) + "/deep.txt"]
    )
    for doc_id, phrase in (("sjis.txt", "市立図書館"), ("gb18030.txt", "市议会"), ("koi8r.txt", "Городской совет")):
        if doc_id in texts:  # kept: the text is the right one; dropped (too short for the heuristics) is fine too
            assert phrase in texts[doc_id]
    assert "lol" * 1000 not in "".join(texts.values())  # entities are not expanded a billion times
    assert not any("root:x:0:0" in text for text in texts.values())
    assert "Traceback" not in done.stderr


def test_an_output_file_never_stands_where_another_output_needs_a_folder(make_tree, tmp_path):
    root = make_tree(
        {
            "notes": article("An extensionless file"),  # its output would be notes.txt ...
            "notes.txt/a.txt": article("In a folder named notes.txt"),  # ... a folder here
            "pages.jsonl.html": article_html(),  # pages.jsonl.txt: no collision
            "pages.txt": json.dumps({"text": article("x")}) + "\n",
            "pages.jsonl": json.dumps({"text": article("A page")}) + "\n",  # its pages go in pages.jsonl/
        }
    )
    (root / "pages.jsonl.md").write_text(article("Markdown"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(root, out)
    outputs = {doc_id: r["output"] for doc_id, r in result.records.items()}
    assert outputs["notes"] == "notes.1.txt" and outputs["notes.txt/a.txt"] == "notes.txt/a.txt"
    assert outputs["pages.jsonl#1"] == "pages.jsonl/1.txt"
    assert all((out / path).is_file() for path in outputs.values())
    assert all(r["status"] == "kept" for r in result.documents)
    assert run_batch(root, out).outcome.cleaned == 0


def test_an_output_path_too_long_for_the_file_system_fails_that_document_alone(make_tree, tmp_path):
    folders = "/".join(f"{n:02}" + "f" * 198 for n in range(19))  # 3,819 characters: fits as input
    root = make_tree({f"{folders}/deep.txt": article("Deep down"), "short.txt": article("Short")})
    out = tmp_path / ("o" * 250)  # ... but not under this OUTPUT (PATH_MAX is 4,096 bytes)
    assert cli_run(root, out) == 1
    records = {r["id"]: r for r in json.loads((out / "report.json").read_text())["documents"]}
    deep = records[f"{folders}/deep.txt"]
    assert deep["status"] == "failed" and "path is too long" in deep["reason"] and deep["output"] is None
    assert records["short.txt"]["status"] == "kept" and (out / "short.txt").is_file()
    assert cli_run(root, out) == 0  # the next night: nothing changed, nothing to do, the failure on record
    records = {r["id"]: r for r in json.loads((out / "report.json").read_text())["documents"]}
    assert records[f"{folders}/deep.txt"]["status"] == "failed"
