"""Finding the FAQ entries that answer a citizen's question, offline, on CPU.

A `Retriever` indexes entries and returns the best `(entry_id, score)` pairs for a question.
The default is `BM25Retriever`: Okapi BM25 over two fields, the question with its alternative
phrasings (weighted high) and the answer with the topic and agency (weighted low). Its terms are
jieba words, character pairs (bigrams) and single characters of the text in one Simplified
form, so Simplified and Traditional input, a typo in one character (the other pairs still match)
and words jieba splits differently (廟/寺廟) all still meet. Synonym lists (路燈/街燈) rewrite every term of a list to its first
term before anything else, in the entries and in the questions alike.

`confidence` turns scores into a 0–1 value that reads the same for any question: the best score
as a share of what a perfect match of the same question would score (its "self score", where a
word the index has never seen counts at the highest weight), raised by a clear margin over the
second best. `YANKAO_ASSISTANT_CONFIDENCE` is the line between an answer and "not sure".

Another retriever (an embedding model where one is installed) is chosen by the dotted path in
`YANKAO_ASSISTANT_RETRIEVER`; see docs/adr/0008-assistant-retrieval.md.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from .text import _converter, _jieba, normalize

# Words that say "this is a question" and nothing about what: left out of the index and the
# questions (in Traditional here; compared in the Simplified form).
STOP_WORDS_TW = (
    "請問 請 問 問題 如何 怎麼 怎樣 怎麼辦 什麼 甚麼 哪裡 哪些 哪個 為何 為什麼 是否 可否 可以 能否 能不能 "
    "可不可以 要不要 需要 需不需要 我 我們 你 你們 您 他 她 的 了 嗎 呢 吧 啊 呀 喔 哦 耶 啦 嘛 和 與 及 或 "
    "是 有 在 要 想 會 能 就 都 也 還 又 再 這 那 這個 那個 這樣 一下 一個 一些 有沒有 是不是 對 於 為 被 把 "
    "讓 給 跟 向 從 到 之 其 等 若 則 及其 以及 而 並 但 如果 因為 所以 關於 相關 謝謝 你好 您好 哈囉 麻煩 "
    "幫忙 幫 知道 告訴 應該 一定 多少 幾 去 來 嗯 欸 誒 囉 咧 喲 吼"
)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
ASCII_WORD = re.compile(r"[a-z0-9]+")


def _simplified(text: str) -> str:
    return _converter("t2s").convert(text)  # type: ignore[attr-defined]


STOP_WORDS = frozenset(_simplified(w) for w in STOP_WORDS_TW.split())


@runtime_checkable
class Retriever(Protocol):
    """What answering needs from a retriever."""

    def index(self, entries: Iterable[Document]) -> None: ...

    def search(self, query: str, k: int = 5) -> list[tuple[int, float]]: ...

    def confidence(self, query: str, results: Sequence[tuple[int, float]]) -> float: ...


@dataclass(frozen=True)
class Document:
    """What the retriever reads of an entry."""

    id: int
    question: str
    alternatives: str = ""
    answer: str = ""
    extra: str = ""  # topic and agency names: weak evidence, counted with the answer


def simple_form(text: str) -> str:
    """The one form every term is made from: `text.normalize` (no HTML, NFKC, lower case,
    Traditional characters, no phrase rewriting), then Simplified characters, which jieba's
    dictionary was built for. The synonym lists carry word differences (摩托車/機車)."""
    return _simplified(normalize(text))


@dataclass
class Synonyms:
    """Each alternative term rewritten to the main (first) term of its list (Simplified form)."""

    mapping: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    @classmethod
    def from_lists(cls, lists: Iterable[str]) -> Synonyms:
        mapping: dict[str, str] = {}
        for line in lists:
            terms = [
                t for t in (simple_form(x).strip() for x in re.split(r"[,，、;；\n/|]", line)) if t
            ]
            for term in terms[1:]:
                if term != terms[0]:
                    mapping.setdefault(term, terms[0])
        if not mapping:
            return cls()
        alternation = "|".join(re.escape(t) for t in sorted(mapping, key=len, reverse=True))
        return cls(mapping, re.compile(alternation))

    @property
    def words(self) -> set[str]:
        return set(self.mapping.values())

    def apply(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.mapping[m.group(0)], text)


_tokenizer_lock = threading.Lock()
_tokenizer_state: dict[str, object] = {}


def _tokenizer(words: frozenset[str]) -> object:
    """The assistant's own jieba tokenizer (jieba's big dictionary, not the shared default one)
    that also knows the index's words: agency and topic names, synonym terms. Words are only
    ever added (a word more does no harm), so one tokenizer serves every index of the process."""
    with _tokenizer_lock:
        tokenizer = _tokenizer_state.get("tokenizer")
        known: set[str] = _tokenizer_state.setdefault("words", set())  # type: ignore[assignment]
        if tokenizer is None:
            import jieba

            _jieba()  # quiet logging, dictionary cache ready
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer_state["tokenizer"] = tokenizer
        for word in sorted(words - known):
            if len(word) > 1:
                tokenizer.add_word(word, freq=2000)  # type: ignore[attr-defined]
        known.update(words)
        return tokenizer


class Analyzer:
    """Text → terms: jieba words, the character pairs within runs of words that are not stop
    words (so 請問/怎麼 add nothing) and the single characters of those words (so 廟 meets 寺廟
    and 外國人 meets 外籍), all in the Simplified form."""

    def __init__(self, synonyms: Synonyms | None = None, words: Iterable[str] = ()) -> None:
        self.synonyms = synonyms or Synonyms()
        known = {simple_form(w).strip() for w in words} | self.synonyms.words
        self.tokenizer = _tokenizer(frozenset(w for w in known if w))

    def terms(self, text: str, *, query: bool = False) -> list[str]:
        simplified = self.synonyms.apply(simple_form(text))
        words: list[str] = []
        pairs: list[str] = []
        run = ""
        for piece in self.tokenizer.cut(simplified, HMM=False):  # type: ignore[attr-defined]
            word = piece.strip()
            if word and word not in STOP_WORDS and CJK.fullmatch(word):
                words.append(word)
                run += word
                continue
            if word and word not in STOP_WORDS and ASCII_WORD.fullmatch(word):
                words.append(word)
            pairs.extend("~" + run[i : i + 2] for i in range(len(run) - 1))
            run = ""
        pairs.extend("~" + run[i : i + 2] for i in range(len(run) - 1))
        singles = sorted({"^" + ch for word in words if CJK.fullmatch(word) for ch in word})
        return words + pairs + singles


@dataclass
class _Field:
    weight: float
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    max_idf: float = 0.0


class BM25Retriever:
    """Okapi BM25 over the question field and the answer field, postings in plain dicts."""

    k1 = 1.2
    b = 0.75
    question_weight = 1.0
    answer_weight = 0.1
    word_weight = 1.0
    pair_weight = 0.6  # a character pair counts less than a whole word
    char_weight = 0.7  # a single character of a word: weak alone, decisive when words differ
    answer_chars = 600  # the start of an answer says what it is about; the rest costs time

    def __init__(self, synonyms: Iterable[str] = ()) -> None:
        self.synonyms = Synonyms.from_lists(synonyms)
        self.analyzer = Analyzer(self.synonyms)
        self.ids: list[int] = []
        self.fields: dict[str, _Field] = {}

    def index(self, entries: Iterable[Document]) -> None:
        docs = list(entries)
        self.ids = [d.id for d in docs]
        names = {w for d in docs for w in d.extra.split()}
        self.analyzer = Analyzer(self.synonyms, words=names)
        self.fields = {
            "q": self._field(
                [f"{d.question}\n{d.alternatives}" for d in docs], self.question_weight
            ),
            "a": self._field(
                [f"{d.extra}\n{d.answer[: self.answer_chars]}" for d in docs], self.answer_weight
            ),
        }

    def _field(self, texts: list[str], weight: float) -> _Field:
        counts = [Counter(self.analyzer.terms(t)) for t in texts]
        lengths = [sum(c.values()) for c in counts]
        average = (sum(lengths) / len(lengths)) if lengths else 1.0
        n = len(texts)
        frequency: Counter[str] = Counter()
        for c in counts:
            frequency.update(c.keys())
        result = _Field(weight)
        result.idf = {t: self._idf(n, df) for t, df in frequency.items()}
        result.max_idf = self._idf(n, 0) if n else 0.0
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, (c, length) in enumerate(zip(counts, lengths, strict=True)):
            norm = self.k1 * (1 - self.b + self.b * length / (average or 1.0))
            for term, tf in c.items():
                postings[term].append((doc, result.idf[term] * tf * (self.k1 + 1) / (tf + norm)))
        result.postings = dict(postings)
        return result

    @staticmethod
    def _idf(n: int, df: int) -> float:
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _query_terms(self, query: str) -> dict[str, float]:
        """Each distinct term with its weight (character pairs count less)."""
        terms: dict[str, float] = {}
        for term in self.analyzer.terms(query, query=True):
            weight = (
                self.pair_weight
                if term.startswith("~")
                else self.char_weight
                if term.startswith("^")
                else self.word_weight
            )
            if weight > 0:
                terms[term] = weight
        return terms

    def search(self, query: str, k: int = 5) -> list[tuple[int, float]]:
        terms = self._query_terms(query)
        scores: dict[int, float] = defaultdict(float)
        for f in self.fields.values():
            for term, weight in terms.items():
                w = weight * f.weight
                for doc, value in f.postings.get(term, ()):
                    scores[doc] += w * value
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [(self.ids[doc], score) for doc, score in best]

    def self_score(self, query: str) -> float:
        """What an entry whose question were exactly this query would score (about)."""
        q = self.fields.get("q")
        if q is None:
            return 0.0
        return sum(
            weight * q.weight * q.idf.get(term, q.max_idf)
            for term, weight in self._query_terms(query).items()
        )

    def confidence(self, query: str, results: Sequence[tuple[int, float]]) -> float:
        if not results:
            return 0.0
        perfect = self.self_score(query)
        if perfect <= 0:
            return 0.0
        top = results[0][1]
        second = results[1][1] if len(results) > 1 else 0.0
        share = min(1.0, top / perfect)
        margin = (top - second) / top if top > 0 else 0.0
        return round(min(1.0, share * (0.8 + 0.4 * margin)), 3)


# --- The process's index, rebuilt when the published entries or the synonyms change ----------

_lock = threading.Lock()
_state: dict[str, object] = {}


def invalidate(**_: object) -> None:
    """Drop the cached index (connected to the knowledge base's `faq_changed`)."""
    _state.pop("fingerprint", None)


def _fingerprint() -> tuple[object, ...]:
    from django.db.models import Count, Max
    from django.utils import timezone

    from .models import FaqEntry, FaqStatus, Synonym

    entries = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    synonyms = tuple(Synonym.objects.filter(active=True).values_list("terms", flat=True))
    return (entries["n"], entries["last"], hash(synonyms), timezone.localdate())


def answerable_entries():  # type: ignore[no-untyped-def]
    """Published entries valid today, with what the index reads."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import FaqEntry, FaqStatus

    today = timezone.localdate()
    return (
        FaqEntry.objects.filter(status=FaqStatus.PUBLISHED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )


def build(retriever_path: str | None = None) -> Retriever:
    """A new retriever of the configured kind over the answerable entries."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from .models import Synonym

    cls = import_string(retriever_path or settings.YANKAO_ASSISTANT_RETRIEVER)
    retriever: Retriever = cls(
        synonyms=Synonym.objects.filter(active=True).values_list("terms", flat=True)
    )
    rows = answerable_entries().values_list(
        "pk", "question", "alternatives", "answer", "topic__name", "agency__short_name"
    )
    retriever.index(
        Document(pk, q, alt, ans, f"{topic or ''} {agency or ''}")
        for pk, q, alt, ans, topic, agency in rows
    )
    return retriever


def current() -> Retriever:
    """The process's retriever, rebuilt when published entries or synonyms changed (a cheap
    count and latest-change check on every call)."""
    fingerprint = _fingerprint()
    retriever = _state.get("retriever")
    if retriever is not None and _state.get("fingerprint") == fingerprint:
        return retriever  # type: ignore[return-value]
    with _lock:
        if _state.get("retriever") is None or _state.get("fingerprint") != fingerprint:
            _state["retriever"] = build()
            _state["fingerprint"] = fingerprint
    return _state["retriever"]  # type: ignore[return-value]
