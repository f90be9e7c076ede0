"""Keep the catalogues whole: extract, update, and refuse any language with a gap.

``python -m app.i18n_check`` (CI, and a test) extracts every translatable string from the code and
templates and fails, naming each one, when a catalogue under ``translations/`` lacks it, leaves
it fuzzy, leaves a plural form empty, or drops or invents a ``%(placeholder)s``. Why so strict:
Babel fills an untranslated plural with English by position ("0 person"), and a page half in
Welsh, or half in Arabic with its full stops on the wrong side, serves nobody.

``python -m app.i18n_check --update`` (``make translations``) brings every catalogue up to date
with the code; ``--new cy`` starts a catalogue for another language.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from app.i18n import TRANSLATIONS_DIR
from app.settings import PROJECT_ROOT

PYBABEL = Path(sys.executable).with_name("pybabel")
KEYWORDS = ("-k", "N_", "-k", "pgettext:1c,2", "-k", "npgettext:1c,2,3")
EXTRACT_OPTIONS = ("--no-location", "--sort-output", "--project", "Reciprocity", "-o")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def pot_file(folder: Path) -> Path:
    """Extract the product's strings into ``folder/messages.pot`` (about a second)."""
    pot = folder / "messages.pot"
    subprocess.run(  # noqa: S603 - our own venv's pybabel, fixed arguments
        [
            str(PYBABEL),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            *KEYWORDS,
            *EXTRACT_OPTIONS,
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
    )
    return pot


def catalogues() -> dict[str, Path]:
    """Every language with a catalogue: all of them are shipped, so all must be complete."""
    return {
        path.parent.parent.name: path
        for path in sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"))
    }


def read(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


def problems(template: Catalog, code: str, catalogue: Catalog) -> list[str]:
    """What stops ``catalogue`` being a complete translation of ``template``, one line each."""
    found = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id, wanted.context)
        reason = _gap(wanted, message)
        if reason:
            found.append(f"{code}: {reason}: {_first(wanted.id)!r}")
    return found


def _gap(wanted: Message, message: Message | None) -> str | None:
    if message is None:
        return "missing"
    if message.fuzzy:
        return "fuzzy (check it, then remove the fuzzy flag)"
    strings = _texts(message.string)
    if not all(strings):
        return "not translated" if not any(strings) else "a plural form is empty"
    ids = _texts(wanted.id)
    expected = set(_PLACEHOLDER.findall(" ".join(ids)))
    if any(set(_PLACEHOLDER.findall(text)) - expected for text in strings):
        return "has a placeholder the English does not"
    if len(ids) == 1 and set(_PLACEHOLDER.findall(strings[0])) != expected:
        return "drops a placeholder"
    return None


def _texts(value: object) -> list[str]:
    """A message's id or string as a list: one text, or one per plural form."""
    return (
        [str(text or "") for text in value]
        if isinstance(value, tuple | list)
        else [str(value or "")]
    )


def _first(msgid: object) -> str:
    return _texts(msgid)[0]


def _pybabel(*args: str) -> None:
    subprocess.run([str(PYBABEL), "-q", *args], cwd=PROJECT_ROOT, check=True)  # noqa: S603


@click.command()
@click.option("--update", is_flag=True, help="Add new strings to every catalogue.")
@click.option("--new", "new_code", default="", help="Start a catalogue for this language code.")
def main(update: bool, new_code: str) -> None:
    """Check (or update) the translation catalogues against the code."""
    with tempfile.TemporaryDirectory() as folder:
        pot = pot_file(Path(folder))
        if new_code:
            _pybabel("init", "-i", str(pot), "-d", str(TRANSLATIONS_DIR), "-l", new_code)
        if (update or new_code) and catalogues():
            _pybabel("update", "--ignore-obsolete", "-i", str(pot), "-d", str(TRANSLATIONS_DIR))
        template = read(pot)
    found = [
        line
        for code, path in catalogues().items()
        for line in problems(template, code, read(path, code))
    ]
    for line in found:
        click.echo(line, err=True)
    strings = sum(1 for message in template if message.id)
    if found:
        click.secho(f"{len(found)} gaps in the catalogues ({strings} strings).", fg="red", err=True)
        sys.exit(1)
    names = ", ".join(catalogues()) or "none"
    click.echo(f"Catalogues complete: {names} ({strings} strings each).")


if __name__ == "__main__":
    main()
