"""Reading bulletin files (plain text or HTML, any Chinese encoding) into decoded text.

`read_document` turns one file into a `Document`: the raw bytes are decoded without
mojibake (BOM, UTF-8, a declared HTML charset, GB18030 or Big5 chosen by plausibility,
then charset_normalizer), HTML is reduced to its report text, and anything that is not
a readable bulletin is refused with a `DocumentError`. Plain text is kept exactly as
decoded (bar the BOM and newline style) because downstream evidence positions are
character offsets into `Document.text`.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.errors import DocumentError

__all__ = ["Document", "read_document", "find_documents", "decode", "html_to_text"]

TEXT_PLAIN = "text/plain"
TEXT_HTML = "text/html"

#: Extensions taken from folders (files named explicitly are read whatever their name).
DOCUMENT_EXTENSIONS = frozenset({".txt", ".text", ".htm", ".html", ".shtml", ".xhtml"})
HTML_EXTENSIONS = frozenset({".htm", ".html", ".shtml", ".xhtml"})

#: Larger files are refused rather than read into memory; bulletins are far smaller.
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Document:
    """One bulletin file, decoded."""

    name: str  # file name, e.g. "000_69ad9ab762b26814.txt"
    path: Path
    text: str  # the decoded plain text; for HTML the report text
    sha256: str  # hex SHA-256 of the raw file bytes
    encoding: str  # the codec used: "utf-8", "utf-8-sig", "gb18030", "big5", "utf-16", ...
    media_type: str  # "text/plain" or "text/html"


class _Reject(Exception):
    """Internal: the bytes are not a readable bulletin; carries the user-facing reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- reading


def read_document(path: Path | str) -> Document:
    """Read and decode one bulletin; raise DocumentError (only) for anything unusable."""
    try:
        path = Path(path)
    except TypeError:
        raise DocumentError(path, "not a file path") from None
    data = _read_bytes(path)
    try:
        return _make_document(path, data)
    except _Reject as reject:
        raise DocumentError(path, reject.reason) from None
    except Exception as exc:  # defensive: bad input must only ever raise DocumentError
        raise DocumentError(path, f"cannot read: {type(exc).__name__}: {exc}") from None


def _read_bytes(path: Path) -> bytes:
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, os.strerror(21))
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError(path, "cannot read: not a regular file")
        if info.st_size > MAX_BYTES:
            raise DocumentError(
                path, f"file too large ({info.st_size // 2**20} MiB; limit {MAX_BYTES // 2**20} MiB)"
            )
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DocumentError(path, f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        raise DocumentError(path, f"cannot read: {exc}") from None


def _make_document(path: Path, data: bytes) -> Document:
    if not data:
        raise _Reject("empty file")
    digest = hashlib.sha256(data).hexdigest()
    html_hint = path.suffix.lower() in HTML_EXTENSIONS or _looks_like_html(
        data[:8192].decode("latin-1")
    )
    declared = _declared_charset(data) if html_hint else None
    text, encoding = _decode(data, declared)
    is_html = html_hint or _looks_like_html(text[:8192])
    if is_html:
        body = html_to_text(text)
        if not body.strip():
            raise _Reject("no text (HTML without visible text)")
        text = body
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise _Reject("no text (only whitespace)")
    return Document(
        name=path.name,
        path=path,
        text=text,
        sha256=digest,
        encoding=encoding,
        media_type=TEXT_HTML if is_html else TEXT_PLAIN,
    )


# --------------------------------------------------------------------------- finding


def find_documents(paths: Iterable[Path | str]) -> list[Path]:
    """Expand files and folders into bulletin files.

    Files named explicitly are kept whatever their extension. Folders are walked
    recursively (sorted by path; hidden files/folders and names ending in ~ skipped)
    for files ending in .txt, .text, .htm, .html, .shtml or .xhtml. Duplicates are
    dropped, keeping the first. A missing path raises DocumentError.
    """
    found: list[Path] = []
    seen: set[Path] = set()

    def add(candidate: Path) -> None:
        key = Path(os.path.realpath(candidate))
        if key not in seen:
            seen.add(key)
            found.append(candidate)

    for raw in paths:
        try:
            path = Path(raw)
        except TypeError:
            raise DocumentError(raw, "not a file path") from None
        if not os.path.exists(path):
            raise DocumentError(path, "no such file or folder")
        if path.is_dir():
            for candidate in _walk_folder(path):
                add(candidate)
        else:
            add(path)
    return found


def _walk_folder(folder: Path) -> list[Path]:
    files: list[Path] = []
    visited: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = os.stat(current)
            if (info.st_dev, info.st_ino) in visited:  # symlink loop
                continue
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(current) as entries:
                entries = list(entries)
        except OSError as exc:
            raise DocumentError(current, f"cannot read folder: {exc.strerror or exc}") from None
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.endswith("~"):
                continue
            try:
                if entry.is_dir():
                    stack.append(Path(entry.path))
                elif entry.is_file() and os.path.splitext(name)[1].lower() in DOCUMENT_EXTENSIONS:
                    files.append(Path(entry.path))
            except OSError:
                continue
    files.sort(key=lambda p: p.relative_to(folder).parts)
    return files


# --------------------------------------------------------------------------- decoding

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"PK\x07\x08", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x7fELF", "ELF executable"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"SQLite format 3\x00", "SQLite database"),
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_GB_LABELS = frozenset(
    {"gb2312", "gbk", "cp936", "ms936", "windows-936", "x-gbk", "euc-cn", "euccn", "gb_2312-80",
     "csgb2312", "chinese", "gb18030", "iso-ir-58", "csiso58gb231280", "hz", "hz-gb-2312"}
)
_BIG5_LABELS = frozenset({"big5", "x-big5", "big5-tw", "csbig5", "cn-big5", "cp950", "ms950"})
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")
_LATIN1_LABELS = frozenset({"latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "us-ascii", "ascii"})

#: gb18030 text scoring at least this is accepted without trying Big5.
_CONFIDENT = 0.9


def decode(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode bulletin bytes to (text, encoding name); raise DocumentError if impossible.

    Order: BOM, strict UTF-8 (unless it reads as garbage where GB18030 reads as clean
    Chinese, as happens for a few GBK characters), the `declared` charset (an HTML meta/XML label) if it
    decodes strictly and is not clearly worse than a Chinese reading, GB18030 and the
    Big5 family compared by plausibility, then charset_normalizer's guess. GB2312/GBK
    are always decoded as GB18030. A leading BOM is removed; nothing else is changed.
    """
    try:
        return _decode(data, declared)
    except _Reject as reject:
        raise DocumentError("<bytes>", reject.reason) from None


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    if not data:
        return "", "utf-8"
    _reject_binary_magic(data)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _Reject(f"cannot decode: invalid {codec.upper()} ({exc.reason})") from None
            return _checked(text), codec
    if b"\x00" in data:
        raise _Reject("binary file (contains NUL bytes), not a bulletin")
    text = _try(data, "utf-8")
    if text is not None:
        # A few GBK characters can form valid UTF-8 ("一" is b"\xd2\xbb", UTF-8 for "һ"):
        # only when the UTF-8 reading is garbage and GB18030 reads clean Chinese, take that.
        if _plausibility(text) < 0:
            gb = _try(data, "gb18030")
            if gb is not None and _plausibility(gb) >= _CONFIDENT:
                return _checked(gb), "gb18030"
        return _checked(text), "utf-8"

    declared_codecs = _declared_codecs(declared)
    for codec in declared_codecs:
        text = _try(data, codec)
        if text is None:
            continue
        if _plausibility(text) >= 0.5:
            return _checked(text), codec
        best = _best_chinese(data, use_detector=False)
        if best is not None and best[2] >= _CONFIDENT:
            return _checked(best[0]), best[1]
        return _checked(text), codec

    best = _best_chinese(data, use_detector=True)
    if best is None:
        raise _Reject("cannot decode: not UTF-8, GB18030, Big5 or any detectable encoding")
    return _checked(best[0]), best[1]


def _best_chinese(data: bytes, *, use_detector: bool) -> tuple[str, str, float] | None:
    """The most plausible of GB18030, the Big5 family and (optionally) charset_normalizer."""
    candidates: list[tuple[str, str, float]] = []
    text = _try(data, "gb18030")
    if text is not None:
        score = _plausibility(text)
        if score >= _CONFIDENT:
            return text, "gb18030", score
        candidates.append((text, "gb18030", score))
    for codec in _BIG5_FAMILY:
        text = _try(data, codec)
        if text is not None:
            candidates.append((text, codec, _plausibility(text)))
            break
    best = max(candidates, key=lambda c: c[2], default=None)  # ties: earlier wins
    if use_detector and (best is None or best[2] < _CONFIDENT):
        guess = _detect(data)
        if guess is not None:
            candidates.append((guess[0], guess[1], _plausibility(guess[0])))
            best = max(candidates, key=lambda c: c[2])
    return best


def _detect(data: bytes) -> tuple[str, str] | None:
    """charset_normalizer's best guess, with GB2312/GBK read as GB18030."""
    try:
        from charset_normalizer import from_bytes

        match = from_bytes(data).best()
    except Exception:  # the detector is a heuristic; never let it crash a read
        return None
    if match is None or not match.encoding:
        return None
    codec = _codec_name(match.encoding)
    if codec is None or codec.startswith(("utf-16", "utf-32")):
        return None
    if codec in {"gb2312", "gbk", "hz"}:
        text = _try(data, "gb18030")
        if text is not None:
            return text, "gb18030"
    text = _try(data, codec)
    return (text, codec) if text is not None else None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _codec_name(label: str) -> str | None:
    try:
        info = codecs.lookup(label.strip().lower())
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _declared_codecs(declared: str | None) -> tuple[str, ...]:
    """Codecs to try for a declared charset label ((), if unusable)."""
    if not declared:
        return ()
    label = declared.strip().strip("'\"").lower()
    if label in _GB_LABELS:
        return ("gb18030",)
    if label in _BIG5_LABELS:
        return _BIG5_FAMILY
    if label in {"big5-hkscs", "big5hkscs"}:
        return ("big5hkscs",)
    if label in _LATIN1_LABELS:  # as browsers do
        return ("cp1252",)
    codec = _codec_name(label)
    if codec is None or codec.startswith(("utf-8", "utf-16", "utf-32")):
        return ()  # UTF-8 was already tried; a UTF-16 label in ASCII-readable bytes is wrong
    if codec in {"gb2312", "gbk", "hz"}:
        return ("gb18030",)
    return (codec,)


def _reject_binary_magic(data: bytes) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise _Reject(f"binary file ({kind}), not a bulletin")
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise _Reject("binary file (WebP image), not a bulletin")
    if data.startswith(b"{\\rtf"):
        raise _Reject("RTF document, not a bulletin: convert it to plain text or HTML first")


_BAD_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x7f-\x84\x86-\x9f]")


def _checked(text: str) -> str:
    """Drop a leading BOM; refuse decoded text that is really binary (NULs, controls)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise _Reject("binary file (contains NUL characters), not a bulletin")
    sample = text[:65536]
    controls = len(_BAD_CONTROLS.findall(sample))
    if controls >= 4 and controls > len(sample) // 100:
        raise _Reject("binary file (control characters), not a bulletin")
    return text


# --------------------------------------------------------------------------- plausibility


def _row(leads: Iterable[int], trails: Iterable[int], codec: str) -> set[str]:
    chars: set[str] = set()
    trails = list(trails)
    for lead in leads:
        for trail in trails:
            try:
                chars.add(bytes((lead, trail)).decode(codec))
            except UnicodeDecodeError:
                pass
    return chars


_COMMON_PUNCT = (
    "，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕—…·～－＋＝／．％×÷±°℃‰№　"
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
    "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"
)


@lru_cache(maxsize=1)
def _char_classes() -> tuple[frozenset[str], frozenset[str]]:
    """(common, uncommon) characters: level-1 vs level-2 hanzi of GB2312 and Big5."""
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    common = _row(range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312")  # GB2312 level 1
    common |= _row(range(0xA4, 0xC6), big5_trails, "big5")  # Big5 level 1: A440-C67E
    common |= _row((0xC6,), range(0x40, 0x7F), "big5")
    common |= set(_COMMON_PUNCT)
    common |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width ASCII
    uncommon = _row(range(0xD8, 0xF8), range(0xA1, 0xFF), "gb2312")  # GB2312 level 2
    uncommon |= _row(range(0xC9, 0xFA), big5_trails, "big5")  # Big5 level 2
    return frozenset(common), frozenset(uncommon - common)


def _neutral(char: str) -> bool:
    code = ord(char)
    return (
        0xA0 <= code <= 0x24F  # Latin-1 supplement and Latin extended
        or 0x2010 <= code <= 0x205E  # general punctuation
        or 0x2100 <= code <= 0x218F  # letterlike symbols, number forms
        or 0x2190 <= code <= 0x22FF  # arrows, mathematical operators (≤, ≥)
        or 0x3380 <= code <= 0x33DF  # CJK squared units (㎡, ㎎)
        or char in "μµ"
    )


def _plausibility(text: str, limit: int = 200_000) -> float:
    """How much `text` looks like correctly decoded Chinese, from -1 (garbage) to 1.

    Each non-ASCII character counts +1 if a common hanzi (GB2312 or Big5 level 1) or
    common CJK punctuation, 0 if a rarer hanzi or neutral symbol, -1 otherwise (kana,
    bopomofo, private use, box drawing, rare extension hanzi...): mis-decoding GBK as
    Big5 or Big5 as GB18030 yields many of the latter. Text without non-ASCII scores 1.
    """
    common, uncommon = _char_classes()
    good = bad = total = 0
    for char in text[:limit]:
        if char < "\x80":
            continue
        total += 1
        if char in common:
            good += 1
        elif char in uncommon or _neutral(char):
            continue
        else:
            bad += 1
    return 1.0 if total == 0 else (good - bad) / total


# --------------------------------------------------------------------------- HTML

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>/])", re.I | re.S
)
_HTML_EARLY_TAG = re.compile(r"<(?:body|head)[\s>]", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.I)


def _looks_like_html(head: str) -> bool:
    head = head.lstrip("\ufeff\xef\xbb\xbf")
    return bool(_HTML_START.match(head[:4096]) or _HTML_EARLY_TAG.search(head[:8192]))


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML file declares (meta charset, http-equiv or XML declaration)."""
    head = data[:16384]
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii").lower() if match else None


_DROP = frozenset(
    {"script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside",
     "form", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "canvas",
     "audio", "video", "map", "select", "button", "textarea", "datalist", "dialog"}
)
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
     "tr", "table", "thead", "tbody", "tfoot", "caption", "section", "article", "main",
     "title", "blockquote", "pre", "address", "figure", "figcaption", "hr", "center",
     "fieldset", "legend", "details", "summary", "body", "html", "hgroup", "menu", "option"}
)
_CELLS = frozenset({"td", "th"})
_CJK = "\u2e80-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
# A line break between two CJK characters is no space (CSS Text 3 segment-break rule).
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def html_to_text(html: str) -> str:
    """The report text of an HTML page: one line per block, boilerplate removed.

    Scripts, styles, navigation, headers/footers, forms and comments are dropped;
    block elements become line breaks; entities are decoded; spaces are collapsed
    within lines and empty lines dropped. The <title> comes first unless the body
    already starts with it. Malformed HTML is tolerated; an empty page gives "".
    """
    from lxml import etree
    from lxml import html as lxml_html

    if not html or not html.strip():
        return ""
    parser = lxml_html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True, no_network=True
    )
    try:
        # Bytes with an explicit encoding: lxml refuses str with an XML encoding declaration,
        # and a stale <meta charset> must not re-decode the already decoded text.
        root = lxml_html.document_fromstring(html.encode("utf-8", "replace"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or any(e.level_name == "FATAL" for e in parser.error_log):
        # libxml2 gave up (e.g. nesting deeper than it allows): strip tags by pattern.
        return _crude_html_to_text(html)

    title = ""
    title_el = root.find(".//title")
    if title_el is not None:
        title = _SPACES.sub(" ", _INVISIBLE.sub("", "".join(title_el.itertext()))).strip()

    parts: list[str] = []
    in_pre = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if event == "start":
            if tag is None or tag in _DROP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                parts.append("\n")
            elif tag in _CELLS:
                parts.append(" ")
            if tag == "pre":
                in_pre += 1
            if element.text:
                parts.append(_inline(element.text, in_pre))
        else:
            if tag is not None and tag not in _DROP:
                if tag == "pre":
                    in_pre -= 1
                if tag in _BLOCK:
                    parts.append("\n")
                elif tag in _CELLS:
                    parts.append(" ")
            if element.tail and element is not root:
                parts.append(_inline(element.tail, in_pre))

    return _finish_lines("".join(parts), title)


def _finish_lines(text: str, title: str) -> str:
    text = _INVISIBLE.sub("", text)
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if title and not "\n".join(lines).startswith(title):
        lines.insert(0, title)
    return "\n".join(lines)


_CRUDE_DROP = re.compile(
    r"<(script|style|noscript|template|head|nav|header|footer|aside|form|iframe)\b.*?</\1\s*>"
    r"|<!--.*?(?:-->|$)|<\?.*?>",
    re.I | re.S,
)
_CRUDE_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_CRUDE_BLOCK = re.compile(
    r"</?(?:p|div|br|li|h[1-6]|tr|table|section|article|main|title|pre|ul|ol|dt|dd|hr|body)\b[^>]*>",
    re.I,
)
_CRUDE_TAG = re.compile(r"<[^>]*>")


def _crude_html_to_text(html: str) -> str:
    """Fallback for pages lxml cannot parse: pattern-based tag stripping."""
    import html as html_lib

    title_match = _CRUDE_TITLE.search(html)
    title = ""
    if title_match:
        title = _SPACES.sub(" ", html_lib.unescape(_CRUDE_TAG.sub("", title_match.group(1)))).strip()
    text = _CRUDE_DROP.sub(" ", html)
    text = _CRUDE_BLOCK.sub("\n", text)
    text = _CRUDE_TAG.sub("", text)
    text = "\n".join(_SPACES.sub(" ", line) for line in text.split("\n"))
    return _finish_lines(html_lib.unescape(text), _INVISIBLE.sub("", title))


def _inline(text: str, in_pre: int) -> str:
    """Source text of an element: whitespace collapses to one space, except in <pre>."""
    if in_pre:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPACES.sub(" ", _CJK_BREAK.sub("", text))
