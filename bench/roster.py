"""roster: a school's whole roster (BENCH_ROSTER_ROWS, default 1,000 children with 1,500
guardians) applied through `POST /roster`, on SQLite and on PostgreSQL when it is reachable.

Figures per database: the dry run (the plan, rolled back), the first apply (every child,
wallet, parent account, guardianship and invitation mail written in one transaction), and the
same file again (nothing to do). The baseline, measured in the same run, is parsing the file
alone: the ratios say what the database work costs beside it.

Goal (issue 16): the 1,000-row file applied in under 15 s on 2 cores.
"""

import asyncio
import os
import tempfile
from pathlib import Path

import httpx
from sqlmodel import SQLModel

from bench.common import Report
from bench.databases import backend_database, postgres_reachable
from bench.timing import timed, timed_call
from models.accounts import Role, User
from models.db import open_database
from models.family import School
from server import create_app
from services.accounts.sessions import open_session
from services.school.roster import parse
from services.sql.runtime import Runtime
from services.sql.uow import UnitOfWork
from settings import Settings

GOAL_S = 15.0
HEADER = (
    "student_id;first_name;last_name;class;guardian1_name;guardian1_email;"
    "guardian2_name;guardian2_email"
)


def roster(rows: int) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        family = n // 2  # two children per family: guardians are linked, not duplicated
        lines.append(
            f"E{n:05d};Élève{n};Famille{family};{1 + n % 6}{'ABC'[n % 3]};"
            f"Parent A {family};a{family}@example.org;"
            + (f"Parent B {family};b{family}@example.org" if family % 2 else ";")
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


async def _create_tables(url: str) -> None:
    """Before the app starts: its mail sender polls the outbox table at once."""
    database = open_database(url)
    async with database.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    await database.dispose()


async def _staff_token(runtime: Runtime) -> str:
    async def work(uow: UnitOfWork) -> str:
        school = School(slug="bench", name="École du banc", created_at=uow.now)
        uow.session.add(school)
        await uow.session.flush()
        assert school.id is not None
        staff = User(
            school_id=school.id,
            role=Role.STAFF,
            username="secretariat",
            email="secretariat@example.org",
            display_name="Secrétariat",
            created_at=uow.now,
        )
        uow.session.add(staff)
        await uow.session.flush()
        return await open_session(uow, staff)

    return await runtime.transactions.run(work)


async def _run(url: str, data: bytes, report: Report, name: str, baseline: float) -> None:
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            database_url=url,
            broadcast_url="memory://",
            smtp_url=None,
            mail_outbox_dir=str(Path(directory) / "outbox"),
            documents_dir=str(Path(directory) / "documents"),
            public_url="http://cartable.test",
            secret_key="bench-secret-key-" + "x" * 32,
            demo=False,
        )
        await _create_tables(url)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            token = await _staff_token(app.state.runtime)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

                async def post(**params: str) -> tuple[float, dict[str, object]]:
                    answer = await timed(
                        http.post(
                            "/roster",
                            params=params,
                            files={"file": ("roster.csv", data, "text/csv")},
                            headers={"authorization": f"Bearer {token}"},
                            timeout=300,
                        )
                    )
                    assert answer.result.status_code == 200, answer.result.text
                    return answer.seconds, answer.result.json()

                dry, _ = await post(dryRun="true")
                first, applied = await post()
                again, unchanged = await post()
    report.add(f"{name}: dry run", dry, "s")
    report.add(f"{name}: apply", first, "s", f"< {GOAL_S:.0f} s", first < GOAL_S)
    report.add(f"{name}: same file again", again, "s")
    report.add(f"{name}: apply / parse alone", first / baseline, "x")
    report.details[name] = {"applied": applied, "again": unchanged}


def main() -> None:
    rows = int(os.environ.get("BENCH_ROSTER_ROWS", "1000"))
    data = roster(rows)
    report = Report("roster", {"rows": rows})
    parsing = timed_call(lambda: parse(data, "fr"))
    parsed, errors = parsing.result
    baseline = parsing.seconds
    assert not errors.errors and len(parsed) == rows
    report.add("parse alone (baseline)", baseline, "s")
    for backend in ("sqlite", "postgresql"):
        if backend == "postgresql" and not postgres_reachable():
            continue
        with backend_database(backend) as url:
            if url is not None:
                asyncio.run(_run(url, data, report, backend, baseline))
    report.finish()
