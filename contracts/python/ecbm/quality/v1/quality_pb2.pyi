import datetime

from ecbm.access.v1 import access_pb2 as _access_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Step(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STEP_UNSPECIFIED: _ClassVar[Step]
    STEP_AFFILIATED: _ClassVar[Step]
    STEP_ACCREDITED: _ClassVar[Step]
    STEP_DISTINCTION: _ClassVar[Step]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_AWARD: _ClassVar[Outcome]
    OUTCOME_AWARD_WITH_CONDITIONS: _ClassVar[Outcome]
    OUTCOME_REFUSE: _ClassVar[Outcome]

class AppealState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPEAL_STATE_UNSPECIFIED: _ClassVar[AppealState]
    APPEAL_STATE_LODGED: _ClassVar[AppealState]
    APPEAL_STATE_UNDER_REVIEW: _ClassVar[AppealState]
    APPEAL_STATE_UPHELD: _ClassVar[AppealState]
    APPEAL_STATE_DISMISSED: _ClassVar[AppealState]

class SurveillanceOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SURVEILLANCE_OUTCOME_UNSPECIFIED: _ClassVar[SurveillanceOutcome]
    SURVEILLANCE_OUTCOME_PASSED: _ClassVar[SurveillanceOutcome]
    SURVEILLANCE_OUTCOME_FINDINGS: _ClassVar[SurveillanceOutcome]
    SURVEILLANCE_OUTCOME_SUSPENDED: _ClassVar[SurveillanceOutcome]
STEP_UNSPECIFIED: Step
STEP_AFFILIATED: Step
STEP_ACCREDITED: Step
STEP_DISTINCTION: Step
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_AWARD: Outcome
OUTCOME_AWARD_WITH_CONDITIONS: Outcome
OUTCOME_REFUSE: Outcome
APPEAL_STATE_UNSPECIFIED: AppealState
APPEAL_STATE_LODGED: AppealState
APPEAL_STATE_UNDER_REVIEW: AppealState
APPEAL_STATE_UPHELD: AppealState
APPEAL_STATE_DISMISSED: AppealState
SURVEILLANCE_OUTCOME_UNSPECIFIED: SurveillanceOutcome
SURVEILLANCE_OUTCOME_PASSED: SurveillanceOutcome
SURVEILLANCE_OUTCOME_FINDINGS: SurveillanceOutcome
SURVEILLANCE_OUTCOME_SUSPENDED: SurveillanceOutcome

class Criterion(_message.Message):
    __slots__ = ("code", "statement", "guidance", "evidence_expected", "weight", "required_for")
    class StatementEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class GuidanceEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class EvidenceExpectedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CODE_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    GUIDANCE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_EXPECTED_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FOR_FIELD_NUMBER: _ClassVar[int]
    code: str
    statement: _containers.ScalarMap[str, str]
    guidance: _containers.ScalarMap[str, str]
    evidence_expected: _containers.ScalarMap[str, str]
    weight: int
    required_for: Step
    def __init__(self, code: _Optional[str] = ..., statement: _Optional[_Mapping[str, str]] = ..., guidance: _Optional[_Mapping[str, str]] = ..., evidence_expected: _Optional[_Mapping[str, str]] = ..., weight: _Optional[int] = ..., required_for: _Optional[_Union[Step, str]] = ...) -> None: ...

class Standard(_message.Message):
    __slots__ = ("code", "title", "criteria")
    class TitleEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_FIELD_NUMBER: _ClassVar[int]
    code: str
    title: _containers.ScalarMap[str, str]
    criteria: _containers.RepeatedCompositeFieldContainer[Criterion]
    def __init__(self, code: _Optional[str] = ..., title: _Optional[_Mapping[str, str]] = ..., criteria: _Optional[_Iterable[_Union[Criterion, _Mapping]]] = ...) -> None: ...

class Threshold(_message.Message):
    __slots__ = ("step", "overall", "minimum_per_standard")
    STEP_FIELD_NUMBER: _ClassVar[int]
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    MINIMUM_PER_STANDARD_FIELD_NUMBER: _ClassVar[int]
    step: Step
    overall: int
    minimum_per_standard: int
    def __init__(self, step: _Optional[_Union[Step, str]] = ..., overall: _Optional[int] = ..., minimum_per_standard: _Optional[int] = ...) -> None: ...

class CriteriaSet(_message.Message):
    __slots__ = ("name", "version", "state", "title", "standards", "thresholds")
    class TitleEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STANDARDS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    state: str
    title: _containers.ScalarMap[str, str]
    standards: _containers.RepeatedCompositeFieldContainer[Standard]
    thresholds: _containers.RepeatedCompositeFieldContainer[Threshold]
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ..., state: _Optional[str] = ..., title: _Optional[_Mapping[str, str]] = ..., standards: _Optional[_Iterable[_Union[Standard, _Mapping]]] = ..., thresholds: _Optional[_Iterable[_Union[Threshold, _Mapping]]] = ...) -> None: ...

class CreateCriteriaSetRequest(_message.Message):
    __slots__ = ("criteria_set",)
    CRITERIA_SET_FIELD_NUMBER: _ClassVar[int]
    criteria_set: CriteriaSet
    def __init__(self, criteria_set: _Optional[_Union[CriteriaSet, _Mapping]] = ...) -> None: ...

class GetCriteriaSetRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PublishCriteriaSetRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RetireCriteriaSetRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CriterionAssessment(_message.Message):
    __slots__ = ("code", "score", "evidence", "action_plan")
    CODE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ACTION_PLAN_FIELD_NUMBER: _ClassVar[int]
    code: str
    score: int
    evidence: _containers.RepeatedScalarFieldContainer[str]
    action_plan: str
    def __init__(self, code: _Optional[str] = ..., score: _Optional[int] = ..., evidence: _Optional[_Iterable[str]] = ..., action_plan: _Optional[str] = ...) -> None: ...

class PanelSeat(_message.Message):
    __slots__ = ("person", "role")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    person: str
    role: str
    def __init__(self, person: _Optional[str] = ..., role: _Optional[str] = ...) -> None: ...

class Application(_message.Message):
    __slots__ = ("name", "programme", "step", "criteria_set", "state", "self_assessment", "panel", "outcome")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_SET_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SELF_ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    PANEL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    name: str
    programme: str
    step: Step
    criteria_set: str
    state: str
    self_assessment: _containers.RepeatedCompositeFieldContainer[CriterionAssessment]
    panel: _containers.RepeatedCompositeFieldContainer[PanelSeat]
    outcome: str
    def __init__(self, name: _Optional[str] = ..., programme: _Optional[str] = ..., step: _Optional[_Union[Step, str]] = ..., criteria_set: _Optional[str] = ..., state: _Optional[str] = ..., self_assessment: _Optional[_Iterable[_Union[CriterionAssessment, _Mapping]]] = ..., panel: _Optional[_Iterable[_Union[PanelSeat, _Mapping]]] = ..., outcome: _Optional[str] = ...) -> None: ...

class CreateApplicationRequest(_message.Message):
    __slots__ = ("programme", "step", "request_id")
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    programme: str
    step: Step
    request_id: str
    def __init__(self, programme: _Optional[str] = ..., step: _Optional[_Union[Step, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetApplicationRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AssessCriterionRequest(_message.Message):
    __slots__ = ("name", "assessment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ASSESSMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    assessment: CriterionAssessment
    def __init__(self, name: _Optional[str] = ..., assessment: _Optional[_Union[CriterionAssessment, _Mapping]] = ...) -> None: ...

class SubmitSelfAssessmentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class AssignPanelRequest(_message.Message):
    __slots__ = ("name", "seats")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    name: str
    seats: _containers.RepeatedCompositeFieldContainer[PanelSeat]
    def __init__(self, name: _Optional[str] = ..., seats: _Optional[_Iterable[_Union[PanelSeat, _Mapping]]] = ...) -> None: ...

class DeclareConflictRequest(_message.Message):
    __slots__ = ("person", "subject", "reason")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person: str
    subject: str
    reason: str
    def __init__(self, person: _Optional[str] = ..., subject: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DeclareConflictResponse(_message.Message):
    __slots__ = ("person", "subject")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    person: str
    subject: str
    def __init__(self, person: _Optional[str] = ..., subject: _Optional[str] = ...) -> None: ...

class ScoreApplicationRequest(_message.Message):
    __slots__ = ("name", "scores")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    name: str
    scores: _containers.ScalarMap[str, int]
    def __init__(self, name: _Optional[str] = ..., scores: _Optional[_Mapping[str, int]] = ...) -> None: ...

class ReconcileScoresRequest(_message.Message):
    __slots__ = ("name", "scores")
    class ScoresEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    name: str
    scores: _containers.ScalarMap[str, int]
    def __init__(self, name: _Optional[str] = ..., scores: _Optional[_Mapping[str, int]] = ...) -> None: ...

class DecideApplicationRequest(_message.Message):
    __slots__ = ("name", "outcome", "reasons", "improvement_plan", "conditions_due")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    IMPROVEMENT_PLAN_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_DUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    outcome: Outcome
    reasons: str
    improvement_plan: str
    conditions_due: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., reasons: _Optional[str] = ..., improvement_plan: _Optional[str] = ..., conditions_due: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class LodgeAppealRequest(_message.Message):
    __slots__ = ("name", "grounds")
    NAME_FIELD_NUMBER: _ClassVar[int]
    GROUNDS_FIELD_NUMBER: _ClassVar[int]
    name: str
    grounds: str
    def __init__(self, name: _Optional[str] = ..., grounds: _Optional[str] = ...) -> None: ...

class DecideAppealRequest(_message.Message):
    __slots__ = ("name", "upheld", "reasons")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UPHELD_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    upheld: bool
    reasons: str
    def __init__(self, name: _Optional[str] = ..., upheld: _Optional[bool] = ..., reasons: _Optional[str] = ...) -> None: ...

class Appeal(_message.Message):
    __slots__ = ("name", "application", "programme", "state", "grounds", "reviewer", "reasons", "lodge_time", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    GROUNDS_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    LODGE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    application: str
    programme: str
    state: AppealState
    grounds: str
    reviewer: str
    reasons: str
    lodge_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., application: _Optional[str] = ..., programme: _Optional[str] = ..., state: _Optional[_Union[AppealState, str]] = ..., grounds: _Optional[str] = ..., reviewer: _Optional[str] = ..., reasons: _Optional[str] = ..., lodge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ReviewAppealRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAppealRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListAppealsRequest(_message.Message):
    __slots__ = ("state", "programme", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: AppealState
    programme: str
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[AppealState, str]] = ..., programme: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAppealsResponse(_message.Message):
    __slots__ = ("appeals", "next_page_token")
    APPEALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    appeals: _containers.RepeatedCompositeFieldContainer[Appeal]
    next_page_token: str
    def __init__(self, appeals: _Optional[_Iterable[_Union[Appeal, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordSurveillanceRequest(_message.Message):
    __slots__ = ("name", "outcome", "findings", "conditions_due")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_DUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    outcome: SurveillanceOutcome
    findings: str
    conditions_due: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., outcome: _Optional[_Union[SurveillanceOutcome, str]] = ..., findings: _Optional[str] = ..., conditions_due: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MarkConditionsMetRequest(_message.Message):
    __slots__ = ("name", "note")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    name: str
    note: str
    def __init__(self, name: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class Label(_message.Message):
    __slots__ = ("name", "code", "programme", "programme_display_name", "step", "criteria_set", "valid_from", "valid_until", "standing", "reason", "country", "conditions_due", "conditions_met")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    PROGRAMME_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    CRITERIA_SET_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    STANDING_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_DUE_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_MET_FIELD_NUMBER: _ClassVar[int]
    name: str
    code: str
    programme: str
    programme_display_name: str
    step: Step
    criteria_set: str
    valid_from: _timestamp_pb2.Timestamp
    valid_until: _timestamp_pb2.Timestamp
    standing: str
    reason: str
    country: str
    conditions_due: _timestamp_pb2.Timestamp
    conditions_met: bool
    def __init__(self, name: _Optional[str] = ..., code: _Optional[str] = ..., programme: _Optional[str] = ..., programme_display_name: _Optional[str] = ..., step: _Optional[_Union[Step, str]] = ..., criteria_set: _Optional[str] = ..., valid_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., standing: _Optional[str] = ..., reason: _Optional[str] = ..., country: _Optional[str] = ..., conditions_due: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., conditions_met: _Optional[bool] = ...) -> None: ...

class SuspendLabelRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReinstateLabelRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RevokeLabelRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class VerifyLabelRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListLabelsRequest(_message.Message):
    __slots__ = ("step", "country", "query", "standing", "page_size", "page_token", "open_conditions", "conditions_due_before")
    STEP_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    STANDING_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    OPEN_CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_DUE_BEFORE_FIELD_NUMBER: _ClassVar[int]
    step: Step
    country: str
    query: str
    standing: str
    page_size: int
    page_token: str
    open_conditions: bool
    conditions_due_before: _timestamp_pb2.Timestamp
    def __init__(self, step: _Optional[_Union[Step, str]] = ..., country: _Optional[str] = ..., query: _Optional[str] = ..., standing: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., open_conditions: _Optional[bool] = ..., conditions_due_before: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListLabelsResponse(_message.Message):
    __slots__ = ("labels", "next_page_token", "total_size")
    LABELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    labels: _containers.RepeatedCompositeFieldContainer[Label]
    next_page_token: str
    total_size: int
    def __init__(self, labels: _Optional[_Iterable[_Union[Label, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class ListLabelHistoryRequest(_message.Message):
    __slots__ = ("programme",)
    PROGRAMME_FIELD_NUMBER: _ClassVar[int]
    programme: str
    def __init__(self, programme: _Optional[str] = ...) -> None: ...

class LabelChange(_message.Message):
    __slots__ = ("label", "change", "reason", "time")
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    label: str
    change: str
    reason: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, label: _Optional[str] = ..., change: _Optional[str] = ..., reason: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListLabelHistoryResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[LabelChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[LabelChange, _Mapping]]] = ...) -> None: ...
