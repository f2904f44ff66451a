"""A report in three formats: HTML for people (one self-contained file), Markdown for tickets
and wikis, JSON for tools. The templates receive one view built here, so every format shows
the same numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ferry.report import charts
from ferry.report.model import Finding, Report

Format = Literal["html", "md", "json"]


@dataclass(frozen=True)
class EntityLine:
    """One row of the per-entity table."""

    entity: str
    phase: int
    source: int
    migrated: int
    quarantined: int
    skipped: int
    balanced: bool
    state: str
    dependencies_complete: bool
    processed: int | None
    seconds: float | None
    rows_per_second: float | None
    verified: int | None
    checks_failed: int | None
    migrated_in: str  # the runs the row counts and timing come from, e.g. "1, 4"
    validated_in: int | None  # the run of the entity's latest validation


def render(report: Report, fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(report.as_dict(), indent=2, default=_json_value) + "\n"
    template = _environment().get_template(f"report.{fmt}.j2")
    return template.render(**_view(report, charts_too=fmt == "html"))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ferry.report", "templates"),
        autoescape=select_autoescape(["html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["n"] = _number
    env.filters["duration"] = _duration
    env.filters["rate"] = _rate
    env.filters["money"] = _money
    return env


def _view(report: Report, *, charts_too: bool) -> dict:
    findings = _by_entity(report)
    reasons = _reason_totals(report)
    lines = _entity_lines(report, findings)
    view = {
        "report": report,
        "summary": report.summary,
        "lines": lines,
        "failed_findings": [f for f in report.findings if not f.passed],
        "money": [f for f in report.findings if f.check.startswith("money:")],
        "findings_by_entity": findings,
        "reasons": reasons,
        "states": {s.entity: s.state for s in report.statuses},
    }
    if charts_too:
        view["charts"] = _charts(report, lines, reasons)
    return view


def _entity_lines(report: Report, findings: dict[str, list[Finding]]) -> list[EntityLine]:
    phase_of = {name: i + 1 for i, phase in enumerate(report.phases) for name in phase}
    lines = []
    for status in report.statuses:
        made = report.made.get(status.entity)
        checks = findings.get(status.entity, [])
        content = next((f for f in checks if f.check == "content"), None)
        lines.append(
            EntityLine(
                entity=status.entity,
                phase=phase_of.get(status.entity, 0),
                source=status.source_rows,
                migrated=status.migrated,
                quarantined=status.quarantined,
                skipped=status.skipped,
                balanced=status.balanced,
                state=status.state,
                dependencies_complete=status.dependencies_complete,
                processed=made.processed if made else None,
                seconds=made.seconds if made else None,
                rows_per_second=made.rows_per_second if made else None,
                verified=content.checked - content.failed if content else None,
                checks_failed=sum(not f.passed for f in checks) if checks else None,
                migrated_in=", ".join(map(str, made.runs)) if made else "",
                validated_in=checks[0].run_id if checks else None,
            )
        )
    return lines


def _by_entity(report: Report) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {s.entity: [] for s in report.statuses}
    for finding in report.findings:
        grouped.setdefault(finding.entity, []).append(finding)
    return {name: found for name, found in grouped.items() if found}


def _reason_totals(report: Report) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for _, reason, rows in report.quarantine:
        totals[reason] = totals.get(reason, 0) + rows
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def _charts(
    report: Report, lines: list[EntityLine], reasons: list[tuple[str, int]]
) -> dict[str, Markup]:
    moving = sorted(
        (line for line in lines if line.rows_per_second),
        key=lambda line: -(line.rows_per_second or 0),
    )
    throughput = [
        charts.Bar(line.entity, line.rows_per_second or 0, f"{_rate(line.rows_per_second)} rows/s")
        for line in moving
    ]
    reasons = [
        charts.Bar(reason, rows, f"{rows:,} rows", css="bar bar-quarantine")
        for reason, rows in reasons
    ]
    spans = []
    if report.run is not None:
        for work in report.work.values():
            spans.append(
                charts.Span(
                    work.entity,
                    (work.started_at - report.run.started_at).total_seconds(),
                    work.seconds or 0,
                    work.status,
                    f"{work.processed:,} rows in {_duration(work.seconds)}",
                )
            )
    return {
        "graph": charts.dependency_graph(
            report.phases,
            {s.entity: s.depends_on for s in report.statuses},
            {s.entity: s.state for s in report.statuses},
            "dependency graph of the plan, coloured by state",
        ),
        "throughput": charts.bar_chart(throughput, "rows per second per entity"),
        "reasons": charts.bar_chart(reasons, "quarantined rows per reason"),
        "timeline": charts.timeline(
            spans,
            (report.run.seconds or 0) if report.run else 0,
            "when each entity ran",
        ),
    }


def _number(value: int | float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def _json_value(value: object) -> str:
    """Datetimes as ISO 8601; anything else JSON cannot hold (Decimal) as its text."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _money(total: str | None) -> str:
    """An exact decimal total with thousands separators, every digit kept."""
    return "-" if total is None else format(Decimal(total), ",f")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
