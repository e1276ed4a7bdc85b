"""What the bot missed: grouped lists with the turns before, charts per day, CSV."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.console.missed import CATEGORIES, load_missed, parse_day, to_csv
from bot.console.web import render
from bot.ops.report import TITLES


def _range(request: Request) -> tuple[date | None, date | None, str]:
    """The date filter from the query string, and an error message for a bad date."""
    try:
        return parse_day(request.query_params.get("since")), parse_day(request.query_params.get("until")), ""
    except ValueError:
        return None, None, "Ugyldig dato: brug fx 2026-11-01. Viser alle datoer."


async def report_page(request: Request) -> Response:
    """The three lists and the charts for the chosen dates."""
    since, until, error = _range(request)
    missed = await run_in_threadpool(load_missed, request.app.state.backend.settings, since, until)
    chart = {"days": [d.day for d in missed.days], "messages": [d.messages for d in missed.days],
             "declined_percent": [d.declined_percent for d in missed.days],
             "thumbs_up": [d.thumbs_up for d in missed.days], "thumbs_down": [d.thumbs_down for d in missed.days]}
    lists = [(category, TITLES[category], missed.report.ranked(category)) for category in CATEGORIES]
    return render(request, "report.html", lists=lists, days=missed.days, chart=chart,
                  since=since.isoformat() if since else "", until=until.isoformat() if until else "",
                  error=error or missed.error, query=request.url.query)


async def report_csv(request: Request) -> Response:
    """The report as a CSV file for the chosen dates."""
    since, until, _ = _range(request)
    missed = await run_in_threadpool(load_missed, request.app.state.backend.settings, since, until)
    name = f"botten-missede-{since or 'start'}-{until or date.today()}.csv"
    return Response("\ufeff" + to_csv(missed.report), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
