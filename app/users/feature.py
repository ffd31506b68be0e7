"""Accounts, profiles, the people directory and the administration of accounts."""

from app.feature import Feature

FEATURE = Feature(
    name="users",
    models=("app.users.models", "app.users.password_tokens"),
    # The profile pages (`/people/me`) come before the directory's `/people/{handle}`.
    routers=("app.users.routes:router", "app.users.account_routes:router", "app.users.auth_pages:pages",
             "app.users.password_pages:pages", "app.users.profile_pages:pages",
             "app.users.people_pages:pages", "app.users.admin_pages:pages"),
)
