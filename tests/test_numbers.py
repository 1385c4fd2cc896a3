"""kg.numbers: parsing numbers, normalising units, finding quantities with exact offsets."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.numbers import Quantity, find_quantities, normalise_unit, parse_number


def found(text):
    """(value, unit, text) of every quantity, checking the offsets on the way."""
    out = []
    for q in find_quantities(text):
        assert q.text == text[q.start:q.end]
        assert q.start < q.number_end <= q.end
        out.append((q.value, q.unit, q.text))
    return out


# --- parse_number -----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("23", 23),
    ("90.4", 90.4),
    ("21,001", 21001),
    ("1,234,567.5", 1234567.5),
    ("２３．５", 23.5),
    ("１２３", 123),
    ("十", 10),
    ("十二", 12),
    ("二十一", 21),
    ("一百零五", 105),
    ("九十", 90),
    ("三点五", 3.5),
    ("两", 2),
    ("两百", 200),
    ("零", 0),
    ("〇", 0),
    ("二〇二三", 2023),
    ("五万三千", 53000),
    ("1.2万", 12000),
    ("3亿", 300000000),
    ("66.66万", 666600),
    ("三万", 30000),
    ("70余万", 700000),
    ("百分之九十", 90),
    ("百分之九十五点五", 95.5),
    ("百分之百", 100),
    ("九成", 90),
    ("90%", 90),
    (" 42 ", 42),
])
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", [
    "", "   ", "abc", "万", "十四五", "二十大", "六五", "PM2.5", "百分之", "1.2.3", "成", None, 42,
])
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,万亿百分之点零〇一二两三四五六七八九十成%余多 ab", max_size=12))
def test_parse_number_never_raises(text):
    v = parse_number(text)
    assert v is None or isinstance(v, float)


# --- normalise_unit ---------------------------------------------------------------

@pytest.mark.parametrize("surface, expected", [
    ("微克/立方米", ("μg/m3", 1)),
    ("微克每立方米", ("μg/m3", 1)),
    ("μg/m3", ("μg/m3", 1)),
    ("µg/m3", ("μg/m3", 1)),  # micro sign U+00B5
    ("ug/m³", ("μg/m3", 1)),
    ("微克／立方米", ("μg/m3", 1)),  # full-width slash
    ("微克/米3", ("μg/m3", 1)),
    ("毫克/立方米", ("mg/m3", 1)),
    ("mg/m³", ("mg/m3", 1)),
    ("％", ("%", 1)),
    ("百分之", ("%", 1)),
    ("成", ("%", 10)),
    ("个百分点", ("pp", 1)),
    ("天", ("day", 1)),
    ("万吨/年", ("10kt/a", 1)),
    ("万吨每年", ("10kt/a", 1)),
    ("吨/年", ("t/a", 1)),
    ("万吨", ("t", 10000)),
    ("宗", ("count", 1)),
    ("人次", ("count", 1)),
    ("万家", ("count", 10000)),  # leading 万 scales any unit
    ("亿元", ("yuan", 1e8)),
    ("平方公里", ("km2", 1)),
    ("万亩", ("mu", 10000)),
])
def test_normalise_unit(surface, expected):
    code, mult = normalise_unit(surface)
    assert (code, mult) == (expected[0], pytest.approx(expected[1]))


@pytest.mark.parametrize("surface", ["", "浓度", "米饭", "万", "PM2.5"])
def test_normalise_unit_unknown(surface):
    assert normalise_unit(surface) is None


# --- find_quantities: values and units --------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # concentrations, in every spelling of the unit
    ("PM2.5浓度为23微克/立方米", [(23, "μg/m3", "23微克/立方米")]),
    ("浓度为23微克每立方米", [(23, "μg/m3", "23微克每立方米")]),
    ("浓度为23ug/m3", [(23, "μg/m3", "23ug/m3")]),
    ("浓度为23 μg/m³", [(23, "μg/m3", "23 μg/m³")]),
    ("浓度为23µg/m3", [(23, "μg/m3", "23µg/m3")]),
    ("浓度为２３．５微克／立方米", [(23.5, "μg/m3", "２３．５微克／立方米")]),
    ("CO浓度为1.0毫克/立方米", [(1.0, "mg/m3", "1.0毫克/立方米")]),
    # percent and percentage points
    ("AQI达标率为90.4%,同比提升6.6个百分点", [(90.4, "%", "90.4%"), (6.6, "pp", "6.6个百分点")]),
    ("比例为85.0％", [(85.0, "%", "85.0％")]),
    ("优良率达到百分之九十", [(90, "%", "百分之九十")]),
    ("达标率为百分之九十五点五", [(95.5, "%", "百分之九十五点五")]),
    ("九成以上", [(90, "%", "九成")]),
    ("提升三个百分点", [(3, "pp", "三个百分点")]),
    # 万/亿 with and without a unit in 万
    ("危险废物利用处置能力66.66万吨/年", [(66.66, "10kt/a", "66.66万吨/年")]),
    ("危废收集处置能力56万吨/年", [(56, "10kt/a", "56万吨/年")]),
    ("处置能力3000吨/年", [(3000, "t/a", "3000吨/年")]),
    ("氨氮削减量5.68万吨", [(56800, "t", "5.68万吨")]),
    ("检查1.2万家", [(12000, "count", "1.2万家")]),
    ("获300万元支持", [(3000000, "yuan", "300万元")]),
    ("交易规模2.3亿元", [(230000000, "yuan", "2.3亿元")]),
    ("接待4.8万人次", [(48000, "count", "4.8万人次")]),
    ("受益考生70余万人次", [(700000, "count", "70余万人次")]),
    ("排查1.2万余公里", [(12000, "km", "1.2万余公里")]),
    ("减少土方量约13万方", [(130000, "m3", "13万方")]),
    ("安全处置医疗废物841万桶", [(8410000, "", "841万")]),
    # counters, days, years as durations
    ("受理环境信访案件21001宗", [(21001, "count", "21001宗")]),
    ("受理21,001件", [(21001, "count", "21,001件")]),
    ("重污染天数6天", [(6, "day", "6天")]),
    ("注销柴油车1559辆", [(1559, "count", "1559辆")]),
    ("检查2604家次", [(2604, "count", "2604家次")]),
    ("召开会议120余次", [(120, "count", "120余次")]),
    ("完成两个地块治理", [(2, "count", "两个")]),
    ("统一两个标准", [(2, "count", "两个")]),  # a rejected run of numerals may end in one
    ("处置闲置放射源8枚", [(8, "count", "8枚")]),
    ("连续3年获评", [(3, "year", "3年")]),
    ("连续三年实现100%", [(3, "year", "三年"), (100, "%", "100%")]),
    ("近两年", [(2, "year", "两年")]),
    ("压减3个月", [(3, "month", "3个月")]),
    # zero written as a word
    ("劣Ⅴ类水体断面比例保持为零,", [(0, "", "零")]),
    ("比例降为零。", [(0, "", "零")]),
    # lists and changes: a number without its own unit has unit ""
    ("PM2.5浓度从18降至16微克/立方米", [(18, "", "18"), (16, "μg/m3", "16微克/立方米")]),
    ("浓度分别为21、18.2微克/立方米", [(21, "", "21"), (18.2, "μg/m3", "18.2微克/立方米")]),
    ("综合指数为4.59,", [(4.59, "", "4.59")]),
    # ranges: the unit applies to both ends
    ("浓度18～20微克/立方米", [(18, "μg/m3", "18"), (20, "μg/m3", "20微克/立方米")]),
    ("浓度18-20微克/立方米", [(18, "μg/m3", "18"), (20, "μg/m3", "20微克/立方米")]),
    ("比例5%-10%", [(5, "%", "5%"), (10, "%", "10%")]),
    ("投资10-15万元", [(100000, "yuan", "10"), (150000, "yuan", "15万元")]),
    ("三至五年", [(3, "year", "三"), (5, "year", "五年")]),
    # years, dates and ordinals carry codes that callers drop
    ("2023年,全市", [(2023, "year", "2023年")]),
    ("二〇二三年", [(2023, "year", "二〇二三年")]),
    ("2022年度全省考核", [(2022, "year", "2022年")]),
    ("分别于2023年8月15日施行", [(20230815, "date", "2023年8月15日")]),
    ("11月1日正式施行", [(1101, "date", "11月1日")]),
    ("2023年8月起", [(20230800, "date", "2023年8月")]),
    ("发布日期:2023-08-15", [(20230815, "date", "2023-08-15")]),
    ("纲要(2022-2035年)", [(2022, "year", "2022"), (2035, "year", "2035年")]),
    ("2023年1-11月", [(2023, "year", "2023年"), (100, "date", "1"), (1100, "date", "11月")]),
    ("位列全省第一", [(1, "ordinal", "第一")]),
    ("第3名", [(3, "ordinal", "第3")]),
    ("第十六届", [(16, "ordinal", "第十六")]),
])
def test_find_quantities(text, expected):
    got = found(text)
    assert [(u, t) for _, u, t in got] == [(u, t) for _, u, t in expected]
    assert [v for v, _, _ in got] == pytest.approx([v for v, _, _ in expected])


# --- find_quantities: what is not a quantity --------------------------------------

@pytest.mark.parametrize("text", [
    "一是强化大气污染防治",
    "二是扎实推进",
    "重点区域一级支流",
    "践行“一河一策”",
    "碳市场统一管理",
    "推进“一证式”管理",
    "梳理推动一批重金属项目",
    "一起推进",
    "贯彻党的二十大精神",
    "“十四五”规划",
    "“六五”环境日",
    "百县千镇万村",
    "走进千家万户",
    "建设近零碳园区",
    "淘汰国四及以下车辆",
    "劣Ⅴ类、Ⅲ类水体",
    "PM2.5、PM10、O3、NO2、SO2、CO2",
    "O3-8h浓度",
    "VOCs治理",
    "G20峰会",
    "建设5G基站",
    "执行GB 3095-2012标准",
    "执行GB3095-2012标准",
    "粤环〔2023〕12号",
    "粤府办[2023]12号",
    "环发〔2023〕",
    "电话020-83203040",
    "电话:(020)83203040",
    "传真:83203040",
    "拨打12369热线",
    "“12369”环保举报热线",
    "手机13800138000",
    "从三方面推进",
    "防止二次污染",
    "几十个单位",
    "(一)规划引领",
    "（二）深入推进",
    "(3)完善制度",
    "\n1.完成中期评估",
    "  一、坚定不移推动绿色低碳发展",
    "上午9:30召开",
    "详见www.gz.gov.cn/2023/12369.html",
])
def test_not_quantities(text):
    assert found(text) == []


def test_pm25_gives_exactly_one_quantity_at_the_right_offsets():
    text = "细颗粒物(PM2.5)平均浓度为23微克/立方米,继续保持最优"
    (q,) = find_quantities(text)
    assert q == Quantity(23.0, "μg/m3", 16, 24, 18, "23微克/立方米")


def test_document_number_leaves_nothing_but_the_year_of_the_title():
    got = found("印发《关于2023年工作的通知》(粤环〔2023〕12号)")
    assert got == [(2023, "year", "2023年")]


# --- offsets ----------------------------------------------------------------------

@pytest.mark.parametrize("text, start, number_end, end", [
    ("能力达66.66万吨/年", 3, 8, 12),       # 万 belongs to the unit
    ("检查1.2万家", 2, 6, 7),               # 万 belongs to the number
    ("浓度为２３．５微克/立方米", 3, 7, 13),   # full-width digits keep their offsets
    ("优良率达到百分之九十,", 5, 10, 10),     # 百分之 starts the quantity
    ("九成", 0, 1, 2),
    ("浓度为23 μg/m3", 3, 5, 11),           # one space between number and unit
    ("第一批", 0, 2, 2),                    # ordinals include 第
])
def test_offsets(text, start, number_end, end):
    (q,) = find_quantities(text)
    assert (q.start, q.number_end, q.end) == (start, number_end, end)


def test_paragraph_left_to_right_and_non_overlapping():
    text = ("2023年,广州市细颗粒物(PM2.5)平均浓度为23微克/立方米;空气质量优良天数比率为90.4%,"
            "同比提升6.6个百分点。20个国考、省考断面水质全面达标,地表水水质优良断面比例为85.0%,"
            "劣Ⅴ类水体断面比例保持为零。全市危险废物利用处置能力66.66万吨/年。受理环境信访案件21001宗,"
            "共处罚款1612.25万元。")
    qs = find_quantities(text)
    assert [(q.value, q.unit) for q in qs] == [
        (2023, "year"), (23, "μg/m3"), (90.4, "%"), (6.6, "pp"), (20, "count"), (85.0, "%"),
        (0, ""), (66.66, "10kt/a"), (21001, "count"), (pytest.approx(16122500), "yuan"),
    ]
    for a, b in zip(qs, qs[1:]):
        assert a.end <= b.start


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,-~至为第年月日万亿百分之零一二两三十成%个宗微克/立方米 PMabc〔〕()热线电话\n",
               max_size=40))
def test_find_quantities_is_total_and_consistent(text):
    qs = find_quantities(text)
    for q in qs:
        assert q.text == text[q.start:q.end]
        assert q.start < q.number_end <= q.end
    for a, b in zip(qs, qs[1:]):
        assert a.end <= b.start


def test_empty_and_non_text():
    assert find_quantities("") == []
    assert find_quantities("没有数字") == []
