"""``make chalice-config``: a generated Chalice config goes through ``chalice package`` offline, and
the packaged template passes cfn-lint and grants exactly what the code calls, on the one alias.

CloudFormation is a fake passed in (``describe_stacks`` answers like a deployed SAM stack): no
AWS account is needed, and no ``mock.patch``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, NoCredentialsError

from deploytools.chalice_config import ChaliceConfigError, generate, main
from deploytools.iam_actions import actions_called

ROOT = Path(__file__).resolve().parents[3]
ACCOUNT = "210987654321"
REGION = "ap-northeast-2"
BOT_ID = "ABCDE12345"
ALIAS_ID = "LIVE123456"
SESSION_KEY_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:SessionKeySecret-AbCdEf"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/lex-llm-chatbot-StreamBindingsTable-X1"
MANAGEMENT_URL = f"https://abc123defg.execute-api.{REGION}.amazonaws.com/stream"
OUTPUTS = {
    "BotId": BOT_ID,
    "BotAliasId": ALIAS_ID,
    "SessionKeySecretArn": SESSION_KEY_ARN,
    "StreamBindingsTableArn": TABLE_ARN,
    "StreamManagementUrl": MANAGEMENT_URL,
}


class FakeCloudFormation:
    def __init__(self, outputs: dict[str, str] | None = None, error: Exception | None = None):
        self.outputs = dict(OUTPUTS) if outputs is None else outputs
        self.error = error
        self.asked: list[str] = []

    def describe_stacks(self, StackName: str):
        self.asked.append(StackName)
        if self.error is not None:
            raise self.error
        return {
            "Stacks": [
                {
                    "StackName": StackName,
                    "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{StackName}/x-1",
                    "Outputs": [
                        {"OutputKey": k, "OutputValue": v} for k, v in self.outputs.items()
                    ],
                }
            ]
        }


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    """A copy of chalice_app/ to generate into (the repository's files stay untouched)."""
    target = tmp_path / "chalice_app"
    shutil.copytree(
        ROOT / "chalice_app", target, ignore=shutil.ignore_patterns("__pycache__", "deployments")
    )
    return target


def test_generated_policy_is_exactly_the_code_calls_on_the_one_alias(app_copy: Path) -> None:
    cfn = FakeCloudFormation()
    policy_path, config_path = generate("prod", cfn, "lex-llm-chatbot", app_dir=app_copy)
    assert cfn.asked == ["lex-llm-chatbot"]
    policy = json.loads(policy_path.read_text())
    called = actions_called(app_copy)
    assert called == {
        "lex:RecognizeText",
        "secretsmanager:GetSecretValue",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
        "execute-api:ManageConnections",
    }
    lex = [s for s in policy["Statement"] if s["Action"] == "lex:RecognizeText"]
    assert lex == [
        {
            "Sid": "lexRecognizeText",
            "Effect": "Allow",
            "Action": "lex:RecognizeText",
            "Resource": [f"arn:aws:lex:{REGION}:{ACCOUNT}:bot-alias/{BOT_ID}/{ALIAS_ID}"],
        }
    ]
    secret = [s for s in policy["Statement"] if s["Action"] == "secretsmanager:GetSecretValue"]
    assert [s["Resource"] for s in secret] == [[SESSION_KEY_ARN]]
    table = [s for s in policy["Statement"] if str(s["Action"]).startswith("dynamodb:")]
    assert {s["Action"] for s in table} == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
    }
    assert all(s["Resource"] == [TABLE_ARN] for s in table)
    posts = [s for s in policy["Statement"] if s["Action"] == "execute-api:ManageConnections"]
    assert [s["Resource"] for s in posts] == [
        [f"arn:aws:execute-api:{REGION}:{ACCOUNT}:abc123defg/stream/POST/@connections/*"]
    ]
    others = [
        s
        for s in policy["Statement"]
        if s["Sid"] != "lexRecognizeText" and s not in secret + table + posts
    ]
    assert [s["Sid"] for s in others] == ["WriteOwnLogs"]
    for resource in others[0]["Resource"]:
        assert resource.startswith(
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/lex-llm-chat-prod"
        )
    config = json.loads(config_path.read_text())
    assert config["autogen_policy"] is False
    stage = config["stages"]["prod"]
    assert stage["iam_policy_file"] == "policy-prod.json"
    assert stage["environment_variables"]["LEX_BOT_ID"] == BOT_ID
    assert stage["environment_variables"]["LEX_BOT_ALIAS_ID"] == ALIAS_ID
    assert stage["environment_variables"]["SESSION_KEY_SECRET_ARN"] == SESSION_KEY_ARN
    assert stage["environment_variables"]["STREAM_BINDINGS_TABLE"] == TABLE_ARN.rsplit("/", 1)[1]
    assert stage["environment_variables"]["STREAM_MANAGEMENT_URL"] == MANAGEMENT_URL


def test_chalice_package_of_a_generated_config_passes_cfn_lint(
    app_copy: Path, tmp_path: Path
) -> None:
    generate("prod", FakeCloudFormation(), "lex-llm-chatbot", app_dir=app_copy)
    out = tmp_path / "packaged"
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        [str(bin_dir / "chalice"), "package", "--stage", "prod", str(out)],
        cwd=app_copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "AWS_DEFAULT_REGION": REGION,
        },
    )
    assert done.returncode == 0, done.stderr[-2000:]
    template_path = out / "sam.json"
    lint = subprocess.run(
        [str(bin_dir / "cfn-lint"), str(template_path)], capture_output=True, text=True, timeout=300
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    template = json.loads(template_path.read_text())
    roles = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    statements = [
        s
        for role in roles
        for p in role["Properties"]["Policies"]
        for s in p["PolicyDocument"]["Statement"]
    ]
    granted: set[str] = set()
    for statement in statements:
        action = statement["Action"]
        granted |= {action} if isinstance(action, str) else set(action)
    logs = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}
    assert granted - logs == actions_called(app_copy)
    lex = [s for s in statements if s["Action"] == "lex:RecognizeText"]
    assert lex[0]["Resource"] == [f"arn:aws:lex:{REGION}:{ACCOUNT}:bot-alias/{BOT_ID}/{ALIAS_ID}"]
    functions = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"
    ]
    env = functions[0]["Properties"]["Environment"]["Variables"]
    assert env["LEX_BOT_ID"] == BOT_ID and env["LEX_BOT_ALIAS_ID"] == ALIAS_ID


def test_an_action_without_a_resource_rule_stops_the_generation(app_copy: Path) -> None:
    (app_copy / "chalicelib" / "extra_call.py").write_text(
        'import boto3\n\ndef f():\n    boto3.client("lexv2-runtime").delete_session()\n'
    )
    with pytest.raises(ChaliceConfigError, match="lex:DeleteSession"):
        generate("prod", FakeCloudFormation(), "lex-llm-chatbot", app_dir=app_copy)


@pytest.mark.parametrize(
    ("cfn", "message"),
    [
        (FakeCloudFormation(error=NoCredentialsError()), "no AWS credentials"),
        (
            FakeCloudFormation(
                error=ClientError(
                    {
                        "Error": {
                            "Code": "ValidationError",
                            "Message": "Stack with id x does not exist",
                        }
                    },
                    "DescribeStacks",
                )
            ),
            "does not exist",
        ),
        (FakeCloudFormation(outputs={"BotId": BOT_ID}), "no output BotAliasId"),
        (
            FakeCloudFormation(outputs={"BotId": BOT_ID, "BotAliasId": ALIAS_ID}),
            "no output SessionKeySecretArn",
        ),
    ],
)
def test_clear_errors(app_copy: Path, cfn: FakeCloudFormation, message: str) -> None:
    with pytest.raises(ChaliceConfigError, match=message):
        generate("prod", cfn, "lex-llm-chatbot", app_dir=app_copy)


def test_the_command_without_credentials_says_so(monkeypatch, tmp_path, capsys) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["--stage", "dev", "--config-file", str(ROOT / "samconfig.toml")]) == 1
    assert "no AWS credentials" in capsys.readouterr().err
