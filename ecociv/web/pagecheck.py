"""What every page a person sees must satisfy, checked in a real browser (issue 12, must-hold 4):
Chinese UI text only (a small allow-list of units and codes), nothing wider than the viewport,
a title of its own, no console error, no request leaving the machine, and no Content-Security-Policy
violation (issue 15: an inline script or handler, a style element, a resource from elsewhere —
recorded from the browser's `securitypolicyviolation` events, named even where the console is quiet).

`watch(page)` attaches the listeners once per Playwright page; `check(page)` returns the problems
of the page currently shown (an empty list when it is fine). Used by the crawler test and the
daily-flow scenarios alike."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError

SITE_TITLE = "生态文明建设示范区创建管理平台"

# Latin words a Chinese user reads as such: units, codes, file types, standard names.
ALLOWED_WORDS = {
    "pm", "pm2", "pm10", "pm2.5", "o3", "no2", "so2", "co", "aqi", "iaqi", "cod", "nh3", "gdp", "km", "km2", "mg",
    "m3", "m2", "kg", "t", "kwh", "tce", "ha", "hm2", "db", "ph", "ug", "μg", "g", "l", "min", "h", "d", "mm", "cm",
    "xlsx", "csv", "docx", "doc", "xls", "zip", "pdf", "txt", "json", "excel", "word", "api", "id", "sha", "sha256", "url", "gb", "hj",
    "ii", "iii", "iv", "v", "vi", "sdg", "open", "n", "no", "co2", "ch4", "tp", "tn", "bod", "do", "dox",
    "cl", "gbt", "qr", "ip", "mb", "kb", "token", "bearer", "ecociv", "a", "b", "c", "swagger", "ui", "x",
    "wal", "sqlite", "postgresql", "duckdb", "spark", "pyspark", "ibis", "echarts", "vs", "ok", "cv", "op",
    "md", "yaml", "www", "http", "https", "openapi", "assess", "eqi", "so", "o", "wps", "libreoffice", "office", "nh3-n", "utf", "gbk", "gb18030", "big5", "parquet", "e", "p", "q", "k", "r", "s", "z", "y", "m", "i", "w",
}
# Words that are always internal (an identifier, a Python/Django repr, an English sentence).
WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_]|[A-Za-z]")


# Runs in every document before its own scripts: keeps each CSP violation of the page.
_CSP_JS = """(() => {
  window.__ecocivCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__ecocivCsp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} ` +
                            `(${(e.sourceFile || '').split('/').pop()}:${e.lineNumber}) ${e.sample || ''}`.trim());
  });
})();"""


def watch(page) -> None:
    """Start recording console errors, CSP violations and requests to other hosts for `page`."""
    if getattr(page, "_ecociv_watch", None) is not None:
        return
    state = {"console": [], "external": []}
    page._ecociv_watch = state
    page.add_init_script(_CSP_JS)
    base = urlparse(getattr(page, "base_url", "http://127.0.0.1"))

    def on_console(msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource") and where.split("#")[0] == page.url.split("#")[0]:
            return  # the document's own status (a 404 page shown on purpose), not a broken resource
        state["console"].append(f"{page.url}: {msg.text} ({where})")

    def on_request(req):
        u = urlparse(req.url)
        if u.scheme in ("data", "blob", "about", "chrome-extension"):
            return
        if u.hostname not in (base.hostname, "127.0.0.1", "localhost", "::1"):
            state["external"].append(f"{page.url} → {req.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: state["console"].append(f"{page.url}: {exc}"))
    page.on("request", on_request)


_VISIBLE_TEXT_JS = r"""() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'CODE', 'PRE', 'KBD', 'SAMP']);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || skip.has(el.tagName) || el.closest('[data-allow-latin], code, pre, kbd, samp')) continue;
    const t = n.textContent.trim();
    if (!t) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (!el.getClientRects().length) continue;
    out.push(t);
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder], [title], option, input[type=submit], input[type=button]')) {
    if (el.closest('[data-allow-latin]')) continue;
    for (const v of [el.getAttribute('placeholder'), el.getAttribute('title'),
                     el.tagName === 'OPTION' ? el.textContent : null,
                     el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button') ? el.value : null]) {
      if (v && v.trim()) out.push(v.trim());
    }
  }
  return out;
}"""


def english_words(texts: list[str], extra_allowed: set[str] = frozenset()) -> list[str]:
    """The Latin words in `texts` outside the allow-list (user names and codes are passed in
    `extra_allowed`). Words inside e-mail-like or path-like tokens are ignored (a file name)."""
    found = []
    allowed = ALLOWED_WORDS | {w.lower() for w in extra_allowed}
    for text in texts:
        for token in re.split(r"[\s（）()：:，,、；;。“”]+", text):
            if re.search(r"\.(xlsx|csv|docx|txt|pdf|png|json|parquet)$", token, re.I) or "@" in token \
                    or (re.fullmatch(r"[0-9a-f]{8,}…?", token) and re.search(r"\d", token)):  # a file name, an address, a checksum
                continue
            for w in WORD_RE.findall(token):
                lw = w.lower()
                if lw in allowed or lw.rstrip(".") in allowed:
                    continue
                # Dotted chemical/unit forms: PM2.5, μg/m3 pieces, and user names made of name_role.
                parts = [p for p in re.split(r"[._]", lw) if p]
                if parts and all(p in allowed for p in parts):
                    continue
                found.append(w)
    return found


def check(page, *, extra_allowed: set[str] = frozenset()) -> list[str]:
    """Problems with the page currently shown (empty when it is fine)."""
    problems = []
    url = page.url
    watch(page)
    state = page._ecociv_watch
    width = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    viewport = page.viewport_size["width"] if page.viewport_size else 1366
    if width > viewport:
        problems.append(f"{url}: 页面宽 {width}px，超过视口 {viewport}px")
    title = page.title().strip()
    if not title or title == SITE_TITLE:
        problems.append(f"{url}: 页面没有自己的标题（{title!r}）")
    words = english_words(page.evaluate(_VISIBLE_TEXT_JS), extra_allowed)
    if words:
        problems.append(f"{url}: 英文或内部标识 {sorted(set(words))[:15]}")
    csp = page.evaluate("() => (window.__ecocivCsp || []).splice(0)")
    problems.extend(f"{url}: 违反内容安全策略（CSP）：{v}" for v in csp)
    if state["console"]:
        problems.extend(state["console"])
        state["console"].clear()
    if state["external"]:
        problems.extend(state["external"])
        state["external"].clear()
    return problems


SKIP_RE = re.compile(r"/(logout|export|download|template|admin)(/|$|\?)|\.(xlsx|csv|docx|pdf|txt|json|parquet|png)(\?|$)"
                     r"|/media/|/static/|/api/v1/(?!docs)", re.I)


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(page, *, start: str = "/", limit: int = 60, per_pattern: int = 2, extra_allowed=frozenset(),
          skip: re.Pattern = SKIP_RE) -> tuple[list[str], list[str]]:
    """Visit the same-origin pages reachable by links from `start` (GET only, as a person
    clicking), check each, and return (urls visited, problems)."""
    base = page.base_url
    watch(page)
    queue, seen, patterns, visited, problems = [start], {start}, {}, [], []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        try:
            resp = page.goto(base + path)
        except PlaywrightError as exc:
            # A link that answers with an attachment (evidence, a stored upload) is a file, not a
            # page: the browser downloads it and has nothing to check.
            if "Download is starting" in str(exc):
                continue
            raise
        if resp is None or "text/html" not in (resp.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state("networkidle")
        visited.append(path)
        if resp.status >= 500:
            problems.append(f"{path}: HTTP {resp.status}")
        problems.extend(check(page, extra_allowed=extra_allowed))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            u = urlparse(href)
            if (u.scheme and u.scheme not in ("http", "https")) or (u.netloc and u.netloc != urlparse(base).netloc):
                continue
            if not u.path.startswith("/") or skip.search(href):
                continue
            target = u.path + (f"?{u.query}" if u.query else "")
            pat = _pattern(u.path)
            if target in seen or patterns.get(pat, 0) >= per_pattern:
                continue
            seen.add(target)
            patterns[pat] = patterns.get(pat, 0) + 1
            queue.append(target)
    return visited, problems
