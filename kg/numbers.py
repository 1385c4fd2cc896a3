"""Numbers in Chinese bulletin text: parse them, normalise their units, find them with offsets.

`find_quantities` returns every numeric quantity of a text, left to right, with exact
character offsets, the value normalised (万/亿 applied unless the unit is itself in
万, as 万吨/年) and the unit normalised to a code of kg/data/units.tsv. Years, dates,
ordinals and money come back with their own codes (year, date, ordinal, yuan) so
callers can drop them; phone numbers, document numbers, section numbers and digits
inside names (PM2.5, O3, G20, 5G) are skipped.

    >>> [(q.value, q.unit, q.text) for q in find_quantities("PM2.5浓度为23微克/立方米")]
    [(23.0, 'μg/m3', '23微克/立方米')]
    >>> [(q.value, q.unit) for q in find_quantities("能力达66.66万吨/年,优良率为百分之九十")]
    [(66.66, '10kt/a'), (90.0, '%')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .text import fold_table

__all__ = ["Quantity", "find_quantities", "has_number", "normalise_unit", "parse_number"]


@dataclass(frozen=True)
class Quantity:
    """A number found in a text, with its normalised unit and its character offsets."""

    value: float  # in the unit `unit` (66.66 for 66.66万吨/年 in 10kt/a; 90 for 百分之九十)
    unit: str  # normalised unit code, "" when the number stands alone
    start: int  # offsets into the text given to find_quantities
    end: int  # end of the unit, or of the number when there is no unit
    number_end: int  # end of the number part alone (with 万/亿 when not part of the unit)
    text: str  # text[start:end]


# --- folding: one character to one character, so offsets survive -----------------

def _fold(text: str) -> str:
    """kg.text's fold, except that the full-width comma stays: it is never a thousands separator."""
    return text.translate(fold_table(keep="，"))


# --- the unit table ---------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    surface: str
    code: str
    multiplier: float
    magnitude: float  # 1e4 / 1e8 when the surface starts with 万 / 亿 (万吨/年, 万元)
    prefix: bool = False
    cn_only: bool = False
    nospace: bool = False
    month: bool = False
    not_before: str = ""


_TAG = re.compile(r"\[([a-z-]+)(?:=([^\]]*))?\]")


def _magnitude_of(surface: str) -> float:
    mag = 1.0
    for ch in surface:
        if ch == "万":
            mag *= 1e4
        elif ch == "亿":
            mag *= 1e8
        else:
            break
    return mag


@lru_cache(maxsize=1)
def _units() -> tuple[dict[str, _Unit], int]:
    """Surface (folded) -> unit, and the longest surface length; read once from units.tsv."""
    raw = (resources.files("kg") / "data" / "units.tsv").read_text(encoding="utf-8")
    table: dict[str, _Unit] = {}
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("surface\t"):
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            raise ValueError(f"units.tsv line {lineno}: need surface, code, multiplier[, note]")
        surface, code, mult = _fold(cols[0].strip()), cols[1].strip(), float(cols[2])
        tags = dict(_TAG.findall(cols[3] if len(cols) > 3 else ""))
        unit = _Unit(surface, code, mult, _magnitude_of(surface), prefix="prefix" in tags,
                     cn_only="cn" in tags, nospace="nospace" in tags, month="month" in tags,
                     not_before=tags.get("not-before", ""))
        old = table.get(surface)
        if old is not None and (old.code, old.multiplier) != (code, mult):
            raise ValueError(f"units.tsv line {lineno}: {cols[0]!r} listed twice with different codes")
        table[surface] = unit
    return table, max(len(s) for s in table)


def normalise_unit(surface: str) -> tuple[str, float] | None:
    """(code, multiplier) for a unit surface form, e.g. "微克每立方米" -> ("μg/m3", 1.0).

    A leading 万/亿 not listed in the table scales the unit: "万家" -> ("count", 10000.0).
    Returns None for an unknown form.
    """
    if not isinstance(surface, str):
        return None
    key = re.sub(r"\s+", "", _fold(surface))
    table, _ = _units()
    if key in table:
        return table[key].code, table[key].multiplier
    mag = _magnitude_of(key)
    rest = key.lstrip("万亿")
    if mag > 1 and rest in table and not table[rest].prefix:
        return table[rest].code, table[rest].multiplier * mag
    return None


# --- parsing numbers --------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_CHARS = _CN_DIGITS + "十百千万亿"
_AR = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?[万亿]?"
_AR_FULL = re.compile(rf"({_AR})([余多]?)([万亿]*)[余多]?")
_CN_FULL = re.compile(_CN)


@lru_cache(maxsize=4096)
def _cn_value(core: str) -> float | None:
    """Value of a Chinese numeral (no surrounding text), or None."""
    if not core or any(ch not in _CN_CHARS + "点" for ch in core):
        return None
    if all(ch in _CN_DIGITS for ch in core):
        digits = core.replace("两", "二")
        if len(digits) == 1 or len(digits) >= 3:  # 五, 二〇二三; 两字 "六五" is a name, not 65
            return float("".join(str("零一二三四五六七八九".index(c) if c != "〇" else 0)
                                 for c in digits))
        return None
    s = core.replace("两", "二").replace("〇", "零")
    if s[0] in "百千":
        s = "一" + s
    try:
        import cn2an  # imported lazily: it takes a tenth of a second

        return float(cn2an.cn2an(s, "strict"))
    except Exception:  # cn2an raises ValueError and others on malformed numerals
        return None


def _split_magnitude(token: str) -> tuple[str, float]:
    """"三万" -> ("三", 1e4); "五万三千" stays whole."""
    mag = 1.0
    while len(token) > 1 and token[-1] in "万亿":
        mag *= 1e4 if token[-1] == "万" else 1e8
        token = token[:-1]
    return token, mag


def parse_number(text: str) -> float | None:
    """The value of a number written in digits, Chinese numerals or a mix; None otherwise.

    "21,001" -> 21001, "２３．５" -> 23.5, "一百零五" -> 105, "1.2万" -> 12000,
    "百分之九十" -> 90, "九成" -> 90, "90%" -> 90. Never raises.
    """
    try:
        return _parse_number(text)
    except Exception:
        return None


def _parse_number(text: str) -> float | None:
    s = re.sub(r"\s+", "", _fold(text)) if isinstance(text, str) else ""
    if not s:
        return None
    if s.startswith("百分之"):
        rest = s[3:]
        return None if rest.startswith("百分之") else _parse_number(rest)
    if s.endswith("%"):
        return _parse_number(s[:-1])
    if s.endswith("成") and len(s) > 1 and s[-2] in _CN_CHARS:
        v = _parse_number(s[:-1])
        return None if v is None else v * 10
    m = _AR_FULL.fullmatch(s)
    if m:
        return float(m.group(1).replace(",", "")) * _magnitude_of(m.group(3))
    s = re.sub(r"[余多](?=[万亿]*$)", "", s)
    core, mag = _split_magnitude(s)
    v = _cn_value(core)
    return None if v is None else v * mag


# --- finding quantities -----------------------------------------------------------

_NUM = re.compile(rf"(?P<pct>百分之)|(?P<ar>{_AR})|(?P<cn>{_CN})")
_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月(?:([0-9]{1,2})[日号])?"
                   r"|([0-9]{1,2})月([0-9]{1,2})[日号]"
                   r"|([0-9]{4})([-/.])([0-9]{1,2})\7([0-9]{1,2})(?![0-9.])")
_CONNECTOR = re.compile(r" ?(?:-|~|—{1,2}|至|到) ?")
_WEB = r"(?:https?://|www\.)[\x21-\x7e]+"
_MASKS = [
    # names with digits: PM2.5, PM10, O3-8h, NO2, CO2, G20, GB3095-2012, ISO14001
    re.compile(r"[A-Za-z]+[0-9][0-9A-Za-z]*(?:[.\-][0-9A-Za-z]+)*"),
    re.compile(r"(?<![A-Za-z])(?:GB|HJ|GB/T|HJ/T|ISO)\s+[0-9]+(?:[.\-][0-9]+)*"),
    # document numbers: 粤环〔2023〕12号, [2023]12号, (2023)12号
    re.compile(r"〔\s*[0-9]{4}\s*〕\s*(?:第?\s*[0-9]+\s*号)?"),
    re.compile(r"[\[【(]\s*[0-9]{4}\s*[\]】)]\s*第?\s*[0-9]+\s*号"),
    # phone numbers: 020-83203040, (020)83203040, 0755-8888 8888
    re.compile(r"(?<![0-9.])\(?0[0-9]{2,3}\)?[-—]?[0-9]{3,4}[- ]?[0-9]{4}(?![0-9])"),
    re.compile(r"[0-9]{3,4}-[0-9]{7,8}(?![0-9])"),
    # section numbering: (一) (1) anywhere, "1." / "一、" at line start
    re.compile(r"\(\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*\)"),
    re.compile(r"(?m)^[ \t]*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[.、](?![0-9])"),
    # clock times, web and mail addresses
    re.compile(r"(?<![0-9])[0-9]{1,2}:[0-9]{2}(?![0-9])"),
    re.compile(_WEB + r"|[\w.\-]+@[\w.\-]+"),
]
#: What the address mask finds in a text without "@": the same, without trying a mail address at
#: every character (quadratic: [\w.\-]+ runs over the whole of a Chinese text before failing).
_NO_MAIL = {_MASKS[-1]: re.compile(_WEB)}
_PHONE_BEFORE = re.compile(r"(?:电话|热线|传真|邮编|手机|号码|举报|拨打|QQ|qq)[:：\s\"“”为是]*$")
_PHONE_AFTER = re.compile(r"[\s\"“”'‘’」』》]*[\u4e00-\u9fff]{0,8}热线")
_CONTEXT_BEFORE = ("为", "达", "是", "至", "到", "了", "约", "共", "计", "超过", "保持")
_SINGLE_OK = set("二两三四五六七八九十")  # single characters that may count (not 一, 百, 千, 万)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass
class _Cand:
    start: int
    number_end: int
    end: int
    number: float  # the number before any 万/亿
    mag: float  # explicit 万/亿 written with the number
    unit: _Unit | None
    value: float
    code: str
    tentative: bool = False  # a Chinese numeral accepted only as the first end of a range


def _unit_at(f: str, p: int, cn: bool, number: float) -> tuple[_Unit, int] | None:
    """The longest unit at f[p:] (after at most one space) that fits, with its end."""
    table, longest = _units()
    space = p < len(f) and f[p] == " "
    q = p + 1 if space else p
    for length in range(min(longest, len(f) - q), 0, -1):
        u = table.get(f[q:q + length])
        if u is None or u.prefix or (space and u.nospace) or (u.cn_only and not cn):
            continue
        end = q + length
        nxt = f[end] if end < len(f) else ""
        if nxt and nxt in u.not_before:
            continue
        if u.surface[-1].isascii() and u.surface[-1].isalnum() and nxt.isascii() and nxt.isalnum():
            continue  # "5km" yes, "5kmh" no
        if u.month and not (number == int(number) and 1 <= number <= 12):
            continue
        return u, end
    return None


def _read(f: str, m: re.Match, mask: bytearray) -> _Cand | None:
    """Read the number token `m` with its magnitude and unit; None when it is not a quantity."""
    s, e = m.start(), m.end()
    if mask[s]:
        return None
    before = f[s - 1] if s else ""
    if before.isascii() and before.isalpha():
        return None
    kind = m.lastgroup
    if kind == "pct":
        num = _NUM.match(f, e)
        if not num or num.lastgroup == "pct":
            return None
        v = _parse_number(num.group())
        if v is None:
            return None
        return _Cand(s, num.end(), num.end(), v, 1.0, None, v, "%")
    if before == "第":
        v = _parse_number(m.group())
        if v is None:
            return None
        return _Cand(s - 1, e, e, v, 1.0, None, v, "ordinal")
    if kind == "ar":
        d = _DATE.match(f, s)
        date = _date(d) if d else None
        if date is not None:
            return date
        number = float(m.group().replace(",", ""))
        cn, core_end = False, e
    else:
        if before and before in "几数":
            return None  # 几十个, 数十家: vague amounts
        core, _ = _split_magnitude(m.group())
        number_or_none = _cn_value(core)
        if number_or_none is None:
            return None
        number, cn, core_end = number_or_none, True, s + len(core)
    # optional 余/多, 万/亿, 余/多, then a unit; a unit surface starting with 万 wins over 万
    p = core_end
    p += f.startswith(("余", "多"), p)
    mag, mag_end, found = 1.0, core_end, _unit_at(f, p, cn, number)
    if found is None:
        q = p
        while q < len(f) and f[q] in "万亿":
            mag *= 1e4 if f[q] == "万" else 1e8
            q += 1
        if q > p:
            mag_end = q
            q += f.startswith(("余", "多"), q)
            found = _unit_at(f, q, cn, number)
    if found is not None:
        unit, end = found
        cand = _Cand(s, mag_end, end, number, mag, unit, number * mag * unit.multiplier, unit.code)
    else:
        cand = _Cand(s, mag_end, mag_end, number, mag, None, number * mag, "")
    nxt = f[cand.end] if cand.end < len(f) else ""
    if cand.unit is None:
        if nxt.isascii() and nxt.isalpha():
            return None  # 5G, 3D
        if nxt == "号":
            return None  # document and house numbers
        if kind == "ar" and _phone_like(f, s, e, m.group()):
            return None
    if cn:
        if cand.unit is not None:
            ok = len(core) > 1 or core in _SINGLE_OK
        else:
            ok = f[max(0, s - 2):s].endswith(_CONTEXT_BEFORE) and not (nxt and _is_han(nxt))
            ok = ok and (len(core) > 1 or core in _SINGLE_OK or core in "零〇一")
        cand.tentative = not ok
    return cand


def _date(d: re.Match) -> _Cand | None:
    g = d.groups()
    if g[0]:
        y, mo, day = int(g[0]), int(g[1]), int(g[2] or 0)
    elif g[3]:
        y, mo, day = 0, int(g[3]), int(g[4])
    else:
        y, mo, day = int(g[5]), int(g[7]), int(g[8])
    if not (1 <= mo <= 12 and 0 <= day <= 31):
        return None
    v = float(y * 10000 + mo * 100 + day)
    return _Cand(d.start(), d.end(), d.end(), v, 1.0, None, v, "date")


def _phone_like(f: str, s: int, e: int, digits: str) -> bool:
    if not digits.isdigit() or len(digits) < 5:
        return False
    if len(digits) == 11 and digits[0] == "1":
        return True
    return bool(_PHONE_BEFORE.search(f, max(0, s - 8), s) or _PHONE_AFTER.match(f, e))


def _range_partner(f: str, first: _Cand, mask: bytearray) -> _Cand | None:
    """The second end of a range "18～20微克/立方米" when it carries a unit."""
    c = _CONNECTOR.match(f, first.end)
    if not c:
        return None
    m = _NUM.match(f, c.end())
    if not m or m.lastgroup == "pct":
        return None
    second = _read(f, m, mask)
    if second is None or second.unit is None or second.tentative:
        return None
    return second


def _propagate(first: _Cand, second: _Cand) -> _Cand:
    """Give the first end of a range the unit (and the 万/亿) of the second."""
    unit = second.unit
    assert unit is not None
    scale = second.mag * unit.multiplier
    if first.mag == 1:
        value = first.number * scale
    else:
        value = first.number * first.mag * scale / (second.mag * unit.magnitude)
    return _Cand(first.start, first.number_end, first.number_end, first.number, first.mag,
                 unit, value, unit.code)


def has_number(text: str) -> bool:
    """Whether `text` (folded) holds anything find_quantities reads as a number: without one it finds nothing."""
    return _NUM.search(text) is not None


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity of `text`, left to right, non-overlapping, with offsets into `text`.

    Conventions: percent values are in percent (90.4 "%"; 百分之九十 and 九成 give 90 "%");
    a number without a unit of its own has unit "" (从18降至16微克/立方米 gives 18 "" and
    16 "μg/m3"), except the first end of a range (18～20微克/立方米), which takes the
    second's unit and whose text stops at its number. 2023年 -> 2023 "year" (3年 -> 3 "year");
    2023年8月15日 -> 20230815 "date", 11月1日 -> 1101 "date", 8月 -> 800 "date"; 2022-2035年
    -> two "year" quantities; 第3 -> 3 "ordinal" with text "第3"; money -> "yuan".
    """
    if not isinstance(text, str) or not text:
        return []
    f = _fold(text)
    mask = bytearray(len(f))
    mail = "@" in f
    for pattern in _MASKS:
        for m in (pattern if mail else _NO_MAIL.get(pattern, pattern)).finditer(f):
            mask[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    out: list[Quantity] = []
    pos = 0
    while (m := _NUM.search(f, pos)) is not None:
        cand = _read(f, m, mask)
        found = [cand] if cand is not None else []
        if cand is not None and cand.unit is None and cand.code == "":
            second = _range_partner(f, cand, mask)
            if second is not None:
                found = [_propagate(cand, second), second]
        if not found or found[0].tentative:
            # a rejected run of Chinese numerals may end in a number: 统一两个 -> 两个
            pos = m.start() + 1 if m.lastgroup == "cn" else m.end()
            continue
        for c in found:
            out.append(Quantity(c.value, c.code, c.start, c.end, c.number_end, text[c.start:c.end]))
        pos = found[-1].end
    return out
