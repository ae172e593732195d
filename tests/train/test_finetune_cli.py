"""``narratrace train checkworthiness-finetune`` without the ``[train]`` extra says what to install."""

from __future__ import annotations

import importlib.util

import pytest
from typer.testing import CliRunner

from narratrace.cli import app


@pytest.mark.skipif(importlib.util.find_spec("torch") is not None, reason="torch is installed here")
def test_fine_tuning_without_torch_names_the_extra(tmp_path):
    result = CliRunner().invoke(app, ["train", "checkworthiness-finetune", "--data", str(tmp_path), "--work", str(tmp_path / "w")])
    assert result.exit_code != 0
    assert "pip install -e '.[train]'" in result.output + str(result.exception)
    assert not (tmp_path / "w").exists()
