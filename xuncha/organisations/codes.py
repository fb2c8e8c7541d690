"""NBS division codes and names: normalisation shared by imports, lookups and URLs."""

from __future__ import annotations

from xuncha.organisations.models import CODE_LENGTH, LEVEL_DIGITS, Level, VillageKind

# A department's code has twelve digits too: a code's length tells an NBS level, never a department.
DIGITS_TO_LEVEL = {digits: level for level, digits in LEVEL_DIGITS.items() if level != Level.DEPARTMENT}

# County departments (县直部门) get codes of their own that no NBS division can take: the county's six digits, then
# ``999`` where a township's three digits stand, then a serial number 001-999 (县住建局 of 450328 is 450328999001).
# NBS township numbers run from 001 to 599 (街道 001-099, 镇 100-199, 乡 200-399, others up to 599), so the township
# part 999 never names a township, and no village (whose code continues its township's) can carry it either; a
# department's code never ends in ``000``, which every township's does. Imports refuse codes in this range.
DEPARTMENT_TOWNSHIP_PART = "999"
DEPARTMENT_SERIALS = range(1, 1000)

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


def department_code(county_code: str, serial: int) -> str:
    """The code of a county's ``serial``-th department: 450328 and 1 give 450328999001."""
    if serial not in DEPARTMENT_SERIALS:
        raise ValueError(f"department serial out of range: {serial}")
    return f"{county_code[:6]}{DEPARTMENT_TOWNSHIP_PART}{serial:03d}"


def is_department_code(code: str) -> bool:
    """Whether a 12-digit code lies in the range kept for county departments (never an NBS division)."""
    return len(code) == CODE_LENGTH and code[6:9] == DEPARTMENT_TOWNSHIP_PART
