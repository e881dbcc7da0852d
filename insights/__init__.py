"""``make insights``: what the LLM answered that the bot could own.

Reads Lex V2 conversation text logs (a file of JSON lines, an export of the alias's log group, or
the local stack's ``.devstack/conversation-log.jsonl``; or the log group itself through boto3),
groups the utterances that reached ``FallbackIntent`` into clusters of the same request, and writes
``insights.md``, ``insights.html`` (with charts) and ``intents.yaml`` (an ``AWS::Lex::Bot`` intent
snippet per large cluster). Runs offline; no model weights: TF-IDF character n-grams and
average-linkage clustering (scikit-learn, SciPy).

Modules: ``reader`` (log lines → ``Turn``), ``cloudwatch`` (boto3 ``logs``), ``clustering``,
``snippets`` (intent names, sample utterances, YAML), ``charts`` (SVG), ``report`` (the three
files), ``__main__`` (the command).
"""
