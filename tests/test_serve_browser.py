"""The portal in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`, installed
by .ci/run) driven by Selenium against the real server. The bureau logs in and copies a school's link;
the school downloads its template, uploads a workbook with an error, reads the findings, uploads the
fixed one; the bureau sees 已通过 and builds the draft. A screenshot of each page is kept in
test-output/portal/ (the directory QREPORT_TEST_OUTPUT names, when set)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qreport.serve.app import create_app

from portal_fixtures import PASSWORD, bureau_folder, live_server, school_info, school_workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="Chromium and chromium-driver are not installed (.ci/run installs them)",
)
OUTPUT = (
    Path(os.environ.get("QREPORT_TEST_OUTPUT") or Path(__file__).parent.parent / "test-output") / "portal"
)
WAIT = 60


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1100", "--lang=zh-CN", "--no-first-run"):  # fmt: skip
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "intl.accept_languages": "zh-CN"})  # fmt: skip
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: object, name: str) -> Path:
    """A screenshot of the whole page: the window grows past the page's height (a window's size
    includes the browser's own frame), then the picture is cut at the page's end."""
    from PIL import Image

    OUTPUT.mkdir(parents=True, exist_ok=True)
    driver.execute_script("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
    height = min(int(driver.execute_script("return document.documentElement.scrollHeight")), 4000)  # type: ignore[attr-defined]
    driver.set_window_size(1280, height + 200)  # type: ignore[attr-defined]
    path = OUTPUT / f"{name}.png"
    driver.save_screenshot(str(path))  # type: ignore[attr-defined]
    with Image.open(path) as image:
        image.crop((0, 0, image.width, min(image.height, height))).save(path)
    return path


def wait_for_file(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}")


def test_bureau_and_school_in_a_real_browser(browser: object, tmp_path: Path, blank_template: Path) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT)  # type: ignore[arg-type]
    find = driver.find_element  # type: ignore[attr-defined]
    folder = bureau_folder(tmp_path / "2024年报", 3)
    school = school_info(0)[0]
    broken = school_workbook(tmp_path / "school", 0, "error", name="本校填报表.xlsx")
    fixed = school_workbook(tmp_path / "school" / "fixed", 0, "pass", name="本校填报表.xlsx")
    with live_server(create_app(folder, PASSWORD)) as base:
        # the bureau logs in and copies the school's link
        driver.get(f"{base}/bureau")  # type: ignore[attr-defined]
        wait.until(ec.presence_of_element_located((By.ID, "password")))
        shot(driver, "01-bureau-login")
        find(By.ID, "password").send_keys(PASSWORD)
        find(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.ID, "schools")))
        assert "未提交 3" in find(By.CLASS_NAME, "totals").text
        shot(driver, "02-bureau-empty")
        find(By.LINK_TEXT, "学校链接").click()
        field = wait.until(
            ec.presence_of_element_located((By.CSS_SELECTOR, f"input[data-school='{school}']"))
        )
        link = field.get_attribute("value")
        copy = field.find_element(By.XPATH, "ancestor::tr//button[contains(@class,'copy')]")
        copy.click()
        wait.until(lambda d: copy.text == "已复制")
        assert link.startswith(f"{base}/s/")
        shot(driver, "03-bureau-links")

        # the school, in a browser of its own (no bureau session), opens its link
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(link)  # type: ignore[attr-defined]
        wait.until(ec.presence_of_element_located((By.ID, "upload-form")))
        assert school in find(By.TAG_NAME, "h1").text and "还没有上传" in find(By.CLASS_NAME, "lead").text
        shot(driver, "04-school-page")
        find(By.PARTIAL_LINK_TEXT, "下载本校填报表").click()
        template = wait_for_file(driver.downloads, ".xlsx")  # type: ignore[attr-defined]
        info = {r[0].value: r[1].value for r in load_workbook(template)["基本信息"].iter_rows(max_col=2)}
        assert info["学校名称"] == school

        # uploads a workbook with an error and reads the findings
        assert "尚未选择文件" in find(By.ID, "chosen").text
        find(By.ID, "file").send_keys(str(broken))
        assert "已选择：本校填报表.xlsx" in find(By.ID, "chosen").text
        find(By.ID, "upload-button").click()
        wait.until(ec.presence_of_element_located((By.CLASS_NAME, "findings")))
        page = find(By.TAG_NAME, "main").text
        assert (
            "第 1 版校验结果" in page and "有错误" in page and "“很多”不是数字" in page and "计分卡" in page
        )
        shot(driver, "05-school-findings")

        # uploads the fixed workbook
        find(By.PARTIAL_LINK_TEXT, "返回").click()
        wait.until(ec.presence_of_element_located((By.ID, "file"))).send_keys(str(fixed))
        find(By.ID, "upload-button").click()
        wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "第 2 版校验结果"))
        assert "已通过" in find(By.CLASS_NAME, "lead").text
        shot(driver, "06-school-passed")
        find(By.PARTIAL_LINK_TEXT, "返回").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.grid")))
        shot(driver, "07-school-history")

        # the bureau sees 已通过 and builds the draft
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(f"{base}/bureau/login")  # type: ignore[attr-defined]
        wait.until(ec.presence_of_element_located((By.ID, "password"))).send_keys(PASSWORD)
        find(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.ID, "schools")))
        row = find(By.XPATH, f"//table[@id='schools']//tr[td[1][normalize-space()='{school}']]")
        assert "已通过" in row.text
        assert "已通过 1" in find(By.CLASS_NAME, "totals").text
        find(By.XPATH, "//button[normalize-space()='生成草稿报告']").click()
        # the page reloads itself when the build ends: an element found just before is then stale
        WebDriverWait(driver, 300, ignored_exceptions=[StaleElementReferenceException]).until(  # type: ignore[arg-type]
            lambda d: d.find_element(By.ID, "build-status").get_attribute("data-state") in ("done", "failed")
        )
        status = find(By.ID, "build-status")
        assert status.get_attribute("data-state") == "done", status.text
        shot(driver, "08-bureau-draft-built")
        for old in driver.downloads.iterdir():  # type: ignore[attr-defined]
            old.unlink()
        find(By.PARTIAL_LINK_TEXT, "Word 报告（草稿）").click()
        report = wait_for_file(driver.downloads, ".docx")  # type: ignore[attr-defined]
        assert "草稿" in report.name and report.read_bytes()[:2] == b"PK"
