"""How long extraction takes: a 60 KB document (target ≤ 0.5 s) and a 50-page .pdf (target ≤ 3 s).

    .venv/bin/python benchmarks/extraction/bench.py [--kb 60] [--chars] [--pdf-pages 50]

The text is the seeds (eval/seeds, one traditional), the invented held-out documents (eval/docs)
and the public corpus (eval/corpus, 93 excerpts, 39 traditional), repeated to the size asked:
60 KB of UTF-8 by default, or `--chars` for 60,000 characters (~180 KB), a harder case. Times the
first call (which loads the indicator catalogue and OpenCC's dictionaries) and the best of 3.

The PDF (made with WeasyPrint from the same text, `--pdf-pages` A4 pages; made before timing) is
timed from bytes to facts: text layer (pdftotext) plus extraction. Baselines in the same run, so
the figures can be judged on a loaded machine: a regular expression that only finds Arabic numbers
(re.findall) for the text, pdftotext alone for the PDF.
"""
import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ecociv.extraction.extract import extract
from ecociv.extraction.textio import read_bytes, read_path, read_pdf

EVAL = ROOT / "ecociv" / "extraction" / "eval"


def base_text() -> str:
    files = sorted((EVAL / "seeds").glob("*.txt")) + sorted((EVAL / "docs").glob("*.txt"))
    files += sorted((EVAL / "corpus").glob("*.txt"))
    return "\n".join(read_path(p) for p in files)


def document(kb: int, chars: bool) -> str:
    base = base_text()
    size = (len) if chars else (lambda t: len(t.encode("utf-8")))
    text = base
    while size(text) < kb * 1000:
        text += "\n" + base
    while size(text) > kb * 1000:
        text = text[: int(len(text) * kb * 1000 / size(text))]
    return text


def best(fn, n=3) -> float:
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return min(runs)


def make_pdf(pages: int) -> bytes:
    from weasyprint import HTML

    paras = [p for p in base_text().split("\n") if p.strip()]
    html, i = [], 0
    for page in range(pages):
        chunk = []
        while sum(len(x) for x in chunk) < 650:  # about one A4 page of 仿宋 text at 12 pt
            chunk.append(paras[i % len(paras)])
            i += 1
        brk = "page-break-after: always" if page < pages - 1 else ""
        html.append(f"<div style='{brk}'>" + "".join(f"<p>{p}</p>" for p in chunk) + "</div>")
    css = "@page { size: A4; margin: 2.5cm } body { font-family: 'Noto Serif CJK SC'; font-size: 12pt }"
    return HTML(string=f"<html><head><style>{css}</style></head><body>{''.join(html)}</body></html>").write_pdf()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--kb", type=int, default=60)
    p.add_argument("--chars", action="store_true", help="count thousands of characters, not KB of UTF-8")
    p.add_argument("--pdf-pages", type=int, default=50)
    args = p.parse_args()
    text = document(args.kb, args.chars)
    t0 = time.perf_counter()
    facts = extract(text)
    first = time.perf_counter() - t0
    warm = best(lambda: extract(text))
    regex = best(lambda: re.findall(r"\d+(?:\.\d+)?", text))
    print(f"document: {len(text.encode('utf-8')) / 1000:.1f} KB UTF-8, {len(text)} characters, {len(facts)} facts")
    print(f"first call (loads catalogue, OpenCC): {first:.2f} s; warm best of 3: {warm:.2f} s "
          f"(baseline re.findall of Arabic numbers: {regex * 1000:.1f} ms)")
    if args.pdf_pages:
        data = make_pdf(args.pdf_pages)
        import tempfile
        from subprocess import run
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            pages = run(["pdfinfo", f.name], check=False, capture_output=True, text=True).stdout
        n = re.search(r"Pages:\s+(\d+)", pages)
        pdf_facts = extract(read_bytes("bench.pdf", data))
        whole = best(lambda: extract(read_bytes("bench.pdf", data)))
        layer = best(lambda: read_pdf(data))
        print(f"pdf: {n.group(1) if n else '?'} pages, {len(data) / 1000:.0f} KB, {len(pdf_facts)} facts; "
              f"bytes to facts best of 3: {whole:.2f} s (baseline pdftotext alone: {layer:.2f} s)")


if __name__ == "__main__":
    main()
