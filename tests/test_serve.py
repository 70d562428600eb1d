"""The collection portal over HTTP (Starlette's test client): every route, its status codes, the
refusals and the security rules of `qreport serve`, and the folder it leaves for `qreport build`."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient
from typer.testing import CliRunner

from qreport.cli.app import app as cli
from qreport.compile.build import build
from qreport.errors import ConfigError
from qreport.serve.app import Settings, create_app
from qreport.serve.drafts import make_snapshot
from qreport.serve.store import PORTAL_DIR, SUBMISSIONS_DIR, Store

import builders
from portal_fixtures import PASSWORD, Visitor, bureau_folder, school_info, school_workbook, text_of


@pytest.fixture
def folder(tmp_path: Path, blank_template: Path) -> Path:
    return bureau_folder(tmp_path / "2024年报")


@pytest.fixture
def make_app(folder: Path) -> Callable[..., object]:
    def make(**settings: int) -> object:
        return create_app(folder, PASSWORD, settings=Settings(**settings) if settings else None)

    return make


@pytest.fixture
def visitor(make_app: Callable[..., object]) -> Visitor:
    return Visitor(make_app())  # type: ignore[arg-type]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


def submission(folder: Path, i: int) -> Path:
    return folder / SUBMISSIONS_DIR / f"{school_info(i)[0]}.xlsx"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- general ------------------------------------------------------------------------------------


def test_healthz_and_front_page(visitor: Visitor) -> None:
    assert visitor.client.get("/healthz").status_code == 200
    page = visitor.client.get("/")
    assert page.status_code == 200 and "专用链接" in page.text


def test_every_response_forbids_framing_sniffing_and_referrers(visitor: Visitor) -> None:
    for path in ("/", "/healthz", "/bureau/login", visitor.link(0), "/nowhere"):
        headers = visitor.client.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert visitor.client.get(visitor.link(0)).headers["cache-control"] == "no-store"


def test_unknown_pages_and_methods_are_chinese_errors(visitor: Visitor) -> None:
    missing = visitor.client.get("/nowhere")
    assert missing.status_code == 404 and "页面不存在" in missing.text
    assert visitor.client.get("/bureau/build").status_code == 405
    assert visitor.client.post("/s/x/v/1").status_code == 405


def test_static_files_are_served(visitor: Visitor) -> None:
    assert visitor.client.get("/static/portal.css").status_code == 200
    assert "drop" in visitor.client.get("/static/portal.js").text


# -- the school's page --------------------------------------------------------------------------


def test_school_link_opens_its_own_page_and_nothing_else(visitor: Visitor) -> None:
    page = visitor.client.get(visitor.link(0))
    assert page.status_code == 200
    assert school_info(0)[0] in page.text and "未提交" in page.text
    assert school_info(1)[0] not in page.text
    wrong = visitor.client.get("/s/" + "A" * 43)
    assert wrong.status_code == 404 and "索取新链接" in wrong.text


def test_template_download_is_prefilled_with_the_school_name(visitor: Visitor) -> None:
    response = visitor.client.get(f"{visitor.link(1)}/template")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    info = {row[0].value: row[1].value for row in wb["基本信息"].iter_rows(max_col=2)}
    assert info["学校名称"] == school_info(1)[0]


def test_template_prefills_last_years_column_from_previous(folder: Path, tmp_path: Path) -> None:
    previous = tmp_path / "2023.json"
    name = school_info(0)[0]
    previous.write_text(json.dumps({"year": 2023, "city": {}, "schools": [
        {"name": name, "short_name": "市一职", "values": {"graduates": {"previous": 390, "current": 412}}}]},
        ensure_ascii=False), encoding="utf-8")  # fmt: skip
    app = create_app(folder, PASSWORD, previous=previous)
    client = Visitor(app).client
    wb = load_workbook(io.BytesIO(client.get(f"{Visitor(app).link(0)}/template").content))
    assert builders.locate(wb, "graduates", "previous").value == 412
    # a school not in last year's dataset gets a blank previous column, not an error
    other = load_workbook(io.BytesIO(client.get(f"{Visitor(app).link(1)}/template").content))
    assert builders.locate(other, "graduates", "previous").value is None


def test_a_good_upload_becomes_the_submission_that_build_reads(
    visitor: Visitor, folder: Path, files: Path
) -> None:
    upload = school_workbook(files, 0)
    response = visitor.upload(visitor.link(0), upload)
    assert response.status_code == 303 and response.headers["location"] == f"{visitor.link(0)}/v/1"
    page = visitor.client.get(response.headers["location"])
    assert page.status_code == 200 and "已通过" in page.text and "当前的报送" in page.text
    assert sha(submission(folder, 0)) == sha(upload)
    result = build(folder, draft=True)  # the bureau's own build reads the folder as it is
    assert [s.name for s in result.dataset.schools] == [school_info(0)[0]]
    assert result.dataset.schools[0].file == f"{SUBMISSIONS_DIR}/{school_info(0)[0]}.xlsx"


def test_findings_are_shown_grouped_by_sheet_and_an_error_version_is_not_submitted(
    visitor: Visitor, folder: Path, files: Path
) -> None:
    bad = visitor.upload(visitor.link(0), school_workbook(files, 0, "error"))
    assert bad.status_code == 303
    page = visitor.client.get(bad.headers["location"])
    text = text_of(page.text)
    assert "有错误" in text and "计分卡" in text and "“很多”不是数字" in text
    cell = builders.locate(load_workbook(school_workbook(files, 0, "error")), "graduates", "current")
    assert f">{cell.coordinate}<" in page.text
    assert not submission(folder, 0).exists()
    assert "有错误" in visitor.client.get(visitor.link(0)).text

    good = school_workbook(files, 0, "warning")
    assert visitor.upload(visitor.link(0), good).status_code == 303
    assert sha(submission(folder, 0)) == sha(good)
    again = visitor.upload(visitor.link(0), school_workbook(files, 0, "error"))
    assert again.headers["location"].endswith("/v/3")
    assert sha(submission(folder, 0)) == sha(good)  # the latest upload without errors stays submitted
    history = text_of(visitor.client.get(visitor.link(0)).text)
    assert "仅警告" in history and "第 3 版" in history and "报送的仍是第 2 版" in history


def test_annotated_copy_marks_the_faulty_cell(visitor: Visitor, files: Path) -> None:
    visitor.upload(visitor.link(0), school_workbook(files, 0, "error"), filename="本校.xlsx")
    response = visitor.client.get(f"{visitor.link(0)}/v/1/annotated")
    assert response.status_code == 200
    assert "%E6%9C%AC%E6%A0%A1_%E6%A0%87%E6%B3%A8.xlsx" in response.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "校验结果"
    cell = builders.locate(wb, "graduates", "current")
    assert cell.comment is not None and "不是数字" in cell.comment.text
    assert visitor.client.get(f"{visitor.link(0)}/v/9/annotated").status_code == 404
    assert visitor.client.get(f"{visitor.link(0)}/v/x").status_code == 404


def test_an_annotated_copy_cannot_be_the_submission(visitor: Visitor, folder: Path, files: Path) -> None:
    from openpyxl import load_workbook as load

    visitor.upload(visitor.link(0), school_workbook(files, 0, "warning"))
    copy = files / "标注副本.xlsx"
    copy.write_bytes(visitor.client.get(f"{visitor.link(0)}/v/1/annotated").content)
    before = sha(submission(folder, 0))
    page = visitor.client.get(visitor.upload(visitor.link(0), copy).headers["location"])
    assert "有错误" in page.text and "标注副本，编制报告时不会读取" in page.text
    assert sha(submission(folder, 0)) == before
    wb = load(copy)  # the school removes the property, as the message says, and saves
    wb.custom_doc_props.props = [p for p in wb.custom_doc_props.props if p.name != "qreport"]
    wb.save(copy)
    again = visitor.client.get(visitor.upload(visitor.link(0), copy).headers["location"])
    assert "当前的报送" in again.text
    result = build(folder, draft=True)
    assert [s.name for s in result.dataset.schools] == [school_info(0)[0]]


def test_a_workbook_of_another_school_is_refused(visitor: Visitor, folder: Path, files: Path) -> None:
    response = visitor.upload(visitor.link(0), school_workbook(files, 1))
    assert response.status_code == 409
    assert f"学校名称是“{school_info(1)[0]}”" in response.text
    assert not any((folder / PORTAL_DIR / "versions").iterdir())
    assert "还没有上传" in visitor.client.get(visitor.link(0)).text


def test_a_school_code_used_by_another_school_is_refused(visitor: Visitor, files: Path) -> None:
    assert visitor.upload(visitor.link(1), school_workbook(files, 1)).status_code == 303
    stolen = school_workbook(files, 0, name="stolen.xlsx")
    with builders.edit(stolen) as wb:
        builders.set_info(wb, "学校标识码", school_info(1)[2])
    response = visitor.upload(visitor.link(0), stolen)
    assert response.status_code == 409 and school_info(1)[2] in response.text


def test_a_name_not_on_the_list_is_an_error_on_the_info_sheet(visitor: Visitor, files: Path) -> None:
    typo = school_workbook(files, 0, name="typo.xlsx")
    with builders.edit(typo) as wb:
        builders.set_info(wb, "学校名称", "巴彦淖尔市第一职业中专")
    page = visitor.client.get(visitor.upload(visitor.link(0), typo).headers["location"])
    assert "有错误" in page.text and "与教育局名单中的本校名称不一致" in page.text


@pytest.mark.parametrize(
    "kind",
    ["random_bytes", "legacy_xls", "encrypted", "zip_bomb", "too_many_members", "billion_laughs",
     "external_entity", "docx_renamed", "empty"],
)  # fmt: skip
def test_hostile_files_are_refused_as_validate_refuses_them(
    visitor: Visitor, folder: Path, files: Path, kind: str
) -> None:
    import test_hostile

    make = getattr(test_hostile, kind)
    expected = dict((f.__name__, code) for f, code in test_hostile.HOSTILE)[kind]
    good = builders.good_school(files / "good")
    path = make(files, good)
    response = visitor.upload(visitor.link(0), path, filename="学校.xlsx")
    assert response.status_code == 303
    (version,) = visitor.portal.store.versions(visitor.portal.store.schools()[0].id)
    assert not version.readable and version.errors == 1
    assert version.finding_dicts()[0]["code"] == expected
    page = visitor.client.get(response.headers["location"])
    assert "无法读取" in page.text and "下载标注副本" not in page.text
    assert visitor.client.get(f"{visitor.link(0)}/v/1/annotated").status_code == 404
    assert not submission(folder, 0).exists()


def test_an_uploaded_name_is_never_used_as_a_path(visitor: Visitor, folder: Path, files: Path) -> None:
    response = visitor.upload(visitor.link(0), school_workbook(files, 0), filename="../../../evil.xlsx")
    assert response.status_code == 303
    (version,) = visitor.portal.store.versions(visitor.portal.store.schools()[0].id)
    assert version.original_name == "evil.xlsx"
    assert len(version.stored) == 37 and version.stored.endswith(".xlsx")  # a random id
    assert not list(folder.parent.rglob("evil*"))


def test_uploaded_names_are_shown_printable_and_short() -> None:
    from qreport.serve.intake import display_name

    assert display_name("C:\\Users\\王\\本校\x07.xlsx") == "本校.xlsx"
    assert display_name("") == "工作簿.xlsx" and len(display_name("长" * 500)) == 100


def test_no_file_chosen_is_a_400_with_a_message(visitor: Visitor) -> None:
    token = visitor.csrf(visitor.link(0))
    response = visitor.client.post(f"{visitor.link(0)}/upload", data={"csrf": token})
    assert response.status_code == 400 and "没有收到文件" in response.text


# -- security rules ------------------------------------------------------------------------------


def test_every_form_needs_the_sessions_csrf_value(visitor: Visitor, files: Path) -> None:
    upload = {"file": ("a.xlsx", school_workbook(files, 0).read_bytes())}
    link = visitor.link(0)
    visitor.client.get(link)  # a session exists, but the forms below do not carry its value
    assert visitor.client.post(f"{link}/upload", files=upload).status_code == 403
    assert visitor.client.post(f"{link}/upload", data={"csrf": "forged"}, files=upload).status_code == 403
    assert visitor.client.post("/bureau/login", data={"password": PASSWORD}).status_code == 403
    assert visitor.login().status_code == 303
    for path in ("/bureau/build", "/bureau/logout", "/bureau/schools/1/renew"):
        response = visitor.client.post(path, data={"csrf": "forged"})
        assert response.status_code == 403, path
    other = TestClient(visitor.client.app, follow_redirects=False)  # another browser's CSRF value
    assert visitor.client.post("/bureau/logout", data={"csrf": Visitor(other.app).csrf()}).status_code == 403
    assert not visitor.portal.store.versions(1)


def test_uploads_over_the_size_limit_are_refused(make_app: Callable[..., object], files: Path) -> None:
    visitor = Visitor(make_app(upload_limit=20_000))  # type: ignore[arg-type]
    response = visitor.upload(visitor.link(0), school_workbook(files, 0))
    assert response.status_code == 413 and "文件太大" in response.text
    assert not visitor.portal.store.versions(1)


def test_the_size_limit_holds_without_a_content_length(files: Path) -> None:
    from qreport.serve.intake import TooLarge, save_upload

    files.mkdir()
    with pytest.raises(TooLarge):
        save_upload(io.BytesIO(b"x" * 50_000), files / "x.xlsx", 20_000)
    assert not list(files.iterdir())  # nothing half written
    assert Settings().upload_limit >= 10 * 1024 * 1024


def test_uploads_are_limited_per_link_but_generously(make_app: Callable[..., object], files: Path) -> None:
    assert Settings().uploads_per_minute >= 30
    visitor = Visitor(make_app(uploads_per_minute=3))  # type: ignore[arg-type]
    junk = files / "junk.xlsx"
    files.mkdir()
    junk.write_bytes(b"not a workbook")
    for _ in range(3):
        assert visitor.upload(visitor.link(0), junk).status_code == 303
    limited = visitor.upload(visitor.link(0), junk)
    assert limited.status_code == 429 and "上传太频繁" in limited.text
    assert int(limited.headers["retry-after"]) > 0
    assert visitor.upload(visitor.link(1), junk).status_code == 303  # another link is not affected


def test_bureau_pages_need_the_password(visitor: Visitor) -> None:
    for path in ("/bureau", "/bureau/links", "/bureau/schools/1", "/bureau/schools/1/v/1",
                 "/bureau/schools/1/v/1/annotated", "/bureau/schools/1/v/1/file", "/bureau/submissions.zip",
                 "/bureau/builds/1/report"):  # fmt: skip
        response = visitor.client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/bureau/login", path
    token = visitor.csrf()
    for path in ("/bureau/build", "/bureau/schools/1/renew"):
        assert visitor.client.post(path, data={"csrf": token}).status_code == 303
    assert visitor.client.get("/bureau/build/status").status_code == 403
    wrong = visitor.login("wrong password")
    assert wrong.status_code == 401 and "密码不对" in wrong.text
    assert visitor.client.get("/bureau").status_code == 303
    assert visitor.login().headers["location"] == "/bureau"
    assert visitor.client.get("/bureau").status_code == 200
    assert visitor.client.get("/bureau/login").status_code == 303  # already in
    assert visitor.post("/bureau/logout").status_code == 303
    assert visitor.client.get("/bureau").status_code == 303


def test_login_attempts_are_rate_limited(make_app: Callable[..., object]) -> None:
    visitor = Visitor(make_app(logins_per_minute=2))  # type: ignore[arg-type]
    assert visitor.login("a").status_code == 401
    assert visitor.login("b").status_code == 401
    assert visitor.login().status_code == 429


def test_a_session_ends_when_the_password_changes(folder: Path) -> None:
    visitor = Visitor(create_app(folder, PASSWORD))
    visitor.login()
    cookie = visitor.client.cookies["qreport_session"]
    restarted = TestClient(create_app(folder, PASSWORD), follow_redirects=False)
    restarted.cookies.set("qreport_session", cookie)
    assert restarted.get("/bureau").status_code == 200  # a restart keeps the bureau logged in
    changed = TestClient(create_app(folder, "另一个密码-another"), follow_redirects=False)
    changed.cookies.set("qreport_session", cookie)
    assert changed.get("/bureau").status_code == 303


def test_neither_password_nor_links_are_stored_or_logged_in_clear(folder: Path, files: Path) -> None:
    log: list[str] = []
    visitor = Visitor(create_app(folder, PASSWORD, log=log.append))
    visitor.login("wrong-" + PASSWORD)
    visitor.login()
    visitor.upload(visitor.link(0), school_workbook(files, 0))
    tokens = [visitor.link(i).rsplit("/", 1)[1] for i in range(3)]
    assert all(len(t) >= 43 for t in tokens) and len(set(tokens)) == 3
    stored = b"".join(p.read_bytes() for p in (folder / PORTAL_DIR).rglob("*") if p.is_file())
    stored += visitor.client.cookies["qreport_session"].encode()
    for secret in (PASSWORD, *tokens):
        assert secret.encode() not in stored
        assert not any(secret in line for line in log)
    assert any("登录失败" in line for line in log) and any("第 1 版" in line for line in log)
    with sqlite3.connect(folder / PORTAL_DIR / "portal.db") as db:
        hashes = {r[0] for r in db.execute("SELECT token_hash FROM schools")}
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    assert (folder / PORTAL_DIR / "secret").stat().st_mode & 0o077 == 0


def test_renewing_a_link_retires_the_old_one(visitor: Visitor) -> None:
    old = visitor.link(1)
    visitor.login()
    response = visitor.post("/bureau/schools/2/renew")
    assert response.status_code == 303
    assert visitor.client.get(old).status_code == 404
    new = visitor.link(1)
    assert new != old and visitor.client.get(new).status_code == 200
    assert visitor.client.get(visitor.link(0)).status_code == 200  # the others keep theirs
    assert visitor.post("/bureau/schools/99/renew").status_code == 404


# -- the bureau's pages --------------------------------------------------------------------------


def test_bureau_page_shows_each_status_and_the_totals(make_app: Callable[..., object], files: Path) -> None:
    visitor = Visitor(create_app(bureau_folder(files.parent / "四校", 4), PASSWORD))
    visitor.upload(visitor.link(0), school_workbook(files, 0))
    visitor.upload(visitor.link(1), school_workbook(files, 1, "warning"))
    visitor.upload(visitor.link(2), school_workbook(files, 2, "error"))
    visitor.login()
    page = visitor.client.get("/bureau")
    rows = {
        name: text_of(row) for row in page.text.split("<tr>")[1:] for name in [text_of(row).split(" ")[0]]
    }
    assert "已通过" in rows[school_info(0)[0]] and "仅警告" in rows[school_info(1)[0]]
    assert "有错误" in rows[school_info(2)[0]] and "未提交" in rows[school_info(3)[0]]
    totals = text_of(page.text.split('class="totals"')[1].split("</p>")[0])
    assert "应报 4 所" in totals and "已通过 1" in totals and "仅警告 1" in totals
    assert "有错误 1" in totals and "未提交 1" in totals
    assert 'href="/bureau/schools/3/v/1"' in page.text


def test_bureau_sees_each_schools_history_findings_and_files(visitor: Visitor, files: Path) -> None:
    upload = school_workbook(files, 0, "error")
    visitor.upload(visitor.link(0), upload, filename="原文件.xlsx")
    visitor.login()
    history = visitor.client.get("/bureau/schools/1")
    assert history.status_code == 200 and "第 1 版" in history.text and "上传并校验" not in history.text
    version = visitor.client.get("/bureau/schools/1/v/1")
    assert version.status_code == 200 and "不是数字" in version.text and "下载原文件" in version.text
    assert visitor.client.get("/bureau/schools/1/v/1/file").content == upload.read_bytes()
    assert visitor.client.get("/bureau/schools/1/v/1/annotated").status_code == 200
    assert visitor.client.get("/bureau/schools/1/v/2").status_code == 404
    assert visitor.client.get("/bureau/schools/99").status_code == 404
    assert visitor.client.get("/bureau/schools/x").status_code == 404


def test_links_page_lists_every_school_for_the_address_schools_use(visitor: Visitor) -> None:
    visitor.login()
    page = visitor.client.get("/bureau/links")
    assert page.status_code == 200
    for i in range(3):
        assert f"http://testserver{visitor.link(i)}" in page.text
    lan = visitor.client.get("/bureau/links", params={"base": "http://192.168.1.10:8000/"})
    assert f"http://192.168.1.10:8000{visitor.link(0)}" in lan.text
    bad = visitor.client.get("/bureau/links", params={"base": "javascript:alert(1)"})
    assert "javascript:" not in bad.text.split('id="links"')[1]


def test_zip_holds_every_submission(visitor: Visitor, files: Path) -> None:
    visitor.upload(visitor.link(0), school_workbook(files, 0))
    visitor.upload(visitor.link(1), school_workbook(files, 1, "error"))
    visitor.login()
    response = visitor.client.get("/bureau/submissions.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert zf.namelist() == [f"{school_info(0)[0]}.xlsx"]
        assert zf.read(zf.namelist()[0]) == school_workbook(files, 0).read_bytes()


def test_draft_build_runs_in_the_background_one_at_a_time(visitor: Visitor, files: Path) -> None:
    visitor.upload(visitor.link(0), school_workbook(files, 0))
    visitor.login()
    assert visitor.client.get("/bureau/build/status").json() == {"state": "none"}
    assert visitor.post("/bureau/build").status_code == 303
    second = visitor.post("/bureau/build")
    assert second.status_code == 409 and "正在进行" in second.text
    visitor.portal.builder.wait(300)
    status = visitor.client.get("/bureau/build/status").json()
    assert status["state"] == "done", status
    assert "1 所学校" in status["message"] and "【待补充】" in status["message"]  # the report's notes
    page = visitor.client.get("/bureau")
    for kind in ("report", "tables", "dataset"):
        assert f'href="/bureau/builds/1/{kind}"' in page.text
        assert visitor.client.get(f"/bureau/builds/1/{kind}").status_code == 200
    dataset = json.loads(visitor.client.get("/bureau/builds/1/dataset").content)
    assert [s["name"] for s in dataset["schools"]] == [school_info(0)[0]]
    report = visitor.client.get("/bureau/builds/1/report")
    assert report.content[:2] == b"PK" and "%E8%8D%89%E7%A8%BF" in report.headers["content-disposition"]
    for path in ("/bureau/builds/1/other", "/bureau/builds/2/report", "/bureau/builds/x/report"):
        assert visitor.client.get(path).status_code == 404
    assert not (visitor.portal.store.build_dir(1) / "input").exists()  # the snapshot is removed


def test_a_failed_build_says_why(visitor: Visitor) -> None:
    visitor.login()
    visitor.post("/bureau/build")  # nothing submitted yet: build has no workbook to read
    visitor.portal.builder.wait(300)
    status = visitor.client.get("/bureau/build/status").json()
    assert status["state"] == "failed" and "没有 .xlsx 工作簿" in status["message"]
    assert "生成失败" in visitor.client.get("/bureau").text


def test_old_drafts_are_removed_the_last_ones_kept(visitor: Visitor) -> None:
    from qreport.serve.drafts import KEEP_BUILDS

    builds = visitor.portal.store.builds_dir
    for n in range(1, 8):
        (builds / str(n) / "out").mkdir(parents=True)
    visitor.portal.builder._prune(8)
    assert sorted(int(p.name) for p in builds.iterdir()) == list(range(8 - KEEP_BUILDS + 1, 8))


def test_stopping_the_server_stops_a_running_build(visitor: Visitor, files: Path) -> None:
    visitor.upload(visitor.link(0), school_workbook(files, 0))
    visitor.login()
    visitor.post("/bureau/build")
    deadline = time.monotonic() + 60
    while visitor.portal.builder._proc is None and time.monotonic() < deadline:
        time.sleep(0.01)
    visitor.portal.builder.stop()  # the build process has just started: it is still importing
    build = visitor.portal.store.latest_build()
    assert build.state == "failed" and "意外退出" in build.message
    restarted = Visitor(create_app(visitor.portal.folder, PASSWORD))
    assert restarted.portal.store.latest_build().state == "failed"


def test_a_build_works_on_the_submissions_of_the_moment_it_started(visitor: Visitor, files: Path) -> None:
    first = school_workbook(files, 0, "warning")
    visitor.upload(visitor.link(0), first)
    chosen = visitor.portal.store.snapshot()
    visitor.upload(visitor.link(0), school_workbook(files, 0))  # arrives while the build runs
    target = files / "snapshot"
    make_snapshot(visitor.portal.store, chosen, target)
    copied = target / SUBMISSIONS_DIR / f"{school_info(0)[0]}.xlsx"
    assert sha(copied) == sha(first)
    assert not (target / PORTAL_DIR).exists() and (target / "qreport.toml").is_file()


# -- reliability ---------------------------------------------------------------------------------


def test_the_log_survives_a_restart(folder: Path, files: Path) -> None:
    visitor = Visitor(create_app(folder, PASSWORD))
    link = visitor.link(0)
    visitor.upload(link, school_workbook(files, 0, "error"))
    visitor.upload(link, school_workbook(files, 0))
    again = Visitor(create_app(folder, PASSWORD))
    assert again.link(0) == link
    page = text_of(again.client.get(link).text)
    assert "已通过" in page and "第 2 版" in page and "第 1 版" in page


def test_a_crash_between_file_and_log_is_repaired_on_restart(
    folder: Path, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visitor = Visitor(create_app(folder, PASSWORD))
    good = school_workbook(files, 0)
    visitor.upload(visitor.link(0), good)
    newer = school_workbook(files, 0, "warning")
    real_place = Store._place

    def place_then_die(self: Store, source: Path, target: Path) -> None:
        real_place(self, source, target)
        raise RuntimeError("killed")  # after the rename, before the commit: the log keeps the old state

    monkeypatch.setattr(Store, "_place", place_then_die)
    with pytest.raises(RuntimeError, match="killed"):
        visitor.upload(visitor.link(0), newer)
    monkeypatch.undo()
    assert sha(submission(folder, 0)) == sha(newer)  # the file moved, the log did not
    stray = folder / PORTAL_DIR / "versions" / "0123456789abcdef0123456789abcdef.xlsx"
    stray.write_bytes(b"half")
    prepared = folder / SUBMISSIONS_DIR / ".0123456789abcdef.part"
    prepared.write_bytes(b"half")
    restarted = create_app(folder, PASSWORD)
    assert sha(submission(folder, 0)) == sha(good)  # the log's submission is restored
    assert not stray.exists() and not prepared.exists()
    assert len(restarted.state.portal.store.versions(1)) == 1


def test_a_school_removed_from_the_list_loses_its_link(folder: Path) -> None:
    visitor = Visitor(create_app(folder, PASSWORD))
    link = visitor.link(2)
    text = (folder / "qreport.toml").read_text(encoding="utf-8")
    (folder / "qreport.toml").write_text(text.split('[[schools]]\nname = "示例市第3')[0], encoding="utf-8")
    again = Visitor(create_app(folder, PASSWORD))
    assert again.client.get(link).status_code == 404
    assert len(again.portal.store.schools()) == 2


# -- starting and the command line ---------------------------------------------------------------


def test_the_portal_needs_a_password_and_a_list_of_schools(tmp_path: Path, folder: Path) -> None:
    with pytest.raises(ConfigError, match="QREPORT_PASSWORD"):
        create_app(folder, "")
    (tmp_path / "bare").mkdir()
    with pytest.raises(ConfigError, match="qreport init"):
        create_app(tmp_path / "bare", PASSWORD)
    (tmp_path / "bare" / "qreport.toml").write_text("year = 2024\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[\[schools\]\]"):
        create_app(tmp_path / "bare", PASSWORD)


def test_links_prints_one_line_per_school(folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["links", str(folder), "--base-url", "http://192.168.1.10:8000/"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [school_info(i)[0] for i in range(3)]
    visitor = Visitor(create_app(folder, PASSWORD))
    assert lines[0].split("\t")[1] == f"http://192.168.1.10:8000{visitor.link(0)}"
    assert visitor.client.get(visitor.link(0)).status_code == 200
    assert CliRunner().invoke(cli, ["links", str(tmp_path), "--base-url", "http://x"]).exit_code == 2
    assert CliRunner().invoke(cli, ["links", str(folder), "--base-url", "ftp://x"]).exit_code == 2
    assert CliRunner().invoke(cli, ["links", str(folder)]).exit_code == 2


def test_serve_refuses_to_start_without_a_password(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QREPORT_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["serve", str(folder)])
    assert result.exit_code == 2 and "QREPORT_PASSWORD" in result.output
    monkeypatch.setenv("QREPORT_PASSWORD", "short")
    assert CliRunner().invoke(cli, ["serve", str(folder)]).exit_code == 2
    monkeypatch.setenv("QREPORT_PASSWORD", PASSWORD)
    assert CliRunner().invoke(cli, ["serve", str(folder), "--port", "0"]).exit_code == 2
    missing = CliRunner().invoke(cli, ["serve", str(folder.parent / "none")])
    assert missing.exit_code == 2 and "找不到文件夹" in missing.output


def test_serve_help_is_chinese() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "填报门户" in result.output and "QREPORT_PASSWORD" in result.output and "本机" in result.output


def test_start_message_says_who_can_connect() -> None:
    from qreport.serve.run import start_lines

    local = "\n".join(start_lines("127.0.0.1", 8000))
    assert "只有本机可以访问" in local and "--host 0.0.0.0" in local
    shared = "\n".join(start_lines("0.0.0.0", 8000))
    assert "其他电脑可以访问" in shared
