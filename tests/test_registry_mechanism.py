"""One registry mechanism (catalogue) for stages, eval tasks and report parts."""

from __future__ import annotations

import catalogue

from narratrace._discovery import Registry
from narratrace.analyze.registry import STAGES, registered_stages
from narratrace.eval.registry import EVALS
from narratrace.report.registry import SECTIONS


def test_discovery_imports_the_package_and_skips_a_broken_module(tmp_path, monkeypatch):
    pkg = tmp_path / "nt_plugins_demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "good.py").write_text(
        "from tests_registry_target import REG\nREG.register('good', 1)\n", encoding="utf-8"
    )
    (pkg / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    reg: Registry[int] = Registry("test_demo_parts", ("nt_plugins_demo",))
    target = tmp_path / "tests_registry_target.py"
    target.write_text("REG = None\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import tests_registry_target

    monkeypatch.setattr(tests_registry_target, "REG", reg)
    assert reg.all() == {"good": 1}


def test_entries_live_in_catalogue():
    stages = registered_stages()
    assert "hedges.v1" in stages
    assert catalogue._get(("narratrace", "stages", "hedges.v1")) is stages["hedges.v1"]
    assert {STAGES.kind, EVALS.kind, SECTIONS.kind} == {"stages", "evals", "report_sections"}


def test_entry_points_are_read_once(monkeypatch):
    calls = []

    def fake_entry_points(self):
        calls.append(self.namespace)
        return {"plugin.v1": "from an installed package"}

    monkeypatch.setattr(catalogue.Registry, "get_entry_points", fake_entry_points)
    reg: Registry[str] = Registry("test_entry_point_parts")
    assert reg.all() == {"plugin.v1": "from an installed package"}
    assert reg.all() == {"plugin.v1": "from an installed package"}
    assert calls == [("narratrace", "test_entry_point_parts")]
