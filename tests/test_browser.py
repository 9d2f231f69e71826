"""The course as a person sees it: JupyterLab in a real browser (Chromium driven by selenium).

For every notebook in ``notebooks/`` (new ones are picked up without editing this file), a
JupyterLab server started here on 127.0.0.1 (with a token, the course's environment, offline)
opens the notebook; the test checks the saved widget views render before a run, clears the
outputs, runs all cells through the UI (menu Run → Run All Cells), saves, and checks:

* every code cell ran and no cell has an error output;
* every image output loaded in the page (natural width > 0);
* every widget output is rendered as a control, not as its text (``VBox(…)``, ``[interactive …]``);
* for one control of every widget panel, changing it changes the panel's picture or output.

The lecture mode is checked too: the live slideshow (jupyterlab-rise) opens with the notebook's
slides and runs a code cell while presenting.

The server serves a copy of ``notebooks/`` in a temporary folder (autosave and checkpoints land
there), so the checkout stays unchanged. On failure a screenshot and the browser console log are
saved under ``build/browser-test/<notebook>/``.

Skipped, saying how to install them, where Chromium or chromedriver is missing. Run it alone with
``.venv/bin/python -m pytest tests/test_browser.py -p no:nbval``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = REPO / "build" / "browser-test"
CHROMIUM = next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
)
CHROMEDRIVER = shutil.which("chromedriver")
RUN_TIMEOUT_S = (
    420  # one notebook's Run All (the budget is 90 s on idle cores; a loaded CI machine is slower)
)
WIDGET_TIMEOUT_S = 60

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="the browser test needs Chromium and its driver: on Debian/Ubuntu "
        "`apt-get install chromium chromium-driver` (CI installs them)",
    ),
]

# JavaScript run in the page
JS_STATE = """
const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt') || {}).textContent || '');
const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
return {prompts: prompts, status: ind ? ind.dataset.status : null};
"""
JS_IMAGES = """
return [...document.querySelectorAll('.jp-OutputArea-output img')]
  .map(i => ({ok: i.complete && i.naturalWidth > 0, src: i.src.slice(0, 60)}));
"""
JS_WIDGET_TEXT = (
    "\n"
    "return [...document.querySelectorAll('.jp-OutputArea-output')]\n"
    "  .filter(o => !o.querySelector('.jupyter-widgets') && "
    r"/^((VBox|HBox|interactive|Output|Image)\(|\[interactive )/.test(o.textContent.trim()))"
    "\n"
    "  .map(o => o.textContent.trim().slice(0, 80));\n"
)
JS_PANELS = (
    "\n"
    "return [...document.querySelectorAll('.jp-OutputArea-output')]"
    ".filter(o => !o.parentElement.closest('.jupyter-widgets'))\n"
    "  .map(o => o.querySelector(':scope > .jupyter-widgets')).filter(Boolean);\n"
)
CONTROLS = "select, .noUi-handle, .ui-slider-handle, button, input[type=checkbox]"
JS_PANEL_VIEW = (
    "\n"
    "const p = arguments[0];\n"
    "const pics = [...p.querySelectorAll('img')].map(i => i.src).join('|');\n"
    "const outs = [...p.querySelectorAll("
    "'.widget-output, .widget-label:not(.widget-slider .widget-label)')]\n"
    "  .map(e => e.textContent).join('|');\n"
    "return pics.length + ':' + pics.slice(-200) + '#' + outs;\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of ``notebooks/``; yields ``(base_url, token, folder)``."""
    home = tmp_path_factory.mktemp("lab")
    folder = home / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    settings = home / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the page (no virtual scrolling), so each output can be inspected
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    token, port = os.urandom(16).hex(), _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
        CVCOURSE_OFFLINE="1",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(
                    f"JupyterLab did not start:\n{(home / 'server.log').read_text()[-3000:]}"
                )
            time.sleep(0.5)
    yield base, token, folder
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium (the system's, no download) at a projector-like 1600×1000."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is in the test extra: pip install -e '.[test]'"
    )
    from selenium.webdriver.chrome.service import Service

    from cvcourse.slides import chromium_options

    options = chromium_options(1600, 1000, tmp_path_factory.mktemp("chromium"))
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault(
        "SE_OFFLINE", "true"
    )  # selenium-manager must not look for a driver online
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def evidence(browser, request):
    """On failure, a screenshot and the console log under ``build/browser-test/<test id>/``."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / request.node.name.replace("/", "_").replace("[", "_").rstrip("]")
        folder.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(folder / "screenshot.png"))
        (folder / "console.log").write_text(
            "\n".join(f"{e['level']} {e['message']}" for e in browser.get_log("browser"))
        )


def wait_for(predicate, timeout: float, what: str, interval: float = 0.5):
    """Poll ``predicate`` until it returns something truthy; fail naming ``what`` at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def command(browser, menu: str, label: str) -> None:
    """Click a JupyterLab menu-bar menu, then its item labelled ``label``."""
    from selenium.webdriver.common.by import By

    browser.find_element(
        By.XPATH, f"//li[contains(@class,'lm-MenuBar-item')][.//*[text()='{menu}']]"
    ).click()
    item = wait_for(
        lambda: browser.find_elements(
            By.XPATH,
            f"//li[contains(@class,'lm-Menu-item')][.//*[contains(@class,'lm-Menu-itemLabel')][text()='{label}']]",
        ),
        10,
        f"menu item {menu} → {label}",
    )
    item[0].click()


def shut_down_kernels(lab) -> None:
    """Stop every kernel of the server (the previous notebook's), through its REST API."""
    base, token, _ = lab
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(
        urllib.request.Request(f"{base}/api/kernels", headers=headers), timeout=30
    ) as r:
        kernels = json.load(r)
    for kernel in kernels:
        request = urllib.request.Request(
            f"{base}/api/kernels/{kernel['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30).close()


def open_notebook(browser, lab, name: str) -> None:
    """Open ``name`` alone (``?reset``: no tabs of earlier tests) and wait for its kernel to be
    idle."""
    base, token, _ = lab
    shut_down_kernels(lab)
    browser.get(f"{base}/lab/tree/{name}?reset&token={token}")
    wait_for(
        lambda: browser.execute_script(JS_STATE)["status"] == "idle",
        120,
        f"{name}'s kernel to start",
    )


def widget_outputs(notebook: dict) -> int:
    """How many outputs of the saved notebook are widget views."""
    return sum(
        "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        for out in cell["outputs"]
    )


def poke(browser, panel) -> str:
    """Change the first control of a widget panel (next dropdown option, or a slider one step)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    selects = panel.find_elements(By.CSS_SELECTOR, "select")
    if selects:
        browser.execute_script(
            "const s = arguments[0]; s.selectedIndex = (s.selectedIndex + 1) % s.options.length;"
            "s.dispatchEvent(new Event('change', {bubbles: true}));",
            selects[0],
        )
        return "dropdown"
    handles = panel.find_elements(By.CSS_SELECTOR, ".noUi-handle, .ui-slider-handle")
    if handles:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", handles[0])
        handles[0].click()
        handles[0].send_keys(Keys.ARROW_RIGHT)
        return "slider"
    buttons = panel.find_elements(By.CSS_SELECTOR, "button, input[type=checkbox]")
    if buttons:
        buttons[0].click()
        return "button"
    pytest.fail("a widget panel without a dropdown, slider or button")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab, browser, notebook, evidence):
    saved = json.loads(notebook.read_text(encoding="utf-8"))
    open_notebook(browser, lab, notebook.name)
    time.sleep(2)
    assert not browser.execute_script(JS_WIDGET_TEXT), (
        "saved widgets show as text before a run (is it trusted?)"
    )
    assert not browser.execute_script(
        "return document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty').length"
    ), "JupyterLab marks the notebook changed as soon as it opens"
    labels = browser.execute_script(
        "return [...document.querySelectorAll('.widget-label')]"
        ".filter(l => l.scrollWidth > l.clientWidth + 1).map(l => l.textContent)"
    )
    assert not labels, f"widget labels cut off: {labels}"

    command(browser, "Edit", "Clear Outputs of All Cells")
    command(browser, "Run", "Run All Cells")
    code_cells = len(browser.execute_script(JS_STATE)["prompts"])

    def finished():
        state = browser.execute_script(JS_STATE)
        ran = [p for p in state["prompts"] if p.strip() not in ("", "[ ]:")]
        return (
            state["status"] == "idle"
            and not any("*" in p for p in state["prompts"])
            and len(ran) == code_cells
        )

    try:
        wait_for(finished, RUN_TIMEOUT_S, f"Run All of {notebook.name}", interval=2)
    except pytest.fail.Exception:
        state = browser.execute_script(JS_STATE)
        stuck = next(
            (i for i, p in enumerate(state["prompts"]) if p.strip() in ("", "[ ]:", "[*]:")), None
        )
        raise AssertionError(
            f"{notebook.name}: not every cell ran (first not run: code cell {stuck}; prompts "
            f"{state['prompts'][max(0, (stuck or 0) - 2) : (stuck or 0) + 2]}), "
            "an error stops Run All"
        ) from None

    command(browser, "File", "Save Notebook")
    time.sleep(2)
    ran = json.loads((lab[2] / notebook.name).read_text(encoding="utf-8"))
    errors = [
        (i, out.get("ename"), out.get("evalue"))
        for i, cell in enumerate(ran["cells"])
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"error outputs: {errors}"

    wait_for(
        lambda: all(i["ok"] for i in browser.execute_script(JS_IMAGES)),
        30,
        "every image output to load",
    )
    assert browser.execute_script(JS_IMAGES), "no image output at all"
    assert not browser.execute_script(JS_WIDGET_TEXT), "a widget shows as text, not as a control"

    from selenium.webdriver.common.by import By

    panels = browser.execute_script(JS_PANELS)
    assert len(panels) >= widget_outputs(saved), "widget outputs missing or not rendered"
    interactive = [
        panel for panel in panels if panel.find_elements(By.CSS_SELECTOR, CONTROLS)
    ]  # not progress bars
    for number, panel in enumerate(interactive):
        before = browser.execute_script(JS_PANEL_VIEW, panel)
        kind = poke(browser, panel)
        wait_for(
            lambda: browser.execute_script(JS_PANEL_VIEW, panel) != before,
            WIDGET_TIMEOUT_S,
            f"widget panel {number} to redraw after its {kind} changed",
        )


def test_lecture_slideshow_runs_a_cell_while_presenting(lab, browser, evidence):
    """jupyterlab-rise presents a notebook as slides with a live kernel, and a cell runs in it."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    base, token, _ = lab
    shut_down_kernels(lab)
    browser.get(f"{base}/rise/{NOTEBOOKS[0].name}?token={token}")
    wait_for(
        lambda: (
            browser.execute_script(
                "return document.querySelectorAll('.reveal .slides > section').length"
            )
            > 3
        ),
        120,
        "the slideshow's slides",
    )
    wait_for(
        lambda: browser.execute_script(JS_STATE)["status"] == "idle", 120, "the slideshow's kernel"
    )
    visible_code_cell = (
        "return [...document.querySelectorAll('.reveal section.present .jp-CodeCell')]"
        ".find(c => c.offsetParent !== null) || null"
    )
    for _ in range(30):  # the set-up cells are skipped: move on to the first slide with code
        cell = browser.execute_script(visible_code_cell)
        if cell:
            break
        ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
        time.sleep(0.5)
    else:
        pytest.fail("no slide with a code cell in the first 30")
    browser.execute_script("arguments[0].querySelector('.jp-InputArea-editor').click()", cell)
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
    wait_for(
        lambda: browser.execute_script(
            "return /\\[\\d+\\]/.test(arguments[0].querySelector('.jp-InputPrompt').textContent)",
            cell,
        ),
        60,
        "the code cell to run inside the slideshow",
    )
