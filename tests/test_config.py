"""One settings object: defaults, then the settings file, then NARRATRACE_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from narratrace.config import Settings, config_file, default_db_url, models_dir, settings
from narratrace.errors import ConfigError


def test_defaults_without_file_or_environment():
    assert settings(environ={}, file=None) == Settings()


def test_file_then_environment_precedence(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('db = "sqlite:///from-file.db"\nmax_input_bytes = 5000\ntechniques_embeddings = false\n', encoding="utf-8")
    from_file = settings(environ={}, file=cfg)
    assert (from_file.db, from_file.max_input_bytes, from_file.techniques_embeddings) == ("sqlite:///from-file.db", 5000, False)
    both = settings(environ={"NARRATRACE_DB": "sqlite:///from-env.db", "NARRATRACE_TECHNIQUES_EMBEDDINGS": "on"}, file=cfg)
    assert (both.db, both.max_input_bytes, both.techniques_embeddings) == ("sqlite:///from-env.db", 5000, True)


def test_section_form_and_config_variable(tmp_path):
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text('[narratrace]\nindex_dir = "idx"\ncache = "off"\n', encoding="utf-8")
    env = {"NARRATRACE_CONFIG": str(cfg)}
    assert config_file(env) == cfg
    s = settings(environ=env)
    assert (s.index_dir, s.cache) == (Path("idx"), "off")


def test_file_is_read_again_when_it_changes(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("max_input_bytes = 10\n", encoding="utf-8")
    assert settings(environ={}, file=cfg).max_input_bytes == 10
    cfg.write_text("max_input_bytes = 200\n", encoding="utf-8")
    assert settings(environ={}, file=cfg).max_input_bytes == 200


@pytest.mark.parametrize("text", ['colour = "blue"\n', "max_input_bytes = 'lots'\n", "db = [\n"])
def test_bad_file_is_a_config_error(tmp_path, text):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        settings(environ={}, file=cfg)


def test_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError, match="NARRATRACE_MAX_INPUT_BYTES"):
        settings(environ={"NARRATRACE_MAX_INPUT_BYTES": "20MB"}, file=None)


def test_helpers_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NARRATRACE_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("NARRATRACE_DB", "sqlite:///chosen.db")
    monkeypatch.setenv("NARRATRACE_MODELS", str(tmp_path))
    assert default_db_url() == "sqlite:///chosen.db"
    assert models_dir() == tmp_path
    monkeypatch.delenv("NARRATRACE_MODELS")
    assert (models_dir() / "persuasion").is_dir()


def test_only_the_settings_module_reads_the_environment():
    import ast

    import narratrace

    package = Path(narratrace.__file__).parent
    readers = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") and getattr(node.value, "id", None) == "os":
                readers.append(str(path.relative_to(package)))
    assert sorted(set(readers)) == ["config.py"]
