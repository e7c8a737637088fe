"""The stage registry holds together: each declared stage has a spec, a record part and a queue."""
from __future__ import annotations

from proto import pb
from services.app import registry
from services.pipeline.settings import PipelineSettings
from services.pipeline.stages import ANALYSIS, CONSUMERS, STAGE_PARTS, TOPOLOGY


def test_every_declared_stage_has_its_spec_and_record_part():
    assert list(registry.SPECS) == list(STAGE_PARTS)
    for decl in ANALYSIS:
        assert registry.SPECS[decl.name].decl is decl
        assert decl.name in pb.Record.DESCRIPTOR.fields_by_name
        assert set(registry.SPECS[decl.name].needs) <= set(registry.PROVIDERS)


def test_a_built_stage_consumes_and_publishes_what_it_declares():
    for name in ("exif", "semantic", "hashes", "text"):  # vision needs built models: its pipeline tests cover it
        stage = registry.build(registry.SPECS[name])
        assert (stage.name, stage.subscribes) == (name, TOPOLOGY[name])


def test_a_deployment_declares_every_consumer_by_default():
    assert PipelineSettings().stages == list(CONSUMERS)


def test_the_embedded_pipeline_runs_the_stages_the_settings_name(tmp_path, monkeypatch):
    from services.app.wiring import embedded_pipeline

    monkeypatch.setenv("PICSIFT_STAGES", '["exif", "hashes", "indexer"]')  # no OCR, no vision: a cheap library
    pipeline = embedded_pipeline(PipelineSettings(data_dir=tmp_path))
    assert sorted(stage.name for stage in pipeline.stages) == ["exif", "hashes", "indexer"]
    pipeline.store.close()
    monkeypatch.delenv("PICSIFT_STAGES")
    everything = embedded_pipeline(PipelineSettings(data_dir=tmp_path / "all"))
    assert sorted(stage.name for stage in everything.stages) == sorted(CONSUMERS)
    everything.store.close()
