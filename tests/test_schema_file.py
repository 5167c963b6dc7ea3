"""schema.graphql is the exported SDL: it must match what the code serves."""

from pathlib import Path

from strawberry.printer import print_schema

from graphql_runtime.compat import graphql_schema
from resolvers.root import build_schema

ROOT = Path(__file__).resolve().parents[1]


def test_schema_graphql_is_up_to_date() -> None:
    schema = build_schema().schema
    exported = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert exported.strip() == print_schema(schema).strip(), (
        "schema.graphql is stale: run `make schema`"
    )


def test_the_whole_contract_is_served() -> None:
    """Every type, field, argument and enum value of the parent-facing contract is served, with
    the same types (the served schema may add to it, never change or drop)."""
    from graphql import (
        GraphQLEnumType,
        GraphQLInputObjectType,
        GraphQLInterfaceType,
        GraphQLObjectType,
    )
    from graphql import build_schema as parse_sdl

    contract = parse_sdl((ROOT / "docs" / "contract.graphql").read_text(encoding="utf-8"))
    served = graphql_schema(build_schema().schema)
    problems: list[str] = []
    for name, wanted in contract.type_map.items():
        if name.startswith("__"):
            continue
        found = served.type_map.get(name)
        if found is None or not isinstance(found, type(wanted)):
            problems.append(f"{name}: missing or of another kind")
            continue
        if isinstance(wanted, GraphQLEnumType):
            missing = set(wanted.values) - set(found.values)  # type: ignore[attr-defined]
            problems += [f"{name}.{value}: missing" for value in sorted(missing)]
        if not isinstance(
            wanted, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
        ):
            continue
        for field_name, field in wanted.fields.items():
            served_field = found.fields.get(field_name)  # type: ignore[attr-defined]
            if served_field is None:
                problems.append(f"{name}.{field_name}: missing")
                continue
            if str(served_field.type) != str(field.type):
                problems.append(f"{name}.{field_name}: {served_field.type} instead of {field.type}")
            for arg_name, arg in getattr(field, "args", {}).items():
                served_arg = served_field.args.get(arg_name)
                if served_arg is None or str(served_arg.type) != str(arg.type):
                    problems.append(f"{name}.{field_name}({arg_name}): missing or retyped")
        if isinstance(wanted, GraphQLObjectType):
            interfaces = {i.name for i in found.interfaces}  # type: ignore[attr-defined]
            problems += [
                f"{name}: does not implement {i.name}"
                for i in wanted.interfaces
                if i.name not in interfaces
            ]
    assert problems == [], "\n".join(problems)


def test_every_enum_is_the_domains_own() -> None:
    """An enum the schema serves is declared once, by the domain (models/ or services/), and
    only wrapped by schema/: never a copy to keep in step."""
    from graphql import GraphQLEnumType

    served = graphql_schema(build_schema().schema)
    enums = {
        name: type_
        for name, type_ in served.type_map.items()
        if isinstance(type_, GraphQLEnumType) and not name.startswith("__")
    }
    assert set(enums) == {
        "AccountState",
        "Allergen",
        "ErrorCode",
        "InvoiceChange",
        "InvoiceStatus",
        "OperationType",
        "PaymentMethod",
        "Period",
        "Role",
    }
    for name, enum in enums.items():
        wrapped = enum.wrapped_cls  # type: ignore[attr-defined]
        assert wrapped.__module__.split(".")[0] in {"models", "services"}, name
        assert [value.value for value in enum.values.values()] == [m.value for m in wrapped], name
