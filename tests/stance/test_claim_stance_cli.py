"""``narratrace train claim-stance``: argument parsing only (training patched out)."""

from __future__ import annotations

import importlib

from typer.testing import CliRunner

from narratrace.cli import app


def test_train_claim_stance_passes_data_seed_and_out(monkeypatch, tmp_path):
    calls = {}

    def fake(data, *, out=None, seed=0, log=None):
        calls.update(data=data, out=out, seed=seed)
        return out, {"dev_fnc_score": 0.9}

    monkeypatch.setattr(importlib.import_module("narratrace.train.claim_stance"), "train_claim_stance", fake)
    (tmp_path / "train").mkdir()
    result = CliRunner().invoke(app, ["train", "claim-stance", "--data", str(tmp_path), "--seed", "3",
                                      "--out", str(tmp_path / "m.npz")])
    assert result.exit_code == 0, result.output
    assert calls == {"data": tmp_path, "out": tmp_path / "m.npz", "seed": 3}
    assert "dev_fnc_score=0.9000" in result.output


def test_train_claim_stance_needs_a_train_folder(tmp_path):
    result = CliRunner().invoke(app, ["train", "claim-stance", "--data", str(tmp_path)])
    assert result.exit_code != 0
