"""The connect webview's sign-in page, used as a person would: headless Chromium picks a brand
and signs in, and the app sees the new account's locks through the official SDK."""

from __future__ import annotations

from typing import Any

from seam import Seam

from fake_seam.fake import FakeSeam
from fake_seam.server import ThreadedServer


def result_text(browser: Any) -> str:
    """The result page's message, once the form's post has loaded it (not the page before)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return str(WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.ID, "result"))).text)


def test_a_person_signs_in_on_the_view_page(browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with ThreadedServer(FakeSeam(frozen=True)) as server:
        seam = Seam(api_key=server.api_key, endpoint=server.endpoint)
        webview = seam.connect_webviews.create(accepted_providers=["yale", "schlage"])

        browser.get(webview.url)
        assert "Connect your locks" in browser.title
        browser.find_element(By.CSS_SELECTOR, 'input[name="provider"][value="schlage"]').click()
        count = browser.find_element(By.NAME, "lock_count")
        count.clear()
        count.send_keys("3")
        browser.find_element(By.ID, "sign-in").click()

        assert "Signed in to schlage" in result_text(browser)
        done = seam.connect_webviews.get(connect_webview_id=webview.connect_webview_id)
        assert (done.status, done.selected_provider) == ("authorized", "schlage")
        locks = seam.locks.list(connected_account_id=done.connected_account_id)
        assert len(locks) == 3 and {lock.device_type for lock in locks} == {"schlage_lock"}


def test_a_person_who_cancels_fails_the_sign_in(browser: Any) -> None:
    from selenium.webdriver.common.by import By

    with ThreadedServer(FakeSeam(frozen=True)) as server:
        seam = Seam(api_key=server.api_key, endpoint=server.endpoint)
        webview = seam.connect_webviews.create()
        browser.get(webview.url)
        browser.find_element(By.ID, "cancel").click()
        assert "Sign-in failed" in result_text(browser)
        assert seam.connect_webviews.get(connect_webview_id=webview.connect_webview_id).status == "failed"
        events = seam.events.list(since="2000-01-01T00:00:00Z", event_type="connect_webview.login_failed")
        assert len(events) == 1
