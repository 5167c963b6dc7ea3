"""What every benchmark shares: servers in their own processes, percentiles, the printed table
with each goal beside its figure, and the JSON written under bench/results/."""

import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Figure:
    """One measured figure; `goal` is printed beside it and `met` says whether it holds."""

    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None


@dataclass
class Report:
    benchmark: str
    parameters: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def add(
        self, name: str, value: float, unit: str, goal: str = "", met: bool | None = None
    ) -> None:
        self.figures.append(Figure(name, value, unit, goal, met))

    def finish(self) -> Path:
        """Print the table and write the JSON; returns the file written."""
        print(f"\n== {self.benchmark} {self.parameters}")
        for f in self.figures:
            verdict = "" if f.met is None else ("  ok" if f.met else "  MISSED")
            goal = f"   goal: {f.goal}" if f.goal else ""
            print(f"  {f.name:<48} {f.value:>12.3f} {f.unit:<10}{goal}{verdict}")
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"{self.benchmark}-{stamp}.json"
        document = {
            "benchmark": self.benchmark,
            "measured_at": stamp,
            "machine": machine(),
            "parameters": self.parameters,
            "figures": [asdict(f) for f in self.figures],
            "details": self.details,
        }
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
        print(f"  -> {path.relative_to(ROOT)}")
        return path


def machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "commit": commit or None,
    }


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    url: str

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def serve(
    command: Sequence[str],
    env: Mapping[str, str],
    port: int,
    ready_path: str = "/healthz",
    log: Path | None = None,
) -> Iterator[ServerProcess]:
    """Run a server command in its own process until `GET ready_path` answers 200. `log`: a
    file for its stderr (a server logging every connection would flood the figures)."""
    stderr = None if log is None else log.open("ab")
    process = subprocess.Popen(
        list(command), cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}")
            try:
                if httpx.get(url + ready_path, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not become ready")
            time.sleep(0.1)
        yield ServerProcess(process, url)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if stderr is not None:
            stderr.close()


def cartable_command() -> list[str]:
    """Cartable served exactly as `make run` serves it (same uvicorn options); PORT, DATABASE_URL,
    BROADCAST_URL... come from the environment given to `serve`."""
    return [sys.executable, "-m", "cli", "serve"]
