"""qreport: compile the annual quality report of secondary vocational education (中职质量年报).

The library does what the command line does::

    import qreport

    checked = qreport.validate_files(["学校.xlsx"])      # qreport validate
    result = qreport.build("2024年报")                    # qreport build: read, check, aggregate
    if not result.has_errors:
        qreport.write_outputs(result, docx="报告.docx", dataset="报告.json")

Importing the package loads no part of the report stack (python-docx, Jinja2): `write_outputs`
imports it when it writes a report. The package's pydantic models are built on first use, so
`qreport validate` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

from qreport.catalog.config import Config, load_config
from qreport.catalog.indicators import Catalog, Indicator, available_years, load_catalog
from qreport.check.validate import FileResult, Validation, validate_files
from qreport.compile.build import BuildResult, build
from qreport.compile.dataset import read_dataset
from qreport.compile.rollup import build_from_datasets
from qreport.errors import QreportError
from qreport.findings import Finding
from qreport.model import Dataset, School, StoredDataset, YearValue
from qreport.outputs import Written, write_outputs

__all__ = [
    "BuildResult",
    "Catalog",
    "Config",
    "Dataset",
    "FileResult",
    "Finding",
    "Indicator",
    "QreportError",
    "School",
    "StoredDataset",
    "Validation",
    "Written",
    "YearValue",
    "__version__",
    "available_years",
    "build",
    "build_from_datasets",
    "load_catalog",
    "load_config",
    "read_dataset",
    "validate_files",
    "write_outputs",
]
