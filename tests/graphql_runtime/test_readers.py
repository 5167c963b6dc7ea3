"""Readers are written once per selection and kept in a bounded cache: the least recently used
go first, and only a selection that left the cache is written again."""

import datetime

from graphql import GraphQLString

from graphql_runtime.execution.plain_readers import Readers
from graphql_runtime.execution.plain_selections import PlainEntry, PlainSelection
from graphql_runtime.probes import Probes


class Slot:
    def __init__(self) -> None:
        self.starts_at = datetime.datetime(2026, 11, 2, 17, tzinfo=datetime.UTC)
        self.name = "Claire"


def selection(*attributes: str) -> PlainSelection:
    entries = tuple(
        PlainEntry(name, getattr, name, True, GraphQLString.coerce_output_value, str, None)
        for name in attributes
    )
    return PlainSelection(None, Slot, entries)


def test_each_selection_is_written_once_while_it_stays_cached() -> None:
    probes = Probes()
    readers = Readers(2, probes)
    first, second, third = selection("name"), selection("name", "starts_at"), selection("starts_at")
    read = readers.reader_for(first)
    assert read is not None
    assert read(Slot(), None, lambda _: False) == {"name": "Claire"}
    assert readers.reader_for(selection("name")) is read  # the same selection, made anew
    readers.reader_for(second)
    assert probes.readers_compiled == 2
    readers.reader_for(first)  # used: now the most recent
    readers.reader_for(third)  # the third pushes out the least recently used (second)
    assert probes.readers_compiled == 3
    assert readers.reader_for(first) is read
    assert probes.readers_compiled == 3
    readers.reader_for(second)  # had left the cache: written again
    assert probes.readers_compiled == 4
