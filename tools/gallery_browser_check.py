#!/usr/bin/env python3
"""Opens the gallery (outputs/index.html) from file:// in a real headless Chromium and checks it.

Checks: every image loads (complete, naturalWidth > 0); the browser logs no console error; every
link resolves (a relative path to an existing file, an anchor to an element of the page); at least
one figure is shown. Writes a full-page screenshot for a person to look at.

Usage:  python3 tools/gallery_browser_check.py outputs/index.html SCREENSHOT.png
Needs:  Debian's chromium and chromium-driver, and selenium (`make test-gallery` installs them).
Exit:   0 all checks pass, 1 a check failed (each failure printed), 2 bad arguments.

Chromium and its driver are started here and always stopped here, by the driver's PID, also when
a check fails.
"""
import os
import signal
import sys
from urllib.parse import unquote, urlparse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def main(page_path, screenshot_path):
    page = os.path.abspath(page_path)
    if not os.path.isfile(page):
        print(f"{page_path}: no such file", file=sys.stderr)
        return 2
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--allow-file-access-from-files", "--window-size=1400,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)
    driver = None
    failures = []
    try:
        driver = webdriver.Chrome(service=service, options=options)
        driver.get("file://" + page)
        driver.execute_script("return new Promise(r => document.readyState === 'complete' ? r() : addEventListener('load', r))")
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
        if not images:
            failures.append("the page shows no image")
        for src, complete, width in images:
            if not complete or not width:
                failures.append(f"image {src} did not load (complete={complete}, naturalWidth={width})")
        ids = set(driver.execute_script("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)"))
        links = driver.execute_script("return Array.from(document.links).map(a => [a.getAttribute('href'), a.href])")
        for href, resolved in links:
            if href.startswith("#"):
                if href[1:] not in ids:
                    failures.append(f"link {href}: no element with that id")
                continue
            url = urlparse(resolved)
            if url.scheme != "file":
                failures.append(f"link {href} leaves the page's folder ({url.scheme}:)")
            elif not os.path.isfile(unquote(url.path)):
                failures.append(f"link {href}: {unquote(url.path)} does not exist")
        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                failures.append(f"console: {entry.get('message')}")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1400, min(max(int(height), 800), 16000))
        driver.save_screenshot(screenshot_path)
        print(f"{len(images)} images loaded, {len(links)} links resolved, screenshot {screenshot_path} "
              f"({1400} × {min(max(int(height), 800), 16000)})" if not failures else "", end="")
    finally:
        if driver is not None:
            driver.quit()
        process = getattr(service, "process", None)
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    for failure in failures:
        print(failure, file=sys.stderr)
    print()
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
