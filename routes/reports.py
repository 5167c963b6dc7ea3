"""CSV reports for staff (`Authorization: Bearer <staff session>`, as document uploads).

`GET /reports/meals.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`, `/reports/balances.csv`,
`/reports/sales.csv?from=&to=`, `/reports/open-invoices.csv?class=P1` (OPEN and OVERDUE
invoices; without `class`, the whole school's). UTF-8 with a BOM, a header row, ISO dates: a spreadsheet
opens them as they are. The separator is `;` for French and Dutch readers (whose spreadsheets
write decimals with a comma) and `,` in English.
"""

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from i18n.locales import preferred_locale
from routes.documents import _error, content_disposition
from routes.school import staff_of
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.school import reports
from services.sql.runtime import Runtime

Build = Callable[[AsyncSession, Actor, Request], Awaitable[reports.Table]]


def _day(request: Request, name: str) -> date:
    try:
        return date.fromisoformat(request.query_params.get(name, ""))
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, name) from None


def to_csv(table: reports.Table, locale: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter="," if locale == "en" else ";", lineterminator="\r\n").writerows(
        table
    )
    return out.getvalue().encode("utf-8-sig")


async def _serve(request: Request, file_name: str, build: Build) -> Response:
    runtime: Runtime = request.app.state.runtime
    locale = preferred_locale(request.headers.get("accept-language"))
    try:
        actor = await staff_of(request, runtime)
        locale = actor.locale
        table = await runtime.transactions.read(lambda s: build(s, actor, request))
    except DomainError as error:
        return _error(locale, error)
    return Response(
        to_csv(table, locale),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": content_disposition("attachment", file_name)},
    )


async def meals(request: Request) -> Response:
    async def build(session: AsyncSession, actor: Actor, req: Request) -> reports.Table:
        return await reports.meals_report(session, actor, _day(req, "from"), _day(req, "to"))

    return await _serve(request, "meals.csv", build)


async def balances(request: Request) -> Response:
    async def build(session: AsyncSession, actor: Actor, req: Request) -> reports.Table:
        return await reports.balances_report(session, actor)

    return await _serve(request, "balances.csv", build)


async def sales(request: Request) -> Response:
    async def build(session: AsyncSession, actor: Actor, req: Request) -> reports.Table:
        return await reports.sales_report(session, actor, _day(req, "from"), _day(req, "to"))

    return await _serve(request, "sales.csv", build)


async def open_invoices(request: Request) -> Response:
    async def build(session: AsyncSession, actor: Actor, req: Request) -> reports.Table:
        runtime: Runtime = req.app.state.runtime
        class_name = req.query_params.get("class") or None
        return await reports.open_invoices_report(
            session, actor, runtime.settings.clock(), class_name
        )

    return await _serve(request, "open-invoices.csv", build)
