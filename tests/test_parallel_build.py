"""A build reads workbooks in a pool of worker processes, each deriving its school's rates, and the
parent merges: what it makes must not depend on that. The same folder built in one process and in
two workers gives the same dataset byte for byte, on schools with blanks, `-`, decimals typed as
text and rates some schools cannot make (city figures that leave schools out)."""

from __future__ import annotations

import gc
import random
import re
import shutil
from pathlib import Path

import pytest
from hostile_files import EXAMPLE, members, sheet_part, write_members

from qreport.catalog.indicators import load_catalog
from qreport.compile import build as compile_build
from qreport.compile.build import build
from qreport.compile.dataset import write_dataset
from qreport.workbook.reader import read_school

CATALOG = load_catalog(2024)
SCHOOLS = sorted(EXAMPLE.glob("*.xlsx"))
INFO = {"学校名称": "B4", "学校简称": "B5", "学校标识码": "B6"}  # cells of the example's 基本信息


def _put_texts(path: Path, edits: dict[tuple[str, str], str]) -> None:
    """Cells (sheet, ref) become inline strings, all in one rewrite of the file."""
    parts = members(path)
    for (sheet, ref), text in edits.items():
        part = sheet_part(parts, sheet)
        xml = parts[part]
        m = re.search(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', xml, re.S)
        assert m, (sheet, ref)
        attrs = re.sub(rb'\st="[^"]*"', b"", m.group(1))
        raw = text.encode().replace(b"&", b"&amp;").replace(b"<", b"&lt;")
        cell = b'<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), attrs, raw)
        parts[part] = xml[: m.start()] + cell + xml[m.end() :]
    write_members(path, parts)


def _city(folder: Path, copies: int, seed: int) -> None:
    """`copies` of each example school under its own name, each with a few values blanked, made `-`
    or typed as decimal text."""
    rnd = random.Random(seed)
    folder.mkdir()
    for picture in EXAMPLE.glob("*.jpg"):
        shutil.copy(picture, folder / picture.name)
    cells = {
        s: [ref for refs in read_school(s, CATALOG).cells.values() for ref in refs.values()] for s in SCHOOLS
    }
    for k in range(copies):
        for n, source in enumerate(SCHOOLS):
            path = Path(shutil.copy(source, folder / f"{k:02d}-{source.name}"))
            edits = {("基本信息", INFO["学校名称"]): f"第{k}批{source.stem}", ("基本信息", INFO["学校简称"]): f"校{k}-{n}",
                     ("基本信息", INFO["学校标识码"]): f"31{k:04d}{n:04d}"}  # fmt: skip
            for ref in rnd.sample(cells[source], 6):
                sheet, _, cell = ref.rpartition("!")
                edits[(sheet, cell)] = rnd.choice(["", "-", "12.5", "0", "3.75"])
            _put_texts(path, edits)


@pytest.mark.parametrize("seed", [1, 2])
def test_two_workers_build_what_one_process_builds(tmp_path: Path, seed: int) -> None:
    folder = tmp_path / "city"
    _city(folder, copies=4, seed=seed)
    assert len(list(folder.glob("*.xlsx"))) >= compile_build.PARALLEL_FROM  # the pool is used
    serial = build(folder, workers=1, draft=True)
    parallel = build(folder, workers=2, draft=True)
    write_dataset(serial.dataset, serial.catalog, tmp_path / "serial.json")
    write_dataset(parallel.dataset, parallel.catalog, tmp_path / "parallel.json")
    assert (tmp_path / "serial.json").read_bytes() == (tmp_path / "parallel.json").read_bytes()
    assert serial.findings == parallel.findings
    codes = {f.code for f in serial.findings}
    assert "partial_city_value" in codes  # some city figures leave schools out
    assert any(p.missing for prov in serial.dataset.provenance.values() for p in prov.values())


def _square(x: int) -> int:
    return x * x


def test_the_pool_freezes_the_parents_objects_only_while_it_runs() -> None:
    """Workers forked from a parent holding a city share its pages; the parent's objects are frozen
    for the pool's life (a worker's collections would otherwise copy every page they touch) and
    collected normally again afterwards, also when the results are not all taken."""
    assert gc.get_freeze_count() == 0
    results = compile_build.pool_map(_square, list(range(30)), 2)
    assert next(results) == 0 and gc.get_freeze_count() > 0
    assert list(results) == [x * x for x in range(1, 30)]
    assert gc.get_freeze_count() == 0
    stopped = compile_build.pool_map(_square, list(range(30)), 2)
    next(stopped)
    stopped.close()
    assert gc.get_freeze_count() == 0
