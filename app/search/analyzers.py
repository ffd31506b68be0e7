"""Text analysis for search: accents folded, French and English stems indexed side by side.

One word yields its French stem and, when different, its English stem at the same position; queries go through
the same analyzer and the field joins a word's stems with OR, so "communautés", "communaute" and "communauté"
meet on "communaut", and "benchmarking" meets "benchmarks" on the English "benchmark"."""

import re
from collections.abc import Iterator

from whoosh.analysis import Analyzer, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, Token
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

WORD_RE = re.compile(r"\w+", re.UNICODE)
MAX_TOKEN_CHARS = 64  # longer "words" are base64 blobs or URLs: not worth a term each
_CACHE_LIMIT = 200_000


class DualStemFilter(Filter):
    """Emit the French and the English Snowball stem of each (already folded) token."""

    is_morph = True

    def __init__(self) -> None:
        self._french = stemmer_for_language("french")
        self._english = stemmer_for_language("english")
        self._cache: dict[str, tuple[str, ...]] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DualStemFilter)

    def __hash__(self) -> int:
        return hash(DualStemFilter)

    def stems(self, word: str) -> tuple[str, ...]:
        cached = self._cache.get(word)
        if cached is None:
            french, english = self._french(word), self._english(word)
            cached = (french,) if french == english else (french, english)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = cached
        return cached

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if len(token.text) > MAX_TOKEN_CHARS:
                continue
            if token.stopped:
                yield token
                continue
            for stem in self.stems(token.text):
                token.text = stem
                yield token


_stem_filter = DualStemFilter()


def text_analyzer() -> Analyzer:
    """Words, lowercased, accents folded, stemmed in French and English."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map) | _stem_filter


def name_analyzer() -> Analyzer:
    """Names and handles for suggestions as you type: folded, not stemmed (prefixes must stay intact)."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


def fold_word(word: str) -> str:
    return word.lower().translate(accent_map)


def word_stems(word: str) -> tuple[str, ...]:
    """The stems a word is indexed under (for highlighting the words a query matched)."""
    folded = fold_word(word)
    if len(folded) > MAX_TOKEN_CHARS:
        return ()
    return _stem_filter.stems(folded)


def query_words(text: str) -> list[str]:
    return WORD_RE.findall(text)
