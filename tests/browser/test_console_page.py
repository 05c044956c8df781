"""The console at `/_fake/console`, used as a person would in headless Chromium while an app
drives the same fake through the official SDK: what the app does shows up live, and what the
person does on the page happens to the fake.

The page marks its reads (`body[data-version]`, `data-state`); the tests wait on what the page
shows with selenium's `WebDriverWait`, never by sleeping. Screenshots go to the test's
artifacts (see conftest). With `FAKE_SEAM_CONSOLE_SCREENSHOT=path`, the story also saves its
view of the lock offline there: `python tools/console_screenshot.py` makes the picture of the README and docs/console.md
(`docs/images/console.png`) that way."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from seam import Seam

from fake_seam.fake import FakeSeam
from fake_seam.server import ThreadedServer

FRONT = "august_device_1"  # "Front Door": 10 s to program a code
SCREENSHOT_ENV = "FAKE_SEAM_CONSOLE_SCREENSHOT"
TOKEN = "console-test-token"


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    with ThreadedServer(FakeSeam(frozen=True, now="2026-03-02T15:00:00Z")) as served:
        yield served


def wait_for(browser: Any, css: str, timeout: float = 10) -> Any:
    """The first element matching `css`, once the page shows one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_for_text(browser: Any, css: str, text: str, timeout: float = 10) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))


def open_console(browser: Any, url: str) -> None:
    browser.get(url)
    wait_for(browser, 'body[data-state="ready"]')


def click(browser: Any, css: str, timeout: float = 10) -> None:
    """Click `css` once it is shown and enabled (a panel's buttons are there before it opens)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(ec.element_to_be_clickable((By.CSS_SELECTOR, css))).click()


def test_story_a_code_made_by_the_app_lands_while_the_person_drives_the_lock(
    browser: Any, server: ThreadedServer, screenshot: Callable[[str], Path]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    seam = Seam(api_key=server.api_key, endpoint=server.endpoint)
    open_console(browser, f"{server.endpoint}/_fake/console")
    assert "fake-seam console" in browser.title
    wait_for_text(browser, "#clock-now", "2026-03-02 15:00:00 UTC")
    assert browser.find_element(By.ID, "clock-mode").text == "frozen"
    front = f'article[data-device-id="{FRONT}"]'
    assert browser.find_element(By.CSS_SELECTOR, f"{front} .open").text == "Front Door"
    assert browser.find_element(By.CSS_SELECTOR, f"{front} [data-online]").text == "online"
    click(browser, f"{front} .open")
    wait_for(browser, f'#lock-panel[data-device-id="{FRONT}"]')
    screenshot("1-opened")

    # The app makes a code through the SDK: the page shows it being written, without a reload.
    code = seam.access_codes.create(device_id=FRONT, name="Guest Ana", code="4321")
    row = f'#codes tr[data-access-code-id="{code.access_code_id}"]'
    wait_for(browser, f'{row}[data-status="setting"]')
    wait_for_text(browser, f"{front} [data-writes=in-flight]", "1 in flight")
    timeline = browser.find_element(By.ID, "timeline").text
    assert "access_code.created" in timeline

    # The person takes the lock offline: the device and the code say why.
    wait_for(browser, '#toggle-online[data-online="true"]')
    click(browser, "#toggle-online")
    wait_for_text(browser, f"{front} [data-online]", "offline")
    wait_for(browser, '#lock-body .error[data-code="device_offline"]')
    wait_for(browser, f'{row} .error[data-code="device_offline"]')
    assert "device.disconnected" in browser.find_element(By.ID, "timeline").text
    assert seam.devices.get(device_id=FRONT).properties.online is False

    # Ten minutes pass: the write, due meanwhile, is held; the code earns its delay warning.
    amount = browser.find_element(By.ID, "advance-amount")
    amount.clear()
    amount.send_keys("10")
    Select(browser.find_element(By.ID, "advance-unit")).select_by_visible_text("minutes")
    click(browser, "#advance")
    wait_for_text(browser, "#clock-now", "2026-03-02 15:10:00 UTC")
    wait_for(browser, f'{row} .warning[data-code="delay_in_setting_on_device"]')
    wait_for(browser, f'#lock-body tr[data-access-code-id="{code.access_code_id}"][data-held="true"]')
    wait_for_text(browser, f"{front} [data-writes=held]", "1 held")
    assert browser.find_element(By.CSS_SELECTOR, row).get_attribute("data-status") == "setting"
    held = screenshot("2-offline-held")

    # Back online, a minute later the code is on the lock.
    wait_for(browser, '#toggle-online[data-online="false"]')
    click(browser, "#toggle-online")
    wait_for_text(browser, f"{front} [data-online]", "online")
    amount.clear()
    amount.send_keys("1")
    click(browser, "#advance")
    wait_for(browser, f'{row}[data-status="set"]')
    wait_for_text(browser, "#lock-body .slots", "4321")
    assert seam.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert "access_code.set_on_device" in browser.find_element(By.ID, "timeline").text

    # Typed at the keypad, the PIN opens the door; a wrong one does not.
    pin = browser.find_element(By.ID, "keypad-pin")
    pin.send_keys("4321")
    click(browser, "#keypad-enter")
    wait_for(browser, '#keypad-result[data-opened="true"]')
    assert "the door opened" in browser.find_element(By.ID, "keypad-result").text
    wait_for_text(browser, "#timeline", "lock.unlocked")
    screenshot("3-door-opened")
    pin.clear()
    pin.send_keys("9999")
    click(browser, "#keypad-enter")
    wait_for(browser, '#keypad-result[data-opened="false"]')

    wanted = os.environ.get(SCREENSHOT_ENV)
    if wanted:  # the picture: the lock offline, its write held, the code's warning
        Path(wanted).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(held, wanted)


def test_the_person_drives_faults_the_pool_and_new_locks_from_the_page(
    browser: Any, server: ThreadedServer
) -> None:
    fake = server.fake
    open_console(browser, f"{server.endpoint}/_fake/console")
    front = f'article[data-device-id="{FRONT}"]'
    click(browser, f"{front} .open")
    wait_for(browser, f'#lock-panel[data-device-id="{FRONT}"]')

    fail = browser.find_element("id", "fail-next")
    fail.clear()
    fail.send_keys("2")
    fail.submit()
    wait_for_text(browser, f"{front} .fault-plan", "fails next 2 (failed_to_set_on_device)")
    assert fake.cloud.store.locks_by_id[FRONT].lock.fault_plan.fail_next == 2  # type: ignore[union-attr]

    rate = browser.find_element("id", "failure-rate")
    rate.clear()
    rate.send_keys("25")
    rate.submit()
    wait_for_text(browser, f"{front} .fault-plan", "fails 25% of writes")

    size = browser.find_element("id", "pool-size")
    size.clear()
    size.send_keys("4")
    size.submit()
    wait_for_text(browser, f"{front} .pool", "size 4")
    assert fake.backup_pool(FRONT)["pool_size"] == 4

    click(browser, "#new-lock summary")
    name = browser.find_element("id", "new-lock-name")
    name.clear()
    name.send_keys("Shed <b>door</b>")  # shown as text, never as markup
    name.submit()
    wait_for_text(browser, "#status", "created")
    made = [d for d in fake.cloud.store.locks_by_id.values() if d.display_name == "Shed <b>door</b>"]
    assert len(made) == 1
    card = wait_for(browser, f'article[data-device-id="{made[0].device_id}"] .open')
    assert card.text == "Shed <b>door</b>"

    click(browser, "#settle")
    wait_for_text(browser, "#status", "Settled")
    click(browser, "#freeze")  # frozen -> follows wall time
    wait_for_text(browser, "#clock-mode", "running")
    assert fake.clock.frozen is False


def test_webhook_deliveries_show_with_their_outcome(browser: Any, server: ThreadedServer) -> None:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def hook(request: Any) -> Response:
        body = await request.body()
        return Response(status_code=204 if b"device.disconnected" in body else 500)

    receiver = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    url = server.fake.webhooks.deliver_to(receiver, "/hook")
    seam = Seam(api_key=server.api_key, endpoint=server.endpoint)
    seam.webhooks.create(url=url, event_types=["device.disconnected", "device.connected"])
    open_console(browser, f"{server.endpoint}/_fake/console")
    click(browser, f'article[data-device-id="{FRONT}"] .open')
    wait_for(browser, f'#lock-panel[data-device-id="{FRONT}"] #toggle-online[data-online="true"]')
    click(browser, "#toggle-online")  # device.disconnected: the receiver takes it
    wait_for_text(browser, "#deliveries .outcome-delivered", "device.disconnected")
    assert "HTTP 204" in browser.find_element("css selector", "#deliveries .outcome-delivered").text
    wait_for(browser, '#toggle-online[data-online="false"]')
    click(browser, "#toggle-online")  # device.connected: the receiver answers 500
    wait_for_text(browser, "#deliveries .outcome-retrying", "HTTP 500")
    assert "device.connected" in browser.find_element("css selector", "#deliveries .outcome-retrying").text
    secret = next(iter(server.fake.cloud.store.webhooks.values())).secret
    assert secret not in browser.page_source


def test_it_is_usable_from_the_keyboard(browser: Any, server: ThreadedServer) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_console(browser, f"{server.endpoint}/_fake/console")
    button = browser.find_element(By.CSS_SELECTOR, f'article[data-device-id="{FRONT}"] .open')
    button.send_keys(Keys.ENTER)  # a real <button>: Enter opens it
    wait_for(browser, f'#lock-panel[data-device-id="{FRONT}"]')
    pin = browser.find_element(By.ID, "keypad-pin")
    pin.send_keys("0000", Keys.ENTER)  # a form: Enter submits
    wait_for(browser, '#keypad-result[data-opened="false"]')
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait_for(browser, "#lock-panel[hidden]")


def test_a_narrow_window_needs_no_sideways_scrolling(
    server: ThreadedServer, artifacts: Path, sized_browser: Callable[[int, int], Any]
) -> None:
    phone = sized_browser(390, 900)
    open_console(phone, f"{server.endpoint}/_fake/console")
    phone.find_element("css selector", f'article[data-device-id="{FRONT}"] .open').click()
    wait_for(phone, f'#lock-panel[data-device-id="{FRONT}"]')
    phone.save_screenshot(str(artifacts / "narrow.png"))
    overflow = phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_with_a_control_token_the_page_asks_for_it_and_never_holds_it(browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with ThreadedServer(FakeSeam(frozen=True), control_token=TOKEN) as server:
        page = httpx.get(f"{server.endpoint}/_fake/console")
        assert page.status_code == 200 and TOKEN not in page.text  # the page holds no secret

        open_console_refused = f"{server.endpoint}/_fake/console"
        browser.get(open_console_refused)
        wait_for(browser, 'body[data-state="refused"]')
        assert browser.find_element(By.ID, "token-box").get_attribute("open") is not None
        wait_for_text(browser, "#status", "control token")

        browser.find_element(By.ID, "token").send_keys(TOKEN)
        click(browser, "#token-form button")
        wait_for(browser, 'body[data-state="ready"]')
        wait_for(browser, f'article[data-device-id="{FRONT}"]')
        wait_for_text(browser, "#live", "live")
        assert TOKEN not in browser.page_source

        # `?token=` once: kept in the tab, gone from the address bar.
        browser.execute_script("sessionStorage.clear()")
        browser.get(f"{server.endpoint}/_fake/console?token={TOKEN}")
        wait_for(browser, 'body[data-state="ready"]')
        assert "token" not in browser.current_url
        server.fake.go_offline(FRONT)  # a change made elsewhere shows up over the guarded stream
        wait_for_text(browser, f'article[data-device-id="{FRONT}"] [data-online]', "offline")
