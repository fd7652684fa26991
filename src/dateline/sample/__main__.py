"""``python -m dateline.sample OUT_DIR --stories N --seed S``: write a demo corpus."""

from __future__ import annotations

import argparse
import json
import sys
import time

from dateline.sample import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dateline.sample",
        description="Write a fictional KBS-style transcript corpus (deterministic per seed).")
    parser.add_argument("out_dir", help="folder to write into (created if missing)")
    parser.add_argument("--stories", type=int, default=1000, help="stories to plant (1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--korean-share", type=float, default=0.1,
                        help="share of Korean-language stories (0.1)")
    parser.add_argument("--pages-per-file", type=int, default=1,
                        help="1 writes one .txt per page; more writes JSON Lines files (1)")
    parser.add_argument("--revisions", type=float, default=0.0,
                        help="share of pages also written revised under OUT_DIR/revised/ (0)")
    parser.add_argument("--duplicates", type=float, default=0.0,
                        help="share of pages also written again under another name (0)")
    parser.add_argument("--truth", metavar="FILE", default=None,
                        help="write the planted truth as JSON Lines to FILE (outside OUT_DIR)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        corpus = generate(args.out_dir, args.stories, args.seed,
                          korean_share=args.korean_share, pages_per_file=args.pages_per_file,
                          revisions=args.revisions, duplicates=args.duplicates,
                          truth_path=args.truth, keep_truth=False)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        summary = corpus.to_dict()
        summary["seconds"] = round(time.perf_counter() - started, 2)
        print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
