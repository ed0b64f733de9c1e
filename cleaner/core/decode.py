"""Bytes -> text: BOM, declared charset, strict UTF-8, detection; then ftfy repair and NFC.

Every decision is recorded in a `Decoding` so the report can say how each file was read.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer
import ftfy

from cleaner.document import Decoding

#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: File signatures of formats that are never text, whatever their extension says.
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
    (b"\x00\x00\x01\x00", "icon file"),
    (b"OggS", "Ogg media file"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
)

#: Share of NUL bytes above which content without a UTF-16/32 BOM is treated as binary.
#: Real text has none; one in a hundred is far beyond stray corruption.
MAX_NUL_SHARE = 0.01

#: Share of undecodable bytes up to which a file is still read as (damaged) UTF-8 rather than
#: handed to detection: a few bad bytes in a UTF-8 file should not turn every accent into mojibake.
MAX_BAD_UTF8_SHARE = 0.01

#: Single-byte code pages that detection confuses with Windows-1252 when a text uses only the
#: letters they share (German umlauts, French accents); the text then decodes identically, and
#: Windows-1252, by far the most common, is the honest label.
SINGLE_BYTE_LOOKALIKES = frozenset({"cp1250", "cp1257", "iso8859_15", "latin_1", "iso8859_2", "cp850"})

#: How far into a page a `<meta charset>` or XML declaration is looked for (browsers use 1024).
DECLARATION_WINDOW = 4096

DECLARED_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)

#: Control characters other than tab and newline carry no text; drop them after decoding.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: ftfy configuration: repair mojibake, but keep typographic quotes and characters as they are.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization=None,  # NFC is applied by us, once, after ftfy
    explain=True,
)


class DecodeError(ValueError):
    """The bytes are not text; the message says why."""


def decode(raw: bytes, is_html: bool = False, transport: str | None = None) -> tuple[str, Decoding]:
    """Decode bytes to Unicode and say how it was done; plain text is also repaired.

    `transport` is the charset the bytes came with (a WARC record's HTTP header, a JSON
    string); as in browsers, it wins over the page's own declaration.
    HTML is returned unrepaired: the pipeline repairs the text extracted from it, which is
    what matters and is a fraction of the markup's size (ftfy over a whole page is costly).
    """
    reject_binary(raw)
    text, decoding = _to_str(raw, is_html, transport)
    return (text if is_html else repair(text, decoding)), decoding


def reject_binary(raw: bytes) -> None:
    """Raise DecodeError for content that is clearly not text (magic numbers, NUL bytes)."""
    for magic, what in BINARY_MAGIC:
        if raw.startswith(magic):
            raise DecodeError(f"binary content: {what} signature")
    nuls = raw.count(0)
    if nuls > MAX_NUL_SHARE * len(raw) and _bom(raw) is None and _looks_utf16(raw) is None:
        raise DecodeError(f"binary content: {nuls} NUL bytes in {len(raw)}")


def _to_str(raw: bytes, is_html: bool, transport: str | None) -> tuple[str, Decoding]:
    """Pick an encoding in order of trust: BOM, transport, declaration, strict UTF-8, detection."""
    bom = _bom(raw)
    if bom is not None:
        mark, encoding = bom
        return raw[len(mark) :].decode(encoding, errors="replace"), Decoding(encoding, "bom")
    sent = charset_name(transport) if transport else None
    if sent is not None:
        try:
            return raw.decode(sent), Decoding(sent, "transport")
        except UnicodeDecodeError:
            pass  # the header lies (it often does); the page's own evidence decides
    utf16 = _looks_utf16(raw)
    if utf16 is not None:
        return raw.decode(utf16, errors="replace"), Decoding(utf16, "detected")
    declared = declared_charset(raw) if is_html else None
    if declared is not None:
        try:
            return raw.decode(declared), Decoding(declared, "declared")
        except UnicodeDecodeError:
            pass  # the declaration lies; fall through to UTF-8 and detection
    try:
        return raw.decode("utf-8"), Decoding("utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(raw, declared)


def _detect(raw: bytes, declared: str | None) -> tuple[str, Decoding]:
    """Decode bytes that are not valid UTF-8: nearly-UTF-8 stays UTF-8, else charset-normalizer."""
    damaged = raw.decode("utf-8", errors="replace")
    bad = damaged.count("\ufffd")
    note = f"declared charset {declared} did not decode" if declared else None
    if has_utf8_multibyte(raw) and bad <= MAX_BAD_UTF8_SHARE * len(raw):
        decoding = Decoding("utf-8", "utf-8", warnings=[f"invalid UTF-8: {bad} bytes replaced"])
        decoding.warnings.extend([note] if note else [])
        return damaged, decoding
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise DecodeError("undecodable: no character encoding fits these bytes")
    text, encoding = str(best), best.encoding
    if encoding in SINGLE_BYTE_LOOKALIKES and _decodes_same(raw, "cp1252", text):
        encoding = "cp1252"
    decoding = Decoding(encoding, "detected")
    decoding.warnings.extend([note] if note else [])
    return text, decoding


def _decodes_same(raw: bytes, encoding: str, text: str) -> bool:
    """True if the bytes decode to exactly this text in the given encoding."""
    try:
        return raw.decode(encoding) == text
    except UnicodeDecodeError:
        return False


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML/XML page declares in its head, if Python knows it."""
    match = DECLARED_RE.search(raw[:DECLARATION_WINDOW])
    if not match:
        return None
    return charset_name((match.group(1) or match.group(2)).decode("ascii", "ignore"))


def charset_name(label: str) -> str | None:
    """Python's codec for a charset label, read as browsers read it; None if unknown.

    >>> charset_name("ISO-8859-1"), charset_name("UTF8"), charset_name("x-unknown")
    ('cp1252', 'utf-8', None)
    """
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # As browsers do (WHATWG Encoding Standard): pages labelled Latin-1 or ASCII are read as
    # Windows-1252, and a UTF-16/32 label in a page readable as ASCII means UTF-8.
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def has_utf8_multibyte(raw: bytes) -> bool:
    """True if the bytes contain at least one well-formed UTF-8 multi-byte sequence."""
    return re.search(rb"[\xc2-\xf4][\x80-\xbf]+", raw) is not None


def _bom(raw: bytes) -> tuple[bytes, str] | None:
    """The byte-order mark at the start of the bytes, with its encoding."""
    for mark, encoding in BOMS:
        if raw.startswith(mark):
            return mark, encoding
    return None


def _looks_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: NULs in every other byte of mostly-ASCII text."""
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def repair(text: str, decoding: Decoding) -> str:
    """Fix mojibake with ftfy, normalise to NFC and drop control characters; record the fixes."""
    fixed, explanation = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
    # fix_line_breaks is routine (CRLF -> LF), not a repair worth reporting.
    for step in explanation or []:
        _note(decoding, f"ftfy:{step.parameter}", step.parameter != "fix_line_breaks")
    normalised = unicodedata.normalize("NFC", fixed)
    _note(decoding, "nfc", normalised != fixed)
    cleaned = CONTROL_RE.sub("", normalised)
    _note(decoding, "control-characters", cleaned != normalised)
    return cleaned


def _note(decoding: Decoding, repair: str, happened: bool) -> None:
    """Record a repair once, however many pieces of the document needed it."""
    if happened and repair not in decoding.repairs:
        decoding.repairs.append(repair)
