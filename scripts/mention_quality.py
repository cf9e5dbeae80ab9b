"""Measure the mention detector on the five seed articles against the curated fixtures.

For each seed page in ``tests/data/seeds`` (or the folder given), the script extracts the
main text as ``import_news`` does, finds the organizations it names with the directory's names
and aliases from ``tests/data/seed.json``, and compares them with the organizations a curator
judged the main text to name (``tests/data/seed_mentions.json``, keyed by news item title).
It prints recall and precision per article and overall, clusters alongside::

    .venv/bin/python scripts/mention_quality.py [SEED_FOLDER]

The goals are recall >= 95% and precision >= 90% over all five articles; the exit status is 1
when either is missed. ``tests/news/test_mentions.py`` asserts the same thresholds.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from news.mentions import CLUSTER, ORGANIZATION, MentionMatcher, Target  # noqa: E402
from news.text import decode, parse_article  # noqa: E402

SEEDS = ROOT / "tests" / "data" / "seeds"
FIXTURE = ROOT / "tests" / "data" / "seed.json"
EXPECTED = ROOT / "tests" / "data" / "seed_mentions.json"
RECALL_GOAL = 0.95
PRECISION_GOAL = 0.90


@dataclass
class Score:
    title: str
    expected: set[str]
    found: set[str]

    @property
    def true_positives(self) -> int:
        return len(self.expected & self.found)

    @property
    def recall(self) -> float:
        return self.true_positives / len(self.expected) if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.true_positives / len(self.found) if self.found else 1.0


def fixture_names(fixture: Path = FIXTURE) -> tuple[list[tuple[str, Target]], dict[Target, str]]:
    """The names the directory matches on, as ``news.services.directory_names`` reads
    them from the database, here read from the fixture file; and each target's Korean name."""
    names: list[tuple[str, Target]] = []
    labels: dict[Target, str] = {}
    kinds = {"orgs.organization": ORGANIZATION, "clusters.cluster": CLUSTER}
    for row in json.loads(fixture.read_text(encoding="utf-8")):
        fields = row["fields"]
        if row["model"] in kinds:
            target = Target(kinds[row["model"]], row["pk"])
            labels[target] = fields["name_ko"]
            names.extend((fields[key], target) for key in ("name_ko", "name_en") if fields[key])
        elif row["model"] == "orgs.organizationname":
            names.append((fields["name"], Target(ORGANIZATION, fields["organization"])))
    return names, labels


def score(
    articles: dict[str, str],
    names: list[tuple[str, Target]],
    labels: dict[Target, str],
    kind: str = ORGANIZATION,
) -> list[Score]:
    """Per article (title → main text), the expected and the detected names of ``kind``."""
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    key = "organizations" if kind == ORGANIZATION else "clusters"
    matcher = MentionMatcher(names)
    scores = []
    for title, body in articles.items():
        found = {labels[m.target] for m in matcher.find(body) if m.target.kind == kind}
        scores.append(Score(title, set(expected[title][key]), found))
    return scores


def overall(scores: list[Score]) -> tuple[float, float]:
    expected = sum(len(s.expected) for s in scores)
    found = sum(len(s.found) for s in scores)
    hits = sum(s.true_positives for s in scores)
    return (hits / expected if expected else 1.0, hits / found if found else 1.0)


def seed_articles(folder: Path = SEEDS) -> dict[str, str]:
    articles = {}
    for path in sorted(folder.glob("*.txt")):
        article = parse_article(decode(path.read_bytes()))
        articles[article.title] = article.body
    return articles


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else SEEDS
    articles = seed_articles(folder)
    names, labels = fixture_names()
    status = 0
    for kind in (ORGANIZATION, CLUSTER):
        scores = score(articles, names, labels, kind)
        print(f"\n{kind}s")
        for item in scores:
            print(
                f"  recall {item.recall:6.1%}  precision {item.precision:6.1%}  "
                f"({item.true_positives}/{len(item.expected)} expected, {len(item.found)} found)"
                f"  {item.title}"
            )
            for name in sorted(item.expected - item.found):
                print(f"      missed: {name}")
            for name in sorted(item.found - item.expected):
                print(f"      wrong:  {name}")
        recall, precision = overall(scores)
        print(f"  overall: recall {recall:.1%}, precision {precision:.1%}")
        if kind == ORGANIZATION and (recall < RECALL_GOAL or precision < PRECISION_GOAL):
            print(f"  below the goals (recall {RECALL_GOAL:.0%}, precision {PRECISION_GOAL:.0%})")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
