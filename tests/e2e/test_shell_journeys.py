"""A person logs in with each role, switches language, and sees finished pages."""

from __future__ import annotations

import pytest

from tests.accounts.factories import PASSWORD
from tests.e2e.conftest import log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["admin", "manager", "receptionist", "mechanic", "client"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_reaches_its_home(live_server, page_at, cast, role):
    user = getattr(cast, role)
    page = page_at(1280)
    log_in(page, live_server.url, user.email, PASSWORD)
    assert page.url.rstrip("/") == live_server.url
    assert user.first_name in page.locator("main h1").inner_text()
    assert page.locator("nav#main-nav a").count() >= 2


def test_the_language_switch_changes_the_page_language(live_server, page_at, db):
    page = page_at(1280)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.click("button.langswitch__btn[value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Log in" in page.locator("main").inner_text()
    page.click("button.langswitch__btn[value=es]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Iniciar sesión" in page.locator("main").inner_text()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_foundation_pages_render_finished_at_phone_and_desktop_widths(live_server, page_at, cast, width, lang):
    anonymous = page_at(width, lang=lang)
    for name, path in [("login", "/accounts/login/"), ("signup", "/accounts/signup/")]:
        anonymous.goto(f"{live_server.url}{path}")
        _switch_language(anonymous, lang)
        assert anonymous.locator("main form").count() >= 1
        screenshot(anonymous, f"{name}-{lang}-{width}")

    manager = page_at(width, lang=lang)
    log_in(manager, live_server.url, cast.manager.email, PASSWORD)
    _switch_language(manager, lang)
    for name, path in [
        ("location-settings", f"/locations/{cast.location.pk}/edit/"),
        ("location-hours", f"/locations/{cast.location.pk}/hours/"),
        ("user-list", "/accounts/users/"),
    ]:
        response = manager.goto(f"{live_server.url}{path}")
        assert response is not None, path
        assert response.status == 200, path
        overflow = manager.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
        screenshot(manager, f"{name}-{lang}-{width}")


def _switch_language(page, lang: str) -> None:
    if page.locator("html").get_attribute("lang") != lang:
        page.click(f"button.langswitch__btn[value={lang}]")
        page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang


def test_the_header_menus_open_with_the_keyboard_and_keep_a_staff_menu_on_one_line(live_server, page_at, cast):
    page = page_at(1280, lang="en")
    log_in(page, live_server.url, cast.admin.email, PASSWORD)
    nav = page.locator("nav#main-nav")
    first_link_top = nav.locator("> a").first.bounding_box()["y"]
    assert all(abs(box["y"] - first_link_top) < 4 for box in (e.bounding_box() for e in nav.locator("> *").all()))
    admin = nav.locator("details.navgroup", has_text="Administration")
    summary = admin.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert admin.get_attribute("open") is not None
    assert admin.locator("a", has_text="Users").is_visible()
    page.keyboard.press("Tab")  # into the menu's first link
    assert page.evaluate("document.activeElement.textContent.trim()") == "Users"
    page.keyboard.press("Escape")
    assert admin.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    workshop = nav.locator("details.navgroup", has_text="Workshop")
    workshop.locator("summary").click()
    admin.locator("summary").click()
    assert workshop.get_attribute("open") is None  # one open at a time
    page.locator("main h1").click()
    assert admin.get_attribute("open") is None  # a click elsewhere closes it
    admin.locator("summary").click()
    admin.locator("a", has_text="Users").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/accounts/users/")


def test_the_header_menus_work_inside_the_phone_menu(live_server, page_at, cast):
    page = page_at(375, lang="en")
    log_in(page, live_server.url, cast.admin.email, PASSWORD)
    page.click("[data-nav-toggle]")
    admin = page.locator("nav#main-nav details.navgroup", has_text="Administration")
    admin.locator("summary").click()
    link = admin.locator("a", has_text="Outbox")
    assert link.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "nav-admin-phone-menu-en-375")
