"""The collection portal as an ASGI application (Starlette): school pages, bureau pages, downloads.

Pages are rendered on the server (Jinja2, Chinese); the only script is a small enhancement (drag and
drop, copying a link, build progress). Every state change is a POST form carrying a CSRF value bound
to the signed session; every response forbids framing, sniffing and sending the link in a Referer.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
import zipfile
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from qreport.catalog.config import Config, find_config
from qreport.catalog.indicators import Catalog, load_catalog
from qreport.catalog.outline import Outline, load_outline
from qreport.errors import ConfigError, QreportError
from qreport.findings import Finding
from qreport.model import StoredDataset
from qreport.serve.drafts import OUTPUT_KINDS, DraftBuilder
from qreport.serve.guard import BodyLimit, SecurityHeaders
from qreport.serve.intake import Refused, TooLarge, check_and_record, save_upload
from qreport.serve.security import Password, RateLimit, derive, new_csrf, same_secret
from qreport.serve.store import BuildRunning, SchoolRow, Store, VersionRow, safe_file_name

HERE = Path(__file__).parent
UPLOAD_LIMIT = 20 * 1024 * 1024  # a filled workbook with pictures is a few MB
UPLOADS_PER_MINUTE = 60  # per link: a school never meets it in normal use
LOGINS_PER_MINUTE = 10  # per client address
SESSION_SECONDS = 8 * 3600
STATUS_CSS = {"未提交": "none", "有错误": "error", "仅警告": "warning", "已通过": "ok"}
HTTP_MESSAGES = {
    400: "请求不完整。请返回上一页重试。",
    403: "页面已过期或不是从本站提交的。请刷新页面后重试。",
    404: "页面不存在。如果这是学校的上传链接，它可能已被教育局更换，请向教育局索取新链接。",
    405: "不支持这种请求方式。请从页面上的按钮操作。",
    409: "操作与当前状态冲突。",
    413: f"文件太大（上限 {UPLOAD_LIMIT // (1024 * 1024)} MB）。请删除工作簿中多余的图片或工作表后重新上传。",
    429: "操作太频繁，请稍等一分钟再试。",
}


def school_status(latest: VersionRow | None, accepted: VersionRow | None) -> str:
    """未提交 / 有错误 / 仅警告 / 已通过, from the school's submission, else its latest upload."""
    if accepted is not None:
        return "仅警告" if accepted.warnings else "已通过"
    return "有错误" if latest is not None else "未提交"


def group_by_sheet(findings: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Findings in their (reading) order, grouped by sheet; file-level ones first."""
    groups: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for f in findings:
        groups.setdefault(f.get("sheet") or "整个文件", []).append(f)
    return list(groups.items())


def shown_time(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


def attachment(path_or_bytes: Path | bytes, name: str, media: str, **kw: Any) -> Response:
    """A download under a Chinese file name (RFC 5987), never cached."""
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store",
    }
    if isinstance(path_or_bytes, bytes):
        return Response(path_or_bytes, media_type=media, headers=headers)
    return FileResponse(path_or_bytes, media_type=media, headers=headers, **kw)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": XLSX,
    ".json": "application/json",
}


@dataclass
class Settings:
    upload_limit: int = UPLOAD_LIMIT
    uploads_per_minute: int = UPLOADS_PER_MINUTE
    logins_per_minute: int = LOGINS_PER_MINUTE


class Portal:
    """The state behind the routes: the folder's config and store, limits, the draft builder."""

    def __init__(self, folder: Path, password: str, *, previous: Path | None = None,
                 settings: Settings | None = None, log: Callable[[str], None] | None = None) -> None:  # fmt: skip
        if not password:
            raise ConfigError("没有设置教育局密码。请先设置环境变量 QREPORT_PASSWORD。")
        self.folder = Path(folder)
        self.config: Config = load_portal_config(self.folder)
        self.catalog: Catalog = load_catalog(self.config.year)
        outline_path = self.config.resolve(self.config.report.outline) if self.config.report.outline else None
        self.outline: Outline = load_outline(outline_path)
        self.previous_path = previous
        self.previous: StoredDataset | None = None
        if previous is not None:
            from qreport.compile.dataset import read_dataset

            self.previous = read_dataset(previous, year=self.catalog.previous_year)
        self.settings = settings or Settings()
        self.store = Store(self.folder)
        self.store.sync_schools([s.name for s in self.config.schools])
        self.repairs = self.store.reconcile()
        self.password = Password(self.store.secret, password)
        self.builder = DraftBuilder(self.store, previous)
        self.upload_rate = RateLimit(self.settings.uploads_per_minute)
        self.login_rate = RateLimit(self.settings.logins_per_minute)
        self.log = log or (lambda line: None)
        self._templates: OrderedDict[str, bytes] = OrderedDict()

    # -- school side -----------------------------------------------------------------------------

    def school_for(self, request: Request) -> SchoolRow:
        school = self.store.school_by_token(str(request.path_params["token"]))
        if school is None:
            raise HTTPException(404)
        return school

    def template_bytes(self, school: SchoolRow) -> bytes:
        """The blank workbook pre-filled with the school's name (and last year's column, when known)."""
        cached = self._templates.get(school.name)
        if cached is not None:
            return cached
        from qreport.workbook.template import template_workbook

        try:
            wb = template_workbook(self.catalog, school=school.name, previous=self.previous)
        except QreportError:  # the school is not in last year's dataset: a blank previous column
            wb = template_workbook(self.catalog, school=school.name)
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
        self._templates[school.name] = data
        while len(self._templates) > 32:
            self._templates.popitem(last=False)
        return data

    def annotated(self, version: VersionRow) -> Path | None:
        """The marked copy of a version, made once; None for a file that could not be read."""
        if not version.readable:
            return None
        target = self.store.annotated_dir / version.stored
        if not target.exists():
            from qreport.workbook.annotate import annotate

            findings = [Finding(**f) for f in version.finding_dicts()]
            annotate(self.store.version_file(version), findings, self.store.annotated_dir)
        return target

    # -- bureau side -----------------------------------------------------------------------------

    def is_bureau(self, request: Request) -> bool:
        session = request.session
        since = session.get("since")
        return (
            same_secret(session.get("bureau"), self.password.session_mark)
            and isinstance(since, int | float)
            and 0 <= time.time() - since < SESSION_SECONDS
        )

    def rows(self) -> list[dict[str, Any]]:
        latest = self.store.latest_versions()
        out = []
        for school in self.store.schools():
            last, accepted = latest.get(school.id, (None, None))
            status = school_status(last, accepted)
            out.append({"school": school, "latest": last, "accepted": accepted, "status": status,
                        "css": STATUS_CSS[status]})  # fmt: skip
        return out

    def zip_submissions(self) -> Path:
        chosen = self.store.snapshot()
        fd, name = tempfile.mkstemp(prefix="qreport-submissions-", suffix=".zip")
        with open(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for school, version in chosen:
                zf.write(self.store.version_file(version), f"{safe_file_name(school.name)}.xlsx")
        return Path(name)


def load_portal_config(folder: Path) -> Config:
    if not folder.is_dir():
        raise ConfigError(f"找不到文件夹 {folder}。请先用 qreport init {folder} 建立教育局文件夹。")
    config = find_config(folder)
    if not (folder / "qreport.toml").is_file():
        raise ConfigError(
            f"文件夹 {folder} 中没有 qreport.toml。请先运行 qreport init {folder}，"
            "并在其中的 [[schools]] 列出应报送的学校。"
        )
    if not config.schools:
        raise ConfigError(
            f'{folder / "qreport.toml"} 中没有列出应报送的学校。请为每所学校加一段 [[schools]]（name = "学校名称"）。'
        )
    return config


# ---------------------------------------------------------------------------------------------
# Routes


def create_app(folder: Path, password: str, *, previous: Path | None = None, settings: Settings | None = None,
               log: Callable[[str], None] | None = None) -> Starlette:  # fmt: skip
    portal = Portal(folder, password, previous=previous, settings=settings, log=log)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["time"] = shown_time
    templates.env.globals["title"] = portal.config.report.title
    templates.env.globals["region"] = portal.config.region.short_name
    templates.env.globals["year"] = portal.catalog.year
    for name in templates.env.list_templates():  # compiled now, not while the first schools wait
        templates.env.get_template(name)

    def csrf(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str):
            token = new_csrf()
            request.session["csrf"] = token
        return token

    def page(request: Request, name: str, http_status: int = 200, **context: Any) -> Response:
        context.setdefault("message", None)
        context["csrf"] = csrf(request)
        context["bureau"] = portal.is_bureau(request)
        response = templates.TemplateResponse(request, name, context, status_code=http_status)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def posted(request: Request) -> Any:
        """The form of a POST, refused (403) unless it carries the session's CSRF value."""
        form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
        if not same_secret(str(form.get("csrf") or ""), request.session.get("csrf")):
            raise HTTPException(403)
        return form

    def require_bureau(request: Request) -> None:
        if not portal.is_bureau(request):
            raise HTTPException(303, headers={"Location": "/bureau/login"})

    # -- general ---------------------------------------------------------------------------------

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def index(request: Request) -> Response:
        return page(request, "index.html")

    # -- school ----------------------------------------------------------------------------------

    def school_context(school: SchoolRow) -> dict[str, Any]:
        versions = portal.store.versions(school.id)
        accepted = next((v for v in versions if v.accepted), None)
        latest = versions[0] if versions else None
        status = school_status(latest, accepted)
        return {"school": school, "versions": versions, "accepted": accepted, "latest": latest,
                "status": status, "css": STATUS_CSS[status], "limit_mb": portal.settings.upload_limit // 2**20,
                "has_previous": portal.previous is not None}  # fmt: skip

    async def school_page(request: Request) -> Response:
        school = portal.school_for(request)
        return page(request, "school.html", **school_context(school), base=request.url.path)

    async def school_template(request: Request) -> Response:
        school = portal.school_for(request)
        data = await run_in_threadpool(portal.template_bytes, school)
        return attachment(data, f"{school.name}_{portal.catalog.year}年填报表.xlsx", XLSX)

    async def school_upload(request: Request) -> Response:
        school = portal.school_for(request)
        base = f"/s/{request.path_params['token']}"
        if not portal.upload_rate.allow(school.token_hash):
            wait = portal.upload_rate.retry_after(school.token_hash)
            response = page(request, "school.html", 429, **school_context(school), base=base,
                            message=f"上传太频繁（每分钟最多 {portal.settings.uploads_per_minute} 次），请 {wait} 秒后再试。")  # fmt: skip
            response.headers["Retry-After"] = str(wait)
            return response
        form = await posted(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return page(request, "school.html", 400, **school_context(school), base=base,
                        message="没有收到文件。请先选择（或拖入）填好的 .xlsx 工作簿，再点“上传并校验”。")  # fmt: skip
        staged = portal.store.staging_path()
        try:
            saved = await run_in_threadpool(save_upload, upload.file, staged, portal.settings.upload_limit)
        except TooLarge:
            raise HTTPException(413) from None
        finally:
            await upload.close()
        outcome = await run_in_threadpool(
            check_and_record,
            portal.store,
            school,
            staged,
            saved,
            upload.filename,
            portal.catalog,
            portal.outline,
        )
        if isinstance(outcome, Refused):
            portal.log(f"{school.name}：上传被拒绝（{outcome.message}）")
            return page(
                request, "school.html", 409, **school_context(school), base=base, message=outcome.message
            )
        verdict = "通过" if outcome.accepted else "有错误"
        portal.log(
            f"{school.name}：第 {outcome.seq} 版，错误 {outcome.errors} 项，警告 {outcome.warnings} 项（{verdict}）"
        )
        return RedirectResponse(f"{base}/v/{outcome.seq}", status_code=303)

    def version_or_404(school: SchoolRow, request: Request) -> VersionRow:
        try:
            seq = int(request.path_params["seq"])
        except ValueError:
            raise HTTPException(404) from None
        version = portal.store.version(school.id, seq)
        if version is None:
            raise HTTPException(404)
        return version

    def version_page(request: Request, school: SchoolRow, version: VersionRow, base: str) -> Response:
        context = school_context(school)
        return page(request, "version.html", **context, version=version, base=base,
                    groups=group_by_sheet(version.finding_dicts()),
                    is_submission=context["accepted"] is not None and context["accepted"].id == version.id)  # fmt: skip

    async def school_version(request: Request) -> Response:
        school = portal.school_for(request)
        version = version_or_404(school, request)
        return version_page(request, school, version, f"/s/{request.path_params['token']}")

    async def annotated_download(school: SchoolRow, version: VersionRow) -> Response:
        path = await run_in_threadpool(portal.annotated, version)
        if path is None:
            raise HTTPException(404)
        return attachment(path, f"{Path(version.original_name).stem}_标注.xlsx", XLSX)

    async def school_annotated(request: Request) -> Response:
        school = portal.school_for(request)
        return await annotated_download(school, version_or_404(school, request))

    # -- bureau ----------------------------------------------------------------------------------

    async def login_form(request: Request) -> Response:
        if portal.is_bureau(request):
            return RedirectResponse("/bureau", status_code=303)
        return page(request, "login.html")

    async def login(request: Request) -> Response:
        client = request.client.host if request.client else "?"
        if not portal.login_rate.allow(client):
            return page(request, "login.html", 429, message="登录尝试太频繁，请一分钟后再试。")
        form = await posted(request)
        if not portal.password.matches(str(form.get("password") or "")):
            portal.log(f"教育局登录失败（来自 {client}）")
            return page(
                request,
                "login.html",
                401,
                message="密码不对。密码是启动 qreport serve 时 QREPORT_PASSWORD 的值。",
            )
        request.session.clear()
        request.session.update(
            {"bureau": portal.password.session_mark, "since": int(time.time()), "csrf": new_csrf()}
        )
        portal.log(f"教育局已登录（来自 {client}）")
        return RedirectResponse("/bureau", status_code=303)

    async def logout(request: Request) -> Response:
        await posted(request)
        request.session.clear()
        return RedirectResponse("/", status_code=303)

    def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
        out = {status: 0 for status in STATUS_CSS}
        for row in rows:
            out[row["status"]] += 1
        return out

    async def bureau(request: Request) -> Response:
        require_bureau(request)
        rows = portal.rows()
        return page(request, "bureau.html", rows=rows, totals=totals(rows), build=portal.store.latest_build(),
                    kinds=OUTPUT_KINDS)  # fmt: skip

    def base_url(request: Request) -> str:
        typed = str(request.query_params.get("base") or "").strip().rstrip("/")
        if typed.startswith(("http://", "https://")) and len(typed) < 300:
            return typed
        return str(request.base_url).rstrip("/")

    async def links(request: Request) -> Response:
        require_bureau(request)
        base = base_url(request)
        items = [(s, f"{base}/s/{portal.store.link_token(s)}") for s in portal.store.schools()]
        return page(request, "links.html", items=items, base_url=base)

    def bureau_school(request: Request) -> SchoolRow:
        try:
            school = portal.store.school(int(request.path_params["school_id"]))
        except ValueError:
            school = None
        if school is None:
            raise HTTPException(404)
        return school

    async def renew(request: Request) -> Response:
        require_bureau(request)
        await posted(request)
        school = bureau_school(request)
        portal.store.renew(school.id)
        portal.log(f"已更换 {school.name} 的链接，旧链接失效")
        return RedirectResponse(f"/bureau/links?renewed={school.id}", status_code=303)

    async def bureau_school_page(request: Request) -> Response:
        require_bureau(request)
        school = bureau_school(request)
        return page(request, "school.html", **school_context(school), base=f"/bureau/schools/{school.id}")

    async def bureau_version(request: Request) -> Response:
        require_bureau(request)
        school = bureau_school(request)
        return version_page(request, school, version_or_404(school, request), f"/bureau/schools/{school.id}")

    async def bureau_annotated(request: Request) -> Response:
        require_bureau(request)
        school = bureau_school(request)
        return await annotated_download(school, version_or_404(school, request))

    async def bureau_original(request: Request) -> Response:
        require_bureau(request)
        school = bureau_school(request)
        version = version_or_404(school, request)
        return attachment(portal.store.version_file(version), version.original_name, XLSX)

    async def submissions_zip(request: Request) -> Response:
        require_bureau(request)
        path = await run_in_threadpool(portal.zip_submissions)
        name = f"{portal.config.region.short_name or '各校'}{portal.catalog.year}年报送工作簿.zip"
        return attachment(
            path, name, "application/zip", background=BackgroundTask(path.unlink, missing_ok=True)
        )

    async def start_build(request: Request) -> Response:
        require_bureau(request)
        await posted(request)
        try:
            build_id = portal.builder.start()
        except BuildRunning:
            rows = portal.rows()
            return page(request, "bureau.html", 409, rows=rows, totals=totals(rows), kinds=OUTPUT_KINDS,
                        build=portal.store.latest_build(), message="已有一次草稿生成正在进行，请等它完成。")  # fmt: skip
        portal.log(f"开始生成草稿（第 {build_id} 次）")
        return RedirectResponse("/bureau#build", status_code=303)

    async def build_status(request: Request) -> Response:
        if not portal.is_bureau(request):
            return JSONResponse({"error": "请先登录"}, status_code=403)
        build = portal.store.latest_build()
        if build is None:
            return JSONResponse({"state": "none"})
        return JSONResponse({"id": build.id, "state": build.state, "phase": build.phase, "done": build.done,
                             "total": build.total, "message": build.message},
                            headers={"Cache-Control": "no-store"})  # fmt: skip

    async def build_download(request: Request) -> Response:
        require_bureau(request)
        try:
            build = portal.store.build(int(request.path_params["build_id"]))
        except ValueError:
            build = None
        kind = str(request.path_params["kind"])
        name = build.output_names().get(kind) if build is not None and build.state == "done" else None
        if build is None or name is None:
            raise HTTPException(404)
        path = portal.store.build_dir(build.id) / "out" / name
        if not path.is_file():
            raise HTTPException(404)
        return attachment(path, name, MEDIA.get(path.suffix, "application/octet-stream"))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 303 and exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=303)
        message = HTTP_MESSAGES.get(exc.status_code, "请求无法完成。")
        return page(request, "error.html", exc.status_code, message=message, code=exc.status_code)

    routes = [
        Route("/healthz", healthz),
        Route("/", index),
        Route("/s/{token}", school_page),
        Route("/s/{token}/template", school_template),
        Route("/s/{token}/upload", school_upload, methods=["POST"]),
        Route("/s/{token}/v/{seq}", school_version),
        Route("/s/{token}/v/{seq}/annotated", school_annotated),
        Route("/bureau/login", login_form),
        Route("/bureau/login", login, methods=["POST"]),
        Route("/bureau/logout", logout, methods=["POST"]),
        Route("/bureau", bureau),
        Route("/bureau/links", links),
        Route("/bureau/schools/{school_id}", bureau_school_page),
        Route("/bureau/schools/{school_id}/renew", renew, methods=["POST"]),
        Route("/bureau/schools/{school_id}/v/{seq}", bureau_version),
        Route("/bureau/schools/{school_id}/v/{seq}/annotated", bureau_annotated),
        Route("/bureau/schools/{school_id}/v/{seq}/file", bureau_original),
        Route("/bureau/submissions.zip", submissions_zip),
        Route("/bureau/build", start_build, methods=["POST"]),
        Route("/bureau/build/status", build_status),
        Route("/bureau/builds/{build_id}/{kind}", build_download),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, limit=portal.settings.upload_limit + 256 * 1024),
        Middleware(
            SessionMiddleware,
            secret_key=derive(portal.store.secret, "session").hex(),
            session_cookie="qreport_session",
            max_age=SESSION_SECONDS,
            same_site="lax",
        ),  # fmt: skip
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(portal.builder.stop)

    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error},
                    lifespan=lifespan)  # fmt: skip
    app.state.portal = portal
    return app
