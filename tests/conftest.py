import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db):
    """The curated seed data, loaded as `make run` loads it."""
    call_command("loaddata", "fixtures/seed.json", verbosity=0)


@pytest.fixture
def korean(settings):
    """Pages in Korean, the site's default language."""
    settings.LANGUAGE_CODE = "ko"


def names_in(response, key="object_list"):
    """The Korean names (or titles) of the records a page lists."""
    return [getattr(record, "name_ko", None) or record.title for record in response.context[key]]
