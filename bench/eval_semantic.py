"""Would a sentence-embedding model help the ranking? Measured, not adopted.

    pip install wordllama && python bench/eval_semantic.py

wordllama (its weights ship in its wheel) embeds each paper's title and abstract; a
paper's semantic score for a library is computed as ours is (half the cosine to the
centroid, half the mean of the 5 nearest), and mixed with ours after both are z-scored,
at several shares. Same splits as bench/eval_relevance.py: (a) six one-subject libraries,
(b) one five-subject library. wordllama 0.4.0 looks for its tokenizer in the wrong folder
of its own package, so a cache folder with a copy is made for it (no download).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import eval_relevance as ev  # noqa: E402
import run as bench_run  # noqa: E402

from digest.catalog.merge import catalog_of  # noqa: E402
from digest.catalog.relevance import Ranker  # noqa: E402
from digest.ingest.digest_reader import read_everything  # noqa: E402

SHARES = (0.0, 0.3, 0.5, 1.0)


def zscore(values: object) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return (array - array.mean()) / (array.std() or 1.0)


def main() -> None:
    import wordllama
    from wordllama import WordLlama

    cache = Path(tempfile.mkdtemp(prefix="wordllama-"))
    shutil.copytree(Path(wordllama.__file__).parent / "tokenizers", cache / "tokenizers")
    model = WordLlama.load(cache_dir=cache, disable_download=True)
    work = Path(tempfile.mkdtemp(prefix="digest-semantic-"))
    root = bench_run.make_digest(work / "archive", bench_run.archive_days(work / "raw"))
    labelled = catalog_of(read_everything(root, None))
    catalog = ev.stripped(labelled)
    by_key = {p.key: p for p in labelled.papers}
    embedded = dict(
        zip(
            [p.key for p in catalog.papers],
            model.embed([f"{p.title}. {p.abstract}" for p in catalog.papers], norm=True),
            strict=True,
        )
    )

    def semantic(library_keys: list[str], tested: list) -> np.ndarray:
        library = np.stack([embedded[k] for k in library_keys])
        vectors = np.stack([embedded[p.key] for p in tested])
        similarities = vectors @ library.T
        centroid = library.mean(axis=0)
        centroid /= np.linalg.norm(centroid)
        nearest = np.sort(similarities, axis=1)[:, -5:].mean(axis=1)
        return 0.5 * (vectors @ centroid) + 0.5 * nearest

    ordered = sorted(catalog.papers, key=lambda p: (p.first_day, p.key))
    days = sorted(catalog.days())
    middle = days[len(days) // 2]
    single: dict[float, list[float]] = {share: [] for share in SHARES}
    for subject in ev.SUBJECTS:
        before = [by_key[p.key] for p in ordered if p.first_day < middle]
        ranker = Ranker(catalog, ev.library_of(before, subject), keywords=False)
        tested = [p for p in catalog.papers if p.first_day >= middle]
        truth = [ev.is_about(by_key[p.key], subject) for p in tested]
        ours = zscore([ranker.score(p) for p in tested])
        theirs = zscore(semantic([p.key for p in before if ev.is_about(p, subject)], tested))
        for share in SHARES:
            single[share].append(roc_auc_score(truth, (1 - share) * ours + share * theirs))
    print("| semantic share | (a) mean AUC | " + " | ".join(s for s, _ in ev.MIXED) + " |")
    before = [by_key[p.key] for p in ordered if p.first_day.year < ev.TEST_YEAR]
    library = [item for subject, size in ev.MIXED for item in ev.library_of(before, subject, size)]
    ranker = Ranker(catalog, library, keywords=False)
    tested = [p for p in ordered if p.first_day.year >= ev.TEST_YEAR]
    ours = zscore([ranker.score(p) for p in tested])
    per_interest = [
        zscore(semantic([p.key for p in before if ev.is_about(p, s)][-n:], tested))
        for s, n in ev.MIXED
    ]
    theirs = zscore(np.max(np.stack(per_interest), axis=0))
    for share in SHARES:
        mixed = (1 - share) * ours + share * theirs
        aucs = [
            roc_auc_score([ev.is_about(by_key[p.key], s) for p in tested], mixed)
            for s, _ in ev.MIXED
        ]
        print(
            f"| {share} | {statistics.mean(single[share]):.3f} | "
            + " | ".join(f"{a:.3f}" for a in aucs)
            + " |"
        )


if __name__ == "__main__":
    main()
