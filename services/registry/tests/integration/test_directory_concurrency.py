"""PostgreSQL: registrations do not wait for each other on the directory's version.

The version used to be one row updated inside every registering transaction, which held
each registration back from that UPDATE to the other's COMMIT. It is now a sequence moved
after the commit; cached answers still see every committed change.
"""

from __future__ import annotations

import threading

from ecbm_registry.application.directory.queries import SearchProgrammes
from ecbm_registry.application.programmes import commands
from ecbm_registry.application.programmes.handlers import programme_registered
from ecbm_registry.bootstrap import SERVICE, bootstrap, load_settings
from ecbm_registry.domain.programme import Programme
from ecbm_runtime.actor import Actor
from ecbm_runtime.migrations import upgrade

EDITOR = Actor(subject="editor-1", roles=frozenset({"editor"}))
WAIT_SECONDS = 20.0


def test_an_open_registration_does_not_hold_back_another(postgres_url: str) -> None:
    upgrade(SERVICE.migrations, postgres_url)
    app = bootstrap(load_settings(database_url=postgres_url))
    try:
        organisation = app.bus.handle(
            commands.RegisterOrganisation(
                display_name="Mentoring Lab", kind="mentoring_organisation", country="BE",
                contact_name="An Peeters", contact_email="an@example.org",
            )
        )  # fmt: skip

        def register(name: str) -> commands.RegisterProgramme:
            return commands.RegisterProgramme(
                actor=EDITOR, organisation_id=organisation, display_name=name,
                languages=("en",), countries=("BE",),
            )  # fmt: skip

        def found() -> set[str]:
            result = app.bus.handle(SearchProgrammes(query="mentors"))
            return {hit.display_name for hit in result.hits}

        assert found() == set()  # an answer now cached under the current version
        with app.dependencies.uow() as open_work:
            event = programme_registered(register("Slow Mentors"))
            open_work.repository(Programme).add(Programme.register("slow-1", event))
            open_work.flush()  # projected into the directory, not committed

            second = threading.Thread(
                target=app.bus.handle, args=(register("Quick Mentors"),), daemon=True
            )
            second.start()
            second.join(WAIT_SECONDS)
            assert not second.is_alive(), "the second registration waited for the open one"
            assert found() == {"Quick Mentors"}  # the cached answer was dropped
            open_work.commit()

        assert found() == {"Quick Mentors", "Slow Mentors"}
    finally:
        app.close()
