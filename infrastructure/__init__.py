"""The floor every app stands on: broadcasting, the consumer base, settings from the environment,
spreadsheets, downloads, rate limits, caching and resilience. It imports nothing of the apps."""
