"""Open stand-ins for the official faces in the PDF: which are used, and how the copy is rewritten."""

from __future__ import annotations

from qreport.report import pdffonts

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"

STYLES = f"""<w:styles xmlns:w="{W}">
<w:style w:styleId="H1"><w:rPr><w:rFonts w:ascii="黑体" w:hAnsi="黑体" w:eastAsia="黑体" w:cs="黑体"/><w:b w:val="0"/></w:rPr></w:style>
<w:style w:styleId="H2"><w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style>
<w:style w:styleId="N"><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:styleId="X"><w:rPr><w:rFonts w:eastAsia="Some Font"/></w:rPr></w:style>
</w:styles>""".encode()
CHART = f'<c xmlns:a="{A}"><a:rPr><a:latin typeface="宋体"/><a:ea typeface="宋体"/></a:rPr></c>'.encode()
INSTALLED = frozenset({pdffonts.SERIF, pdffonts.SANS, pdffonts.KAI, "Some Font"})


def test_only_missing_official_faces_with_an_installed_stand_in_are_substituted() -> None:
    used = pdffonts.fonts_named(STYLES) | pdffonts.fonts_named(CHART)
    assert used == {"黑体", "楷体_GB2312", "仿宋_GB2312", "Some Font", "宋体"}
    subs = pdffonts.substitutions(used, INSTALLED | {"仿宋_GB2312"})  # the real 仿宋 is installed here
    assert set(subs) == {"黑体", "楷体_GB2312", "宋体"}
    assert (
        pdffonts.substitutions(used, frozenset({"Some Font"})) == {}
    )  # no stand-in: leave it to LibreOffice
    lines = pdffonts.describe(subs)
    assert "本机未安装“黑体”，PDF 中用“Noto Sans CJK SC”（加粗）代替；Word 文件中仍为“黑体”。" in lines


def test_the_copy_names_the_stand_ins_and_makes_heavy_faces_bold() -> None:
    subs = pdffonts.substitutions(pdffonts.fonts_named(STYLES) | {"宋体"}, INSTALLED)
    fixed = pdffonts.substitute(STYLES, subs)
    assert fixed is not None
    text = fixed.decode()
    assert "黑体" not in text and "仿宋" not in text and "Some Font" in text
    # 黑体 was "not bold" in the style: the stand-in is bold, since 黑体 is heavy by design
    assert (
        '<w:rFonts w:ascii="Noto Sans CJK SC" w:hAnsi="Noto Sans CJK SC" w:eastAsia="Noto Sans CJK SC" w:cs="Noto Sans CJK SC"/><w:b/>'
        in text
    )
    assert '<w:rFonts w:eastAsia="AR PL UKai CN"/><w:b/>' in text
    assert '<w:rFonts w:eastAsia="Noto Serif CJK SC"/><w:sz w:val="32"/>' in text  # serif body stays regular
    chart = pdffonts.substitute(CHART, subs)
    assert chart is not None and chart.decode().count('typeface="Noto Serif CJK SC"') == 2
    assert pdffonts.substitute(STYLES, {}) is None
