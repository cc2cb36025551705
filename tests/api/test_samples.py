"""`flask samples load`: idempotent, reports invalid samples and exits non-zero."""

import json
import shutil

from tests.api.helpers import API, SAMPLES, sample_stems


def test_samples_load_is_idempotent(app, runner, client, make_key):
    first = runner.invoke(args=["samples", "load"])
    assert first.exit_code == 0, first.output
    assert f"{len(sample_stems())} loaded" in first.output
    second = runner.invoke(args=["samples", "load", "--workspace", "demo"])
    assert second.exit_code == 0
    assert "0 loaded" in second.output and f"{len(sample_stems())} already there" in second.output
    headers = {"Authorization": f"Bearer {make_key('demo')}"}
    listed = client.get(f"{API}/cases", headers=headers).get_json()
    assert listed["pagination"]["total"] == len(sample_stems())


def test_an_invalid_sample_is_reported_and_fails_the_command(app, runner, tmp_path, monkeypatch):
    folder = tmp_path / "samples"
    folder.mkdir()
    stem = sample_stems()[0]
    shutil.copy(SAMPLES / f"{stem}.json", folder / f"{stem}.json")
    broken = json.loads((SAMPLES / f"{stem}.json").read_text(encoding="utf-8"))
    broken["baseline"]["revenue"] = "-1"
    (folder / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    (folder / "garbage.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setitem(app.config, "SAMPLES_DIR", str(folder))
    result = runner.invoke(args=["samples", "load", "--workspace", "w"])
    assert result.exit_code == 1
    assert "FAILED  broken" in result.output and "baseline.revenue" in result.output
    assert "FAILED  garbage" in result.output
    assert "1 loaded" in result.output
