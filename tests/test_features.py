"""The feature registry (app.features) is the one place the application is assembled from."""

import importlib
from pathlib import Path

from fastapi import APIRouter

import app
from app.db import Base
from app.feature import load
from app.features import FEATURES, features, load_models

APP_DIR = Path(app.__file__).parent


def test_every_feature_folder_is_registered_once() -> None:
    declared = {f"app.{path.parent.name}.feature" for path in APP_DIR.glob("*/feature.py")}
    assert declared <= set(FEATURES), declared - set(FEATURES)
    assert len(FEATURES) == len(set(FEATURES))
    names = [feature.name for feature in features()]
    assert len(names) == len(set(names))


def test_every_declared_reference_loads() -> None:
    for feature in features():
        for reference in feature.routers:
            assert isinstance(load(reference), APIRouter), reference
        for module in feature.components:
            loaded = load(module)
            assert callable(loaded.start) and callable(loaded.stop), module
        for _name, reference in feature.commands:
            assert load(reference).registered_commands or load(reference).registered_groups, reference


def test_every_table_is_declared_by_a_feature() -> None:
    """A model module missing from its feature's `models` would be invisible to Alembic until imported by chance."""
    load_models()
    declared = {module for feature in features() for module in feature.models}
    for mapper in Base.registry.mappers:
        assert mapper.class_.__module__ in declared, mapper.class_


def test_every_router_of_the_app_comes_from_a_feature() -> None:
    """No router is included by hand: each APIRouter defined under app/ is declared by exactly one feature."""
    declared = [reference for feature in features() for reference in feature.routers]
    assert len(declared) == len(set(declared))
    found = set()
    for path in APP_DIR.rglob("*.py"):
        text = path.read_text()
        if "APIRouter(" not in text or path.name in ("feature.py",):
            continue
        module = ".".join(path.relative_to(APP_DIR.parent).with_suffix("").parts)
        loaded = importlib.import_module(module)
        for attribute, value in vars(loaded).items():
            if isinstance(value, APIRouter) and attribute in ("router", "pages"):
                found.add(f"{module}:{attribute}")
    assert found == set(declared), found ^ set(declared)
