"""Plain fields read directly answer exactly what graphql-core's own path answers: the same
data, the same errors at the same paths, with resolvers, lists, enums, nested objects and nulls
around them."""

import datetime
import enum
from typing import Any

import strawberry

from graphql_runtime.building import build_schema
from graphql_runtime.compat import graphql_schema
from graphql_runtime.execution.known import known_or_loaded, returns_known
from graphql_runtime.execution.plain_plans import plain_fields

WHEN = datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Owner:
    name: str
    nickname: str | None


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Tag(Named):
    label: str


async def load_owner() -> Owner:
    return Owner(name="loaded", nickname=None)


@strawberry.type
class Box:
    known_owner: strawberry.Private[Owner | None]

    @strawberry.field
    @returns_known("known_owner")
    def owner(self) -> Owner:
        return known_or_loaded(self.known_owner, load_owner)


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    count: int
    ratio: float
    on: bool
    at: datetime.datetime
    day: datetime.date
    colour: Colour
    note: str | None
    broken: str  # a test puts None or an int into it, as a bug would
    owner: Owner
    backup: Owner | None
    tag: Tag

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self) -> str:
        return self.name + "!"


def item(number: int, **changes: Any) -> Item:
    values: dict[str, Any] = {
        "id": strawberry.ID(f"I{number}"),
        "name": f"item {number}",
        "count": number,
        "ratio": number / 4,
        "on": number % 2 == 0,
        "at": WHEN,
        "day": WHEN.date(),
        "colour": Colour.RED if number % 2 else Colour.BLUE,
        "note": None if number % 2 else "even",
        "broken": "fine",
        "owner": Owner(name=f"owner {number}", nickname=None if number % 2 else "nick"),
        "backup": None if number % 2 else Owner(name="backup", nickname=None),
        "tag": Tag(name=f"tag {number}", label="label"),
    }
    values.update(changes)
    return Item(**values)


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [item(n) for n in range(1, 6)]

    @strawberry.field
    def bad_null(self) -> list[Item]:
        return [item(1), item(2, broken=None)]

    @strawberry.field
    def bad_type(self) -> Item | None:
        return item(3, broken=object())

    @strawberry.field
    def bad_owner(self) -> list[Item]:
        return [item(1), item(2, owner=Owner(name=None, nickname="x"))]  # type: ignore[arg-type]

    @strawberry.field
    def missing_owner(self) -> list[Item | None]:
        return [item(1), item(2, owner=None)]

    @strawberry.field
    def wrong_tag(self) -> list[Item]:
        return [item(1), item(2, tag=Owner(name="not a tag", nickname=None))]

    @strawberry.field
    def holes(self) -> list[Item | None]:
        return [item(1), None, item(3)]

    @strawberry.field
    def no_holes(self) -> list[Item] | None:
        return [item(1), None]  # type: ignore[list-item]

    @strawberry.field
    def tags(self) -> list[str]:
        return ["a", "b"]

    @strawberry.field
    def bad_tags(self) -> list[str] | None:
        return ["a", None]  # type: ignore[list-item]

    @strawberry.field
    def one(self) -> Item:
        return item(4)

    @strawberry.field
    def boxes(self) -> list[Box]:
        return [Box(known_owner=Owner(name="known", nickname=None)), Box(known_owner=None)]


def schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    # Built as the app builds its schema: the fast path, and the stock one beside it.
    return build_schema(query=Query).schema, build_schema(query=Query, executor="stock").schema


ALL = """{ items { id name count ratio on at day colour note shout later
  again: name, __typename } }"""


async def same(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    plain, usual = schemas()
    ours = await plain.execute(query, variable_values=variables)
    theirs = await usual.execute(query, variable_values=variables)
    assert ours.data == theirs.data
    assert [e.formatted for e in ours.errors or []] == [e.formatted for e in theirs.errors or []]
    return {"data": ours.data, "errors": [e.formatted for e in ours.errors or []]}


async def test_every_kind_of_leaf_answers_as_graphql_core_does() -> None:
    answer = await same(ALL)
    first = answer["data"]["items"][0]
    assert first == {
        "id": "I1",
        "name": "item 1",
        "count": 1,
        "ratio": 0.25,
        "on": False,
        "at": "2026-11-28T09:30:00+00:00",
        "day": "2026-11-28",
        "colour": "RED",
        "note": None,
        "shout": "ITEM 1",
        "later": "item 1!",
        "again": "item 1",
        "__typename": "Item",
    }
    assert list(first) == list(answer["data"]["items"][1])  # the order asked for


async def test_null_in_a_non_null_field_is_the_same_error() -> None:
    answer = await same("{ badNull { name broken } }")
    assert answer["data"] is None
    assert answer["errors"][0]["path"] == ["badNull", 1, "broken"]


async def test_a_value_the_scalar_refuses_is_the_same_error() -> None:
    answer = await same("{ badType { name broken } }")
    assert answer["data"] == {"badType": None}
    assert answer["errors"][0]["path"] == ["badType", "broken"]


async def test_nested_objects_answer_as_graphql_core_does() -> None:
    answer = await same(
        """{ items { name owner { name nickname } backup { name } tag { name label } }
        one { id owner { ...O } o2: owner { nickname } } }
        fragment O on Owner { name }"""
    )
    assert answer["data"]["items"][1] == {
        "name": "item 2",
        "owner": {"name": "owner 2", "nickname": "nick"},
        "backup": {"name": "backup"},
        "tag": {"name": "tag 2", "label": "label"},
    }
    assert answer["data"]["items"][0]["backup"] is None
    assert answer["data"]["one"] == {
        "id": "I4",
        "owner": {"name": "owner 4"},
        "o2": {"nickname": "nick"},
    }


async def test_objects_with_resolvers_or_typename_inside_answer_the_same() -> None:
    answer = await same("{ items { owner { name __typename } shout tag { __typename name } } }")
    assert answer["data"]["items"][0]["owner"] == {"name": "owner 1", "__typename": "Owner"}


async def test_errors_in_nested_objects_are_the_same_errors() -> None:
    for query in (
        "{ badOwner { name owner { name } } }",
        "{ missingOwner { name owner { name } } }",
        "{ wrongTag { tag { name } } }",
        "{ noHoles { name } }",
        "{ badTags }",
    ):
        answer = await same(query)
        assert answer["errors"], query


async def test_a_known_value_is_read_and_an_unknown_one_resolved() -> None:
    answer = await same("{ boxes { owner { name } } }")
    assert answer["data"]["boxes"] == [{"owner": {"name": "known"}}, {"owner": {"name": "loaded"}}]
    plain, _ = schemas()
    assert list(plain_fields(graphql_schema(plain).get_type("Box"))) == ["owner"]  # type: ignore[arg-type]


async def test_nulls_in_lists_answer_as_graphql_core_does() -> None:
    answer = await same("{ holes { name owner { name } } tags }")
    assert answer["data"]["holes"][1] is None
    assert answer["data"]["tags"] == ["a", "b"]


async def test_directives_leave_lists_to_graphql_core() -> None:
    await same(
        """query($yes: Boolean = true, $no: Boolean = false) {
        items @include(if: $yes) { name owner @skip(if: $no) { name } backup @include(if: $no)
        { name } } }"""
    )


async def test_operations_of_one_document_answer_alike_whatever_their_variables() -> None:
    plain, usual = schemas()  # one schema: later operations reuse the plans of earlier ones

    async def both(query: str, variables: dict[str, Any] | None = None) -> Any:
        ours = await plain.execute(query, variable_values=variables)
        theirs = await usual.execute(query, variable_values=variables)
        assert ours.data == theirs.data and not ours.errors and not theirs.errors
        return ours.data

    simple = "{ items { name owner { name } } one { tag { label } } }"
    assert await both(simple) == await both(simple)
    asked = "query($yes: Boolean!) { items { name owner @include(if: $yes) { name } } }"
    for yes in (True, False, True, False):
        first = (await both(asked, {"yes": yes}))["items"][0]
        assert first == (
            {"name": "item 1", "owner": {"name": "owner 1"}} if yes else {"name": "item 1"}
        )


def test_only_plain_attribute_fields_are_read_directly() -> None:
    plain, _ = schemas()
    item_type = graphql_schema(plain).get_type("Item")
    assert sorted(plain_fields(item_type)) == sorted(  # type: ignore[arg-type]
        [
            "id",
            "name",
            "count",
            "ratio",
            "on",
            "at",
            "day",
            "colour",
            "note",
            "broken",
            "owner",
            "backup",
            "tag",
        ]
    )
