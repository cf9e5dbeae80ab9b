"""Tests for the server-side SVG map (clusters/maps.py). Pure functions: no database."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from clusters.maps import korea_map_svg, korea_projection, load_outline, render_korea_map

SVG_NS = "{http://www.w3.org/2000/svg}"

SAMPLE_CLUSTERS = [
    ("오송첨단의료복합단지", 36.6310, 127.3290),
    ("대구경북첨단의료복합단지", 35.8800, 128.7370),
    ("마곡산업단지", 37.5610, 126.8290),
    ("서울바이오허브", 37.5900, 127.0450),
    ("송도 바이오클러스터", 37.3830, 126.6560),
    ("대덕연구개발특구", 36.3750, 127.3630),
    ("광교테크노밸리", 37.2890, 127.0450),
    ("원주 의료기기 클러스터", 37.3000, 127.9200),
    ("상암DMC", 37.5780, 126.8900),
    ("G밸리", 37.4810, 126.8820),
]


def sample_points():
    return [
        {"name": name, "latitude": lat, "longitude": lon, "url": f"/clusters/c{i}/"}
        for i, (name, lat, lon) in enumerate(SAMPLE_CLUSTERS)
    ]


def parse(svg):
    return ET.fromstring(str(svg))


def test_outline_data_records_its_public_domain_source():
    outline = load_outline()
    assert "Natural Earth" in outline["source"]["data"]
    assert "public domain" in outline["source"]["licence"]
    assert [c["id"] for c in outline["countries"]][0] == "410"


def test_projection_puts_seoul_north_west_of_busan():
    projection = korea_projection()
    seoul_x, seoul_y = projection.project(126.978, 37.5665)
    busan_x, busan_y = projection.project(129.0756, 35.1796)
    assert seoul_x < busan_x  # west: smaller x
    assert seoul_y < busan_y  # north: smaller y (SVG y grows downwards)


def test_projection_fits_viewbox_and_keeps_aspect():
    projection = korea_projection(width=600)
    assert projection.project(projection.west, projection.north) == (0, 0)
    x, y = projection.project(projection.east, projection.south)
    assert round(x, 6) == 600
    assert round(y, 6) == round(projection.height, 6)
    # cos(mid-latitude) correction: a degree of longitude is shorter than one of latitude.
    assert 0.75 < (x / (projection.east - projection.west)) / (y / 5.9) < 0.85


def test_svg_parses_and_has_one_link_per_point():
    root = parse(korea_map_svg(sample_points()))
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "group"  # its points are links
    title = root.find(f"{SVG_NS}title")
    assert title is not None and title.get("id") in root.get("aria-labelledby")
    assert root.find(f"{SVG_NS}desc") is not None
    links = root.findall(f".//{SVG_NS}a")
    assert len(links) == len(SAMPLE_CLUSTERS)
    for link, (name, _, _) in zip(links, SAMPLE_CLUSTERS, strict=True):
        assert link.find(f"{SVG_NS}circle").get("class") == "map-point"
        assert link.find(f"{SVG_NS}text").text == name
        assert link.find(f"{SVG_NS}title").text == name
    assert root.find(f".//{SVG_NS}path[@class='map-land']") is not None
    assert root.find(f".//{SVG_NS}path[@class='map-neighbour']") is not None


def test_link_and_label_are_present_and_escaped():
    points = [
        {
            "name": "<script>alert(1)</script>",
            "label": 'A & "B"',
            "latitude": 36.5,
            "longitude": 127.5,
            "url": "/clusters/x/?a=1&b=2",
        }
    ]
    svg = str(korea_map_svg(points, link_label="{name} 보기"))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'href="/clusters/x/?a=1&amp;b=2"' in svg
    assert "A &amp; &quot;B&quot;" in svg
    link = parse(svg).find(f".//{SVG_NS}a")
    assert link.get("href") == "/clusters/x/?a=1&b=2"
    assert link.find(f"{SVG_NS}text").text == 'A & "B"'
    assert link.find(f"{SVG_NS}title").text == "<script>alert(1)</script> 보기"


def test_script_urls_are_not_linked():
    points = [{"name": "x", "latitude": 36.5, "longitude": 127.5, "url": "javascript:alert(1)"}]
    assert "javascript:" not in str(korea_map_svg(points))


def test_output_is_deterministic():
    first = korea_map_svg(sample_points(), title="지도")
    second = korea_map_svg(sample_points(), title="지도")
    assert first == second
    assert isinstance(first, str) and hasattr(first, "__html__")


def test_points_outside_the_box_or_without_coordinates_are_skipped():
    tokyo = {"name": "Tokyo", "latitude": 35.68, "longitude": 139.69, "url": "/t/"}
    beijing = {"name": "Beijing", "latitude": 39.9, "longitude": 116.4, "url": "/b/"}
    unknown = {"name": "Unknown", "latitude": None, "longitude": None, "url": "/u/"}
    points = [*sample_points(), tokyo, beijing, unknown]
    result = render_korea_map(points)
    assert result.skipped == [tokyo, beijing, unknown]
    assert len(result.shown) == len(SAMPLE_CLUSTERS)
    root = parse(result.svg)
    assert len(root.findall(f".//{SVG_NS}a")) == len(SAMPLE_CLUSTERS)
    assert "Tokyo" not in str(result.svg)


def test_accepts_objects_with_attributes_and_decimal_coordinates():
    class Cluster:
        name = "오송"
        latitude = Decimal("36.63100")
        longitude = Decimal("127.32900")

        def url(self):
            return "/clusters/osong/"

    root = parse(korea_map_svg([Cluster()]))
    assert root.find(f".//{SVG_NS}a").get("href") == "/clusters/osong/"


def test_crowded_labels_do_not_overlap():
    root = parse(korea_map_svg(sample_points()))
    labels = root.findall(f".//{SVG_NS}text")
    rows = {}
    for label in labels:
        key = (label.get("x"), label.get("text-anchor"))
        rows.setdefault(key, []).append(float(label.get("y")))
    # Labels sharing a column are at least one line apart.
    for ys in rows.values():
        ys.sort()
        assert all(b - a >= 13 for a, b in zip(ys, ys[1:], strict=False))
    # The Seoul-area clusters are crowded, so at least some get leader lines.
    assert root.findall(f".//{SVG_NS}line")
