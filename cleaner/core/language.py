"""Language: langdetect, seeded so results are deterministic; stopword lists per language."""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import justext
from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

#: langdetect samples n-grams at random; a fixed seed makes every run give the same answer.
LANGDETECT_SEED = 0

#: langdetect averages this many random walks over the n-grams (its default is 7). Measured on
#: the 1,450 clean texts of traf-dev and dragnet-dev: 3 give the language 7 give on every one
#: (10 probabilities move in the fourth decimal), at under half the cost; 2 change one language.
DETECT_TRIALS = 3

#: langdetect reads this many characters of a clean text at most: a paragraph gives a stable answer,
#: and its cost grows with the length. Measured on traf-dev's 482 gold texts (13 languages): 500
#: characters give the language 1,500 give on every page, at under half the cost.
DETECT_MAX_CHARS = 500
#: A raw text dump, still full of menus, needs more to guess the language its stopwords are
#: counted in: at 500 characters traf-dev's dumps lose 0.0005 F1 against 1,500.
GUESS_MAX_CHARS = 1_500

#: ISO 639-1 codes (as langdetect reports them) -> jusText's stoplist names.
STOPLIST_NAMES: dict[str, str] = {
    "af": "Afrikaans",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "gl": "Galician",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "kn": "Kannada",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mr": "Marathi",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian_Bokmal",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
}


def detect(text: str, max_chars: int = DETECT_MAX_CHARS) -> tuple[str | None, float | None]:
    """The most probable language of the text's first max_chars and its probability, or (None, None)."""
    sample = text[:max_chars]
    if not any(ch.isalpha() for ch in sample):
        return None, None
    detector = _profiles().create()
    detector.n_trial = DETECT_TRIALS
    detector.append(sample)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return None, None
    if not found:  # no language above langdetect's probability threshold
        return None, None
    return found[0].lang, round(found[0].prob, 4)


@functools.cache
def _profiles() -> DetectorFactory:
    """langdetect's language profiles, loaded once per process in name order, with the fixed seed.

    langdetect's own load_profile takes the files in directory order, which differs from one file
    system to another and moves the probabilities' last bits (their sums run in that order): in
    name order every machine computes the same figures.
    """
    factory = DetectorFactory()
    files = sorted(p for p in Path(PROFILES_DIRECTORY).iterdir() if p.is_file() and not p.name.startswith("."))
    with _collector_paused():
        factory.load_json_profile([p.read_text(encoding="utf-8") for p in files])
    factory.seed = LANGDETECT_SEED
    return factory


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building a large table that holds no cycles.

    langdetect's table is 88,000 lists: the collections their allocation sets off took about 40%
    of its load time (0.4 s to 0.23 s a worker, measured).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def stopwords(language: str | None) -> frozenset[str]:
    """jusText's stopword list for a language; for an unknown one, the union of all lists."""
    name = STOPLIST_NAMES.get((language or "").split("-")[0])
    if name is not None and name in justext.get_stoplists():
        return justext.get_stoplist(name)
    return frozenset().union(*(justext.get_stoplist(n) for n in sorted(justext.get_stoplists())))
