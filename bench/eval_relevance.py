"""Quality of the relevance ranking, measured honestly on the real archive.

    python bench/eval_relevance.py

Hugging Face's ai_keywords make the labels (a paper is about a subject when one of its
keywords names it); they and ai_summary are removed from the papers before anything is
ranked. (a) One subject a library: every paper of the archive's first half about it; the
test is the second half: ROC AUC over all its papers, and precision at 10 averaged over
the days that have a paper of the subject. (b) One library of five subjects of different
sizes, from before 2026, tested on 2026: each subject's AUC. (c) The Recommended section
of each day of 2026 with a one-subject library: the share of shown slots on the subject,
and the share of days without any paper on it that show none. Every AUC beside a
baseline of ten lines of scikit-learn: the mean of the three best TF-IDF cosines.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import run as bench_run  # noqa: E402

from digest.catalog.merge import Catalog, catalog_of  # noqa: E402
from digest.catalog.related import RelatedPapers  # noqa: E402
from digest.catalog.relevance import Ranker  # noqa: E402
from digest.catalog.terms import TermCounts  # noqa: E402
from digest.ingest.digest_reader import read_everything  # noqa: E402
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


def precision_at_10(scores: list[float], truth: list[bool]) -> float:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:10]
    return sum(truth[i] for i in order) / min(10, len(order))


def stripped(catalog: Catalog) -> Catalog:
    """The catalog without what defines the answers: Hugging Face's ai_keywords (the
    labels) and ai_summary (written from the same text by a model that saw them)."""
    return Catalog(
        tuple(replace(p, ai_keywords=(), ai_summary=None) for p in catalog.papers), catalog.topics
    )


def knn_baseline(library: list[LibraryItem], tested: list[Paper], k: int = 3) -> list[float]:
    """Ten lines of scikit-learn: the mean of the k best TF-IDF cosines to the library."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2)
    matrix = vectorizer.fit_transform(
        [f"{i.title} {i.abstract}" for i in library] + [f"{p.title} {p.abstract}" for p in tested]
    )
    similarities = (matrix[len(library) :] @ matrix[: len(library)].T).toarray()
    nearest = min(k, len(library))
    return np.sort(similarities, axis=1)[:, -nearest:].mean(axis=1).tolist()


def library_of(papers: list[Paper], subject: str, size: int | None = None) -> list[LibraryItem]:
    """The subject's papers as a library file of its own (the newest ``size`` of them)."""
    about = [p for p in papers if is_about(p, subject)]
    about = about[-size:] if size else about
    name = subject.replace(" ", "-")
    return [
        LibraryItem(p.title, p.abstract, place=f"{name}.bib: {p.arxiv_id or p.key}") for p in about
    ]


def evaluate(labelled: Catalog, catalog: Catalog, subject: str) -> dict[str, float]:
    """(a) A library of one subject: every paper of the archive's first half about it."""
    days = sorted(catalog.days())
    middle = days[len(days) // 2]
    labelled_by_key = {p.key: p for p in labelled.papers}
    before = [
        labelled_by_key[p.key]
        for p in sorted(catalog.papers, key=lambda p: (p.first_day, p.key))
        if p.first_day < middle
    ]
    library = library_of(before, subject)
    ranker = Ranker(catalog, library, keywords=False)
    tested = [p for p in catalog.papers if p.first_day >= middle]
    truth = [is_about(labelled_by_key[p.key], subject) for p in tested]
    ours = [ranker.score(p) for p in tested]
    baseline = knn_baseline(library, tested)
    base_by_key = {p.key: b for p, b in zip(tested, baseline, strict=True)}
    p10_ours, p10_base = [], []
    for day in (d for d in days if d >= middle):
        papers = [p for p in catalog.on_day(day) if p.first_day == day]
        day_truth = [is_about(labelled_by_key[p.key], subject) for p in papers]
        if not any(day_truth):
            continue
        p10_ours.append(precision_at_10([ranker.score(p) for p in papers], day_truth))
        p10_base.append(precision_at_10([base_by_key[p.key] for p in papers], day_truth))
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


MIXED = (
    ("speculative decoding", 10),
    ("gaussian splatting", 40),
    ("mixture-of-experts", 55),
    ("direct preference optimization", 49),
    ("video generation", 60),
)
TEST_YEAR = 2026


def evaluate_mixed(labelled: Catalog, catalog: Catalog) -> list[dict[str, object]]:
    """(b) One library of five subjects of different sizes (before 2026), scored over
    the papers of 2026: each subject's AUC, ours and the kNN baseline's."""
    labelled_by_key = {p.key: p for p in labelled.papers}
    ordered = sorted(catalog.papers, key=lambda p: (p.first_day, p.key))
    before = [labelled_by_key[p.key] for p in ordered if p.first_day.year < TEST_YEAR]
    library = [item for subject, size in MIXED for item in library_of(before, subject, size)]
    ranker = Ranker(catalog, library, keywords=False)
    tested = [p for p in ordered if p.first_day.year >= TEST_YEAR]
    ours = [ranker.score(p) for p in tested]
    baseline = knn_baseline(library, tested)
    rows = []
    for subject, size in MIXED:
        truth = [is_about(labelled_by_key[p.key], subject) for p in tested]
        top = sorted(range(len(tested)), key=lambda i: (-ours[i], i))[:100]
        rows.append(
            {
                "subject": subject,
                "library": size,
                "positives": sum(truth),
                "auc": roc_auc_score(truth, ours),
                "auc_baseline": roc_auc_score(truth, baseline),
                "top100": sum(truth[i] for i in top),
            }
        )
    return rows


def evaluate_recommended(
    labelled: Catalog, catalog: Catalog, subject: str, shown: int = 5
) -> dict[str, float]:
    """The Recommended section of each day of 2026 with a library of one subject (before
    2026): the share of shown slots on the subject, and of the days with no paper on it,
    the share that show none."""
    labelled_by_key = {p.key: p for p in labelled.papers}
    ordered = sorted(catalog.papers, key=lambda p: (p.first_day, p.key))
    before = [labelled_by_key[p.key] for p in ordered if p.first_day.year < TEST_YEAR]
    ranker = Ranker(catalog, library_of(before, subject), keywords=False, recommend=shown)
    slots = on_subject = quiet_days = quiet_and_empty = 0
    for day, chosen in ranker.recommended.items():
        if day.year < TEST_YEAR:
            continue
        slots += len(chosen)
        on_subject += sum(is_about(labelled_by_key[p.key], subject) for p, _ in chosen)
        new = [p for p in catalog.on_day(day) if p.first_day == day]
        if not any(is_about(labelled_by_key[p.key], subject) for p in new):
            quiet_days += 1
            quiet_and_empty += not chosen
    return {
        "slots": slots,
        "on_subject": on_subject / slots if slots else 1.0,
        "quiet_days": quiet_days,
        "quiet_shown_none": quiet_and_empty / quiet_days if quiet_days else 1.0,
    }


def evaluate_related(labelled: Catalog, catalog: Catalog) -> dict[str, float]:
    """(d) Related papers, after the archive's first 30 days: the share of papers that
    get one, and of the related pairs, the share that have a Hugging Face keyword in
    common (keywords removed from the inputs, as for the ranking)."""
    keywords = {p.key: {k.lower() for k in p.ai_keywords} for p in labelled.papers}
    related = RelatedPapers(TermCounts(), catalog.papers, 3).related
    days = sorted({p.first_day for p in catalog.papers})
    cutoff = days[min(30, len(days) - 1)]
    tested = [p for p in catalog.papers if p.first_day >= cutoff and keywords[p.key]]
    pairs = [(p.key, other) for p in tested for other in related.get(p.key, ())]
    sharing = sum(1 for one, other in pairs if keywords[one] & keywords.get(other, set()))
    return {
        "papers": len(tested),
        "covered": sum(1 for p in tested if related.get(p.key)) / len(tested),
        "pairs": len(pairs),
        "precision": sharing / len(pairs) if pairs else 0.0,
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="digest-eval-"))
    root = bench_run.make_digest(work / "archive", bench_run.archive_days(work / "raw"))
    labelled = catalog_of(read_everything(root, None))
    catalog = stripped(labelled)
    print("(a) one subject a library (first half of the archive), tested on the second half\n")
    print(
        "| subject | library | tested (of them about it) | AUC | AUC kNN baseline | P@10 | P@10 kNN baseline |"
    )
    print("|---|---|---|---|---|---|---|")
    aucs = []
    for subject in SUBJECTS:
        r = evaluate(labelled, catalog, subject)
        aucs.append(r["auc"])
        print(
            f"| {subject} | {r['library']} | {r['tested']:,} ({r['positives']}) | {r['auc']:.3f} | "
            f"{r['auc_baseline']:.3f} | {r['p10']:.2f} | {r['p10_baseline']:.2f} |"
        )
    print(f"\nmean AUC {statistics.mean(aucs):.3f}\n")
    print(f"(b) one library of {len(MIXED)} subjects (before {TEST_YEAR}), tested on {TEST_YEAR}\n")
    print(
        "| subject | library papers | about it in the test | AUC | AUC kNN baseline | in our top 100 |"
    )
    print("|---|---|---|---|---|---|")
    for row in evaluate_mixed(labelled, catalog):
        print(
            f"| {row['subject']} | {row['library']} | {row['positives']} | {row['auc']:.3f} | "
            f"{row['auc_baseline']:.3f} | {row['top100']} |"
        )
    print(f"\n(c) Recommended for the group, each day of {TEST_YEAR}, one subject a library\n")
    print(
        "| subject | slots shown | on subject | days with none on subject | of them showing none |"
    )
    print("|---|---|---|---|---|")
    shares, quiet = [], []
    for subject in SUBJECTS:
        r = evaluate_recommended(labelled, catalog, subject)
        shares.append(r["on_subject"])
        quiet.append(r["quiet_shown_none"])
        print(
            f"| {subject} | {r['slots']} | {r['on_subject']:.0%} | {r['quiet_days']} | "
            f"{r['quiet_shown_none']:.0%} |"
        )
    print(
        f"\nmean on subject {statistics.mean(shares):.0%}; quiet days showing none {statistics.mean(quiet):.0%}"
    )
    r = evaluate_related(labelled, catalog)
    print(
        f"\n(d) related papers after the first 30 days: {r['covered']:.1%} of {r['papers']:,} "
        f"papers have some; {r['precision']:.1%} of {r['pairs']:,} pairs share a keyword"
    )


if __name__ == "__main__":
    main()
