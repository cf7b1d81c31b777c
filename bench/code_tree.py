"""What the in-process benches take: ``DIGEST [--code TREE]``, the digest to work on and
the checkout of paper-digest whose code measures it (this one, or e.g. a ``git worktree``
of an earlier commit), made sure of before anything is measured."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def digest_and_code(description: str) -> tuple[Path, Path]:
    """The digest folder and the code tree, the tree's package importable as ``digest``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("digest", type=Path)
    parser.add_argument("--code", type=Path, default=REPO, help="another paper-digest checkout")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    import digest

    if Path(digest.__file__).resolve().parent != (args.code / "digest").resolve():
        sys.exit(f"the digest package came from {digest.__file__}, not from {args.code}")
    return args.digest, args.code
