"""``python -m devstack`` refuses bad settings in one clear line, before starting anything."""

from __future__ import annotations

from devstack.__main__ import main


def test_invalid_env_json_is_reported_without_a_traceback(tmp_path, capsys):
    env_file = tmp_path / "env.json"
    env_file.write_text('{"FallbackFunction": {"OPENAI_MODEL": "x",}}', encoding="utf-8")
    assert main(["--port", "0", "--env-vars", str(env_file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"devstack: {env_file} is not valid JSON")
    assert "Traceback" not in err


def test_wrong_env_json_shape_names_the_section(tmp_path, capsys):
    env_file = tmp_path / "env.json"
    env_file.write_text('{"FallbackFunction": ["OPENAI_MODEL"]}', encoding="utf-8")
    assert main(["--port", "0", "--env-vars", str(env_file)]) == 2
    assert "'FallbackFunction' must map variable names to values" in capsys.readouterr().err


def test_missing_template_is_reported(tmp_path, capsys):
    assert main(["--template", str(tmp_path / "nope.yaml"), "--env-vars", "env.example.json"]) == 2
    assert "cannot read template" in capsys.readouterr().err
