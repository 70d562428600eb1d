"""Validation: the catalog's rules applied to what a workbook holds, as findings."""
