"""Assistant answering on the full Kaohsiung FAQ set (1,348 entries): accuracy and latency.

Imports the shipped FAQ set and synonym lists into a throw-away database, then asks the
hand-written paraphrases (`paraphrases.tsv`, each labelled with the entry it should hit) and the
out-of-scope questions (`out_of_scope.txt`). Prints top-1 / top-3 accuracy (also for the
Simplified and the typo subsets), the share of out-of-scope questions answered "not sure",
a sweep of the confidence threshold, the variants tried, and the median / p95 latency of one
question (retrieval alone, and `answering.ask` with its logging) on one core.

    .venv/bin/python benchmarks/assistant/assistant_bench.py [--variants]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _setup import setup_django  # noqa: E402


def read_paraphrases() -> list[tuple[str, str, str]]:
    rows = []
    for line in (HERE / "paraphrases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, key, *rest = line.split("\t")
        rows.append((question, key, rest[0] if rest else ""))
    return rows


def read_out_of_scope() -> list[str]:
    lines = (HERE / "out_of_scope.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def evaluate(retriever, paraphrases, out_of_scope, keys_by_id, same_question):  # type: ignore[no-untyped-def]
    """Rank of the right entry and confidence, per paraphrase; confidence per out-of-scope."""
    ranks: list[tuple[int | None, float, str]] = []
    times: list[float] = []
    for question, key, note in paraphrases:
        started = time.perf_counter()
        results = retriever.search(question, k=5)
        confidence = retriever.confidence(question, results)
        times.append(time.perf_counter() - started)
        rank = None
        for position, (pk, _score) in enumerate(results[:3], start=1):
            if keys_by_id[pk] == key or keys_by_id[pk] in same_question.get(key, ()):
                rank = position
                break
        ranks.append((rank, confidence, note))
    outside: list[float] = []
    for question in out_of_scope:
        started = time.perf_counter()
        results = retriever.search(question, k=5)
        outside.append(retriever.confidence(question, results))
        times.append(time.perf_counter() - started)
    return ranks, outside, times


def summary(ranks, outside, threshold):  # type: ignore[no-untyped-def]
    n = len(ranks)
    top1 = sum(1 for r, _c, _n in ranks if r == 1) / n
    top3 = sum(1 for r, _c, _n in ranks if r is not None) / n
    sure_right = sum(1 for r, c, _n in ranks if r == 1 and c >= threshold) / n
    sure_wrong = sum(1 for r, c, _n in ranks if r != 1 and c >= threshold) / n
    not_sure_outside = sum(1 for c in outside if c < threshold) / len(outside)
    return top1, top3, sure_right, sure_wrong, not_sure_outside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", action="store_true", help="also score the variants tried")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from yankao.agencies.services import load_agencies
    from yankao.assistant import retrieval
    from yankao.assistant.models import FaqEntry
    from yankao.assistant.services import answering
    from yankao.assistant.services.faq_import import import_faq, load_synonyms

    load_agencies()
    started = time.perf_counter()
    result = import_faq()
    print(
        f"import of the shipped FAQ set: {result.created} entries in "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(f"synonym lists loaded: {load_synonyms()}")
    started = time.perf_counter()
    retriever = retrieval.current()
    print(
        f"index build ({settings.YANKAO_ASSISTANT_RETRIEVER}): "
        f"{time.perf_counter() - started:.1f} s"
    )

    keys_by_id = dict(FaqEntry.objects.values_list("pk", "source_key"))
    # Entries with the very same question are the same answer to a citizen.
    # (up to punctuation and spaces: 如何報名…活動？是否繳費？ is 如何報名…活動是否繳費).
    by_question: dict[str, list[str]] = {}
    for key, question in FaqEntry.objects.values_list("source_key", "question"):
        bare = "".join(ch for ch in question if ch.isalnum())
        by_question.setdefault(bare, []).append(key)
    same_question = {k: set(keys) for keys in by_question.values() for k in keys}

    paraphrases = read_paraphrases()
    out_of_scope = read_out_of_scope()
    threshold = answering.threshold()
    ranks, outside, times = evaluate(
        retriever, paraphrases, out_of_scope, keys_by_id, same_question
    )
    top1, top3, sure_right, sure_wrong, not_sure = summary(ranks, outside, threshold)
    print()
    print(f"paraphrases: {len(paraphrases)} (targets: top-1 >= 80%, top-3 >= 92%)")
    print(f"  top-1 {top1:6.1%}   top-3 {top3:6.1%}")
    for label, mark in (("Simplified", "S"), ("typos", "T")):
        subset = [r for r in ranks if mark in r[2]]
        if subset:
            s1 = sum(1 for r, _c, _n in subset if r == 1) / len(subset)
            s3 = sum(1 for r, _c, _n in subset if r is not None) / len(subset)
            print(f"  {label:<11} ({len(subset):3}) top-1 {s1:6.1%}   top-3 {s3:6.1%}")
    print(f"out of scope: {len(out_of_scope)} questions")
    print(f"  threshold {threshold:.2f} (YANKAO_ASSISTANT_CONFIDENCE):")
    print(f"  answered 'not sure' {not_sure:6.1%} of out-of-scope questions")
    print(f"  in-scope answered sure and right {sure_right:6.1%}, sure and wrong {sure_wrong:6.1%}")

    print()
    print("threshold sweep: sure&right / sure&wrong (in scope), not sure (out of scope)")
    for step in range(20, 75, 5):
        t = step / 100
        _t1, _t3, right, wrong, outside_ok = summary(ranks, outside, t)
        print(f"  {t:.2f}   {right:6.1%}  {wrong:6.1%}   {outside_ok:6.1%}")

    print()
    print(f"latency of one question, retrieval + confidence, {len(times)} questions, one core:")
    print(
        f"  median {statistics.median(times) * 1000:6.1f} ms   "
        f"p95 {percentile(times, 95) * 1000:6.1f} ms   max {max(times) * 1000:6.1f} ms  "
        "(target p95 < 50 ms)"
    )
    asked: list[float] = []
    for question, _key, _note in paraphrases + [(q, "", "") for q in out_of_scope]:
        started = time.perf_counter()
        answering.ask("bench", question)
        asked.append(time.perf_counter() - started)
    print("  answering.ask (with the index check, exchange logging and view count):")
    print(
        f"  median {statistics.median(asked) * 1000:6.1f} ms   "
        f"p95 {percentile(asked, 95) * 1000:6.1f} ms"
    )

    if args.variants:
        print()
        print("variants tried (top-1 / top-3 / out-of-scope not sure at the threshold):")
        variants = {
            "words only (no character pairs)": {"pair_weight": 0.0},
            "character pairs only (no jieba words)": {"word_weight": 0.0, "char_weight": 0.0},
            "no single characters (the first shipped version)": {"char_weight": 0.0},
            "question field only (no answer)": {"answer_weight": 0.0},
            "answer weighted like the question": {"answer_weight": 1.0},
            "pairs counted like words": {"pair_weight": 1.0},
            "no synonym lists": {"_no_synonyms": True},
        }
        from yankao.assistant.models import Synonym

        synonyms = list(Synonym.objects.filter(active=True).values_list("terms", flat=True))
        for label, changes in variants.items():
            cls = type(
                "Variant",
                (retrieval.BM25Retriever,),
                {k: v for k, v in changes.items() if not k.startswith("_")},
            )
            variant = cls(synonyms=[] if changes.get("_no_synonyms") else synonyms)
            variant.index(
                retrieval.Document(pk, q, alt, ans, f"{topic or ''} {agency or ''}")
                for pk, q, alt, ans, topic, agency in retrieval.answerable_entries().values_list(
                    "pk",
                    "question",
                    "alternatives",
                    "answer",
                    "topic__name",
                    "agency__short_name",
                )
            )
            r, o, _t = evaluate(variant, paraphrases, out_of_scope, keys_by_id, same_question)
            v1, v3, _sr, _sw, vn = summary(r, o, threshold)
            print(f"  {label:<40} {v1:6.1%} {v3:6.1%} {vn:6.1%}")


if __name__ == "__main__":
    main()
