"""`make run` creates a local admin account and tells the newcomer how to sign in."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from bionet.management.commands import create_local_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def credentials_file(tmp_path, monkeypatch):
    path = tmp_path / ".local-admin"
    monkeypatch.setattr(create_local_admin, "CREDENTIALS_FILE", path)
    return path


def test_it_creates_a_superuser_and_prints_working_credentials_once(settings, credentials_file):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_local_admin", url="http://127.0.0.1:8000/admin/", stdout=out)
    printed = out.getvalue()
    password = printed.split("password: ")[1].split()[0]
    assert "http://127.0.0.1:8000/admin/" in printed
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    assert f"password: {password}" in credentials_file.read_text()

    again = StringIO()
    call_command("create_local_admin", stdout=again)
    assert password not in again.getvalue()
    assert str(credentials_file) in again.getvalue()


def test_it_refuses_to_run_outside_debug(settings, credentials_file):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development"):
        call_command("create_local_admin")
    assert not credentials_file.exists()
