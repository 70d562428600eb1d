"""Column widths from content: names and numbers never break, headers wrap between words, a table is
split into column blocks (续表) only when it cannot fit the text width at the smallest size."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qreport.report import styles
from qreport.report.wordml import widths
from qreport.report.wordml.grid import (
    SMALLEST,
    Cell,
    Grid,
    column_blocks,
    fit_columns,
    least_widths,
    split_columns,
    table_xml,
)

TEXT_WIDTH = styles.TEXT_WIDTH.pt
NAMES = [
    "市一职",
    "市职校",
    "市艺校",
    "市体校",
    "前旗职中",
    "五原职高",
    "杭后职教",
    "中旗职中",
    "乌拉特前旗职中",
]


def test_headers_wrap_between_words_and_names_stay_whole() -> None:
    assert widths.wrap("2024学年新招班级", 5) == ["2024学年", "新招班级"]
    assert widths.wrap("专业设置时间", 4) == ["专业设置", "时间"]
    assert widths.wrap("乌拉特前旗职中", 3, whole=True) == ["乌拉特前旗职中"]  # a name stays whole
    assert widths.wrap("生均教学科研仪器设备值（元/生）", 9) == ["生均教学科研仪器", "设备值（元/生）"]
    assert widths.wrap("其中：专任教师总数（人）", 7) == ["其中：专任教师", "总数（人）"]
    need = widths.cell_need("2024学年新招班级", free=False, header=True)
    assert need.least == widths.text_em("2024学年") and need.full == widths.text_em("2024学年新招班级")
    assert widths.cell_need("72248.70", free=False, header=False).least == widths.text_em("72248.70")


def test_majors_header_is_laid_out_on_two_whole_lines() -> None:
    header = [
        Cell(t)
        for t in (
            "专业代码",
            "专业名称",
            "专业设置时间",
            "2023学年班级",
            "2024学年新招班级",
            "2024学年专业人数",
            "专业调整情况",
        )
    ]
    body = [
        [
            Cell("610101"),
            Cell("新能源汽车运用与维修"),
            Cell("2012年"),
            Cell("8"),
            Cell("2"),
            Cell("274"),
            Cell("未调"),
        ]
    ]
    xml = table_xml(Grid([header], body), size=10.5, style_id="TableText")
    assert "2024学年</w:t><w:br/>" in xml and ">新招班级</w:t>" in xml
    assert "新</w:t><w:br/>" not in xml


def test_a_small_wide_table_is_not_split() -> None:
    """2 data rows and 10 columns of short names and counts fit at a readable size."""
    header = [Cell("年份"), *(Cell(n, name=True) for n in NAMES), Cell("合计")]
    body = [
        [Cell(y), *(Cell(str(k * 37)) for k in range(len(NAMES))), Cell("432")] for y in ("2023年", "2024年")
    ]
    grid = Grid([header], body)
    assert split_columns(grid, lead=1) == [grid]
    column_widths, size = fit_columns(grid, 10.5)
    assert size >= SMALLEST
    for name, width in zip(NAMES, column_widths[1:], strict=False):
        assert width >= widths.text_em(name) * size  # no name broken


def test_a_table_too_wide_even_at_the_smallest_size_is_split_evenly_with_its_labels() -> None:
    schools = [f"学校{k:02d}" for k in range(30)]
    header = [Cell("指标"), *(Cell(n) for n in schools), Cell("全市")]
    body = [[Cell("生均教学科研仪器设备值（元/生）", align="left"), *(Cell("72248.70") for _ in range(31))]]
    grid = Grid([header], body, note="注：…")
    blocks = split_columns(grid, lead=1)
    assert len(blocks) > 1
    sizes = [len(b.header[0]) - 1 for b in blocks]
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == 31
    assert all(b.header[0][0] == Cell("指标") and b.font_size == SMALLEST for b in blocks)
    assert [b.note for b in blocks] == [""] * (len(blocks) - 1) + ["注：…"]
    assert blocks[-1].header[0][-1] == Cell("全市")
    for block in blocks:
        assert sum(least_widths(block)) * SMALLEST <= TEXT_WIDTH + 1e-6


def test_column_blocks_end_only_where_allowed() -> None:
    room = TEXT_WIDTH / SMALLEST
    blocks = column_blocks(0, [room / 3] * 6, cuts={2, 4})
    assert blocks == [range(0, 2), range(2, 4), range(4, 6)]
    assert column_blocks(10, [1.0] * 5) == [range(5)]


texts = st.text(
    alphabet=st.sampled_from(
        [*"市一职中旗前原高杭后教学校年新招班级专业人数", *"0123456789.%", "（", "）", "、"]
    ),
    min_size=0,
    max_size=14,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(texts, min_size=1, max_size=9), min_size=2, max_size=6).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    ),
    st.sampled_from([10.5, 12.0, 9.0]),
)
def test_widths_fill_the_text_width_and_never_break_what_fits(rows: list[list[str]], size: float) -> None:
    header, *body = rows
    grid = Grid([[Cell(t) for t in header]], [[Cell(t) for t in row] for row in body])
    column_widths, chosen = fit_columns(grid, size)
    assert abs(sum(column_widths) - TEXT_WIDTH) < 0.01
    assert chosen <= size and chosen >= SMALLEST
    least = least_widths(grid)
    if sum(least) * SMALLEST <= TEXT_WIDTH:  # it fits: no segment (name, number, year) is broken
        pad = widths.padding(chosen)
        for c, width in enumerate(column_widths):
            for row in rows:
                for line in widths.wrap(row[c], width / chosen - pad):
                    assert widths.text_em(line) <= width / chosen - pad + 1e-6 or len(line.split()) == 1


names = st.text(alphabet=st.sampled_from([*"市一职中旗前原高杭后教乌拉特磴口临河"]), min_size=2, max_size=7)
numbers = st.decimals(min_value=0, max_value=999999, places=2).map(str)


@settings(max_examples=100, deadline=None)
@given(st.lists(names, min_size=1, max_size=40), st.lists(numbers, min_size=1, max_size=3))
def test_school_names_are_whole_in_every_block(schools: list[str], values: list[str]) -> None:
    """Schools as columns: split only when they cannot fit, and then every block fits with every
    name on one line and no number broken."""
    header = [Cell("指标"), *(Cell(n, name=True) for n in schools)]
    body = [[Cell(f"指标{k}（个）", align="left"), *(Cell(v) for _ in schools)] for k, v in enumerate(values)]
    grid = Grid([header], body)
    blocks = split_columns(grid, lead=1)
    assert sum(len(b.header[0]) - 1 for b in blocks) == len(schools)
    if len(blocks) > 1:
        assert sum(least_widths(grid)) * SMALLEST > TEXT_WIDTH  # it really did not fit
    for block in blocks:
        column_widths, size = fit_columns(block, 10.5)
        pad = widths.padding(size)
        for c, cell in enumerate(block.header[0][1:], start=1):
            assert cell is not None
            room = column_widths[c] / size - pad
            assert widths.text_em(cell.text) <= room + 1e-6, (cell.text, room)
            assert all(widths.text_em(row[c].text) <= room + 1e-6 for row in block.body if row[c])
