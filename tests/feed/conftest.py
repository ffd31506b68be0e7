"""Feed tests use the shared cast of tests/conftest.py (admin, anna, mia, olga, make_group, make_post, page_ids)."""
