"""/admin/skill-synonyms: admins edit the bilingual skill synonyms as text, one pair a line (others get 403)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.csrf import CsrfProtected
from app.db import SessionDep
from app.errors import Refused
from app.search import synonyms
from app.templating import render
from app.web.common import N_, PageActor, form_text, redirect

pages = APIRouter(tags=["pages"], include_in_schema=False)
PATH = "/admin/skill-synonyms"
MAX_FORM_CHARS = synonyms.MAX_PAIRS * (2 * synonyms.MAX_TERM_CHARS + 8)


@pages.get(PATH)
async def edit(request: Request, actor: PageActor, session: SessionDep) -> Response:
    pairs = await synonyms.list_pairs(session, actor)
    return render(request, "admin/skill_synonyms.html", {"text": synonyms.format_lines(pairs), "error": None,
                                                          "count": len(pairs)})


@pages.post(PATH)
async def save(request: Request, _csrf: CsrfProtected, actor: PageActor, session: SessionDep) -> Response:
    text = form_text(await request.form(), "synonyms", MAX_FORM_CHARS)
    try:
        pairs = await synonyms.replace_pairs(session, actor, synonyms.parse_lines(text))
    except synonyms.SynonymError as exc:  # the form again, with what the admin typed
        raise Refused(render(request, "admin/skill_synonyms.html", {"text": text, "error": exc, "count": None},
                             status_code=422)) from exc
    return redirect(request, PATH, flash=N_("The skill synonyms are saved (%(count)s pairs)."), count=str(len(pairs)))
