"""The interactive network in a real Chromium, on a desktop screen and a 390 px phone: it
replaces the drawing once its library loads, a search focuses an organization, selecting one
opens its page, the filters and the year range act on it, labels never overlap, the page
never scrolls sideways and the Content-Security-Policy refuses nothing.
Screenshots go to $TEST_ARTIFACTS (default: test-artifacts/)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

MINISTRY = "ministry-of-health-and-welfare"
SCREENS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
# Every Content-Security-Policy violation the page reports, as the browser reports it.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def seeded(transactional_db):
    """The seed data, committed so that the live server's thread sees it."""
    call_command("loaddata", "tests/data/seed.json", verbosity=0)


@pytest.fixture(params=list(SCREENS))
def screen(request):
    return request.param


@pytest.fixture
def page(browser, screen):
    # In Korean, the site's first language (organizations are searched by their Korean names).
    context = browser.new_context(locale="ko-KR", reduced_motion="reduce", **SCREENS[screen])
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: message.type in ("error", "warning") and page.problems.append(message.text),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "response",
        lambda response: response.status >= 400 and page.problems.append(response.url),
    )
    yield page
    context.close()


def screenshot(page, name):
    """The whole page, and the window scrolled to the interactive view."""
    folder = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.locator(".network-interactive").evaluate("(view) => view.scrollIntoView()")
    page.screenshot(path=str(folder / f"{name}-view.png"))


def open_interactive(page, url):
    page.goto(url)
    page.wait_for_selector("figure[data-network-state=ready]", timeout=15_000)
    return page.locator("figure[data-network-state=ready]")


def assert_clean(page):
    """No refused script or style, no error in the console, no failed request."""
    assert page.evaluate("window.__cspViolations") == []
    assert page.problems == []


def assert_no_sideways_scroll(page):
    """Nothing wider than the screen: a phone would otherwise widen its layout to fit it."""
    width = page.viewport_size["width"]
    assert page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]") == [
        width,
        width,
    ]


def graph(page, expression):
    """Evaluate ``expression`` with ``cy``, the interactive view's Cytoscape instance."""
    return page.evaluate(
        "() => { const cy = document.querySelector('figure[data-network-state=ready]')"
        f".networkExplorer.cy; return ({expression}); }}"
    )


def overlapping_labels(page):
    """Pairs of shown labels whose boxes, as Cytoscape draws them, overlap."""
    return graph(
        page,
        """(() => {
          const boxes = cy.nodes('.labelled').map((node) => [node.id(), node.boundingBox(
            {includeNodes: false, includeEdges: false, includeLabels: true})]);
          const pairs = [];
          boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
            if (p.x1 < q.x2 && q.x1 < p.x2 && p.y1 < q.y2 && q.y1 < p.y2) pairs.push([a, b]);
          }));
          return pairs;
        })()""",
    )


def share_labelled(page):
    """The share of the organizations in view whose label is shown."""
    return graph(
        page,
        """(() => {
          const inView = cy.nodes().filter((node) => {
            const at = node.renderedPosition();
            return at.x >= 0 && at.y >= 0 && at.x <= cy.width() && at.y <= cy.height();
          });
          return inView.filter('.labelled').length / inView.length;
        })()""",
    )


def node_on_screen(page, slug):
    """Where ``slug``'s circle is in the window, in CSS pixels, the drawing scrolled into view."""
    page.locator(".network-canvas").evaluate("(canvas) => canvas.scrollIntoView({block: 'center'})")
    box = page.locator(".network-canvas").bounding_box()
    at = graph(page, f"cy.$id('{slug}').renderedPosition()")
    return box["x"] + at["x"], box["y"] + at["y"]


def test_network_page_turns_into_an_interactive_view(seeded, live_server, page, screen):
    figure = open_interactive(page, f"{live_server.url}/network/")

    # Where the server drew them: the same picture as the static drawing.
    assert figure.get_attribute("data-network-layout") == "preset"
    canvas = page.locator(".network-canvas")
    assert canvas.is_visible()
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 280
    assert not figure.locator("svg.network-graph").is_visible()
    assert page.locator(".network-kinds button").count() >= 3
    assert len(re.findall(r"\d+", page.locator(".network-status").inner_text())) == 3
    labelled = share_labelled(page)
    assert 0 < labelled < 1
    assert graph(page, "cy.nodes('.labelled').length") >= 3
    assert overlapping_labels(page) == []
    # Zooming in makes room for more labels, still without overlaps.
    page.locator(".network-zoom-in").click()
    page.locator(".network-zoom-in").click()
    page.wait_for_timeout(100)
    assert overlapping_labels(page) == []
    assert share_labelled(page) > labelled
    page.locator(".network-zoom-fit").click()
    if screen == "desktop":
        # The wheel over the drawing zooms it with Ctrl held, and otherwise scrolls the page.
        zoom = graph(page, "cy.zoom()")
        x, y = node_on_screen(page, MINISTRY)
        page.mouse.move(x, y)
        page.wait_for_timeout(500)  # Cytoscape ignores the wheel while the page scrolls
        page.keyboard.down("Control")
        page.mouse.wheel(0, -120)
        page.keyboard.up("Control")
        assert graph(page, "cy.zoom()") > zoom
        zoom = graph(page, "cy.zoom()")
        scrolled = page.evaluate("window.scrollY")
        page.mouse.wheel(0, 120)
        page.wait_for_function(f"() => window.scrollY !== {scrolled}")
        assert graph(page, "cy.zoom()") == zoom
        page.locator(".network-zoom-fit").click()
    # The keyboard zooms and fits the drawing too.
    fitted = graph(page, "cy.zoom()")
    canvas.focus()
    page.keyboard.press("+")
    assert graph(page, "cy.zoom()") > fitted
    page.keyboard.press("0")
    assert graph(page, "cy.zoom()") == pytest.approx(fitted)
    assert_no_sideways_scroll(page)
    screenshot(page, f"network-interactive-{screen}")
    assert_clean(page)


def test_search_focuses_an_organization_and_lists_its_partners(seeded, live_server, page, screen):
    figure = open_interactive(page, f"{live_server.url}/network/")

    page.fill(".network-search-input", "보건복지")
    assert page.locator(".network-search-results button").first.inner_text() == "보건복지부"
    page.press(".network-search-input", "Enter")

    assert figure.get_attribute("data-focused") == MINISTRY
    details = page.locator(".network-details")
    assert details.is_visible()
    assert details.locator("a").inner_text() == "보건복지부"
    assert details.locator("a").get_attribute("href") == f"/organizations/{MINISTRY}/"
    assert details.locator(".network-partner").count() >= 3
    x, y = node_on_screen(page, MINISTRY)
    canvas = page.locator(".network-canvas").bounding_box()
    assert canvas["x"] < x < canvas["x"] + canvas["width"]
    assert canvas["y"] < y < canvas["y"] + canvas["height"]
    assert graph(page, f"cy.$id('{MINISTRY}').hasClass('labelled')")
    assert overlapping_labels(page) == []
    screenshot(page, f"network-interactive-search-{screen}")

    # A partner in the list is one keypress away.
    partner = details.locator(".network-partner").first
    name = partner.inner_text()
    partner.focus()
    page.keyboard.press("Enter")
    assert details.locator("a").inner_text() == name
    assert_clean(page)


def test_selecting_a_node_opens_its_page(seeded, live_server, page, screen):
    figure = open_interactive(page, f"{live_server.url}/network/")
    x, y = node_on_screen(page, MINISTRY)

    if screen == "phone":
        # On a touch screen the first tap shows the organization's partners, the second
        # opens its page.
        page.touchscreen.tap(x, y)
        assert figure.get_attribute("data-focused") == MINISTRY
        assert page.url == f"{live_server.url}/network/"
        page.touchscreen.tap(x, y)
    else:
        # Pointing at it highlights its partners and fades everyone else.
        page.mouse.move(x, y)
        page.wait_for_timeout(100)
        assert graph(
            page, f"cy.$id('{MINISTRY}').closedNeighborhood().every((e) => !e.hasClass('faded'))"
        )
        assert graph(page, "cy.nodes('.faded').length") > 0
        page.mouse.click(x, y)

    page.wait_for_url(f"**/organizations/{MINISTRY}/", timeout=10_000)
    assert_clean(page)


def test_kinds_clusters_and_years_filter_the_view(seeded, live_server, page, screen):
    figure = open_interactive(page, f"{live_server.url}/network/")
    visible = "cy.nodes().filter((node) => !node.hasClass('filtered')).length"
    everyone = graph(page, visible)

    kind = page.locator(".network-kind").first
    kind.click()
    assert kind.get_attribute("aria-pressed") == "false"
    assert graph(page, visible) < everyone
    kind.click()
    assert graph(page, visible) == everyone

    page.select_option(".network-cluster-select", "seoul-bio-hub")
    assert graph(page, visible) < everyone
    assert graph(
        page,
        "cy.nodes().filter((n) => !n.hasClass('filtered'))"
        ".every((n) => n.data('clusters').includes('seoul-bio-hub'))",
    )
    page.select_option(".network-cluster-select", "")

    # The range's end at its first year: only the earliest links and their organizations.
    page.locator(".network-year-to").focus()
    page.keyboard.press("Home")
    earliest = graph(page, visible)
    assert 0 < earliest < everyone
    first_year = int(page.locator(".network-year-to").get_attribute("min"))
    assert page.locator(".network-year-output").inner_text() == str(first_year)
    screenshot(page, f"network-interactive-earliest-{screen}")

    # The replay starts from the first year and adds a year at a time.
    page.locator(".network-play").click()
    assert page.locator(".network-play").get_attribute("aria-pressed") == "true"
    page.wait_for_function(
        f"() => Number(document.querySelector('.network-year-to').value) > {first_year}",
        timeout=5_000,
    )
    page.locator(".network-play").click()
    assert page.locator(".network-play").get_attribute("aria-pressed") == "false"
    page.locator(".network-year-to").focus()
    page.keyboard.press("End")
    assert graph(page, visible) == everyone
    assert figure.get_attribute("data-network-state") == "ready"
    assert_no_sideways_scroll(page)
    assert_clean(page)


def test_the_static_drawing_is_one_click_away_and_printed(seeded, live_server, page):
    figure = open_interactive(page, f"{live_server.url}/network/")

    page.get_by_role("button", name="정적 그림 보기").or_(
        page.get_by_role("button", name="Show the static drawing")
    ).click()

    assert figure.locator("svg.network-graph").is_visible()
    assert not page.locator(".network-canvas").is_visible()
    page.locator(".network-switch").click()
    assert page.locator(".network-canvas").is_visible()
    assert not figure.locator("svg.network-graph").is_visible()
    # Printed, the page shows the static drawing.
    page.emulate_media(media="print")
    assert figure.locator("svg.network-graph").is_visible()
    assert not page.locator(".network-canvas").is_visible()
    assert_clean(page)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/network/organizations/khidi/?steps=2", "ego"),
        ("/organizations/khidi/", "organization"),
        ("/clusters/seoul-bio-hub/", "cluster"),
    ],
)
def test_organization_and_cluster_pages_explore_their_networks(
    seeded, live_server, page, screen, path, name
):
    figure = open_interactive(page, f"{live_server.url}{path}")
    figure.scroll_into_view_if_needed()

    assert page.locator(".network-canvas").is_visible()
    if name != "cluster":
        assert graph(page, "cy.$('node.ego').id()") == "khidi"
        assert graph(page, "cy.$id('khidi').hasClass('labelled')")
    assert overlapping_labels(page) == []
    assert_no_sideways_scroll(page)
    screenshot(page, f"network-interactive-{name}-{screen}")
    assert_clean(page)


def test_without_the_server_drawing_fcose_lays_the_network_out(seeded, live_server, page):
    def without_drawing(route):
        response = route.fetch()
        html = re.sub(r'<svg [^>]*class="network-graph".*?</svg>', "", response.text(), flags=re.S)
        route.fulfill(response=response, body=html)

    page.route(f"{live_server.url}/network/", without_drawing)
    open_interactive(page, f"{live_server.url}/network/")

    assert page.locator("figure[data-network-layout=fcose]").count() == 1

    positions = graph(page, "cy.nodes().map((node) => node.position())")
    assert len({(round(p["x"]), round(p["y"])) for p in positions}) == len(positions)
    assert overlapping_labels(page) == []
    assert_clean(page)


def test_without_the_library_the_drawing_stays(seeded, live_server, browser):
    context = browser.new_context(locale="ko-KR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.route("**/vendor/cytoscape/**", lambda route: route.abort())
    try:
        page.goto(f"{live_server.url}/network/")
        page.wait_for_load_state("load")

        assert page.locator("svg.network-graph").is_visible()
        assert page.locator(".network-canvas").count() == 0
    finally:
        context.close()
