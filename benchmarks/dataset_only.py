"""`qreport build DIR --dataset OUT.json` without the Word report step.

Fallback used by bench.py while the report package is unfinished: the same library calls as
qreport.cli.pipeline.run_build/write_outputs (build, refuse on errors, write the dataset), minus
write_report. Usage: python dataset_only.py DIR OUT.json [--workers N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qreport.compile.build import build
from qreport.compile.dataset import write_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    result = build(args.folder, exclude=[args.dataset], workers=args.workers)
    if result.has_errors:
        print(f"{sum(f.is_error for f in result.findings)} validation errors", file=sys.stderr)
        return 1
    write_dataset(result.dataset, result.catalog, args.dataset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
