"""Every limit qreport puts on what an input may ask of it, in one place.

A hostile or careless file must not make qreport allocate, loop or wait without bound. Each budget
is checked before the work it guards (a sheet's size is read from its XML before any cell is
allocated) and going past it is a finding or a Chinese message naming the file, never a crash.
"""

from __future__ import annotations

# -- the zip of a workbook, screened before any XML is parsed ----------------------------------
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200  # real xlsx parts compress ~5-20x; bombs reach 1000x
RATIO_FLOOR = 1024 * 1024  # small members may compress well without being suspicious
MAX_MEMBERS = 5000

# -- a school workbook --------------------------------------------------------------------------
MAX_SHEET_ROWS = 10_000  # a school lists at most a few hundred majors or texts
MAX_SHEET_COLUMNS = 200  # the widest template sheet has 8 columns
MAX_SHEET_CELLS = 200_000  # cells written in one sheet's XML
MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of one cell
MAX_TEXT_LINES = 2_000  # lines in one text cell (文字材料, 典型案例 正文)
MAX_STYLES = 64_000  # cell formats in one workbook: Excel's own limit
MAX_REMARK_CHARS = 200  # a 备注 (award details) prints in one table cell; the reference's longest is 50

MAX_TYPED_NUMBER = 1e12  # no count or amount of one school comes near; 1e308 would overflow sums

# -- narrative templates (bureau's Markdown with Jinja placeholders) ---------------------------
MAX_NARRATIVE_SECONDS = 10.0  # rendering one narrative file
MAX_NARRATIVE_LOOPS = 1_000_000  # iterations of range() in one narrative file, nested loops counted
MAX_NARRATIVE_CHARS = 1_000_000  # text one narrative file may produce
MAX_NARRATIVE_NUMBER = 100_000  # the largest count a template may pass (range, repeat, width)

# -- pictures (named beside a workbook or pasted into it) ----------------------------------------
MAX_PICTURE_BYTES = 20 * 1024 * 1024
MAX_PICTURE_PIXELS = 60_000_000  # a 50-megapixel phone photo passes
