"""The school workbook: its layout, safe opening, reading, writing the template, annotated copies."""
