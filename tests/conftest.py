import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db):
    """The curated seed data, loaded as `make run` loads it."""
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    call_command("refresh_mentions", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached, as after a deploy: a test database rolled back
    to the same counts could otherwise be mistaken for data already computed."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Sign-in tests hash many passwords; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curator(db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("curator", password="curator-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def korean(settings):
    """Pages in Korean, the site's default language."""
    settings.LANGUAGE_CODE = "ko"


def names_in(response, key="object_list"):
    """The Korean names (or titles) of the records a page lists."""
    return [getattr(record, "name_ko", None) or record.title for record in response.context[key]]
