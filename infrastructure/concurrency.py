"""HTTP requests run their Django (sync) part on a fixed set of long-lived threads.

Django under ASGI gives each request a new thread, so each request opens a new database
connection: in a join storm PostgreSQL spends its time starting connections, and past its
limit pages fail. Here a request borrows one of N threads (waiting in line when all are busy),
and each thread keeps its connection between requests (CONN_MAX_AGE)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext


class PersistentThreads:
    def __init__(self, app, threads: int):
        self.app = app
        self.threads = threads
        self._idle: asyncio.Queue | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.threads <= 0:
            return await self.app(scope, receive, send)
        if self._idle is None:  # created in the server's event loop
            self._idle = asyncio.Queue()
            for n in range(self.threads):
                self._idle.put_nowait(ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"http-{n}"))
        executor = await self._idle.get()
        try:
            # Django's own per-request context sits inside this one and uses its thread.
            async with ThreadSensitiveContext(executor=executor):
                return await self.app(scope, receive, send)
        finally:
            self._idle.put_nowait(executor)
