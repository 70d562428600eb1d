"""The Word report, front to back: front matter, seven chapters, appendix tables, draft findings.

`write_report` is the only entry point. Layout decisions live in the modules it calls: styles (type
and page), frontmatter, tables/appendix (grids), narrative/prose (text), cases, figures (charts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from qreport.atomic import write_atomic
from qreport.catalog.config import Config
from qreport.catalog.indicators import Catalog
from qreport.catalog.outline import Outline, Section, load_outline
from qreport.catalog.regions import SCHOOL, counted, members
from qreport.catalog.resources import template_path
from qreport.mark import REPORT, mark_document
from qreport.model import Dataset, TextBlock
from qreport.report import appendix, frontmatter, styles
from qreport.report.captions import Numbering
from qreport.report.cases import SchoolCase, write_cases
from qreport.report.chapter_tables import free_grid, indicator_grid, majors_grid
from qreport.report.figures import chart_title, write_chart
from qreport.report.narrative import PREFACE, Narrative, build_context
from qreport.report.photos import write_photo
from qreport.report.prose import FreeTable, parse, write_blocks, write_placeholder, write_school_text
from qreport.report.spec import ChartSpec, ReportSpec, TableSpec, fill, load_spec
from qreport.report.wordml import grid, ooxml, stream

TABLE_AIR_TWIPS = 120  # 6 pt after a table


@dataclass
class ReportResult:
    path: Path
    placeholders: list[str] = field(default_factory=list)  # what got a 【待补充：…】
    details: list[str] = field(default_factory=list)  # of which cover, statement and team details
    tables: list[str] = field(default_factory=list)  # chapter table captions, 表1-5 ...
    figures: list[str] = field(default_factory=list)  # 图1-1 ...
    cases: list[str] = field(default_factory=list)  # 案例1-1 ...
    appendix: list[str] = field(default_factory=list)  # 表1 人才培养质量计分卡 ...
    warnings: list[str] = field(default_factory=list)  # things the bureau may want to fix


def write_report(
    dataset: Dataset,
    config: Config,
    catalog: Catalog,
    out: Path,
    *,
    outline: Outline | None = None,
    spec: ReportSpec | None = None,
) -> ReportResult:
    """Write the report for `dataset` to `out` (whole or not at all) and say what it contains."""
    if outline is None:
        outline = load_outline(config.resolve(config.report.outline) if config.report.outline else None)
    if spec is None:
        spec = load_spec(config.resolve(config.report.tables) if config.report.tables else None)
    spec.check(catalog, config.report.tables or "report.toml")
    writer = _Writer(dataset, config, catalog, outline, spec)
    document = writer.build()
    mark_document(document, REPORT)
    out = Path(out)
    write_atomic(out, lambda tmp: writer.streamed.save(document, tmp))
    n = writer.numbering
    return ReportResult(
        path=out,
        placeholders=writer.placeholders,
        details=writer.details,
        tables=n.tables,
        figures=n.figures,
        cases=n.cases,
        appendix=writer.appendix_captions,
        warnings=writer.warnings,
    )


def heading_text(section: Section) -> str:
    """`1. 人才培养` for a chapter, `1.1 立德树人` below it."""
    if section.level == 1:
        return f"{section.number}. {section.title}"
    return f"{section.number} {section.title}"


class _Writer:
    def __init__(
        self, dataset: Dataset, config: Config, catalog: Catalog, outline: Outline, spec: ReportSpec
    ):
        self.dataset = dataset
        self.config = config
        self.catalog = catalog
        self.outline = outline
        self.spec = spec
        self.typo = styles.Typography(config.report.fonts, config.report.sizes)
        self.doc = styles.styled_document(self.typo)
        self.numbering = Numbering()
        self.placeholders: list[str] = []
        self.details: list[str] = []
        self.warnings: list[str] = []
        self.appendix_captions: list[str] = []
        self.streamed = stream.Streamed()
        self.labels = {
            s.name: s.short_name or config.short_name_of(s.name) or s.label for s in dataset.schools
        }
        self.years = {"previous": f"{catalog.previous_year}年", "current": f"{catalog.year}年"}
        self.region = config.region.name or dataset.region.name
        self.region_short = config.region.short or self.region
        self.region_code = config.region.code or dataset.region.code
        self.own = spec.level == "school"  # one school's own report
        if self.own:
            bureau, shipped = (
                config.resolve(config.school_report.narrative),
                template_path("school", "narrative"),
            )
        else:
            bureau, shipped = config.resolve(config.report.narrative), template_path("narrative")
        self.bureau_narrative = bureau
        context = build_context(dataset, config, catalog, self.labels)
        if self.own:
            context["school"] = context["city"]  # {{ school.graduates }}: the school's own figures
        self.narrative = Narrative([bureau, shipped], context)

    # -- names for {year} {previous} {region} in captions ----------------------------------------

    def names(self, **extra: object) -> dict[str, object]:
        return {
            "year": self.catalog.year,
            "previous": self.catalog.previous_year,
            "years": f"{self.catalog.previous_year}年、{self.catalog.year}年",
            "region": self.region_short,
            "whole": self.dataset.region.whole,
            "member": self.dataset.region.member,
            "members": members(self.dataset.region.member),
            **extra,
        }

    @property
    def title(self) -> str:
        return f"{self.region}{self.config.report.title}（{self.catalog.year}）"

    # -- the whole document --------------------------------------------------------------------

    def build(self) -> Document:
        styles.cache_style_ids(self.doc, self.typo)  # made by styled_document: the styles no longer change
        anchors = self._front_matter()
        body = self.doc.add_section(WD_SECTION.NEW_PAGE)
        self._running_header_and_footer(body)
        self._chapters()
        self._appendix()
        if self.dataset.draft:
            self._findings()
        frontmatter.fill_list(anchors[0], frontmatter.CONTENTS_FIELD, self.numbering.contents)
        for anchor, instruction, captions in zip(
            anchors[1:],
            (frontmatter.TABLES_FIELD, frontmatter.FIGURES_FIELD, frontmatter.CASES_FIELD),
            (self.numbering.tables, self.numbering.figures, self.numbering.cases),
            strict=True,
        ):
            frontmatter.fill_list(anchor, instruction, [(1, c) for c in captions])
        self._check_unused()
        return self.doc

    def _front_matter(self) -> list:  # type: ignore[type-arg]
        doc, report = self.doc, self.config.report
        if self.dataset.draft:
            self._draft_header(self.doc.sections[0])
        info = frontmatter.Cover(
            self.region, report.title, self.catalog.year, report.compiler, report.date, self.dataset.draft
        )
        frontmatter.cover(doc, info, self.placeholders)
        subject = "本校" if self.own else self.region_short
        frontmatter.statement(doc, self.config, subject, self.catalog.year, self.placeholders, own=self.own)
        frontmatter.team(doc, self.config, self.region if self.own else self.region_short, self.placeholders)
        self.details = list(self.placeholders)  # cover, statement and team: the build warns of these
        frontmatter.preface(doc, self.narrative.render(PREFACE), self.placeholders)
        return [frontmatter.list_page(doc, title) for title in ("目\u3000录", "表目录", "图目录", "案例目录")]

    def _draft_header(self, section) -> None:  # type: ignore[no-untyped-def]
        paragraph = section.header.paragraphs[0]
        paragraph.style = styles.HEADER
        paragraph.add_run("草稿").bold = True

    def _running_header_and_footer(self, section) -> None:  # type: ignore[no-untyped-def]
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        header.style = styles.HEADER
        header.text = self.title + ("（草稿）" if self.dataset.draft else "")
        ooxml.bottom_border(header._p.get_or_add_pPr())
        footer = section.footer.paragraphs[0]
        footer.style = styles.FOOTER
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("— ")
        ooxml.add_field(footer, "PAGE", "1")
        footer.add_run(" —")
        ooxml.restart_page_numbers(section._sectPr, 1)

    # -- chapters ------------------------------------------------------------------------------

    def _placements(self) -> tuple[dict[str, list[TableSpec]], dict[str, list[ChartSpec]]]:
        """Where each table and chart goes: its report.toml section, unless the outline names it."""
        tables: dict[str, list[TableSpec]] = defaultdict(list)
        charts: dict[str, list[ChartSpec]] = defaultdict(list)
        by_id: dict[str, TableSpec | ChartSpec] = {t.id: t for t in self.spec.tables} | {
            c.id: c for c in self.spec.charts
        }
        placed: dict[str, str] = {}
        for section in self.outline.sections:
            for name in (*section.tables, *section.charts):
                if name in by_id:
                    placed[name] = section.number
                else:
                    self.warnings.append(
                        f"大纲第 {section.number} 节列出的“{name}”在 report.toml 中没有定义。"
                    )
        for item in by_id.values():
            where = placed.get(item.id) or self._section_for(item.section)
            if where is None:
                self.warnings.append(f"“{item.id}”所在的第 {item.section} 节不在大纲中，未输出。")
                continue
            (tables if isinstance(item, TableSpec) else charts)[where].append(item)  # type: ignore[arg-type]
        return tables, charts

    def _section_for(self, number: str) -> str | None:
        if number in self.outline:
            return number
        chapter = number.split(".")[0]
        same = [s.number for s in self.outline.sections if s.number.split(".")[0] == chapter]
        return same[-1] if same else None

    def _chapters(self) -> None:
        tables, charts = self._placements()
        texts = self._school_texts() if self._per_school_prose else {}
        if not self._per_school_prose:
            self.warnings.append(
                f"共 {counted(len(self.dataset.schools), self.dataset.region.member)}，超过 max_schools = {self.spec.max_schools}："
                "各校的文字材料和典型案例未写入报告。"
            )
        sections = self.outline.sections
        for k, section in enumerate(sections):
            if section.level == 1 and k > 0:
                self._cases(sections[k - 1].chapter)
            text = heading_text(section)
            self.doc.add_paragraph(text, style=styles.HEADINGS[min(section.level, 4)])
            self.numbering.heading(section.level, text)
            leaf = k + 1 == len(sections) or not sections[k + 1].number.startswith(section.number + ".")
            self._section_text(section, texts.get(section.number, []), leaf)
            for table in tables.get(section.number, []):
                self._chapter_table(table, section.chapter)
            for chart in charts.get(section.number, []):
                if chart.categories == "schools" and self._too_many_schools(
                    chart_title(chart, self.dataset, self.years, **self.names())
                ):
                    continue
                write_chart(
                    self.doc, chart, section.chapter, self.dataset, self.catalog, self.labels, self.years,
                    self.numbering, self.warnings, **self.names(),
                )  # fmt: skip
        if sections:
            self._cases(sections[-1].chapter)

    def _school_texts(self) -> dict[str, list[tuple[str, TextBlock]]]:
        texts: dict[str, list[tuple[str, TextBlock]]] = defaultdict(list)
        for school in self.dataset.schools:
            for block in school.texts:
                if block.section not in self.outline:
                    self.warnings.append(
                        f"{self.labels[school.name]}的文字材料章节“{block.section}”不在大纲中，未输出。"
                    )
                elif block.content.strip() or block.image_path:
                    # a school's own report speaks for the school: no name before its texts
                    label = "" if self.own else self.labels[school.name]
                    texts[block.section].append((label, block))
        return texts

    def _section_text(self, section: Section, school_texts: list[tuple[str, TextBlock]], leaf: bool) -> None:
        chapter = section.chapter
        table = partial(self._free_table, chapter=chapter)
        blocks = parse(self.narrative.render(section.number) or "")
        if blocks:
            for level, text in write_blocks(self.doc, blocks, section.level, table):
                self.numbering.heading(level, text)
        for label, block in school_texts:
            write_school_text(self.doc, label, block.content, table)
            whose = f"{label or self.region}的文字材料（第 {block.section} 节）的图片"
            caption = block.picture_caption(label)
            write_photo(
                self.doc, block.image_path, caption, chapter, self.numbering, self.warnings, whose=whose
            )
        # a parent section may open straight into its subsections; a leaf without text is a gap
        if leaf and not blocks and not school_texts:
            write_placeholder(self.doc, section.title)
            self.placeholders.append(f"{section.number} {section.title}")

    def _free_table(self, table: FreeTable, *, chapter: int) -> None:
        self._table(table.title, free_grid(table), chapter)

    def _too_many_schools(self, caption: str) -> bool:
        """Per-school detail is left to the tables workbook when there are very many schools."""
        count = len(self.dataset.schools)
        if count <= self.spec.max_schools:
            return False
        each = "逐校" if self.dataset.region.member == SCHOOL else f"各{self.dataset.region.member}"
        note = f"（{caption}：共 {counted(count, self.dataset.region.member)}，{each}数据不在报告中列出，见汇总表 qreport build --tables。）"
        self.doc.add_paragraph(note, style=styles.BODY)
        return True

    def _chapter_table(self, spec: TableSpec, chapter: int) -> None:
        if self._too_many_schools(
            fill(spec.caption, **self.names(school=members(self.dataset.region.member)))
        ):
            return
        if spec.kind == "majors":
            for school in self.dataset.schools:
                if school.majors:
                    names = self.names(school=self.labels[school.name])
                    self._table(fill(spec.caption, **names), majors_grid(spec, school.majors, names), chapter)
            return
        tables = indicator_grid(spec, self.dataset, self.catalog, self.labels, self.years, self.names())
        self._table(fill(spec.caption, **self.names()), tables, chapter)

    def _table(self, caption: str, tables: grid.Grid | list[grid.Grid], chapter: int) -> None:
        numbered = self.numbering.caption("表", chapter, caption)
        self.doc.add_paragraph(numbered, style=styles.TABLE_CAPTION)
        self._grids(tables if isinstance(tables, list) else [tables], caption=numbered)

    def _grids(
        self,
        tables: list[grid.Grid] | Callable[[], Iterable[grid.Grid]],
        cells: int = 0,
        *,
        caption: str = "",
    ) -> None:
        """A table and its column blocks (when its columns do not fit side by side), each after a
        `续表N-M 标题` line, each with a little air after it. A very large run (`cells` or more,
        tables made lazily) is streamed into the saved file instead of the DOM."""
        make = tables if callable(tables) else (lambda: tables)
        if not callable(tables):
            cells = sum(len(t.rows) * t.columns for t in tables)
        pieces = partial(self._grid_xml, make, caption)
        if cells > stream.STREAM_CELLS:
            self.streamed.defer(self.doc, pieces)
            return
        body = self.doc.element.body
        for piece in pieces():
            element = parse_xml(piece)
            body._insert_tbl(element) if element.tag == qn("w:tbl") else body._insert_p(element)

    def _grid_xml(self, make: Callable[[], Iterable[grid.Grid]], caption: str) -> Iterator[str]:
        styles_ = self.doc.styles
        text_id, meta_id = styles_[styles.TABLE_TEXT].style_id, styles_[styles.TABLE_META].style_id
        continued_id = styles.style_id(styles.CONTINUED_CAPTION)
        size = self.typo.sizes.table
        for k, table in enumerate(make()):
            if k:
                yield grid.paragraph_xml(continued_id, grid.continued_caption(caption))
            yield grid.table_xml(table, size=size, style_id=text_id, caption=caption)
            if table.note:
                yield grid.paragraph_xml(meta_id, table.note)
            # a little air between a table and the text after it, without a full body line
            yield grid.paragraph_xml(text_id, space_after_twips=TABLE_AIR_TWIPS)

    @property
    def _per_school_prose(self) -> bool:
        """Schools' own texts and cases belong in a city's report; with more schools than
        `max_schools` (a province built straight from school workbooks) they are left out."""
        return len(self.dataset.schools) <= self.spec.max_schools

    def _cases(self, chapter: int) -> None:
        if not self._per_school_prose:
            return
        cases = [
            SchoolCase(self.labels[s.name], case)
            for s in self.dataset.schools
            for case in s.cases
            if case.chapter == chapter and case.title.strip()
        ]
        write_cases(self.doc, chapter, cases, self.numbering, self.warnings)

    # -- appendix and findings -----------------------------------------------------------------

    def _appendix(self) -> None:
        tables = [t for t in self.catalog.table if any(i.seq is not None for i in t.indicators)]
        name = f"名称：{self.region}({self.region_code})" if self.region_code else f"名称：{self.region}"
        for k, table in enumerate(tables, start=1):
            caption = f"表{k} {table.title}"
            paragraph = self.doc.add_paragraph(caption, style=styles.APPENDIX_CAPTION)
            if k == 1:
                paragraph.paragraph_format.page_break_before = True
            self.appendix_captions.append(caption)
            self.numbering.heading(1, caption)
            self.doc.add_paragraph(name, style=styles.TABLE_META)
            if table.sample:
                self._grids(
                    partial(
                        appendix.schools_grids,
                        table,
                        self.dataset,
                        self.labels,
                        self.catalog,
                        whole=not self.own,
                    ),
                    appendix.schools_cells(table, self.dataset),
                    caption=caption,
                )
            else:
                years = (self.years["previous"], self.years["current"])
                self._grids(
                    [appendix.years_grid(table, self.dataset, years, self.catalog, self.labels)],
                    caption=caption,
                )

    def _findings(self) -> None:
        title = "校验问题清单"
        self.doc.add_paragraph(title, style=styles.HEADINGS[1])
        self.numbering.heading(1, title)
        findings = list(self.dataset.findings)
        if not findings:
            self.doc.add_paragraph("未发现问题。", style=styles.BODY)
            return
        self.doc.add_paragraph(
            f"本稿为草稿，以下 {len(findings)} 个问题尚待学校核实改正（错误须改正后方可正式编制）。",
            style=styles.BODY,
        )
        self._grids([appendix.findings_grid(findings)])

    def _check_unused(self) -> None:
        known = set(self.outline.numbers) | {PREFACE}
        # README.md explains the folder; _name.md are snippets for {% include %}
        stems = {n for n in self.narrative.bureau_names(self.bureau_narrative) if n.lower() != "readme"}
        for stem in sorted(n for n in stems - known if not n.startswith("_")):
            self.warnings.append(f"叙述文件 {stem}.md 对应的章节不在大纲中，未使用。")
        self.warnings.extend(self.narrative.warnings)
