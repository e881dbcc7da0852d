"""``python -m lex_emulator``: serve the Lex V2 runtime of a template's bot on loopback.

    python -m lex_emulator --template template.yaml --port 4010 [--host 127.0.0.1] \\
        [--env-vars env.json]

It prints the bot ids, locales and intents it loaded and the ``endpoint_url`` to give boto3, then
serves until Ctrl-C or SIGTERM. A template or env.json it cannot use is reported in one line on
stderr, with exit status 2 and no traceback (``LEX_EMULATOR_DEBUG=1`` shows the traceback of an
unexpected error while loading).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from lex_emulator.cfn_template import TemplateError
from lex_emulator.env_vars import EnvVarsError, load_env_vars
from lex_emulator.http_server import EmulatorServer

__all__ = ["main"]

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lex_emulator",
        description="Local Amazon Lex V2 runtime for the bot in a CloudFormation/SAM template.",
    )
    parser.add_argument("--template", default="template.yaml", help="template with the bot")
    parser.add_argument("--port", type=int, default=4010, help="port (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--env-vars", default=None, help="SAM env.json overriding the functions' environment"
    )
    parser.add_argument(
        "--lambda-endpoint",
        default=None,
        help="call code hooks through the Lambda Invoke API here (sam local start-lambda), "
        "e.g. http://127.0.0.1:3001",
    )
    return parser


def _fail(message: str) -> int:
    """Report on stderr in one line (YAML errors span several) and return the usage status."""
    print("lex_emulator: " + " ".join(message.split()), file=sys.stderr)
    return EXIT_USAGE


def _default_factory(
    template: str, env_vars: dict[str, dict[str, str]] | None, lambda_endpoint: str | None = None
) -> Any:
    from lex_emulator import LexEmulator

    return LexEmulator.from_template(template, env_vars=env_vars, lambda_endpoint=lambda_endpoint)


def main(
    argv: Sequence[str] | None = None,
    *,
    engine_factory: Callable[..., Any] = _default_factory,
) -> int:
    """Run the command; returns the exit status. ``engine_factory`` is for tests."""
    args = _parser().parse_args(argv)
    try:
        env_vars = load_env_vars(args.env_vars) if args.env_vars else None
        if not Path(args.template).is_file():
            raise TemplateError(f"template {args.template} not found")
        remote = {"lambda_endpoint": args.lambda_endpoint} if args.lambda_endpoint else {}
        engine = engine_factory(args.template, env_vars, **remote)
        server = EmulatorServer(engine, host=args.host, port=args.port)
    except (TemplateError, EnvVarsError) as exc:
        return _fail(str(exc))
    except OSError as exc:  # e.g. the port is taken
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc}")
    except Exception as exc:  # a bug while loading: still one line (set LEX_EMULATOR_DEBUG=1)
        if os.environ.get("LEX_EMULATOR_DEBUG"):
            raise
        return _fail(f"cannot load {args.template}: {type(exc).__name__}: {exc}")

    describe = getattr(engine, "describe", None)
    if callable(describe):
        for line in describe():
            print(line)
    print(f"Lex V2 runtime emulator listening on {server.url}")
    print(
        f"  boto3.client('lexv2-runtime', endpoint_url='{server.url}', region_name='us-east-1')",
        flush=True,
    )

    def _stop(signum: int, frame: FrameType | None) -> None:
        server.request_stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.serve_forever()
    print("Lex V2 runtime emulator stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
