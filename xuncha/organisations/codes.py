"""NBS division codes and names: normalisation shared by imports, lookups and URLs."""

from __future__ import annotations

from xuncha.organisations.models import CODE_LENGTH, LEVEL_DIGITS, Level, VillageKind

DIGITS_TO_LEVEL = {digits: level for level, digits in LEVEL_DIGITS.items()}

PROVINCE_NAMES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
}  # fmt: skip

# Committee suffixes of village-level names and what each short name keeps (龙脊村委会 → 龙脊村).
SHORT_NAME_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("村村民委员会", "村"),
    ("村民委员会", "村"),
    ("居民委员会", ""),
    ("村委会", "村"),
)
COMMUNITY_MARKERS = ("居委会", "居民委员会", "社区", "生活区")


def normalise_code(raw: str) -> str | None:
    """Return the 12-digit form of an NBS code given with 2, 4, 6, 9 or 12 digits; ``None`` if it is not one."""
    code = raw.strip()
    if not code.isascii() or not code.isdigit() or len(code) not in DIGITS_TO_LEVEL:
        return None
    return code.ljust(CODE_LENGTH, "0")


def level_of_code(raw: str) -> Level | None:
    code = raw.strip()
    if not code.isdigit():
        return None
    return DIGITS_TO_LEVEL.get(len(code))


def short_name(name: str) -> str:
    """Strip the committee suffix of a village-level name: 龙脊村委会 → 龙脊村, 城南社区居委会 → 城南社区,
    拉堡村村民委员会 → 拉堡村. One suffix is stripped, and only when what remains carries no further suffix, so
    that a short name is never shortened again."""
    for suffix, keep in SHORT_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            shortened = name[: -len(suffix)] + keep
            if any(shortened.endswith(other) for other, _keep in SHORT_NAME_SUFFIXES):
                return name
            return shortened
    return name


def kind_from_name(name: str) -> VillageKind:
    """A village committee (村委会) is a village; residents' committees and communities are communities."""
    if name.endswith(("村委会", "村")):
        return VillageKind.VILLAGE
    if any(marker in name for marker in COMMUNITY_MARKERS):
        return VillageKind.COMMUNITY
    return VillageKind.VILLAGE
