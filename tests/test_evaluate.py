"""kg.evaluate: the gold GUIDE's scoring rules, and mini_gold.jsonl against mini.ttl."""
import json
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.evaluate import (
    award_similarity,
    format_report,
    load_gold,
    match_quality,
    normalise_recipient,
    normalise_text,
    predictions_from_store,
    score,
    strip_suffix,
)
from kg.store import ENGINES, open_store

FIXTURES = Path(__file__).parent / "fixtures"
MINI, GOLD = FIXTURES / "mini.ttl", FIXTURES / "mini_gold.jsonl"


def obs(**kw):
    fact = dict(doc="d.txt", type="observation", area="广州市", year=2023, indicator="pm25", value=23,
                unit="μg/m3", evidence="PM2.5平均浓度为23微克/立方米")
    fact.update(kw)
    return fact


def tgt(**kw):
    return obs(**{"type": "target", "comparator": "<=", **kw})


def award(**kw):
    fact = dict(doc="d.txt", type="award", recipient="从化区", award="国家生态文明建设示范区", year=2023,
                evidence="从化区成功创建国家生态文明建设示范区")
    fact.update(kw)
    return fact


def plan(**kw):
    fact = dict(doc="d.txt", type="plan", title="广州市2023年大气污染防治工作计划", issuer="广州市", year=2023,
                action="印发实施", evidence="印发实施《广州市2023年大气污染防治工作计划》")
    fact.update(kw)
    return fact


def counts(report, kind):
    c = report.by_type[kind] if kind != "micro" else report.micro
    return c.gold, c.predicted, c.tp, c.fp, c.fn


# -- the mini graph against its gold file ------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_mini_gold_against_mini_graph(engine):
    report = score(load_gold(GOLD), predictions_from_store(open_store(MINI, engine)))
    assert counts(report, "observation") == (9, 8, 6, 2, 3)
    assert counts(report, "target") == (4, 4, 3, 1, 1)
    assert counts(report, "award") == (6, 4, 4, 0, 2)
    assert counts(report, "plan") == (2, 3, 2, 1, 0)
    assert counts(report, "micro") == (21, 19, 15, 4, 6)
    assert report.micro.precision == pytest.approx(15 / 19)
    assert report.micro.recall == pytest.approx(15 / 21)
    assert report.micro.f1 == pytest.approx(2 * 15 / (19 + 21))
    assert {(m["type"], m.get("indicator") or m.get("award")) for m in report.misses} == {
        ("observation", "env_complaints"), ("observation", "drinking_water_compliance"),
        ("target", "pm25"), ("award", "第三届中国生态文明奖"), ("award", "国家生态文明建设示范区")}
    assert {(s["type"], s.get("unit") or s.get("title")) for s in report.spurious} == {
        ("observation", "%"), ("observation", "pp"), ("target", "μg/m3"), ("plan", "深圳市生态环境分区管控方案")}
    assert all(s["evidence"] for s in report.spurious)


def test_predictions_are_in_the_gold_format():
    preds = predictions_from_store(open_store(MINI))
    assert len(preds) == 19
    first = preds[0]
    assert first == {"doc": "100_49ea8fff0462e29a.txt", "type": "observation", "area": "从化区", "year": 2023,
                     "indicator": "pm25", "value": 20.0, "unit": "μg/m3",
                     "evidence": "2023年,全市细颗粒物(PM2.5)平均浓度为23微克/立方米,其中从化区为20微克/立方米。"}
    kinds = [p["type"] for p in preds]
    assert kinds.count("target") == 4 and kinds.count("award") == 4 and kinds.count("plan") == 3
    change = next(p for p in preds if p["type"] == "target" and p.get("of"))
    assert change["of"] == "decrease" and change["comparator"] == ">="
    assert next(p for p in preds if p.get("scope"))["scope"] == "市中心城区"


def test_format_report_lists_misses_with_evidence_and_per_document_rows():
    report = score(load_gold(GOLD), predictions_from_store(open_store(MINI)))
    text = format_report(report)
    lines = text.splitlines()
    assert lines[0].split() == ["type", "gold", "predicted", "tp", "fp", "fn", "P", "R", "F1"]
    assert lines[-1].split() == ["micro", "21", "19", "15", "4", "6", "0.789", "0.714", "0.750"]
    assert "missed" not in text
    full = format_report(report, misses=True, by_doc=True)
    assert "missed (gold facts not found): 6" in full
    assert "spurious (predictions matching no gold fact): 4" in full
    assert "evidence: 光明区获评第三届中国生态文明奖" in full
    assert "evidence: 研究制定《深圳市生态环境分区管控方案》。" in full
    doc_line = next(line for line in full.splitlines() if line.startswith("102_5d0c3b7e9a1f2468.txt"))
    assert doc_line.split()[1:6] == ["1", "0", "0", "0", "1"]


# -- reading gold --------------------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "must be a JSON object"),
    ('{"doc": "d.txt", "type": "rumour", "year": 2023}', "type 'rumour'"),
    ('{"type": "plan", "title": "t", "issuer": "i", "year": 2023}', "'doc'"),
    ('{"doc": "d.txt", "type": "award", "recipient": "r", "year": 2023}', "needs award"),
    ('{"doc": "d.txt", "type": "observation", "area": "a", "year": 2023, "indicator": "pm25", '
     '"value": "23", "unit": "%"}', "not a number"),
    ('{"doc": "d.txt", "type": "plan", "title": "t", "issuer": "i", "year": 23}', "four-digit year"),
])
def test_a_bad_gold_line_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(GOLD.read_text(encoding="utf-8").splitlines()[0] + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(KgError, match=rf"gold\.jsonl:3: .*{message}"):
        load_gold(path)


def test_missing_gold_file(tmp_path):
    with pytest.raises(KgError, match="gold file not found"):
        load_gold(tmp_path / "none.jsonl")


def test_the_shared_seeds_load(gold_path):
    assert len(load_gold(gold_path)) > 100


# -- matching rules -------------------------------------------------------------------

@pytest.mark.parametrize("name, bare", [
    ("广州市", "广州"), ("广东省", "广东"), ("从化区", "从化"), ("增城县", "增城"), ("广州", "广州"), ("市", "市"),
])
def test_strip_suffix(name, bare):
    assert strip_suffix(name) == bare


def test_observation_area_is_compared_without_suffix():
    assert match_quality(obs(area="广州"), obs(area="广州市")) > 0
    assert match_quality(obs(area="广州市"), obs(area="深圳市")) == 0


@pytest.mark.parametrize("change", [
    dict(year=2022), dict(indicator="pm10"), dict(value=23.1), dict(unit="mg/m3"), dict(of="decrease"),
    dict(doc="e.txt"), dict(type="target", comparator="<="),
])
def test_observation_fields_must_agree(change):
    assert match_quality(obs(), obs(**change)) == 0


def test_observation_value_tolerance_and_scope():
    assert match_quality(obs(value=23), obs(value=23.0000005)) > 0
    assert match_quality(obs(value=23), obs(value=23.00001)) == 0
    assert match_quality(obs(scope="国考断面"), obs()) > 0  # scope is not a matching field
    assert match_quality(obs(unit="µg/m3"), obs(unit="μg/m3")) > 0  # micro sign vs Greek mu (NFKC)


def test_of_must_agree():
    assert match_quality(obs(of="decrease", unit="%"), obs(of="decrease", unit="%")) > 0
    assert match_quality(obs(of="decrease", unit="%"), obs(of="increase", unit="%")) == 0
    assert match_quality(obs(unit="%"), obs(of="decrease", unit="%")) == 0
    assert match_quality(obs(of="", unit="%"), obs(unit="%")) > 0  # empty and absent are the same


def test_target_comparator_must_agree():
    assert match_quality(tgt(), tgt()) > 0
    assert match_quality(tgt(), tgt(comparator=">=")) == 0
    assert match_quality(tgt(of="decrease"), tgt()) == 0


def test_recipient_normalisation_and_alternatives():
    assert normalise_recipient(" “从化区”（广州） ") == "从化区广州"
    assert normalise_recipient("「深圳市」") == "深圳"
    assert match_quality(award(recipient="从化"), award()) > 0
    assert match_quality(award(recipient="广州市从化区"), award()) == 0
    assert match_quality(award(recipient="广州市从化区", recipient_alt=["黄埔区", "从化区"]), award()) > 0
    # the named recipient beats an alternative
    assert match_quality(award(recipient="从化区"), award()) > match_quality(
        award(recipient="广州市从化区", recipient_alt=["从化区"]), award())


def test_award_containment_either_way():
    assert normalise_text("“全国 生态环境系统先进集体”【称号】") == "全国生态环境系统先进集体称号"
    assert match_quality(award(award="“国家生态文明建设示范区”称号"), award()) > 0
    assert match_quality(award(award="示范区"), award()) > 0
    assert award_similarity("国家生态文明建设示范区", "国家生态文明建设示范区") == 1.0
    assert award_similarity("国家生态文明建设示范区称号", "国家生态文明建设示范区") == 0.99
    assert match_quality(award(award=""), award()) == 0


def test_award_similarity_threshold():
    gold = "一二三四五六七八九十"
    at = "一二三四五六七八甲乙"       # 8 of 10 characters in common: ratio 0.8
    below = "一二三四五六七丙甲乙"    # 7 of 10: ratio 0.7
    assert award_similarity(gold, at) == pytest.approx(0.8)
    assert award_similarity(gold, below) == pytest.approx(0.7)
    assert match_quality(award(award=gold), award(award=at)) > 0
    assert match_quality(award(award=gold), award(award=below)) == 0


def test_plan_titles_are_compared_after_normalisation():
    assert match_quality(plan(title="《广州市2023年大气污染防治工作计划》"), plan()) > 0
    assert match_quality(plan(title="广州市 2023年大气污染防治工作计划"), plan()) > 0
    assert match_quality(plan(title="广州市2024年大气污染防治工作计划"), plan()) == 0
    assert match_quality(plan(issuer="深圳市", year=2022, action=""), plan()) > 0  # only the title counts


def test_one_prediction_cannot_match_two_gold_facts():
    report = score([obs(), obs()], [obs()])
    assert (report.by_type["observation"].tp, report.by_type["observation"].fn) == (1, 1)
    assert len(report.misses) == 1 and report.spurious == []
    report = score([obs()], [obs(), obs()])
    assert (report.by_type["observation"].tp, report.by_type["observation"].fp) == (1, 1)


def test_exact_matches_are_preferred_over_containment():
    broad = award(award="国家生态文明建设示范区称号")
    exact = award(award="国家生态文明建设示范区")
    report = score([broad, exact], [award()])
    assert report.matches == [(exact, award())]
    assert report.misses == [broad]


def test_matching_is_deterministic_whatever_the_prediction_order():
    gold = [award(award="国家生态文明建设示范区"), award(award="国家生态文明建设示范区称号")]
    preds = [award(award="国家生态文明建设示范区称号", evidence="a"), award(award="国家生态文明建设示范区", evidence="b")]
    one, two = score(gold, preds), score(gold, list(reversed(preds)))
    assert one.matches == two.matches
    assert [(g["award"], p["award"]) for g, p in one.matches] == [(g["award"], g["award"]) for g in gold]


def test_documents_without_gold_are_ignored_but_covered_documents_count():
    gold = [obs()]
    preds = [obs(), obs(doc="other.txt"), award(), plan()]
    report = score(gold, preds)
    assert report.ignored == 1
    assert report.by_type["award"].fp == 1 and report.by_type["plan"].fp == 1  # d.txt is covered
    assert "other.txt" not in report.by_doc
    assert "(1 predictions for documents without gold facts were ignored)" in format_report(report)


def test_empty_scores_are_zero_and_shown_as_dashes():
    report = score([], [])
    assert report.micro.precision == report.micro.recall == report.micro.f1 == 0.0
    assert format_report(report).splitlines()[-1].split() == ["micro", "0", "0", "0", "0", "0", "-", "-", "-"]


def test_eval_corpus_scores_a_folder_of_sentences(tmp_path):
    from click.testing import CliRunner

    from kg.cli import cli

    entries = [
        {"id": "a", "text": "2023年，全市PM2.5平均浓度为31微克/立方米。", "area": "成都市", "year": 2023,
         "plan": False, "facts": [{"type": "observation", "area": "成都市", "year": 2023, "indicator": "pm25",
                                   "value": 31, "unit": "μg/m3"}]},
        {"id": "b", "text": "全年投入资金3.2亿元。", "area": "成都市", "year": 2023, "plan": False, "facts": []},
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entries), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--corpus", str(tmp_path), "--by-doc"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:4] for line in result.stdout.splitlines() if line.strip()}
    assert rows["observation"] == ["1", "1", "1"]
    assert rows["micro"] == ["1", "1", "1"]
    assert rows["b"] == ["0", "0", "0"]


def test_eval_corpus_names_a_broken_line(tmp_path):
    from click.testing import CliRunner

    from kg.cli import cli

    (tmp_path / "c.jsonl").write_text('{"id": "a"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--corpus", str(tmp_path)])
    assert result.exit_code == 2
    assert "c.jsonl:1: not valid JSON" in result.stderr
