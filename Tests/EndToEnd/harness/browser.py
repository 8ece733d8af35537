"""A real browser: Debian's chromium, driven by Selenium through Debian's chromedriver.

Both binaries are named explicitly (`Service(executable_path=…)`, `options.binary_location`) and
SE_OFFLINE is set, so Selenium's own manager looks nothing up and downloads nothing; `Browser`
also fails at once if Selenium tries to run its manager anyway. Headless; `--no-sandbox` only when
run as root (Chromium refuses to start as root with its sandbox). Korean text needs a Korean font
(fonts-nanum), or the screenshots show empty boxes: `missing()` says so.

    with Browser(shots) as browser:
        browser.open(url)
        browser.shoot("front")        # front-phone.png and front-desktop.png in `shots`
"""
import os
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# (label, width, height): a common phone in portrait and a laptop.
WIDTHS = (("phone", 390, 844), ("desktop", 1280, 900))


def missing():
    """Why the browser scenario cannot run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            return f"needs Debian's {package} ({path}); scripts/ensure-deps.sh test installs it as root"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "needs selenium from PyPI (scripts/ensure-deps.sh test installs it)"
    if korean_font() is None:
        return "needs a Korean font (fonts-nanum) for readable screenshots"
    return None


def korean_font():
    try:
        found = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return None
    families = [line for line in found.stdout.splitlines() if line.strip()]
    return families[0] if families else None


class SeleniumManagerCalled(AssertionError):
    pass


def _refuse_selenium_manager(*args, **kwargs):
    raise SeleniumManagerCalled(f"Selenium tried to run its manager (which may download a browser): {args}")


class Browser:
    """One headless Chromium. `ca_file` is not installed anywhere: the browser is told to accept
    the test proxy's self-signed certificate (acceptInsecureCerts), for 127.0.0.1 only."""

    def __init__(self, shots_dir, accept_language="ko-KR,ko", insecure_certs=False):
        os.environ["SE_OFFLINE"] = "true"
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common import selenium_manager

        selenium_manager.SeleniumManager.binary_paths = _refuse_selenium_manager

        options = Options()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--disable-extensions", "--hide-scrollbars", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--metrics-recording-only",
                         "--no-default-browser-check", "--force-device-scale-factor=1",
                         f"--window-size={WIDTHS[1][1]},{WIDTHS[1][2]}", f"--lang={accept_language.split(',')[0]}"):
            options.add_argument(argument)
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")
        if insecure_certs:
            options.accept_insecure_certs = True
        options.add_experimental_option("prefs", {"intl.accept_languages": accept_language})
        self.shots_dir = Path(shots_dir)
        self.shots_dir.mkdir(parents=True, exist_ok=True)
        self.shots = []
        self.log_path = self.shots_dir / "chromedriver.log"
        service = Service(executable_path=CHROMEDRIVER, log_output=str(self.log_path))
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_page_load_timeout(30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()

    def quit(self):
        if self.driver is not None:
            self.driver.quit()
            self.driver = None

    def open(self, url):
        self.driver.get(url)

    @property
    def url(self):
        return self.driver.current_url

    @property
    def html(self):
        return self.driver.page_source

    @property
    def heading(self):
        found = self.find_all("h1")
        return found[0].text.strip() if found else None

    def find(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def set_checked(self, css, checked):
        """Clicks a checkbox's or radio's label when its state differs, as a person would."""
        box = self.find(css)
        if box.is_selected() != checked:
            labels = self.find_all(f'label[for="{box.get_attribute("id")}"]')
            (labels[0] if labels else box).click()
        assert box.is_selected() == checked, f"{css} is not {'checked' if checked else 'unchecked'}"

    def submit(self, button_css):
        """Clicks a submit button and waits until the next page has loaded."""
        from selenium.webdriver.support.ui import WebDriverWait

        old = self.find("html")
        self.find(button_css).click()

        def replaced(driver):
            try:
                old.is_enabled()
                return False
            except Exception:  # StaleElementReferenceException: the old page is gone
                return driver.execute_script("return document.readyState") == "complete"

        WebDriverWait(self.driver, 30).until(replaced)

    def shoot(self, name):
        """Whole-page screenshots at phone and desktop widths: NAME-phone.png, NAME-desktop.png.

        The window is made as tall as the page, so the picture holds all of it. Returns, per width,
        how many pixels the page is wider than the window (0 when nothing sticks out sideways).
        """
        overflow = {}
        for label, width, height in WIDTHS:
            self.driver.set_window_size(width, height)
            full = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, max(height, min(int(full), 8000)))
            self.driver.execute_script("window.scrollTo(0, 0)")
            overflow[label] = self.horizontal_overflow()
            path = self.shots_dir / f"{name}-{label}.png"
            self.driver.save_screenshot(str(path))
            self.shots.append(path)
        self.driver.set_window_size(WIDTHS[1][1], WIDTHS[1][2])
        return overflow

    def horizontal_overflow(self):
        """Pixels the page is wider than the window (0 when nothing sticks out sideways)."""
        return self.driver.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)")
