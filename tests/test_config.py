"""Config loading: the shipped example, durations and sizes, every error with file, line, key."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_config, parse_duration, parse_fraction, parse_size, summarize
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(path, env=env or {})
    return info.value.problems


def test_example_config_loads_and_never_shows_the_password() -> None:
    config = load_config(
        ROOT / "config" / "monitor.example.yaml", env={"SMTP_PASSWORD": "hunter2-secret"}
    )
    assert [w.name for w in config.watches] == ["gaza-ceasefire", "syria-quake"]
    assert config.feeds[0].interval == 600
    assert config.email.password is not None
    assert config.email.password.get_secret_value() == "hunter2-secret"
    summary = "\n".join(summarize(config))
    assert "hunter2" not in summary
    assert "example-news" in summary


def test_demo_config_loads() -> None:
    config = load_config(
        ROOT / "seeds" / "gaza" / "config.yaml",
        env={"DEMO_BASE_URL": "http://127.0.0.1:1", "DEMO_DIR": "/tmp/demo"},
    )
    assert config.http.allow_private_hosts
    assert config.watches


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("6h", 21600), ("2d", 172800), ("500ms", 0.5), (45, 45)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["soon", "-5s", "0s", "5 parsecs", True])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


def test_sizes_and_fractions() -> None:
    assert parse_size("5MB") == 5_000_000
    assert parse_size("512KiB") == 512 * 1024
    assert parse_size(100) == 100
    assert parse_fraction("10%") == pytest.approx(0.1)
    with pytest.raises(ValueError, match="size"):
        parse_size("lots")


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "scheduler:\n  tick: 30s\n  intervall: 5m\n")
    assert problems(path) == [
        f"{path}:3: scheduler.intervall: unknown key "
        "(check its spelling against config/monitor.example.yaml)"
    ]


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "http:\n"
        "  timeout: soon\n"
        "feeds:\n"
        "  - {name: a, url: 'ftp://x.test/feed'}\n"
        "watches:\n"
        "  - name: w\n"
        "    recipients: [not-an-address]\n"
        "    timezone: Mars/Olympus\n",
    )
    found = problems(path)
    assert len(found) == 4
    assert any(p.startswith(f"{path}:2: http.timeout:") for p in found)
    assert any(p.startswith(f"{path}:4: feeds[0].url:") for p in found)
    assert any(p.startswith(f"{path}:7: watches[0].recipients:") for p in found)
    assert any(p.startswith(f"{path}:8: watches[0].timezone:") for p in found)


def test_env_interpolation_and_missing_variable(tmp_path: Path) -> None:
    path = write(tmp_path, "database:\n  url: ${DB_URL}\nemail:\n  password: ${PW:-fallback}\n")
    config = load_config(path, env={"DB_URL": "sqlite:///x.db"})
    assert config.database.url == "sqlite:///x.db"
    assert config.email.password is not None
    assert config.email.password.get_secret_value() == "fallback"
    found = problems(path)
    assert found == [
        f"{path}:2: database.url: environment variable DB_URL is not set "
        "(export it, or write ${DB_URL:-default})"
    ]


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "database:\n  url: !!python/object/apply:os.system ['true']\n")
    found = problems(path)
    assert any("unsupported YAML tag" in p and ":2:" in p for p in found)


def test_duplicates_and_cross_references(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "feeds:\n"
        "  - {name: a, url: 'https://x.test/1'}\n"
        "  - {name: a, url: 'https://x.test/1'}\n"
        "watches:\n"
        "  - name: w\n"
        "    feeds: [a, nowhere]\n"
        "    mode: digest\n"
        "    digest_at: '08:00'\n",
    )
    found = problems(path)
    assert any(":3: feeds[1].name: feed 'a' is already defined" in p for p in found)
    assert any(":3: feeds[1].url:" in p for p in found)
    assert any(":6: watches[0].feeds[1]: no feed named 'nowhere'" in p for p in found)


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "http:\n  timeout: 5s\n  timeout: 9s\n")
    assert any("duplicate key" in p and ":3:" in p for p in problems(path))


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds:\n  - {name: a, url: [\n")
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:")
    assert "invalid YAML" in found[0]


def test_digest_needs_time_and_smtp_needs_host(tmp_path: Path) -> None:
    path = write(tmp_path, "email: {transport: smtp}\nwatches:\n  - {name: w, mode: digest}\n")
    found = problems(path)
    assert any("email: transport smtp needs email.host" in p for p in found)
    assert any("watches[0]: mode digest needs digest_at" in p for p in found)


def test_missing_file(tmp_path: Path) -> None:
    found = problems(tmp_path / "nope.yaml")
    assert "cannot read config file" in found[0]
