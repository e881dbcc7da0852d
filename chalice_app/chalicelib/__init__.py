"""Logic behind the ``/chat`` API; ``app.py`` only holds the routes.

Modules, in the order a request meets them:

- ``config``: ``Settings`` read from the environment (docs/contracts.md names).
- ``validation``: raw body -> ``ChatRequest`` (Content-Type, size, JSON, fields).
- ``text_rule``: the text rule (NFC, invisible characters dropped) the page mirrors.
- ``session_ids``: server-issued, HMAC-bound session ids; ``session_hash`` for the logs.
- ``session_key``: where their key comes from (``SESSION_KEY`` or a cached Secrets Manager read).
- ``chat_service``: ``ChatRequest`` + an injected Lex client -> the response dict.
- ``lex_client``: the only module that calls Lex; maps botocore errors to ``errors``.
- ``errors``: the exception tree, each error with its HTTP status, code and friendly message.
- ``endpoint``: glue between Chalice's request/response objects and the modules above.
- ``logs``: a small structured JSON logger (stdlib only; never logs user text or keys).
"""
