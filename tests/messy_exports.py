"""e-contact+ exports shaped as real ones go wrong: times on week bounds, tickets done before
they were created, done by status without a time, open by status with one, unknown status and
priority words, owners and departments missing or padded, ids exported twice, two date styles."""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HEADER = ["編號", "主旨", "部門", "負責人", "客戶名稱", "服務請求方法", "服務請求狀態", "提出時間", "首次回應時間",
          "標準完成時間", "首次承諾時間", "預計完成時間", "完成時間", "延時申請次數", "升級次數", "後送", "服務請求來源",
          "最後更新時間"]
FIRST_DAY = datetime(2024, 1, 1)  # a Monday


def write_messy_export(path: Path, rows: int, seed: int) -> Path:
    rng = random.Random(seed)

    def moment() -> datetime:
        day = FIRST_DAY + timedelta(days=rng.randint(0, 120))
        monday = day - timedelta(days=day.weekday())
        kind = rng.random()
        if kind < 0.15:
            return monday
        if kind < 0.25:
            return monday + timedelta(days=6, hours=23, minutes=59, seconds=59)
        return day + timedelta(minutes=rng.randint(0, 24 * 60 - 1))

    def text(moment_: datetime | None) -> str:
        if moment_ is None:
            return ""
        if moment_.second:
            return f"{moment_:%Y-%m-%d %H:%M:%S}"
        return rng.choice([f"{moment_:%Y-%m-%d %H:%M:%S}", f"{moment_:%Y/%m/%d %H:%M}"])

    lines = []
    for number in range(rows):
        created = moment()
        draw = rng.random()
        if draw < 0.3:
            resolved = None
        elif draw < 0.35:
            resolved = created - timedelta(hours=rng.randint(1, 30))  # done before created
        elif draw < 0.4:
            resolved = moment()
        else:
            resolved = created + timedelta(minutes=rng.choice([0, 1, 60, 4320, 28800, rng.randint(1, 57600)]))
        standard = created + timedelta(days=rng.choice([1, 3, 5])) if rng.random() < 0.7 else None
        first = (resolved if resolved and rng.random() < 0.2 else created + timedelta(days=rng.randint(0, 6))
                 ) if rng.random() < 0.8 else None
        current = (first + timedelta(days=rng.randint(0, 5)) if first and rng.random() < 0.6 else first
                   ) if rng.random() < 0.9 else None
        response = created + timedelta(minutes=rng.randint(0, 600)) if rng.random() < 0.6 else None
        updated = max(m for m in (created, resolved, current) if m) + timedelta(minutes=rng.randint(0, 100))
        lines.append([
            f"A-{rng.randint(1, rows * 4 // 5)}", f"問題 {number}",
            rng.choice(["客服一部", "客服二部", "", "Not Assigned", "技術支援部", "客服一部\u3000"]),
            rng.choice(["王小明", "李小華", "陳大同", "", "未指派", " 王小明 ", "Wang", "-", "N/A"]),
            rng.choice(["甲公司", "乙公司", ""]),
            rng.choice(["Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "緊急", "高", "低", "", "P1", "Level 9"]),
            rng.choice(["已關閉", "已結案", "處理中", "升級中", "未分配", "可結案", "待處理", "Closed", "", "重新開啟"]),
            text(created), text(response), text(standard), text(first), text(current), text(resolved),
            rng.choice(["0", "1", "2", "3", "7", "", "0"]), rng.choice(["0", "0", "1", "2", "5", "12", ""]),
            rng.choice(["是", "否", "", "Y"]), rng.choice(["電話", "Email", "網站", ""]), text(updated),
        ])
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(lines)
    return path
