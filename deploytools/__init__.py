"""Deploy-time helpers: run on a developer's machine against a real AWS account, never in Lambda."""
