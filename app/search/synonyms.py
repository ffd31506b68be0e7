"""The skill synonyms: a short bilingual list ("référencement" ↔ "SEO"), kept in the database, edited by admins,
read by the search and the people directory to widen a query to the other language.

Read whole at each search (a few hundred rows at most, one small query): an admin's edit applies at once in every
process, and nothing needs reindexing since the index keeps the words as members wrote them."""

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import permissions
from app.errors import Invalid
from app.permissions import Actor
from app.search.models import SkillSynonym
from app.search.queries import Synonyms, synonym_key
from app.search.schemas import SkillSynonymPair

MAX_PAIRS = 500
MAX_TERM_CHARS = 60
SEPARATOR = "="


def N_(message: str) -> str:
    """Mark a message for the catalogs; pages translate it."""
    return message


class SynonymError(Invalid):
    """422 with the English text for the API; the page translates `message` and fills in `variables`."""

    def __init__(self, message: str, **variables: object) -> None:
        super().__init__(message % variables if variables else message)
        self.message = message
        self.variables = variables


async def list_pairs(session: AsyncSession, actor: Actor) -> list[SkillSynonymPair]:
    """The list as admins edit it (admins only, else 403)."""
    permissions.require(actor.is_admin, "Only administrators can edit the skill synonyms")
    rows = await session.scalars(select(SkillSynonym).order_by(SkillSynonym.position, SkillSynonym.id))
    return [SkillSynonymPair(fr=row.french, en=row.english) for row in rows]


async def replace_pairs(session: AsyncSession, actor: Actor, pairs: Sequence[SkillSynonymPair]) -> list[SkillSynonymPair]:
    """Replace the whole list (admins only, else 403); pairs that add nothing (a duplicate, a word only of stop
    words such as "de") are refused with 422 rather than kept silently."""
    permissions.require(actor.is_admin, "Only administrators can edit the skill synonyms")
    if len(pairs) > MAX_PAIRS:
        raise SynonymError(N_("At most 500 pairs of synonyms."))
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        keys = (synonym_key(pair.fr), synonym_key(pair.en))
        if not all(keys):
            raise SynonymError(N_("“%(term)s” holds no searchable word."), term=pair.fr if not keys[0] else pair.en)
        if keys in seen:
            raise SynonymError(N_("“%(fr)s = %(en)s” is listed twice."), fr=pair.fr, en=pair.en)
        seen.add(keys)
    await session.execute(delete(SkillSynonym))
    session.add_all(SkillSynonym(position=i, french=p.fr, english=p.en) for i, p in enumerate(pairs))
    await session.flush()
    return list(pairs)


async def synonym_map(session: AsyncSession) -> Synonyms:
    """Each expression (as synonym_key folds it) -> the expressions it translates to, both ways."""
    out: dict[str, list[str]] = {}
    pairs = select(SkillSynonym.french, SkillSynonym.english).order_by(SkillSynonym.id).limit(MAX_PAIRS)
    for french, english in await session.execute(pairs):  # read on every search: bounded as the list is
        for term, other in ((french, english), (english, french)):
            key = synonym_key(term)
            if key and other not in out.setdefault(key, []):
                out[key].append(other)
    return out


def equivalents(synonyms: Synonyms, expression: str) -> list[str]:
    """`expression` and its translations (for the directory's skill filter)."""
    return [expression, *synonyms.get(synonym_key(expression), ())]


def parse_lines(text: str) -> list[SkillSynonymPair]:
    """The admin page's text: one pair a line, "français = English"; blank lines skipped. Invalid names the line."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        french, separator, english = line.partition(SEPARATOR)
        french, english = french.strip(), english.strip()
        if not separator or not french or not english or SEPARATOR in english:
            raise SynonymError(N_("Line %(line)s: write “français = English”."), line=number)
        if len(french) > MAX_TERM_CHARS or len(english) > MAX_TERM_CHARS:
            raise SynonymError(N_("Line %(line)s: an expression is longer than 60 characters."), line=number)
        if "\x00" in line:
            raise SynonymError(N_("Line %(line)s: write “français = English”."), line=number)
        pairs.append(SkillSynonymPair(fr=french, en=english))
    return pairs


def format_lines(pairs: Sequence[SkillSynonymPair]) -> str:
    return "\n".join(f"{pair.fr} {SEPARATOR} {pair.en}" for pair in pairs)
