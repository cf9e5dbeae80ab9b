"""Long work runs as tasks: queued once however many ask, run by the worker, failures shown
to curators with their error and retried from the admin."""

import threading
import time

import pytest
from django.urls import reverse
from django_tasks import task

from jobs.budget import OverBudget, spend
from jobs.models import BackgroundTask
from jobs.services import computed_once, enqueue_once
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = []


@task()
def name_an_organization(slug: str) -> str:
    """Fails until an organization with ``slug`` exists: a task whose cause can be fixed."""
    from orgs.models import Organization

    ATTEMPTS.append(slug)
    return Organization.objects.get(slug=slug).name_ko


def test_a_task_is_queued_once_however_many_ask(run_tasks):
    first = enqueue_once(name_an_organization, "name:khidi", "khidi")
    again = enqueue_once(name_an_organization, "name:khidi", "khidi")
    assert first == again
    assert BackgroundTask.objects.count() == 1


def test_a_task_finished_may_be_queued_again(run_tasks):
    OrganizationFactory(slug="khidi", name_ko="한국보건산업진흥원")
    first = enqueue_once(name_an_organization, "name:khidi", "khidi")
    assert run_tasks() == 1
    assert BackgroundTask.objects.get(pk=first).return_value == "한국보건산업진흥원"
    assert enqueue_once(name_an_organization, "name:khidi", "khidi") != first


def test_a_failed_task_shows_its_error_to_curators_and_is_retried_from_the_admin(
    client, curator, run_tasks
):
    enqueue_once(name_an_organization, "name:snuh", "snuh")
    run_tasks()
    failed = BackgroundTask.objects.get()
    assert failed.status == "FAILED"

    client.force_login(curator)
    listing = client.get(reverse("admin:jobs_backgroundtask_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "name_an_organization" in page
    assert "DoesNotExist" in page  # the error, on the list itself
    detail = client.get(reverse("admin:jobs_backgroundtask_change", args=[failed.pk]))
    assert "Traceback" in detail.content.decode()

    OrganizationFactory(slug="snuh", name_ko="서울대학교병원")  # the cause, fixed
    response = client.post(
        reverse("admin:jobs_backgroundtask_changelist"),
        {"action": "retry_selected", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert BackgroundTask.objects.filter(status="READY").count() == 1
    run_tasks()
    retried = BackgroundTask.objects.exclude(pk=failed.pk).get()
    assert (retried.status, retried.return_value) == ("SUCCESSFUL", "서울대학교병원")


def test_only_failed_tasks_are_retried(client, curator, run_tasks):
    OrganizationFactory(slug="khidi")
    enqueue_once(name_an_organization, "name:khidi", "khidi")
    run_tasks()
    client.force_login(curator)
    response = client.post(
        reverse("admin:jobs_backgroundtask_changelist"),
        {"action": "retry_selected", "_selected_action": [BackgroundTask.objects.get().pk]},
        follow=True,
    )
    assert BackgroundTask.objects.count() == 1
    assert "retried" in response.content.decode() or "재시도" in response.content.decode()


def test_a_visitor_cannot_see_the_tasks(client):
    response = client.get(reverse("admin:jobs_backgroundtask_changelist"))
    assert response.status_code == 302


def test_concurrent_requests_for_one_computation_wait_for_it():
    computations = []

    def compute():
        computations.append(1)
        time.sleep(0.3)
        return "drawn"

    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(computed_once("test:one", compute)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["drawn"] * 4
    assert len(computations) == 1


def test_a_client_past_its_budget_is_told_when_to_come_back(rf, settings):
    settings.UNCACHED_WORK_PER_CLIENT = "2/minute"
    request = rf.get("/network/", REMOTE_ADDR="203.0.113.9")
    spend(request)
    spend(request)
    with pytest.raises(OverBudget) as refused:
        spend(request)
    assert 1 <= refused.value.retry_after <= 61
    # Another client has its own budget.
    spend(rf.get("/network/", REMOTE_ADDR="203.0.113.10"))
