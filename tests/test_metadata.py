"""Bulletin metadata: area, issuer, report year and plan part from titles of several forms."""
import pytest

from kg.metadata import read_bulletin_info

BODY = "\n一、{year}年工作情况\n全市PM2.5平均浓度为30微克/立方米。\n二、{plan_year}年工作计划\n力争PM2.5浓度控制在28微克/立方米以内。\n"


@pytest.mark.parametrize("head, area, issuer, year, plan_year", [
    ("深圳市生态环境局2022年工作总结和2023年工作计划", "深圳市", "深圳市生态环境局", 2022, 2023),
    ("2023年广州市生态环境保护工作总结", "广州市", "广州市生态环境局", 2023, 2024),
    ("现将济南市生态环境局2023年度工作情况报告如下:", "济南市", "济南市生态环境局", 2023, 2024),
    ("成都市生态环境局2023年工作总结及2024年工作计划", "成都市", "成都市生态环境局", 2023, 2024),
    ("浙江省生态环境厅2023年工作总结", "浙江省", "浙江省生态环境厅", 2023, 2024),
    ("余杭区2023年生态环境保护工作总结", "余杭区", "余杭区生态环境局", 2023, 2024),
    ("2023年度杭州市余杭区生态环境工作总结", "余杭区", "余杭区生态环境局", 2023, 2024),
    ("德清县生态环境分局2021年工作总结和2022年工作思路", "德清县", "德清县生态环境分局", 2021, 2022),
    ("湖州市生态环境局德清分局2023年工作总结", "德清县", "湖州市生态环境局德清分局", 2023, 2024),
    ("昆山市生态环境局关于2023年工作总结和2024年工作计划的报告", "昆山市", "昆山市生态环境局", 2023, 2024),
    ("上饶市婺源生态环境局2023年度工作总结及2024年工作计划", "婺源县", "上饶市婺源生态环境局", 2023, 2024),
])
def test_title_forms(gazetteer, head, area, issuer, year, plan_year):
    text = "首页 > 政务公开 > 规划计划\n" + head + BODY.format(year=year, plan_year=plan_year)
    info = read_bulletin_info(text, gazetteer)
    assert (info.area.name, info.issuer, info.report_year, info.plan_year) == (area, issuer, year, plan_year)
    assert text[info.plan_start:].startswith(f"二、{plan_year}年工作计划")
    assert info.part_at(text.index("全市PM2.5")) == "summary"
    assert info.part_at(text.index("力争")) == "plan"


def test_title_split_over_two_lines(gazetteer):
    text = "赣州市生态环境局2022年工作总结和\n2023年工作计划\n2022年以来,成效明显。\n二、2023年工作打算\n力争。"
    info = read_bulletin_info(text, gazetteer)
    assert info.title == "赣州市生态环境局2022年工作总结和2023年工作计划"
    assert (info.report_year, info.plan_year) == (2022, 2023)
    assert text[info.plan_start:].startswith("二、2023年工作打算")


def test_title_continued_by_a_line_starting_with_a_joiner(gazetteer):
    text = ("合肥市生态环境局2024年工作总结\n和2025年工作计划\n\n一、2024年工作总结\n"
            "全市PM2.5平均浓度为31微克/立方米。\n二、2025年工作计划\n力争。")
    info = read_bulletin_info(text, gazetteer)
    assert info.title == "合肥市生态环境局2024年工作总结和2025年工作计划"
    assert text[info.plan_start:].startswith("二、2025年工作计划")
    assert info.part_at(text.index("全市PM2.5")) == "summary"


def test_summary_heading_with_plan_words_stays_summary(gazetteer):
    text = ("浦东新区生态环境局2024年工作总结和2025年工作计划\n一、环境质量\n全区PM2.5平均浓度为28微克/立方米。\n"
            "二、重点工作推进情况\n深入实施。\n三、2024年重点工作\n完成。\n四、2025年工作计划\n力争。")
    info = read_bulletin_info(text, gazetteer)
    assert text[info.plan_start:].startswith("四、2025年工作计划")


def test_area_from_the_issuer_when_the_title_names_none(gazetteer):
    text = ("湖州市生态环境局安吉分局\n【2023年工作总结和2024年工作计划】\n时间:2023-12-20\n\n"
            "一、2023年主要成效\n全县PM2.5浓度21微克/立方米。\n二、2024年工作计划\n力争。")
    info = read_bulletin_info(text, gazetteer)
    assert (info.area.name, info.issuer, info.report_year) == ("安吉县", "湖州市生态环境局安吉分局", 2023)


def test_plan_only_document(gazetteer):
    info = read_bulletin_info("武汉市生态环境局2024年工作要点\n一、深入打好蓝天保卫战。\n", gazetteer)
    assert info.all_plan and info.plan_year == 2024 and info.area.name == "武汉市"
    assert info.part_at(0) == "plan"


def test_unnamed_next_year_plan(gazetteer):
    text = "现将济南市生态环境局2023年度工作情况报告如下:\n一、重点工作成效\n成效。\n二、下一步工作打算\n打算。"
    info = read_bulletin_info(text, gazetteer)
    assert info.plan_year == 2024


def test_overrides(gazetteer):
    info = read_bulletin_info("一份没有标题的报告。", gazetteer, area=gazetteer.resolve("西安市"), year=2021)
    assert (info.area.name, info.report_year, info.issuer) == ("西安市", 2021, "西安市生态环境局")


def test_nothing_detected(gazetteer):
    info = read_bulletin_info("这是一段没有地名也没有年份的文字。", gazetteer)
    assert info.area is None and info.report_year is None


def test_gazetteer_names(gazetteer):
    assert gazetteer.resolve("广州").name == "广州市"
    assert gazetteer.resolve("朝阳区") is None  # in Beijing and in Changchun
    beijing = gazetteer.resolve("北京市")
    assert gazetteer.resolve("朝阳区", beijing).code == "110105"
    assert [a.name for a in gazetteer.ancestors(gazetteer.resolve("从化区"))] == ["广州市", "广东省"]
    assert len({a.code for a in gazetteer.by_code.values() if a.level == "province"}) == 34
