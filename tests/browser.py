"""A real browser for page tests: Debian's chromium driven by Playwright (never `playwright install`)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HUYING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django must allow its ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium, live_server):
    """A phone-sized page (390×844) in Chinese, against the live test server."""
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, **PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk_page(chromium, live_server):
    """A desktop-sized page (1366×900) in Chinese, against the live test server."""
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


SCREENSHOTS = Path(os.environ.get("HUYING_SCREENSHOTS", Path(__file__).resolve().parent.parent / "var" / "screenshots"))


def screenshot(page, name: str) -> Path:
    """Keep a full-page picture of what the test saw (a test artefact under var/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
