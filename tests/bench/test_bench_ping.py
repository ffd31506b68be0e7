from typing import Any


class TestPing:
    async def test_answers_pong_without_auth(self, client: Any) -> None:
        r = await client.get("/api/v1/ping")
        assert r.status_code == 200
        assert r.json() == {"pong": True}
