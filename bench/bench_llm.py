"""Benchmark: bundled SmolLM2 load time, time to first token and tokens/s through ChatLlamaCpp.

Usage: python bench/bench_llm.py [--max-tokens 64] [--rounds 3] [--threads N] [--json]
Three short prompts (medians over rounds), plus one prompt carrying ~1,000 tokens of note text, the
size an `ask` with retrieved notes sends. Issue bar: first token <= 2 s after the model is loaded.
Prints the machine (cores, load) beside the figures; other work on the machine slows them."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from langchain_core.messages import HumanMessage, SystemMessage

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


def measure(model: ChatLlamaCpp, prompt: str) -> dict:
    """Time one streamed answer: first token latency and decode speed after it."""
    start = time.perf_counter()
    first = None
    tokens = 0
    for chunk in model.stream([SystemMessage(SYSTEM), HumanMessage(prompt)]):
        if chunk.content:
            tokens += 1
            first = first if first is not None else time.perf_counter()
    end = time.perf_counter()
    decode = end - (first or end)
    return {
        "ttft_s": (first or end) - start,
        "tokens": tokens,
        "tokens_per_s": (tokens - 1) / decode if tokens > 1 and decode > 0 else 0.0,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: ours)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
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
