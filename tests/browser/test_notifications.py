"""Notifications (issue 13): the settings screen asks for no permission until "Turn on" is tapped and
saves each team's choices and quiet hours; a push reaches the service worker (delivered through the
DevTools protocol, as no push service is reachable here) and shows its notification, whose tap opens
its path in the app; the inbox lists what the server holds, marks one read when tapped, and the home
screen counts the unread. Sign-out deletes this device's push subscription on the server."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.browser.conftest import PASSWORD
from tests.browser.pwa_helpers import artifact, eventually, login, nav_to, wait_for_sw

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1024, "height": 768}}

# Counts the browser's permission prompts, so a test sees that opening a screen asked for none.
COUNT_PERMISSION_REQUESTS = """
window.permissionRequests = 0;
if (window.Notification) {
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...args) => { window.permissionRequests += 1; return ask(...args); };
}
"""


def make_coach(world, teams: list[dict]) -> dict:
    email = f"coach-{uuid.uuid4().hex[:8]}@browser.test"
    status, coach = world.server.call("POST", "/api/users", {"email": email, "name": "Coach Tester", "password": PASSWORD, "role": "coach"})
    assert status == 201, coach
    for team in teams:
        status, body = world.server.call("PUT", f"/api/teams/{team['id']}/coaches/{coach['id']}")
        assert status == 200, body
    return {**coach, "password": PASSWORD}


def tell_the_team(world, someone: dict) -> list[dict]:
    """An administrator confirms the team's "Vision agreed" milestone: its coaches and leads are told
    (of the milestones it completes too, such as "Team started"). What `someone` is told, newest first."""
    status, body = world.server.call("POST", f"/api/teams/{world.team['id']}/milestones/vision_agreed")
    assert status == 201, body
    status, body = world.server.call("GET", "/api/notifications", token=world.server.login(someone["email"])["token"])
    assert status == 200, body
    assert "vision_agreed" in [n["code"] for n in body["notifications"]], body
    return body["notifications"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_push_manager(endpoint: str) -> str:
    """An init script standing in for the browser's push service (unreachable here): subscribe() gives
    a subscription with real keys (the server checks the P-256 point), unsubscribe() counts."""
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    keys = {"p256dh": b64url(point), "auth": b64url(uuid.uuid4().bytes)}
    return f"""
    window.pushUnsubscribed = 0;
    window.pushSubscribedWith = null;
    let current = null;
    const make = () => ({{
        endpoint: {json.dumps(endpoint)},
        toJSON() {{ return {{ endpoint: this.endpoint, expirationTime: null, keys: {json.dumps(keys)} }}; }},
        async unsubscribe() {{ window.pushUnsubscribed += 1; current = null; return true; }},
    }});
    PushManager.prototype.subscribe = async function (options) {{
        window.pushSubscribedWith = {{ userVisibleOnly: options.userVisibleOnly, keyLength: new Uint8Array(options.applicationServerKey).length }};
        current = current || make();
        return current;
    }};
    PushManager.prototype.getSubscription = async function () {{ return current; }};
    """


def choose(page, box) -> None:
    box.uncheck()
    assert not box.is_checked()


def turn_on(page) -> None:
    """Tap "Turn on" and wait for its answer: on, or the problem in words."""
    page.get_by_role("button", name="Turn on notifications on this device").click()
    page.wait_for_selector("[data-testid=flash], [data-testid=push-problem]:not(:empty)")
    assert page.locator("[data-testid=push-problem]").inner_text() == ""
    assert "Notifications are on for this device." in page.inner_text("[data-testid=flash]")


def test_settings_ask_for_nothing_on_load_and_save_each_teams_choices(page, context, world):
    page.add_init_script(COUNT_PERMISSION_REQUESTS)
    coach = make_coach(world, [world.team])
    login(page, world.server, coach)
    wait_for_sw(page)
    # From home: the inbox, and from there its settings (home links to both).
    assert page.locator("[data-testid=home-inbox] a[href='/notifications/settings']").is_visible()
    page.locator("[data-testid=home-inbox] a[href='/notifications']").click()
    page.wait_for_selector("main h1:text-is('Notifications')")
    page.get_by_role("link", name="Choose which notifications you get").click()
    page.wait_for_selector("main h1:text-is('Notification settings')")
    page.wait_for_selector("[data-testid=notification-choices]")
    # Opening the screen asked for nothing; the browser has not been asked, nor answered.
    assert page.evaluate("() => [window.permissionRequests, Notification.permission]") == [0, "default"]
    assert page.get_attribute("section[data-push]", "data-push") == "off"
    assert page.get_by_role("button", name="Turn on notifications on this device").is_visible()

    context.grant_permissions(["notifications"], origin=world.server.url)
    page.reload()
    page.wait_for_selector("[data-testid=notification-choices]")
    assert page.evaluate("() => window.permissionRequests") == 0
    team = page.locator(f"fieldset[data-team='{world.team['id']}']")
    assert team.locator("legend").inner_text() == world.team["name"]
    labels = team.locator("label").all_inner_texts()
    assert labels == ["A milestone reached", "A new signal on a box score measure", "Box score not updated for 2 weeks",
                      "Weekly huddle missed", "Actions overdue"]
    assert all(team.locator("input[type=checkbox]").nth(i).is_checked() for i in range(len(labels)))
    choose(page, team.get_by_label("Weekly huddle missed"))
    page.fill("#quiet_hours_start", "22:00")
    page.click("button:text-is('Save')")
    # Only one of the two times: said here, nothing sent.
    page.wait_for_selector("[data-testid=settings-problem]:has-text('give the time they start and the time they end')")
    page.fill("#quiet_hours_end", "07:00")
    page.click("button:text-is('Save')")
    page.wait_for_selector("[data-testid=flash]:has-text('Saved')")

    token = world.server.login(coach["email"])["token"]
    status, saved = world.server.call("GET", "/api/notification-settings", token=token)
    assert status == 200, saved
    assert (saved["quiet_hours_start"], saved["quiet_hours_end"]) == ("22:00", "07:00")
    assert saved["off"] == [{"team_id": world.team["id"], "type": "huddle_missed"}]
    # The screen shows what the server keeps.
    assert not page.get_by_label("Weekly huddle missed").is_checked()
    assert page.input_value("#quiet_hours_start") == "22:00"


def test_offline_the_settings_say_saving_needs_a_connection(page, context, world):
    login(page, world.server, world.user("lead", "lead"))
    wait_for_sw(page)
    page.goto(world.server.url + "/notifications/settings")
    page.wait_for_selector("[data-testid=notification-choices]")
    context.set_offline(True)
    page.wait_for_selector("[data-testid=needs-connection]:has-text('You are offline')")
    assert page.locator("button:text-is('Save')").is_disabled()
    context.set_offline(False)


def test_turning_push_on_subscribes_and_sign_out_deletes_the_subscription(page, context, world):
    endpoint = f"https://fcm.googleapis.com/fcm/send/browser-test-{uuid.uuid4().hex}"
    page.add_init_script(fake_push_manager(endpoint))
    context.grant_permissions(["notifications"], origin=world.server.url)
    lead = world.user("lead", "lead")
    login(page, world.server, lead)
    wait_for_sw(page)
    page.goto(world.server.url + "/notifications/settings")
    turn_on(page)
    assert page.get_attribute("section[data-push]", "data-push") == "on"
    # Subscribed as the Push API asks (every push shown; the server's 65-byte P-256 key).
    assert page.evaluate("() => window.pushSubscribedWith") == {"userVisibleOnly": True, "keyLength": 65}
    token = world.server.login(lead["email"])["token"]
    status, body = world.server.call("GET", "/api/push/subscriptions", token=token)
    assert status == 200, body
    assert [s["endpoint"] for s in body["subscriptions"]] == [endpoint]

    nav_to(page, "Sign out")
    page.click("[data-testid=confirm-sign-out]")
    page.wait_for_selector("h1:has-text('Sign in')")
    assert page.evaluate("() => window.pushUnsubscribed") == 1
    status, body = world.server.call("GET", "/api/push/subscriptions", token=token)
    assert status == 200, body
    assert body["subscriptions"] == []


def test_turning_push_off_deletes_it_on_the_server(page, context, world):
    endpoint = f"https://fcm.googleapis.com/fcm/send/browser-test-{uuid.uuid4().hex}"
    page.add_init_script(fake_push_manager(endpoint))
    context.grant_permissions(["notifications"], origin=world.server.url)
    lead = world.user("lead", "lead")
    login(page, world.server, lead)
    wait_for_sw(page)
    page.goto(world.server.url + "/notifications/settings")
    turn_on(page)
    page.get_by_role("button", name="Turn off notifications on this device").click()
    page.wait_for_selector("[data-testid=flash]:has-text('Notifications are off on this device.')")
    assert page.get_attribute("section[data-push]", "data-push") == "off"
    token = world.server.login(lead["email"])["token"]
    assert world.server.call("GET", "/api/push/subscriptions", token=token)[1]["subscriptions"] == []


def test_a_browser_without_push_says_so_and_the_inbox_still_works(page, world):
    page.add_init_script("delete window.PushManager;")
    login(page, world.server, world.user("lead", "lead"))
    page.goto(world.server.url + "/notifications/settings")
    page.wait_for_selector("[data-testid=push-state]")
    assert page.get_attribute("section[data-push]", "data-push") == "unsupported"
    assert "cannot show notifications" in page.inner_text("[data-testid=push-state]")
    assert "still listed in the app" in page.inner_text("section[data-push]")
    assert page.locator("[data-testid=push-toggle]").count() == 0


SHOWN = "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title)"


def deliver_until_shown(page, cdp, origin: str, registration: str, payload: dict, attempts: int = 4) -> list[str]:
    """Deliver a push through the DevTools protocol until its notification shows. On a loaded CI machine
    one delivery showed nothing for 10 s; delivering the same payload again is what a push service's
    retry does, and its tag keeps it to one notification (the caller checks there is exactly one)."""
    for _ in range(attempts):
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": origin, "registrationId": registration, "data": json.dumps(payload)})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if titles := page.evaluate(SHOWN):
                return titles
    pytest.fail(f"no notification shown after {attempts} deliveries")


def registration_id(page, cdp) -> str:
    """The id of the registration whose active worker controls this page, from the DevTools protocol's
    ServiceWorker domain. Matched by the page's target, not by scope: every test's server has the same
    origin, and a registration of an earlier test's browser context may still be reported."""
    page_target = cdp.send("Target.getTargetInfo")["targetInfo"]["targetId"]
    found: dict[str, str] = {}

    def seen(params):
        for v in params.get("versions", []):
            if v.get("status") == "activated" and page_target in v.get("controlledClients", []):
                found["id"] = v["registrationId"]

    cdp.on("ServiceWorker.workerVersionUpdated", seen)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while "id" not in found:  # events arrive while Playwright talks to the browser
        assert time.monotonic() < deadline, "no activated service worker version reported as controlling the page"
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    return found["id"]


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_push_shows_its_notification_and_a_tap_opens_its_path(page, context, world, size):
    page.set_viewport_size(SIZES[size])
    context.grant_permissions(["notifications"], origin=world.server.url)
    login(page, world.server, world.user("lead", "lead"))
    wait_for_sw(page)
    cdp = context.new_cdp_session(page)
    reg = registration_id(page, cdp)
    payload = {"type": "milestone", "team_id": world.team["id"], "code": "vision_agreed",
               "title": f"{world.team['name']}: Vision agreed", "body": "The team agreed its vision statement.",
               "url": f"/teams/{world.team['id']}/board"}
    assert deliver_until_shown(page, cdp, world.server.url, reg, payload) == [payload["title"]]
    shown = page.evaluate("""async () => {
        const [n] = await (await navigator.serviceWorker.ready).getNotifications();
        return { title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data };
    }""")
    assert shown == {"title": payload["title"], "body": payload["body"], "tag": f"vb:milestone:{world.team['id']}:vision_agreed",
                     "icon": world.server.url + "/icons/icon-192.png", "data": {"url": payload["url"]}}

    # A tap: the service worker's notificationclick (dispatched in it; no system notification to
    # click here) has this window open the milestone's board.
    sw = next(w for w in context.service_workers if w.url.startswith(world.server.url))
    sw.evaluate("""async () => {
        const [n] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
    }""")
    page.wait_for_url(world.server.url + payload["url"])
    eventually(page, f"async () => ({SHOWN})().then((titles) => titles.length === 0)")


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_inbox_lists_notifications_marks_one_read_and_home_counts_the_unread(page, context, world, size):
    page.set_viewport_size(SIZES[size])
    coach = make_coach(world, [world.team])
    told = tell_the_team(world, coach)
    login(page, world.server, coach)
    wait_for_sw(page)
    badge = page.locator("[data-testid=home-inbox] [data-testid=unread-count]")
    badge.wait_for()
    assert badge.text_content() == f"{len(told)} unread"
    assert page.get_by_role("link", name=f"Notifications {len(told)} unread").first.is_visible()
    artifact(page, "home-with-unread")

    nav_to(page, f"Notifications {len(told)} unread")
    page.wait_for_selector("main h1:text-is('Notifications')")
    cards = page.locator("[data-testid=inbox] > li")
    cards.first.wait_for()
    # Newest first, as the server lists them, each marked unread.
    assert [cards.nth(i).get_attribute("data-id") for i in range(cards.count())] == [n["id"] for n in told]
    assert {cards.nth(i).get_attribute("data-read") for i in range(cards.count())} == {"no"}
    vision = next(n for n in told if n["code"] == "vision_agreed")
    card = page.locator(f"[data-testid=inbox] > li[data-id='{vision['id']}']")
    assert card.locator("h2").inner_text() == f"{world.team['name']}: Vision agreed New"
    artifact(page, "inbox")

    card.get_by_role("link").click()
    page.wait_for_url(world.server.url + f"/teams/{world.team['id']}/board")
    token = world.server.login(coach["email"])["token"]
    status, body = world.server.call("GET", "/api/notifications", token=token)
    assert status == 200, body
    assert [n["id"] for n in body["notifications"] if n["read_at"]] == [vision["id"]]

    page.goto(world.server.url + "/notifications")
    card.wait_for()
    assert card.get_attribute("data-read") == "yes"
    page.goto(world.server.url + "/")
    page.wait_for_selector("[data-testid=home-inbox]")
    # The count as the server has it now (the home shows the kept list, then the server's).
    page.wait_for_function("(n) => (document.querySelector('[data-testid=home-inbox] [data-testid=unread-count]')?.textContent || '0 unread') === `${n} unread`",
                           arg=len(told) - 1)

    # Offline: the list as last read, and why nothing new shows.
    context.set_offline(True)
    page.locator("[data-testid=home-inbox] a[href='/notifications']").click()
    page.wait_for_selector("[data-testid=inbox-stale]:has-text('You are offline')")
    assert cards.count() == len(told)
    context.set_offline(False)
