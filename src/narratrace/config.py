"""Process-wide settings: one :class:`Settings` object from a TOML file and the environment.

Each setting is read, in increasing precedence, from its default, from the settings
file (``$XDG_CONFIG_HOME/narratrace/config.toml`` on Linux, the platform's user config
folder elsewhere, or the file named by ``NARRATRACE_CONFIG``) and from its environment
variable ``NARRATRACE_<NAME>``. Command-line options (``--db``) override both. See
``docs/settings.md``.

:func:`settings` reads the environment on every call (cheap), so a changed variable
takes effect at once; the file is parsed again only when it changes.

Examples
--------
>>> s = settings(environ={"NARRATRACE_DB": "sqlite:///x.db", "NARRATRACE_CACHE": "off"}, file=None)
>>> s.db, s.cache, s.techniques_embeddings
('sqlite:///x.db', 'off', True)
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import platformdirs

from narratrace.errors import ConfigError

APP = "narratrace"
ENV_PREFIX = "NARRATRACE_"
CONFIG_ENV = "NARRATRACE_CONFIG"
DB_ENV = "NARRATRACE_DB"
MODELS_ENV = "NARRATRACE_MODELS"
# Inputs larger than this are refused instead of read: a news article is rarely above 1 MB,
# and the cap keeps a mistaken multi-GB file from exhausting memory.
DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024
_OFF = {"off", "0", "false", "no"}


@dataclass(frozen=True)
class Settings:
    """Every setting of narratrace; the field ``name`` is read from ``NARRATRACE_<NAME>``.

    Attributes
    ----------
    db:
        Database URL (``sqlite:///path`` or ``postgresql+psycopg://...``); ``None``: a SQLite
        file in the user's data folder (:func:`default_db_url`).
    models:
        Folder of the shipped weights and lexicons; ``None``: the package's ``resources/``.
    cache:
        Embedding cache: a folder, ``"off"`` for none, or ``""`` for the user's cache folder.
    index_dir:
        Where fact-check retrieval indexes are kept; ``None``: the user's cache folder.
    max_input_bytes:
        Largest input file (or stdin, or record field) read, in bytes.
    techniques_embeddings:
        ``False`` (``off``) runs the persuasion stage on its sparse models only, without e5.
    checkworthiness_model:
        ``"tfidf"`` (the fast default) or ``"encoder"`` (the e5 encoder head, slower).
    persuasion_model:
        ``"linear"`` (the default) or ``"encoder"`` (the fine-tuned e5 head for paragraph labels, slower).
    """

    db: str | None = None
    models: Path | None = None
    cache: str = ""
    index_dir: Path | None = None
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    techniques_embeddings: bool = True
    checkworthiness_model: str = "tfidf"
    persuasion_model: str = "linear"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def env_name(field: str) -> str:
    """The environment variable of a setting: ``db`` -> ``NARRATRACE_DB``."""
    return ENV_PREFIX + field.upper()


def config_file(environ: Mapping[str, str] | None = None) -> Path:
    """The settings file: ``NARRATRACE_CONFIG`` if set, else ``config.toml`` in the user config folder."""
    env = os.environ if environ is None else environ
    named = env.get(CONFIG_ENV)
    if named:
        return Path(named)
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "config.toml"


def _convert(name: str, value: Any, where: str) -> Any:
    kind = _FIELDS[name].type
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() not in _OFF
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind == "Path | None":
            return Path(str(value)).expanduser() if str(value) else None
        if kind == "str | None":
            return str(value) or None
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {name} = {value!r} is not a valid {kind}") from exc


@lru_cache(maxsize=4)
def _read_file(path: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    del stamp  # part of the cache key only: a changed file is read again
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"settings file {path} cannot be read: {exc}") from exc
    section = data.get(APP, data)  # keys at the top level or under [narratrace]
    unknown = sorted(set(section) - set(_FIELDS) - {APP})
    if unknown:
        raise ConfigError(f"settings file {path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}")
    return {k: _convert(k, v, str(path)) for k, v in section.items() if k in _FIELDS}


def file_settings(path: Path | None) -> dict[str, Any]:
    """The settings a TOML file sets (none when ``path`` is ``None`` or missing)."""
    if path is None:
        return {}
    try:
        st = path.stat()
    except OSError:
        return {}
    return dict(_read_file(path, (st.st_mtime_ns, st.st_size)))


def settings(*, environ: Mapping[str, str] | None = None, file: Path | None | bool = True) -> Settings:
    """The current settings: defaults, then the settings file, then ``NARRATRACE_*`` variables.

    ``environ`` replaces :data:`os.environ`; ``file=None`` skips the settings file and a
    path reads that file instead of :func:`config_file`.
    """
    env = os.environ if environ is None else environ
    path = config_file(env) if file is True else (file or None)
    values = file_settings(path)
    for name in _FIELDS:
        raw = env.get(env_name(name))
        if raw is not None and raw != "":
            values[name] = _convert(name, raw, env_name(name))
    return Settings(**values)


def default_db_url() -> str:
    """The configured database (``NARRATRACE_DB``, the file's ``db``), else a SQLite file in the user's data directory."""
    url = settings().db
    if url:
        return url
    data_dir = Path(platformdirs.user_data_dir(APP, appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'narratrace.db'}"


def models_dir() -> Path:
    """Directory of shipped weights and lexicons.

    Shipped models live inside the package (``narratrace/resources``) so that a wheel
    carries them; the ``models`` setting (``NARRATRACE_MODELS``) overrides the location.
    """
    return settings().models or Path(__file__).parent / "resources"


def __getattr__(name: str) -> Any:
    # ``MAX_INPUT_BYTES`` was a constant read once at import; it now follows the settings.
    if name == "MAX_INPUT_BYTES":
        return settings().max_input_bytes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
