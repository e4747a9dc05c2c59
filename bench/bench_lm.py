"""Language-model figures: load time, resident memory with 1 and 2 workers, scoring throughput, trainer.

- load: seconds from a fresh Python process calling ``LanguageModel.load`` to the model being usable
  (median of --runs separate processes; the file is in the page cache after the first).
- memory: each worker process loads the model and scores every paragraph; RSS and PSS (proportional
  set size: shared pages divided among the processes mapping them) are read from /proc/<pid>/smaps
  after scoring, for the whole process and for the model file's mapping alone. The binary model is
  memory-mapped from the page cache, so its pages are shared: with 2 workers each worker's private
  share of the model mapping is ~0 (PSS also divides with any other process mapping the same file).
- throughput: paragraphs/s and tokens/s of ``score_text`` (tokenise + score) in one process.
- devset (``--devset``): paragraph perplexity of clean vs spun paragraphs of ../shared/devset (read in
  place, never copied), and how well perplexity alone ranks spun above clean (AUC).
- train (``--train-words N``): ``train_arpa`` on the first N words of the text, order --order; wall
  time and peak RSS of a separate process.

Text: --text FILE (one paragraph per line), else models/.build/corpus/heldout.txt written by
models/build.sh, else paragraphs invented here from a fixed seed (fine for speed, not for quality).

Usage: python bench/bench_lm.py [--text FILE] [--runs 5] [--paragraphs 5000] [--devset]
                                [--train-words 1000000 --order 5]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def load_paragraphs(path: Path | None, limit: int) -> list[str]:
    if path is None:
        default = REPO / "models" / ".build" / "corpus" / "heldout.txt"
        path = default if default.exists() else None
    if path is not None:
        with open(path, encoding="utf-8") as f:
            paras = [line.strip() for line in f if line.strip()]
        return paras[:limit]
    rng = random.Random(0)
    words = ("the council said on monday that a new plan for the city would cost more than "
             "expected and officials were asked to explain why the project had been delayed").split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(20, 80))) + "." for _ in range(limit)]


def _memory(model_file: str) -> dict[str, int]:
    """Whole-process RSS/PSS, and RSS/PSS of the model file's mapping alone (from smaps)."""
    out = {"rss_kb": 0, "pss_kb": 0, "model_rss_kb": 0, "model_pss_kb": 0, "model_private_kb": 0}
    in_model = False
    with open(f"/proc/{os.getpid()}/smaps") as f:
        for line in f:
            head = line.split(None, 1)[0]
            if "-" in head and not head.endswith(":"):      # a new mapping: address range line
                parts = line.split()
                in_model = len(parts) >= 6 and parts[5] == model_file
                continue
            if in_model and head in ("Private_Clean:", "Private_Dirty:"):
                out["model_private_kb"] += int(line.split()[1])
            if head in ("Rss:", "Pss:"):
                kb = int(line.split()[1])
                key = head[:-1].lower()
                out[f"{key}_kb"] += kb
                if in_model:
                    out[f"model_{key}_kb"] += kb
    return out


def _worker(model_path: str | None, paragraphs: list[str], barrier, queue) -> None:
    from qualitycheck.lm.model import LanguageModel

    m = LanguageModel.load(model_path)
    for p in paragraphs:
        m.score_text(p)
    barrier.wait()            # every worker has touched its pages: now PSS is shared fairly
    queue.put(_memory(str(m.path)))
    barrier.wait()            # stay alive until all have measured


def memory_with_workers(model_path: str | None, paragraphs: list[str], n: int) -> dict:
    ctx = mp.get_context("spawn")   # fresh interpreters, like a process pool with spawn
    barrier, queue = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(model_path, paragraphs, barrier, queue)) for _ in range(n)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    mb = lambda kb: round(kb / 1024, 1)  # noqa: E731
    return {"workers": n,
            "rss_mb_each": [mb(r["rss_kb"]) for r in results],
            "pss_mb_total": mb(sum(r["pss_kb"] for r in results)),
            "model_rss_mb_each": [mb(r["model_rss_kb"]) for r in results],
            "model_pss_mb_total": mb(sum(r["model_pss_kb"] for r in results)),
            # pages of the model mapped by this worker alone; ~0 means nothing is duplicated
            "model_private_mb_each": [mb(r["model_private_kb"]) for r in results]}


def load_times(model_path: str | None, runs: int) -> dict:
    code = ("import time,sys; t=time.perf_counter(); from qualitycheck.lm.model import LanguageModel; "
            f"m=LanguageModel.load({model_path!r}); m.score_text('warm up'); "
            "print(time.perf_counter()-t)")
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return {"load_s_median": round(statistics.median(times), 4), "load_s_all": [round(t, 4) for t in times]}


def throughput(model_path: str | None, paragraphs: list[str]) -> dict:
    from qualitycheck.lm.model import LanguageModel
    from qualitycheck.lm.tokenize import tokenize

    m = LanguageModel.load(model_path)
    m.score_text(paragraphs[0])
    t = time.perf_counter()
    n_tok = 0
    for p in paragraphs:
        n_tok += len(m.score_text(p).tokens)
    dt = time.perf_counter() - t
    t = time.perf_counter()
    for p in paragraphs:
        tokenize(p)
    dt_tok = time.perf_counter() - t
    return {"paragraphs": len(paragraphs), "tokens": n_tok, "seconds": round(dt, 3),
            "paragraphs_per_s": round(len(paragraphs) / dt, 1), "tokens_per_s": round(n_tok / dt),
            "tokenize_share": round(dt_tok / dt, 2)}


def train_figures(paragraphs_path: Path | None, words: int, order: int) -> dict:
    src = paragraphs_path or REPO / "models" / ".build" / "corpus" / "train.txt"
    if not src.exists():
        return {"skipped": f"no training text at {src} (run models/build.sh or pass --text)"}
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "part.txt"
        n = 0
        with open(src, encoding="utf-8") as fin, open(part, "w", encoding="utf-8") as fout:
            for line in fin:
                fout.write(line)
                n += len(line.split())
                if n >= words:
                    break
        code = ("import json,sys; sys.path.insert(0, 'bench'); from peak_memory import peak_rss_mib; "
                "from qualitycheck.lm.train import train_arpa; "
                f"s=train_arpa([{str(part)!r}], {str(Path(tmp) / 'm.arpa.gz')!r}, order={order}, language='en'); "
                "print(json.dumps({'seconds': s.seconds, 'tokens': s.tokens, 'ngrams': s.ngrams, "
                "'peak_rss_mib': peak_rss_mib()}))")
        out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        res["arpa_gz_mb"] = round((Path(tmp) / "m.arpa.gz").stat().st_size / 2**20, 1)
        res["order"] = order
        res["words_requested"] = words
        return res


def devset_figures(model_path: str | None, min_words: int = 8) -> dict:
    """Perplexity of clean paragraphs (clean documents) vs spun paragraphs (spun documents)."""
    import numpy as np

    from qualitycheck.evaluate import auc, iter_labelled_paragraphs
    from qualitycheck.lm.model import LanguageModel

    dev = REPO.parent / "shared" / "devset"
    if not (dev / "labels.jsonl").exists():
        return {"skipped": f"no dev set at {dev}"}
    m = LanguageModel.load(model_path)
    groups: dict[str, list] = {"clean": [], "spun": []}
    for rec, p, text in iter_labelled_paragraphs(dev):
        if rec["doc_label"] in groups and p["labels"][0] == rec["doc_label"] and len(text.split()) >= min_words:
            groups[rec["doc_label"]].append(m.score_text(text))
    out: dict = {}
    for name, rs in groups.items():
        ppl = np.array([r.perplexity for r in rs])
        oov = np.concatenate([r.oov[:-1] for r in rs])
        out[name] = {"paragraphs": len(rs), "median_ppl": round(float(np.median(ppl)), 1),
                     "oov_rate": round(float(oov.mean()), 4)}
    spun_above = auc([r.perplexity for r in groups["spun"]], [r.perplexity for r in groups["clean"]])
    out["auc_spun_above_clean"] = None if spun_above is None else round(spun_above, 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model path (default: the shipped model)")
    ap.add_argument("--text", type=Path, default=None, help="paragraphs, one per line")
    ap.add_argument("--paragraphs", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--train-words", type=int, default=0, help="also time train_arpa on this many words")
    ap.add_argument("--order", type=int, default=3, help="order for --train-words")
    ap.add_argument("--devset", action="store_true", help="also score ../shared/devset paragraphs")
    ap.add_argument("--json", type=Path, default=None, help="write results here too")
    args = ap.parse_args()

    paragraphs = load_paragraphs(args.text, args.paragraphs)
    res: dict = {"model": args.model or "default", "cpu_count": os.cpu_count()}
    # Memory first: this process must not map the model itself, or it would take a share of the PSS.
    res["memory"] = [memory_with_workers(args.model, paragraphs, n) for n in (1, 2)]
    res["load"] = load_times(args.model, args.runs)
    res["throughput"] = throughput(args.model, paragraphs)
    if args.devset:
        res["devset"] = devset_figures(args.model)
    if args.train_words:
        res["train"] = train_figures(args.text, args.train_words, args.order)
    text = json.dumps(res, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
