"""Every area's views on one connection: what ``work.views`` and ``deps.read()`` give."""

from __future__ import annotations

from sqlalchemy import Connection

from ecbm_matching.adapters.introductions import IntroductionViews
from ecbm_matching.adapters.meet_and_match import MeetAndMatchViews
from ecbm_matching.adapters.profiles import ProfileViews
from ecbm_matching.adapters.requests import RequestViews
from ecbm_matching.adapters.threads import ThreadViews
from ecbm_matching.adapters.weights import WeightViews


class MatchingViews:
    def __init__(self, connection: Connection) -> None:
        self.profiles = ProfileViews(connection)
        self.requests = RequestViews(connection)
        self.weights = WeightViews(connection)
        self.introductions = IntroductionViews(connection)
        self.threads = ThreadViews(connection)
        self.meet_and_match = MeetAndMatchViews(connection)
