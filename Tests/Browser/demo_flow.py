"""A person's first visit, in headless Chromium: demo mode from sign-in to sign-out.

Run by the Swift test BrowserTests (so by scripts/test and CI):

    python demo_flow.py ENCORE_BINARY SCREENSHOT_FOLDER

Starts `encore serve` in demo mode in an empty folder, then clicks through: home, "Log in with
Spotify", the emulator's consent page, Agree, top tracks (20 rows, every image loaded), another
time range, "Save as playlist", the listening history (figures, sessions and streaks, charts, top
lists, all time, a yearly recap with its calendar, an artist's page, one of its tracks, every track
sorted by minutes both ways, "Start recording" and Spotify's consent again), "Log out". Fails on any browser
console error or broken image.
Screenshots of each step go to SCREENSHOT_FOLDER.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

binary, shots = sys.argv[1], sys.argv[2]
os.makedirs(shots, exist_ok=True)
workdir = tempfile.mkdtemp(prefix="encore-browser-")
environment = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "ENCORE_"))}
server = subprocess.Popen([binary, "serve", "--no-browser", "--port", "0", "--env-file", "none.env"],
                          cwd=workdir, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


try:
    base = None
    deadline = time.monotonic() + 120
    while base is None and time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        match = re.search(r"Encore is running at (http://127\.0\.0\.1:\d+)", line)
        if match:
            base = match.group(1)
    if base is None:
        raise SystemExit("encore serve did not start")

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,1400"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    wait = WebDriverWait(driver, 30)
    step = 0

    def shot(name):
        global step
        step += 1
        driver.save_screenshot(os.path.join(shots, f"{step:02d}-{name}.png"))

    def console_errors():
        return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]

    def broken_images():
        return driver.execute_script(
            "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")

    def settle(name):
        wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        wait.until(lambda d: not d.execute_script(
            "return Array.from(document.images).some(i => !i.complete)"))
        shot(name)
        check(not broken_images(), f"{name}: broken images {broken_images()}")
        errors = console_errors()
        check(not errors, f"{name}: console errors {errors}")

    try:
        driver.get(base + "/")
        settle("home")
        driver.find_element(By.LINK_TEXT, "Log in with Spotify").click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "button.agree")))
        settle("consent")
        check("wants to access your Spotify account" in driver.page_source, "consent page wording")
        driver.find_element(By.CSS_SELECTOR, "button.agree").click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "profile-name")))
        settle("signed-in")
        check(driver.find_element(By.ID, "profile-name").text != "", "profile name shown")

        driver.find_element(By.LINK_TEXT, "Your top tracks").click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "table.top tbody tr")))
        settle("top-tracks")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.top tbody tr")
        check(len(rows) == 20, f"20 rows, got {len(rows)}")
        covers = driver.find_elements(By.CSS_SELECTOR, "table.top td.cover img")
        check(len(covers) == 20, f"20 covers, got {len(covers)}")
        first_title = rows[0].find_element(By.CSS_SELECTOR, "td.title a").text

        driver.find_element(By.LINK_TEXT, "Last 4 weeks").click()
        wait.until(lambda d: "short_term" in d.current_url)
        settle("top-tracks-short-term")
        current = driver.find_element(By.CSS_SELECTOR, ".tabs a[aria-current=page]").text
        check(current == "Last 4 weeks", f"current tab is {current}")
        rows = driver.find_elements(By.CSS_SELECTOR, "table.top tbody tr")
        check(len(rows) == 20, f"20 rows in the short range, got {len(rows)}")
        check(rows[0].find_element(By.CSS_SELECTOR, "td.title a").text != first_title, "the list changes with the range")

        driver.find_element(By.CSS_SELECTOR, "form.save button").click()
        wait.until(expected_conditions.presence_of_element_located((By.XPATH, "//h1[text()='Saved to Spotify']")))
        settle("playlist-saved")
        check("20 tracks" in driver.page_source, "playlist holds 20 tracks")

        # The listening history: demo mode starts with six weeks of it.
        driver.get(base + "/")
        driver.find_element(By.LINK_TEXT, "Your listening history").click()
        wait.until(expected_conditions.presence_of_element_located((By.XPATH, "//h1[text()='Your listening']")))
        settle("history")
        values = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "main > ul.stats .stat-value")]
        check(len(values) == 4 and values[0] not in ("", "0"), f"minutes listened shown, got {values}")
        habits = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "#habits .stat-value")]
        check(len(habits) == 4 and habits[0] not in ("", "0"), f"sessions and streaks shown, got {habits}")
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart-svg")
        check(len(charts) == 3, f"three charts, got {len(charts)}")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#chart-timeline rect.bar")) == 28, "a bar per day of the last four weeks")
        check(driver.find_element(By.CSS_SELECTOR, "#chart-hours desc").get_attribute("textContent").startswith("Minutes listened by hour"),
              "the hour chart describes itself")
        rows = driver.find_elements(By.CSS_SELECTOR, "#top-tracks table.history tbody tr")
        check(len(rows) >= 10, f"top tracks listed, got {len(rows)}")
        driver.set_window_size(1200, 1700)
        driver.save_screenshot(os.path.join(shots, "history-full.png"))
        driver.set_window_size(1200, 1400)

        driver.find_element(By.LINK_TEXT, "All time").click()
        wait.until(lambda d: "period=all" in d.current_url)
        settle("history-all-time")
        check(driver.find_element(By.CSS_SELECTOR, ".tabs a[aria-current=page]").text == "All time", "the preset is marked")
        years = driver.find_elements(By.CSS_SELECTOR, "nav.years a")
        check(len(years) >= 1, "a link to the yearly recap")
        years[-1].click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".recap .lead")))
        settle("history-year")
        check("you listened to" in driver.find_element(By.CSS_SELECTOR, ".recap .lead").text, "the recap sums the year up")
        cells = driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect")
        check(len(cells) in (365, 366), f"a calendar square per day of the year, got {len(cells)}")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.heatmap rect.heat0")) < len(cells), "some days have listening")

        # From the top artists to an artist's story, one of its tracks, and every track, sorted.
        driver.get(base + "/history?period=all")
        artist = driver.find_element(By.CSS_SELECTOR, "#top-artists tbody td.title a")
        name = artist.text
        artist.click()
        wait.until(lambda d: "/history/artist/" in d.current_url)
        settle("history-artist")
        check(driver.find_element(By.TAG_NAME, "h1").text == name, f"the artist page is {name}'s")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#chart-item-months rect.bar")) >= 1, "plays per month drawn")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#chart-item-hours rect.bar")) == 24, "a bar per hour of day")
        track = driver.find_element(By.CSS_SELECTOR, "#item-tracks tbody td.title a")
        title = track.text
        track.click()
        wait.until(lambda d: "/history/track/" in d.current_url)
        settle("history-track")
        check(driver.find_element(By.TAG_NAME, "h1").text == title, f"the track page is {title}'s")
        driver.get(base + "/history?period=all")
        driver.find_element(By.LINK_TEXT, "Every track of this period").click()
        wait.until(lambda d: "/history/tracks" in d.current_url)
        driver.find_element(By.CSS_SELECTOR, "table.items thead th:nth-child(4) a").click()
        wait.until(lambda d: "sort=minutes" in d.current_url and "order=desc" in d.current_url)
        minutes = [int(cell.text.replace(",", "")) for cell in driver.find_elements(By.CSS_SELECTOR, "table.items tbody td:nth-child(4)")]
        check(len(minutes) > 1 and minutes == sorted(minutes, reverse=True), f"most minutes first, got {minutes[:5]}")
        driver.find_element(By.CSS_SELECTOR, "table.items thead th:nth-child(4) a").click()
        wait.until(lambda d: "order=asc" in d.current_url)
        settle("history-tracks")
        minutes = [int(cell.text.replace(",", "")) for cell in driver.find_elements(By.CSS_SELECTOR, "table.items tbody td:nth-child(4)")]
        check(minutes == sorted(minutes), f"least minutes first after a second click, got {minutes[:5]}")
        check(driver.find_element(By.CSS_SELECTOR, "table.items thead th:nth-child(4)").get_attribute("aria-sort") == "ascending",
              "the sorted column says so")

        # Recording asks Spotify once more, for recently played on top of what was given.
        driver.get(base + "/history")
        driver.find_element(By.LINK_TEXT, "Start recording").click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "button.agree")))
        settle("consent-recently-played")
        driver.find_element(By.CSS_SELECTOR, "button.agree").click()
        wait.until(expected_conditions.presence_of_element_located((By.XPATH, "//p[@class='notice']")))
        settle("recording-on")
        check("Recording is on" in driver.page_source, "recording is on after agreeing")
        check(len(driver.find_elements(By.XPATH, "//button[text()='Stop recording']")) == 1, "and can be stopped")

        driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
        wait.until(expected_conditions.presence_of_element_located((By.LINK_TEXT, "Log in with Spotify")))
        settle("signed-out")
        driver.get(base + "/api/me")
        check('"not_authenticated"' in driver.page_source, "signed out for the API too")
    finally:
        driver.quit()
finally:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print(f"browser flow passed; screenshots in {shots}")
