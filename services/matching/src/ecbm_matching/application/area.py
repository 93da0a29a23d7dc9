"""Everything matching wires: profiles from registry and quality, requests and
recommendations."""

from __future__ import annotations

from ecbm_integration import alerts, quality, registry
from ecbm_integration import events as from_events
from ecbm_matching.adapters.introductions import (
    INTRODUCTION_CHANGES,
    project_introduction_changed,
    project_introduction_opened,
    project_round_proposed,
    project_round_published,
)
from ecbm_matching.adapters.meet_and_match import (
    EVENT_CHANGES,
    MEETING_CHANGES,
    project_event_changed,
    project_meeting_changed,
    project_meeting_requested,
    project_opened,
)
from ecbm_matching.adapters.requests import (
    CHANGED_BY,
    project_request_changed,
    project_request_opened,
)
from ecbm_matching.adapters.tables import (
    introductions,
    match_requests,
    mm_events,
    mm_meetings,
    request_topics,
    rounds,
    thread_messages,
    threads,
)
from ecbm_matching.adapters.threads import (
    project_message_posted,
    project_thread_erased,
    project_thread_started,
)
from ecbm_matching.application import advocacy as adv
from ecbm_matching.application import commands as c
from ecbm_matching.application import meet_and_match as mm
from ecbm_matching.application import messages as m
from ecbm_matching.application import profiles as p
from ecbm_matching.application import requests as r
from ecbm_matching.application import rounds as rd
from ecbm_matching.domain.introduction import IntroductionOpened, RoundProposed, RoundPublished
from ecbm_matching.domain.meet_and_match import MeetAndMatchOpened, MeetingRequested
from ecbm_matching.domain.request import RequestOpened
from ecbm_matching.domain.thread import MessagePosted, ThreadErased, ThreadStarted
from ecbm_runtime.uow import Projection
from ecbm_runtime.wiring import Area

_PROJECTIONS: dict[type, list[Projection]] = {
    RequestOpened: [project_request_opened],
    **{changed: [project_request_changed] for changed in CHANGED_BY},
    RoundProposed: [project_round_proposed],
    RoundPublished: [project_round_published],
    IntroductionOpened: [project_introduction_opened],
    **{changed: [project_introduction_changed] for changed in INTRODUCTION_CHANGES},
    ThreadStarted: [project_thread_started],
    MessagePosted: [project_message_posted],
    ThreadErased: [project_thread_erased],
    MeetAndMatchOpened: [project_opened],
    **{changed: [project_event_changed] for changed in EVENT_CHANGES},
    MeetingRequested: [project_meeting_requested],
    **{changed: [project_meeting_changed] for changed in MEETING_CHANGES},
}

AREA = Area(
    domain_events=[
        RequestOpened,
        *CHANGED_BY,
        RoundProposed,
        RoundPublished,
        IntroductionOpened,
        *INTRODUCTION_CHANGES,
        ThreadStarted,
        MessagePosted,
        ThreadErased,
        MeetAndMatchOpened,
        *EVENT_CHANGES,
        MeetingRequested,
        *MEETING_CHANGES,
    ],
    projections=_PROJECTIONS,
    handlers={
        registry.PersonJoined: p.on_person_changed,
        registry.PersonUpdated: p.on_person_changed,
        registry.ExpertiseDeclared: p.on_expertise_declared,
        registry.LearningGoalDeclared: p.on_learning_goal_declared,
        registry.ProgrammeLearningGoalDeclared: p.on_learning_goal_declared,
        registry.ProgrammeRegistered: p.on_programme_registered,
        registry.ProgrammeUpdated: p.on_programme_updated,
        registry.ProgrammeWithdrawn: p.on_programme_withdrawn,
        registry.ProgrammeEvidenceLevelChanged: p.on_evidence_changed,
        registry.OrganisationRegistered: p.on_organisation_editors,
        registry.OrganisationEditorAdded: p.on_organisation_editors,
        quality.QualityLabelAwarded: p.on_quality_label,
        quality.QualityLabelWithdrawn: p.on_quality_label,
        registry.PersonForgotten: p.on_person_forgotten,
        c.OpenRequest: r.open_request,
        alerts.PartnerSearchRequested: r.on_partner_search_requested,
        c.EditRequest: r.edit_request,
        c.ChangeState: r.change_state,
        c.GetRequest: r.get_request,
        c.BrowseRequests: r.browse_requests,
        c.Recommend: r.recommend,
        c.MarkCandidate: r.mark_candidate,
        c.SetWeights: r.set_weights,
        c.WeightHistory: r.weight_history,
        c.ExpireRequests: r.expire_requests,
        c.DeclareConflict: r.declare_conflict,
        c.ProposeRound: rd.propose_round,
        c.PublishRound: rd.publish_round,
        c.GetRound: rd.get_round,
        c.RespondToIntroduction: rd.respond,
        c.RecordMeeting: rd.record_meeting,
        c.GiveFeedback: rd.give_feedback,
        c.GetIntroduction: rd.get_introduction,
        c.ListMyIntroductions: rd.my_introductions,
        c.SendMessage: m.send_message,
        c.GetThread: m.get_thread,
        c.ListThreads: m.list_threads,
        c.BlockSender: m.block_sender,
        from_events.EventPublished: mm.on_event_published,
        from_events.MeetAndMatchSlotsPlanned: mm.on_slots_planned,
        from_events.RegistrationConfirmed: mm.on_registration_confirmed,
        from_events.RegistrationCancelled: mm.on_registration_cancelled,
        c.ConfigureMeetAndMatch: mm.configure,
        c.SetAvailability: mm.set_availability,
        c.RequestMeeting: mm.request_meeting,
        c.AnswerMeeting: mm.answer_meeting,
        c.ScheduleMeetAndMatch: mm.schedule_meetings,
        c.PublishSchedule: mm.publish_schedule,
        c.ReplanSchedule: mm.replan_schedule,
        c.CancelMeeting: mm.cancel_meeting,
        registry.PolicyContactAdded: adv.on_policy_contact_added,
        registry.PolicyContactUpdated: adv.on_policy_contact_updated,
        c.DefineDelegation: adv.define_delegation,
        c.SetContactWindows: adv.set_contact_windows,
        c.BookVisit: adv.book_visit,
        c.SuggestContacts: adv.suggest_contacts,
        c.ListDelegations: adv.list_delegations,
        c.ListMeetAndMatches: mm.list_meet_and_matches,
        c.GetAgenda: mm.agenda,
        c.GetMeetAndMatch: mm.get_meet_and_match,
        c.GetMeeting: mm.get_meeting,
    },
    # Profiles and marks are not projections of matching's own events: replay keeps them.
    read_model_tables=[
        match_requests,
        request_topics,
        rounds,
        introductions,
        threads,
        thread_messages,
        mm_events,
        mm_meetings,
    ],
)
