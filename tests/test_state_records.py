"""state.records: a stored document is a small versioned JSON record, never a pickle."""

from __future__ import annotations

import base64
import json
import sqlite3
import zlib
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import ARTICLE_PARAGRAPHS, output_files, run_batch

from cleaner.batch.state import DB_NAME, STATE_DIR
from cleaner.batch.state.records import NOT_STORED, VERSION, RecordError, decode, encode
from cleaner.corpus import dedup
from cleaner.corpus.dedup import Fingerprint
from cleaner.document import (
    Block,
    BlockKind,
    BlockScore,
    Decoding,
    Document,
    LineHint,
    Origin,
    Reason,
    Removal,
    Status,
)


def full_document() -> Document:
    """A document with every field set to something other than its default."""
    rule = Reason(Origin.RULE, "default/back-to-top")
    return Document(
        id="dump.jsonl#7",
        raw=b"\x00\xffraw bytes",
        source="dump.jsonl",
        part=7,
        charset="windows-1252",
        size=1234,
        content_size=999,
        mtime_ns=1_700_000_000_123_456_789,
        sha256="ab" * 32,
        input_format="html",
        decoding=Decoding("windows-1252", "transport", ["mojibake"], ["invalid bytes"]),
        source_text="Title\n\nBody “quoted” — ünïcödé\n\nBack to top",
        blocks=[
            Block("Title", 1, BlockKind.HEADING),
            Block("Body “quoted” — ünïcödé", 3, BlockKind.LIST_ITEM, indent=2),
            Block("Back to top", 5, removed=rule),
            Block("Sponsored", 7, removed=Reason(Origin.MODEL, "0.12")),
        ],
        line_hints={1: LineHint("head", 0.0), 3: LineHint(None, 0.25)},
        scores={3: BlockScore(0.8765432101234567, True, ("traf=1 +1.20",)), 7: BlockScore(0.12, False)},
        title="Title",
        url="https://example.com/a",
        date="2026-11-30",
        author="Ann Example",
        language="de",
        language_score=0.9999957,
        stripped=[Removal(3, "Updated: ", Reason(Origin.METADATA, "date"))],
        removed_elements=[Removal(0, "<div class=promo>", Reason(Origin.RULE, "site/promo"), chars=4000)],
        status=Status.DROPPED,
        reason="language de not wanted",
        rule_host="example.com",
    )


def stored(data: bytes) -> dict:
    """The JSON a stored record holds."""
    return json.loads(zlib.decompress(data))


def repack(record: object) -> bytes:
    """A record as the state would hold it."""
    return zlib.compress(json.dumps(record).encode("utf-8"))


def test_every_field_is_set_in_the_full_document():
    default, doc = Document(id="x"), full_document()
    unset = [f.name for f in fields(Document) if getattr(doc, f.name) == getattr(default, f.name)]
    assert unset == []  # so the round trip below proves something for every field


def test_a_record_round_trips_every_stored_field_with_its_type():
    doc = full_document()
    back, fingerprint = decode(encode(doc, None))
    assert fingerprint is None
    for f in fields(Document):
        if f.name in NOT_STORED:  # only the cleaning needs them: they come back empty
            assert getattr(back, f.name) == getattr(Document(id="x"), f.name), f.name
            continue
        value, want = getattr(back, f.name), getattr(doc, f.name)
        if f.name == "scores":  # the strongest features are for `explain`, which cleans again
            want = {line: BlockScore(s.score, s.keep) for line, s in want.items()}
        assert value == want, f.name
        assert type(value) is type(want), f.name  # enums stay enums, tuples stay tuples
    assert back.text == doc.text and back.removals == doc.removals and back.seen_chars == doc.seen_chars
    assert all(
        type(b.kind) is BlockKind and (b.removed is None or type(b.removed.origin) is Origin) for b in back.blocks
    )


def test_the_record_is_versioned_json_without_what_only_the_cleaning_needs():
    record = stored(encode(full_document(), None))  # zlib-compressed JSON, not a pickle
    assert record["version"] == VERSION
    assert not set(NOT_STORED) & set(record["document"])
    assert "raw bytes" not in json.dumps(record) and "Back to top" in json.dumps(record)


def test_a_minhash_fingerprint_is_stored_exactly_and_compactly():
    text = " ".join(f"word{n}" for n in range(200))
    fingerprint = dedup.fingerprint(text, signature=True)
    assert fingerprint.signature is not None and len(fingerprint.signature) == 4 * dedup.NUM_PERM
    data = encode(full_document(), fingerprint)
    _, back = decode(data)
    assert back == fingerprint
    signature = stored(data)["fingerprint"][2]
    assert base64.b64decode(signature) == fingerprint.signature
    assert len(signature) <= 4 * len(fingerprint.signature) / 3 + 4  # base64: a third more, not a list of ints
    exact = Fingerprint(0, "e3", None)  # exact dedup: no signature
    assert decode(encode(Document("x"), exact))[1] == exact


@pytest.mark.parametrize("version", [None, 0, 1, 2, VERSION + 1, str(VERSION), float(VERSION), True])
def test_a_record_of_another_version_is_refused_naming_it(version):
    record = stored(encode(full_document(), None))
    record["version"] = version
    with pytest.raises(RecordError) as exc:
        decode(repack(record))
    assert f"version {version!r}" in str(exc.value) and str(VERSION) in str(exc.value)


def test_a_record_without_a_version_is_refused():
    record = stored(encode(full_document(), None))
    del record["version"]
    for data in (record, [record], "text"):
        with pytest.raises(RecordError, match="version None"):
            decode(repack(data))


def damaged(kind: str) -> bytes:
    """A stored record damaged in one way."""
    if kind == "not-zlib":
        return b"not compressed at all"
    if kind == "not-json":
        return zlib.compress(b"{'version': 3")
    if kind == "not-utf8":
        return zlib.compress(b'{"version": 3, "document": "\xff"}')
    record = stored(encode(full_document(), Fingerprint(5, "ab", b"\x01\x02")))
    document = record["document"]
    if kind == "missing-field":
        del document["blocks"]
    elif kind == "wrong-type":
        document["blocks"] = 5
    elif kind == "bad-enum":
        document["status"] = "exploded"
    elif kind == "short-block":
        document["blocks"][0] = ["Title", 1]
    elif kind == "removal-without-reason":
        document["stripped"][0][2] = None
    elif kind == "bad-signature":
        record["fingerprint"][2] = "not base64!"
    return repack(record)


@pytest.mark.parametrize(
    "kind",
    [
        "not-zlib",
        "not-json",
        "not-utf8",
        "missing-field",
        "wrong-type",
        "bad-enum",
        "short-block",
        "removal-without-reason",
        "bad-signature",
    ],
)
def test_a_damaged_record_is_a_record_error_in_one_line(kind):
    with pytest.raises(RecordError) as exc:
        decode(damaged(kind))
    assert str(exc.value).startswith("damaged stored record: ") and "\n" not in str(exc.value)


class _Exploit:
    """A pickle that, when loaded, writes a file: what a planted blob would do to a pickle reader."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def test_a_blob_planted_in_the_state_cannot_run_code(make_tree, tmp_path):
    import pickle

    body = "\n\n".join(ARTICLE_PARAGRAPHS)
    tree = make_tree({"a.txt": f"First article about the bridge\n\n{body}\n", "b.txt": f"Another one\n\n{body}\n"})
    out, marker = tmp_path / "out", tmp_path / "pwned"
    run_batch(tree, out, format="both")
    before = output_files(out)
    db = sqlite3.connect(out / STATE_DIR / DB_NAME)
    for blob in (pickle.dumps(_Exploit(marker)), zlib.compress(pickle.dumps(_Exploit(marker)))):
        # applied = NULL: pass two must load the row again to write its outputs
        db.execute("UPDATE documents SET cleaned = ?, applied = NULL WHERE id = 'a.txt'", (blob,))
        db.commit()
        second = run_batch(tree, out, format="both")
        assert not marker.exists()
        assert second.outcome.failed == [] and output_files(out) == before  # a.txt's outputs kept as they were
        third = run_batch(tree, out, format="both")  # the unreadable record is cleaned again
        assert third.counts["changed"] == 1 and third.outcome.cleaned == 1
        assert output_files(out) == before and not marker.exists()
    db.close()
