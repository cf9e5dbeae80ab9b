"""Mention detection speed: 1,000 generated articles against 20,000 generated names and aliases.

Pure text, no database: it times ``news.mentions.MentionMatcher`` (one Aho-Corasick
automaton over every name) building once, then scanning every article. Single process, a few
seconds on one core; the machine is shared, so the run stays bounded::

    .venv/bin/python bench/mentions.py [--articles 1000] [--names 20000] [--seed 1]

Prints articles per second and the mentions found; the figure is kept in bench/README.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from news.mentions import ORGANIZATION, MentionMatcher, Target  # noqa: E402

SYLLABLES = (
    "가나다라마바사아자차카타파하국민대한서울경기부산대구인천광주전남북충청강원제주"
    "첨단의료생명과학기술산업진흥보건바이오"
)
ENDINGS = [
    "진흥원",
    "연구원",
    "의료원",
    "병원",
    "대학교",
    "재단",
    "협회",
    "조합",
    "공사",
    "제약",
    "센터",
]
PARTICLES = ["은", "는", "이", "가", "과", "와", "의", "에서", "으로", ""]
FILLER = (
    "바이오 클러스터 간 연계와 협력을 강화하고 "
    "기술사업화를 촉진하기 위한 협약을 체결했다고 밝혔다. "
    "이번 협약으로 공동 연구와 인력 교류, 연구시설 공동 활용이 추진될 예정이다. "
)


def generated_names(count: int, rng: random.Random) -> list[tuple[str, Target]]:
    """Korean institution names, and for every fourth one a Latin acronym alias."""
    names: list[tuple[str, Target]] = []
    seen: set[str] = set()
    pk = 0
    while len(names) < count:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 7)))
        name = stem + rng.choice(ENDINGS)
        if name in seen:
            continue
        seen.add(name)
        pk += 1
        target = Target(ORGANIZATION, pk)
        names.append((name, target))
        if pk % 4 == 0 and len(names) < count:
            acronym = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
            if acronym not in seen:
                seen.add(acronym)
                names.append((acronym, target))
    return names


def generated_articles(
    count: int, names: list[tuple[str, Target]], rng: random.Random
) -> list[str]:
    """About 1,500 characters each, naming 8 to 15 directory names with particles attached."""
    articles = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(8, 15)):
            name, _target = rng.choice(names)
            parts.append(f"{name}{rng.choice(PARTICLES)} {FILLER}")
        articles.append("".join(parts))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--names", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    names = generated_names(options.names, rng)
    articles = generated_articles(options.articles, names, rng)
    characters = sum(len(article) for article in articles)

    started = time.perf_counter()
    matcher = MentionMatcher(names)
    built = time.perf_counter() - started

    started = time.perf_counter()
    mentions = sum(len(matcher.find(article)) for article in articles)
    scanned = time.perf_counter() - started

    print(f"names and aliases: {len(names):,} ({len(matcher):,} with their spelling variants)")
    print(f"articles: {len(articles):,} ({characters / len(articles):,.0f} characters on average)")
    print(f"automaton built in {built:.2f} s")
    print(f"scanned in {scanned:.2f} s: {len(articles) / scanned:,.0f} articles/s")
    print(f"mentions found: {mentions:,} ({mentions / len(articles):.1f} per article)")

    # For scale: what a loop over every name per article would cost, on a sample.
    sample = articles[:20]
    started = time.perf_counter()
    for article in sample:
        for name, _target in names:
            article.find(name)
    looped = (time.perf_counter() - started) / len(sample)
    print(
        f"a loop over the names: {1 / looped:,.0f} articles/s "
        f"(the automaton is {looped / (scanned / len(articles)):.0f}x faster)"
    )


if __name__ == "__main__":
    main()
