"""``narratrace train checkworthiness|attribution``: argument parsing only (training patched out).

Modules are patched as objects: the dotted path ``narratrace.analyze`` can resolve to the
package-level ``analyze()`` function instead of the subpackage.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from typer.testing import CliRunner

from narratrace.cli import app


def test_train_checkworthiness_passes_splits(monkeypatch, tmp_path):
    calls = {}

    def fake(train, dev, out, *, test=None):
        calls.update(train=train, dev=dev, out=out, test=test)
        return {"test_f1_yes": 0.5}

    monkeypatch.setattr(importlib.import_module("narratrace.train.checkworthiness"), "train_checkworthiness", fake)
    (tmp_path / "dev-test.tsv").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "checkworthiness", "--data", str(tmp_path), "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    assert calls["train"] == tmp_path / "train.tsv" and calls["dev"] == tmp_path / "dev.tsv"
    assert calls["test"] == tmp_path / "dev-test.tsv" and calls["out"] == tmp_path / "m.json"
    assert "test_f1_yes: 0.5" in result.output


def test_train_attribution_passes_dev_and_cache(monkeypatch, tmp_path):
    calls = {}

    def fake(train, out, *, dev_dir=None, parse_cache=None, limit=None):
        calls.update(train=train, out=out, dev=dev_dir, cache=parse_cache)
        return {"threshold": 0.45}

    monkeypatch.setattr(importlib.import_module("narratrace.train.attribution"), "train_attribution", fake)
    (tmp_path / "dev").mkdir()
    result = CliRunner().invoke(app, ["train", "attribution", "--data", str(tmp_path), "--out", str(tmp_path / "a.json"),
                                      "--parse-cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert calls == {"train": tmp_path / "train", "out": tmp_path / "a.json", "dev": tmp_path / "dev",
                     "cache": Path(tmp_path / "cache")}
