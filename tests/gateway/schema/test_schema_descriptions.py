"""Every type, field, argument, input field and enum value of the schema has a description."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)

from gateway.schema.schema import schema

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def missing_descriptions(graphql_schema: GraphQLSchema) -> list[str]:
    missing = []
    for name, type_ in graphql_schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({arg})" for arg, a in field.args.items() if not a.description]
        elif isinstance(type_, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in type_.fields.items() if not field.description]
        elif isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in type_.values.items() if not value.description]
        elif isinstance(type_, GraphQLScalarType) and not type_.specified_by_url:
            missing.append(f"{name} @specifiedBy")
    return missing


def test_every_schema_element_is_described_and_every_custom_scalar_specified():
    # given the gateway's schema / when every element is inspected / then none lacks a description
    assert missing_descriptions(schema._schema) == []


def test_the_count_notices_a_missing_description():
    # given a schema with one undescribed field, the check reports exactly it
    from graphql import build_schema

    sdl = '"""Root."""\ntype Query {\n  """Described."""\n  a: Int\n  b(x: Int): Int\n}'
    assert missing_descriptions(build_schema(sdl)) == ["Query.b", "Query.b(x)"]
