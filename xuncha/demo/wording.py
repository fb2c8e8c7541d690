"""How the demo's papers write dates, sums and moments (shared by the findings and rectification stories)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def in_wan(amount: int) -> str:
    """12,345 → "1.23万元" as working papers write larger sums."""
    return f"{amount / 10000:.2f}".rstrip("0").rstrip(".") + "万元"


def aware_at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone())
