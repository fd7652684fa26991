"""Docs stay true: the generated reference is current, every setting is documented."""

from __future__ import annotations

from conftest import ROOT, load_script
from dateline import __all__ as public
from dateline.settings import SETTINGS


def _reference_module():
    return load_script("scripts/gen_reference.py", "gen_reference")


def test_reference_is_up_to_date() -> None:
    expected = _reference_module().render()
    actual = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/reference.md is stale: run `make docs`"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text and setting.env in text


def test_public_api_is_importable() -> None:
    import dateline

    for name in public:
        assert hasattr(dateline, name), name
