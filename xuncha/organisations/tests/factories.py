"""Small administrative trees for tests, built with correct codes and paths."""

from __future__ import annotations

from xuncha.organisations.codes import short_name
from xuncha.organisations.models import AdminUnit, Category, Level, VillageKind


def _next_number(parent: AdminUnit, start: int) -> int:
    """The lowest unused 3-digit number under ``parent``, from ``start`` on."""
    taken = {int(code[len(parent.short_code) :][:3]) for code in parent.children.values_list("code", flat=True)}
    number = start
    while number in taken:
        number += 1
    return number


def _unit(code: str, name: str, level: Level, parent: AdminUnit | None, **extra: object) -> AdminUnit:
    full = code.ljust(12, "0")
    path = (parent.path if parent else "/") + full + "/"
    unit, _created = AdminUnit.objects.get_or_create(
        code=full,
        defaults={
            "name": name,
            "short_name": short_name(name) if level == Level.VILLAGE else name,
            "level": level,
            "parent": parent,
            "path": path,
            **extra,
        },
    )
    return unit


def province(code: str = "45", name: str = "广西壮族自治区") -> AdminUnit:
    return _unit(code, name, Level.PROVINCE, None)


def city(code: str = "4503", name: str = "桂林市") -> AdminUnit:
    return _unit(code, name, Level.CITY, province(code[:2]))


def county(code: str = "450328", name: str = "龙胜各族自治县") -> AdminUnit:
    return _unit(code, name, Level.COUNTY, city(code[:4]))


def township(parent: AdminUnit, name: str | None = None, number: int | None = None) -> AdminUnit:
    number = number if number is not None else _next_number(parent, 100)
    code = parent.short_code + f"{number:03d}"
    return _unit(code, name or f"第{number}镇", Level.TOWNSHIP, parent)


def village(
    parent: AdminUnit,
    name: str | None = None,
    *,
    number: int | None = None,
    category: str = Category.GENERAL,
    kind: str = VillageKind.VILLAGE,
) -> AdminUnit:
    number = number if number is not None else _next_number(parent, 200)
    code = parent.short_code + f"{number:03d}"
    suffix = "社区居委会" if kind == VillageKind.COMMUNITY else "村委会"
    return _unit(code, name or f"第{number}{suffix}", Level.VILLAGE, parent, kind=kind, category=category)


def department(parent: AdminUnit, name: str, serial: int | None = None) -> AdminUnit:
    """A county department (县直部门) with a code of the range kept for departments."""
    from xuncha.organisations.codes import department_code

    taken = {int(code[-3:]) for code in parent.children.filter(level=Level.DEPARTMENT).values_list("code", flat=True)}
    number = serial if serial is not None else next(n for n in range(1, 1000) if n not in taken)
    return _unit(department_code(parent.code, number), name, Level.DEPARTMENT, parent)
