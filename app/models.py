"""Imports every feature's models so Alembic and relationships see the whole schema (app.features)."""

from app.features import load_models

load_models()
