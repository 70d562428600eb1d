"""qreport: compile the annual quality report of secondary vocational education (中职质量年报).

The library is usable without the command line::

    from qreport import load_catalog, validate_files, build

Names are imported on first use: `import qreport.cli.app` must not build pydantic models before the CLI
has set up the process, and `validate` must not pull in the report stack.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Catalog": "qreport.catalog.indicators",
    "Indicator": "qreport.catalog.indicators",
    "available_years": "qreport.catalog.indicators",
    "load_catalog": "qreport.catalog.indicators",
    "QreportError": "qreport.errors",
    "Finding": "qreport.findings",
    "validate_files": "qreport.check.validate",
    "build": "qreport.compile.build",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qreport' has no attribute {name!r}")
    return getattr(import_module(module), name)
