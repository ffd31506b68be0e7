"""Turning a member's text into a safe Whoosh query and running it (blocking: call from a worker thread).

The parser keeps only words and the AND / OR / NOT operators: fields, wildcards, ranges, `*:*`, boosts,
groups, phrases, quotes and NOT are plain text, so `visibility:private` searches two words and `*` or `[a TO z]`
cannot scan the index. Visibility is applied by the caller's `mask` of scopes (see schema.py)."""

import math
import time
from dataclasses import dataclass

from whoosh import qparser
from whoosh.qparser import plugins
from whoosh.query import And, NullQuery, NumericRange, Or, Prefix, Query, Term

from app.errors import Invalid
from app.search.analyzers import fold_word, query_words
from app.search.index import SearcherPool
from app.search.schema import FIELD_BOOSTS, TEXT_FIELDS, build_schema, parse_uid

MAX_QUERY_CHARS = 256
MAX_QUERY_TERMS = 16
RERANK_BLOCK = 100  # recency reorders hits within blocks of this many, so pages stay consistent
HALF_LIFE_DAYS = 180.0
MIN_RECENCY = 0.25
MAX_TS = 2**40
_REMOVED = (plugins.SingleQuotePlugin, plugins.FieldsPlugin, plugins.WildcardPlugin, plugins.PhrasePlugin,
            plugins.RangePlugin, plugins.GroupPlugin, plugins.BoostPlugin, plugins.EveryPlugin)
_schema = build_schema()


def _parser() -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), _schema, fieldboosts=FIELD_BOOSTS)
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


def parse(text: str) -> Query | None:
    """A query for the member's text, or None when it holds no searchable word."""
    text = check_text(text)
    if not query_words(text):
        return None
    try:
        parsed = _PARSER.parse(text)
    except RecursionError as exc:
        raise Invalid(N_("The query is too complex.")) from exc
    except Exception:  # anything the parser chokes on is searched as plain words
        parsed = _plain(text)
    if parsed is None or parsed is NullQuery:
        return None
    return parsed


def _plain(text: str) -> Query:
    return And([_word_query(w, TEXT_FIELDS) for w in query_words(text)])


def query_stems(query: Query) -> set[str]:
    """The indexed terms a query looks for in text fields (to highlight them)."""
    out: set[str] = set()
    for fieldname, term in query.iter_all_terms():
        if fieldname in TEXT_FIELDS:
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


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    score: float


def _mask(scopes: frozenset[str]) -> Query | None:
    return Or([Term("scope", s) for s in sorted(scopes)]) if scopes else None


def _constrained(req: SearchRequest) -> Query:
    parts: list[Query] = [req.query]
    if req.kind:
        parts.append(Term("kind", req.kind))
    if req.group_id is not None:
        parts.append(Term("group", str(req.group_id)))
    if req.author_id is not None:
        parts.append(Term("author", str(req.author_id)))
    if req.since is not None or req.until is not None:
        # Explicit bounds: an open end (None) makes whoosh-reloaded's NumericRange match everything.
        parts.append(NumericRange("created", req.since or 0, req.until if req.until is not None else MAX_TS))
    return parts[0] if len(parts) == 1 else And(parts)


def execute(pool: SearcherPool, req: SearchRequest) -> tuple[list[Hit], bool]:
    """The hits of one page (BM25F, then a recency boost within blocks) and whether more follow."""
    wanted = req.offset + req.limit + 1
    depth = RERANK_BLOCK * math.ceil(wanted / RERANK_BLOCK)
    with pool.searcher() as searcher:
        results = searcher.search(_constrained(req), limit=depth, mask=_mask(req.mask_scopes))
        ranked = [(hit.score, hit["uid"], hit["created"]) for hit in results]
    now = time.time()
    ordered: list[Hit] = []
    for start in range(0, len(ranked), RERANK_BLOCK):
        block = [(score * _recency(now, created), uid) for score, uid, created in ranked[start:start + RERANK_BLOCK]]
        block.sort(key=lambda item: -item[0])
        for score, uid in block:
            kind, oid = parse_uid(uid)
            ordered.append(Hit(kind, oid, round(score, 4)))
    page = ordered[req.offset:req.offset + req.limit]
    return page, len(ordered) > req.offset + req.limit


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
        results = searcher.search(query, limit=limit, mask=_mask(mask_scopes))
        return [Hit(*parse_uid(hit["uid"]), round(hit.score, 4)) for hit in results]


def user_ids_for_skill(pool: SearcherPool, skill: str, limit: int) -> list[int]:
    """Members whose skills match `skill` (folded and stemmed: "Communautés" finds "communauté")."""
    words = query_words(check_text(skill))
    if not words:
        return []
    query = And([_word_query(w, ("skills",)) for w in words] + [Term("kind", "user")])
    with pool.searcher() as searcher:
        results = searcher.search(query, limit=limit)
        return [parse_uid(hit["uid"])[1] for hit in results]


def _word_query(word: str, fields: tuple[str, ...]) -> Query:
    stems = sorted(set(_schema["body"].process_text(word, mode="query")))
    return Or([Term(f, s, boost=FIELD_BOOSTS.get(f, 1.0)) for f in fields for s in stems])
