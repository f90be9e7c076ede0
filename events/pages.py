"""HTML controllers of the events domain. Thin: parse, call one service, render."""

from typing import Any

ROUTES: list[Any] = []
NAVIGATION: list[Any] = []
