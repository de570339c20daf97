from bot.processes.readiness import health_urls, ready_banner, wait_until_up
from bot.settings import load_settings


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_returns_nothing_once_all_answer():
    clock = FakeClock()
    answers = {"a": iter([False, False, True]), "b": iter([True])}
    down = wait_until_up(
        ["a", "b"], 60, check=lambda url: next(answers[url]), sleep=clock.sleep, clock=clock
    )
    assert down == []
    assert clock.now == 2.0


def test_returns_the_ones_still_down_at_the_deadline():
    clock = FakeClock()
    down = wait_until_up(
        ["up", "down"], 5, check=lambda url: url == "up", sleep=clock.sleep, clock=clock
    )
    assert down == ["down"]
    assert clock.now == 5.0


def test_urls_and_banner_follow_the_settings(tmp_path):
    settings = load_settings({"WEB_PORT": "18000"}, root=tmp_path)
    assert health_urls(settings)["web app"] == "http://127.0.0.1:18000/healthz"
    banner = ready_banner(settings)
    assert "http://127.0.0.1:18000/" in banner
    assert "http://127.0.0.1:18000/staff" in banner
    assert "http://127.0.0.1:5005/webhooks/rest/webhook" in banner
