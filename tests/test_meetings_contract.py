"""The contract's meeting fields that live on shared types (Child, Mutation, Subscription) are
served with the contract's arguments and types."""

from pathlib import Path

from graphql import GraphQLObjectType
from graphql import build_schema as parse_sdl

from graphql_runtime.compat import graphql_schema
from resolvers.root import build_schema

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {
    "Child": ["meetings", "appointments"],
    "Mutation": ["bookAppointment", "moveAppointment", "cancelAppointment"],
    "Subscription": ["meetingSlotsChanged"],
}


def test_meeting_fields_of_shared_types_match_the_contract() -> None:
    contract = parse_sdl((ROOT / "docs" / "contract.graphql").read_text(encoding="utf-8"))
    served = graphql_schema(build_schema().schema)
    for type_name, fields in FIELDS.items():
        wanted, found = contract.type_map[type_name], served.type_map[type_name]
        assert isinstance(wanted, GraphQLObjectType) and isinstance(found, GraphQLObjectType)
        for name in fields:
            expected, actual = wanted.fields[name], found.fields[name]
            assert str(actual.type) == str(expected.type), name
            assert {a: str(t.type) for a, t in actual.args.items()} == {
                a: str(t.type) for a, t in expected.args.items()
            }, name
