"""GET, PUT /api/v1/admin/skill-synonyms: the bilingual skill synonyms, admins only (403 otherwise)."""

from fastapi import APIRouter

from app.db import SessionDep
from app.search import synonyms
from app.search.schemas import SkillSynonymList
from app.security import CurrentActor

router = APIRouter(prefix="/api/v1/admin/skill-synonyms", tags=["search"])


@router.get("", response_model=SkillSynonymList)
async def list_synonyms(session: SessionDep, actor: CurrentActor) -> SkillSynonymList:
    return SkillSynonymList(synonyms=await synonyms.list_pairs(session, actor))


@router.put("", response_model=SkillSynonymList)
async def replace_synonyms(data: SkillSynonymList, session: SessionDep, actor: CurrentActor) -> SkillSynonymList:
    return SkillSynonymList(synonyms=await synonyms.replace_pairs(session, actor, data.synonyms))
