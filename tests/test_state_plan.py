"""state.plan: which inputs are new, changed, unchanged or gone since the last run."""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
from pathlib import Path

from conftest import ARTICLE_PARAGRAPHS, output_files, run_batch
from state_helpers import save_whole, saved

from cleaner.batch.state import DB_NAME, INCOMPLETE, RETRY_ALWAYS, STATE_DIR, Plan, Seen, State
from cleaner.document import Document


def set_mtime(path: Path, seconds_later: float = 10) -> None:
    """Move a file's mtime on, so a rewrite within the clock's granularity is still seen."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds_later * 1e9)))


def test_plan_sorts_inputs_into_new_changed_unchanged_removed(tmp_path):
    files = {name: tmp_path / name for name in ("same", "edited", "touched", "fresh")}
    for name, path in files.items():
        path.write_text(f"content of {name}\n")
    with State(tmp_path / "out") as state:
        for name in ("same", "edited", "touched", "gone"):
            path = files.get(name, tmp_path / "same")
            st, digest = path.stat(), hashlib.sha256(path.read_bytes()).hexdigest()
            seen = Seen(st.st_size, st.st_mtime_ns, digest, "fp", name + ".txt")
            save_whole(state, name, [saved(Document(name), seen, keys=[])])
        files["edited"].write_text("content of edited, now longer\n")
        set_mtime(files["touched"])
        inputs = [(name, path, name + ".txt", None) for name, path in files.items()]
        plan = state.planner.plan(inputs, "fp", full=False)
        assert plan == Plan(new=["fresh"], changed=["edited"], unchanged=["same", "touched"], removed=["gone"])
        assert plan.todo == {"fresh", "edited"}
        assert state.planner.plan(inputs, "other rules", full=False).changed == ["same", "edited", "touched"]
        assert state.planner.plan(inputs, "fp", full=True).changed == ["same", "edited", "touched"]
        outdated = frozenset({"same"})
        assert state.planner.plan(inputs, "fp", full=False, outdated=outdated).changed == ["same", "edited"]
        moved = [(name, path, "elsewhere/" + name + ".txt", None) for name, path in files.items()]
        assert state.planner.plan(moved, "fp", full=False).changed == ["same", "edited", "touched"]
        stats = {name: (p.stat().st_size, p.stat().st_mtime_ns) for name, p in files.items()}
        known = [(name, path, name + ".txt", stats[name]) for name, path in files.items()]
        assert state.planner.plan(known, "fp", full=False) == plan  # discovery's stat, not a second one


def state_plan(inputs, state: State) -> Plan:
    return state.planner.plan(inputs, "fp", full=False)


def test_a_container_is_planned_as_one_file_and_replaced_whole(tmp_path):
    out = tmp_path / "out"
    dump = tmp_path / "dump.jsonl"
    dump.write_text("{}\n")
    st = dump.stat()
    seen = Seen(st.st_size, st.st_mtime_ns, hashlib.sha256(dump.read_bytes()).hexdigest(), "fp", None)
    plan = functools.partial(state_plan, [("dump.jsonl", dump, None, None)])
    with State(out) as state:
        pages = [saved(Document(f"dump.jsonl#{n}"), seen, keys=[n]) for n in (1, 2)]
        state.documents.save_pages("dump.jsonl", pages[:1])  # one part of two stored: the file is not done
        assert plan(state).changed == ["dump.jsonl"]
        state.documents.save_pages("dump.jsonl", pages[1:])
        state.documents.complete_source("dump.jsonl", [], "fp")
        assert plan(state).unchanged == ["dump.jsonl"]
        state.documents.save_pages("dump.jsonl", pages[1:])  # cleaned again: the file lost its first page
        assert plan(state).changed == ["dump.jsonl"]
        assert state.planner.stale("dump.jsonl", {pages[1].id}) == [("dump.jsonl#1", None)]
        state.documents.complete_source("dump.jsonl", ["dump.jsonl#1"], "fp")
        assert [d for (d,) in state.db.execute("SELECT id FROM documents")] == ["dump.jsonl#2"]
        assert [d for (d,) in state.db.execute("SELECT doc FROM lines")] == ["dump.jsonl#2"]
        assert plan(state).unchanged == ["dump.jsonl"]
        state.documents.forget_source("dump.jsonl")
        assert state.planner.seen() == {}


def test_the_outputs_of_an_input_are_found_by_document_and_by_source(tmp_path):
    with State(tmp_path) as state:
        seen = Seen(1, 1, "h", "fp", None)
        pages = [saved(Document(f"d.jsonl#{n}"), Seen(1, 1, "h", "fp", f"d.jsonl/{n}.txt")) for n in (1, 2)]
        save_whole(state, "d.jsonl", [*pages, saved(Document("d.jsonl#3"), seen)])  # #3 failed: no output
        assert state.planner.output_of("d.jsonl#2") == "d.jsonl/2.txt" and state.planner.output_of("x") is None
        assert state.planner.outputs_of_source("d.jsonl") == ["d.jsonl/1.txt", "d.jsonl/2.txt"]
        assert state.planner.stale("d.jsonl", {"d.jsonl#1"}) == [("d.jsonl#2", "d.jsonl/2.txt"), ("d.jsonl#3", None)]


def test_a_file_is_incomplete_when_a_failure_is_worth_cleaning_again(tmp_path):
    with State(tmp_path) as state:
        for name, retry in (("plain", None), ("killed", RETRY_ALWAYS), ("big", "max_bytes=10")):
            save_whole(state, name, [saved(Document(name), Seen(1, 1, "h", "fp", None), retry=retry)])
        fingerprints = {name: seen.fingerprint for name, seen in state.planner.seen("max_bytes=10").items()}
        assert fingerprints == {"plain": "fp", "killed": INCOMPLETE, "big": "fp"}
        assert state.planner.seen("max_bytes=99")["big"].fingerprint == INCOMPLETE  # the limit changed
        state.db.execute("UPDATE documents SET version = version - 1 WHERE id = 'plain'")  # another record version
        assert state.planner.seen("max_bytes=10")["plain"].fingerprint == INCOMPLETE


def test_outdated_sources_are_those_whose_site_key_changed(tmp_path):
    looked_up: list[str] = []

    def site_key(host: str) -> str:
        looked_up.append(host)
        return {"a.example": "a-file:v2", "b.example": "b-file:v1"}.get(host, "")

    with State(tmp_path) as state:
        for name, host, key in (
            ("one.html", "a.example", "a-file:v1"),  # its site file changed
            ("two.html", "a.example", "a-file:v1"),
            ("three.html", "b.example", "b-file:v1"),  # the same
            ("four.html", "c.example", "c-file:v1"),  # its site file went
            ("five.html", "d.example", ""),  # still none
            ("six.txt", None, ""),  # not a page with a URL host
        ):
            save_whole(state, name, [saved(Document(name), rule_host=host, rule_key=key)])
        assert state.planner.outdated(site_key) == {"one.html", "two.html", "four.html"}
        assert sorted(looked_up) == ["a.example", "b.example", "c.example", "d.example"]  # each host once


def test_a_document_stored_in_another_record_version_is_cleaned_again(make_tree, tmp_path):
    body = "\n\n".join(ARTICLE_PARAGRAPHS)
    tree = make_tree({"a.txt": f"First article\n\n{body}\n", "b.txt": f"Second article\n\n{body}\n"})
    out = tmp_path / "out"
    run_batch(tree, out, format="both")
    before = output_files(out)
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    db.execute("UPDATE documents SET version = 0 WHERE id = 'b.txt'")
    db.commit()
    db.close()
    result = run_batch(tree, out, format="both")
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 1, "removed": 0}
    assert output_files(out) == before
    assert run_batch(tree, out, format="both").outcome.cleaned == 0
