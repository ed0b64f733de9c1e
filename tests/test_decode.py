"""decode: bytes -> clean Unicode text, and a record of how it was done."""

from __future__ import annotations

import codecs
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.core.decode import DecodeError, declared_charset, decode

SPANISH = "La biblioteca municipal amplía su horario: abrirá también los sábados y domingos por la mañana."
GERMAN = "Der Bürgermeister sagte, dass die Brücke über den Fluss im nächsten Frühjahr fertig wird. "
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- byte-order marks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "codec", "expected_encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    ],
)
def test_bom_decides_the_encoding_and_is_not_part_of_the_text(bom, codec, expected_encoding):
    text, decoding = decode(bom + SPANISH.encode(codec))
    assert text == SPANISH
    assert decoding.encoding == expected_encoding
    assert decoding.method == "bom"
    assert "\ufeff" not in text


def test_utf16_with_bom_multiline():
    original = "Título\n\nLa biblioteca abrirá los domingos.\n"
    text, decoding = decode(original.encode("utf-16"))  # Python writes a BOM
    assert text == original
    assert decoding.encoding.startswith("utf-16")
    assert decoding.method == "bom"


def test_utf16_without_bom_is_recognised_not_rejected_as_binary():
    text, decoding = decode(SPANISH.encode("utf-16-le"))
    assert text == SPANISH
    assert decoding.encoding == "utf-16-le"


# --- declared charset ---------------------------------------------------------------------------


def cp1252_page(meta: str) -> bytes:
    body = "<p>“Café” – it’s €5 for a crêpe, Señor.</p>"
    return f"<html><head>{meta}<title>x</title></head><body>{body}</body></html>".encode("cp1252")


@pytest.mark.parametrize(
    "meta",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        "<meta http-equiv='content-type' content='text/html;charset=Windows-1252'>",
        '<meta charset="windows-1252">',
    ],
)
def test_declared_windows_1252_is_used_for_html(meta):
    text, decoding = decode(cp1252_page(meta), is_html=True)
    assert "<p>“Café” – it’s €5 for a crêpe, Señor.</p>" in text
    assert decoding.method == "declared"
    assert decoding.encoding == "cp1252"


def test_latin1_declaration_is_read_as_windows_1252_like_browsers():
    raw = '<meta charset="iso-8859-1"><p>“Smart quotes” cost €3</p>'.encode("cp1252")
    text, decoding = decode(raw, is_html=True)
    assert "“Smart quotes” cost €3" in text
    assert decoding.encoding == "cp1252"
    assert decoding.method == "declared"


def test_declaration_only_counts_for_html():
    raw = cp1252_page('<meta charset="windows-1252">')
    text, decoding = decode(raw, is_html=False)
    assert decoding.method != "declared"
    assert "Café" in text  # detection still gets there


def test_declaration_that_does_not_decode_falls_back_to_utf8():
    # the UTF-8 bytes of ” end in 0x9D, which windows-1252 does not define: the declaration lies
    raw = '<meta charset="windows-1252"><p>Grüße aus Köln – “schön”</p>'.encode()
    text, decoding = decode(raw, is_html=True)
    assert "Grüße aus Köln – “schön”" in text
    assert (decoding.encoding, decoding.method) == ("utf-8", "utf-8")


def test_unknown_declared_charset_is_ignored():
    assert declared_charset(b'<meta charset="no-such-charset">') is None
    text, decoding = decode('<meta charset="no-such-charset"><p>Grüße</p>'.encode(), is_html=True)
    assert "Grüße" in text
    assert decoding.encoding == "utf-8"


def test_meta_utf16_declaration_on_ascii_bytes_is_not_trusted():
    html = '<html><head><meta charset="utf-16"><title>Hi</title></head><body><p>The council met.</p></body></html>'
    raw = (html + " " * (len(html) % 2)).encode("ascii")  # even length: decodes "successfully" as UTF-16
    text, _ = decode(raw, is_html=True)
    assert "The council met." in text


# --- UTF-8, damaged UTF-8 and detection ----------------------------------------------------------


def test_plain_utf8():
    text, decoding = decode(GERMAN.encode())
    assert text == GERMAN
    assert (decoding.encoding, decoding.method) == ("utf-8", "utf-8")
    assert decoding.repairs == [] and decoding.warnings == []


def test_utf8_with_a_couple_of_invalid_bytes_stays_utf8_with_a_warning():
    good = (GERMAN * 6).encode()
    raw = good[:120] + b"\xff" + good[120:300] + b"\xfe" + good[300:]
    text, decoding = decode(raw)
    assert decoding.encoding == "utf-8"
    assert decoding.warnings, "the damage must be recorded"
    assert any("invalid UTF-8" in w and "2" in w for w in decoding.warnings)
    # every accent survives (no mojibake from re-detecting as a legacy code page)
    assert text.count("ü") == (GERMAN * 6).count("ü")
    assert text.count("\ufffd") == 2


def test_shift_jis_japanese_decodes_to_the_right_text():
    japanese = (
        "市立図書館、日曜日の開館時間を延長\n\n"
        "市立図書館は来月から日曜日の開館時間を午後七時まで延長すると発表した。"
        "試験期間中の学生の利用が増えていることが理由だという。\n"
    )
    text, decoding = decode(japanese.encode("shift_jis"))
    assert text == japanese
    assert codecs.lookup(decoding.encoding).name in ("cp932", "shift_jis", "shift_jisx0213", "shift_jis_2004")
    assert decoding.method == "detected"


def test_cp1252_text_without_declaration_is_detected():
    original = "The harbour master said the new pier would be “ready by summer” – a promise residents have heard before, says the café owner."
    text, decoding = decode(original.encode("cp1252"))
    assert text == original
    assert decoding.method == "detected"


# --- repairs -------------------------------------------------------------------------------------


def test_mojibake_is_repaired_and_recorded():
    text, decoding = decode("The owner said itâ€™s the town’s oldest café.".encode())
    assert text == "The owner said it’s the town’s oldest café."
    assert decoding.repairs, "the mojibake repair must be recorded"
    assert all(r.startswith(("ftfy:", "nfc", "control")) for r in decoding.repairs)
    assert any(r.startswith("ftfy:") for r in decoding.repairs)


def test_double_encoded_accents_are_repaired():
    text, decoding = decode("Why the market cafÃ© matters".encode())
    assert text == "Why the market café matters"
    assert decoding.repairs


@pytest.mark.parametrize("quoted", ["“Hello,” she said.", "It’s ‘fine’ — «bien» „gut“."])
def test_typographic_quotes_are_kept(quoted):
    text, decoding = decode(quoted.encode())
    assert text == quoted
    assert decoding.repairs == []


def test_crlf_is_normalised_without_counting_as_a_repair():
    text, decoding = decode(b"First line.\r\nSecond line.\r\n")
    assert text == "First line.\nSecond line.\n"
    assert decoding.repairs == []


def test_control_characters_are_dropped_tabs_and_newlines_kept():
    text, decoding = decode(b"Bell\x07 and\x1b escape\x0c.\tTabbed\nnext\x7f line")
    assert text == "Bell and escape.\tTabbed\nnext line"
    assert decoding.repairs  # recorded


def test_nfc_normalisation():
    decomposed = "Cafe\u0301 und Mu\u0308nchen"
    text, decoding = decode(decomposed.encode())
    assert text == "Café und München"
    assert unicodedata.is_normalized("NFC", text)
    assert "nfc" in decoding.repairs


# --- binary content ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "PNG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
    ],
)
def test_binary_magic_is_rejected_naming_the_format(raw, name):
    with pytest.raises(DecodeError, match=name):
        decode(raw)
    with pytest.raises(DecodeError, match=name):
        decode(raw, is_html=True)


def test_nul_heavy_bytes_are_rejected():
    raw = bytes(range(1, 200)) + b"\x00" * 50 + b"some text" * 5
    with pytest.raises(DecodeError, match="NUL"):
        decode(raw)


def test_message_is_one_line():
    with pytest.raises(DecodeError) as info:
        decode(b"%PDF-1.4")
    assert "\n" not in str(info.value)


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_nfc_text_without_controls_or_a_decode_error(raw):
    try:
        text, decoding = decode(raw)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str)
    assert unicodedata.is_normalized("NFC", text)
    assert not CONTROL.search(text)
    assert decoding.method in ("bom", "declared", "utf-8", "detected")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_as_html_give_text_or_a_decode_error(raw):
    # HTML is repaired after extraction (in the pipeline), so only the decoding itself is checked
    try:
        text, decoding = decode(raw, is_html=True)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str)
    assert decoding.method in ("bom", "declared", "utf-8", "detected")


SAFE_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGXYZ0123456789 ,.;:!?()-'\n\téüßñçø東京都図書館"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SAFE_ALPHABET, max_size=200))
def test_clean_utf8_text_round_trips_unchanged(original):
    text, decoding = decode(original.encode())
    assert text == original
    assert decoding.encoding == "utf-8"
    assert decoding.repairs == []
