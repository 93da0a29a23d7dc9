"""Recordings and materials an event's organisers publish (links, or a file's metadata)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from ecbm_runtime.aggregate import DomainEvent
from ecbm_runtime.errors import PermissionDenied


class MaterialKind(StrEnum):
    RECORDING = "recording"
    SLIDES = "slides"
    DOCUMENT = "document"
    LINK = "link"


class Material(BaseModel):
    """One recording or material of the event (``session_id`` empty) or of a session."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    url: str
    kind: MaterialKind
    session_id: str = ""
    file_name: str = ""
    media_type: str = ""
    size_bytes: int = 0
    published_at: datetime


class MaterialPublished(DomainEvent):
    material: Material


class NotARegistrant(PermissionDenied):
    """Materials are for the event's registrants holding a place, and for editors."""
