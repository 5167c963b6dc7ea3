"""Fan-out: N watchers of one meeting, one booking → how fast every watcher hears of it.

Side by side in one run: Cartable (graphql-transport-ws, `meetingSlotsChanged`, snapshot read
first) and the baseline (bench/baseline_ws.py: a bare Starlette endpoint sending one
pre-serialised message), both served by uvicorn with server.uvicorn_options. Latency is the
arrival at each client minus the first arrival (the first watcher hears right after the
commit): the goal's "after commit", the same for both servers; the latency from the moment the
trigger request (the bookAppointment mutation; the baseline's broadcast POST) was sent is
printed too, and is what the 5,000-watcher goal is held to. Server CPU is read from /proc
before and after.

Sizes: 1,000 watchers by default; BENCH_FULL=1 adds 5,000 on one process and 10,000 on two
Cartable processes sharing events through Redis (BENCH_REDIS_URL) on one PostgreSQL database,
the clients split across them; BENCH_WATCHERS=N runs N on one process (on BENCH_PROCESSES
with Redis).
"""

import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    Report,
    ServerProcess,
    cartable_command,
    cpu_seconds,
    free_port,
    percentile,
    serve,
)
from bench.databases import postgres_reachable
from bench.live_setup import (
    BOOK,
    WATCH,
    School,
    bench_database,
    parents_for,
    seed,
    server_env,
)
from bench.loadgen import Plan, clients, raise_fd_limit, split

# Client processes: about one per 1,250 sockets, at least two.
SOCKETS_PER_CLIENT_PROCESS = 1250
P99_GOAL_MS = 500.0
RATIO_GOAL = 1.5
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Outcome:
    watchers: int
    latencies_ms: list[float]
    missing: int
    server_cpu_s: float
    span_s: float
    trigger_ms: float  # the trigger request's own round trip (the mutation, for Cartable)
    mutation_alone_ms: float = 0.0  # the same mutation with nobody watching

    @property
    def after_first_ms(self) -> list[float]:
        """Arrival minus the first arrival: the fan-out alone, whatever the trigger request's
        own work. The first watcher hears of a booking right after its commit (publish, one
        shared execution, one frame), so this is the latency after commit; the baseline's is
        measured the same way."""
        first = min(self.latencies_ms, default=0.0)
        return [v - first for v in self.latencies_ms]

    @property
    def spread_p50(self) -> float:
        return percentile(self.after_first_ms, 50) if self.latencies_ms else float("inf")

    @property
    def spread_p99(self) -> float:
        return percentile(self.after_first_ms, 99) if self.latencies_ms else float("inf")

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50) if self.latencies_ms else float("inf")

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99) if self.latencies_ms else float("inf")

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.span_s if self.span_s > 0 else 0.0

    @property
    def cpu_us_per_delivery(self) -> float:
        return self.server_cpu_s / max(1, len(self.latencies_ms)) * 1e6

    def summary(self) -> dict[str, Any]:
        return {
            "watchers": self.watchers,
            "delivered": len(self.latencies_ms),
            "missing": self.missing,
            "p50_ms": self.p50,
            "p99_ms": self.p99,
            "max_ms": max(self.latencies_ms, default=float("inf")),
            "deliveries_per_s": self.per_second,
            "server_cpu_s": self.server_cpu_s,
            "cpu_us_per_delivery": self.cpu_us_per_delivery,
            "trigger_ms": self.trigger_ms,
            "mutation_alone_ms": self.mutation_alone_ms,
            "after_commit_p50_ms": self.spread_p50,
            "after_commit_p99_ms": self.spread_p99,
        }


def client_processes(watchers: int) -> int:
    return max(2, -(-watchers // SOCKETS_PER_CLIENT_PROCESS))


def _outcome(
    watchers: int, arrivals: Sequence[float | None], sent_at: float, cpu: float, answered: float
) -> Outcome:
    got = [a for a in arrivals if a is not None]
    latencies = [(a - sent_at) * 1000 for a in got]
    span = (max(got) - sent_at) if got else 0.0
    trigger = (answered - sent_at) * 1000
    return Outcome(watchers, latencies, len(arrivals) - len(got), cpu, span, trigger)


def measure_cartable(
    school: School, servers: Sequence[ServerProcess], watchers: int, run: int
) -> tuple[Outcome, str]:
    """`watchers` sockets spread over `servers`; one booking through the first server."""
    tokens = school.socket_tokens(watchers)
    plans = [
        Plan(
            url=servers[i % len(servers)].url.replace("http://", "ws://") + "/graphql",
            kind="graphql",
            tokens=part,
            query=WATCH,
            variables={"m": school.meeting},
            booked_slot=school.booking(3 * run + 2)[2],
        )
        for i, part in enumerate(split(tokens, client_processes(watchers)))
    ]
    with httpx.Client(timeout=60) as http:
        # A first booking warms the server up (templates compiled, locale data loaded), as
        # in any server that has been running for a while; the second one is measured.
        book(http, servers[0], school.booking(3 * run))
        # A booking with nobody watching: the mutation's own time, until its commit is known.
        started = time.time()
        book(http, servers[0], school.booking(3 * run + 1))
        alone = (time.time() - started) * 1000
    with clients(plans) as group, httpx.Client(timeout=60) as http:
        before = sum(cpu_seconds(s.pid) for s in servers)
        sent_at = time.time()
        book(http, servers[0], school.booking(3 * run + 2))
        answered = time.time()
        arrivals, sample = group.arrivals()
        cpu = sum(cpu_seconds(s.pid) for s in servers) - before
    outcome = _outcome(watchers, arrivals, sent_at, cpu, answered)
    outcome.mutation_alone_ms = alone
    return outcome, sample


def book(http: httpx.Client, server: ServerProcess, booking: tuple[str, str, str]) -> None:
    token, child, slot = booking
    response = http.post(
        server.url + "/graphql",
        json={"query": BOOK, "variables": {"c": child, "s": slot}},
        headers={"authorization": f"Bearer {token}"},
    )
    booked = response.json()["data"]["bookAppointment"]
    if booked["errors"]:
        raise RuntimeError(f"the booking failed: {booked['errors']}")


def measure_baseline(servers: Sequence[ServerProcess], watchers: int, message: str) -> Outcome:
    plans = [
        Plan(
            url=servers[i % len(servers)].url.replace("http://", "ws://") + "/ws",
            kind="bare",
            tokens=part,
        )
        for i, part in enumerate(split([None] * watchers, client_processes(watchers)))
    ]
    with clients(plans) as group, httpx.Client(timeout=60) as http:
        before = sum(cpu_seconds(s.pid) for s in servers)
        sent_at = time.time()
        for server in servers:
            http.post(server.url + "/broadcast", content=message.encode())
        answered = time.time()
        arrivals, _ = group.arrivals()
        cpu = sum(cpu_seconds(s.pid) for s in servers) - before
    return _outcome(watchers, arrivals, sent_at, cpu, answered)


@contextmanager
def cartable_servers(
    database_url: str, count: int, broadcast_url: str
) -> Iterator[list[ServerProcess]]:
    with ExitStack() as stack:
        servers = []
        for _ in range(count):
            port = free_port()
            servers.append(
                stack.enter_context(
                    serve(
                        cartable_command(),
                        server_env(database_url, port, broadcast_url),
                        port,
                        log=_log("cartable"),
                    )
                )
            )
        yield servers


@contextmanager
def baseline_servers(count: int) -> Iterator[list[ServerProcess]]:
    with ExitStack() as stack:
        servers = []
        for _ in range(count):
            port = free_port()
            command = [sys.executable, "-m", "bench.baseline_ws"]
            servers.append(
                stack.enter_context(serve(command, {"PORT": str(port)}, port, log=_log("baseline")))
            )
        yield servers


def _log(name: str) -> Path:
    # Servers log every connection: kept out of the printed figures.
    return Path(tempfile.gettempdir()) / f"cartable-bench-{name}.log"


@dataclass(frozen=True)
class Step:
    watchers: int
    processes: int

    @property
    def label(self) -> str:
        return f"{self.watchers} watchers, {self.processes} process{'es' if self.processes > 1 else ''}"


def steps() -> list[Step]:
    """1,000 watchers by default (opening 5,000 sockets takes minutes: each one authenticates,
    subscribes and reads a snapshot); BENCH_FULL=1 adds 5,000 on one process and 10,000 on
    two; BENCH_WATCHERS runs one size (on BENCH_PROCESSES processes, default one)."""
    override = os.environ.get("BENCH_WATCHERS")
    if override:
        return [Step(int(override), int(os.environ.get("BENCH_PROCESSES", "1")))]
    chosen = [Step(1000, 1)]
    if os.environ.get("BENCH_FULL") == "1":
        chosen += [Step(5000, 1), Step(10000, 2)]
    return chosen


def run_step(school: School, step: Step, run: int, report: Report) -> None:
    broadcast = REDIS_URL if step.processes > 1 else "memory://"
    with cartable_servers(school.database_url, step.processes, broadcast) as servers:
        cartable, sample = measure_cartable(school, servers, step.watchers, run)
    with baseline_servers(step.processes) as servers:
        baseline = measure_baseline(servers, step.watchers, sample or '{"type":"next"}')
    label = step.label
    report.details[label] = {
        "cartable": cartable.summary(),
        "baseline": baseline.summary(),
        "message_bytes": len(sample.encode()),
    }
    # After commit (first arrival as the mark, both servers): what the goal compares.
    report.add(f"[{label}] baseline p50 after commit", baseline.spread_p50, "ms")
    report.add(f"[{label}] baseline p99 after commit", baseline.spread_p99, "ms")
    report.add(f"[{label}] cartable p50 after commit", cartable.spread_p50, "ms")
    report.add(
        f"[{label}] cartable p99 after commit",
        cartable.spread_p99,
        "ms",
        f"<= {RATIO_GOAL} x baseline's ({RATIO_GOAL * baseline.spread_p99:.0f} ms)",
        cartable.spread_p99 <= RATIO_GOAL * baseline.spread_p99,
    )
    # From the trigger request's sending, the booking's own transaction included.
    report.add(f"[{label}] baseline p50 from the request", baseline.p50, "ms")
    report.add(f"[{label}] baseline p99 from the request", baseline.p99, "ms")
    report.add(f"[{label}] cartable p50 from the request", cartable.p50, "ms")
    report.add(f"[{label}] cartable p99 from the request", cartable.p99, "ms")
    report.add(f"[{label}] mutation alone (nobody watching)", cartable.mutation_alone_ms, "ms")
    if step.watchers >= 5000:
        report.add(
            f"[{label}] cartable p99 from the request (booking included)",
            cartable.p99,
            "ms",
            f"<= {P99_GOAL_MS:.0f} ms",
            cartable.p99 <= P99_GOAL_MS,
        )
    report.add(
        f"[{label}] cartable missed", cartable.missing, "watchers", "0", cartable.missing == 0
    )
    report.add(f"[{label}] cartable mutation round trip", cartable.trigger_ms, "ms")
    report.add(f"[{label}] baseline deliveries/s", baseline.per_second, "/s")
    report.add(f"[{label}] cartable deliveries/s", cartable.per_second, "/s")
    report.add(f"[{label}] baseline server CPU/delivery", baseline.cpu_us_per_delivery, "µs")
    report.add(f"[{label}] cartable server CPU/delivery", cartable.cpu_us_per_delivery, "µs")


def main() -> None:
    raise_fd_limit()
    chosen = steps()
    if any(s.processes > 1 for s in chosen) and not postgres_reachable():
        print("fanout: two processes need PostgreSQL: that step is skipped")
        chosen = [s for s in chosen if s.processes == 1]
    report = Report(
        "fanout",
        {"steps": [s.label for s in chosen], "sockets_per_parent_max": 5},
    )
    biggest = max(s.watchers for s in chosen)
    with bench_database() as database_url:
        # At least one parent per booking made (three per step).
        school = seed(database_url, max(12, parents_for(biggest)))
        for run, step in enumerate(chosen):
            run_step(school, step, run, report)
    report.finish()


if __name__ == "__main__":
    main()
