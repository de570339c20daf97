from starlette.testclient import TestClient

from bot.settings import load_settings
from bot.web.app import create_app


def client(project_root):
    return TestClient(create_app(load_settings({}, root=project_root)))


def test_home_page_names_the_clinic(project_root, clinic):
    response = client(project_root).get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"<title>{clinic.name}</title>" in page
    assert clinic.phone in page
    assert "911" in page
    assert str(clinic.privacy_policy_url) in page


def test_clinic_text_is_escaped(project_root, clinic):
    hostile = clinic.copy(update={"name": "<script>alert(1)</script>"})
    app = create_app(load_settings({}, root=project_root), clinic=hostile)
    page = TestClient(app).get("/").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_health_and_static(project_root):
    c = client(project_root)
    assert c.get("/healthz").text == "ok"
    assert c.get("/static/site.css").status_code == 200
    assert c.get("/nope").status_code == 404
