"""Conversation tests use the shared cast of tests/conftest.py (admin, anna, mia, olga, make_group, make_post)."""

POSTS = "/api/v1/posts"
