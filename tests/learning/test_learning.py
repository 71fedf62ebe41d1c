"""The shared learning library (issue 14), on both databases: drafts stay inside their team until one
of its leads consents, the library's search, the before/after chart, and adopting a shared change into
another team's ideas through the sync engine.

The clock stands at Thursday 22 October 2026, 00:30 in London."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.improvement.models import Idea
from server.learning.models import SharedItem
from server.measures.models import measure_value_id
from tests.api.test_permissions import sign_in_display
from tests.measures.boxscore_testkit import Device, new_id, upsert

NOW = "2026-10-21T23:30:00Z"
CHANGE_MONDAY = date(2026, 9, 7)  # the hoist checklist's first PDSA cycle started that week


@pytest.fixture
def org(app, frozen, make_board, make_team, make_user, login):
    north, south = make_board("North"), make_board("South")
    ward7 = make_team(board=north, name="Ward 7", service="Older people's care")
    ward9 = make_team(board=south, name="Ward 9", service="Mental health")
    ward3 = make_team(board=south, name="Ward 3", service="Older people's care")
    people = {"lead7": make_user(team=ward7, team_role="lead"), "staff7": make_user(team=ward7),
              "coach7": make_user("coach", coach_of=[ward7]), "lead9": make_user(team=ward9, team_role="lead"),
              "staff9": make_user(team=ward9), "coach9": make_user("coach", coach_of=[ward9]),
              "lead3": make_user(team=ward3, team_role="lead"), "admin": make_user("admin"),
              "no_team": make_user()}
    api = {name: login(user) for name, user in people.items()}
    api["display7"] = sign_in_display(api["lead7"], ward7, "Ward TV")
    return {"teams": {"ward7": ward7, "ward9": ward9, "ward3": ward3}, "people": people, "api": api}


def hoist_work(org) -> dict[str, str]:
    """Ward 7's falls measure with 8 weeks before the hoist checklist (about 6 falls a week) and 7 after
    (about 2), the adopted idea with two PDSA cycles, and an idea still being tested."""
    ward7 = org["teams"]["ward7"]
    falls, idea, testing = new_id(), new_id(), new_id()
    weeks = [CHANGE_MONDAY - timedelta(weeks=8 - i) for i in range(15)]
    values = [6, 5, 7, 6, 6, 5, 7, 6, 3, 2, 2, 1, 2, 2, 2]
    Device(org["api"]["lead7"]).push(
        upsert("measures", falls, team_id=ward7.id, name="Falls", group="performance", direction="down"),
        *(upsert("measure_values", measure_value_id(falls, w), team_id=ward7.id, measure_id=falls,
                 week_start=w.isoformat(), value=v) for w, v in zip(weeks, values)),
        upsert("ideas", idea, team_id=ward7.id, title="Hoist checklist at handover", status="adopted",
               description="A two-minute hoist check read out at every handover.", measure_ids=[falls],
               raised_on="2026-08-20"),
        upsert("pdsa_cycles", new_id(), team_id=ward7.id, idea_id=idea, started_on="2026-09-08",
               plan="Read the checklist at the morning handover for a week; we predict fewer falls.",
               study="Falls halved.", act="adapt"),
        upsert("pdsa_cycles", new_id(), team_id=ward7.id, idea_id=idea, started_on="2026-09-15",
               plan="Every handover.", study="Kept low.", act="adopt"),
        upsert("ideas", testing, team_id=ward7.id, title="Quiet hour", status="testing", raised_on="2026-10-01"),
    )
    return {"falls": falls, "idea": idea, "testing": testing}


def items_url(team) -> str:
    return f"/api/teams/{team.id}/shared-items"


def library(api, **query):
    response = api.get("/api/library", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def titles(api, **query) -> list[str]:
    return [i["title"] for i in library(api, **query)["items"]]


def share(org, who: str, team_key: str, body: dict, consent_by: str | None = None) -> dict:
    team = org["teams"][team_key]
    created = org["api"][who].post(items_url(team), json=body)
    assert created.status_code == 201, created.json
    if consent_by:
        consented = org["api"][consent_by].post(f"{items_url(team)}/{created.json['id']}/consent")
        assert consented.status_code == 200, consented.json
        return consented.json
    return created.json


def case_study(title: str, text: str, **more) -> dict:
    return {"kind": "case_study", "title": title, "text": text, **more}


# ------------------------------------------------------------------------------------------------ consent
def test_a_draft_stays_inside_its_team_until_a_lead_consents_and_leaves_the_library_when_withdrawn(org):
    api, ward7 = org["api"], org["teams"]["ward7"]
    work = hoist_work(org)
    draft = share(org, "coach7", "ward7", {"kind": "adopted_change", "idea_id": work["idea"]})
    assert (draft["kind"], draft["title"], draft["text"], draft["shared"]) == (
        "adopted_change", "Hoist checklist at handover", "A two-minute hoist check read out at every handover.", False)
    assert (draft["team_name"], draft["board_name"], draft["service"], draft["measure_name"], draft["author_name"]) == (
        "Ward 7", "North", "Older people's care", "Falls", org["people"]["coach7"].name)
    item_url = f"/api/library/{draft['id']}"

    # Inside the team: its leads, its coach and admins see the draft; its staff do not.
    for insider in ("lead7", "coach7", "admin"):
        assert api[insider].get(item_url).status_code == 200, insider
        assert [i["id"] for i in api[insider].get(items_url(ward7)).json["items"]] == [draft["id"]], insider
    assert api["staff7"].get(item_url).status_code == 404
    assert api["staff7"].get(items_url(ward7)).status_code == 403
    # Nobody finds it in the library, and other teams and their coaches cannot open it.
    for reader in ("lead7", "staff7", "coach7", "lead9", "staff9", "coach9", "admin"):
        assert library(api[reader])["items"] == [], reader
        assert titles(api[reader], q="hoist") == [], reader
    for outsider in ("lead9", "staff9", "coach9"):
        assert api[outsider].get(item_url).status_code == 404, outsider
        assert api[outsider].get(items_url(ward7)).status_code == 404, outsider

    # Only a lead of the team consents: not its coach, its staff, an administrator or another team's lead.
    consent_url = f"{items_url(ward7)}/{draft['id']}/consent"
    for refused, status in (("coach7", 403), ("staff7", 403), ("admin", 403), ("lead9", 404)):
        assert api[refused].post(consent_url).status_code == status, refused
    assert db.session.get(SharedItem, draft["id"]).consented_at is None
    consented = api["lead7"].post(consent_url)
    assert consented.status_code == 200
    assert (consented.json["shared"], consented.json["consented_by_name"], consented.json["consented_at"]) == (
        True, org["people"]["lead7"].name, "2026-10-21T23:30:00+00:00")

    for reader in ("staff7", "lead9", "staff9", "coach9", "lead3", "admin"):
        assert titles(api[reader]) == ["Hoist checklist at handover"], reader
        assert api[reader].get(item_url).status_code == 200, reader
    # Ward TVs and people of no team do not browse the library.
    for refused in ("display7", "no_team"):
        response = api[refused].get("/api/library")
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden", refused
        assert api[refused].get(item_url).status_code == 403, refused

    # Withdrawn: out of the library and closed to other teams again; still a draft inside the team.
    assert api["staff7"].delete(consent_url).status_code == 403
    withdrawn = api["lead7"].delete(consent_url)
    assert withdrawn.status_code == 200 and withdrawn.json["shared"] is False and withdrawn.json["consented_by"] is None
    for reader in ("lead9", "staff9", "coach9", "staff7"):
        assert library(api[reader])["items"] == [], reader
        assert api[reader].get(item_url).status_code == 404, reader
    assert api["lead7"].get(item_url).json["shared"] is False
    # One item per idea: sharing it again is refused in words.
    twice = api["lead7"].post(items_url(ward7), json={"kind": "adopted_change", "idea_id": work["idea"]})
    assert twice.status_code == 409 and twice.json["error"]["code"] == "already_shared"


def test_staff_cannot_draft_and_bad_or_unknown_input_is_refused_without_writing(org):
    api, ward7, ward9 = org["api"], org["teams"]["ward7"], org["teams"]["ward9"]
    work = hoist_work(org)
    refused = api["staff7"].post(items_url(ward7), json=case_study("Our huddle", "Fifteen minutes, standing."))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert api["display7"].post(items_url(ward7), json=case_study("Our huddle", "Fifteen minutes.")).status_code == 403

    def fields_of(body, who="lead7", team=ward7) -> dict:
        response = api[who].post(items_url(team), json=body)
        assert response.status_code == 422, response.json
        return response.json["error"]["fields"]

    assert list(fields_of({"kind": "poster"})) == ["kind"]
    assert fields_of({"kind": "adopted_change"}) == {"idea_id": ["Choose the adopted idea to share."]}
    assert fields_of({"kind": "adopted_change", "idea_id": work["testing"]}) == {
        "idea_id": ["Only an adopted idea can be shared: adopt it after testing it."]}
    assert fields_of({"kind": "adopted_change", "idea_id": work["idea"]}, who="lead9", team=ward9) == {
        "idea_id": ["That idea is not one of this team's."]}
    assert list(fields_of({"kind": "adopted_change", "idea_id": work["idea"], "measure_id": new_id()})) == ["measure_id"]
    assert list(fields_of({"kind": "case_study", "title": "Our huddle", "text": "   "})) == ["text"]
    assert list(fields_of({"kind": "case_study", "text": "Fifteen minutes."})) == ["title"]
    assert list(fields_of({**case_study("Our huddle", "x"), "surprise": 1})) == ["surprise"]
    assert list(fields_of(case_study("t" * 201, "x"))) == ["title"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SharedItem)) == 0  # nothing half-written

    # Unknown teams and items are missing; another team's item is missing from this team's paths.
    unknown = "8d1f0c7e-0000-4000-8000-000000000000"
    assert api["lead7"].post(f"/api/teams/{unknown}/shared-items", json=case_study("a", "b")).status_code == 404
    mine = share(org, "lead7", "ward7", case_study("Our huddle", "Fifteen minutes, standing."))
    assert api["lead9"].post(f"{items_url(ward9)}/{mine['id']}/consent").status_code == 404
    assert api["lead7"].post(f"{items_url(ward7)}/{unknown}/consent").status_code == 404
    assert api["lead7"].get(f"/api/library/{unknown}").status_code == 404
    bad_cursor = api["lead9"].get("/api/library", query_string={"cursor": "not-a-page"})
    assert bad_cursor.status_code == 422 and list(bad_cursor.json["error"]["fields"]) == ["cursor"]
    assert api["lead9"].get("/api/library", query_string={"limit": 0}).status_code == 422


def test_the_team_deletes_its_items(org):
    api, ward7 = org["api"], org["teams"]["ward7"]
    by_coach = share(org, "coach7", "ward7", case_study("Moving the huddle", "We moved it to the nurses' station."))
    by_lead = share(org, "lead7", "ward7", case_study("Our board", "A whiteboard by the door."), consent_by="lead7")
    assert api["staff7"].delete(f"{items_url(ward7)}/{by_coach['id']}").status_code == 403
    assert api["coach7"].delete(f"{items_url(ward7)}/{by_lead['id']}").status_code == 403  # not their draft
    assert api["coach7"].delete(f"{items_url(ward7)}/{by_coach['id']}").status_code == 204
    assert api["lead7"].delete(f"{items_url(ward7)}/{by_lead['id']}").status_code == 204
    assert api["lead7"].get(items_url(ward7)).json["items"] == [] and library(api["lead9"])["items"] == []


# ------------------------------------------------------------------------------------------------ search
def test_the_library_is_searched_by_words_measure_and_service_newest_first_in_pages(org, frozen):
    work = hoist_work(org)
    share(org, "lead7", "ward7", {"kind": "adopted_change", "idea_id": work["idea"]}, consent_by="lead7")
    frozen.advance(seconds=60)
    share(org, "lead9", "ward9", case_study("Safety huddle on night shift", "Night staff huddle at 02:00 about 100% of nights."),
          consent_by="lead9")
    frozen.advance(seconds=60)
    share(org, "lead3", "ward3", case_study("A HOIST for every bay", "Fewer falls once each bay had a hoist."), consent_by="lead3")
    frozen.advance(seconds=60)
    share(org, "lead3", "ward3", case_study("Hoist training (draft)", "Not consented."))
    reader = org["api"]["staff9"]

    assert titles(reader) == ["A HOIST for every bay", "Safety huddle on night shift", "Hoist checklist at handover"]
    assert titles(reader, q="hoist") == ["A HOIST for every bay", "Hoist checklist at handover"]
    assert titles(reader, q="HANDOVER") == ["Hoist checklist at handover"]  # the title, any case
    assert titles(reader, q="falls bay") == ["A HOIST for every bay"]  # every word, title or text
    assert titles(reader, q="two-minute") == ["Hoist checklist at handover"]  # the idea's description
    assert titles(reader, q="100%") == ["Safety huddle on night shift"]  # % is a character, not a wildcard
    assert titles(reader, q="%") == ["Safety huddle on night shift"]
    assert titles(reader, q="_") == []
    assert titles(reader, measure="fall") == ["Hoist checklist at handover"]
    assert titles(reader, service="older people's CARE") == ["A HOIST for every bay", "Hoist checklist at handover"]
    assert titles(reader, service="Mental health", q="hoist") == []
    assert titles(reader, q="", measure="", service="") == titles(reader)  # empty boxes mean any
    assert library(reader)["facets"] == {"measures": ["Falls"], "services": ["Mental health", "Older people's care"]}

    first = library(reader, limit=2)
    assert [i["title"] for i in first["items"]] == ["A HOIST for every bay", "Safety huddle on night shift"]
    second = library(reader, limit=2, cursor=first["next_cursor"])
    assert [i["title"] for i in second["items"]] == ["Hoist checklist at handover"] and second["next_cursor"] is None


def test_an_adopted_change_shows_its_pdsa_cycles_and_the_measure_before_and_after(org):
    work = hoist_work(org)
    item = share(org, "lead7", "ward7", {"kind": "adopted_change", "idea_id": work["idea"]}, consent_by="lead7")
    body = org["api"]["coach9"].get(f"/api/library/{item['id']}").json
    assert [(c["started_on"], c["act"]) for c in body["cycles"]] == [("2026-09-08", "adapt"), ("2026-09-15", "adopt")]
    chart = body["chart"]
    assert (chart["measure_name"], chart["direction"], chart["change_week"]) == ("Falls", "down", "2026-09-07")
    assert [p["phase"] for p in chart["points"]] == ["before"] * 8 + ["after"] * 7
    assert chart["points"][0] == {"week_start": "2026-07-13", "value": 6.0, "phase": "before"}
    assert (chart["before_mean"], chart["after_mean"]) == (6.0, 2.0)
    listed = library(org["api"]["coach9"])["items"][0]
    assert listed["chart"] == chart and listed["cycles"] == []  # the list's cards carry the chart only


# ------------------------------------------------------------------------------------------------ adopt
def _pull_ideas(api) -> dict[str, dict]:
    changes, cursor = [], ""
    while True:
        page = api.get("/api/sync/pull", query_string={"cursor": cursor, "limit": 500}).json
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return {c["record_id"]: c for c in changes if c["collection"] == "ideas"}


def test_adopting_a_shared_change_adds_one_idea_that_the_teams_devices_pull(org):
    api, ward9 = org["api"], org["teams"]["ward9"]
    work = hoist_work(org)
    item = share(org, "lead7", "ward7", {"kind": "adopted_change", "idea_id": work["idea"]}, consent_by="lead7")
    adopt_url = f"/api/library/{item['id']}/adopt"
    before = _pull_ideas(api["lead9"])

    adopted = api["staff9"].post(adopt_url, json={"team_id": ward9.id})
    assert adopted.status_code == 201, adopted.json
    assert (adopted.json["team_id"], adopted.json["title"], adopted.json["created"]) == (
        ward9.id, "Hoist checklist at handover", True)
    ideas = db.session.scalars(sa.select(Idea).where(Idea.team_id == ward9.id)).all()
    assert [i.id for i in ideas] == [adopted.json["idea_id"]]
    idea = ideas[0]
    assert (idea.status, idea.raised_on, idea.user_id) == ("new", date(2026, 10, 22), org["people"]["staff9"].id)
    assert idea.description == ("A two-minute hoist check read out at every handover.\n\nAdopted from the Valueboard library: "
                                "“Hoist checklist at handover”, shared by Ward 7 (North).")

    # The team's devices pull it like any idea; ward 7 does not.
    pulled = _pull_ideas(api["lead9"])
    assert set(pulled) - set(before) == {idea.id}
    record = pulled[idea.id]["record"]
    assert pulled[idea.id]["deleted"] is False
    assert (record["team_id"], record["title"], record["status"]) == (ward9.id, "Hoist checklist at handover", "new")
    assert idea.id not in _pull_ideas(api["lead7"])

    # Adopting it again (a retry, a second tap) answers the same idea and writes nothing more.
    again = api["lead9"].post(adopt_url, json={"team_id": ward9.id})
    assert again.status_code == 200 and again.json["idea_id"] == idea.id and again.json["created"] is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea).where(Idea.team_id == ward9.id)) == 1
    # Another team adopts it too: its own idea.
    assert api["lead3"].post(adopt_url, json={"team_id": org["teams"]["ward3"].id}).status_code == 201


def test_what_cannot_be_adopted(org):
    api, ward7, ward9 = org["api"], org["teams"]["ward7"], org["teams"]["ward9"]
    work = hoist_work(org)
    draft = share(org, "lead7", "ward7", {"kind": "adopted_change", "idea_id": work["idea"]})
    study = share(org, "lead7", "ward7", case_study("Our huddle", "Fifteen minutes, standing."), consent_by="lead7")

    def refused(who, item_id, body, status):
        response = api[who].post(f"/api/library/{item_id}/adopt", json=body)
        assert response.status_code == status, response.json
        return response.json["error"]

    assert refused("staff9", draft["id"], {"team_id": ward9.id}, 404)["code"] == "not_found"  # not shared
    assert refused("lead7", draft["id"], {"team_id": ward7.id}, 409)["code"] == "not_shared"
    assert refused("staff9", study["id"], {"team_id": ward9.id}, 409)["code"] == "not_adoptable"
    api["lead7"].post(f"{items_url(ward7)}/{draft['id']}/consent")
    assert refused("staff9", draft["id"], {"team_id": ward7.id}, 404)["code"] == "not_found"  # not their team
    assert list(refused("staff9", draft["id"], {}, 422)["fields"]) == ["team_id"]
    assert refused("display7", draft["id"], {"team_id": ward7.id}, 403)["code"] == "forbidden"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea).where(Idea.team_id == ward9.id)) == 0


def test_a_long_story_is_cut_to_fit_the_idea_and_an_adopted_idea_deleted_by_the_team_is_not_written_again(org):
    api, ward7, ward9 = org["api"], org["teams"]["ward7"], org["teams"]["ward9"]
    long_idea = new_id()
    story = "Hoist " + "checked at every handover. " * 150
    story = story[:4000]
    Device(api["lead7"]).push(upsert("ideas", long_idea, team_id=ward7.id, title="Hoist checks", status="adopted",
                                     description=story, raised_on="2026-09-01"))
    item = share(org, "lead7", "ward7", {"kind": "adopted_change", "idea_id": long_idea}, consent_by="lead7")
    assert item["chart"] is None and item["measure_name"] is None  # no measure linked: no chart
    adopted = api["staff9"].post(f"/api/library/{item['id']}/adopt", json={"team_id": ward9.id})
    assert adopted.status_code == 201, adopted.json
    description = db.session.get(Idea, adopted.json["idea_id"]).description
    assert len(description) <= 4000 and description.startswith("Hoist checked at every handover.")
    assert description.endswith("…\n\nAdopted from the Valueboard library: “Hoist checks”, shared by Ward 7 (North).")

    # The team deletes the idea it adopted: adopting the item again is refused in words, never a 500.
    Device(api["lead9"]).push({"collection": "ideas", "record_id": adopted.json["idea_id"], "op": "delete"})
    again = api["staff9"].post(f"/api/library/{item['id']}/adopt", json={"team_id": ward9.id})
    assert again.status_code == 409 and again.json["error"]["code"] == "not_adopted"
    assert again.json["error"]["message"].startswith("Your team adopted this change before and then deleted that idea")
