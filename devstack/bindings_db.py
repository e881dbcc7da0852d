"""The local DynamoDB for ``StreamBindingsTable``: a moto server. Local use only.

``BindingsDatabase(definition).start()`` serves DynamoDB's API on a loopback port (moto's
``ThreadedMotoServer``) and creates the table as the template defines it (keys, attributes,
TTL). moto keeps its data per process, so the stack runs it as a child of its own:
``python -m devstack.bindings_db --template template.yaml --port N`` prints
``Bindings table on http://HOST:PORT`` once the table exists. The chat API and the StreamFunction reach it through botocore's standard
``AWS_ENDPOINT_URL_DYNAMODB``, with dummy credentials; nothing leaves the machine. The table lives
in memory: a restart of the stack starts with no bindings, as pages then reconnect and bind anew.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType, TracebackType
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

from devstack.config import REGION
from devstack.stream_template import TableDefinition, table_definition

__all__ = ["BindingsDatabase", "dynamodb_client"]


def dynamodb_client(endpoint_url: str) -> Any:
    """A boto3 DynamoDB client for the local server, with dummy credentials of its own."""
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - a dummy: the local server checks none
        config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=10),
    )


class BindingsDatabase:
    """moto's DynamoDB on ``host`` with the bindings table created; ``url`` is its endpoint."""

    def __init__(self, definition: TableDefinition, host: str = "127.0.0.1", port: int = 0) -> None:
        self.definition = definition
        self._host = host
        self._port = port
        self._server: ThreadedMotoServer | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the bindings database is not running")
        return self._url

    @property
    def table_name(self) -> str:
        return self.definition.name

    def __enter__(self) -> BindingsDatabase:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> str:
        # werkzeug logs a line per request; the stack's output has no use for them.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address=self._host, port=self._port, verbose=False)
        server.start()
        self._server = server
        host, port = server.get_host_and_port()
        self._url = f"http://{host}:{port}"
        try:
            client = dynamodb_client(self._url)
            client.create_table(**self.definition.create_table_kwargs())
            if self.definition.ttl_attribute:
                client.update_time_to_live(
                    TableName=self.definition.name,
                    TimeToLiveSpecification={
                        "Enabled": True,
                        "AttributeName": self.definition.ttl_attribute,
                    },
                )
        except BaseException:
            self.stop()
            raise
        return self._url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._url = None


def _stop(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    from lex_emulator.cfn_template import TemplateError, load_template

    parser = argparse.ArgumentParser(prog="python -m devstack.bindings_db", description=__doc__)
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    try:
        database = BindingsDatabase(
            table_definition(load_template(args.template)), args.host, args.port
        )
        url = database.start()
    except (TemplateError, OSError) as exc:
        print(f"bindings_db: cannot start: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"Bindings table {database.table_name} on {url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        database.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
