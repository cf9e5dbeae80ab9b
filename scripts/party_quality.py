"""Measure the party proposals on the five seed articles against the curated agreements.

For each news item in ``tests/data/seed.json`` the script finds the organizations its main text
names (with the directory's names and aliases from the same fixture, as
``scripts/mention_quality.py`` does: no database), runs ``news.parties.propose_parties``, and
compares the organizations proposed as parties with the parties of the agreements citing that
news item. It prints, per article and in total, precision and recall at organization level,
how many proposed roles equal one of the organization's curated roles in those agreements,
and the misses and false proposals with the sentence each was judged from::

    .venv/bin/python scripts/party_quality.py

The goals are precision >= 90% and recall >= 95% in total; the exit status is 1 when either
is missed. ``tests/news/test_parties.py`` asserts the same thresholds on the seed database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from mention_quality import FIXTURE, fixture_names  # noqa: E402

from news.mentions import ORGANIZATION, MentionMatcher  # noqa: E402
from news.parties import MentionLike, PartyProposal, propose_parties  # noqa: E402

PRECISION_GOAL = 0.90
RECALL_GOAL = 0.95


@dataclass
class ArticleScore:
    """One article's proposed parties against its curated ones, by organization pk."""

    title: str
    expected: dict[int, set[str]]  # organization pk → its roles in the citing agreements
    proposals: dict[int, PartyProposal]  # organization pk → its proposal, parties and not

    @property
    def proposed(self) -> set[int]:
        return {pk for pk, proposal in self.proposals.items() if proposal.is_party}

    @property
    def true_positives(self) -> int:
        return len(self.proposed & set(self.expected))

    @property
    def precision(self) -> float:
        return self.true_positives / len(self.proposed) if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / len(self.expected) if self.expected else 1.0

    @property
    def matching_roles(self) -> int:
        """Proposed parties whose role is one of the organization's curated roles."""
        return sum(
            1
            for pk in self.proposed & set(self.expected)
            if self.proposals[pk].role in self.expected[pk]
        )


def score_article(
    title: str, body: str, mentions: Iterable[MentionLike], expected: dict[int, set[str]]
) -> ArticleScore:
    proposals = {proposal.pk: proposal for proposal in propose_parties(body, mentions)}
    return ArticleScore(title, expected, proposals)


def overall(scores: list[ArticleScore]) -> tuple[float, float]:
    """Precision and recall over all articles, counting organization–article pairs."""
    hits = sum(score.true_positives for score in scores)
    proposed = sum(len(score.proposed) for score in scores)
    expected = sum(len(score.expected) for score in scores)
    return (hits / proposed if proposed else 1.0, hits / expected if expected else 1.0)


def fixture_scores(fixture: Path = FIXTURE) -> tuple[list[ArticleScore], dict[int, str]]:
    """Each seed news item scored, read from the fixture file; and each organization's name."""
    rows = json.loads(fixture.read_text(encoding="utf-8"))
    names, labels = fixture_names(fixture)
    matcher = MentionMatcher(names)
    sources = {
        row["pk"]: row["fields"]["sources"]
        for row in rows
        if row["model"] == "agreements.agreement"
    }
    expected: dict[int, dict[int, set[str]]] = {}
    for row in rows:
        if row["model"] == "agreements.agreementparty":
            fields = row["fields"]
            for news_pk in sources[fields["agreement"]]:
                roles = expected.setdefault(news_pk, {}).setdefault(fields["organization"], set())
                roles.add(fields["role"])
    scores = [
        score_article(
            row["fields"]["title"],
            row["fields"]["body"],
            matcher.find(row["fields"]["body"]),
            expected.get(row["pk"], {}),
        )
        for row in rows
        if row["model"] == "news.newsitem"
    ]
    names_by_pk = {
        target.pk: name for target, name in labels.items() if target.kind == ORGANIZATION
    }
    return scores, names_by_pk


def report(scores: list[ArticleScore], names: dict[int, str]) -> list[str]:
    """The printed lines: per article, then the total."""
    lines = []
    for score in scores:
        lines.append(
            f"precision {score.precision:.2f} recall {score.recall:.2f}  "
            f"roles {score.matching_roles}/{score.true_positives}  "
            f"({score.true_positives} of {len(score.proposed)} proposed, "
            f"{len(score.expected)} curated)  {score.title}"
        )
        for pk in sorted(set(score.expected) - score.proposed):
            proposal = score.proposals.get(pk)
            why = f"{proposal.reason}: {proposal.sentence}" if proposal else "not mentioned"
            lines.append(
                f"    missed: {names[pk]} ({'/'.join(sorted(score.expected[pk]))}) — {why}"
            )
        for pk in sorted(score.proposed - set(score.expected)):
            proposal = score.proposals[pk]
            lines.append(
                f"    false:  {names[pk]} as {proposal.role} ({proposal.reason}) — "
                f"{proposal.sentence}"
            )
        for pk in sorted(score.proposed & set(score.expected)):
            proposal = score.proposals[pk]
            if proposal.role not in score.expected[pk]:
                lines.append(
                    f"    role:   {names[pk]} proposed {proposal.role}, curated "
                    f"{'/'.join(sorted(score.expected[pk]))}"
                )
    precision, recall = overall(scores)
    hits = sum(score.true_positives for score in scores)
    roles = sum(score.matching_roles for score in scores)
    proposed = sum(len(score.proposed) for score in scores)
    expected = sum(len(score.expected) for score in scores)
    lines.append(
        f"total: precision {precision:.2f} recall {recall:.2f}  "
        f"({hits} of {proposed} proposed, {expected} curated)"
    )
    lines.append(f"total: roles equal to a curated role {roles}/{hits}")
    return lines


def main() -> int:
    scores, names = fixture_scores()
    print("\n".join(report(scores, names)))
    precision, recall = overall(scores)
    if precision < PRECISION_GOAL or recall < RECALL_GOAL:
        print(f"below the goals (precision {PRECISION_GOAL:.0%}, recall {RECALL_GOAL:.0%})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
