"""Idempotency keys: scoped to the caller, pinned to the request's fingerprint."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ecbm_runtime.context import MessageContext
from ecbm_runtime.eventstore import EventCodec
from ecbm_runtime.idempotency import RequestIdReused, fingerprint, scoped_id
from ecbm_runtime.in_memory import InMemoryRecords, InMemoryUnitOfWork
from ecbm_runtime.uow import EventWiring

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@given(st.dictionaries(st.text(max_size=5), values, max_size=6))
def test_a_fingerprint_ignores_field_order(fields: dict[str, object]) -> None:
    reordered = dict(reversed(list(fields.items())))

    assert fingerprint("thing", fields) == fingerprint("thing", reordered)


@given(st.frozensets(st.text(max_size=4), max_size=6))
def test_a_fingerprint_ignores_set_order(members: frozenset[str]) -> None:
    rebuilt = frozenset(sorted(members, reverse=True))

    assert fingerprint("thing", {"roles": members}) == fingerprint("thing", {"roles": rebuilt})


@given(values, values)
def test_different_requests_have_different_fingerprints(first: object, second: object) -> None:
    assume(first != second)

    assert fingerprint("thing", {"a": first}) != fingerprint("thing", {"a": second})


def test_the_caller_is_not_part_of_the_fingerprint() -> None:
    assert fingerprint("thing", {"actor": "ana", "n": 1}) == fingerprint("thing", {"n": 1})


@given(st.text(min_size=1, max_size=20), st.text(max_size=10), st.text(max_size=10))
def test_a_scoped_id_is_stable_and_the_callers_own(key: str, ana: str, bram: str) -> None:
    assert scoped_id("thing", key, ana) == scoped_id("thing", key, ana)
    assert (scoped_id("thing", key, ana) == scoped_id("thing", key, bram)) == (ana == bram)


def unit(records: InMemoryRecords, subject: str) -> InMemoryUnitOfWork[None]:
    return InMemoryUnitOfWork(
        records, EventWiring(EventCodec()), None, MessageContext(actor=subject)
    )


def test_a_committed_claim_answers_a_retry_and_refuses_a_different_request() -> None:
    records = InMemoryRecords()
    with unit(records, "ana") as work:
        first = work.claim_request("thing", "r-1", {"n": 1})
        work.commit()

    with unit(records, "ana") as work:
        again = work.claim_request("thing", "r-1", {"n": 1})
        with pytest.raises(RequestIdReused):
            work.claim_request("thing", "r-1", {"n": 2})
    with unit(records, "bram") as work:
        other = work.claim_request("thing", "r-1", {"n": 1})

    assert not first.repeated and again.repeated and again.resource_id == first.resource_id
    assert not other.repeated and other.resource_id != first.resource_id


def test_a_claim_rolled_back_is_forgotten() -> None:
    records = InMemoryRecords()
    with unit(records, "ana") as work:
        work.claim_request("thing", "r-1", {"n": 1})  # no commit: the create failed

    with unit(records, "ana") as work:
        retried = work.claim_request("thing", "r-1", {"n": 2})

    assert not retried.repeated


def test_without_a_request_id_nothing_is_claimed() -> None:
    records = InMemoryRecords()
    with unit(records, "ana") as work:
        one = work.claim_request("thing", "", {"n": 1})
        two = work.claim_request("thing", "", {"n": 1})
        work.commit()

    assert one.resource_id != two.resource_id and records.requests == {}
