"""The fast-path probes of an app's GraphQL schema (graphql_runtime.probes)."""

from starlette.applications import Starlette

from graphql_runtime.probes import Probes


def probes_of(app: Starlette) -> Probes:
    probes: Probes = app.state.graphql_schema.probes
    return probes


def moved(before: dict[str, int], probes: Probes) -> dict[str, int]:
    """What each probe counted since `before`, for the probes that moved."""
    now = probes.snapshot()
    return {name: now[name] - before[name] for name in now if now[name] != before[name]}
