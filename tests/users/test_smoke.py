async def test_register_and_me(client, register):
    alice = await register("Alice Martin")
    r = await client.get("/api/v1/users/me", headers=alice.headers)
    assert r.status_code == 200
    assert r.json()["role"] == "admin"
    assert r.json()["handle"] == "alice.martin"


async def test_healthz(client):
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "live": "ok"}
