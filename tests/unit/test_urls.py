"""Connection strings: redaction never leaks a password; database switching keeps the rest."""

import string

from hypothesis import given
from hypothesis import strategies as st

from ferry.db.urls import REDACTED, describe, redact, with_database

# Passwords as people type them into URLs (percent-encoded specials) and key=value strings.
url_password = st.text(alphabet=string.ascii_letters + string.digits + "%-._~!$*+,;=", min_size=1)
kv_password = st.text(alphabet=string.ascii_letters + string.digits + "%-._~!$*+,;:@/", min_size=1)


@given(url_password)
def test_url_password_is_redacted(password: str) -> None:
    url = f"postgresql://alice:{password}@db.example.com:5432/legacy?sslmode=require"
    shown = redact(url)
    assert shown == f"postgresql://alice:{REDACTED}@db.example.com:5432/legacy?sslmode=require"


@given(kv_password)
def test_key_value_password_is_redacted(password: str) -> None:
    shown = redact(f"host=db user=alice password={password} dbname=legacy")
    assert shown == f"host=db user=alice password={REDACTED} dbname=legacy"


@given(url_password)
def test_query_string_password_is_redacted(password: str) -> None:
    shown = redact(f"postgresql://alice@db/legacy?password={password}&sslmode=require")
    assert shown == f"postgresql://alice@db/legacy?password={REDACTED}&sslmode=require"


def test_quoted_key_value_password_is_redacted() -> None:
    assert redact("user=a password='it\\'s secret' host=h") == f"user=a password={REDACTED} host=h"


def test_url_without_password_is_unchanged() -> None:
    url = "postgresql://postgres@127.0.0.1:5432/postgres"
    assert redact(url) == url


def test_with_database_switches_only_the_database() -> None:
    assert (
        with_database("postgresql://u:p@h:5/old?sslmode=require", "new")
        == "postgresql://u:p@h:5/new?sslmode=require"
    )
    assert (
        with_database("postgresql://postgres@/postgres?host=/tmp/sock", "legacy")
        == "postgresql://postgres@/legacy?host=/tmp/sock"
    )
    assert "dbname=new" in with_database("host=h dbname=old", "new")


def test_describe_has_no_password() -> None:
    label = describe("postgresql://alice:hunter2@db:6543/legacy")
    assert label == "alice@db:6543/legacy"
