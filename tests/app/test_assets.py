"""The vendored GOV.UK Frontend is de-branded for a council service."""

from __future__ import annotations

import pytest

from app.assets import FONT_STACK, SOURCE, TARGET, debrand_css


def test_built_css_has_no_gov_uk_typeface_or_crest() -> None:
    css = (TARGET / "govuk-frontend.min.css").read_text(encoding="utf-8")

    assert "GDS Transport" not in css
    assert "govuk-crest" not in css
    assert "@font-face" not in css
    assert css.count(FONT_STACK) == (SOURCE / "govuk-frontend.min.css").read_text().count(
        "font-family:GDS Transport,arial,sans-serif"
    )


def test_debranding_refuses_css_it_cannot_clean() -> None:
    with pytest.raises(SystemExit, match="GDS Transport"):
        debrand_css(".x{font-family:GDS Transport}")
