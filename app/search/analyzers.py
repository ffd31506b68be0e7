"""Text analysis for search: accents folded, French and English stems indexed side by side.

One word yields its French stem and, when different, its English stem at the same position; queries go through
the same analyzer and the field joins a word's stems with OR, so "communautés", "communaute" and "communauté"
meet on "communaut", and "benchmarking" meets "benchmarks" on the English "benchmark". Function words of either
language (stopwords.py) yield no stem: neither indexed nor searched."""

import re
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    Token,
    Tokenizer,
)
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

from app.search.stopwords import STOP_WORDS

WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_TOKEN_CHARS = 64  # longer "words" are base64 blobs or URLs: not worth a term each
_CACHE_LIMIT = 200_000


class FoldStemTokenizer(Tokenizer):
    """Words, folded (lowercase, no accents), each yielding its French stem and, when different, its English stem
    at the same position. One generator instead of a tokenizer and three filters, with a memo from the word as
    written to its stems (a pure function of the word, never stale: not process state to reset): analysis is most of
    the cost of indexing. The memo is left out of pickles (the index's schema)."""

    def __init__(self) -> None:
        self._french = stemmer_for_language("french")
        self._english = stemmer_for_language("english")
        self._cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Whoosh pickles the schema, this tokenizer included, into the index's table of contents at every commit and
        # reads it back at every reopening: without the memo, which grew it by megabytes.
        return {name: value for name, value in self.__dict__.items() if name != "_cache"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldStemTokenizer)

    def __hash__(self) -> int:
        return hash(FoldStemTokenizer)

    def stems(self, word: str) -> tuple[str, ...]:
        cached = self._cache.get(word)
        if cached is None:
            folded = word.lower().translate(accent_map)
            if len(folded) > MAX_TOKEN_CHARS or folded in STOP_WORDS:
                cached = ()
            else:
                french, english = self._french(folded), self._english(folded)
                cached = (french,) if french == english else (french, english)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = cached
        return cached

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        stems = self.stems
        for pos, match in enumerate(WORD_RE.finditer(value)):
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            for stem in stems(match.group(0)):
                token.text = stem
                yield token


_stemmer = FoldStemTokenizer()


def text_analyzer() -> Analyzer:
    """Words, lowercased, accents folded, stemmed in French and English."""
    return CompositeAnalyzer(_stemmer)


def name_analyzer() -> Analyzer:
    """Names and handles for suggestions as you type: folded, not stemmed (prefixes must stay intact)."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


def fold_word(word: str) -> str:
    return word.lower().translate(accent_map)


def word_stems(word: str) -> tuple[str, ...]:
    """The stems a word is indexed under (for highlighting the words a query matched)."""
    return _stemmer.stems(word)


def query_words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def is_stop_word(word: str) -> bool:
    return fold_word(word) in STOP_WORDS


def content_words(text: str) -> list[str]:
    """The words of `text` that are searched: stop words of either language left out."""
    return [word for word in query_words(text) if not is_stop_word(word)]
