"""The start-up check that warns when PostgreSQL's LC_CTYPE hides Hangul from pg_trgm."""

from unittest import mock

import pytest
from django.core import checks
from django.db import connection

from orgs.checks import check_postgresql_ctype

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check queries PostgreSQL's catalogue"
)


class FakeCursor:
    def __init__(self, ctype):
        self.ctype, self.executed = ctype, []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        self.executed.append(sql)

    def fetchone(self):
        return (self.ctype,)


def run_check_as_postgresql(ctype):
    cursor = FakeCursor(ctype)
    with (
        mock.patch.object(connection, "vendor", "postgresql"),
        mock.patch.object(connection, "cursor", return_value=cursor),
    ):
        return check_postgresql_ctype(None, databases=["default"]), cursor


def test_it_warns_about_a_c_ctype_and_says_how_to_fix_it():
    (warning,), cursor = run_check_as_postgresql("C")
    assert warning.id == "orgs.W001"
    assert "LC_CTYPE 'C'" in warning.msg
    assert "initdb --locale=C.UTF-8" in warning.hint
    assert "LC_CTYPE 'C.UTF-8'" in warning.hint
    assert "datctype" in cursor.executed[0]


def test_it_warns_about_a_posix_ctype():
    (warning,), _ = run_check_as_postgresql("POSIX")
    assert warning.id == "orgs.W001"


def test_it_is_silent_for_a_utf8_ctype():
    assert run_check_as_postgresql("C.UTF-8")[0] == []
    assert run_check_as_postgresql("ko_KR.UTF-8")[0] == []


def test_it_queries_no_database_unless_databases_are_checked(django_assert_num_queries):
    with (
        mock.patch.object(connection, "vendor", "postgresql"),
        django_assert_num_queries(0),
    ):
        assert check_postgresql_ctype(None, databases=None) == []


def test_it_is_registered_as_a_database_check():
    assert check_postgresql_ctype in checks.registry.registry.get_checks(
        include_deployment_checks=False
    )
    assert "database" in check_postgresql_ctype.tags


@on_postgresql
def test_it_is_silent_on_the_test_database_created_with_a_utf8_locale():
    assert check_postgresql_ctype(None, databases=["default"]) == []
    assert checks.run_checks(tags=[checks.Tags.database], databases=["default"]) == []


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite has no LC_CTYPE")
def test_it_is_silent_and_queries_nothing_on_sqlite(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert check_postgresql_ctype(None, databases=["default"]) == []
