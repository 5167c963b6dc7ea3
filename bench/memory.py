"""Memory: server RSS per idle live subscription against per idle bare websocket.

Cartable (a graphql-transport-ws socket, authenticated, one `meetingSlotsChanged` subscription
past its snapshot) and the baseline (bench/baseline_ws.py: a bare Starlette websocket), both
served by uvicorn with server.uvicorn_options. Each server first holds a few warm-up sockets,
then N more (BENCH_SOCKETS, default 1,000) are opened; the RSS growth divided by N is the cost
of one.
"""

import os
import sys
import time
from collections.abc import Sequence

from bench.common import Report, ServerProcess, cartable_command, free_port, rss_bytes, serve
from bench.fanout import _log, client_processes
from bench.live_setup import WATCH, School, bench_database, parents_for, seed, server_env
from bench.loadgen import Plan, clients, raise_fd_limit, split

WARM_UP = 100
SETTLE_SECONDS = 2.0
RATIO_GOAL = 1.25
ABSOLUTE_GOAL_KB = 35.0


def _plans(
    server: ServerProcess, path: str, tokens: Sequence[str | None], graphql: bool, meeting: str
) -> list[Plan]:
    url = server.url.replace("http://", "ws://") + path
    return [
        Plan(
            url=url,
            kind="graphql" if graphql else "bare",
            tokens=part,
            query=WATCH,
            variables={"m": meeting},
            expect_event=False,
        )
        for part in split(list(tokens), client_processes(len(tokens)))
        if part
    ]


def per_socket_bytes(
    server: ServerProcess, path: str, tokens: Sequence[str | None], graphql: bool, meeting: str
) -> tuple[float, int, int]:
    """RSS growth per socket for the sockets of `tokens` (after WARM_UP others)."""
    warm, measured = tokens[:WARM_UP], tokens[WARM_UP:]
    with clients(_plans(server, path, warm, graphql, meeting)):
        time.sleep(SETTLE_SECONDS)
        before = rss_bytes(server.pid)
        with clients(_plans(server, path, measured, graphql, meeting)):
            time.sleep(SETTLE_SECONDS)
            after = rss_bytes(server.pid)
    return (after - before) / len(measured), before, after


def main() -> None:
    raise_fd_limit()
    sockets = int(os.environ.get("BENCH_SOCKETS", "1000"))
    report = Report("memory", {"sockets": sockets, "warm_up": WARM_UP})
    with bench_database() as database_url:
        school: School = seed(database_url, parents_for(sockets + WARM_UP))
        tokens = school.socket_tokens(sockets + WARM_UP)
        port = free_port()
        env = server_env(database_url, port)
        with serve(cartable_command(), env, port, log=_log("cartable")) as server:
            cartable, c0, c1 = per_socket_bytes(server, "/graphql", tokens, True, school.meeting)
    port = free_port()
    command = [sys.executable, "-m", "bench.baseline_ws"]
    with serve(command, {"PORT": str(port)}, port, log=_log("baseline")) as server:
        bare, b0, b1 = per_socket_bytes(server, "/ws", [None] * (sockets + WARM_UP), False, "")
    report.details = {
        "cartable_rss_before": c0,
        "cartable_rss_after": c1,
        "baseline_rss_before": b0,
        "baseline_rss_after": b1,
    }
    report.add("bare websocket (baseline)", bare / 1024, "KB/socket")
    ratio = cartable / bare if bare > 0 else float("inf")
    report.add(
        "idle subscription (cartable)",
        cartable / 1024,
        "KB/socket",
        f"<= {ABSOLUTE_GOAL_KB:.0f} KB",
        cartable / 1024 <= ABSOLUTE_GOAL_KB,
    )
    report.add("subscription / bare socket", ratio, "x", f"<= {RATIO_GOAL}", ratio <= RATIO_GOAL)
    report.finish()


if __name__ == "__main__":
    main()
