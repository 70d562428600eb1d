"""`qreport build DIR --dataset OUT.json` without the Word report step.

Used by bench.py to time the build without the report: the library calls the command line makes
(qreport.build, refuse on errors, qreport.write_outputs), asking for the dataset only.
Usage: python dataset_only.py DIR OUT.json [--workers N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import qreport


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    result = qreport.build(args.folder, workers=args.workers)
    if result.has_errors:
        print(f"{sum(f.is_error for f in result.findings)} validation errors", file=sys.stderr)
        return 1
    qreport.write_outputs(result, dataset=args.dataset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
