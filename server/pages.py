"""HTML pages (Jinja2, autoescape on)."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import Forbidden


async def sign_in(request: Request) -> Response:
    """The organizer's link from `trifecta serve`: sets the signed session cookie."""
    token = request.query_params.get("token", "")
    if not hmac.compare_digest(token.encode(), request.state.admin_token.encode()):
        raise Forbidden("this sign-in link is not valid; use the one `trifecta serve` printed")
    request.session["organizer"] = True
    return RedirectResponse("/console", status_code=303)


def routes() -> list[BaseRoute]:
    return [Route("/signin", sign_in)]
