"""Build ``clusters/data/korea_outline.json``, the land outline behind the cluster map.

The map in ``clusters/maps.py`` is drawn on the server and must work offline, so the outline
is a small data file committed to the repo. This script is the one-time (re-runnable) step that
makes it; the site never runs it.

Source: Natural Earth "Admin 0 - Countries" (public domain), as re-packaged in TopoJSON by the
``world-atlas`` npm package (version 2.x; the packaging code is ISC-licensed, the data stays
public domain).

How to run it (needs ``npm`` on the PATH and access to the npm registry, nothing else)::

    .venv/bin/python scripts/build_korea_outline.py

What it does:

1. runs ``npm pack world-atlas@2`` in a temporary directory (this only downloads the package
   tarball: no ``npm install``, no node_modules, no npm runtime dependency for the project);
2. extracts the tarball there with :mod:`tarfile` and reads ``package/countries-10m.json``;
3. decodes the TopoJSON arcs in pure Python (the arcs are quantized and delta-encoded; the
   ``transform`` turns them back into longitude/latitude);
4. simplifies every arc once with Douglas-Peucker, so borders shared by two countries (the
   DMZ line) stay identical on both sides and no slivers open between them;
5. stitches arcs into rings, keeps South Korea (ISO 3166-1 numeric "410") plus the
   neighbouring land drawn as grey context (North Korea "408", Japan "392", China "156"),
   clips every ring to the map's bounding box and drops land that falls outside it;
6. writes compact JSON: rings as ``[lon, lat]`` pairs rounded to 4 decimals.

``--topojson PATH`` skips steps 1-2 and reads an already extracted ``countries-*.json``, e.g.
when the npm registry can't be reached but a copy of the file is at hand.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "clusters" / "data" / "korea_outline.json"

PACKAGE_SPEC = "world-atlas@2"
# The 10m file is the only one whose scale keeps Ulleungdo, Dokdo and the small islands of the
# south-west coast; the 50m one drops most of them.
DEFAULT_RESOLUTION = "10m"

# (west, south, east, north) in degrees. South to 33.0 keeps Jeju and Marado's neighbour
# islets, east to 132.0 keeps Dokdo (131.87E), north to 38.9 shows the DMZ with a strip of
# North Korea above it, west to 124.5 keeps Baengnyeongdo (124.7E).
BBOX = (124.5, 33.0, 132.0, 38.9)

MAIN_COUNTRY_ID = "410"  # South Korea
NEIGHBOUR_IDS = ("408", "392", "156")  # North Korea, Japan, China (grey context)

# Douglas-Peucker tolerance in degrees of latitude (longitudes are scaled by cos(mid-latitude)
# first, so the tolerance is the same distance in both directions). 0.004 deg is about 450 m,
# well under one pixel on a 600 px wide map (about 100 px per degree), and ~3x finer than
# needed for a 1200 px rendering.
SIMPLIFY_TOLERANCE = 0.004

# Neighbour islands smaller than this (in square degrees, about 2 km^2) are noise on a map of
# this scale; South Korea keeps every island, Dokdo included.
MIN_NEIGHBOUR_RING_AREA = 0.0002

DECIMALS = 4


# --------------------------------------------------------------------------- fetching


def fetch_topojson(resolution: str, workdir: Path) -> tuple[dict, str]:
    """Download the world-atlas tarball with ``npm pack`` and return (topology, version)."""
    result = subprocess.run(
        ["npm", "pack", PACKAGE_SPEC, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    # npm prints the tarball's file name as the last line of stdout.
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    package_dir = workdir / "package"
    version = json.loads((package_dir / "package.json").read_text())["version"]
    topology = json.loads((package_dir / f"countries-{resolution}.json").read_text())
    return topology, version


# --------------------------------------------------------------------------- TopoJSON


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Turn quantized, delta-encoded TopoJSON arcs into lists of (lon, lat)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:  # an unquantized topology stores absolute positions
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (scale_x, scale_y), (translate_x, translate_y) = (
            transform["scale"],
            transform["translate"],
        )
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def stitch_ring(arc_indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list:
    """Join a ring's arcs; a negative index ``~i`` means arc ``i`` walked backwards."""
    ring: list[tuple[float, float]] = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point; keep it once.
        ring.extend(points if not ring else points[1:])
    return ring


def geometry_polygons(geometry: dict) -> list[list[list[int]]]:
    """The arc indexes of a Polygon or MultiPolygon as a list of polygons (lists of rings)."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


# --------------------------------------------------------------------------- geometry


def simplify(points: list[tuple[float, float]], tolerance: float, x_scale: float) -> list:
    """Douglas-Peucker simplification that keeps both end points.

    ``x_scale`` (cos of the mid-latitude) makes a degree of longitude count for what it
    measures on the ground, as it will on the map. A closed arc (an island drawn in one piece)
    is split at its point farthest from the start so both halves have distinct ends.
    """
    if len(points) < 3:
        return list(points)
    if points[0] == points[-1]:
        start = points[0]
        far = max(
            range(1, len(points) - 1),
            key=lambda i: math.hypot((points[i][0] - start[0]) * x_scale, points[i][1] - start[1]),
        )
        first = simplify(points[: far + 1], tolerance, x_scale)
        second = simplify(points[far:], tolerance, x_scale)
        return first + second[1:]

    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        ax, ay = points[first][0] * x_scale, points[first][1]
        bx, by = points[last][0] * x_scale, points[last][1]
        seg_x, seg_y = bx - ax, by - ay
        seg_len = math.hypot(seg_x, seg_y)
        max_dist, max_index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i][0] * x_scale, points[i][1]
            if seg_len == 0:
                dist = math.hypot(px - ax, py - ay)
            else:
                dist = abs(seg_x * (ay - py) - seg_y * (ax - px)) / seg_len
            if dist > max_dist:
                max_dist, max_index = dist, i
        if max_dist > tolerance:
            keep[max_index] = True
            stack.append((first, max_index))
            stack.append((max_index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def clip_ring(ring: list[tuple[float, float]], bbox: tuple[float, ...]) -> list:
    """Sutherland-Hodgman clipping of a closed ring against an axis-aligned box.

    A concave ring can come out with zero-width "bridges" along the box edge; they have no
    area, and the map draws clipped neighbours without a stroke, so they never show.
    """
    west, south, east, north = bbox
    # Each edge: (inside test, intersection of segment a-b with that edge).
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, intersect in edges:
        if not points:
            break
        output = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    output.append(intersect(previous, current))
                output.append(current)
            elif inside(previous):
                output.append(intersect(previous, current))
            previous = current
        points = output
    if points:
        points.append(points[0])
    return points


def _at_x(a: tuple[float, float], b: tuple[float, float], x: float) -> tuple[float, float]:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: tuple[float, float], b: tuple[float, float], y: float) -> tuple[float, float]:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def ring_area(ring: list[tuple[float, float]]) -> float:
    """Unsigned shoelace area in square degrees (good enough to rank islands by size)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def rounded_ring(ring: list[tuple[float, float]]) -> list[list[float]]:
    """Round to ``DECIMALS`` and drop points that become duplicates of their predecessor."""
    out: list[list[float]] = []
    for lon, lat in ring:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or point != out[-1]:
            out.append(point)
    return out


# --------------------------------------------------------------------------- building


def build_outline(topology: dict, *, version: str, resolution: str) -> dict:
    """The JSON document written to ``korea_outline.json``."""
    x_scale = math.cos(math.radians((BBOX[1] + BBOX[3]) / 2))
    raw_arcs = decode_arcs(topology)
    simple_arcs = [simplify(arc, SIMPLIFY_TOLERANCE, x_scale) for arc in raw_arcs]
    geometries = {
        str(geometry.get("id")): geometry
        for geometry in topology["objects"]["countries"]["geometries"]
    }

    countries = []
    for country_id in (MAIN_COUNTRY_ID, *NEIGHBOUR_IDS):
        geometry = geometries[country_id]
        is_main = country_id == MAIN_COUNTRY_ID
        polygons = []
        for polygon in geometry_polygons(geometry):
            rings = []
            for ring_index, ring_arcs in enumerate(polygon):
                ring = stitch_ring(ring_arcs, simple_arcs)
                if len(set(ring)) < 3:
                    # A tiny island can collapse under simplification; it is small enough
                    # to keep at full detail.
                    ring = stitch_ring(ring_arcs, raw_arcs)
                ring = rounded_ring(clip_ring(ring, BBOX))
                dropped = len(ring) < 4 or (  # outside the box, or clipped down to a line
                    not is_main and ring_area(ring) < MIN_NEIGHBOUR_RING_AREA
                )
                if dropped and ring_index == 0:
                    break  # holes mean nothing without their outer ring
                if not dropped:
                    rings.append(ring)
            if rings:
                polygons.append(rings)
        if not polygons:
            continue
        countries.append(
            {
                "id": country_id,
                "name": geometry.get("properties", {}).get("name", ""),
                "role": "main" if is_main else "neighbour",
                "polygons": polygons,
            }
        )

    return {
        "source": {
            "data": f"Natural Earth, Admin 0 - Countries, 1:{resolution}",
            "natural_earth_version": "4.1.0 (as packaged by world-atlas 2.x)",
            "package": f"world-atlas@{version} (npm), file countries-{resolution}.json",
            "licence": (
                "Natural Earth data is in the public domain "
                "(https://www.naturalearthdata.com/about/terms-of-use/); "
                "the world-atlas packaging is ISC-licensed, Copyright 2013-2019 Michael Bostock."
            ),
            "built_by": "scripts/build_korea_outline.py",
            "processing": (
                f"Douglas-Peucker {SIMPLIFY_TOLERANCE} deg on shared arcs, "
                f"clipped to bbox, {DECIMALS} decimals"
            ),
        },
        "bbox": list(BBOX),
        "countries": countries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--resolution", choices=("10m", "50m"), default=DEFAULT_RESOLUTION)
    parser.add_argument(
        "--topojson",
        type=Path,
        help="read this countries-*.json instead of running npm pack",
    )
    parser.add_argument(
        "--package-version",
        default="2.x (local file)",
        help="version recorded in the output when --topojson is used",
    )
    args = parser.parse_args(argv)

    if args.topojson:
        topology = json.loads(args.topojson.read_text())
        version = args.package_version
        resolution = args.resolution
    else:
        with tempfile.TemporaryDirectory(prefix="world-atlas-") as tmp:
            topology, version = fetch_topojson(args.resolution, Path(tmp))
        resolution = args.resolution

    outline = build_outline(topology, version=version, resolution=resolution)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    # One country per line: compact, yet a re-build shows up in a diff per country.
    header = {key: value for key, value in outline.items() if key != "countries"}
    lines = [json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "countries": [']
    lines.append(
        ",\n".join(
            json.dumps(country, ensure_ascii=False, separators=(",", ":"))
            for country in outline["countries"]
        )
    )
    lines.append("]}")
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")

    points = sum(
        len(ring)
        for country in outline["countries"]
        for poly in country["polygons"]
        for ring in poly
    )
    print(
        f"wrote {args.output} ({args.output.stat().st_size / 1024:.1f} KiB, "
        f"{len(outline['countries'])} countries, {points} points)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
