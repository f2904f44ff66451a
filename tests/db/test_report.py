"""Reports of the toy migration: the numbers, the three formats, and what they warn about."""

from __future__ import annotations

import json
from decimal import Decimal

import psycopg
import pytest

from ferry.errors import StateError
from ferry.report.model import Report, gather
from ferry.report.render import render
from ferry.state.status import source_counts
from tests.db import toy


def report_of(urls: tuple[str, str], run_id: int | None = None) -> Report:
    with psycopg.connect(urls[0]) as source:
        counts = source_counts(source, toy.CATALOGUE)
    with psycopg.connect(urls[1]) as target:
        return gather(counts, target, toy.CATALOGUE, run_id)


def test_a_target_without_runs_still_has_a_report(toy_urls) -> None:
    report = report_of(toy_urls)
    assert report.run is None and report.validation is None and report.runs == []
    assert report.summary.source == len(toy.AUTHORS) + len(toy.BOOKS)
    assert report.summary.migrated == 0
    assert "no run recorded yet" in render(report, "html")
    assert "No validation has run yet." in render(report, "md")


def test_numbers_agree_with_status_and_validation(toy_urls) -> None:
    migrated = toy.migrate(toy_urls)
    validated = toy.validate(toy_urls)
    report = report_of(toy_urls)
    summary = report.summary

    assert report.run.run_id == migrated.run_id  # the latest migration, not the validation
    assert report.validation.run_id == validated.run_id
    assert summary.source == sum(s.source_rows for s in report.statuses)
    assert (summary.migrated, summary.quarantined, summary.skipped) == (
        sum(e.migrated for e in migrated.entities),
        sum(e.quarantined for e in migrated.entities),
        sum(e.skipped for e in migrated.entities),
    )
    assert summary.balanced_entities == summary.entities == 2
    assert summary.verified == sum(e.verified for e in validated.entities)
    assert summary.run_rows == sum(e.processed for e in migrated.entities)
    assert summary.money_checks == summary.money_checks_passed == 1
    money = next(f for f in report.findings if f.check == "money:price")
    assert Decimal(money.totals["source"]) == Decimal(money.totals["target"]) > 0
    assert set(report.work) == {"authors", "books"}

    document = json.loads(render(report, "json"))
    assert document["summary"]["migrated"] == summary.migrated
    assert document["run"]["run_id"] == migrated.run_id
    markdown = render(report, "md")
    html = render(report, "html")
    for name in ("authors", "books"):
        assert f"| {name} |" in markdown
        assert f'data-entity="{name}"' in html
    assert "checks passed" in html and "validate again" not in html


def test_a_failed_check_and_a_stale_validation_are_shown(toy_urls) -> None:
    toy.migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("UPDATE books SET price = price + 0.01 WHERE legacy_book_id = 16")
    validated = toy.validate(toy_urls)
    assert {e.entity: e.status for e in validated.entities}["books"] == "failed"
    report = report_of(toy_urls)
    failed = {(f.entity, f.check) for f in report.findings if not f.passed}
    assert ("books", "money:price") in failed and ("books", "content") in failed
    html = render(report, "html")
    assert "checks failed" in html and "differs" in html
    assert '<p class="verdict ok">Accounting holds' not in html  # not green beside a red check
    assert "the counts balance, but validation found differences" in html

    toy.migrate(toy_urls, restart=True)  # a later run: the verdict no longer covers it
    later = report_of(toy_urls)
    assert later.validation_is_stale
    assert "validate again" in render(later, "html")
    assert "validate again" in render(later, "md")


def test_an_unknown_run_is_refused_in_one_sentence(toy_urls) -> None:
    toy.migrate(toy_urls)
    with pytest.raises(StateError, match=r"^Run 999 is not recorded in this target \(its runs"):
        report_of(toy_urls, 999)


def test_the_report_remembers_each_entitys_latest_validation_and_its_migration(
    toy_urls,
) -> None:
    """`validate everything` then `validate authors`: both entities stay validated, each
    naming its run; a re-run with nothing to do leaves the migration's headline alone."""
    migrated = toy.migrate(toy_urls)
    everything = toy.validate(toy_urls)
    authors = toy.validate(toy_urls, "authors")
    again = toy.migrate(toy_urls)
    report = report_of(toy_urls)

    validated_in = {f.entity: f.run_id for f in report.findings}
    assert validated_in == {"authors": authors.run_id, "books": everything.run_id}
    assert report.summary.validation_runs == [everything.run_id, authors.run_id]
    assert report.summary.migration_runs == [migrated.run_id]
    assert again.run_id not in report.summary.migration_runs
    assert report.summary.run_rows == sum(e.processed for e in migrated.entities)
    assert not report.validation_is_stale
    markdown = render(report, "md")
    assert "not validated" not in markdown
    assert f"| passed (run {everything.run_id}) |" in markdown
    assert f"| passed (run {authors.run_id}) |" in markdown
    html = render(report, "html")
    assert "not validated" not in html
    assert f"runs {everything.run_id}, {authors.run_id}" in html
    document = json.loads(render(report, "json"))
    assert document["made"]["books"]["runs"] == [migrated.run_id]
    assert {f["entity"]: f["run_id"] for f in document["findings"]} == validated_in
