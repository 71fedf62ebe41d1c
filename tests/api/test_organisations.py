def test_admin_creates_boards_and_lists_them(admin):
    created = admin.post("/api/boards", json={"name": "NHS Fife"})
    assert created.status_code == 201
    assert set(created.json) == {"id", "name", "archived"}
    assert created.json["name"] == "NHS Fife"
    assert {"id": created.json["id"], "name": "NHS Fife", "archived": False} in admin.get("/api/boards").json["boards"]


def test_duplicate_board_name_is_a_conflict(admin):
    admin.post("/api/boards", json={"name": "NHS Tayside"})
    again = admin.post("/api/boards", json={"name": "nhs tayside"})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "board_exists"


def test_admin_creates_a_team_with_settings(admin, make_board):
    board = make_board()
    created = admin.post("/api/teams", json={"board_id": board.id, "name": "Ward 7", "service": "Surgery",
                                             "contracted_hours_per_week": 412.5})
    assert created.status_code == 201
    team = created.json
    assert team["board_id"] == board.id and team["contracted_hours_per_week"] == 412.5
    assert admin.get(f"/api/teams/{team['id']}").json == team


def test_team_for_a_missing_board_is_a_validation_error(admin):
    response = admin.post("/api/teams", json={"board_id": "nope", "name": "Ward"})
    assert response.status_code == 422
    assert "board_id" in response.json["error"]["fields"]


def test_lead_changes_team_settings(make_team, make_user, login):
    team = make_team()
    lead = login(make_user("staff", team=team, team_role="lead"))
    response = lead.patch(f"/api/teams/{team.id}", json={"huddle_day": "tuesday", "huddle_time": "14:00",
                                                         "vision_statement": "Home for lunch."})
    assert response.status_code == 200
    assert response.json["huddle_day"] == "tuesday" and response.json["vision_statement"] == "Home for lunch."


def test_bad_huddle_time_is_explained(make_team, make_user, login):
    team = make_team()
    lead = login(make_user("staff", team=team, team_role="lead"))
    response = lead.patch(f"/api/teams/{team.id}", json={"huddle_time": "25:00"})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["huddle_time"] == ["Use 24-hour HH:MM, for example 09:30."]


def test_admin_creates_users_and_emails_are_unique_ignoring_case(admin):
    body = {"email": "New.Person@example.org", "name": "New Person", "password": "a long password", "role": "staff"}
    created = admin.post("/api/users", json=body)
    assert created.status_code == 201
    assert set(created.json) == {"id", "email", "name", "role", "active", "must_change_password"}
    again = admin.post("/api/users", json={**body, "email": "new.person@EXAMPLE.org"})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "email_taken"


def test_me_lists_teams_and_coached_teams(make_team, make_user, login):
    team = make_team(name="Ward A", huddle_day="tuesday", huddle_time="09:30")
    coached = make_team(name="Ward B")
    coach = make_user("coach", team=team, team_role="lead", coach_of=[coached])
    me = login(coach).get("/api/me").json
    assert me["teams"] == [{"id": team.id, "name": "Ward A", "board_id": team.board_id, "role": "lead",
                            "huddle_day": "tuesday", "huddle_time": "09:30"}]
    assert me["coached_teams"] == [{"id": coached.id, "name": "Ward B", "board_id": coached.board_id, "role": "coach",
                                    "huddle_day": None, "huddle_time": None}]
    assert {"id", "email", "name", "role"} <= set(me)


def test_lead_adds_promotes_and_removes_members(make_team, make_user, login):
    team = make_team()
    lead = login(make_user("staff", team=team, team_role="lead"))
    newcomer = make_user("staff", team=make_team(board=team.board))  # from another ward of the board
    added = lead.put(f"/api/teams/{team.id}/members/{newcomer.id}", json={"role": "member"})
    assert added.status_code == 200 and added.json["role"] == "member"
    promoted = lead.put(f"/api/teams/{team.id}/members/{newcomer.id}", json={"role": "lead"})
    assert promoted.json["role"] == "lead"
    members = lead.get(f"/api/teams/{team.id}/members").json["members"]
    assert {m["user_id"]: m["role"] for m in members}[newcomer.id] == "lead"
    assert lead.delete(f"/api/teams/{team.id}/members/{newcomer.id}").status_code == 204
    assert lead.delete(f"/api/teams/{team.id}/members/{newcomer.id}").status_code == 404


def test_member_of_unknown_user_is_404(make_team, admin):
    team = make_team()
    response = admin.put(f"/api/teams/{team.id}/members/unknown-user", json={"role": "member"})
    assert response.status_code == 404


def test_only_coaches_can_be_assigned_to_follow_teams(make_team, make_user, admin):
    team = make_team()
    coach, staff = make_user("coach"), make_user("staff")
    assert admin.put(f"/api/teams/{team.id}/coaches/{coach.id}").status_code == 200
    refused = admin.put(f"/api/teams/{team.id}/coaches/{staff.id}")
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_a_coach"
    assert admin.delete(f"/api/teams/{team.id}/coaches/{coach.id}").status_code == 204


def test_coach_sees_assigned_teams_in_any_board(make_board, make_team, make_user, login):
    team_a, team_b = make_team(board=make_board()), make_team(board=make_board())
    coach = login(make_user("coach", coach_of=[team_a, team_b]))
    assert {t["id"] for t in coach.get("/api/teams").json["teams"]} == {team_a.id, team_b.id}


def test_health_checks_the_database(client):
    assert client.get("/api/health").json == {"status": "ok"}


def test_duplicate_non_ascii_names_are_conflicts_not_crashes(admin, make_board):
    assert admin.post("/api/boards", json={"name": "Äberdeen"}).status_code == 201
    again = admin.post("/api/boards", json={"name": "Äberdeen"})
    assert again.status_code == 409 and again.json["error"]["code"] == "board_exists"
    board = make_board()
    assert admin.post("/api/teams", json={"board_id": board.id, "name": "Ŵard"}).status_code == 201
    assert admin.post("/api/teams", json={"board_id": board.id, "name": "Ŵard"}).status_code == 409


def test_a_lead_adds_people_of_their_board_and_others_only_by_exact_email(make_board, make_team, make_user, login):
    """Issue 17: a user id a lead cannot find reads as unknown, so ids reveal nobody's name or email."""
    team = make_team()
    lead = login(make_user("staff", team=team, team_role="lead"))
    elsewhere = make_user("staff", team=make_team(board=make_board()), email="Far.Away@example.org")
    loner = make_user("staff")
    unknown = lead.put(f"/api/teams/{team.id}/members/no-such-user", json={"role": "member"})
    assert unknown.status_code == 404
    for person in (elsewhere, loner):
        hidden = lead.put(f"/api/teams/{team.id}/members/{person.id}", json={"role": "member"})
        assert (hidden.status_code, hidden.json) == (404, unknown.json)
    wrong = lead.put(f"/api/teams/{team.id}/members/{elsewhere.id}", json={"role": "member", "email": "far@example.org"})
    assert (wrong.status_code, wrong.json) == (404, unknown.json)
    added = lead.put(f"/api/teams/{team.id}/members/{elsewhere.id}",
                     json={"role": "member", "email": " far.away@EXAMPLE.org"})
    assert added.status_code == 200 and added.json["email"] == "Far.Away@example.org"


def test_admins_add_anyone(make_team, make_user, admin):
    team, loner = make_team(), make_user("staff")
    assert admin.put(f"/api/teams/{team.id}/members/{loner.id}", json={"role": "member"}).status_code == 200


def test_a_board_lead_finds_their_boards_people_and_others_only_by_exact_email(make_board, make_team, make_user,
                                                                                 login, admin):
    board = make_board()
    lead_user = make_user("board_lead", name="Lead Findme")
    assert admin.put(f"/api/boards/{board.id}/leads/{lead_user.id}").status_code == 200
    board_lead = login(lead_user)
    make_user("staff", team=make_team(board=board), name="Findme Mine")
    make_user("coach", coach_of=[make_team(board=board)], name="Findme Coach")
    make_user("staff", team=make_team(board=make_board()), name="Findme Other", email="other.findme@example.org")
    make_user("staff", name="Findme Loner")

    def found(q):
        return {u["name"] for u in board_lead.get("/api/users", query_string={"q": q}).json["users"]}

    assert found("findme") == {"Lead Findme", "Findme Mine", "Findme Coach"}
    assert found("other.findme@example.org") == {"Findme Other"}
    assert found("OTHER.findme@example.org ") == {"Findme Other"}
    assert found("other.findme@example") == set()
    assert {u["name"] for u in admin.get("/api/users", query_string={"q": "findme"}).json["users"]} >= {
        "Findme Mine", "Findme Coach", "Findme Other", "Findme Loner"}


def test_boards_are_listed_to_the_people_who_work_in_them(make_board, make_team, make_user, login, admin):
    board_a, board_b, board_c, board_d = (make_board() for _ in range(4))
    team_a, team_b, team_d = make_team(board=board_a), make_team(board=board_b), make_team(board=board_d)
    ids = lambda api: {b["id"] for b in api.get("/api/boards").json["boards"]}  # noqa: E731
    staff = login(make_user("staff", team=team_a))
    coach = login(make_user("coach", coach_of=[team_b]))
    lead_user = make_user("board_lead")
    assert admin.put(f"/api/boards/{board_c.id}/leads/{lead_user.id}").status_code == 200
    assert ids(staff) == {board_a.id}
    assert ids(coach) == {board_b.id}
    assert ids(login(lead_user)) == {board_c.id}
    assert ids(login(make_user("staff"))) == set()
    assert {board_a.id, board_b.id, board_c.id, board_d.id} <= ids(admin)
