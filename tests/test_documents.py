"""Tests for kg.documents: decoding bulletins, HTML to text, finding files."""
import codecs
import hashlib
import os
from pathlib import Path

import pytest

from kg.documents import Document, decode, find_documents, html_to_text, read_document
from kg.errors import DocumentError, KgError

SIMPLIFIED = (
    "2023年广州市生态环境保护工作总结\n"
    "全市细颗粒物(PM2.5)平均浓度为22微克/立方米，空气质量优良天数比率为86.8%。"
    "地表水国考断面水质优良比例达到84.6%，城市集中式饮用水水源水质达标率保持100%。\n"
)
TRADITIONAL = (
    "深圳市生態環境局2022年工作總結。"
    "細顆粒物(PM2.5)平均濃度為16微克/立方米，空氣質量優良天數比率為95.6%。"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------- plain text decoding


def test_utf8_plain_text_kept_exactly(tmp_path):
    data = SIMPLIFIED.encode("utf-8")
    doc = read_document(write(tmp_path, "000_69ad9ab762b26814.txt", data))
    assert isinstance(doc, Document)
    assert doc.text == SIMPLIFIED
    assert doc.encoding == "utf-8"
    assert doc.media_type == "text/plain"
    assert doc.name == "000_69ad9ab762b26814.txt"
    assert doc.path == tmp_path / "000_69ad9ab762b26814.txt"


def test_plain_text_is_not_normalised(tmp_path):
    text = "  标题  \n\n\t 第一段　　全角空格  保留。 \n"
    doc = read_document(write(tmp_path, "a.txt", text.encode("utf-8")))
    assert doc.text == text


def test_utf8_bom_is_stripped(tmp_path):
    doc = read_document(write(tmp_path, "bom.txt", codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")))
    assert doc.text == SIMPLIFIED
    assert doc.encoding == "utf-8-sig"
    assert not doc.text.startswith("\ufeff")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    doc = read_document(write(tmp_path, "u16.txt", bom + SIMPLIFIED.encode(codec)))
    assert doc.text == SIMPLIFIED
    assert doc.encoding == "utf-16"


def test_gbk_text_decodes_as_gb18030(tmp_path):
    doc = read_document(write(tmp_path, "gbk.txt", SIMPLIFIED.encode("gbk")))
    assert doc.text == SIMPLIFIED
    assert doc.encoding == "gb18030"


def test_gb18030_only_characters(tmp_path):
    text = "生态环境局报告：€ 与 㐀 和 𠀀 均可编码。"  # not in GBK, fine in GB18030
    doc = read_document(write(tmp_path, "gb18030.txt", text.encode("gb18030")))
    assert doc.text == text
    assert doc.encoding == "gb18030"


def test_big5_traditional_text(tmp_path):
    data = TRADITIONAL.encode("big5")
    assert data.decode("gb18030")  # the trap: it also decodes, as mojibake
    doc = read_document(write(tmp_path, "big5.txt", data))
    assert doc.text == TRADITIONAL
    assert doc.encoding in {"big5", "cp950", "big5hkscs"}


def test_gbk_text_is_not_taken_for_big5():
    simplified = "深圳市生态环境局2022年工作总结。细颗粒物(PM2.5)平均浓度为16微克/立方米，空气质量优良天数比率为95.6%。"
    data = simplified.encode("gbk")
    assert data.decode("big5")  # the trap the other way round
    assert decode(data) == (simplified, "gb18030")


def test_short_gbk_that_is_also_valid_utf8():
    # "一" in GBK is b"\xd2\xbb", which is also UTF-8 for Cyrillic "һ".
    assert decode("(一)全".encode("gbk")) == ("(一)全", "gb18030")


def test_crlf_and_cr_become_lf(tmp_path):
    doc = read_document(write(tmp_path, "crlf.txt", "第一行\r\n第二行\r第三行\n".encode()))
    assert doc.text == "第一行\n第二行\n第三行\n"


def test_non_chinese_bytes_fall_back_to_detector():
    # Not UTF-8 and not GB18030 ("\xe9 " is no GB18030 pair): charset_normalizer decides.
    text, encoding = decode("Caf\xe9 au lait, r\xe9sum\xe9 for the report.".encode("latin-1"))
    assert text.startswith("Caf\xe9 au lait, r\xe9sum\xe9")
    assert encoding not in {"gb18030", "big5", "utf-8"}


def test_sha256_of_raw_bytes(tmp_path):
    data = codecs.BOM_UTF8 + "报告\r\n".encode()
    doc = read_document(write(tmp_path, "h.txt", data))
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_document_is_frozen(tmp_path):
    doc = read_document(write(tmp_path, "f.txt", "报告".encode()))
    with pytest.raises(AttributeError):
        doc.text = "x"


# ----------------------------------------------------------------- rejections


def rejected(path) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert isinstance(info.value, KgError)
    assert info.value.path == str(path)
    return info.value


def test_empty_file(tmp_path):
    assert rejected(write(tmp_path, "empty.txt", b"")).reason == "empty file"


def test_whitespace_only_file(tmp_path):
    assert "no text" in rejected(write(tmp_path, "ws.txt", b" \r\n\t\n  ")).reason


def test_png_bytes(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    reason = rejected(write(tmp_path, "image.txt", png)).reason
    assert reason == "binary file (PNG image), not a bulletin"


@pytest.mark.parametrize(
    "data, kind",
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"), (b"PK\x03\x04\x14\x00\x06\x00", "ZIP")],
)
def test_other_magic_numbers(tmp_path, data, kind):
    reason = rejected(write(tmp_path, "x.txt", data)).reason
    assert reason.startswith("binary file") and kind in reason


def test_nul_bytes_are_binary(tmp_path):
    reason = rejected(write(tmp_path, "bin.txt", "报告".encode() + b"\x00\x01\x02abc")).reason
    assert "binary" in reason and "NUL" in reason


def test_directory(tmp_path):
    reason = rejected(tmp_path).reason
    assert reason.startswith("cannot read:") and "directory" in reason.lower()


def test_missing_path(tmp_path):
    reason = rejected(tmp_path / "nope.txt").reason
    assert reason.startswith("cannot read:") and "No such file" in reason


def test_permission_denied(tmp_path, monkeypatch):
    """Root reads anything, so the refusal the OS would give is simulated at open()."""
    path = write(tmp_path, "secret.txt", "报告".encode())
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing_open)
    assert "Permission denied" in rejected(path).reason


def test_undecodable_bytes(tmp_path):
    data = bytes(range(0x80, 0x100)) * 4  # valid in no Chinese codec, guessed by nothing
    assert rejected(write(tmp_path, "junk.txt", data)).reason.startswith("cannot decode")


def test_control_characters_are_binary(tmp_path):
    assert "binary" in rejected(write(tmp_path, "ctl.txt", bytes(range(1, 32)) * 10)).reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert rejected(fifo).reason == "cannot read: not a regular file"


@pytest.mark.parametrize("bad", [None, 3, "a\x00b.txt"])
def test_bad_path_values_raise_document_error(bad):
    with pytest.raises(DocumentError):
        read_document(bad)


def test_decode_raises_document_error_for_binary():
    with pytest.raises(DocumentError):
        decode(b"\x89PNG\r\n\x1a\n....")


# ----------------------------------------------------------------- HTML

HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>2023年广州市生态环境保护工作总结</title>
  <style>body { color: red; } .secret-style {}</style>
  <script>var leaked = "SCRIPT_TEXT_MUST_NOT_APPEAR";</script>
</head>
<body>
  <nav>首页 &gt; 政务公开 &gt; 年度计划总结</nav>
  <header>广州市生态环境局网站</header>
  <!-- a comment that must vanish -->
  <div class="content">
    <p>　　2023年，全市生态环境质量持续改善。</p>
    <p>PM2.5平均浓度为22微克/立方米，   优良天数比率&nbsp;86.8%。</p>
    <p>示例代码 &lt;script&gt; 是正文数据 &amp; 不是脚本。</p>
    <ul><li>治气</li><li>治水<br>治土</li></ul>
    <table><tr><td>指标</td><td>数值</td></tr></table>
  </div>
  <script>document.write("SCRIPT_TEXT_MUST_NOT_APPEAR")</script>
  <footer>版权所有 FOOTER_TEXT</footer>
</body>
</html>
"""


def test_html_to_text_structure():
    text = html_to_text(HTML_PAGE)
    assert text.split("\n") == [
        "2023年广州市生态环境保护工作总结",
        "2023年，全市生态环境质量持续改善。",
        "PM2.5平均浓度为22微克/立方米， 优良天数比率 86.8%。",
        "示例代码 <script> 是正文数据 & 不是脚本。",
        "治气",
        "治水",
        "治土",
        "指标 数值",
    ]


def test_html_drops_script_style_nav_comments():
    text = html_to_text(HTML_PAGE)
    for gone in ("SCRIPT_TEXT_MUST_NOT_APPEAR", "secret-style", "首页", "comment",
                 "FOOTER_TEXT", "广州市生态环境局网站"):
        assert gone not in text
    assert "<script>" in text  # the escaped one is data


def test_html_title_not_repeated_when_body_starts_with_it():
    page = "<html><head><title>年度总结</title></head><body><h1>年度总结</h1><p>正文</p></body></html>"
    assert html_to_text(page) == "年度总结\n正文"


def test_html_title_only_in_head_is_kept():
    page = "<html><head><title>某市2022年环境状况公报</title></head><body><p>正文。</p></body></html>"
    assert html_to_text(page) == "某市2022年环境状况公报\n正文。"


def test_html_line_break_between_cjk_is_not_a_space():
    assert html_to_text("<p>全市生态\n      环境质量</p>") == "全市生态环境质量"


def test_html_with_xml_declaration(tmp_path):
    page = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>公报</title></head>'
            "<body><p>水质优良。</p></body></html>")
    assert html_to_text(page) == "公报\n水质优良。"
    doc = read_document(write(tmp_path, "page.xhtml", page.encode("utf-8")))
    assert doc.text == "公报\n水质优良。"
    assert doc.media_type == "text/html"


def test_html_declared_gb2312_encoded_in_gbk(tmp_path):
    # 镕 is in GBK but not in GB2312: a strict gb2312 decode would fail.
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<title>生态环境工作总结</title></head><body><p>朱镕基路空气质量优良。</p></body></html>")
    doc = read_document(write(tmp_path, "gbk.html", page.encode("gbk")))
    assert doc.encoding == "gb18030"
    assert doc.text == "生态环境工作总结\n朱镕基路空气质量优良。"


def test_html_meta_charset_big5(tmp_path):
    page = f'<html><head><meta charset="big5"></head><body><p>{TRADITIONAL}</p></body></html>'
    doc = read_document(write(tmp_path, "b5.htm", page.encode("big5")))
    assert doc.text == TRADITIONAL
    assert doc.encoding == "big5"


def test_html_sniffed_in_txt_file(tmp_path):
    page = "  <!DOCTYPE html><html><body><p>甲</p><script>x()</script></body></html>"
    doc = read_document(write(tmp_path, "page.txt", page.encode("utf-8")))
    assert doc.media_type == "text/html"
    assert doc.text == "甲"


def test_html_sniffed_in_utf16(tmp_path):
    page = "<html><body><p>乙</p></body></html>"
    doc = read_document(write(tmp_path, "p.txt", codecs.BOM_UTF16_LE + page.encode("utf-16-le")))
    assert (doc.media_type, doc.text, doc.encoding) == ("text/html", "乙", "utf-16")


def test_html_without_text_is_rejected(tmp_path):
    page = b"<html><head><script>x()</script></head><body>  <nav>menu</nav> </body></html>"
    assert "no text" in rejected(write(tmp_path, "blank.html", page)).reason


@pytest.mark.parametrize(
    "page",
    ["", "   ", "<!-- only a comment -->", "<p>unclosed <div><b>bold", "</td></tr><<<>>>&bogus;",
     "<div>" * 5000 + "深" + "</div>" * 5000, "<p>" + "长" * 2_000_000 + "</p>"],
)
def test_html_to_text_never_crashes(page):
    assert isinstance(html_to_text(page), str)


def test_html_deep_nesting_keeps_text():
    assert "深层" in html_to_text("<div>" * 5000 + "深层" + "</div>" * 5000)


def test_plain_text_mentioning_tags_is_not_html(tmp_path):
    text = "报告说明：网页中的<p>标签不影响正文。\n"
    doc = read_document(write(tmp_path, "note.txt", text.encode("utf-8")))
    assert doc.media_type == "text/plain"
    assert doc.text == text


# ----------------------------------------------------------------- find_documents


def test_find_documents_folder(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.HTML").write_text("a")
    (tmp_path / "c.htm").write_text("c")
    (tmp_path / "notes.md").write_text("skip")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("skip")
    (tmp_path / "backup.txt~").write_text("skip")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("skip")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.shtml").write_text("d")
    (tmp_path / "sub" / "e.TEXT").write_text("e")
    found = find_documents([tmp_path])
    assert found == [tmp_path / "a.HTML", tmp_path / "b.txt", tmp_path / "c.htm",
                     tmp_path / "sub" / "d.shtml", tmp_path / "sub" / "e.TEXT"]


def test_find_documents_explicit_files_any_extension(tmp_path):
    odd = write(tmp_path, "bulletin.dat", b"x")
    hidden = write(tmp_path, ".hidden", b"x")
    folder = tmp_path / "dir"
    folder.mkdir()
    inner = write(folder, "z.txt", b"z")
    assert find_documents([str(odd), hidden, folder, inner]) == [odd, hidden, inner]


def test_find_documents_missing_path(tmp_path):
    with pytest.raises(DocumentError) as info:
        find_documents([tmp_path / "missing"])
    assert info.value.reason == "no such file or folder"


def test_find_documents_empty_folder(tmp_path):
    assert find_documents([tmp_path]) == []
