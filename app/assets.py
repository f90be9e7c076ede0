"""Build step: copy GOV.UK Frontend from ``node_modules`` into ``app/static/vendor``, de-branded.

A council service is not GOV.UK: it must not use the GDS Transport typeface, the crown or the
crest. The precompiled CSS hard-codes all three, so this rewrites it deterministically instead
of adding a Sass toolchain (see docs/adr/0003-page-shell.md). Node is needed only here, at build
time. Run as ``python -m app.assets``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from app.settings import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = PROJECT_ROOT / "app" / "static" / "vendor"
FONT_STACK = '"Helvetica Neue",Helvetica,Arial,sans-serif'
BRANDED = ("GDS Transport", "govuk-crest", "/assets/")


def debrand_css(css: str) -> str:
    """Remove the GOV.UK typeface, crest and source map; keep everything else byte for byte."""
    css = re.sub(r"/\*! Copyright \(c\) 2011 by Margaret Calvert.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@font-face\{font-family:GDS Transport;[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", f"font-family:{FONT_STACK}")
    css = re.sub(r"\.govuk-footer__copyright-logo:before\{[^}]*\}", "", css)
    css = re.sub(
        r"@supports[^{]*mask-position[^{]*\{\.govuk-footer__copyright-logo:before\{[^}]*\}\}",
        "",
        css,
    )
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    leftovers = [word for word in BRANDED if word in css]
    if leftovers:
        raise SystemExit(f"GOV.UK branding left in the CSS after rewriting: {leftovers}")
    return css


def build(source: Path = SOURCE, target: Path = TARGET) -> list[Path]:
    """Write the de-branded CSS and the unchanged JavaScript module; return the files written."""
    if not source.is_dir():
        raise SystemExit(f"{source} is missing: run 'npm install' first (make does this).")
    target.mkdir(parents=True, exist_ok=True)
    css = debrand_css((source / "govuk-frontend.min.css").read_text(encoding="utf-8"))
    css_path = target / "govuk-frontend.min.css"
    css_path.write_text(css, encoding="utf-8")
    js = (source / "govuk-frontend.min.js").read_text(encoding="utf-8")
    js_path = target / "govuk-frontend.min.js"
    js_path.write_text(re.sub(r"//# sourceMappingURL=.*", "", js), encoding="utf-8")
    return [css_path, js_path]


if __name__ == "__main__":
    for written in build():
        print(f"wrote {written.relative_to(PROJECT_ROOT)}", file=sys.stderr)
