from .schema import Query, build_schema, schema

__all__ = ["Query", "build_schema", "schema"]
