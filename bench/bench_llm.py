"""Benchmark: bundled SmolLM2 load time, time to first token and tokens/s through ChatLlamaCpp.

Usage: python bench/bench_llm.py [--max-tokens 64] [--rounds 3] [--threads N] [--json]
                                 [--ask DIR [--questions 6] [--context-tokens N]]
Three short prompts (medians over rounds), plus one prompt carrying ~1,000 tokens of note text.
With --ask DIR (an eval set: DIR/notes, DIR/queries.jsonl) it instead times the real `coach ask`
prompt end to end: the notes are indexed in a temporary folder, and for each question the prompt
ask would send (retrieved notes and principles, the prompts/ask.yaml template) is streamed through
the default model; it reports the prompt's tokens and the time to the first token, the first
question after loading and the median over all. Issue bar: first token <= 2 s after the model is
loaded. Prints the machine (cores, load) beside the figures; other work on the machine slows them."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from langchain_core.messages import HumanMessage, SystemMessage

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.llm import llamacpp
from coach.llm.llamacpp import ChatLlamaCpp

SYSTEM = "You are a reflection coach. Answer in a short paragraph."
SHORT = [
    "Give me one tip for my next mentor meeting.",
    "How do I ask my mentor for feedback on a presentation?",
    "Suggest a question to ask about delegation.",
]
NOTE = ("2024-03-14, Ade: we discussed handing off release planning to Sam, asking for a raise after "
        "the review cycle, and preparing one concrete example of impact for each goal. ")
BAR_SECONDS = 2.0


def measure(model: ChatLlamaCpp, prompt: str | list) -> dict:
    """Time one streamed answer: first token latency, decode speed after it, prompt tokens."""
    messages = prompt if isinstance(prompt, list) else [SystemMessage(SYSTEM), HumanMessage(prompt)]
    start, cpu_start = time.perf_counter(), time.process_time()
    first, first_cpu, tokens, prompt_tokens = None, None, 0, 0
    for chunk in model.stream(messages):
        if chunk.content:
            tokens += 1
            if first is None:
                first, first_cpu = time.perf_counter(), time.process_time()
        if chunk.usage_metadata:
            prompt_tokens = chunk.usage_metadata["input_tokens"]
    end = time.perf_counter()
    decode = end - (first or end)
    return {
        "ttft_s": (first or end) - start,
        # CPU seconds this process spent before the first token: what the wait would be on a core of
        # its own (the wall time above also counts waiting for a busy machine's CPU).
        "ttft_cpu_s": (first_cpu if first_cpu is not None else time.process_time()) - cpu_start,
        "tokens": tokens,
        "tokens_per_s": (tokens - 1) / decode if tokens > 1 and decode > 0 else 0.0,
        "prompt_tokens": prompt_tokens,
    }


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def run(max_tokens: int, rounds: int, threads: int | None) -> dict:
    extra = {"n_threads": threads} if threads else {}
    model = ChatLlamaCpp(max_tokens=max_tokens, temperature=0.2, seed=1, n_ctx=4096, **extra)
    start = time.perf_counter()
    llamacpp._load(model.model_path, model.n_ctx, model.n_threads)
    load_s = time.perf_counter() - start
    first_call = measure(model, SHORT[0])  # the very first answer after loading, nothing warmed
    short = [measure(model, prompt) for _ in range(rounds) for prompt in SHORT]
    # Vary the notes each round so llama.cpp's prefix cache cannot skip the prompt evaluation.
    grounded = [measure(model, f"Round {i}. Notes:\n{NOTE * 28}\nWhat did Ade suggest?") for i in range(rounds)]
    return {
        "cores": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "threads": model.n_threads,
        "model": model.model_name,
        "max_tokens": max_tokens,
        "load_s": round(load_s, 3),
        "first_call_ttft_s": round(first_call["ttft_s"], 3),
        "short_ttft_median_s": round(median_of(short, "ttft_s"), 3),
        "short_tokens_per_s_median": round(median_of(short, "tokens_per_s"), 1),
        "grounded_ttft_median_s": round(median_of(grounded, "ttft_s"), 3),
        "grounded_tokens_per_s_median": round(median_of(grounded, "tokens_per_s"), 1),
        "bar_first_token_s": BAR_SECONDS,
    }


def ask_prompts(folder: Path, work: Path, count: int, context_tokens: int | None) -> list[list]:
    """The prompts `coach ask` would send for the set's first `count` answerable questions."""
    from coach.agent.ask import prompt_messages
    from coach.agent.service import CoachService
    from coach.config import load_settings

    shutil.copytree(folder / "notes", work / "notes")
    extra = {"ask_context_tokens": context_tokens} if context_tokens else {}
    service = CoachService(load_settings(notes_dir=work / "notes", data_dir=work / "data", **extra))
    service.engine.sync()
    rows = [json.loads(line) for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line]
    questions = [row["query"] for row in rows if row.get("relevant")][:count]
    return [prompt_messages(service, question) for question in questions]


def run_ask(folder: Path, count: int, max_tokens: int, threads: int | None, context_tokens: int | None) -> dict:
    """First-token latency of the real ask prompt with the default model, after loading it: the first
    question cold, then the rest after ask.warm_up (what the app can do while it starts)."""
    from coach.agent.ask import warm_up_messages

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="coach-bench-llm-") as tmp:
        prompts = ask_prompts(folder, Path(tmp), count, context_tokens)
    extra = {"n_threads": threads} if threads else {}
    model = ChatLlamaCpp(max_tokens=max_tokens, temperature=0.2, seed=1, **extra)
    start = time.perf_counter()
    loaded = llamacpp._load(model.model_path, model.n_ctx, model.n_threads)
    load_s = time.perf_counter() - start
    cold = measure(model, prompts[0])  # the first ask straight after loading, nothing evaluated yet
    loaded.llm.reset()  # forget it, as if just loaded, then warm up the way ask.warm_up does
    model.invoke(warm_up_messages(), max_tokens=1)
    runs = [measure(model, messages) for messages in prompts[1:]]
    everything = [cold, *runs]
    return {
        "cores": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2), "threads": model.n_threads,
        "model": model.model_name, "load_s": round(load_s, 3), "questions": len(prompts),
        "first_ask_cold_ttft_s": round(cold["ttft_s"], 3),
        "first_ask_after_warm_up_ttft_s": round(runs[0]["ttft_s"], 3),
        "ask_ttft_median_s": round(median_of(runs, "ttft_s"), 3),
        "ask_ttft_max_s": round(max(r["ttft_s"] for r in runs), 3),
        "ask_ttft_s": [round(r["ttft_s"], 3) for r in runs],
        "ask_ttft_cpu_median_s": round(median_of(runs, "ttft_cpu_s"), 3),
        "first_ask_cold_ttft_cpu_s": round(cold["ttft_cpu_s"], 3),
        "prompt_tokens_median": median_of(everything, "prompt_tokens"),
        "prompt_tokens_max": max(r["prompt_tokens"] for r in everything),
        "bar_first_token_s": BAR_SECONDS,
    }


def print_ask(result: dict) -> None:
    print(f"machine: {result['cores']} cores, load average {result['load_average_1m']}")
    print(f"model: {result['model']} ({result['threads']} llama.cpp threads), load {result['load_s']:.3f} s")
    print(f"real ask prompts: {result['questions']} questions, prompt tokens median "
          f"{result['prompt_tokens_median']:g} (max {result['prompt_tokens_max']})")
    print(f"first token, first ask after load: {result['first_ask_cold_ttft_s']:.3f} s cold, "
          f"{result['first_ask_after_warm_up_ttft_s']:.3f} s after ask.warm_up")
    print(f"first token, asks after warm-up ({len(result['ask_ttft_s'])}): median {result['ask_ttft_median_s']:.3f} s, "
          f"max {result['ask_ttft_max_s']:.3f} s  {result['ask_ttft_s']}")
    print(f"CPU time to first token (a core to itself): median {result['ask_ttft_cpu_median_s']:.3f} s, "
          f"first ask cold {result['first_ask_cold_ttft_cpu_s']:.3f} s")
    verdict = "meets" if result["ask_ttft_median_s"] <= BAR_SECONDS else "MISSES"
    print(f"bar (first token <= {BAR_SECONDS:g} s after load, median): {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: ours)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--ask", type=Path, default=None, help="time real ask prompts on this eval set")
    parser.add_argument("--questions", type=int, default=8, help="with --ask: how many questions (>= 2)")
    parser.add_argument("--context-tokens", type=int, default=None, help="with --ask: ask_context_tokens")
    args = parser.parse_args()
    if args.ask:
        result = run_ask(args.ask, args.questions, args.max_tokens, args.threads, args.context_tokens)
        print(json.dumps(result, indent=2)) if args.json else print_ask(result)
        return
    result = run(args.max_tokens, args.rounds, args.threads)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    worst = max(result["first_call_ttft_s"], result["short_ttft_median_s"], result["grounded_ttft_median_s"])
    print(f"machine: {result['cores']} cores, load average {result['load_average_1m']}")
    print(f"model: {result['model']} (max_tokens {result['max_tokens']}, {result['threads']} llama.cpp threads)")
    print(f"load: {result['load_s']:.3f} s")
    print(f"first answer after load, time to first token: {result['first_call_ttft_s']:.3f} s")
    print(f"short prompts (median): first token {result['short_ttft_median_s']:.3f} s, "
          f"{result['short_tokens_per_s_median']:.1f} tokens/s")
    print(f"~1,000-token notes prompt (median): first token {result['grounded_ttft_median_s']:.3f} s, "
          f"{result['grounded_tokens_per_s_median']:.1f} tokens/s")
    verdict = "meets" if worst <= BAR_SECONDS else "MISSES"
    print(f"bar (first token <= {BAR_SECONDS:g} s after load): {verdict} (worst {worst:.3f} s)")


if __name__ == "__main__":
    main()
