"""Category and agency suggestion on real Taipei data: accuracy, drift of category names, speed.

1. Taipei question → agency (7,986 FAQ titles, 149 agencies): a stratified held-out fifth; the
   shipped suggester (naive Bayes over words + character pairs) against the majority class and
   keyword rules (the rule `suggest_categories` used: sum of the lengths of the keywords found,
   each agency's keywords being its ten most distinctive training words); variants tried.
2. Taipei 1999 dispatch categories from the address and hour: trained on the 2015-07..2024-08
   sample (weighted back to the real volumes), tested on all of April 2026; raw labels against the same labels resolved through
   `CategoryAlias` (the category list versioned: renamed Taipei categories superseded, never
   renamed in place; then Taipei names mapped to Kaohsiung's categories).
3. The 20,667 real street-light complaints: keyword rules against the model on the texts, then
   training time on ~29k texts and the suggestion time through the database.

    .venv/bin/python benchmarks/routing/routing_bench.py   (YANKAO_SHARED_DATA: the data folder)
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from _setup import setup_django  # noqa: E402

# The shared real data sits next to the project (../shared/data from the project's root).
DATA = Path(os.environ.get("YANKAO_SHARED_DATA", HERE.parents[1].parent / "shared" / "data"))
QA = DATA / "taipei-qa" / "taipei_qa_agency_questions.csv"
DISPATCH_SAMPLE = DATA / "taipei-1999-dispatch" / "taipei_1999_dispatch_sample.csv"
DISPATCH_APRIL = DATA / "taipei-1999-dispatch" / "taipei_1999_dispatch_2026-04.csv"
DISPATCH_MONTHLY = DATA / "taipei-1999-dispatch" / "taipei_1999_dispatch_monthly_counts.csv"
STREETLIGHTS = DATA / "taipei-streetlight-repairs" / "taipei_streetlight_repairs_2024.csv"

# Taipei renamed categories over the years (category_counts.csv: first and last dates).
TAIPEI_RENAMES = [
    # old name, new name, last day of the old name
    ("路燈故障或設施損壞", "路燈不亮或損壞", "2024-08-24"),
    ("河濱自行車道破損", "河濱公園自行車道破損、油漬及樹倒", "2021-12-09"),
    (
        "河濱公園自行車道破損、油漬及樹倒",
        "河濱公園自行車道及堤外便道破損、散落物、油漬及樹倒",
        "2023-04-11",
    ),
]
# Taipei dispatch names → Kaohsiung's categories (as documented in cases/data/categories.csv).
TAIPEI_TO_KAOHSIUNG = {
    "市區道路坑洞處理": "ROAD-POTHOLE",
    "道路掏空": "ROAD-POTHOLE",
    "道路散落物或油漬處理": "ROAD-DEBRIS",
    "道路邊坡坍方": "ROAD-SLOPE",
    "人孔蓋(含周邊)破損、遺失處理": "ROAD-MANHOLE",
    "路燈不亮或損壞": "LIGHT-OUT",
    "路樹處理": "GREEN-TREEFALL",
    "交通號誌異常": "SIGNAL-OUT",
    "交通號誌電纜線垂落及設施損壞": "SIGNAL-OUT",
    "交通標誌及設施物損壞(含汙損)、傾斜": "SIGNAL-SIGN",
    "路面積淹水": "FLOOD-ROAD",
    "橋梁、隧道、車(人)行地下道及涵洞積淹水": "FLOOD-UNDERPASS",
    "雨水下水道側溝清淤": "FLOOD-GUTTER",
    "道路側溝溝蓋(含周邊)損壞遺失": "FLOOD-COVER",
    "道路側溝內溝牆(底)破損": "FLOOD-DITCHWALL",
    "用戶無水、漏水報修": "WATER-MAINBREAK",
    "鄰里無主垃圾清運": "ENV-DUMPED",
    "動物救援": "ANIMAL-RESCUE",
    "動物虐待傷害": "ANIMAL-ABUSE",
    "大型廢棄物清運聯繫": "ENV-BULKY",
    "場所與設施噪音舉發": "NOISE-BUSINESS",
    "污染舉發": "ENV-AIR",
    "河濱公園自行車道及堤外便道破損、散落物、油漬及樹倒": "GREEN-FACILITY",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for label in set(gold):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def score(gold: Sequence[str], ranked: Sequence[Sequence[str]]) -> tuple[float, float, float]:
    """Top-1, top-3 accuracy and macro-F1 of the first choice."""
    n = len(gold)
    top1 = sum(1 for g, r in zip(gold, ranked, strict=True) if r and r[0] == g) / n
    top3 = sum(1 for g, r in zip(gold, ranked, strict=True) if g in r[:3]) / n
    return top1, top3, macro_f1(gold, [r[0] if r else "" for r in ranked])


def row(label: str, figures: tuple[float, float, float], note: str = "") -> None:
    top1, top3, f1 = figures
    print(f"  {label:<50} top-1 {top1:6.1%}  top-3 {top3:6.1%}  macro-F1 {f1:5.3f}  {note}")


def stratified_split(
    rows: list[dict[str, str]], key: str, share: float, seed: int
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rng = random.Random(seed)
    by_label: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_label[r[key]].append(r)
    train, test = [], []
    for label in sorted(by_label):
        group = by_label[label][:]
        rng.shuffle(group)
        cut = max(1, round(len(group) * share))
        test += group[:cut]
        train += group[cut:]
    return train, test


def keyword_rules(
    train: list[tuple[list[str], str]], per_label: int = 10
) -> Callable[[set[str]], list[str]]:
    """Each label's most distinctive training words (smoothed log-odds against the rest), scored
    the way the categories' keyword rules are: the summed length of the words found."""
    import math

    label_words: dict[str, Counter[str]] = defaultdict(Counter)
    everywhere: Counter[str] = Counter()
    for words, label in train:
        label_words[label].update(set(words))
        everywhere.update(set(words))
    total = len(train)
    keywords: dict[str, list[str]] = {}
    for label, counts in label_words.items():
        n = sum(1 for _, lab in train if lab == label)

        def odds(w: str, counts: Counter[str] = counts, n: int = n) -> float:
            inside = (counts[w] + 0.5) / (n + 1)
            outside = (everywhere[w] - counts[w] + 0.5) / (total - n + 1)
            return math.log(inside / outside)

        keywords[label] = sorted(
            (w for w in counts if len(w) >= 2 and counts[w] >= 2), key=odds, reverse=True
        )[:per_label]

    def suggest(words_found: set[str]) -> list[str]:
        scored = [
            (sum(len(w) for w in words if w in words_found), label)
            for label, words in keywords.items()
        ]
        return [label for s, label in sorted(scored, reverse=True)[:3] if s]

    return suggest


def taipei_qa(seed: int) -> None:
    from yankao.assistant.services.suggestion import NaiveBayes, features, fit_temperature
    from yankao.assistant.text import char_pairs, normalize, tokens

    print("\n1. Taipei questions → agency (7,986 questions, 149 agencies; held-out fifth)")
    rows = read_csv(QA)
    train, test = stratified_split(rows, "agency", 0.2, seed)
    print(f"  {len(train)} training, {len(test)} held-out questions")
    gold = [r["agency"] for r in test]

    biggest = [a for a, _ in Counter(r["agency"] for r in train).most_common(3)]
    row("majority class", score(gold, [biggest] * len(test)))

    words = [(tokens(normalize(r["question"])), r["agency"]) for r in train]
    rules = keyword_rules(words)
    row(
        "keyword rules (10 words per agency)",
        score(gold, [rules(set(tokens(r["question"]))) for r in test]),
    )

    started = time.perf_counter()
    samples = [(features(r["question"]), r["agency"], 1.0) for r in train]
    model = NaiveBayes.fit(samples)
    trained = time.perf_counter() - started
    test_features = [features(r["question"]) for r in test]
    times = []
    ranked = []
    for feats in test_features:
        t0 = time.perf_counter()
        ranked.append([label for label, _ in model.rank(feats, 3)])
        times.append(time.perf_counter() - t0)
    row(
        "naive Bayes, words + char pairs (shipped)",
        score(gold, ranked),
        f"train {trained:.1f} s, rank {statistics.mean(times) * 1000:.2f} ms",
    )

    tried = {
        "words only": lambda t: sorted(set(tokens(normalize(t)))),
        "char pairs only": lambda t: sorted(set(char_pairs(normalize(t)))),
    }
    for name, make in tried.items():
        m = NaiveBayes.fit([(make(r["question"]), r["agency"], 1.0) for r in train])
        row(
            f"  tried: {name}",
            score(gold, [[lab for lab, _ in m.rank(make(r["question"]), 3)] for r in test]),
        )
    for alpha in (0.01, 0.1, 0.5):
        m = NaiveBayes.fit(samples, alpha=alpha)
        row(
            f"  tried: alpha {alpha}",
            score(gold, [[lab for lab, _ in m.rank(f, 3)] for f in test_features]),
        )
    m = NaiveBayes.fit(samples, min_token_docs=1)
    row(
        "  tried: keep one-case tokens",
        score(gold, [[lab for lab, _ in m.rank(f, 3)] for f in test_features]),
        f"({len(m.counts)} tokens against {len(model.counts)})",
    )

    # Confidence: fit the temperature on a part of the training data, read it on the test.
    cut = int(len(samples) * 0.9)
    probe = NaiveBayes.fit(samples[:cut])
    model.temperature = fit_temperature(probe, [(f, lab) for f, lab, _ in samples[cut:]])
    confident = [model.rank(f, 1)[0] for f in test_features]
    mean_conf = statistics.mean(c for _, c in confident)
    right = sum(1 for (lab, _), g in zip(confident, gold, strict=True) if lab == g) / len(gold)
    sure = [(lab, c) for lab, c in confident if c >= 0.8]
    sure_right = sum(
        1 for (lab, c), g in zip(confident, gold, strict=True) if c >= 0.8 and lab == g
    )
    print(
        f"  confidence (temperature {model.temperature:g}): mean {mean_conf:.1%} for a top-1 "
        f"accuracy of {right:.1%}; {len(sure) / len(gold):.0%} of questions at ≥ 80 %, "
        f"{sure_right / max(1, len(sure)):.1%} of those right"
    )


def taipei_dispatch() -> None:
    from yankao.assistant.models import CategoryAlias
    from yankao.assistant.services.suggestion import (
        NaiveBayes,
        features,
        resolve_category,
        supersede_category,
    )
    from yankao.cases.models import CaseType, Category

    print(
        "\n2. Taipei 1999 dispatch category from address and hour (train: sample 2015-07..2024-08,"
        " before 路燈故障或設施損壞 became 路燈不亮或損壞; test: all of 2026-04)"
    )
    sample = [r for r in read_csv(DISPATCH_SAMPLE) if r["立案日期"][:4].isdigit()]
    train = [r for r in sample if r["立案日期"] <= "20240824"]
    test = read_csv(DISPATCH_APRIL)
    print(f"  {len(train)} training cases, {len(test)} test cases")
    # The sample holds at most 12 cases per year and category: weigh each back to the real
    # volume of its category over the training months (monthly counts of all 1.30 M cases).
    volume: Counter[str] = Counter()
    for r in read_csv(DISPATCH_MONTHLY):
        if r["month"] <= "2024-08":
            volume[r["dispatch_category"]] += int(r["record_count"])
    in_sample = Counter(r["派工項目"] for r in train)
    weight = {name: volume[name] / n for name, n in in_sample.items() if volume[name]}

    def district(address: str) -> str:
        return address[:3] if address[2:3] == "區" else ""

    def case_features(r: dict[str, str]) -> list[str]:
        return [*features(r["案件地址"], district(r["案件地址"])), f"@hour{r['立案時間'][:2]}"]

    train_features = [case_features(r) for r in train]
    test_features = [case_features(r) for r in test]

    # The category list, versioned: each Taipei name a category; renamed ones superseded.
    group = Category.objects.create(code="TPE", name_zh="臺北市派工（比較用）")
    names = sorted({r["派工項目"] for r in train + test})
    for n, name in enumerate(names):
        if not Category.objects.filter(name_zh=name, parent=group).exists():
            Category.objects.create(
                code=f"TPE-{n:02d}", parent=group, name_zh=name, case_type=CaseType.DISPATCH
            )
    for old, new, until in TAIPEI_RENAMES:
        current = Category.objects.get(parent=group, name_zh=old)
        existing = Category.objects.filter(parent=group, name_zh=new).first()
        if existing is not None:  # both names already in the data: the old one retires
            current.active = False
            current.save(update_fields=["active"])
            CategoryAlias.objects.create(name=old, category=existing, valid_to=until)
            CategoryAlias.objects.create(name=current.code, category=existing, valid_to=until)
        else:
            supersede_category(current, code=f"{current.code}-V2", name_zh=new, valid_to=until)
    raw_names = {r["派工項目"] for r in train}
    unseen = sum(1 for r in test if r["派工項目"] not in raw_names)

    def resolved(name: str) -> str:
        category = resolve_category(name)
        return category.name_zh if category else name

    cache: dict[str, str] = {}
    labellings = {
        "raw Taipei names": lambda name: name,
        "aliases → today's Taipei names": lambda name: cache.setdefault(name, resolved(name)),
    }
    # Then each (current) Taipei name → Kaohsiung's category through an alias.
    kaohsiung = {c.code: c for c in Category.objects.filter(code__in=TAIPEI_TO_KAOHSIUNG.values())}
    for name, code in TAIPEI_TO_KAOHSIUNG.items():
        if code in kaohsiung:
            CategoryAlias.objects.update_or_create(
                name=f"臺北:{name}", defaults={"category": kaohsiung[code]}
            )
    mapped: dict[str, str] = {}

    def to_kaohsiung(name: str) -> str:
        if name not in mapped:
            category = resolve_category(f"臺北:{resolved(name)}")
            mapped[name] = category.code if category else "?"
        return mapped[name]

    labellings["aliases → Kaohsiung categories"] = to_kaohsiung
    print(f"  {unseen} test cases carry a name the training years never used")
    for title, label in labellings.items():
        gold = [label(r["派工項目"]) for r in test]
        labels = [label(r["派工項目"]) for r in train]
        by_volume: Counter[str] = Counter()
        for r, lab in zip(train, labels, strict=True):
            by_volume[lab] += weight.get(r["派工項目"], 1.0)
        model = NaiveBayes.fit(
            [(f, lab, 1.0) for f, lab in zip(train_features, labels, strict=True)]
        )
        ranked = [[lab for lab, _ in model.rank(f, 3)] or ["?"] for f in test_features]
        real = model.with_prior(dict(by_volume))
        ranked_real = [[lab for lab, _ in real.rank(f, 3)] or ["?"] for f in test_features]
        biggest = [lab for lab, _ in by_volume.most_common(3)]
        lights = [i for i, r in enumerate(test) if r["派工項目"] == "路燈不亮或損壞"]
        found = sum(1 for i in lights if gold[i] in ranked_real[i][:3])
        print(
            f"  {title}: {len(set(labels))} training labels; the {len(lights)} street-light "
            f"cases (renamed 2024-09) in the top 3: {found / len(lights):.1%}"
        )
        row("    majority class (by volume)", score(gold, [biggest] * len(gold)))
        row("    naive Bayes, address + hour, sample prior", score(gold, ranked))
        row("    naive Bayes, address + hour, real volumes", score(gold, ranked_real))


def streetlights(seed: int) -> None:
    from django.conf import settings

    from yankao.assistant.models import SuggestionModel
    from yankao.assistant.services.suggestion import (
        METHOD,
        NaiveBayes,
        features,
        keyword_suggestions,
        suggest,
    )
    from yankao.assistant.text import normalize

    print(
        "\n3. Taipei street-light complaints 2024 (20,667 real texts; half to learn from, "
        "3,000 of the other half to test)"
    )
    lights = read_csv(STREETLIGHTS)
    texts = [r["故障情形"] for r in lights]
    rng = random.Random(seed)
    order = list(range(len(texts)))
    rng.shuffle(order)
    half = len(order) // 2
    train_idx, test_idx = order[:half], order[half : half + 3000]

    def is_light(codes: list[str]) -> bool:
        return bool(codes) and codes[0].startswith("LIGHT-")

    keyword_hits = [[c.code for c, _ in keyword_suggestions(normalize(texts[i]))] for i in test_idx]
    print(
        f"  keyword rules (shipped categories): {sum(map(is_light, keyword_hits)) / len(test_idx):.1%} "
        f"put first in a street-light category, {sum(1 for h in keyword_hits if not h) / len(test_idx):.1%} "
        "get no suggestion"
    )

    # A history: half the street-light texts (LIGHT-OUT) and the other Taipei dispatch cases
    # (address only, mapped to Kaohsiung's categories), with the Taipei questions as noise.
    started = time.perf_counter()
    samples = [(features(texts[i]), "LIGHT-OUT", 1.0) for i in train_idx]
    for r in read_csv(DISPATCH_APRIL):
        code = TAIPEI_TO_KAOHSIUNG.get(r["派工項目"])
        if code and code != "LIGHT-OUT":
            samples.append((features(r["案件地址"]), code, 1.0))
    for r in read_csv(QA):
        samples.append((features(r["question"]), "CITY-SUGGESTION", 1.0))
    featured = time.perf_counter() - started
    fit_started = time.perf_counter()
    model = NaiveBayes.fit(samples)
    fitted = time.perf_counter() - fit_started
    payload = model.to_payload()
    print(
        f"  training on {len(samples):,} texts: {featured + fitted:.1f} s "
        f"({featured:.1f} s features, {fitted:.1f} s counting); {len(model.counts):,} tokens kept"
    )
    model_hits = [[lab for lab, _ in model.rank(features(texts[i]), 3)] for i in test_idx]
    print(
        f"  model trained on the other half: {sum(map(is_light, model_hits)) / len(test_idx):.1%} "
        "put first in a street-light category"
    )

    SuggestionModel.objects.update(active=False)
    SuggestionModel.objects.create(
        version=1,
        cases_used=max(len(samples), settings.YANKAO_SUGGEST_MIN_HISTORY),
        method=METHOD,
        payload=payload,
        active=True,
    )
    suggest(texts[0])  # loads the model into memory once
    times = []
    for i in test_idx[:500]:
        t0 = time.perf_counter()
        outcome = suggest(texts[i], lights[i]["行政區"] + "區")
        times.append(time.perf_counter() - t0)
        assert outcome.method == "model"
    times.sort()
    print(
        f"  suggest() through the database (model, categories, routing): median "
        f"{statistics.median(times) * 1000:.1f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1999)
    args = parser.parse_args()
    setup_django()
    from yankao.agencies.services import load_agencies
    from yankao.cases.categories import load_categories

    load_agencies()
    load_categories()
    for section in (lambda: taipei_qa(args.seed), taipei_dispatch, lambda: streetlights(args.seed)):
        started = time.perf_counter()
        section()
        print(f"  ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
