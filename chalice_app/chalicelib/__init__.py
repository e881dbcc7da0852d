"""Logic behind the ``/chat`` API; ``app.py`` only holds the routes.

Modules, in the order a request meets them:

- ``config``: ``Settings`` read from the environment (docs/contracts.md names).
- ``validation``: raw body -> ``ChatRequest`` (Content-Type, size, JSON, fields).
- ``chat_service``: ``ChatRequest`` + an injected Lex client -> the response dict.
- ``lex_client``: the only module that touches boto3; maps botocore errors to ``errors``.
- ``errors``: the exception tree, each error with its HTTP status, code and friendly message.
- ``endpoint``: glue between Chalice's request/response objects and the modules above.
- ``logs``: a small structured JSON logger (stdlib only; never logs user text or keys).
"""
