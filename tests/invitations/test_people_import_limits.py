"""The people import refuses a line of too many columns before the csv module makes it a list, naming the
line (issue 17), with the same error shape as the box score import."""

from __future__ import annotations

import pytest

from server.invitations import imports

HEADER = "name,email,role,team,team role\r\n"


def _post(admin, text: str):
    return admin.post("/api/people-imports", data=text.encode(), content_type="text/csv")


@pytest.mark.parametrize("text, line", [
    (",".join(f"c{i}" for i in range(2000)) + "\r\n", 1),  # the probe's 2,000 columns
    (HEADER + "Ann,ann@example.org,staff,,\r\n" + "x," * 30 + "\r\n", 3),
    (HEADER + '"Smith, Ann",ann@example.org,staff,,\r\n' + '"a",' * 25 + "\r\n", 3),  # quoted: counted by csv
])
def test_a_line_of_too_many_columns_is_refused_naming_it(admin, monkeypatch, text, line):
    monkeypatch.setattr(imports, "check", lambda *a: pytest.fail("the rows were checked"))
    response = _post(admin, text)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "import_too_large" and error["message"].startswith(f"Line {line} has ")
    assert f"at most {imports.MAX_COLUMNS}" in error["message"] and len(response.get_data()) < 1000


def test_quoted_commas_within_the_limit_are_read(admin):
    response = _post(admin, HEADER + '"Smith, Ann",ann@example.org,staff,,\r\n')
    assert response.status_code == 200, response.json
    assert [r["name"] for r in response.json["rows"]] == ["Smith, Ann"]
