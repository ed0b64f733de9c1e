"""Record what `cleaner run` writes on the sample corpora, and compare two such records.

A restructuring of the code must not change a byte of output. Run this before the first move and
after the last one, then compare:

    python scripts/snapshot_outputs.py record /tmp/before
    python scripts/snapshot_outputs.py record /tmp/after
    python scripts/snapshot_outputs.py compare /tmp/before /tmp/after

`record FOLDER SET...` cleans only the sets named (e.g. corpus_raw seeds traf-dev-html); compare
then looks at the sets the second record has.

Each input set (the sample corpus_raw/, the acceptance seeds and every bench collection's html and
text) is cleaned with txt,jsonl,pyserini,es-bulk,dolma output, templates on and near dedup.
compare digests every written file of both folders afresh, run times, dates and the output
folder's path masked first, since they differ between any two runs; report.json is compared
record by record without them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FORMATS = "txt,jsonl,pyserini,es-bulk,dolma"
# a run's own time and duration: the only output that differs between two runs of the same code
VOLATILE = [
    (re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"), b"<time>"),
    (re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?( UTC)?"), b"<time>"),
    (re.compile(rb'"seconds": [0-9.e-]+'), b'"seconds": <s>'),
    (re.compile(rb"[0-9.]+ ?s(econds)?\b(?= (?:in|per|total|<))"), b"<s>"),
    # report.html's history: each run's seconds in its table and chart (and so the chart's max)
    (re.compile(rb"(<td><time></td><td>)[0-9.]+"), rb"\1<s>"),
    (re.compile(rb"(<time>: )[0-9.]+"), rb"\1<s>"),
    (re.compile(rb">max [0-9.]+<"), b">max <s><"),
    # a document page's link to its raw input is relative to where the checkout is
    (re.compile(rb'href="[^"]*">raw input'), b'href="<input>">raw input'),
]
REPORT_VOLATILE = {"started", "seconds", "output", "rules", "input"}


def input_sets() -> dict[str, Path]:
    """The folders cleaned: the sample corpus, the seeds, each bench collection's html and text."""
    sets = {"corpus_raw": ROOT / "corpus_raw", "seeds": SHARED / "acceptance" / "seeds" / "raw"}
    for collection in sorted((SHARED / "bench").glob("*/")):
        for kind in ("html", "text"):
            if (collection / kind).is_dir():
                sets[f"{collection.name}-{kind}"] = collection / kind
    return sets


def masked(data: bytes, output: Path) -> bytes:
    """The file's bytes with times and the output folder's path masked."""
    data = data.replace(str(output).encode(), b"<output>")
    for pattern, mask in VOLATILE:
        data = pattern.sub(mask, data)
    return data


def without_volatile(value):
    """A report.json value with run times and paths dropped, at any depth."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in REPORT_VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def manifest(output: Path) -> dict[str, str]:
    """A digest of every file the run wrote (the state folder aside), report.json normalised."""
    digests = {}
    for path in sorted(output.rglob("*")):
        rel = path.relative_to(output).as_posix()
        if not path.is_file() or rel.startswith(".cleaner/"):
            continue
        if rel == "report.json":
            report = without_volatile(json.loads(path.read_bytes()))
            data = json.dumps(report, sort_keys=True).encode()
        else:  # a .gz is compared by its content: its times (dolma's "added") are masked there
            data = path.read_bytes()
            data = masked(gzip.decompress(data) if rel.endswith(".gz") else data, output)
        digests[rel] = hashlib.sha256(data).hexdigest()
    return digests


def record(folder: Path, only: list[str]) -> None:
    """Clean every input set (or those named) into FOLDER/<set>/."""
    folder.mkdir(parents=True, exist_ok=True)
    sets = input_sets()
    unknown = set(only) - set(sets)
    if unknown:
        raise SystemExit(f"no such set: {', '.join(sorted(unknown))} (sets: {', '.join(sets)})")
    for name, source in sets.items():
        if only and name not in only:
            continue
        output = folder / name
        shutil.rmtree(output, ignore_errors=True)  # a fresh run: its history has one row
        command = [
            sys.executable,
            "-m",
            "cleaner",
            "run",
            str(source),
            str(output),
            "--format",
            FORMATS,
            "--templates",
            "on",
            "--dedup",
            "near",
            "--quiet",
            "--full",
        ]
        done = subprocess.run(command, cwd=ROOT)
        if done.returncode not in (0, 1):  # 1: some inputs failed (recorded), which is output too
            raise SystemExit(f"{name}: cleaner run exited {done.returncode}")
        print(f"{name}: {len(manifest(output))} files", flush=True)


def compare(before: Path, after: Path) -> int:
    """Print every file that differs between two records (digests made afresh from the outputs,
    so that a record made by an older version of this script compares as well); 0 when none does."""
    a = {name.name: manifest(name) for name in sorted(before.iterdir()) if name.is_dir()}
    b = {name.name: manifest(name) for name in sorted(after.iterdir()) if name.is_dir()}
    differences = 0
    for name in sorted(b):
        files_a, files_b = a.get(name, {}), b.get(name, {})
        for rel in sorted(set(files_a) | set(files_b)):
            if files_a.get(rel) != files_b.get(rel):
                differences += 1
                print(f"{name}/{rel}: {files_a.get(rel, 'missing')[:12]} -> {files_b.get(rel, 'missing')[:12]}")
    total = sum(len(files) for files in b.values())
    print(f"{differences} of {total} files differ, in {len(b)} sets")
    return 1 if differences else 0


def main(argv: list[str]) -> int:
    """record FOLDER [SET...] | compare BEFORE AFTER."""
    if len(argv) >= 2 and argv[0] == "record":
        record(Path(argv[1]).resolve(), argv[2:])
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
