"""A local Lex V2 runtime driven by the bot in a SAM/CloudFormation template (development only).

``LexEmulator`` runs the bots in-process; ``EmulatorServer`` serves them over Lex's REST protocol so
an unchanged ``boto3.client("lexv2-runtime", endpoint_url=...)`` can talk to them. Both are imported
on first use, so ``lex_emulator.cfn_template`` stays light for the tests that only need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lex_emulator.emulator import LexEmulator
    from lex_emulator.http_server import EmulatorServer

__all__ = ["EmulatorServer", "LexEmulator"]


def __getattr__(name: str) -> Any:
    if name == "LexEmulator":
        from lex_emulator.emulator import LexEmulator

        return LexEmulator
    if name == "EmulatorServer":
        from lex_emulator.http_server import EmulatorServer

        return EmulatorServer
    raise AttributeError(f"module 'lex_emulator' has no attribute {name!r}")
