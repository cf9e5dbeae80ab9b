import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db):
    """The curated seed data, loaded as `make run` loads it."""
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
