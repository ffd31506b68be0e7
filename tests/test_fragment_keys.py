"""`app.templating.freeze`: the key of a kept fragment is equal for equal contexts and differs whenever anything the
template could read differs."""

from datetime import UTC, datetime

from pydantic import BaseModel

from app.groups.schemas import GroupSummary
from app.templating import freeze
from app.users.schemas import UserSummary


def _group(**changes: object) -> GroupSummary:
    return GroupSummary(**{"id": 1, "slug": "veille", "name": "Veille", "visibility": "public", **changes})


def _context(**changes: object) -> dict[str, object]:
    return {"me": {"department": "Data"}, "my_groups": [_group(), _group(id=2, slug="b", name="B")],
            "more": False, "at": datetime(2026, 1, 1, tzinfo=UTC), **changes}


def test_equal_contexts_have_equal_hashable_keys() -> None:
    assert freeze(_context()) == freeze(_context())
    assert hash(freeze(_context())) == hash(freeze(_context()))


def test_every_difference_changes_the_key() -> None:
    base = freeze(_context())
    variants = [
        _context(me={"department": "RH"}),
        _context(me={"team": "Data"}),
        _context(my_groups=[_group(), _group(id=2, slug="b", name="B2")]),
        _context(my_groups=[_group(visibility="private"), _group(id=2, slug="b", name="B")]),
        _context(my_groups=[_group()]),
        _context(my_groups=[_group(id=2, slug="b", name="B"), _group()]),
        _context(more=True),
        _context(more=None),
        _context(at=datetime(2026, 1, 2, tzinfo=UTC)),
        _context(extra=[1, [2, 3]]),
    ]
    keys = [freeze(v) for v in variants]
    assert all(key != base for key in keys)
    assert len(set(keys)) == len(keys)


def test_a_model_is_told_apart_from_another_class_with_the_same_values() -> None:
    group = GroupSummary(id=1, slug="a", name="A", visibility="public")
    user = UserSummary(id=1, handle="a", display_name="A", title="public")
    assert freeze(group) != freeze(user)


def test_nested_models_and_lists_inside_models_count() -> None:
    class Card(BaseModel):
        author: UserSummary
        topics: list[str]

    author = UserSummary(id=1, handle="a", display_name="A", title="")
    card = Card(author=author, topics=["veille"])
    assert freeze(card) == freeze(Card(author=author, topics=["veille"]))
    assert freeze(card) != freeze(Card(author=author, topics=["veille", "ia"]))
    assert freeze(card) != freeze(Card(author=UserSummary(id=1, handle="a", display_name="A2", title=""),
                                       topics=["veille"]))


def test_slots_are_filled_and_unknown_markers_left_as_they_were() -> None:
    from markupsafe import Markup

    from app.templating import _fill, slot

    html = f"<p>{slot('name')} · {slot('body')} · {slot('other')}</p>"
    filled = _fill(html, {"name": "<Zoé>", "body": Markup("<b>ok</b>")})
    assert filled == f"<p>&lt;Zoé&gt; · <b>ok</b> · {slot('other')}</p>"
