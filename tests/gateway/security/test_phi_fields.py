"""Schema guard: every field whose value is personal data (a ``Person``, a ``Salary``) is masked."""

from __future__ import annotations

from graphql import GraphQLObjectType, get_named_type

from gateway.schema.schema import schema
from gateway.security.phi import PhiField

#: Types whose every field is personal data: reachable only through a masked field.
PERSONAL_TYPES = {"Person", "Salary"}


def fields_leading_to_personal_data() -> dict[str, bool]:
    """``"Type.field"`` -> whether it carries ``PhiField``, for every field returning a personal type."""
    found = {}
    for name, type_ in schema._schema.type_map.items():
        if not isinstance(type_, GraphQLObjectType) or name.startswith("__"):
            continue
        definition = schema.get_type_by_name(name)
        by_name = {f.graphql_name or schema.config.name_converter.get_graphql_name(f): f for f in definition.fields}
        for field_name, field in type_.fields.items():
            if get_named_type(field.type).name in PERSONAL_TYPES:
                extensions = by_name[field_name].extensions
                found[f"{name}.{field_name}"] = any(isinstance(e, PhiField) for e in extensions)
    return found


def test_every_field_leading_to_personal_data_carries_phi_field():
    found = fields_leading_to_personal_data()
    assert {"Employee.person", "Dependent.person", "CoveredMember.person", "MemberSnapshotEmployee.person",
            "MemberSnapshotDependent.person", "Employment.salary"} <= set(found)
    assert [f for f, masked in found.items() if not masked] == []
