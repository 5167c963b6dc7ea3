"""The staff's directory: pages of children, classes with their counts."""

import strawberry

from schema.family import Child
from schema.pagination import PageInfo


@strawberry.type
class ChildEdge:
    cursor: str
    node: Child


@strawberry.type
class ChildConnection:
    edges: list[ChildEdge]
    page_info: PageInfo


@strawberry.type
class SchoolClass:
    name: str
    child_count: int
