"""Calendar feeds over HTTP, so calendar apps can subscribe (they cannot speak gRPC).

GET /events/{event}.ics        a published event and its sessions (anyone)
GET /calendar.ics?token=T      a person's registrations; the signed token (from
                               GetMyCalendar's ``feed_url``) says whose: no login

The server is the runtime's `PublicHttpServer`, which never logs query strings: they hold
tokens.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult, parse_qs

from ecbm_events.application.programme.queries import GetEventCalendar
from ecbm_events.application.registrations.queries import GetCalendarFeed
from ecbm_events.settings import EventsSettings
from ecbm_runtime import errors
from ecbm_runtime.actor import Actor
from ecbm_runtime.messagebus import MessageBus
from ecbm_runtime.public_http import HttpAnswer, PublicHttpServer

_EVENT_FEED = re.compile(r"^/events/([A-Za-z0-9_-]{1,64})\.ics$")
_PRIVATE = {"Cache-Control": "private, max-age=300"}


def calendar_http_server(bus: MessageBus[Any], settings: EventsSettings) -> PublicHttpServer:
    def answer(url: SplitResult, _client: str) -> HttpAnswer:
        found = _EVENT_FEED.match(url.path)
        if found:
            file = bus.handle(GetEventCalendar(actor=Actor(), event_id=found[1]))
        elif url.path == "/calendar.ics":
            token = parse_qs(url.query).get("token", [""])[0]
            file = bus.handle(GetCalendarFeed(token=token))
        else:
            raise errors.NotFound("no such feed")
        return HttpAnswer(file.ics.encode(), file.content_type, _PRIVATE)

    return PublicHttpServer("calendar feed", settings.http_host, settings.http_port, answer)
