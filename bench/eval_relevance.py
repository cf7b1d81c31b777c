"""Quality of the relevance ranking, measured honestly on the real archive.

    python bench/eval_relevance.py

For each subject, the library is every paper of the archive's first half whose Hugging
Face ai_keywords name the subject (its title and abstract only); the test is each day of
the second half: rank the day's papers, and see where that day's papers of the subject
land. Keywords are never read by the ranking (they define the answer). Reported per
subject: ROC AUC over all second-half papers, and precision at 10 averaged over the days
that have at least one paper of the subject; against a keyword-matching baseline that
scores 2 when the subject's phrase is in the title or abstract, 1 when all its words are.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from sklearn.metrics import roc_auc_score

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import run as bench_run  # noqa: E402

from digest.catalog.merge import Catalog  # noqa: E402
from digest.catalog.relevance import Ranker  # noqa: E402
from digest.catalog.topics import term_matches, words  # noqa: E402
from digest.ingest.digest_reader import catalog_of, read_everything  # noqa: E402
from digest.ingest.library import LibraryItem  # noqa: E402
from digest.model import Paper  # noqa: E402

SUBJECTS = (
    "video generation",
    "vision-language-action",
    "mixture-of-experts",
    "retrieval-augmented generation",
    "text-to-image",
    "world model",
)


def is_about(paper: Paper, subject: str) -> bool:
    return any(subject in keyword.lower() for keyword in paper.ai_keywords)


def keyword_score(paper: Paper, subject: str) -> int:
    text = f"{paper.title} {paper.abstract}"
    if term_matches(subject, text):
        return 2
    found = set(words(text))
    return 1 if all(word in found for word in words(subject)) else 0


def precision_at_10(scores: list[float], truth: list[bool]) -> float:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:10]
    return sum(truth[i] for i in order) / min(10, len(order))


def evaluate(catalog: Catalog, subject: str) -> dict[str, float]:
    days = sorted(catalog.days())
    middle = days[len(days) // 2]
    library = [
        LibraryItem(p.title, p.abstract, place=p.arxiv_id or p.key)
        for p in catalog.papers
        if p.first_day < middle and is_about(p, subject)
    ]
    ranker = Ranker(catalog, library, keywords=False)
    tested = [p for p in catalog.papers if p.first_day >= middle]
    truth = [is_about(p, subject) for p in tested]
    ours = [ranker.score(p) for p in tested]
    baseline = [float(keyword_score(p, subject)) for p in tested]
    p10_ours, p10_base = [], []
    for day in (d for d in days if d >= middle):
        papers = [p for p in catalog.on_day(day) if p.first_day == day]
        day_truth = [is_about(p, subject) for p in papers]
        if not any(day_truth):
            continue
        p10_ours.append(precision_at_10([ranker.score(p) for p in papers], day_truth))
        p10_base.append(precision_at_10([float(keyword_score(p, subject)) for p in papers], day_truth))
    return {
        "library": len(library),
        "positives": sum(truth),
        "tested": len(tested),
        "auc": roc_auc_score(truth, ours),
        "auc_baseline": roc_auc_score(truth, baseline),
        "p10": statistics.mean(p10_ours),
        "p10_baseline": statistics.mean(p10_base),
        "days": len(p10_ours),
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="digest-eval-"))
    root = bench_run.make_digest(work / "archive", bench_run.archive_days(work / "raw"))
    catalog = catalog_of(read_everything(root, None))
    print("| subject | library | tested (of them about it) | AUC | AUC keywords | P@10 | P@10 keywords |")
    print("|---|---|---|---|---|---|---|")
    aucs = []
    for subject in SUBJECTS:
        r = evaluate(catalog, subject)
        aucs.append(r["auc"])
        print(
            f"| {subject} | {r['library']} | {r['tested']:,} ({r['positives']}) | {r['auc']:.3f} | "
            f"{r['auc_baseline']:.3f} | {r['p10']:.2f} | {r['p10_baseline']:.2f} |"
        )
    print(f"\nmean AUC {statistics.mean(aucs):.3f}")


if __name__ == "__main__":
    main()
