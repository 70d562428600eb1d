"""qreport: compile the annual quality report of secondary vocational education (中职质量年报).

The library is usable without the command line::

    from qreport import load_catalog, validate_files, build
"""

from qreport.catalog import Catalog, Indicator, available_years, load_catalog
from qreport.errors import QreportError
from qreport.findings import Finding

__all__ = [
    "Catalog",
    "Finding",
    "Indicator",
    "QreportError",
    "available_years",
    "build",
    "load_catalog",
    "validate_files",
]
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: `validate` must not pull in the report stack
    if name == "validate_files":
        from qreport.validate import validate_files

        return validate_files
    if name == "build":
        from qreport.build import build

        return build
    raise AttributeError(name)
