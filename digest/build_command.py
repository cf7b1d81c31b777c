"""``digest build``: answered from the record of the last build when nothing changed,
before the build's modules are even loaded (they are 0.7 CPU s of imports)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from digest.build_report import BuildFailed, check_problems, print_problems, print_report
from digest.incremental import up_to_date
from digest.paths import WORK_DIR
from digest.progress import Progress


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    first = not (Path(args.dir) / WORK_DIR).exists()  # no build has run here yet
    show = args.verbose or (not args.quiet and sys.stderr.isatty())
    progress = Progress(show=show)
    fresh = getattr(args, "fresh", False)
    checked = None
    if not fresh:
        checked = up_to_date.check_as_stage(progress, args.dir, args.date)
        if checked.report is not None and checked.site_dir is not None:
            try:
                check_problems(checked.report.as_problems, args.strict)  # as the build did
            except BuildFailed as failure:
                return _failed(failure, args.quiet)
            print_problems(checked.report.as_problems, args.quiet)
            if not args.quiet:
                seconds = time.perf_counter() - started
                print_report(checked.report, seconds, checked.site_dir, up_to_date=True)
            return 0

    from digest.build import build

    try:
        result = build(
            args.dir,
            strict=args.strict,
            fallback_date=args.date,
            progress=progress,
            fresh=fresh,
            checked=checked,
        )
    except BuildFailed as failure:
        return _failed(failure, args.quiet)
    print_problems(result.report.as_problems, args.quiet)
    if not args.quiet:
        print_report(result.report, result.seconds, result.site_dir, up_to_date=result.up_to_date)
        if first:
            print("next: digest serve, then open http://localhost:8000/ to read it")
    return 0


def _failed(failure: BuildFailed, quiet: bool) -> int:
    print_problems(failure.problems, quiet)
    print(f"digest: build failed: {failure}", file=sys.stderr)
    return 1
