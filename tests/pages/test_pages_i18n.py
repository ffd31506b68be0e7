"""Every message of the templates and the code has its French translation in the catalog."""

from app.i18n_tools import extracted_ids, untranslated
from app.web.common import safe_next


def test_every_used_message_is_translated_in_french():
    from babel.messages.pofile import read_po

    from app.i18n_tools import TRANSLATIONS

    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(extracted_ids() - in_catalog)
    assert missing == [], "run `python -m app.i18n_tools update` and translate: " + "; ".join(missing[:10])
    assert untranslated("fr") == []


def test_safe_next_accepts_only_local_paths():
    assert safe_next("/groups/x?tab=1") == "/groups/x?tab=1"
    for bad in ("https://evil.example", "//evil.example", "/\\\\evil.example", "/\\evil", "javascript:x", "",
                None, "/ok\r\nSet-Cookie:x", "/a\nb", "/a\x00b", "/" + "a" * 600):
        assert safe_next(bad) == "/", bad
