"""How long extraction takes on a 60 KB document (target ≤ 2 s).

    .venv/bin/python benchmarks/extraction/bench.py [--kb 60] [--chars]

The document is the four seed summaries (one of them traditional, so OpenCC runs) plus the
held-out invented ones in eval/docs (invented-004 traditional, GB18030), repeated to the size
asked: 60 KB of UTF-8 by default (~20,000 characters), or `--chars` to make it 60,000 characters (~180 KB), a harder case. Times the first
call (which loads the indicator catalogue and OpenCC's dictionaries) and the best of 3 after it.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ecociv.extraction.extract import extract
from ecociv.extraction.textio import read_path


def document(kb: int, chars: bool) -> str:
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    seeds += sorted((ROOT / "ecociv" / "extraction" / "eval" / "docs").glob("*.txt"))
    base = "\n".join(read_path(p) for p in seeds)
    size = (len) if chars else (lambda t: len(t.encode("utf-8")))
    text = base
    while size(text) < kb * 1000:
        text += "\n" + base
    while size(text) > kb * 1000:
        text = text[: int(len(text) * kb * 1000 / size(text))]
    return text


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--kb", type=int, default=60)
    p.add_argument("--chars", action="store_true", help="count thousands of characters, not KB of UTF-8")
    args = p.parse_args()
    text = document(args.kb, args.chars)
    t0 = time.perf_counter()
    facts = extract(text)
    first = time.perf_counter() - t0
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        extract(text)
        runs.append(time.perf_counter() - t0)
    print(f"document: {len(text.encode('utf-8')) / 1000:.1f} KB UTF-8, {len(text)} characters, {len(facts)} facts")
    print(f"first call (loads catalogue, OpenCC): {first:.2f} s; warm best of 3: {min(runs):.2f} s")


if __name__ == "__main__":
    main()
