"""Back-pressure for HTTP: at most N requests run at once in a process, the others wait.

Django runs each request's database work in a thread with its own connection; without a
limit a join storm opens more connections than PostgreSQL allows and pages fail. Waiting a
few milliseconds in line is better than failing."""

import asyncio


class HttpConcurrencyLimit:
    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self._semaphore = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.limit <= 0:
            return await self.app(scope, receive, send)
        if self._semaphore is None:  # created in the server's event loop
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            return await self.app(scope, receive, send)
