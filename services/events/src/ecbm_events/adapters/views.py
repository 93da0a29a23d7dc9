"""Every area's views on one connection: what ``work.views`` and ``deps.read()`` give."""

from __future__ import annotations

from sqlalchemy import Connection

from ecbm_events.adapters.contributions.views import ContributionViews
from ecbm_events.adapters.programme.views import ProgrammeViews
from ecbm_events.adapters.registrations.views import RegistrationViews
from ecbm_events.adapters.series.views import SeriesViews


class EventsViews:
    def __init__(self, connection: Connection) -> None:
        self.programme = ProgrammeViews(connection)
        self.registrations = RegistrationViews(connection)
        self.contributions = ContributionViews(connection)
        self.series = SeriesViews(connection)
