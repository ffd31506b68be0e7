"""Turning a member's text into a safe Whoosh query and running it (blocking: call from a worker thread).

The parser keeps only words and the AND / OR / NOT operators: fields, wildcards, ranges, `*:*`, boosts,
groups, phrases, quotes and NOT are plain text, so `visibility:private` searches two words and `*` or `[a TO z]`
cannot scan the index. Visibility is applied with the caller's hidden scopes (see schema.py and _visible).

Words are joined with OR, so a question ("qui connaît le SEO ?") finds what answers part of it; one ranking orders the
results: first by how many of the question's words a document holds (`word_groups`), then by BM25 and recency
within that, so a document with every word always comes before one with fewer. Skill synonyms (app/search/synonyms.py)
widen a word or an expression to its translations ("SEO" also finds "référencement")."""

import heapq
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from whoosh import qparser
from whoosh.matching import Matcher
from whoosh.qparser import plugins
from whoosh.query import And, AndNot, NullQuery, NumericRange, Or, Prefix, Query, Term
from whoosh.searching import Searcher

from app.errors import Invalid
from app.runtime import CacheSpec
from app.search.analyzers import content_words, fold_word, query_words
from app.search.index import SearcherPool
from app.search.schema import TEXT_FIELD, build_schema, parse_uid

MAX_QUERY_CHARS = 256
MAX_QUERY_TERMS = 16
SMALL_KINDS = ("user", "group")
SCAN_BUDGET = 2000  # candidates scored per query at most (see _scan)
MAX_CACHED_SEGMENTS = 256
HALF_LIFE_DAYS = 180.0
MIN_RECENCY = 0.25
MAX_TS = 2**40
_REMOVED = (plugins.SingleQuotePlugin, plugins.FieldsPlugin, plugins.WildcardPlugin, plugins.PhrasePlugin,
            plugins.RangePlugin, plugins.GroupPlugin, plugins.BoostPlugin, plugins.EveryPlugin)
_schema = build_schema()


# Folded expression (its content words joined by a space) -> the expressions it also stands for.
Synonyms = Mapping[str, Sequence[str]]


def _parser() -> qparser.QueryParser:
    # OrGroup.factory(0.9): a document matching more of the words also scores higher within a coverage tier.
    parser = qparser.QueryParser(TEXT_FIELD, _schema, group=qparser.OrGroup.factory(0.9))
    for cls in _REMOVED:
        parser.remove_plugin_class(cls)
    # A lone NOT (or OR NOT) would match every document: keep AND, OR and "a ANDNOT b" only.
    parser.replace_plugin(plugins.OperatorsPlugin(Not=None, AndMaybe=None, Require=None))
    return parser


_PARSER = _parser()


def N_(message: str) -> str:
    """Mark a message for the catalogs; the results page translates it."""
    return message


def check_text(text: str) -> str:
    """The query text within limits, else Invalid (422)."""
    if "\x00" in text:
        raise Invalid(N_("The query contains a NUL character."))
    if len(text) > MAX_QUERY_CHARS:
        raise Invalid(N_("The query is longer than 256 characters."))
    if len(query_words(text)) > MAX_QUERY_TERMS:
        raise Invalid(N_("The query has more than 16 words."))
    return text.strip()


def parse(text: str, synonyms: Synonyms | None = None) -> Query | None:
    """A query for the member's text, or None when it holds no searchable word (only stop words, say)."""
    text = check_text(text)
    if not content_words(text):
        return None
    try:
        parsed = _PARSER.parse(text)
    except RecursionError as exc:
        raise Invalid(N_("The query is too complex.")) from exc
    except Exception:  # anything the parser chokes on is searched as plain words
        parsed = _plain(text)
    if parsed is None or parsed is NullQuery:
        return None
    alternatives = [alt for _, alt in _synonym_matches(text, synonyms or {})]
    return Or([parsed, *alternatives]) if alternatives else parsed


def _plain(text: str) -> Query:
    return Or([_word_query(w, TEXT_FIELD) for w in content_words(text)])


def word_groups(text: str, synonyms: Synonyms | None = None) -> tuple[Query, ...]:
    """One query per searched word of `text`, widened to its synonyms: how many of them a document matches is the
    first key of the ranking. A word inside an expression with synonyms ("communication interne") also counts as
    matched by the expression's translations ("internal communication")."""
    words = [fold_word(w) for w in content_words(check_text(text))]
    widened: dict[int, list[Query]] = {}
    for (start, end), alternative in _synonym_matches(text, synonyms or {}):
        for position in range(start, end):
            widened.setdefault(position, []).append(alternative)
    groups, seen = [], set()
    for position, word in enumerate(words):
        if word in seen:  # "SEO, SEO et SEO" holds one word
            continue
        seen.add(word)
        own = _word_query(word, TEXT_FIELD)
        groups.append(Or([own, *widened[position]]) if position in widened else own)
    return tuple(groups)


def synonym_key(expression: str) -> str:
    """How an expression is looked up among the synonyms: its content words, folded, one space apart."""
    return " ".join(fold_word(w) for w in content_words(expression))


def _synonym_matches(text: str, synonyms: Synonyms) -> list[tuple[tuple[int, int], Query]]:
    """((first word, last word + 1), query of a translation) for each expression of `text` that has synonyms."""
    if not synonyms:
        return []
    words = [fold_word(w) for w in content_words(text)]
    longest = max((key.count(" ") + 1 for key in synonyms), default=0)
    found = []
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + longest) + 1):
            for other in synonyms.get(" ".join(words[start:end]), ()):
                other_words = content_words(other)
                if other_words:
                    found.append(((start, end), And([_word_query(w, TEXT_FIELD) for w in other_words])))
    return found[:MAX_QUERY_TERMS]


def query_stems(query: Query) -> set[str]:
    """The indexed terms a query looks for in text fields (to highlight them)."""
    out: set[str] = set()
    for fieldname, term in query.iter_all_terms():
        if fieldname == TEXT_FIELD:
            out.add(term.decode() if isinstance(term, bytes) else str(term))
    return out


@dataclass(frozen=True)
class SearchRequest:
    query: Query
    mask_scopes: frozenset[str]
    kind: str | None = None
    group_id: int | None = None
    author_id: int | None = None
    since: int | None = None
    until: int | None = None
    offset: int = 0
    limit: int = 20
    words: tuple[Query, ...] = ()  # word_groups(): the first key of the ranking


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    score: float


def _visible(query: Query, hidden_scopes: frozenset[str]) -> Query:
    """The query restricted to what the actor may see: documents of a hidden scope never match (for the small
    people-and-groups lookups; full searches check the scope column per candidate in _scan)."""
    if not hidden_scopes:
        return query
    return AndNot(query, Or([Term("scope", s) for s in sorted(hidden_scopes)]))


def _constrained(req: SearchRequest) -> Query:
    parts: list[Query] = [req.query]
    if req.kind in SMALL_KINDS:  # few documents: intersecting with their posting list is cheap
        parts.append(Term("kind", req.kind))
    if req.group_id is not None:
        parts.append(Term("group", str(req.group_id)))
    if req.author_id is not None:
        parts.append(Term("author", str(req.author_id)))
    if req.since is not None or req.until is not None:
        # Explicit bounds: an open end (None) makes whoosh-reloaded's NumericRange match everything.
        parts.append(NumericRange("created", req.since or 0, req.until if req.until is not None else MAX_TS))
    return parts[0] if len(parts) == 1 else And(parts)


Columns = tuple[list[int], list[str], int, list[str]]  # created, scope, newest created, kind


class SegmentColumns:
    """Creation times, scopes and kinds of each segment as plain lists, and its newest time: one per runtime
    (`runtime.caches.get(SEGMENT_COLUMNS)`, held by the search runtime), read from the query threads.

    Segments never change once written, so a segment's entry is built once; a list index is several times cheaper
    than a column read. Merged-away segments are not tracked: everything is dropped past `max_segments`."""

    def __init__(self, max_segments: int = MAX_CACHED_SEGMENTS) -> None:
        self.max_segments = max_segments
        self._lock = threading.Lock()
        self._by_segment: dict[str, Columns] = {}

    def reset(self) -> None:
        with self._lock:
            self._by_segment.clear()

    def of(self, sub: Searcher) -> Columns:
        """The columns of the segment `sub` reads (built each time for a reader without a segment id)."""
        reader = sub.reader()
        segment = reader.segment()
        key = segment.segment_id() if segment is not None else None
        cached = self._by_segment.get(key) if key is not None else None
        if cached is None:
            size = reader.doc_count_all()
            columns = [reader.column_reader(name) for name in ("created", "scope", "kind")]
            created, scope, kind = ([column[i] for i in range(size)] for column in columns)
            cached = (created, scope, max(created, default=0), kind)
            if key is not None:
                with self._lock:
                    if len(self._by_segment) >= self.max_segments:
                        self._by_segment.clear()
                    self._by_segment[key] = cached
        return cached


SEGMENT_COLUMNS = CacheSpec(
    "search_segment_columns", SegmentColumns,
    f"built once per index segment (segments never change); all dropped when one more comes past {MAX_CACHED_SEGMENTS}")


def execute(pool: SearcherPool, columns: SegmentColumns, req: SearchRequest) -> tuple[list[Hit], bool]:
    """The hits of one page, best first, and whether more follow (`columns`: the runtime's SEGMENT_COLUMNS)."""
    keep = req.offset + req.limit + 1
    with pool.searcher() as searcher:
        kind = req.kind if req.kind and req.kind not in SMALL_KINDS else None
        ranked = _scan(searcher, columns, _constrained(req), keep, req.mask_scopes, kind, req.words)
        page = [
            Hit(*parse_uid(searcher.stored_fields(docnum)["uid"]), round(score, 4))
            for score, docnum in ranked[req.offset:req.offset + req.limit]
        ]
    return page, len(ranked) > req.offset + req.limit


def _scan(searcher: Searcher, columns: SegmentColumns, query: Query, keep: int, hidden: frozenset[str],
          kind: str | None = None, words: Sequence[Query] = ()) -> list[tuple[float, int]]:
    """(score, docnum) of the best `keep` visible matches among at most SCAN_BUDGET candidates.

    The score is the number of `words` the document matches plus BM25 x recency squeezed into [0, 1): one number
    that orders by coverage first (every word before fewer words, whatever the lengths and ages), then by relevance.

    Visibility is the server-built group filter: a candidate whose scope (column read, no scoring) is hidden
    from the actor is skipped. Passing it to Whoosh as `filter=`/`mask=` instead would make its collector score
    every match, and an AndNot of the hidden scopes costs a skip_to per candidate per hidden group.

    Segments are visited newest first and a rebuild writes documents newest first, so when a very common word
    matches more documents than the budget, the candidates are its most recent matches: with the recency boost
    the older ones could rarely rank anyway, and a search stays bounded at any index size."""
    now = time.time()
    context = searcher.context()
    heap: list[tuple[float, int]] = []
    budget = SCAN_BUDGET
    leaves = [(sub, offset, *columns.of(sub)) for sub, offset in searcher.leaf_searchers()]
    leaves.sort(key=lambda leaf: -leaf[4])  # the segment with the newest document first
    for sub, offset, created, scope, _newest, kinds in leaves:
        matcher = query.matcher(sub, context)
        word_matchers = [word.matcher(sub, context) for word in words]
        steps = 0
        while budget > 0 and matcher.is_active():
            docnum = matcher.id()
            if (hidden and scope[docnum] in hidden) or (kind and kinds[docnum] != kind):
                budget -= 1
                matcher.next()
                continue
            relevance = matcher.score() * _recency(now, created[docnum])
            coverage = sum(1 for word in word_matchers if _matches(word, docnum))
            item = (coverage + relevance / (1.0 + relevance), -(offset + docnum))
            if len(heap) < keep:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
            budget -= 1
            matcher.next()
            steps += 1
            if steps % 64 == 0:
                matcher = matcher.replace()  # drops exhausted sub-matchers, as Whoosh's collectors do
        if budget <= 0:
            break
    return [(score, -neg) for score, neg in sorted(heap, reverse=True)]


def _matches(matcher: Matcher, docnum: int) -> bool:
    """Whether a word's matcher holds `docnum`; candidates come in increasing docnum order, so it only moves on."""
    if matcher.is_active() and matcher.id() < docnum:
        matcher.skip_to(docnum)
    return bool(matcher.is_active() and matcher.id() == docnum)


def _recency(now: float, created: int) -> float:
    age_days = max(0.0, (now - created) / 86400)
    return max(MIN_RECENCY, 0.5 ** (age_days / HALF_LIFE_DAYS))


def suggest(pool: SearcherPool, text: str, mask_scopes: frozenset[str], limit: int) -> list[Hit]:
    """People and groups whose names start with what was typed (the last word may be unfinished)."""
    words = [fold_word(w) for w in query_words(check_text(text))][:MAX_QUERY_TERMS]
    if not words or len(words[-1]) < 1:
        return []
    parts: list[Query] = [Term("names", w) for w in words[:-1]] + [Prefix("names", words[-1])]
    query = And(parts + [Or([Term("kind", "user"), Term("kind", "group")])])
    with pool.searcher() as searcher:
        results = searcher.search(_visible(query, mask_scopes), limit=limit)
        return [Hit(*parse_uid(hit["uid"]), round(hit.score, 4)) for hit in results]


def user_ids_for_skill(pool: SearcherPool, skill: str, limit: int) -> list[int]:
    """Members whose skills match `skill` (folded and stemmed: "Communautés" finds "communauté")."""
    words = content_words(check_text(skill))
    if not words:
        return []
    query = And([_word_query(w, "skills") for w in words] + [Term("kind", "user")])
    with pool.searcher() as searcher:
        results = searcher.search(query, limit=limit)
        return [parse_uid(hit["uid"])[1] for hit in results]


def _word_query(word: str, fieldname: str) -> Query:
    stems = sorted(set(_schema[fieldname].process_text(word, mode="query")))
    return Or([Term(fieldname, s) for s in stems])
