"""Text forms shared by the stages: what "the same line" means at each level, and how lines end.

Each comparison has its own notion of sameness, named for what it is used for: within one page
(case and spacing), across a site's pages (digits too), across the corpus (words only). The
sentence-end marks differ on purpose as well; each set says why.
"""

from __future__ import annotations

import re

#: The marks a line ends on when it closes a clause: sentence stops, closing quotes and brackets,
#: and a colon or semicolon, which lead into what follows. A short line ending otherwise is a
#: heading (segment), and a long line ending so is prose (the block and line features).
SENTENCE_END = tuple('.!?:;…"”»’)。！？」')
#: The marks that end a full sentence: SENTENCE_END less the colon and semicolon, which lead into a
#: list or a link rather than close a thought (a sign-off or an opening question, a lede).
FULL_STOPS = tuple(mark for mark in SENTENCE_END if mark not in ":;")
#: What a headline never ends on: a sentence stop, or punctuation that leads on (a comma too, as a
#: cut-off first line does). Quotes and brackets may close a headline ("… says 'No'").
HEADLINE_NOT_END = (".", "!", "?", ":", ";", ",")
#: Punctuation that ends a clause anywhere in a line: followed by a space or the end, so "1.787" does
#: not count. A long line without any is a run of link texts, tags or dates, not prose.
PROSE_PUNCTUATION_RE = re.compile(r"[.,;:!?。，、؛،](?:\s|$)")

#: A line that stamps a reader's comment: a time of day ("12:45 PM"), an age ("3 hours ago"), an
#: author's "says:" or "schrieb:", a reply button. An article's byline holds one or two; a comment
#: thread repeats them (the text model counts them around each line; a comments marker with them
#: just below it opens the thread).
COMMENT_STAMP_RE = re.compile(
    r"\b\d{1,2}:\d{2}\s*([ap]\.?m\.?)?\b"
    r"|\b\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\b(says|wrote|said|schrieb|sagt|meint):?\s*$"
    r"|^(reply|antworten|répondre|responder)\b",
    re.IGNORECASE,
)
#: A stamp is a short line: a paragraph that quotes a time is not one.
COMMENT_STAMP_MAX_CHARS = 200

DIGITS_RE = re.compile(r"\d+")
SPACE_RE = re.compile(r"\s+")
WORD_RE = re.compile(r"\w+")


def squeeze(text: str) -> str:
    """Whitespace collapsed to single spaces: how a page's elements and extracted lines are matched."""
    return " ".join(text.split())


def is_comment_stamp(line: str, max_chars: int = COMMENT_STAMP_MAX_CHARS) -> bool:
    """True if the line stamps a reader's comment (COMMENT_STAMP_RE, in a line of at most max_chars)."""
    return len(line) <= max_chars and COMMENT_STAMP_RE.search(line) is not None


def fold(text: str) -> str:
    """Case- and space-insensitive form of a line: what a repeat of a line within a page is."""
    return " ".join(text.casefold().split())


def site_line(line: str) -> str:
    """What 'the same line' means across a site's pages: case-folded, digits as 0, spaces collapsed.

    >>> site_line("Updated  12:45,  3 Nov 2024")
    'updated 0:0, 0 nov 0'
    """
    return SPACE_RE.sub(" ", DIGITS_RE.sub("0", line.casefold())).strip()


def folded_words(text: str) -> list[str]:
    """The text's words, case-folded: what 'the same text' means for duplicates across the corpus."""
    return WORD_RE.findall(text.casefold())
