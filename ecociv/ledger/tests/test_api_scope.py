from ecociv.ledger.models import Project


def test_api_summary_and_ranking_follow_the_scope(world, client):
    Project.objects.create(region=world.county, year=2026, name="甲", category="产业", planned=100, completed=50)
    world.login(client, world.admin)
    r = client.get("/api/v1/ledger/summary/870121/2026")
    assert r.status_code == 200 and r.json()["investment_wanyuan"]["planned"] == "100"
    assert client.get("/api/v1/ledger/summary/870122/2026").status_code == 404
    assert client.get("/api/v1/ledger/summary/870100/2026").status_code == 404
    world.login(client, world.city_admin)
    rows = client.get("/api/v1/ledger/ranking/870100/2026").json()
    # default rules: project progress weighs 15, so 甲县's half-built project puts it first
    assert [(r["region"], r["rank"], r["score"]) for r in rows] == [("870121", 1, "7.50"), ("870122", 2, "0.00")]
