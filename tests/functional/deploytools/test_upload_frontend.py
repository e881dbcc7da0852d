"""make deploy's page upload: file selection, and the AWS steps against moto's HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from deploytools.upload_frontend import (
    UploadError,
    find_target,
    invalidate,
    main,
    prune,
    read_samconfig,
    select_files,
    upload,
)

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def page(tmp_path):
    """A frontend/ folder as `make frontend-deps` leaves it."""
    root = tmp_path / "frontend"
    for rel, text in {
        "index.html": (
            '<!doctype html><link rel="icon" href="data:,"><link rel="stylesheet" href="chat.css">'
            '<script src="vendor/marked.umd.js" defer></script>'
            '<script src="/vendor/purify.min.js" defer></script>'
            '<script type="module" src="chat.js?v=1"></script><a href="https://example.com/">x</a>'
        ),
        "chat.js": 'import { render } from "./js/view.js";\nfetch("/chat");',
        "chat.css": "body { background: url('img/bg.png'); }",
        "img/bg.png": "png",
        "js/view.js": 'export const render = () => import("./lazy.js");',
        "js/lazy.js": "",
        "js/unused.js": "not referenced by the page",
        "README.md": "# the chat page",
        "docs/notes.txt": "notes",
        "vendor/marked.umd.js": "m",
        "vendor/purify.min.js": "p",
        "vendor/.installed": "",
        "node_modules/marked/lib/marked.umd.js": "m",
        "package.json": "{}",
        "package-lock.json": "{}",
        ".gitignore": "node_modules",
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_selection_includes_vendor_and_excludes_build_inputs(page):
    assert [f.key for f in select_files(page)] == [
        "chat.css",
        "chat.js",
        "img/bg.png",
        "index.html",
        "js/lazy.js",
        "js/view.js",
        "vendor/marked.umd.js",
        "vendor/purify.min.js",
    ]


def test_the_projects_page_is_published_without_its_readme():
    if not (REPO / "frontend/vendor/marked.umd.js").is_file():
        pytest.fail("frontend/vendor is empty: run `make frontend-deps` (make test does)")
    keys = {f.key for f in select_files(REPO / "frontend")}
    assert "README.md" not in keys
    on_disk = {
        p.relative_to(REPO / "frontend").as_posix()
        for p in (REPO / "frontend").rglob("*")
        if p.suffix in (".html", ".js", ".css") and "node_modules" not in p.parts
    }
    assert keys == on_disk  # every page file is reached from index.html, and only those


def test_a_reference_to_a_missing_file_is_refused(page):
    (page / "js" / "lazy.js").unlink()
    with pytest.raises(UploadError, match=r"js/lazy\.js"):
        select_files(page)


def test_selection_refuses_a_page_without_index(page):
    (page / "index.html").unlink()
    with pytest.raises(UploadError, match=r"index\.html is missing"):
        select_files(page)


def test_selection_refuses_missing_vendor_libs(page):
    for path in (page / "vendor").iterdir():
        path.unlink()
    with pytest.raises(UploadError, match="make frontend-deps"):
        select_files(page)


def test_samconfig_gives_stack_name_and_region(tmp_path):
    config = tmp_path / "samconfig.toml"
    config.write_text(
        'version = 0.1\n[default.global.parameters]\nstack_name = "s1"\n'
        '[default.deploy.parameters]\nregion = "eu-west-1"\n',
        encoding="utf-8",
    )
    assert read_samconfig(config) == ("s1", "eu-west-1")


def test_the_projects_samconfig_is_readable():
    stack_name, _ = read_samconfig(REPO / "samconfig.toml")
    assert stack_name


def test_samconfig_without_stack_name_is_a_clear_error(tmp_path):
    config = tmp_path / "samconfig.toml"
    config.write_text("version = 0.1\n", encoding="utf-8")
    with pytest.raises(UploadError, match="no stack_name"):
        read_samconfig(config)


@pytest.fixture(scope="module")
def aws():
    """moto's server on loopback: real HTTP, fake AWS."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _client(service, endpoint):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_upload_sets_headers_and_prune_removes_stale_objects(aws, page):
    s3 = _client("s3", aws)
    s3.create_bucket(Bucket="page-bucket")
    s3.put_object(Bucket="page-bucket", Key="old.js", Body=b"stale")
    written = upload(s3, "page-bucket", select_files(page))
    deleted = prune(s3, "page-bucket", written)
    assert deleted == ["old.js"]
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="page-bucket")["Contents"])
    assert keys == sorted(written)
    head = s3.head_object(Bucket="page-bucket", Key="index.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "no-cache"
    head = s3.head_object(Bucket="page-bucket", Key="vendor/purify.min.js")
    assert head["ContentType"] == "text/javascript; charset=utf-8"
    assert "max-age" in head["CacheControl"]


def test_target_comes_from_the_stack_outputs(aws):
    cfn = _client("cloudformation", aws)
    template = {
        "Resources": {"FrontendBucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {"FrontendBucket": {"Value": {"Ref": "FrontendBucket"}}},
    }
    cfn.create_stack(StackName="chat", TemplateBody=json.dumps(template))
    target = find_target(cfn, "chat")
    assert target.bucket
    assert target.bucket in [b["Name"] for b in _client("s3", aws).list_buckets()["Buckets"]]
    assert target.distribution_id is None


def test_unknown_stack_is_a_clear_error(aws):
    with pytest.raises(UploadError, match="cannot describe stack nope"):
        find_target(_client("cloudformation", aws), "nope")


def test_invalidation_is_created(aws):
    cloudfront = _client("cloudfront", aws)
    dist = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "t",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "s3",
                        "DomainName": "b.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "s3",
                "ViewerProtocolPolicy": "allow-all",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )["Distribution"]
    inv_id = invalidate(cloudfront, dist["Id"])
    got = cloudfront.get_invalidation(DistributionId=dist["Id"], Id=inv_id)["Invalidation"]
    assert got["InvalidationBatch"]["Paths"]["Items"] == ["/*"]


def test_dry_run_lists_files_without_aws(page, capsys):
    assert main(["--frontend", str(page), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "index.html\ttext/html; charset=utf-8\tno-cache" in out
    assert "# not part of the page, not uploaded: README.md" in out
    assert "# not part of the page, not uploaded: js/unused.js" in out
    assert "node_modules" not in out


def test_cli_reports_a_bad_config_in_one_line(page, tmp_path, capsys):
    assert main(["--frontend", str(page), "--config-file", str(tmp_path / "none.toml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("upload_frontend: cannot read")
    assert "Traceback" not in err
