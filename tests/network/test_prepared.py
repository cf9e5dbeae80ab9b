"""No visitor waits for a large network: its analysis, its files and its paths are prepared
once by a task while the page says so and asks again; a client asking for too many new ones
is answered 429 with Retry-After, and every other page stays as it was."""

import xml.etree.ElementTree as ET
from contextlib import contextmanager

import pytest
from django.urls import reverse

from jobs.models import BackgroundTask
from network import cache as network_cache
from tests.factories import AgreementFactory, AgreementPartyFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings):
    """A network of 3 organizations and 4 parties, over a limit of 3 parties per request."""
    settings.NETWORK_PARTIES_PER_REQUEST = 3
    first, second, third = OrganizationFactory.create_batch(3)
    for pair in ((first, second), (second, third)):
        agreement = AgreementFactory(kind="mou", date="2024-05-01", date_precision="day")
        for organization in pair:
            AgreementPartyFactory(agreement=agreement, organization=organization)
    return first, second, third


def queued():
    return list(BackgroundTask.objects.values_list("task_path", "status"))


# The network page -----------------------------------------------------------------------------


def test_a_large_network_is_analysed_once_by_a_task_while_the_page_says_so(
    client, large, run_tasks
):
    url = reverse("network:network")
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "백그라운드에서 분석하고 있습니다" in page  # "being analysed in the background"
    assert '<meta http-equiv="refresh" content="10">' in page
    assert response["Cache-Control"] == "no-store"
    client.get(url)  # asked again before it is ready
    assert queued() == [("network.tasks.analyse_network", "READY")]

    run_tasks()

    response = client.get(url)
    assert response.context["summary"]["organizations"] == 3
    assert "being analysed" not in response.content.decode()
    assert "Cache-Control" not in response or "public" in response["Cache-Control"]


def test_a_large_filtered_network_is_prepared_in_both_languages(client, large, run_tasks):
    url = reverse("network:network")
    client.get(url, {"kind": "mou"})
    assert queued() == [("network.tasks.analyse_network_selection", "READY")]
    run_tasks()
    english = client.get(f"/en{url}", {"kind": "mou"})
    korean = client.get(url, {"kind": "mou"})
    assert english.context["summary"]["organizations"] == 3
    assert korean.context["summary"]["organizations"] == 3
    assert "협력 네트워크" in korean.content.decode()
    # The interactive view reads the same analysis.
    data = client.get(reverse("network:network_graph"), {"kind": "mou"}).json()
    assert len(data["nodes"]) == 3 and data["current"] is True


def test_the_interactive_view_of_a_large_network_waits_for_the_same_task(client, large, run_tasks):
    data = client.get(reverse("network:network_graph")).json()
    assert (data["nodes"], data["preparing"]) == ([], True)
    client.get(reverse("network:network"))
    assert len(queued()) == 1
    run_tasks()
    assert len(client.get(reverse("network:network_graph")).json()["nodes"]) == 3


def test_a_burst_of_writes_queues_the_whole_networks_analysis_once_after_a_delay(
    django_capture_on_commit_callbacks, settings
):
    settings.NETWORK_ANALYSIS_DELAY = 30
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first, second = OrganizationFactory.create_batch(2)
        agreement = AgreementFactory()
        for organization in (first, second):
            AgreementPartyFactory(agreement=agreement, organization=organization)
        first.name_en = "Renamed"
        first.save()
    assert len(callbacks) == 1  # once for the transaction, not once per record
    task = BackgroundTask.objects.get()
    assert task.task_path == "network.tasks.analyse_network"
    assert (task.run_after - task.enqueued_at).total_seconds() >= 29


# Files --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, root", [("network_graphml", "graphml"), ("network_gexf", "gexf")])
def test_a_large_networks_file_is_written_by_a_task_and_then_served_whole(
    client, large, run_tasks, name, root
):
    url = reverse(f"network:{name}")
    waiting = client.get(url, {"kind": "mou"})
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "파일을 준비하고 있습니다" in page  # "... file is being prepared"
    assert '<meta http-equiv="refresh" content="5">' in page
    assert waiting["Cache-Control"] == "no-store"
    client.get(url, {"kind": "mou"})
    assert len(queued()) == 1

    run_tasks()

    ready = client.get(url, {"kind": "mou"})
    assert ready.status_code == 200
    body = b"".join(ready.streaming_content)
    assert int(ready["Content-Length"]) == len(body)
    assert f'filename="bionet-network.{root}"' in ready["Content-Disposition"]
    assert ET.fromstring(body).tag.endswith(root)
    assert body.count(b"<node ") == 3


def test_a_small_networks_file_is_written_while_the_visitor_waits(client, in_english):
    agreement = AgreementFactory()
    for organization in OrganizationFactory.create_batch(2):
        AgreementPartyFactory(agreement=agreement, organization=organization)
    response = client.get(reverse("network:network_graphml"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).count(b"<node ") == 2
    assert queued() == []


def test_a_failed_file_task_is_visible_and_the_page_still_answers(
    client, large, run_tasks, monkeypatch
):
    def broken(graph):
        raise OSError("disk full")

    monkeypatch.setitem(
        __import__("network.tasks").tasks.FILE_FORMATS, "gexf", ("application/gexf+xml", broken)
    )
    client.get(reverse("network:network_gexf"))
    run_tasks()
    assert queued() == [("network.tasks.build_network_file", "FAILED")]
    # The page asks again: a new task is queued, the failed one stays for curators to see.
    assert client.get(reverse("network:network_gexf")).status_code == 202


# Paths --------------------------------------------------------------------------------------


def test_chains_in_a_large_network_are_searched_by_a_task(client, large, run_tasks):
    first, _second, third = large
    query = {"source": first.slug, "target": third.slug}
    url = f"/en{reverse('network:network_path')}"
    waiting = client.get(url, query)
    assert waiting.status_code == 202
    assert "searched in the background" in waiting.content.decode()
    run_tasks()
    found = client.get(url, query)
    assert found.status_code == 200
    assert "They are 2 agreements apart." in found.content.decode()


# A budget per client -------------------------------------------------------------------------


def test_a_client_asking_for_too_many_new_networks_gets_429_and_other_pages_still_open(
    client, large, settings
):
    settings.UNCACHED_WORK_PER_CLIENT = "3/minute"
    statuses = [
        client.get(reverse("network:network"), {"year_from": year}).status_code
        for year in range(2001, 2006)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    refused = client.get("/en/network/", {"year_from": 2010})
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "Too many new requests" in refused.content.decode()
    # Only the work allowed was queued, and nothing else is refused.
    assert len(queued()) == 3
    assert client.get(reverse("orgs:organization_list")).status_code == 200
    assert client.get(reverse("network:network"), {"year_from": 2001}).status_code == 200


def test_a_client_past_its_budget_is_refused_before_its_selection_is_counted(
    client, large, settings, django_assert_max_num_queries
):
    settings.UNCACHED_WORK_PER_CLIENT = "1/minute"
    assert client.get(reverse("network:network"), {"year_from": 2001}).status_code == 200
    # Only the data's version is read (by the page and by its analysis): the selection's
    # parties are not counted.
    with django_assert_max_num_queries(2):
        refused = client.get(reverse("network:network"), {"year_from": 2002})
    assert refused.status_code == 429


def test_a_small_network_is_left_to_the_worker_while_the_process_analyses_another(
    client, run_tasks, settings
):
    settings.UNCACHED_WORK_PER_CLIENT = "1/minute"  # spent once for it, by the task queued
    first, second = OrganizationFactory.create_batch(2)
    agreement = AgreementFactory(kind="mou", date="2024-05-01", date_precision="day")
    for organization in (first, second):
        AgreementPartyFactory(agreement=agreement, organization=organization)
    url = reverse("network:network")
    with analyses_slots_taken():
        response = client.get(url)
        graph = client.get(reverse("network:network_graph")).json()
    page = response.content.decode()
    assert "많은 네트워크를 분석하고 있어" in page  # "many networks are being analysed"
    assert "5000" not in page  # not said to be too large
    assert response["Cache-Control"] == "no-store"
    assert graph["preparing"] and not graph["too_large"]
    assert queued() == [("network.tasks.analyse_network", "READY")]

    run_tasks()

    assert client.get(url).context["summary"]["organizations"] == 2


@contextmanager
def analyses_slots_taken():
    """As when other requests of this process are analysing networks."""
    taken = 0
    while network_cache._analyses_in_requests.acquire(blocking=False):
        taken += 1
    try:
        yield
    finally:
        for _ in range(taken):
            network_cache._analyses_in_requests.release()
