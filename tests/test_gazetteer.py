"""kg.gazetteer: official names, unambiguous short forms and abbreviations, resolved near an area."""
from kg.extract import extract_sentence


def test_official_name_and_short_form(gazetteer):
    assert gazetteer.resolve("杭州市").code == "330100"
    assert gazetteer.resolve("杭州").name == "杭州市"


def test_abbreviations_resolve_only_as_whole_names(gazetteer, nlp):
    assert gazetteer.resolve("穗").name == "广州市"
    assert gazetteer.resolve("深").name == "深圳市"
    assert gazetteer.resolve("宁") is None  # 南京市 or 宁夏: ambiguous, not listed
    # never searched for in running text: 深入 is not 深圳市
    assert all(surface not in ("深", "穗") for surface, _ in gazetteer.names())


def test_ambiguous_county_resolves_near_the_document_area(gazetteer):
    beijing, changchun = gazetteer.resolve("北京市"), gazetteer.resolve("长春市")
    assert gazetteer.resolve("朝阳区", beijing).code.startswith("1101")
    assert gazetteer.resolve("朝阳区", changchun).code.startswith("2201")
    assert gazetteer.resolve("朝阳区") is None


def test_abbreviated_cities_bound_to_listed_values(gazetteer, nlp):
    extraction = extract_sentence("穗、深两市PM2.5平均浓度分别为22、18微克/立方米。", nlp, gazetteer,
                                  area=gazetteer.resolve("广东省"), year=2023)
    assert sorted((f.area.name, f.value) for f in extraction.facts) == [("广州市", 22.0), ("深圳市", 18.0)]


def test_longest_area_name_wins(gazetteer, nlp):
    extraction = extract_sentence("安吉县PM2.5平均浓度为23微克/立方米。", nlp, gazetteer,
                                  area=gazetteer.resolve("湖州市"), year=2023)
    assert [f.area.name for f in extraction.facts] == ["安吉县"]


def test_every_abbreviation_names_an_area_of_the_gazetteer(gazetteer):
    import csv
    import importlib.resources

    source = importlib.resources.files("kg").joinpath("data", "area_abbreviations.tsv")
    with source.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    assert len(rows) > 20
    assert [r["abbreviation"] for r in rows if gazetteer.resolve(r["abbreviation"]) is None] == []
