"""Phones following the slide: N participants' phones on the closing page of an event in its
closing plenary, each signed in through its own join link, while the organiser moves the
presenter's slides from the control room; two ASGI processes sharing PostgreSQL and Redis.

    python bench/phones_follow.py [--phones 100,300] [--changes 10] [--spacing 6]
        [--database-url postgres://postgres@127.0.0.1:5432/wti_bench_phones]
        [--redis-url redis://127.0.0.1:6379/5] [--processes 2] [--timeout 900]

Two modes per N, the same phones (the same sessions), one after the other:

- push: as static/js/person-live.js and fragment.js do it. Each phone holds its websocket
  (/ws/events/<slug>/me/, a ping every 20 s), fetches "On the screen now" (?part=now) every 10 s
  at its own phase (the safety net while the websocket is up), and on `plenary.slide` fetches it
  after a random 0-300 ms: one request at a time, and none when the answer shown or under way
  already carries that slide's version (data-version); only the answer of the newest fetch is
  shown, and the next regular fetch comes 10 s after it;
- baseline: the same phones, no websocket, only the fetch every 3 s at random phases.

For phone p and change k the latency is the time from the control action's HTTP answer (the
commit happened before it) to the receipt of p's first shown ?part=now answer whose slide is the
new one (its kind and heading); one clock, one machine. A phone that does not show it within 5 s
missed it. The slides are visited in turn (every slide whose kind and heading differ from the
others'), --spacing seconds apart; each change is a new version of the deck, built anew.

Beside the latency: when the hint arrived (from the same answer: negative when it came first),
how long the shown answers took, the first and the last phone of each change, how long the
control room waited for its own answer, and the CPU time of the two server processes per
request and in cores. Before the runs, a closed loop (32 phones asking back to back for 8 s,
nothing changing) measures how many ?part=now answers a second the servers give, beside
/healthz.

Target: with the push, 300 phones, p95 at most 1 s, and no phone of a push run missing a slide.
Prints a table and exits non-zero when a target is missed. Only 127.0.0.1 is contacted; every
loop is bounded, and the whole run stops after --timeout."""

import argparse
import asyncio
import html
import http.cookiejar
import json
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import fresh_database, server_env, start_servers, summary  # noqa: E402
from tests.servers import ROOT, free_port, manage, stop  # noqa: E402

TARGET_PHONES = 300
TARGET_P95 = 1.0
WINDOW = 5.0  # a phone without the new slide after this long missed it
POLL_SECONDS = 3.0  # data-follow-seconds of #closing-now (templates/results/_closing_now.html)
LIVE_POLL_SECONDS = 10.0  # person-live.js: the regular fetch while the websocket is up
PAGE_LANGUAGE = "en"  # the phones' pages (no Accept-Language: the default); the hint carries each
JITTER = 0.3  # person-live.js: each phone fetches within 300 ms of the hint
HEARTBEAT = 20.0  # person-live.js: the LiveSocket's ping
REQUEST_TIMEOUT = 10.0
CONNECT_RATE = 100.0  # new websockets per second, all processes together
CONNECT_ATTEMPTS = 5
CLOSED_LOOP_PHONES = 32  # the servers' 2 x 16 request threads kept busy
SETTLE = 3.0  # seconds between every phone being ready and the first change (phases spread)
LOGS = ROOT / "bench"

KIND = re.compile(r'data-kind="([\w-]+)"')
VERSION = re.compile(r'id="closing-now"[^>]*data-version="(\d+)"')
HEADING = re.compile(r'<p class="now-heading">(.*?)</p>', re.S)

PREP = """
import json, random
import django
django.setup()
from django.utils import timezone
from dialogues.demo import _groups_and_results
from groups.services import phase_start
from results.presentation_selectors import presentation_outline
from results.services import plenary_settings_update
from sessions_app.models import Event, Participant
event = Event.objects.get(slug={slug!r})
Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
# The demo's groups (made by the allocator), results from all but one, the results shown.
_groups_and_results(event, random.Random(7), 7, report_all=False)
plenary_settings_update(event=event, results_visible=True)
phase_start(event=event, phase=event.phases.get(kind="breakout"))
closing = event.phases.filter(kind="plenary", order__gt=event.phases.get(kind="breakout").order).first()
phase_start(event=event, phase=closing)
print("PHONES-EVENT " + json.dumps({{"slides": len(presentation_outline(event))}}))
"""


class Timeout(Exception):
    pass


def signature(body: str) -> str | None:
    """Which slide an answer of ?part=now shows: its kind and heading (None: not the box)."""
    kind = KIND.search(body)
    if kind is None:
        return None
    heading = HEADING.search(body)
    return kind.group(1) + "|" + (html.unescape(heading.group(1)).strip() if heading else "")


def prepare(env: dict, participants: int) -> dict:
    """The demo event with its groups and results, the results shown, the closing plenary
    running. Nobody has followed their link yet."""
    manage(env, "migrate", "--noinput")
    demo = json.loads(manage(env, "demo_event", "--json", "--participants", str(participants)))
    prep_env = {**env, "DJANGO_SETTINGS_MODULE": "wetheinternet.settings"}
    prep_env.pop("REDIS_URL")  # nobody is connected yet: notifications and tasks stay in-process
    out = subprocess.run(
        [sys.executable, "-c", PREP.format(slug=demo["event"])],
        cwd=ROOT,
        env=prep_env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("PHONES-EVENT "))
    return {**demo, **json.loads(line.split(" ", 1)[1])}


# --- The organiser and a reference phone (blocking, in the driver) ---------------------------


class Browser:
    """A cookie jar and urllib, for the organiser's control room and one reference phone."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def get(self, url: str) -> str:
        with self.opener.open(url if url.startswith("http") else self.base + url, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, form: dict, *, json_answer: bool = True) -> str:
        headers = {"X-CSRFToken": self.cookie("csrftoken"), "Referer": self.base + path}
        if json_answer:
            headers["Accept"] = "application/json"
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookie("csrftoken"), **form}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method="POST")  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()


def organiser_sign_in(base: str, email: str, password: str) -> Browser:
    organiser = Browser(base)
    organiser.get("/accounts/login/")
    organiser.post("/accounts/login/", {"login": email, "password": password}, json_answer=False)
    if not organiser.cookie("sessionid"):
        raise SystemExit("the organiser could not sign in")
    return organiser


class Control:
    """The control room's presenter command, and the slides as a phone sees them."""

    def __init__(self, organiser: Browser, reference: Browser, slug: str):
        self.organiser, self.reference, self.slug = organiser, reference, slug
        self.current: int | None = None
        self.signatures: dict[int, str] = {}
        self.server_pid = 0

    def slide(self, index: int) -> tuple[float, float]:
        """Move the screens to slide ``index``: time.time() when the command was sent and when the
        control room had its answer (the commit happened in between)."""
        sent = time.time()
        answer = json.loads(self.organiser.post(f"/events/{self.slug}/results/control/presenter/", {"slide": index}))
        answered = time.time()
        if not answer.get("ok"):
            raise SystemExit(f"the presenter command was refused: {answer}")
        self.current = index
        return sent, answered

    def shown(self) -> str | None:
        return signature(self.reference.get(f"/events/{self.slug}/closing/?part=now"))

    def walk(self, slides: int) -> dict[int, str]:
        """Visit every slide once: ``{index: signature}`` of those a phone can tell apart."""
        seen: dict[int, str] = {}
        for index in range(slides):
            self.slide(index)
            found = self.shown()
            if found is None:
                raise SystemExit(f"slide {index}: the reference phone does not see #closing-now")
            seen[index] = found
        counts = {s: list(seen.values()).count(s) for s in seen.values()}
        return {i: s for i, s in seen.items() if counts[s] == 1}


# --- The phones (asyncio + aiohttp, in client processes) -------------------------------------


async def sign_in_phones(base: str, slug: str, join_urls: list[str]) -> list[dict]:
    """Each phone follows its join link and opens its closing page: its cookies."""
    import aiohttp

    gate = asyncio.Semaphore(20)

    async def one(url: str) -> dict:
        async with gate, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            timeout = aiohttp.ClientTimeout(total=60)
            async with session.get(url, allow_redirects=False, timeout=timeout) as response:
                if response.status != 302:
                    raise SystemExit(f"a join link answered {response.status}")
            async with session.get(f"{base}/events/{slug}/closing/", allow_redirects=False, timeout=timeout) as page:
                body = await page.text()
                if page.status != 200 or 'id="closing-now"' not in body:
                    raise SystemExit(f"a phone's closing page answered {page.status}, without #closing-now")
            return {c.key: c.value for c in session.cookie_jar}

    return await asyncio.gather(*(one(url) for url in join_urls))


class Phone:
    """One phone: person-live.js and fragment.js for #closing-now, as far as timing goes."""

    def __init__(self, owner: "Phones", session, push: bool):
        self.owner, self.session, self.push = owner, session, push
        self.log: list[tuple[float, float, str | None, str]] = []  # (sent, received, slide, cause) shown
        self.hints: list[tuple[float, int]] = []  # (received, version) of plenary.slide
        self.stats = {"requests": 0, "discarded": 0, "errors": 0, "unexpected_closes": 0}
        self.timer = None
        self.sent = 0
        self.every = LIVE_POLL_SECONDS if push else POLL_SECONDS
        self.delay = self.every
        self.slide_asked = False
        self.in_flight = 0  # fragment.js: fetches under way
        self.again = None  # fragment.js: a fetch asked for while one was under way, if still needed
        self.shown_version = None  # data-version of the box shown
        self.wanted_version = 0  # person-live.js: the newest slide version heard of
        self.tasks: set = set()
        self.ws = None

    def schedule(self, seconds: float, cause: str = "poll") -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_later(seconds, self.refresh, cause)

    def refresh(self, cause: str) -> None:
        if self.owner.stopping:
            return
        self.in_flight += 1
        self.sent += 1
        task = asyncio.ensure_future(self.fetch(self.sent, cause))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def fetch(self, asked: int, cause: str) -> None:
        try:
            await self._fetch(asked, cause)
        finally:
            self.settled()

    def settled(self) -> None:
        """fragment.js: once no fetch is under way, the one asked for meanwhile goes if still needed."""
        self.in_flight -= 1
        if self.in_flight > 0:
            return
        needed, self.again = self.again, None
        if needed is not None and needed() and not self.owner.stopping:
            self.schedule(0, "push")

    def behind(self) -> bool:
        return self.shown_version is None or self.shown_version < self.wanted_version

    async def _fetch(self, asked: int, cause: str) -> None:
        import aiohttp

        sent = time.time()
        if sent >= self.owner.shared["from"].value:  # counted while the servers' CPU time is
            self.stats["requests"] += 1
        try:
            async with self.session.get(
                self.owner.now_url,
                allow_redirects=False,
                headers={"Accept": "text/html", "Cache-Control": "no-cache"},
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
            ) as response:
                body = await response.text()
                if response.status != 200:
                    raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
        except (TimeoutError, aiohttp.ClientError, OSError):
            self.stats["errors"] += 1
            if asked != self.sent:
                return
            self.delay = min(self.delay * 2, 30.0)
            self.schedule(self.delay * (0.5 + random.random()))
            return
        received = time.time()
        if asked != self.sent:  # a newer fetch is under way: this answer is not shown
            self.stats["discarded"] += 1
            return
        self.log.append((sent, received, signature(body), cause))
        found = VERSION.search(body)
        self.shown_version = int(found.group(1)) if found else None
        self.delay = self.every
        self.schedule(self.delay)

    def slide_changed(self, version: int, drawn: dict | None = None) -> None:
        self.wanted_version = max(self.wanted_version, version)
        html = (drawn or {}).get(PAGE_LANGUAGE)
        if html and self.behind():  # person-live.js: the slide drawn for the room, shown at once
            received = time.time()
            self.log.append((received, received, signature(html), "drawn"))
            found = VERSION.search(html)
            self.shown_version = int(found.group(1)) if found else None
            self.schedule(self.every)
            return
        if self.slide_asked or not self.behind():  # one fetch already waits, or the news is shown
            return
        self.slide_asked = True

        def now():
            self.slide_asked = False
            if self.in_flight:
                self.again = self.behind
            elif self.behind():
                self.schedule(0, "push")

        asyncio.get_running_loop().call_later(random.random() * JITTER, now)

    async def connect(self) -> bool:
        """Open the websocket (push mode); True once it has the event's state, the closing view."""
        import aiohttp

        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            try:
                async with self.owner.pending:
                    ws = await self.session.ws_connect(
                        self.owner.ws_url,
                        origin=self.owner.base,
                        autoping=True,
                        heartbeat=None,
                        timeout=aiohttp.ClientWSTimeout(ws_close=5),
                    )
                    first = await ws.receive(timeout=30)
                if first.type != aiohttp.WSMsgType.TEXT or json.loads(first.data).get("view") != "closing":
                    await ws.close()
                    raise aiohttp.ClientError(f"not the closing view: {first.data!r:.200}")
                self.ws = ws
                return True
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                self.owner.count_error(f"connect {type(exc).__name__}")
                await asyncio.sleep(min(5.0, 0.5 * attempt) * random.uniform(0.5, 1.5))
        return False

    async def listen(self) -> None:
        """Hear the websocket until the end; reconnect (bounded) if it drops."""
        import aiohttp

        next_ping = time.monotonic() + HEARTBEAT
        while not self.owner.stopping:
            if self.ws is None or self.ws.closed:
                self.stats["unexpected_closes"] += 1
                if self.stats["unexpected_closes"] > CONNECT_ATTEMPTS or not await self.connect():
                    return
            try:
                message = await self.ws.receive(timeout=max(0.05, min(1.0, next_ping - time.monotonic())))
            except TimeoutError:
                if time.monotonic() >= next_ping:
                    await self.ws.send_str(json.dumps({"type": "ping"}))
                    next_ping += HEARTBEAT
                continue
            if message.type != aiohttp.WSMsgType.TEXT:
                if self.owner.stopping:
                    return
                continue  # closed: reconnect at the top of the loop
            data = json.loads(message.data)
            if data.get("type") == "plenary.slide":
                self.hints.append((time.time(), data.get("version", -1)))
                self.slide_changed(data.get("version", 0), data.get("html"))
            elif data.get("type") != "pong":
                kind = f"heard {data.get('type')}"
                self.stats[kind] = self.stats.get(kind, 0) + 1

    async def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        for task in list(self.tasks):
            task.cancel()
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()


class Phones:
    """One client process's phones; steered by the driver through ``shared``."""

    def __init__(self, config: dict, shared: dict):
        self.config, self.shared = config, shared
        self.base = config["base"]
        self.now_url = f"{self.base}/events/{config['slug']}/closing/?part=now"
        self.ws_url = self.base.replace("http://", "ws://") + f"/ws/events/{config['slug']}/me/"
        self.stopping = False
        self.errors: dict[str, int] = {}

    def count_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    async def start(self, phone: Phone, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        if phone.push and not await phone.connect():
            return
        self.shared["ready"][self.config["index"]] += 1
        phone.schedule(random.uniform(0, phone.every))  # the page loaded at its own moment
        if phone.push:
            await phone.listen()

    async def run(self) -> list[Phone]:
        import aiohttp
        from yarl import URL

        cfg = self.config
        self.pending = asyncio.Semaphore(16)
        push = cfg["mode"] == "push"
        sessions, phones = [], []
        for cookies in cfg["cookies"]:
            session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
            session.cookie_jar.update_cookies(cookies, response_url=URL(self.base))
            sessions.append(session)
            phones.append(Phone(self, session, push))
        step = cfg["processes"] / CONNECT_RATE
        t0 = time.monotonic() + 0.2 + cfg["index"] / CONNECT_RATE
        tasks = [asyncio.ensure_future(self.start(p, t0 + i * step)) for i, p in enumerate(phones)]
        try:
            while not self.shared["stop"].is_set() and time.time() < cfg["deadline"]:
                await asyncio.sleep(0.05)
        finally:
            self.stopping = True
            await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)
            await asyncio.wait(tasks, timeout=10)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
        return phones


def client_process(config: dict, shared: dict) -> None:
    """Process entry point (multiprocessing, spawn): run the phones, then hand back their logs."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    random.seed(config["seed"])
    owner = Phones(config, shared)
    phones: list[Phone] = []
    try:
        phones = asyncio.run(owner.run())
    finally:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        stats: dict = {**owner.errors, "client_cpu_s": usage.ru_utime + usage.ru_stime}
        for phone in phones:
            for key, value in phone.stats.items():
                stats[key] = stats.get(key, 0) + value
        shared["out"].put((config["index"], [(p.log, p.hints) for p in phones], stats))


async def closed_loop(url: str, cookies: list[dict], seconds: float) -> list[float]:
    """Each phone fetches ``url`` again as soon as it has the answer, for ``seconds``: the times."""
    import aiohttp
    from yarl import URL

    times: list[float] = []
    end = time.monotonic() + seconds

    async def one(jar: dict) -> None:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            session.cookie_jar.update_cookies(jar, response_url=URL(url))
            while time.monotonic() < end:
                started = time.monotonic()
                async with session.get(url, allow_redirects=False, timeout=aiohttp.ClientTimeout(total=30)) as r:
                    await r.read()
                    if r.status != 200:
                        raise SystemExit(f"{url} answered {r.status} in the closed loop")
                times.append(time.monotonic() - started)

    await asyncio.gather(*(one(jar) for jar in cookies))
    return times


def capacity(base: str, slug: str, cookies: list[dict], server_pid: int, seconds: float = 8.0) -> dict:
    """How many answers a second the two processes give, phones asking back to back (the deck kept,
    no slide changing): ?part=now, and /healthz (no database, no session) as the baseline."""
    out = {}
    for name, url in (("healthz", f"{base}/healthz"), ("part=now", f"{base}/events/{slug}/closing/?part=now")):
        cpu = cpu_seconds(server_pid)
        times = asyncio.run(closed_loop(url, cookies, seconds))
        cpu = cpu_seconds(server_pid) - cpu
        out[name] = {"rps": len(times) / seconds, "cpu_ms": 1000 * cpu / max(1, len(times)), **summary(times)}
        print(
            f"  closed loop, {len(cookies)} phones back to back, {name}: {out[name]['rps']:.0f} answers/s, "
            f"p50 {out[name]['p50'] * 1000:.0f} ms, p95 {out[name]['p95'] * 1000:.0f} ms, "
            f"{out[name]['cpu_ms']:.1f} ms of the servers' CPU each",
            flush=True,
        )
    return out


# --- One run: N phones in one mode, the slide changes, the figures ---------------------------


def cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by the uvicorn master and its worker processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == master or int(fields[1]) == master:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_phones(name: str, mode: str, cookies: list[dict], args, base: str, slug: str, control, cycle) -> dict:
    ctx = multiprocessing.get_context("spawn")
    n = len(cookies)
    processes = max(1, min(args.processes, n))
    shared = {"stop": ctx.Event(), "ready": ctx.Array("i", processes), "out": ctx.Queue(), "from": ctx.Value("d", 1e12)}
    connect_wait = n / CONNECT_RATE + 60
    deadline = time.time() + connect_wait + SETTLE + args.changes * args.spacing + WINDOW + 60
    workers = [
        ctx.Process(
            target=client_process,
            args=(
                {
                    "index": k,
                    "processes": processes,
                    "base": base,
                    "slug": slug,
                    "mode": mode,
                    "cookies": cookies[k::processes],
                    "deadline": deadline,
                    "seed": hash((name, k)) & 0xFFFF,
                },
                shared,
            ),
            daemon=True,
        )
        for k in range(processes)
    ]
    outputs, changes = [], []
    load_before = os.getloadavg()
    try:
        for worker in workers:
            worker.start()
        print(f"\n{name}: {n} phones ...", flush=True)
        limit = time.monotonic() + connect_wait
        while sum(shared["ready"]) < n and time.monotonic() < limit and any(w.is_alive() for w in workers):
            time.sleep(0.1)
        ready = sum(shared["ready"])
        print(f"  {ready}/{n} phones ready", flush=True)
        time.sleep(SETTLE)
        started = time.time()
        shared["from"].value = started
        cpu_before = cpu_seconds(control.server_pid)
        next_at = time.monotonic()
        for _ in range(args.changes):
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += args.spacing
            index = cycle(control.current)
            changes.append((*control.slide(index), index))
        time.sleep(max(0.0, changes[-1][1] + WINDOW + 0.5 - time.time()))
        server_cpu = {"server_cpu_s": cpu_seconds(control.server_pid) - cpu_before, "measured_s": time.time() - started}
        shared["stop"].set()
        for _ in workers:
            outputs.append(shared["out"].get(timeout=120))
        for worker in workers:
            worker.join(timeout=30)
    finally:
        shared["stop"].set()
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=10)
    load_after = os.getloadavg()
    loads = {"load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after]}
    return figures(name, mode, n, ready, outputs, changes, control.signatures, {**server_cpu, **loads})


def figures(name, mode, n, ready, outputs, changes, signatures, machine: dict) -> dict:
    phones = [phone for _k, logs, _stats in sorted(outputs, key=lambda o: o[0]) for phone in logs]
    stats: dict = {}
    for _k, _logs, process_stats in outputs:
        for key, value in process_stats.items():
            stats[key] = stats.get(key, 0) + value
    expected = [(sent, answered, signatures[index]) for sent, answered, index in changes]
    latencies, hint_delays, fetch_times, causes, missed = [], [], [], {"push": 0, "poll": 0, "drawn": 0}, 0
    per_change: list[list[float]] = [[] for _ in expected]
    for log, hints in phones:
        for k, (since, answered, slide) in enumerate(expected):
            # Nothing of change k can reach a phone before its command was sent (the commit comes
            # after); until then the phones were shown the slide before.
            hit = next((entry for entry in log if entry[1] > since and entry[2] == slide), None)
            if hit is None or hit[1] - answered > WINDOW:
                missed += 1
                continue
            latencies.append(max(0.0, hit[1] - answered))
            per_change[k].append(latencies[-1])
            causes[hit[3]] += 1
            fetch_times.append(hit[1] - hit[0])
            hint = next((t for t, _v in hints if t > since), None)
            if hint is not None and hint - answered <= WINDOW:
                hint_delays.append(hint - answered)
    result = {
        "name": name,
        "mode": mode,
        "phones": n,
        "ready": ready,
        "changes": len(changes),
        "pairs": n * len(changes),
        "missed": missed,
        "latency": summary(latencies),
        "by_push": causes["push"],
        "by_drawn": causes["drawn"],
        "by_poll": causes["poll"],
        "hint": summary(hint_delays),
        # How long the control room waited for its answer (the phones' latency counts from it).
        "control": summary([answered - sent for sent, answered, _index in changes]),
        "fetch": summary(fetch_times),
        # Per change, the first and the last phone to show it: the first is about one deck built
        # and one answer; the spread after it is the queue of the others' answers.
        "first_phone": summary([min(times) for times in per_change if times]),
        "last_phone": summary([max(times) for times in per_change if times]),
        **machine,
        # What one answer of the servers cost, and how much of the two cores they used meanwhile.
        "server_cpu_ms_per_request": 1000 * machine["server_cpu_s"] / max(1, stats.get("requests", 0)),
        "server_cores": machine["server_cpu_s"] / machine["measured_s"],
        **stats,
    }
    row = result["latency"]
    print(
        f"  p50 {row['p50'] * 1000:.0f} ms, p95 {row['p95'] * 1000:.0f} ms, p99 {row['p99'] * 1000:.0f} ms, "
        f"max {row['max'] * 1000:.0f} ms over {row['n']} (phone, change) pairs; {missed} missed within "
        f"{WINDOW:.0f} s; shown as drawn in the hint {causes['drawn']}, fetched after it {causes['push']}, "
        f"by the regular fetch {causes['poll']}; "
        f"hint p95 {result['hint']['p95'] * 1000:.0f} ms, fetch p95 {result['fetch']['p95'] * 1000:.0f} ms; "
        f"first phone p50 {result['first_phone']['p50'] * 1000:.0f} ms, last phone p50 "
        f"{result['last_phone']['p50'] * 1000:.0f} ms; the control room's answer p50 "
        f"{result['control']['p50'] * 1000:.0f} ms, max {result['control']['max'] * 1000:.0f} ms; "
        f"servers {result['server_cores']:.2f} cores, "
        f"{result['server_cpu_ms_per_request']:.1f} ms of CPU per request; "
        f"load {result['load_before']} -> {result['load_after']}; {stats}",
        flush=True,
    )
    return result


def table(results: list[dict]) -> None:
    print(
        f"\n{'run':<32}{'pairs':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'missed':>7}"
        f"{'push':>6}{'hint p95':>9}{'fetch p95':>10}{'1st p50':>8}{'ctl p50':>8}{'cores':>6}{'cpu ms':>7}{'load':>6}"
    )
    for r in results:
        row = r["latency"]
        hint = f"{r['hint']['p95'] * 1000:.0f}" if r["hint"]["n"] else "-"
        print(
            f"{r['name']:<32}{r['pairs']:>6}{row['p50'] * 1000:>8.0f}{row['p95'] * 1000:>8.0f}"
            f"{row['p99'] * 1000:>8.0f}{row['max'] * 1000:>8.0f}{r['missed']:>7}{r['by_push'] + r['by_drawn']:>6}"
            f"{hint:>9}{r['fetch']['p95'] * 1000:>10.0f}{r['first_phone']['p50'] * 1000:>8.0f}"
            f"{r['control']['p50'] * 1000:>8.0f}"
            f"{r['server_cores']:>6.2f}{r['server_cpu_ms_per_request']:>7.1f}{r['load_after'][0]:>6.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", default="100,300", help="comma-separated numbers of phones")
    parser.add_argument("--changes", type=int, default=10, help="slide changes per run")
    parser.add_argument("--spacing", type=float, default=6.0, help=f"seconds between changes (> {WINDOW:.0f})")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wti_bench_phones")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--timeout", type=float, default=900.0, help="stop everything after this many seconds")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    counts = [int(c) for c in args.phones.split(",") if c.strip()]
    if not counts or any(not 1 <= c <= 2000 for c in counts) or not 1 <= args.changes <= 100:
        parser.error("--phones must be 1..2000 each and --changes 1..100")
    if not WINDOW < args.spacing <= 30 or not 1 <= args.processes <= 8 or not 60 <= args.timeout <= 3600:
        parser.error(f"--spacing {WINDOW:.0f}..30 s, --processes 1..8, --timeout 60..3600 s")

    def on_alarm(_signum, _frame):
        raise Timeout(f"the run took longer than {args.timeout:.0f} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.timeout))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(args.database_url, args.redis_url, port)
    env["DEPLOYMENT_NAME"] = f"bench-phones-{uuid.uuid4().hex[:8]}"  # its own keys in the shared Redis
    results, servers, loop = [], None, {}
    print(f"load average {os.getloadavg()}; preparing {max(counts)} phones in {args.database_url} ...", flush=True)
    try:
        fresh_database(args.database_url)
        demo = prepare(env, max(counts) + 1)
        servers = start_servers(env, port, LOGS / "phones_follow.server.log")
        join_urls = [p["join_url"] for p in demo["people"] if p["role"] == "participant"]
        if len(join_urls) < max(counts) + 1:
            raise SystemExit(f"only {len(join_urls)} participants")
        slug = demo["event"]
        reference = Browser(base)
        reference.get(join_urls[-1])  # one more phone, the driver's, reads what a phone is shown
        organiser = organiser_sign_in(base, demo["organiser"]["email"], demo["organiser"]["password"])
        control = Control(organiser, reference, slug)
        control.server_pid = servers.pid
        control.signatures = control.walk(demo["slides"])
        order = sorted(control.signatures)
        if len(order) < 2:
            raise SystemExit(f"fewer than two slides a phone can tell apart: {control.signatures}")
        print(f"  {len(order)} of {demo['slides']} slides told apart: {order}", flush=True)

        def cycle(current):
            return order[(order.index(current) + 1) % len(order)] if current in order else order[0]

        started = time.monotonic()
        cookies = asyncio.run(sign_in_phones(base, slug, join_urls[: max(counts)]))
        print(f"  {len(cookies)} phones signed in through their links in {time.monotonic() - started:.1f} s")
        loop = capacity(base, slug, cookies[:CLOSED_LOOP_PHONES], servers.pid)
        for n in counts:
            for mode, label in (("push", "push"), ("poll", "baseline (3 s fetch)")):
                results.append(run_phones(f"{label}, {n} phones", mode, cookies[:n], args, base, slug, control, cycle))
    except Timeout as exc:
        print(f"\nSTOPPED: {exc}", flush=True)
        results.append({"name": "timeout", "error": str(exc)})
    finally:
        signal.alarm(0)
        stop(servers)

    finished = [r for r in results if "latency" in r]
    table(finished)
    missed = []
    if any("error" in r for r in results):
        missed.append("the run did not finish")
    for r in finished:
        if r["mode"] != "push":
            continue
        if r["ready"] < r["phones"]:
            missed.append(f"{r['name']}: only {r['ready']} phones connected")
        if r["missed"]:
            missed.append(f"{r['name']}: {r['missed']} (phone, change) pairs without the slide within {WINDOW:.0f} s")
        if r["phones"] == TARGET_PHONES and r["latency"]["p95"] > TARGET_P95:
            missed.append(f"{r['name']}: p95 {r['latency']['p95'] * 1000:.0f} ms > {TARGET_P95 * 1000:.0f} ms")
    if not any(r["mode"] == "push" and r["phones"] == TARGET_PHONES for r in finished):
        missed.append(f"no {TARGET_PHONES}-phone run with the push")
    print(f"load average at the end {os.getloadavg()}")
    print("targets:", "met" if not missed else "MISSED: " + "; ".join(missed))
    if args.json:
        figures_ = {"results": results, "closed_loop": loop, "missed": missed}
        Path(args.json).write_text(json.dumps(figures_, indent=2, default=str))
    return 1 if missed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
