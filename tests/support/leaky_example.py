"""A test that leaks on purpose, run by tests/app/test_leak_scanner.py in its own pytest.

Its name does not start with ``test_``, so the suite never collects it by itself: it exists to
prove that the suite-wide scan in tests/conftest.py fails a test whose app leaks a canary.
"""

from __future__ import annotations

import httpx
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from tests.support.canaries import canary


@get("/people/{name:str}")
async def not_found(name: FromPath[str]) -> None:
    raise NotFoundException(f"No record for {canary('leaky-name')}")


async def test_an_app_that_shows_a_canary_in_an_error_body() -> None:
    app = Litestar(route_handlers=[not_found])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.get("/people/someone")

    assert response.status_code == 404  # the test itself passes: only the scan can fail it
