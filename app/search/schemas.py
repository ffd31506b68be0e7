from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.schemas import SafeStr

Kind = Literal["post", "comment", "user", "group"]


class SearchItem(BaseModel):
    type: Kind
    id: int
    title: str
    snippet: str  # HTML: every character of the source text escaped, matched words in <mark>
    url: str
    score: float


class SearchPage(BaseModel):
    items: list[SearchItem]
    next_cursor: str | None = None


class SuggestItem(BaseModel):
    type: Literal["user", "group"]
    id: int
    title: str
    subtitle: str
    url: str


class SuggestPage(BaseModel):
    items: list[SuggestItem]


SynonymTerm = Annotated[SafeStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class SkillSynonymPair(BaseModel):
    fr: SynonymTerm
    en: SynonymTerm


class SkillSynonymList(BaseModel):
    synonyms: list[SkillSynonymPair] = Field(max_length=500)
