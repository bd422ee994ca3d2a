"""The assistant's text forms: one normal form for both scripts, stable tokens, and personal
data that never survives masking."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from yankao.assistant.text import mask_personal_data, normalize, tokens

CHINESE = st.text(alphabet="請問路燈壞了要找誰停車費怎麼繳市政府的你好嗎", max_size=12)
MOBILE = st.from_regex(r"09\d{2}-?\d{3}-?\d{3}", fullmatch=True)
ID_NUMBER = st.from_regex(r"[A-Z][12]\d{8}", fullmatch=True)
EMAIL = st.from_regex(r"[a-z]{1,8}\.?[a-z0-9]{1,5}@[a-z]{2,8}\.(com|tw|org)", fullmatch=True)


@given(CHINESE, st.one_of(MOBILE, ID_NUMBER, EMAIL), CHINESE)
def test_personal_data_never_survives(before: str, secret: str, after: str) -> None:
    masked = mask_personal_data(f"{before} {secret} {after}")
    assert secret not in masked and "＊" in masked
    assert masked.startswith(before)


def test_landlines_are_masked_but_dates_and_amounts_are_not() -> None:
    assert "336" not in mask_personal_data("請撥(07)336-8333或07-3368333")
    kept = "民國115年11月22日繳了1200元"
    assert mask_personal_data(kept) == kept


def test_both_scripts_and_widths_read_the_same() -> None:
    assert normalize("请问路灯坏了") == normalize("請問路燈壞了")
    # Taiwan words already in Traditional stay as they are (the phrase table would rewrite them).
    assert normalize("社區登錄分區") == "社區登錄分區"
    assert normalize("ＡＢＣ　<b>停車</b>") == "abc 停車"
    assert tokens("請問路燈壞了要找誰") == tokens("请问路灯坏了要找谁")
    assert "机车" in tokens("機車停車費")
    assert tokens("   ") == [] and tokens("？！…") == []
