"""The built-in video call's cost: CPU per page and bitrate per stream for 3, 5 and 8 people of
one group, each a page of one Chromium (fake camera and microphone) against one ASGI process.

    python bench/video_call.py [--people 3,5,8] [--seconds 10] [--small]

Video follows the group size as the product asks for it (640x360 at 15 fps up to 4 people,
320x180 at 12 fps beyond; --small: 160x90 as in the tests). For each size: every page decodes
every other's video, then over `--seconds` the browser's CPU time (all its processes, from /proc)
per page, and the received bitrate per video and per audio stream (getStats). Only 127.0.0.1 is
contacted; every wait is bounded."""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.conftest import CHROMIUM, Product  # noqa: E402

SETUP = """
import json
from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply, phase_start
from sessions_app.join_links import join_url
from sessions_app.models import Phase
from tests.factories import make_event, make_organisation, make_person
event = make_event(make_organisation(), slug="bench-call", video_provider="builtin")
rooms = Phase.objects.create(event=event, order=1, kind="breakout", title="Rooms", planned_minutes=45)
people = [make_person(event, first_name=f"P{i}", languages="en") for i in range(PEOPLE)]
allocation = Allocation.objects.create(event=event, seed=1)
allocation_apply(allocation=allocation, plans=[GroupPlan(participants=[p.pk for p in people], language="en")])
phase_start(event=event, phase=rooms)
print(json.dumps([join_url(p) for p in people]))
"""
BYTES = """(async () => {
  const out = {video: {}, audio: {}, decoded: 0};
  for (const s of await window.WTIVideoCall.stats()) { if (s.framesDecoded > 0) out.decoded += 1; }
  const connections = window.WTIVideoCall.connections();
  for (let i = 0; i < connections.length; i++) {
    (await connections[i].getStats()).forEach(s => {
      if (s.type === "inbound-rtp") out[s.kind][i + ":" + s.id] = s.bytesReceived;
    });
  }
  return out;
})()"""
TICKS = os.sysconf("SC_CLK_TCK")


def descendants_cpu(root: int) -> float:
    """CPU seconds (user + system) of every process below `root`."""
    children, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    total, pending = 0.0, list(children.get(root, []))
    while pending:
        pid = pending.pop()
        total += cpu.get(pid, 0.0)
        pending += children.get(pid, [])
    return total


def measure(browser, people: int, seconds: float, small: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-call-"))
    product = Product(workdir, DEBUG="1", **({"VIDEO_SMALL": "1"} if small else {}))
    product.manage("migrate", "--noinput")
    urls = json.loads(product.manage("shell", "-c", SETUP.replace("PEOPLE", str(people))).strip().splitlines()[-1])
    with product.served(f"bench-video-call-{people}.log"):
        pages = []
        for url in urls:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.goto(url)
            page.wait_for_selector("#connection[data-state=live]", timeout=30_000)
            page.click("#call-join")
            pages.append(page)
        deadline, waited = time.monotonic() + 120, time.monotonic()
        while sum(p.evaluate(BYTES)["decoded"] for p in pages) < people * (people - 1):
            if time.monotonic() > deadline:  # measured anyway: the table says how many streams decode
                break
            pages[0].wait_for_timeout(1000)
        waited = time.monotonic() - waited
        before, cpu_before, start = [p.evaluate(BYTES) for p in pages], descendants_cpu(os.getpid()), time.monotonic()
        pages[0].wait_for_timeout(seconds * 1000)
        after, cpu_after, elapsed = (
            [p.evaluate(BYTES) for p in pages],
            descendants_cpu(os.getpid()),
            time.monotonic() - start,
        )
        rates = {"video": [], "audio": []}
        for b, a in zip(before, after, strict=True):
            for kind in rates:
                rates[kind] += [(a[kind][k] - b[kind].get(k, 0)) * 8 / elapsed / 1000 for k in a[kind]]
        for page in pages:
            page.context.close()
    return {
        "people": people,
        "cpu_per_page": (cpu_after - cpu_before) / elapsed / people * 100,
        "video_kbps": sum(rates["video"]) / max(1, len(rates["video"])),
        "audio_kbps": sum(rates["audio"]) / max(1, len(rates["audio"])),
        "streams": len(rates["video"]),
        "decoding": sum(a["decoded"] for a in after),
        "wanted": people * (people - 1),
        "seconds_to_all": round(waited, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", default="3,5,8")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[*flags, "--autoplay-policy=no-user-gesture-required"]
        )
        for people in (int(n) for n in args.people.split(",")):
            rows.append(measure(browser, people, args.seconds, args.small))
            print(json.dumps(rows[-1]), flush=True)
        browser.close()
    print(
        "| people | video streams decoding / wanted | s until all (or gave up at 120) | CPU per page (% of one core) "
        "| video kbps per stream | audio kbps per stream |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        cells = (
            r["people"],
            f"{r['decoding']} / {r['wanted']}",
            r["seconds_to_all"],
            f"{r['cpu_per_page']:.0f}",
            f"{r['video_kbps']:.0f}",
            f"{r['audio_kbps']:.0f}",
        )
        print("| " + " | ".join(str(c) for c in cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
