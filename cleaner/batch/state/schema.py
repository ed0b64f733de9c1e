"""The tables of the state database, their version, and the migration of an older database."""

from __future__ import annotations

import sqlite3

#: Bumped when the tables or the stored records change: an older database's document tables are
#: rebuilt (its documents cleaned again), its run history is kept.
#: 6: `cleaned` holds records.py's versioned record (`version` is records.VERSION).
#: 7: `row` and `page`, a document's row in the report's lists and its page, rendered once.
#: 8: `lines.chrome`, whether the document's own stages removed the line; `groups`.
SCHEMA_VERSION = 8

#: Columns added to the runs table after it first shipped (its rows are kept across upgrades).
RUN_COLUMNS_ADDED = ("chars_in", "chars_out")

#: Columns added to the documents table since this schema version first shipped (TEXT, NULL until filled).
DOCUMENT_COLUMNS_ADDED = ("listed",)

#: The fingerprint of documents stored while the rest of their input file is still being cleaned.
INCOMPLETE = "incomplete"

#: `retry` of a failure caused by the run, not the file (a worker killed, a timeout): the next run
#: cleans its file again. Any other non-NULL `retry` names the limit the failure depended on
#: ('max_bytes=N'): the file is cleaned again when the run's limits differ.
RETRY_ALWAYS = "always"

#: One row per document. `source` is the input file (the id itself, unless the document is a page
#: of a JSONL or WARC file); size, mtime, sha256 and fingerprint are the source's, the same on
#: every row of one source. `cleaned` is the cleaned document before template removal, so that
#: its outputs can be written again without cleaning it again (records.encode(): versioned JSON,
#: never a pickle), and `version` its records.VERSION (a source with a row of another version is
#: cleaned again, so a record is only ever read by the code that wrote its shape); `applied` names
#: the template set its outputs were written with (NULL: not written yet). `lines` holds, per
#: site, the keys of the distinct lines of each document and the hash of its whole set of keys
#: (`page`): the counts that decide a site's template lines count pages, so copies of one page
#: (crawled under several URLs) count once and do not make their own article a template; `chrome`
#: says the document's own stages removed the line, what `groups` is derived from: per site, the
#: documents whose pages look alike (templates.group_pages) and have lines of their own in common,
#: under the group's name, which names their template set in `sites`. A site
#: whose documents changed is marked dirty in the same transaction, until its template set is
#: derived again. `rule_host` and `rule_key` are the URL host an HTML page's site configs were
#: looked up for and what that gave (RuleSet.site_key: the covering file and its digest, '' for
#: none): a run cleans a source again when the lookup gives another key now, so a changed site
#: file re-cleans that site's pages only.
#:
#: `row` and `page` are the document's row in the report's lists and its page's path, rendered
#: from `record` when it is written (a run that rebuilds the lists does not render 100,000 rows);
#: `listed`, its title and filter values (JSON), so that the lists are gathered without reading
#: every record (added in place to a database of this version without it: filled when the lists
#: are next gathered from every record).
#:
#: `touched` holds each document whose report record changed since the last reports were written
#: (its record written, changed or removed, its duplicate_of set or cleared), with its record as
#: it was then (NULL: it had none), by triggers in the transaction of the change, so that no code
#: path can miss one; it is emptied in the transaction that stores what those reports leave for
#: reuse (`reports`, report.write.Reuse, under the site templates and code they were written
#: for). A run with no row in it rewrites only what carries the run; one with a few works the
#: summary out from their records before and now (Summary.updated).
#:
#: The indexes from documents_known on cover what every run reads of every document, so that a
#: nightly run reads none of the rows themselves (a row's later columns lie past its `cleaned`
#: record, in overflow pages that a scan walks: 0.1 to 0.2 s per query at 10,000 documents, a
#: fifth of that from an index): planning's query (documents_known), the check that every output
#: and report page is still there (documents_pages, documents_written: the query must name the
#: same expression), pass two's search for what is not written (documents_applied), the duplicates
#: and the URL hosts' site configs (partial: as small as what they hold).
SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    output TEXT,
    site TEXT NOT NULL,
    cleaned BLOB NOT NULL,
    version INTEGER NOT NULL,
    retry TEXT,
    applied TEXT,
    record TEXT,
    jsonl TEXT,
    text_length INTEGER,
    text_hash TEXT,
    minhash BLOB,
    duplicate_of TEXT,
    rule_host TEXT,
    rule_key TEXT,
    row TEXT,
    page TEXT,
    listed TEXT
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_site ON documents (site);
CREATE INDEX IF NOT EXISTS documents_known
ON documents (source, size, mtime_ns, sha256, fingerprint, version, retry, id, output);
CREATE INDEX IF NOT EXISTS documents_pages ON documents (id, page) WHERE record IS NOT NULL;
CREATE INDEX IF NOT EXISTS documents_written ON documents (id, json_extract(record, '$.output'))
WHERE duplicate_of IS NULL AND record IS NOT NULL;
CREATE INDEX IF NOT EXISTS documents_applied ON documents (id, site, applied);
CREATE INDEX IF NOT EXISTS documents_duplicates ON documents (duplicate_of, id) WHERE duplicate_of IS NOT NULL;
CREATE INDEX IF NOT EXISTS documents_hosts ON documents (source, rule_host, rule_key) WHERE rule_host IS NOT NULL;
CREATE TABLE IF NOT EXISTS lines (
    site TEXT NOT NULL, key INTEGER NOT NULL, doc TEXT NOT NULL, page TEXT NOT NULL, chrome INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lines_site_key ON lines (site, key);
CREATE INDEX IF NOT EXISTS lines_doc ON lines (doc);
CREATE TABLE IF NOT EXISTS groups (doc TEXT PRIMARY KEY, site TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS groups_site ON groups (site);
CREATE INDEX IF NOT EXISTS groups_name ON groups (name, doc);
CREATE TABLE IF NOT EXISTS dirty_sites (site TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS sites (
    site TEXT PRIMARY KEY,
    documents INTEGER NOT NULL,
    hash TEXT NOT NULL,
    keys BLOB NOT NULL,
    lines TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    seconds REAL NOT NULL,
    new INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    bytes_in INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    interrupted INTEGER NOT NULL,
    chars_in INTEGER NOT NULL DEFAULT 0,
    chars_out INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS touched (id TEXT PRIMARY KEY, record TEXT, duplicate_of TEXT);
CREATE TRIGGER IF NOT EXISTS touched_added AFTER INSERT ON documents WHEN NEW.record IS NOT NULL
BEGIN INSERT OR IGNORE INTO touched VALUES (NEW.id, NULL, NULL); END;
CREATE TRIGGER IF NOT EXISTS touched_updated AFTER UPDATE OF record, duplicate_of ON documents
WHEN OLD.record IS NOT NEW.record OR OLD.duplicate_of IS NOT NEW.duplicate_of
BEGIN INSERT OR IGNORE INTO touched VALUES (OLD.id, OLD.record, OLD.duplicate_of); END;
CREATE TRIGGER IF NOT EXISTS touched_removed AFTER DELETE ON documents WHEN OLD.record IS NOT NULL
BEGIN INSERT OR IGNORE INTO touched VALUES (OLD.id, OLD.record, OLD.duplicate_of); END;
CREATE TABLE IF NOT EXISTS reports (key TEXT NOT NULL, reuse TEXT NOT NULL);
"""


def migrate(db: sqlite3.Connection) -> None:
    """Bring a database of any earlier schema to this one: the document tables of another
    version are dropped (their documents are cleaned again), the run history gains new columns."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        db.executescript(
            "DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS lines; DROP TABLE IF EXISTS sites;"
            " DROP TABLE IF EXISTS groups;"
            " DROP TABLE IF EXISTS reports; DROP TABLE IF EXISTS touched;"  # those documents' reports: not reused
        )
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for name in RUN_COLUMNS_ADDED if columns else ():  # an older history gains them, with 0
        if name not in columns:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} INTEGER NOT NULL DEFAULT 0")
    columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    for name in DOCUMENT_COLUMNS_ADDED if columns else ():
        if name not in columns:
            db.execute(f"ALTER TABLE documents ADD COLUMN {name} TEXT")
    db.executescript(SCHEMA)
