"""The reader's quick scans of a sheet part give what the full ones give: the usual-sheet test never
passes a part the extent check would refuse, the literal formula search finds the same cells, and a
sheet's texts tested at once are left alone only when each alone would be."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qreport.budgets import MAX_CELL_CHARS, MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_TEXT_LINES
from qreport.workbook import xlsx
from qreport.workbook.xlsx import Sheet

REFS = ["A1", "B12", "Z9999", "AA1", "A10000", "a5", "A01234", "XFD1048576", "5", "", "Z0"]
SPACE = [" ", "  ", "\t", "\n"]
PREFIX = ["", "x:"]


@st.composite
def cells(draw: st.DrawFn) -> bytes:
    prefix, space, ref = (
        draw(st.sampled_from(PREFIX)),
        draw(st.sampled_from(SPACE)),
        draw(st.sampled_from(REFS)),
    )
    attrs = f'{space}r="{ref}"' if draw(st.booleans()) else draw(st.sampled_from(["", ' s="3"']))
    body = draw(
        st.sampled_from(["<v>1</v>", "<f>A1+1</f>", "<f>A1+1</f><v></v>", "<f/>", "", "<is><t>x</t></is>"])
    )
    if not body and draw(st.booleans()):
        return f"<{prefix}c{attrs}/>".encode()
    body = body.replace("<f", f"<{prefix}f").replace("</f", f"</{prefix}f").replace("<v", f"<{prefix}v")
    return f"<{prefix}c{attrs}>{body}</{prefix}c>".encode()


@st.composite
def sheet_parts(draw: st.DrawFn) -> bytes:
    rows = []
    for n in range(draw(st.integers(0, 4))):
        prefix, ref = (
            draw(st.sampled_from(PREFIX)),
            draw(st.sampled_from(["", f' r="{n + 1}"', ' r="12345"'])),
        )
        rows.append(
            f"<{prefix}row{ref}>".encode()
            + b"".join(draw(st.lists(cells(), max_size=4)))
            + f"</{prefix}row>".encode()
        )
    return b'<worksheet><cols><col min="1"/></cols><sheetData>' + b"".join(rows) + b"</sheetData></worksheet>"  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(sheet_parts())
def test_a_usual_sheet_part_is_within_every_sheet_budget(xml: bytes) -> None:
    if xlsx._usual(xml):
        rows, cols, count = xlsx._extent(xml)
        assert rows <= MAX_SHEET_ROWS and cols <= MAX_SHEET_COLUMNS and count <= MAX_SHEET_CELLS


def test_a_reference_after_other_whitespace_is_measured_in_full() -> None:
    """`<c\nr="XFD1048576">` is a far cell as much as `<c r="XFD1048576">` is."""
    for space in (b" ", b"\n", b"\t", b"  "):
        xml = b'<worksheet><sheetData><row%sr="1048576"><c%sr="XFD1048576"><v>1</v></c></row></sheetData></worksheet>' % (space, space)  # fmt: skip
        assert not xlsx._usual(xml)
        assert xlsx._extent(xml)[:2] == (1048576, 16384)


def test_the_usual_sheet_parts_pass_the_quick_test() -> None:
    xml = b'<worksheet><sheetData><row r="1"><c r="A1" s="2"><v>1</v></c><c r="Z9999" t="s"><v>0</v></c></row></sheetData></worksheet>'  # fmt: skip
    assert xlsx._usual(xml)
    for odd in (b'<c r="AA1">', b"<c>", b'<c  r="A1">', b'<x:c r="A1">', b"<row>", b'<c r="A10000">'):
        assert not xlsx._usual(xml.replace(b"</sheetData>", odd + b"</sheetData>"))


@settings(max_examples=400, deadline=None)
@given(sheet_parts())
def test_the_literal_formula_search_finds_the_cells_the_full_one_finds(xml: bytes) -> None:
    full = [m.span() for m in xlsx._UNCACHED.finditer(xml)] if xlsx._FORMULA.search(xml) else []
    assert [m.span() for m in xlsx._uncached(xml)] == full


texts = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.text(alphabet="ab\r\n\x00\x1b\ufffe中", max_size=30),
        st.sampled_from(
            ["x" * MAX_CELL_CHARS, "y" * (MAX_CELL_CHARS + 1), "\n" * MAX_TEXT_LINES, "\n" * 999]
        ),
    ),
    max_size=6,
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_texts_tested_at_once_are_plain_only_when_each_is(values: list[str]) -> None:
    sheet = Sheet("表")
    each = [xlsx._clean_text(sheet, 1, 1, v) for v in values] == values and not sheet.problems
    if xlsx._all_plain(values):
        assert each
    elif sum(v.count("\n") for v in values) + len(values) <= MAX_TEXT_LINES:
        assert not each  # the joined test is exact unless line breaks add up across texts
