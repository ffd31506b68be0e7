"""An edited comment is found by its new words, no longer by the old ones (the `comment.updated` activity)."""

from typing import Any

import httpx

from tests.search.conftest import ids


async def test_an_edited_comment_is_found_by_its_new_text(
    client: httpx.AsyncClient, anna: Any, mia: Any, make_post: Any, index_now: Any, search: Any
) -> None:
    post = await make_post(anna, "Compte rendu de la réunion")
    r = await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Vérifier le zanzibar"},
                          headers=mia.headers)
    comment_id = r.json()["id"]
    await index_now()
    assert ids(await search(anna, "zanzibar"), "comment") == [comment_id]
    e = await client.patch(f"/api/v1/comments/{comment_id}", json={"body": "Vérifier le quokka"}, headers=mia.headers)
    assert e.status_code == 200, e.text
    await index_now()
    assert ids(await search(anna, "quokka"), "comment") == [comment_id]
    assert ids(await search(anna, "zanzibar"), "comment") == []
