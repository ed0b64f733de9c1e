"""language: langdetect seeded and bounded; stoplists per language."""

from __future__ import annotations

import pytest

from cleaner.core import language

SAMPLES = {
    "en": "The council voted on Tuesday to extend the opening hours of the public library.",
    "de": "Der Gemeinderat hat am Dienstag beschlossen, die Öffnungszeiten der Bibliothek zu verlängern.",
    "fr": "Le conseil municipal a voté mardi la prolongation des horaires d'ouverture de la bibliothèque.",
}


@pytest.mark.parametrize(("lang", "text"), list(SAMPLES.items()))
def test_detects_the_language_of_a_sentence(lang, text):
    found, score = language.detect(text)
    assert found == lang
    assert score is not None and 0.5 < score <= 1.0


def test_detection_is_deterministic_across_calls():
    text = SAMPLES["de"] + " " + SAMPLES["en"]
    assert len({language.detect(text) for _ in range(5)}) == 1


def test_only_the_first_max_chars_are_read():
    assert language.detect(SAMPLES["fr"] + " " + SAMPLES["en"] * 20, len(SAMPLES["fr"]))[0] == "fr"


@pytest.mark.parametrize("text", ["", "1234 5678 -- !!", "   "])
def test_text_without_letters_has_no_language(text):
    assert language.detect(text) == (None, None)


def test_stopwords_of_a_known_language_and_the_union_for_an_unknown_one():
    english = language.stopwords("en")
    assert "the" in english and "und" not in english
    union = language.stopwords(None)
    assert english < union and "und" in union


def test_the_language_profiles_load_in_name_order_whatever_the_directory_order():
    # langdetect's own loader follows os.listdir, which differs between file systems; the
    # probabilities' sums run in the profiles' order, so every machine must use the same one
    langs = language._profiles().get_lang_list()
    assert langs == sorted(langs)
    assert {"de", "en", "fr", "zh-cn"} <= set(langs)


def test_the_collector_is_paused_while_the_profiles_load_and_restored_after():
    import gc

    assert gc.isenabled()
    with language._collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        with language._collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
