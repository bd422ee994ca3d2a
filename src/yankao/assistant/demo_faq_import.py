"""Demo step (after the agencies): the whole Kaohsiung FAQ set (1,348 published entries) and
the starting synonym lists, through the same import a deployment runs (`yankao import_faq`)."""

from __future__ import annotations

from yankao.core.demo import DemoContext

from .services.faq_import import import_faq, load_synonyms


def populate(context: DemoContext) -> None:
    result = import_faq()
    synonyms = load_synonyms()
    if result.created or synonyms:
        context.summary.append(f"常見問答：匯入 {result.created} 則，同義詞 {synonyms} 組")
