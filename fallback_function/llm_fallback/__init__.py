"""The FallbackIntent code hook: answer what the Lex bot has no intent for with an LLM.

Modules, in the order a request passes through them:

* ``event``    - read-only view of the Lex V2 code-hook event;
* ``config``   - settings from the environment;
* ``secrets``  - the API key (env var, then Secrets Manager through Powertools Parameters);
* ``history``  - past turns kept in ``sessionAttributes["llmHistory"]``;
* ``prompts``  - the system prompt in the locale's language;
* ``text``     - the well-formed-text rule for what goes to the model, the history and the user;
* ``stream_target`` - whether a turn streams to the page, and to which connection;
* ``llm``      - the only module that touches ``openai``; owns the time budget and retries,
                 streamed (``stream``) or not (``complete``);
* ``http_deadline`` - the whole-call deadline, enforced on every socket operation;
* ``stream_batcher`` - when a streamed message goes out, and what it says (seq, end marker);
* ``stream_sender`` - the sender thread that posts a turn's chunks off the LLM's path;
* ``management_api`` - the only module that posts to a WebSocket connection (boto3);
* ``errors``   - the exception tree;
* ``messages`` - friendly texts for the user when there is no answer;
* ``response`` - Lex V2 response builders (Close, Delegate, message splitting);
* ``service``  - the orchestration, with the LLM client and key resolver injectable.
"""

from llm_fallback.config import Settings
from llm_fallback.errors import (
    LLMAuthError,
    LLMBadResponse,
    LLMError,
    LLMNotConfigured,
    LLMRateLimited,
    LLMRequestError,
    LLMTimeout,
    LLMUnavailable,
)
from llm_fallback.event import LexEvent
from llm_fallback.service import FallbackService

__all__ = [
    "FallbackService",
    "LLMAuthError",
    "LLMBadResponse",
    "LLMError",
    "LLMNotConfigured",
    "LLMRateLimited",
    "LLMRequestError",
    "LLMTimeout",
    "LLMUnavailable",
    "LexEvent",
    "Settings",
]
