"""The numbers the built-in heuristics decide by, in one place a caller (or a training run) can change.

Character counts are of the segmented line (spaces collapsed). The defaults are what the bench
collections were tuned on; `Options(thresholds=dataclasses.replace(Thresholds(), ...))` changes
them for one run of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Every threshold of the line heuristics (core.decide.heuristics), and the lede and extraction (core.html)."""

    # --- the context-free class of a block (after jusText) -----------------------------------
    #: A block this long with enough stopwords is article prose on its own (jusText: length_high=200;
    #: news paragraphs are often shorter, and scraped ledes are one-sentence paragraphs).
    good_min_chars: int = 150
    #: Below this length a block is never good on its own (jusText: length_low=70).
    short_max_chars: int = 70
    #: Share of stopwords among words above which text reads as running prose (jusText: 0.32, 0.30).
    stopwords_high: float = 0.30
    stopwords_low: float = 0.20
    #: The same for the union of all stoplists, used when the language has no list of its own: any
    #: text has more words that are a stopword somewhere.
    stopwords_high_any: float = 0.35
    stopwords_low_any: float = 0.25
    #: Prose this long has a comma or a full stop somewhere; a long line with neither is a run of
    #: link texts, tags or archive months ("Aberglaube Abgeltungssteuer …", "April 2022 (501) …").
    unpunctuated_max_chars: int = 150
    #: Chinese and Japanese put no spaces between words: a text is read so when this share of its
    #: non-space characters are CJK, and one such character carries about what three Latin letters do.
    cjk_min_share: float = 0.3
    cjk_char_weight: int = 3

    # --- lines read on their own -------------------------------------------------------------
    #: A title is short: headlines run up to about 25 words.
    title_max_chars: int = 160
    #: A caption under an image credit is at most a few sentences.
    caption_max_chars: int = 400
    #: A caption ends on its credit or a fragment ("… in Brussels last Friday. AFP"); a block after a
    #: bare credit that is longer than this and ends like a sentence is the article going on.
    caption_sentence_max_chars: int = 150
    #: A line whose text is mostly one link's text (share of characters) is a link, not prose: after
    #: the article's last paragraph such lines are teasers, "back" links and author pages. Label plus
    #: link ("Read more: <title>") still counts, a sentence with a linked phrase does not.
    link_dense_share: float = 0.6
    #: An author's note closes an article: only this many last kept lines are read as one, since
    #: inside the text the same shape ("X is a reporter at …") is reporting.
    author_bio_tail: int = 3

    # --- lines weighed against the page ------------------------------------------------------
    #: After the article's last paragraph at the body's indentation, a run of this many removed lines
    #: (share bars, "related" lists, comment forms) marks the end of the article: prose further down at
    #: another indentation is a site blurb, an author box or a licence note, not the article going on.
    detached_gap_min: int = 5
    #: Footers, bios and site blurbs are short next to the article; a detached tail holding this share
    #: of the article's text or more is a part of the article in another layout box, and stays.
    detached_max_share: float = 0.5

    # --- the lede (text dumps: above the body; HTML: a lede-classed element trafilatura left out) --
    #: A lede is a sentence or two; shorter prose-like lines above the body are captions, kickers or
    #: "read more" labels.
    lede_min_chars: int = 80
    #: Nor a whole article summary box (HTML).
    lede_max_chars: int = 800
    #: The lede sits right above the article's first paragraph: at most this many kept lines up
    #: (a byline, a date and an image credit may stand between), and it is the nearest prose there.
    lede_max_gap: int = 3
    #: How many characters of an extracted line identify its paragraph in the page (HTML).
    lede_anchor_chars: int = 60
    #: The body's first paragraph is among the first few extracted lines: a title, kicker or date may
    #: come first (HTML).
    lede_body_lines: int = 3

    # --- the extraction (HTML) -----------------------------------------------------------------
    #: trafilatura runs in fast mode first, and again in standard mode (its readability/jusText
    #: comparison, about 100 ms a page) only when fast mode found fewer characters than this: a
    #: failed extraction is short, a news article rarely is. `cleaner run` F1 by threshold (0 is
    #: fast mode everywhere; cleaneval-dev under --scope article, not its convention):
    #:     threshold      0       300     500     700     1000
    #:     traf-dev       0.949   0.951   0.954   0.955   0.958
    #:     dragnet-dev    0.913   0.911   0.912   0.912   0.909
    #:     cleaneval-dev  0.794   0.794   0.802   0.812   0.812
    #: 1000 was best on traf-dev, the collection it was first chosen on; 700 does as well on the two
    #: others (better on dragnet-dev), and standard mode runs on fewer pages: 5% of traf-dev's
    #: instead of 11%, 16% of dragnet-dev's instead of 25%.
    standard_below_chars: int = 700


#: The thresholds the shipped cleaner runs with.
DEFAULT_THRESHOLDS = Thresholds()
