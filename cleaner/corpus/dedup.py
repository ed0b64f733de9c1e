"""Duplicates across the corpus: exact (hash of the normalised text) and near (MinHash LSH).

Each kept document gets a fingerprint when it is cleaned (in its worker); after a run, the
fingerprints of every current document are clustered and one document per cluster is kept:
the longest, then the smallest id, so the choice depends on neither file order nor workers.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cleaner.core.text import folded_words

if TYPE_CHECKING:
    from datasketch import MinHash

#: Near duplicates need datasketch (and numpy), an optional extra: `pip install 'cleaner[dedup]'`.
EXTRA = "dedup"

MODES = ("off", "exact", "near")

#: MinHash permutations: 128 estimate a Jaccard similarity to about ±0.04, ample for a 0.8 cut.
NUM_PERM = 128
#: Fixed so that signatures, and so clusters, are the same in every run and every process.
MINHASH_SEED = 1
#: datasketch's hashing scheme, named so stored signatures can be read back (datasketch >= 2).
MINHASH_SCHEME = "affine32"
#: Word 5-grams: short enough to survive light edits, long enough that unrelated news on the
#: same topic shares few of them.
SHINGLE_WORDS = 5
#: Jaccard similarity of shingle sets from which two documents count as near duplicates.
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedup needs of one document: its length, exact hash and MinHash signature (near only)."""

    length: int
    text_hash: str
    signature: bytes | None


def near_available() -> bool:
    """True if the optional 'dedup' extra (datasketch) is installed."""
    return importlib.util.find_spec("datasketch") is not None


def fingerprint(text: str, signature: bool) -> Fingerprint:
    """The fingerprint of one clean text; with `signature`, its MinHash for near duplicates too."""
    words = folded_words(text)
    digest = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
    return Fingerprint(len(text), digest, _signature(words) if signature else None)


def _signature(words: list[str]) -> bytes:
    """The MinHash signature of the text's word shingles, as bytes."""
    from datasketch import MinHash

    shingles = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return bytes(minhash.hashvalues.tobytes())


def _minhash(signature: bytes) -> MinHash:
    """A MinHash rebuilt from stored signature bytes."""
    import numpy as np
    from datasketch import MinHash

    values = np.frombuffer(signature, dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME, hashvalues=values)


def clusters(documents: Iterable[tuple[str, Fingerprint]], mode: str, threshold: float) -> dict[str, str]:
    """Map each duplicate's id to the id of the document kept in its place."""
    docs = dict(sorted(documents))
    parent = {doc_id: doc_id for doc_id in docs}

    def root(doc_id: str) -> str:
        """The representative of a document's cluster (union-find with path halving)."""
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    def join(a: str, b: str) -> None:
        """Put two documents in one cluster."""
        parent[root(a)] = root(b)

    first_with_hash: dict[str, str] = {}
    for doc_id, fp in docs.items():
        if fp.text_hash in first_with_hash:
            join(doc_id, first_with_hash[fp.text_hash])
        else:
            first_with_hash[fp.text_hash] = doc_id
    if mode == "near":
        _join_near(docs, threshold, join)
    members: dict[str, list[str]] = {}
    for doc_id in docs:
        members.setdefault(root(doc_id), []).append(doc_id)
    duplicates = {}
    for group in members.values():
        keeper = min(group, key=lambda d: (-docs[d].length, d))  # longest, then smallest id
        duplicates.update({d: keeper for d in group if d != keeper})
    return duplicates


def _join_near(docs: dict[str, Fingerprint], threshold: float, join) -> None:
    """Join documents whose estimated Jaccard similarity reaches the threshold (LSH candidates)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = {doc_id: _minhash(fp.signature) for doc_id, fp in docs.items() if fp.signature is not None}
    for doc_id, minhash in hashes.items():
        lsh.insert(doc_id, minhash)
    for doc_id, minhash in hashes.items():
        for other in sorted(lsh.query(minhash)):
            # LSH gives candidates; the signature estimate decides (no false positives below it).
            if other != doc_id and minhash.jaccard(hashes[other]) >= threshold:
                join(doc_id, other)
