from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROLE_UNSPECIFIED: _ClassVar[Role]
    ROLE_MEMBER: _ClassVar[Role]
    ROLE_EDITOR: _ClassVar[Role]
    ROLE_AUDITOR: _ClassVar[Role]
    ROLE_INTEGRATOR: _ClassVar[Role]
    ROLE_ADMIN: _ClassVar[Role]
ROLE_UNSPECIFIED: Role
ROLE_MEMBER: Role
ROLE_EDITOR: Role
ROLE_AUDITOR: Role
ROLE_INTEGRATOR: Role
ROLE_ADMIN: Role
ACCESS_FIELD_NUMBER: _ClassVar[int]
access: _descriptor.FieldDescriptor

class Access(_message.Message):
    __slots__ = ("public", "roles")
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    public: bool
    roles: _containers.RepeatedScalarFieldContainer[Role]
    def __init__(self, public: _Optional[bool] = ..., roles: _Optional[_Iterable[_Union[Role, str]]] = ...) -> None: ...
