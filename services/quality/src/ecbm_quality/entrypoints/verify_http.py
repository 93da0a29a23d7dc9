"""Label verification over plain HTTP, for the badge on a programme's own website.

GET /labels/{code}.json   the label's standing, step and dates (small JSON)
GET /labels/{code}.svg    the badge

Public and cheap, yet limited per client address (a token bucket from the runtime);
answers may be cached for five minutes. The server is the runtime's `PublicHttpServer`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult

from ecbm_quality.adapters.badge import label_json, label_svg
from ecbm_quality.application.commands import VerifyLabel
from ecbm_quality.application.dependencies import utc_now
from ecbm_quality.settings import QualitySettings
from ecbm_runtime import errors
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.public_http import HttpAnswer, PublicHttpServer
from ecbm_runtime.ratelimit import RateLimiter

_LABEL = re.compile(r"^/labels/([A-Za-z0-9-]{1,32})\.(json|svg)$")
_TYPES = {"json": "application/json; charset=utf-8", "svg": "image/svg+xml; charset=utf-8"}
_CACHED = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


def verify_http_server(bus: MessageBus[Any], settings: QualitySettings) -> PublicHttpServer:
    limiter = RateLimiter("label verification", settings.verify_http_per_client)

    def answer(url: SplitResult, client: str) -> HttpAnswer:
        limiter.check(client)
        found = _LABEL.match(url.path)
        if not found:
            raise errors.NotFound("no such page: GET /labels/{code}.json or .svg")
        label = bus.handle(VerifyLabel(code=found[1]))
        body = label_json(label, utc_now()) if found[2] == "json" else label_svg(label)
        return HttpAnswer(body.encode(), _TYPES[found[2]], _CACHED)

    host, port = settings.verify_http_host, settings.verify_http_port
    return PublicHttpServer("label verification", host, port, answer)
