"""Bytes transferred by the first load of a page (issue 3: home feed ≤ 150 KB total, JavaScript ≤ 75 KB compressed,
no web fonts), measured in headless Chromium with an empty cache:

    python -m bench.page_weight --database-url sqlite:////tmp/bench/ruche.db [--path /]

Starts `ruche serve` on the dataset, signs bench2 in, sets the session cookie and loads the page.
"""

import argparse
import asyncio
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.dataset import BENCH_PASSWORD, bench_email
from bench.load import COOKIE, Server

CHROMIUM = "/usr/bin/chromium"
TOTAL_BUDGET = 150 * 1024
JS_BUDGET = 75 * 1024


@dataclass
class Weight:
    """Encoded (on the wire) and decoded body bytes per resource type."""

    encoded: dict[str, int] = field(default_factory=dict)
    decoded: dict[str, int] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)
    urls: list[tuple[str, str, int, int, str, int]] = field(default_factory=list)
    status: int = 0
    headers: int = 0  # response header bytes, reported apart from the bodies

    def add(self, kind: str, url: str, encoded: int, decoded: int, encoding: str, status: int) -> None:
        self.encoded[kind] = self.encoded.get(kind, 0) + encoded
        self.decoded[kind] = self.decoded.get(kind, 0) + decoded
        self.count[kind] = self.count.get(kind, 0) + 1
        self.urls.append((kind, url, encoded, decoded, encoding, status))

    @property
    def total(self) -> int:
        return sum(self.encoded.values())


async def measure(base_url: str, token: str, path: str) -> Weight:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    weight = Weight()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM,
                                          args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        context = await browser.new_context()
        await context.add_cookies([{"name": COOKIE, "value": token, "url": base_url}])
        page = await context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        main = await page.goto(base_url + path, wait_until="networkidle")
        weight.status = main.status if main else 0
        for response in responses:
            sizes = await response.request.sizes()
            try:
                decoded = len(await response.body())
            except PlaywrightError:  # redirects have no body
                decoded = 0
            encoding = (await response.all_headers()).get("content-encoding", "")
            weight.headers += sizes["responseHeadersSize"]
            weight.add(response.request.resource_type, response.url, sizes["responseBodySize"], decoded, encoding,
                       response.status)
        await browser.close()
    return weight


def report(weight: Weight, path: str) -> str:
    kb = 1024
    js = weight.encoded.get("script", 0)
    fonts = weight.count.get("font", 0)
    total_line = (f"| **total** | {sum(weight.count.values())} | {weight.total / kb:.1f} | "
                  f"{sum(weight.decoded.values()) / kb:.1f} |")
    verdict = (f"budget: total {weight.total / kb:.1f} KB of 150 KB {_ok(weight.total <= TOTAL_BUDGET)}; "
               f"JavaScript {js / kb:.1f} KB of 75 KB {_ok(js <= JS_BUDGET)}; web fonts {fonts} {_ok(fonts == 0)} "
               f"(response headers, not counted: {weight.headers / kb:.1f} KB)")
    lines = [f"First load of {path} (HTTP {weight.status}), empty cache:", "",
             "| type | requests | on the wire (KB) | decoded (KB) |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {kind} | {weight.count[kind]} | {weight.encoded[kind] / kb:.1f} | {weight.decoded[kind] / kb:.1f} |"
              for kind in sorted(weight.encoded)]
    lines += [total_line, "", verdict, "", "resources:"]
    lines += [f"  {status} {kind:10} {encoded:>8,} B wire {decoded:>8,} B decoded {encoding or 'identity':8} {url}"
              for kind, url, encoded, decoded, encoding, status in weight.urls]
    return "\n".join(lines)


def _ok(within: bool) -> str:
    return "OK" if within else "OVER"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--port", type=int, default=8152)
    parser.add_argument("--viewer", type=int, default=2, help="bench account to sign in as")
    args = parser.parse_args(argv)
    server = Server(args.database_url, args.port, 1, None, Path(tempfile.gettempdir()) / "ruche-page-weight.log")
    try:
        server.wait_ready()
        r = httpx.post(f"{server.base_url}/api/v1/auth/token",
                       data={"username": bench_email(args.viewer), "password": BENCH_PASSWORD}, timeout=30)
        r.raise_for_status()
        weight = asyncio.run(measure(server.base_url, r.json()["access_token"], args.path))
    finally:
        server.stop()
    print(report(weight, args.path))
    over = weight.total > TOTAL_BUDGET or weight.encoded.get("script", 0) > JS_BUDGET or weight.count.get("font")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
