from pathlib import Path

from starlette.testclient import TestClient

from bot.settings import load_settings
from bot.web.app import create_app
from bot.web.widget import WIDGET, phone_href

LIMIT = 30 * 1024  # the widget's JavaScript and CSS together


def client(project_root, tmp_path, **env) -> TestClient:
    settings = load_settings(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}", **env}, root=project_root
    )
    return TestClient(create_app(settings))


def test_the_script_and_stylesheet_are_served(project_root, tmp_path):
    c = client(project_root, tmp_path)
    script = c.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "webhooks/rest/webhook" in script.text
    css = c.get("/widget.css")
    assert css.headers["content-type"].startswith("text/css")


def test_the_configuration_is_public_and_names_the_clinic(project_root, tmp_path, clinic):
    response = client(project_root, tmp_path).get("/widget/config.json")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == {
        "clinic_name": clinic.name,
        "phone": clinic.phone,
        "phone_href": phone_href(clinic.phone, "US"),
        "hours": clinic.hours,
    }


def test_phone_links_are_e164():
    assert phone_href("(555) 010-0199", "US") == "tel:+15550100199"
    assert phone_href("not a number", "US") == "tel:"


def test_the_demo_page_carries_the_widget_and_may_call_rasa(project_root, tmp_path):
    c = client(project_root, tmp_path, PUBLIC_RASA_URL="https://chat.clinic.example/")
    page = c.get("/")
    assert '<script src="/widget.js" data-rasa-url="https://chat.clinic.example" defer>' in (
        page.text
    )
    csp = page.headers["content-security-policy"]
    assert "connect-src 'self' https://chat.clinic.example;" in csp
    default = client(project_root, tmp_path).get("/")
    assert 'data-rasa-url="http://127.0.0.1:5005"' in default.text
    assert "connect-src 'self' http://127.0.0.1:5005;" in default.headers["content-security-policy"]


def test_the_widget_is_small():
    size = sum(path.stat().st_size for path in (WIDGET / "widget.js", WIDGET / "widget.css"))
    assert size <= LIMIT, f"widget.js + widget.css weigh {size} bytes, unminified"


def test_the_widget_never_parses_text_as_html():
    source = Path(WIDGET / "widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source
