"""The HTML report of a real run, opened in a real browser.

A world at the tests' scale is migrated and validated through the CLI; its report is rendered by
headless Chromium (Debian's package, installed here when missing): a screenshot is taken, the page
must log nothing to the console (no error, no uncaught exception), its summary must equal `ferry
status --json`, and every entity must be in the table and in the dependency graph. The page must
also be self-contained: nothing is fetched from anywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli.runner import run_ferry
from tests.databases import create_database, retire_database

BROWSER = "chromium"
HEADLESS = ("--headless", "--no-sandbox", "--disable-gpu")
CONSOLE_LINE = re.compile(r":CONSOLE[:(]")


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's chromium, installed with apt when it is not on the machine."""
    found = shutil.which(BROWSER)
    if found is None:
        installed = subprocess.run(
            ["apt-get", "install", "-y", "-q", BROWSER],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        found = shutil.which(BROWSER)
        assert found, f"chromium could not be installed: {installed.stderr[-2000:]}"
    return found


def open_page(browser: str, page: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran, and every console line the page produced."""
    shown = subprocess.run(
        [
            browser,
            *HEADLESS,
            f"--user-data-dir={tmp_path / 'profile-dom'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    console = [line for line in shown.stderr.splitlines() if CONSOLE_LINE.search(line)]
    return shown.stdout, console


def screenshot(browser: str, page: Path, tmp_path: Path) -> Path:
    picture = tmp_path / "report.png"
    taken = subprocess.run(
        [
            browser,
            *HEADLESS,
            f"--user-data-dir={tmp_path / 'profile-shot'}",
            "--window-size=1400,3000",
            f"--screenshot={picture}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    return picture


class PageFacts(HTMLParser):
    """What the test reads off the rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.summary: dict[str, str] = {}
        self.table_entities: list[str] = []
        self.graph_entities: list[str] = []
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-summary" in found:
            self.summary[found["data-summary"] or ""] = found.get("data-value") or ""
        if tag == "tr" and "data-entity" in found:
            self.table_entities.append(found["data-entity"] or "")
        if tag == "g" and "data-entity" in found:
            self.graph_entities.append(found["data-entity"] or "")
        for name in ("src", "href"):
            if found.get(name):
                self.fetched.append(found[name] or "")
        if tag == "link":
            self.fetched.append(str(found))


def read_page(dom: str) -> PageFacts:
    facts = PageFacts()
    facts.feed(dom)
    return facts


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, server_url, legacy_template, migrated_template):
    """A world at the tests' scale migrated and validated, its report, and `ferry status --json`."""
    cwd = tmp_path_factory.mktemp("report")
    suffix = uuid.uuid4().hex[:8]
    names = [f"ferry_test_report_{kind}_{suffix}" for kind in ("src", "tgt")]
    env = {
        "FERRY_SOURCE_URL": create_database(server_url, names[0], legacy_template),
        "FERRY_TARGET_URL": create_database(server_url, names[1], migrated_template),
    }
    try:
        done = run_ferry("validate", "final", cwd=cwd, env=env, timeout=300)
        assert done.exit_code == 0, done.output
        written = run_ferry("report", "-o", str(cwd / "report.html"), cwd=cwd, env=env)
        assert written.exit_code == 0, written.output
        assert str(cwd / "report.html") in written.stdout
        status = run_ferry("status", "--json", cwd=cwd, env=env)
        assert status.exit_code == 0, status.output
        yield cwd / "report.html", json.loads(status.stdout)["entities"]
    finally:
        for name in names:
            retire_database(server_url, name)


def test_the_report_renders_in_chromium_and_agrees_with_status(
    migrated, chromium: str, tmp_path: Path
) -> None:
    page, statuses = migrated
    dom, console = open_page(chromium, page, tmp_path)
    assert console == [], console
    facts = read_page(dom)

    expected = {
        "source": sum(s["source_rows"] for s in statuses),
        "migrated": sum(s["migrated"] for s in statuses),
        "quarantined": sum(s["quarantined"] for s in statuses),
        "skipped": sum(s["skipped"] for s in statuses),
    }
    assert {name: int(facts.summary[name]) for name in expected} == expected
    assert int(facts.summary["verified"]) == expected["migrated"]  # everything was validated
    entities = [s["entity"] for s in statuses]
    assert sorted(facts.table_entities) == sorted(entities)
    assert sorted(facts.graph_entities) == sorted(entities)
    assert facts.fetched == [], facts.fetched  # self-contained: nothing to fetch

    picture = screenshot(chromium, page, tmp_path)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 50_000  # a drawn page, not a blank one


def test_the_console_check_sees_a_broken_page(chromium: str, tmp_path: Path) -> None:
    """Negative control: the same check reports a script error."""
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>notDefinedAnywhere();</script></body></html>")
    _, console = open_page(chromium, page, tmp_path)
    assert any("notDefinedAnywhere" in line for line in console), console
