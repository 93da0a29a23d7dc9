"""The rapporteurs of alerts' procedures (public names from the Legislative Observatory,
through ``RapporteursNamed``), kept so that an MEP added to the network later is linked to
the procedures seen before (migration registry_rapporteurs_0001). Not a read model of the
registry's own events: a replay leaves it."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table

metadata = MetaData()

procedure_rapporteurs = Table(
    "network_procedure_rapporteurs",
    metadata,
    Column("item_id", String(64), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("reference", String(200), nullable=False),
)
