"""The bilingual skill synonyms the people search and the search widen a query with ("SEO" ↔ "référencement")."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigId


class SkillSynonym(Base):
    """One French expression and its English translation, both as an admin wrote them; the list is small (at most
    synonyms.MAX_PAIRS rows) and read whole, so it needs no index beyond its key."""

    __tablename__ = "skill_synonyms"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    french: Mapped[str] = mapped_column(String(60))
    english: Mapped[str] = mapped_column(String(60))
