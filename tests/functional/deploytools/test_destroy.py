"""make destroy's first step against moto's HTTP server: the bucket is emptied, the secret is kept."""

from __future__ import annotations

import json

import boto3
import pytest
from moto.server import ThreadedMotoServer

from deploytools.destroy import empty_bucket, main, stack_outputs


@pytest.fixture(scope="module")
def aws():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def env(aws, monkeypatch):
    """Every boto3 client in the process (the command's too) talks to moto."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return aws


def _client(service):
    return boto3.client(service, region_name="us-east-1")


@pytest.fixture
def samconfig(tmp_path):
    def write(stack_name):
        path = tmp_path / "samconfig.toml"
        path.write_text(
            f'version = 0.1\n[default.global.parameters]\nstack_name = "{stack_name}"\n'
            'region = "us-east-1"\n',
            encoding="utf-8",
        )
        return str(path)

    return write


def _deploy_stack(name):
    # moto's CloudFormation has no AWS::SecretsManager::Secret: the secret is made directly and its
    # ARN put in the output, as the real stack's output would hold it.
    arn = _client("secretsmanager").create_secret(Name=f"{name}-key", SecretString="sk-x")["ARN"]
    template = {
        "Resources": {"FrontendBucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {
            "FrontendBucket": {"Value": {"Ref": "FrontendBucket"}},
            "OpenAIApiKeySecretArn": {"Value": arn},
        },
    }
    _client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    return stack_outputs(_client("cloudformation"), name)


def test_empty_bucket_deletes_every_version_and_delete_marker(env):
    s3 = _client("s3")
    s3.create_bucket(Bucket="versioned-page")
    s3.put_bucket_versioning(Bucket="versioned-page", VersioningConfiguration={"Status": "Enabled"})
    for i in range(3):
        s3.put_object(Bucket="versioned-page", Key="index.html", Body=f"v{i}".encode())
    s3.delete_object(Bucket="versioned-page", Key="index.html")  # a delete marker
    assert empty_bucket(s3, "versioned-page") == 4
    listing = s3.list_object_versions(Bucket="versioned-page")
    assert not listing.get("Versions") and not listing.get("DeleteMarkers")
    s3.delete_bucket(Bucket="versioned-page")  # what CloudFormation does next: now it can


def test_command_empties_the_stacks_bucket_and_names_the_kept_secret(env, samconfig, capsys):
    outputs = _deploy_stack("chat-destroy")
    s3 = _client("s3")
    for key in ("index.html", "chat.js", "js/api.js"):
        s3.put_object(Bucket=outputs["FrontendBucket"], Key=key, Body=b"x")
    assert main(["--config-file", samconfig("chat-destroy"), "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"emptied s3://{outputs['FrontendBucket']}/ (3 objects)" in out
    assert "kept on purpose: OpenAIApiKeySecretArn" in out
    assert f"delete-secret --secret-id {outputs['OpenAIApiKeySecretArn']}" in out
    assert "Contents" not in s3.list_objects_v2(Bucket=outputs["FrontendBucket"])


def test_command_asks_first_and_a_no_keeps_everything(env, samconfig, capsys):
    outputs = _deploy_stack("chat-keep")
    _client("s3").put_object(Bucket=outputs["FrontendBucket"], Key="index.html", Body=b"x")
    questions = []
    code = main(
        ["--config-file", samconfig("chat-keep")], ask=lambda q: questions.append(q) or False
    )
    assert code == 2
    assert questions == ["Delete stack chat-keep in us-east-1, its page and its bot?"]
    assert _client("s3").list_objects_v2(Bucket=outputs["FrontendBucket"])["KeyCount"] == 1


def test_a_missing_stack_is_not_an_error(env, samconfig, capsys):
    assert main(["--config-file", samconfig("never-deployed"), "--yes"]) == 0
    assert "does not exist" in capsys.readouterr().out
