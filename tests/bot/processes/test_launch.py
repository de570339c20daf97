from bot.processes import launch
from bot.settings import load_settings


def option(command, name):
    return command[command.index(name) + 1]


def test_rasa_without_a_token_has_no_http_api(tmp_path):
    command = launch.rasa_server_command(load_settings({}, root=tmp_path))
    assert command[1:4] == ["-m", "bot.processes.rasa_runtime", "run"]
    assert "--enable-api" not in command
    assert "--auth-token" not in command
    assert option(command, "--interface") == "127.0.0.1"
    assert option(command, "--port") == "5005"
    assert option(command, "--credentials") == str(tmp_path / "credentials.yml")
    assert option(command, "--endpoints") == str(tmp_path / "endpoints.yml")


def test_rasa_with_a_token_enables_the_api_behind_it(tmp_path):
    command = launch.rasa_server_command(load_settings({"RASA_AUTH_TOKEN": "t0k"}, root=tmp_path))
    assert "--enable-api" in command
    assert option(command, "--auth-token") == "t0k"


def test_rasa_cors_lists_only_the_configured_origins(tmp_path):
    settings = load_settings({"CORS_ORIGINS": "https://clinic.example"}, root=tmp_path)
    command = launch.rasa_server_command(settings)
    start = command.index("--cors") + 1
    following = command[start:]
    origins = following[: next((i for i, a in enumerate(following) if a.startswith("--")), None)]
    assert origins == ["https://clinic.example"]
    assert "*" not in command


def test_rasa_environment_fills_endpoints_variables(tmp_path):
    settings = load_settings({"ACTION_PORT": "15055"}, root=tmp_path)
    env = launch.rasa_environment(settings, base={})
    assert env["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:15055/webhook"
    assert env["TRACKER_STORE_URL"] == f"sqlite:///{tmp_path / 'var' / 'trackers.db'}"
    assert env["LOCK_STORE_TYPE"] == "in_memory"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"


def test_rasa_environment_keeps_explicit_values(tmp_path):
    settings = load_settings({}, root=tmp_path)
    env = launch.rasa_environment(
        settings, base={"ACTION_ENDPOINT_URL": "http://actions:1/webhook"}
    )
    assert env["ACTION_ENDPOINT_URL"] == "http://actions:1/webhook"


def test_action_server_listens_on_loopback_by_default(tmp_path):
    settings = load_settings({"ACTION_PORT": "15055"}, root=tmp_path)
    command = launch.action_server_command(settings)
    assert command[1:3] == ["-m", "bot.processes.action_server"]  # rasa-sdk, warmed up first
    assert option(command, "--actions") == "actions"
    assert option(command, "--port") == "15055"
    assert launch.action_server_environment(settings, base={})["SANIC_HOST"] == "127.0.0.1"


def test_rasa_environment_shares_postgres_and_redis_between_replicas(tmp_path):
    settings = load_settings(
        {
            "TRACKER_STORE_DB": "postgresql://rasa:s%40cret@db.internal:5433/trackers",
            "LOCK_STORE_URL": "redis://:p%40ss@cache.internal:6380/3",
        },
        root=tmp_path,
    )
    env = launch.rasa_environment(settings, base={})
    assert env["TRACKER_STORE_URL"] == "postgresql://rasa:s%40cret@db.internal:5433/trackers"
    assert env["LOCK_STORE_TYPE"] == "bot.rasa_plugins.lock_store.ConversationLockStore"
    assert (env["LOCK_STORE_HOST"], env["LOCK_STORE_PORT"], env["LOCK_STORE_DB"]) == (
        "cache.internal",
        "6380",
        "3",
    )
    assert env["LOCK_STORE_PASSWORD"] == "p@ss"
    assert env["TICKET_LOCK_LIFETIME"] == "15"
    # replicas share the store: no trackers kept in memory between messages
    assert env["TRACKER_KEPT_CONVERSATIONS"] == "0"


def test_one_rasa_process_keeps_its_last_conversations(tmp_path):
    from bot.rasa_plugins.kept_trackers import KEPT_CONVERSATIONS

    env = launch.rasa_environment(load_settings({}, root=tmp_path), base={})
    assert env["TRACKER_KEPT_CONVERSATIONS"] == str(KEPT_CONVERSATIONS) != "0"


def test_servers_keep_slow_connections_open(tmp_path):
    settings = load_settings({}, root=tmp_path)
    for env in (
        launch.action_server_environment(settings, base={}),
        launch.rasa_environment(settings, base={}),
    ):
        assert int(env["SANIC_KEEP_ALIVE_TIMEOUT"]) > 60
