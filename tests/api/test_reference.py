"""Reference data: grid, question bank, templates."""

from tests.api.helpers import API, assert_problem, fields_of


def test_grid_has_nine_cells_in_both_languages(client, auth):
    grid = client.get(f"{API}/reference/grid", headers=auth).get_json()
    assert grid["levels"] == ["organisation", "process", "job"]
    assert len(grid["cells"]) == 9
    cell = grid["cells"][0]
    assert set(cell["name"]) == {"en", "zh-CN"}
    assert isinstance(cell["examples"]["en"], list)
    chinese = client.get(f"{API}/reference/grid?lang=zh-CN", headers=auth).get_json()
    assert set(chinese["cells"][0]["name"]) == {"zh-CN"}


def test_questions_filters(client, auth):
    everything = client.get(f"{API}/reference/questions", headers=auth).get_json()
    assert everything["total"] == len(everything["items"]) > 0
    cell = client.get(
        f"{API}/reference/questions?cell=process.management&lang=en", headers=auth
    ).get_json()
    assert cell["items"] and all(q["cell"] == "process.management" for q in cell["items"])
    assert all(set(q["text"]) == {"en"} for q in cell["items"])
    guiding = client.get(
        f"{API}/reference/questions?element=value&type=guiding", headers=auth
    ).get_json()
    assert guiding["items"]
    assert all(q["element"] == "value" and q["type"] == "guiding" for q in guiding["items"])
    bad = client.get(f"{API}/reference/questions?cell=board.goals&type=x", headers=auth)
    assert fields_of(assert_problem(bad, 422)) == {"cell", "type"}


def test_templates(client, auth):
    listed = client.get(f"{API}/reference/templates", headers=auth).get_json()["items"]
    ids = {t["id"] for t in listed}
    assert "manufacturing" in ids
    detail = client.get(f"{API}/reference/templates/manufacturing?lang=zh-CN", headers=auth)
    assert detail.status_code == 200
    body = detail.get_json()
    assert body["locale"] == "zh-CN" and body["currency"] == "CNY"
    assert set(body["name"]) == {"zh-CN"}
    assert body["document"]["locale"] == "zh-CN"
    # the document it shows is what a create from the template starts with
    created = client.post(
        f"{API}/cases", json={"template": "manufacturing", "locale": "zh-CN"}, headers=auth
    ).get_json()
    assert created["document"] == body["document"]
    assert_problem(client.get(f"{API}/reference/templates/nope", headers=auth), 404)
    assert_problem(
        client.get(f"{API}/reference/templates/manufacturing?lang=fr", headers=auth), 422
    )
