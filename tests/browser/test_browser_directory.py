"""The directory in a browser: "who can answer this?" by skill, skills as links (also the README screenshot)."""

import uuid

import httpx
import pytest

from tests.browser.conftest import PASSWORD, sign_up

expect = pytest.importorskip("playwright.async_api").expect

pytestmark = pytest.mark.browser

COLLEAGUES = [
    ("Amélie Fontaine", "Data scientist", "Data & IA", "Lyon", ["Python", "Machine learning", "SQL"]),
    ("Bruno Lefèvre", "Responsable paie", "Ressources humaines", "Paris", ["Paie", "SIRH", "Excel"]),
    ("Chloé Martin", "Product owner", "Digital", "Nantes", ["Scrum", "UX", "Python"]),
    ("David Nguyen", "Architecte cloud", "Infrastructure", "Lille", ["Kubernetes", "Terraform", "Python"]),
    ("Emma Rousseau", "Chargée de communication", "Communication", "Paris", ["Rédaction", "Réseaux sociaux"]),
    ("Farid Benali", "Juriste", "Juridique", "Marseille", ["RGPD", "Contrats"]),
]


def _add_colleagues(base_url: str, suffix: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        for name, title, department, location, skills in COLLEAGUES:
            email = f"{name.split()[0].lower()}-{suffix}@example.com"
            r = http.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": name})
            assert r.status_code == 201, r.text
            token = http.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD}).json()["access_token"]
            r = http.patch("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"},
                           json={"title": title, "department": department, "location": location, "skills": skills})
            assert r.status_code == 200, r.text


async def test_who_knows_python(live_server, new_page, screenshot):
    suffix = uuid.uuid4().hex[:6]
    _add_colleagues(live_server, suffix)
    page = await new_page(viewport={"width": 1280, "height": 560})
    await sign_up(page, "Gaëlle Petit")
    await page.goto("/people")
    await page.locator("#skill").fill("python")
    await page.locator("main").get_by_role("button", name="Search").click()
    results = page.locator(".person-card")
    await expect(results.filter(has_text="Amélie Fontaine").first).to_be_visible()
    await expect(results.filter(has_text="David Nguyen").first).to_be_visible()
    await expect(results.filter(has_text="Bruno Lefèvre")).to_have_count(0)
    await screenshot(page, "readme-directory")
    await results.filter(has_text="Chloé Martin").first.get_by_role("link", name="Scrum").click()
    await expect(page.locator("#skill")).to_have_value("Scrum")
    await expect(results.filter(has_text="Chloé Martin").first).to_be_visible()
    assert page.console_errors == [] and page.failed_resources == []
