"""Handlers of sources: editors add, pause, resume and remove them; the worker polls them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ecbm_alerts.adapters import metrics
from ecbm_alerts.adapters.connectors import NotAFeed, parse
from ecbm_alerts.adapters.fetch import AddressRefused, FetchFailed
from ecbm_alerts.adapters.views import SourceView
from ecbm_alerts.application.commands import (
    AddSource,
    GetSource,
    ListSources,
    PauseSource,
    PollSource,
    PollSources,
    RemoveSource,
    ResumeSource,
    SourceCommand,
)
from ecbm_alerts.application.ingest import Ingested, ingest
from ecbm_alerts.domain.entry import Entry, ItemKind
from ecbm_alerts.domain.source import (
    Source,
    SourceKind,
    SourceNotFound,
    SourceState,
    is_due,
)
from ecbm_runtime.errors import FieldViolation, InvalidArgument
from ecbm_runtime.ids import new_id

if TYPE_CHECKING:
    from ecbm_alerts.application.dependencies import AlertsDependencies

_log = logging.getLogger("ecbm_alerts.sources")


def add_source(command: AddSource, deps: AlertsDependencies) -> str:
    """Fetch the URL once: an address refused or a document that is not in the source's
    shape is INVALID_ARGUMENT on ``source.url``; nothing is stored then."""
    editor = command.actor.require_editor() or "editor"
    try:
        fetched = deps.fetcher.fetch(command.url, post_json=_body(command.kind, command.query))
        parse(command.kind, fetched.body, command.item_kind)
    except AddressRefused as refused:
        raise InvalidArgument(FieldViolation("source.url", str(refused))) from refused
    except (FetchFailed, NotAFeed) as error:
        raise InvalidArgument(
            FieldViolation("source.url", f"not a readable feed: {error}")
        ) from error
    key = f"{editor}:{command.request_id}" if command.request_id else ""
    source_id = new_id("source", key)
    with deps.uow() as work:
        sources = work.repository(Source)
        if not sources.exists(source_id):
            sources.add(
                Source.add(
                    source_id,
                    name=command.name,
                    kind=command.kind,
                    url=command.url,
                    item_kind=command.item_kind,
                    query=command.query,
                    interval_minutes=command.interval_minutes,
                    added_by=editor,
                )
            )
            work.commit()
    return source_id


def pause_source(command: PauseSource, deps: AlertsDependencies) -> str:
    return _change(command, deps, Source.pause)


def resume_source(command: ResumeSource, deps: AlertsDependencies) -> str:
    return _change(command, deps, Source.resume)


def remove_source(command: RemoveSource, deps: AlertsDependencies) -> str:
    return _change(command, deps, Source.remove)


def _change(command: SourceCommand, deps: AlertsDependencies, change: object) -> str:
    command.actor.require_editor()
    with deps.uow() as work:
        source = work.repository(Source).find(command.source_id)
        if source is None:
            raise SourceNotFound(f"source {command.source_id!r} does not exist")
        change(source)  # type: ignore[operator]
        work.commit()
    return command.source_id


def get_source(query: GetSource, deps: AlertsDependencies) -> SourceView:
    query.actor.require_editor()
    with deps.read() as views:
        found = views.source(query.source_id)
    if found is None:
        raise SourceNotFound(f"source {query.source_id!r} does not exist")
    return found


def list_sources(query: ListSources, deps: AlertsDependencies) -> list[SourceView]:
    query.actor.require_editor()
    with deps.read() as views:
        return views.sources()


def poll_sources(command: PollSources, deps: AlertsDependencies) -> int:
    """Poll each active source whose time has come (its interval, longer after failures);
    how many were polled. One source's failure never stops the others."""
    now = deps.clock()
    with deps.read() as views:
        schedule = views.poll_schedule()
        due = [
            s
            for s in views.sources()
            if s.state == SourceState.ACTIVE.value and is_due(schedule.get(s.id), now)
        ]
    for source in due:
        poll(source, deps)
    return len(due)


def poll_source(command: PollSource, deps: AlertsDependencies) -> Ingested:
    source = get_source(GetSource(actor=command.actor, source_id=command.source_id), deps)
    return poll(source, deps)


def poll(source: SourceView, deps: AlertsDependencies) -> Ingested:
    """Fetch (outside any transaction), parse, then store items and health in one commit."""
    kind = SourceKind(source.kind)
    entries: list[Entry] | None = None
    error, etag, last_modified = "", source.etag, source.last_modified
    try:
        fetched = deps.fetcher.fetch(source.url, etag, last_modified, _body(kind, source.query))
        if not fetched.not_modified:
            entries = parse(kind, fetched.body, _item_kind(source))
            etag, last_modified = fetched.etag, fetched.last_modified
    except (FetchFailed, NotAFeed) as failure:
        error = str(failure)
    except Exception as failure:  # a parser's bug degrades this source, not the others
        _log.exception("source %s could not be parsed", source.id)
        error = f"{type(failure).__name__}: {failure}"
    result = Ingested()
    now = deps.clock()
    with deps.uow() as work:
        found = work.repository(Source).find(source.id)
        if found is None or found.state is not SourceState.ACTIVE:
            return result  # paused or removed while it was fetched
        if error:
            found.failed(error)
        elif entries is not None:
            result = ingest(
                work, entries, source.id, now, deps.fuzzy_title_threshold,
                searches=deps.searches,
            )  # fmt: skip
            found.fetched(etag, last_modified, len(entries), result.new)
        work.views.schedule_poll(source.id, now + found.wait_before_next_poll())
        work.commit()
    metrics.polled(source.id, error, result.new)
    if error:
        _log.warning("source %s degraded: %s", source.id, error)
    return result


def _item_kind(source: SourceView) -> ItemKind:
    return ItemKind(source.item_kind)


def _body(kind: SourceKind, query: str) -> dict[str, object] | None:
    """The Funding & Tenders search is a POST of the query and its filters."""
    if kind is not SourceKind.FUNDING:
        return None
    return {"query": {"bool": {"must": [{"text": query or "*"}]}}, "languages": ["en"]}
