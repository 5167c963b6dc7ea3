"""dashboard: the contract's dashboard query of one child, served by Cartable, against the same
JSON from a hand-written Starlette + SQL endpoint (bench/dashboard_baseline.py) over the same
database, on SQLite and on PostgreSQL. Goal: Cartable's throughput ≥ 0.5 × the baseline's.
Cartable is measured twice: on graphql_runtime's fast path (as served) and on strawberry's and
graphql-core's stock path (GRAPHQL_EXECUTOR=stock), so that the engine's gain shows.

Both servers run in their own process with the same uvicorn options; the clients run in other
processes, a fixed number of requests in flight for a fixed time, one server measured at a time.
Sizes: BENCH_DASHBOARD_SECONDS (per server and backend), BENCH_DASHBOARD_CONCURRENCY,
BENCH_DASHBOARD_BACKENDS (e.g. "sqlite").
"""

import json
import os
import sys
import tempfile
from typing import Any

import httpx

from bench.clients import Call, Sustained, sustained
from bench.common import (
    Report,
    ServerProcess,
    cartable_command,
    cpu_seconds,
    free_port,
    percentile,
    serve,
)
from bench.databases import backend_database, cli, server_env

SECONDS = float(os.environ.get("BENCH_DASHBOARD_SECONDS", "8"))
CONCURRENCY = int(os.environ.get("BENCH_DASHBOARD_CONCURRENCY", "16"))
CLIENT_PROCESSES = int(os.environ.get("BENCH_CLIENT_PROCESSES", "2"))
BACKENDS = os.environ.get("BENCH_DASHBOARD_BACKENDS", "sqlite,postgres").split(",")
GOAL_RATIO = 0.5

# The dashboard exactly as the parent page asks for it; the tests use this text too.
DASHBOARD = """
dashboard {
  modules
  wallets { id name balance { cents currency } structuredCommunication }
  upcomingEvents {
    id title startsAt endsAt kind className
    meeting {
      id title startsAt endsAt bookingOpensAt bookingClosesAt
      teachers { id displayName subject }
      slots { id teacher { displayName } startsAt endsAt available }
    }
  }
  unreadDocuments { id title date read kind downloadUrl }
  recentOperations {
    id at type method amount { cents currency } balanceAfter { cents } label wallet { id name }
  }
  recentSales { id at article quantity amount { cents } device { id name kind } wallet { id name } }
}"""
ONE_CHILD = "query($id: ID!) { viewer { child(id: $id) { id firstName" + DASHBOARD + "} } }"
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
CHILDREN = "{ viewer { children { id firstName } } }"
DEMO_PARENT = ("demo.parent", "demo-parent-pass")


def graphql(url: str, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    response = httpx.post(
        url + "/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{query[:40]}...: {response.status_code} {body}")
    return body["data"]


def same_answers(cartable: ServerProcess, baseline: ServerProcess, calls: tuple[Call, Call]) -> Any:
    """Both servers answer the same JSON; a download link's expiry is to the second, so a
    difference is retried a few times before failing."""
    for _ in range(3):
        ours = httpx.post(
            cartable.url + calls[0].path, json=calls[0].json, headers=calls[0].headers
        ).json()
        theirs = httpx.get(baseline.url + calls[1].path, headers=calls[1].headers).json()
        if ours == theirs:
            return ours
    raise SystemExit(
        "dashboard baseline answers differently from Cartable:\n"
        f"cartable: {json.dumps(ours, indent=1)}\nbaseline: {json.dumps(theirs, indent=1)}"
    )


def measure(server: ServerProcess, call: Call) -> tuple[Sustained, float]:
    """The load's figures, and the server's CPU time per request (steadier than throughput on
    a machine shared with the clients)."""
    cpu = cpu_seconds(server.pid)
    result = sustained(
        server.url, call, processes=CLIENT_PROCESSES, concurrency=CONCURRENCY, seconds=SECONDS
    )
    cpu = cpu_seconds(server.pid) - cpu
    if result.errors:
        raise SystemExit(f"{result.errors} failed requests on {server.url}")
    # The warm-up request of each client connection is served too.
    return result, cpu / (result.requests + CONCURRENCY)


def run_backend(backend: str, report: Report) -> None:
    with backend_database(backend) as url, tempfile.TemporaryDirectory() as directory:
        if url is None:
            report.details[backend] = "skipped: PostgreSQL unreachable"
            return
        env = server_env(url, directory)
        cli("migrate", env)
        cli("seed-if-empty", env)
        ports = free_port(), free_port(), free_port()
        baseline_command = [sys.executable, "-m", "bench.dashboard_baseline"]
        fast_env = {**env, "PORT": str(ports[0]), "GRAPHQL_EXECUTOR": "fast"}
        stock_env = {**env, "PORT": str(ports[2]), "GRAPHQL_EXECUTOR": "stock"}
        with (
            serve(cartable_command(), fast_env, ports[0]) as cartable,
            serve(baseline_command, {**env, "PORT": str(ports[1])}, ports[1]) as baseline,
            serve(cartable_command(), stock_env, ports[2]) as stock,
        ):
            user, password = DEMO_PARENT
            token = graphql(cartable.url, LOGIN, {"u": user, "p": password})["login"]["token"]
            child = graphql(cartable.url, CHILDREN, {}, token)["viewer"]["children"][0]["id"]
            headers = {"authorization": f"Bearer {token}"}
            calls = (
                Call("/graphql", headers, {"query": ONE_CHILD, "variables": {"id": child}}),
                Call(f"/dashboard/{child}", headers),
            )
            answer = same_answers(cartable, baseline, calls)
            same_answers(stock, baseline, calls)
            (ours, our_cpu), (theirs, their_cpu), (stocks, stock_cpu) = (
                measure(cartable, calls[0]),
                measure(baseline, calls[1]),
                measure(stock, calls[0]),
            )
    dashboard = answer["data"]["viewer"]["child"]["dashboard"]
    report.details[backend] = {
        "items": {key: len(value) for key, value in dashboard.items()},
        "response_bytes": len(json.dumps(answer)),
        "requests": {
            "cartable": ours.requests,
            "baseline": theirs.requests,
            "cartable_stock": stocks.requests,
        },
    }
    ratio = ours.per_second / theirs.per_second
    report.add(f"{backend}: cartable requests/s", ours.per_second, "req/s")
    report.add(f"{backend}: cartable (stock path) requests/s", stocks.per_second, "req/s")
    report.add(f"{backend}: baseline requests/s", theirs.per_second, "req/s")
    report.add(
        f"{backend}: cartable / baseline throughput",
        ratio,
        "x",
        goal=f">= {GOAL_RATIO}",
        met=ratio >= GOAL_RATIO,
    )
    report.add(
        f"{backend}: cartable stock path / baseline", stocks.per_second / theirs.per_second, "x"
    )
    report.add(f"{backend}: fast path / stock path", ours.per_second / stocks.per_second, "x")
    for name, result, cpu in (
        ("cartable", ours, our_cpu),
        ("stock path", stocks, stock_cpu),
        ("baseline", theirs, their_cpu),
    ):
        report.add(f"{backend}: {name} p50 latency", percentile(result.latencies, 50) * 1000, "ms")
        report.add(f"{backend}: {name} p99 latency", percentile(result.latencies, 99) * 1000, "ms")
        report.add(f"{backend}: {name} server CPU per request", cpu * 1000, "ms")


def main() -> None:
    report = Report(
        "dashboard",
        {
            "seconds": SECONDS,
            "concurrency": CONCURRENCY,
            "client_processes": CLIENT_PROCESSES,
            "backends": BACKENDS,
        },
    )
    for backend in BACKENDS:
        run_backend(backend, report)
    report.finish()


if __name__ == "__main__":
    main()
