"""The Word report (python-docx and Jinja2 live here only, so `qreport validate` never loads them).

from qreport.report import write_report
result = write_report(dataset, config, catalog, Path("report.docx"))
"""

from qreport.report.document import ReportResult, write_report

__all__ = ["ReportResult", "write_report"]
