"""The prechecks change no fact: the one that spares a Doc for sentences where measures cannot
find a fact (kg.nlp.sentence_facts, kg.extractors.measures.could_match) and the one that spares
the clause-by-clause reading of sentences without an award trigger or rating (awards._could_match).
Every sentence of the seeds, of tests/bulletins/docs and of the sentence corpora gives the same
facts with them and without them (every sentence through the whole spaCy pipeline, every clause
read)."""
import json
from pathlib import Path

import pytest

from kg.documents import find_documents, read_document
from kg.extract import document_sentences
from kg.extractors import awards
from kg.facts import BulletinInfo, Evidence
from kg.gazetteer import load_gazetteer
from kg.metadata import read_bulletin_info
from kg.nlp import SentenceContext, build_pipeline, sentence_facts
from kg.text import fold

ROOT = Path(__file__).parents[1]
DOCUMENT_FOLDERS = [ROOT / "seeds", ROOT / "tests" / "bulletins" / "docs"]


@pytest.fixture(scope="module")
def pipeline():
    gazetteer = load_gazetteer()
    return build_pipeline(gazetteer), gazetteer


def _facts_without_prechecks(nlp, read, monkeypatch) -> list:
    with monkeypatch.context() as patched:
        patched.setattr(awards, "_could_match", lambda text: True)
        return sentence_facts(nlp, read, precheck=False)


def _corpus_sentences(gazetteer) -> list[tuple[str, SentenceContext]]:
    """Each corpus sentence read both as a summary and as a plan sentence of its entry's area and year."""
    read = []
    for path in sorted((ROOT / "tests" / "corpus").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            area = gazetteer.resolve(entry["area"], None)
            assert area is not None, entry["id"]
            for plan in (False, True):
                info = BulletinInfo(area=area, issuer=area.name + "生态环境局", title="",
                                    report_year=entry["year"], plan_year=entry["year"] if plan else None,
                                    plan_start=0 if plan else None, all_plan=plan)
                evidence = Evidence(text=entry["text"], start=0, end=len(entry["text"]))
                read.append((fold(entry["text"]), SentenceContext(info, evidence, info.part_at(0), gazetteer)))
    return read


@pytest.mark.parametrize("path", [p for folder in DOCUMENT_FOLDERS for p in find_documents([folder])],
                         ids=lambda p: p.name)
def test_documents_give_the_same_facts_with_and_without_the_prechecks(pipeline, path, monkeypatch):
    nlp, gazetteer = pipeline
    text = read_document(path).text
    read = document_sentences(text, read_bulletin_info(text, gazetteer), gazetteer)
    checked = sentence_facts(nlp, read)
    assert checked, f"{path.name}: no facts, nothing compared"
    assert checked == _facts_without_prechecks(nlp, read, monkeypatch)


def test_corpus_sentences_give_the_same_facts_with_and_without_the_prechecks(pipeline, monkeypatch):
    nlp, gazetteer = pipeline
    read = _corpus_sentences(gazetteer)
    checked = sentence_facts(nlp, read)
    assert len(checked) > 500, "too few facts to compare"
    assert checked == _facts_without_prechecks(nlp, read, monkeypatch)


def test_the_precheck_skips_sentences_without_a_number_or_an_indicator():
    from kg.extractors.measures import could_match

    assert not could_match("全面推进生态文明建设,持续改善环境质量")      # no number
    assert not could_match("完成3个项目,检查企业120家")                   # no indicator
    assert could_match("全市PM2.5平均浓度为23微克/立方米")
    assert could_match("水质优良(达到或好于Ⅲ类)比例为85.7%")           # indicator behind a bracket


def test_the_award_precheck_looks_for_triggers_and_ratings():
    assert not awards._could_match("全面推进生态文明建设,持续改善环境质量")
    assert awards._could_match("武侯区成功创建国家生态文明建设示范区")
    assert awards._could_match("国家低碳城市试点中期评估优秀")                # a rating without a verb


def test_sentence_docs_are_those_of_the_zh_tokenizer(pipeline):
    """kg.nlp builds the Doc of a sentence without whitespace itself, as the zh tokenizer would."""
    from kg.nlp import _char_doc

    nlp, gazetteer = pipeline
    compared = 0
    for path in find_documents([ROOT / "seeds"]):
        text = read_document(path).text
        for folded, _ in document_sentences(text, read_bulletin_info(text, gazetteer), gazetteer):
            if not any(char.isspace() for char in folded):
                assert _char_doc(nlp, folded).to_bytes() == nlp.make_doc(folded).to_bytes(), folded
                compared += 1
    assert compared > 500


def test_trie_pattern_matches_exactly_its_words():
    import re

    from kg.extractors.common import trie_pattern

    words = ["PM2.5", "PM10", "优良天数", "优良天数比例", "优良率", "a(b)"]
    pattern = re.compile(trie_pattern(words))
    assert all(pattern.fullmatch(word) for word in words)
    assert not any(pattern.fullmatch(other) for other in ["PM", "PM2", "优良", "优良天数比", "a(b", "PM105"])
    assert pattern.search("全市PM10浓度").group() == "PM10"


def test_named_group_is_the_group_text():
    from kg.extractors.common import named_group

    assert named_group(r"(?P<a>[^,(]{2})(?P<b>(?:x|\)|[)])y)$", "b") == r"(?P<b>(?:x|\)|[)])y)"


def test_quantities_are_the_same_without_the_mail_address_shortcut(pipeline, monkeypatch):
    """kg.numbers skips the mail-address mask (quadratic on Chinese text) in texts without "@"."""
    from kg import numbers

    nlp, gazetteer = pipeline
    texts = [text for text, _ in _corpus_sentences(gazetteer)]
    for path in [p for folder in DOCUMENT_FOLDERS for p in find_documents([folder])]:
        texts.append(read_document(path).text)
    texts += ["举报邮箱hbj2023@example.gov.cn,电话12369", "网址http://10.1.2.3/,PM2.5浓度为23微克/立方米"]
    fast = [numbers.find_quantities(text) for text in texts]
    monkeypatch.setattr(numbers, "_NO_MAIL", {})
    assert fast == [numbers.find_quantities(text) for text in texts]
    assert sum(map(len, fast)) > 1000
