"""The SolaraViz page: the what-if knobs, the components rendered without a browser, and a
screenshot of the served page in headless Chromium."""

import base64
import datetime as dt
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import ipyvuetify as v
import ipywidgets
import numpy as np
import pytest
import solara
from matplotlib.image import imread

import app
from sim.symbols import light_tint

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
DAY = app.STEPS_PER_DAY


def rgb(png: bytes) -> np.ndarray:
    """A PNG as an (h, w, 3) array of 0-255 integers."""
    return (imread(io.BytesIO(png))[..., :3] * 255).round().astype(int)


def pixels_near(image: np.ndarray, colour, tolerance: int = 6) -> int:
    target = np.array(colour) * 255
    return int((np.abs(image - target).max(axis=-1) <= tolerance).sum())


def widget_images(rc, count: int = 1, unlike: bytes | None = None) -> list[bytes]:
    """The page's images, once ``count`` are drawn and the first is not ``unlike``.

    The map is drawn beside the page, so it arrives a moment after the rest.
    """
    deadline = time.monotonic() + 30
    while True:
        images = [widget.value for widget in rc.find(ipywidgets.Image).widgets]
        if len(images) >= count and images[0] != unlike:
            return images
        assert time.monotonic() < deadline, f"{len(images)} of {count} images drawn in 30 s"
        time.sleep(0.05)


# ------------------------------------------------------------------ knobs


def test_knobs_left_at_history_build_the_historical_scenario():
    model = app.WhatIfModel()
    spec = model.spec
    assert spec.start_date == app.HISTORICAL.start_date
    assert spec.weather.forcing_enabled
    assert all(p.enabled for p in spec.sides["armenia"].plan.phases)
    assert {spec.battalion_winter_equipment(b) for b, unit in spec.battalions.items()
            if unit.side == "azerbaijan"} == {app.HISTORICAL_WINTER_EQUIPMENT}


def test_each_knob_changes_the_built_scenario():
    spec = app.build_scenario("omar_pass_held", winter_equipment=1.0, shift_days=-30,
                              counteroffensive=False, weather_forcing=False)
    azerbaijani = [b for b, unit in spec.battalions.items() if unit.side == "azerbaijan"]
    assert "az_reserve_1" in azerbaijani  # the variant's early reserves take the kit too
    assert all(spec.battalion_winter_equipment(b) == 1.0 for b in azerbaijani)
    armenia = spec.sides["armenia"]
    assert armenia.winter_equipment == app.HISTORICAL.sides["armenia"].winter_equipment
    assert spec.start_date == app.HISTORICAL.start_date - dt.timedelta(days=30)
    assert spec.shifted_by_days == -30
    phases = {p.name: p.enabled for p in spec.sides["armenia"].plan.phases}
    assert phases == {"defend the district": True,
                      "counter-offensive on the Omar Pass road": False}
    assert not spec.weather.forcing_enabled


def test_a_variant_keeps_its_own_choices_under_untouched_knobs():
    gear = app.build_scenario("full_winter_gear")
    assert gear.sides["azerbaijan"].winter_equipment == 1.0
    autumn = app.build_scenario("autumn_start")
    assert autumn.shifted_by_days == -91 and not autumn.weather.forcing_enabled
    calm = app.build_scenario("no_counteroffensive", counteroffensive=True)
    assert {p.name: p.enabled for p in calm.sides["armenia"].plan.phases}[
        "counter-offensive on the Omar Pass road"] is False
    # a slider's float noise is no change
    assert app.build_scenario("full_winter_gear", winter_equipment=0.35000000000000003) \
        .sides["azerbaijan"].winter_equipment == 1.0


@pytest.mark.parametrize("variant", sorted(app.VARIANT_FILES))
def test_every_variant_takes_every_knob(variant):
    spec = app.build_scenario(variant, winter_equipment=0.9, shift_days=5,
                              counteroffensive=False, weather_forcing=False)
    assert {spec.battalion_winter_equipment(b) for b, unit in spec.battalions.items()
            if unit.side == "azerbaijan"} == {0.9}
    assert spec.shifted_by_days == 5 and not spec.weather.forcing_enabled


def test_seed_must_be_a_whole_number():
    with pytest.raises(ValueError, match="seed"):
        app.WhatIfModel(seed="one")


# ------------------------------------------------------------------ page without a browser


def test_page_renders_and_steps_with_non_default_knobs():
    model = app.WhatIfModel(variant="omar_pass_held", winter_equipment=0.8, shift_days=-10,
                            counteroffensive=False, weather_forcing=False, seed="3")
    model.run_for(3 * DAY)
    assert model.time == 3 * DAY

    page = app.SolaraViz(model, components=app.components, model_params=app.model_params)
    _, rc = solara.render(page, handle_error=False)
    # the map is the larger image
    losses_png, map_png = sorted(widget_images(rc, 2), key=lambda png: rgb(png).size)

    map_image = rgb(map_png)
    assert map_image.shape[0] > 700 and map_image.shape[1] > 900  # the map with its legend
    # the legend's own swatches: the sides' ground tints beside the map, right of its middle
    legend = map_image[:, int(0.78 * map_image.shape[1]):]
    assert pixels_near(legend, light_tint(model.spec.sides["armenia"].colour)) > 30
    assert {u.side for u in model.battalions.values() if u.in_field} == set(model.spec.sides)
    for side in model.spec.sides.values():  # the battalions' frames, in their sides' tints
        assert pixels_near(map_image, light_tint(side.colour)) > 100, side.name
    assert rgb(losses_png).std() > 10

    (report,) = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
                  if "men in the ranks" in w.unsafe_innerHTML]
    assert "08 December 1993, 00:00" in report  # 5 December, 10 days early, plus 3 days
    assert "battalions encircled now" in report and "battalions ever encircled" in report
    assert "omar_pass_held" in report
    rc.close()

    # the served page as ``solara run app.py`` builds it
    _, rc = solara.render(app.page, handle_error=False)
    assert len(widget_images(rc, 2)) == 2
    rc.close()


def test_step_and_reset_rebuild_the_operation_from_the_sidebar():
    model = solara.reactive(app.WhatIfModel())
    page = app.SolaraViz(model, components=app.components, model_params=app.model_params,
                         render_interval=DAY)
    _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.value.time == DAY

    rc.find(v.Select, label="Scenario variant").widget.v_model = "omar_pass_held"
    rc.find(v.Slider, label="Azerbaijani winter kit").widget.v_model = 0.9
    rc.find(v.Slider, label="Start-date shift (days)").widget.v_model = -20
    rc.find(v.Checkbox, label="Armenian counter-offensive").widget.v_model = False
    rc.find(v.Checkbox, label="Recorded weather of 12-14 Feb 1994").widget.v_model = False
    seed = rc.find(v.TextField, label="Seed").widget
    seed.v_model = "7"
    seed.fire_event("focusout", None)  # the text goes in when the field loses focus
    rc.find(v.Btn, children=["Reset"]).widget.click()

    rebuilt = model.value
    assert rebuilt.time == 0 and rebuilt.seed == 7
    spec = rebuilt.spec
    assert spec.name == "omar_pass_held" and spec.shifted_by_days == -20
    assert rebuilt.battalions["az_701_1"].winter_equipment == 0.9
    assert not spec.weather.forcing_enabled
    assert not spec.sides["armenia"].plan.phases[-1].enabled
    (report,) = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
                 if "men in the ranks" in w.unsafe_innerHTML]
    assert "omar_pass_held" in report and "25 November 1993" in report
    assert "winter kit 0.90" in report and "counter-offensive off" in report
    assert "recorded weather off; seed 7" in report
    rc.close()


def test_the_page_shows_progress_until_the_map_is_drawn(monkeypatch):
    import threading

    drawn = threading.Event()
    show = app.TheatreMap.show
    monkeypatch.setattr(app.TheatreMap, "show",
                        lambda *args, **kwargs: (drawn.wait(30), show(*args, **kwargs)))
    _, rc = solara.render(app.MapView(app.WhatIfModel()), handle_error=False)
    rc.find(v.ProgressLinear).assert_not_empty()
    assert rc.find(v.Html, children=["Drawing the map of 15 December 1993..."]).widgets
    assert not rc.find(ipywidgets.Image).widgets
    drawn.set()
    widget_images(rc)
    rc.find(v.ProgressLinear).wait_for("detached", timeout=10)
    rc.close()


def test_map_is_redrawn_as_the_operation_goes_on():
    model = app.WhatIfModel()
    _, rc = solara.render(app.MapView(model), handle_error=False)
    first = widget_images(rc)[0]
    model.run_for(12 * DAY)
    app.update_counter.value += 1
    later = widget_images(rc, unlike=first)[0]  # times out if the map is never redrawn
    rc.close()
    assert first != later


# ------------------------------------------------------------------ served page, in a browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def asset_cache(pytestconfig, tmp_path_factory):
    """Solara's CDN assets from the npm registry, for machines that cannot reach the CDN."""
    if shutil.which("npm") is None:
        return None
    cache = (pytestconfig.cache.mkdir("solara-cdn") if getattr(pytestconfig, "cache", None)
             else tmp_path_factory.mktemp("solara-cdn"))
    return app.fill_asset_cache(cache)


@pytest.fixture
def served_page(asset_cache, tmp_path):
    port = free_port()
    env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="False", MPLBACKEND="Agg")
    if asset_cache is not None:
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(asset_cache)
    log = open(tmp_path / "solara.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "solara", "run", "app.py", "--port", str(port),
         "--host", "127.0.0.1", "--production", "--no-open", "--no-check-version"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 40
        while True:
            assert server.poll() is None, (tmp_path / "solara.log").read_text()
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "solara did not answer within 40 s"
            time.sleep(0.3)
        yield url
    finally:
        stop(server)
        log.close()


class DevTools:
    """A page of headless Chromium, driven over the DevTools protocol."""

    def __init__(self, socket):
        self.socket = socket
        self.calls = 0

    def call(self, method: str, **params):
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == self.calls:
                assert "error" not in message, message["error"]
                return message["result"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression,
                         returnByValue=True)["result"].get("value")


@pytest.fixture
def browser(tmp_path):
    """Debian's Chromium, headless, with no driver and no browser download."""
    from websockets.sync.client import connect

    profile = Path(tempfile.mkdtemp(dir=tmp_path))
    process = subprocess.Popen(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--remote-debugging-port=0",
         "--window-size=1400,1000", "--hide-scrollbars", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 20
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, "chromium exited"
            assert time.monotonic() < deadline, "chromium opened no debugging port"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
            target = next(t for t in json.load(response) if t["type"] == "page")
        with connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
            yield DevTools(socket)
    finally:
        stop(process)


PAGE_STATE = """({
    images: [...document.images].filter(i => i.complete && i.naturalWidth >= 400)
        .map(i => [i.naturalWidth, i.naturalHeight, i.width, i.height]),
    sliders: document.querySelectorAll('.v-slider').length,
    thumbs: [...document.querySelectorAll('.v-slider__thumb-label')]
        .filter(e => e.getBoundingClientRect().width > 0).map(e => e.innerText.trim()),
    text: document.body ? document.body.innerText : ''
})"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                    "(apt-get install chromium)")
def test_browser_shows_the_map_and_the_knobs(served_page, browser, tmp_path):
    browser.call("Page.navigate", url=served_page)
    deadline = time.monotonic() + 40
    while True:
        state = browser.evaluate(PAGE_STATE) or {"images": [], "sliders": 0, "text": ""}
        if len(state["images"]) >= 2 and "men in the ranks" in state["text"]:
            break
        assert time.monotonic() < deadline, (
            f"page never showed the map: {state}; Solara's scripts come from its CDN or, "
            "where only the package registries are reached, from app.fill_asset_cache")
        time.sleep(0.3)
    time.sleep(0.5)  # let the last image paint
    png = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    shot = tmp_path / "app.png"
    shot.write_bytes(png)

    # the sidebar holds the knobs
    for label in ("Scenario variant", "Azerbaijani winter kit", "Start-date shift (days)",
                  "Armenian counter-offensive", "Recorded weather", "Seed", "RESET", "STEP"):
        assert label in state["text"], label
    assert state["sliders"] >= 4  # play and render intervals, winter kit, start-date shift
    # the knobs' values show without dragging them: the historical kit share, no date shift
    kit = app.HISTORICAL_WINTER_EQUIPMENT
    assert {f"{kit:g}", "0"} <= set(state["thumbs"]), state["thumbs"]
    # the report's counts, labelled as the command line's summary names them
    for label in ("battalions encircled now", "battalions ever encircled", "dead (all causes)"):
        assert label in state["text"], label
    # the map is on the page, over about half the window's width (1,400 px)
    assert max(width for _, _, width, _ in state["images"]) >= 0.45 * 1400

    # and on the screenshot: the relief's colours, where a blank page has none
    relief = terrain_colours(app.WhatIfModel())
    screen = rgb(png) // 8
    on_screen = np.isin(screen[..., 0] * 1024 + screen[..., 1] * 32 + screen[..., 2], relief)
    print(f"{on_screen.sum()} relief pixels on {shot}")
    assert on_screen.sum() > 40_000, f"{on_screen.sum()} relief pixels on {shot}"


def terrain_colours(model) -> np.ndarray:
    """The colours (5 bits a channel) of the map's relief, as the page draws it.

    Greys, whites and blues are left out: the page's own chrome is made of them.
    """
    _, rc = solara.render(app.MapView(model), handle_error=False)
    image = rgb(widget_images(rc)[0])
    rc.close()
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    earthy = (image.max(axis=-1) - image.min(axis=-1) > 20) & (b < np.maximum(r, g))
    q = image[earthy] // 8
    return np.unique(q[:, 0] * 1024 + q[:, 1] * 32 + q[:, 2])


def test_the_report_counts_pockets_as_the_command_line_does_and_ends_on_the_last_day():
    from sim.scoring import encircled_units

    model = app.WhatIfModel(seed="0")
    model.run_for(model.spec.steps)
    assert not model.running
    _, rc = solara.render(app.SituationReport(model), handle_error=False)
    (report,) = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    rc.close()
    days = int(model.spec.duration_days)
    assert f"day {days} of {days} (ended)" in report
    ever = encircled_units(model, "azerbaijan")
    row = report.split("battalions ever encircled</td>")[1].split("</tr>")[0]
    assert f">{ever:,}<" in row  # the same count as the summary's encircled_units
