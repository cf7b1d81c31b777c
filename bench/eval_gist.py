"""How often a card's fallback gist says what the paper does, on the archive's 2024 days.

    python bench/eval_gist.py

Papers of 2024 in the two-year Hugging Face archive, their AI summaries set aside (a
digest built from arXiv, OAI-PMH, bioRxiv or OpenReview has none): the gist is the
abstract's first sentence (before) or its first sentence that states the contribution,
else its first (after). A gist "states a contribution" when it has a subject of the
paper's own ("we", "this paper", "our method") and a verb of contribution ("propose",
"introduce", "present", ...): the judge is the same pattern the selection uses, so the
measure says how often one can be found, and the sample printed shows what is chosen.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import run as bench_run  # noqa: E402

from digest.catalog.merge import catalog_of  # noqa: E402
from digest.ingest.digest_reader import read_everything  # noqa: E402
from digest.site.gist import _CONTRIBUTION, contribution_sentence, first_sentence  # noqa: E402


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="digest-gist-"))
    root = bench_run.make_digest(work / "archive", bench_run.archive_days(work / "raw"))
    catalog = catalog_of(read_everything(root, None))
    papers = [p for p in catalog.papers if p.first_day.year == 2024 and p.abstract]
    before = [first_sentence(p.abstract) for p in papers]
    after = [contribution_sentence(p.abstract) for p in papers]
    share_before = sum(bool(_CONTRIBUTION.search(g)) for g in before) / len(papers)
    share_after = sum(bool(_CONTRIBUTION.search(g)) for g in after) / len(papers)
    changed = sum(b != a for b, a in zip(before, after, strict=True))
    print(f"{len(papers):,} papers of 2024: a gist that states the contribution")
    print(f"  first sentence (before): {share_before:.1%}")
    print(f"  contribution sentence (after): {share_after:.1%} ({changed:,} gists changed)")
    print(
        f"  mean length: before {sum(map(len, before)) / len(papers):.0f}, after {sum(map(len, after)) / len(papers):.0f} characters"
    )
    for index in random.Random(2024).sample(range(len(papers)), 5):
        print(f"\n- {papers[index].title}\n  before: {before[index]}\n  after:  {after[index]}")


if __name__ == "__main__":
    main()
