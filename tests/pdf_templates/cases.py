"""Value cases built for the document tests: a realistic base, and variants of it.

The samples in ``samples/`` are rendered too; these cases exist so the layout, injection,
pagination and omission tests do not depend on any one sample's content.
"""

from __future__ import annotations

import base64
import copy
import struct
import zlib

from valueframe.schema import load_case


def tiny_png(rgb: tuple[int, int, int] = (31, 58, 95), size: tuple[int, int] = (120, 40)) -> bytes:
    """A valid solid-colour PNG (a stand-in logo) without any imaging library."""
    width, height = size

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


BASE_ZH = {
    "title": "以库存与回款周转驱动的经营提效方案",
    "customer": {"name": "华东精工机械有限公司", "industry": "装备制造", "size": "年营收约 5 亿元"},
    "seller": {
        "name": "云衡数智科技",
        "primary_color": "#12355B",
        "accent_color": "#D7263D",
        "logo_png": base64.b64encode(tiny_png()).decode("ascii"),
    },
    "currency": "CNY",
    "locale": "zh-CN",
    "baseline": {
        "revenue": "500000000",
        "cogs": "380000000",
        "variable_costs": "320000000",
        "fixed_costs": "120000000",
        "inventory": "95000000",
        "receivables": "110000000",
        "payables": "60000000",
        "cash": "40000000",
        "cost_of_capital": "0.07",
        "carrying_cost_rate": "0.12",
    },
    "goal": {
        "statement": "三年内营业收入由 5 亿元提升至 5.5 亿元，经营性现金流转正",
        "viewpoint": "own",
        "metric": "营业收入",
        "unit": "万元",
        "baseline": "50000",
        "target": "55000",
        "deadline": "2028-12-31",
        "owner_role": "总经理",
    },
    "horizon_years": 3,
    "period_months": 12,
    "discount_rate": "0.08",
    "day_count": 365,
    "start_date": "2027-01-01",
    "stage": "present",
    "csfs": [
        {
            "id": "csf1",
            "name": "准时交付率",
            "source": "industry",
            "description": "客户按期交付承诺",
        },
        {"id": "csf2", "name": "回款周期", "source": "organisation"},
    ],
    "issues": [
        {
            "id": "i1",
            "title": "成品库存周转天数连续三个季度上升",
            "kind": "CBI",
            "csf_id": "csf1",
            "cell": {"level": "process", "dimension": "management"},
            "importance": 5,
            "hiddenness": 4,
            "trend": 4,
            "evidence": "2026 年三季度库存周转天数 91 天，较去年同期增加 14 天；"
            "销售预测与排产之间没有闭环，呆滞物料占比 8%。",
            "affected_roles": ["生产计划", "仓储"],
        },
        {
            "id": "i2",
            "title": "应收账款回款周期拉长，DSO 超过 80 天",
            "kind": "CBI",
            "csf_id": "csf2",
            "cell": {"level": "organisation", "dimension": "design"},
            "importance": 4,
            "hiddenness": 3,
            "trend": 4,
            "evidence": "销售与财务的信用政策各自为政，逾期账款无人跟进。",
            "affected_roles": ["销售", "财务"],
        },
        {
            "id": "i3",
            "title": "计划员每天手工汇总 12 张表格",
            "kind": "CPI",
            "csf_id": "csf1",
            "cell": {"level": "job", "dimension": "management"},
            "importance": 2,
            "hiddenness": 2,
            "trend": 3,
            "evidence": "访谈计划部三名计划员。",
        },
    ],
    "solution": {
        "name": "产销协同与订单到现金一体化平台",
        "level": "process",
        "description": "以需求预测驱动主生产计划，打通订单、发货、开票与回款，"
        "建立跨部门的周度产销协同例会与信用管理机制。",
        "capabilities": ["需求预测算法", "制造业订单到现金最佳实践", "行业实施方法论"],
        "addresses": [
            {"issue_id": "i1", "mode": "solve"},
            {"issue_id": "i2", "mode": "solve"},
            {"issue_id": "i3", "mode": "bypass", "rationale": "平台上线后手工汇总自然消失"},
        ],
        "constraints": ["需要财务与销售共同参与信用政策设计", "第一年需冻结主数据变更"],
        "scores": {"linkage": 4, "innovation": 3, "risk": 3, "timeliness": 4},
        "costs": [
            {"name": "软件许可与实施", "kind": "one_off", "amount": "4200000", "period": 0},
            {"name": "年度订阅与运维", "kind": "recurring", "amount": "900000", "start_period": 1},
        ],
    },
    "values": [
        {
            "id": "v1",
            "name": "降低库存周转天数",
            "kind": "financial",
            "indicator": {"name": "存货周转天数", "unit": "天", "baseline": "91", "target": "76"},
            "issue_ids": ["i1"],
            "driver": {
                "type": "working_capital",
                "component": "inventory",
                "improvement": {"low": "8", "likely": "15", "high": "20"},
            },
            "timing": {"start_period": 1, "ramp_periods": 1},
            "probability": "0.8",
            "goal_contribution": "0",
            "evidence": "benchmark",
            "assumption_ids": ["a1"],
        },
        {
            "id": "v2",
            "name": "缩短回款周期",
            "kind": "financial",
            "indicator": {
                "name": "应收账款周转天数",
                "unit": "天",
                "baseline": "80",
                "target": "68",
            },
            "issue_ids": ["i2"],
            "driver": {
                "type": "working_capital",
                "component": "receivables",
                "improvement": {"low": "6", "likely": "12", "high": "15"},
            },
            "timing": {"start_period": 1, "ramp_periods": 2},
            "probability": "0.7",
            "goal_contribution": "0",
            "evidence": "estimate",
            "assumption_ids": ["a2"],
        },
        {
            "id": "v3",
            "name": "准时交付带来的订单增长",
            "kind": "financial",
            "indicator": {"name": "准时交付率", "unit": "%", "baseline": "82", "target": "95"},
            "issue_ids": ["i1"],
            "driver": {
                "type": "revenue_uplift",
                "improvement": {"low": "10000000", "likely": "25000000", "high": "40000000"},
            },
            "timing": {"start_period": 2, "ramp_periods": 1},
            "probability": "0.6",
            "goal_contribution": "2500",
            "evidence": "estimate",
            "assumption_ids": ["a3"],
        },
        {
            "id": "v4",
            "name": "客户满意度提升",
            "kind": "non_financial",
            "indicator": {"name": "客户满意度", "unit": "分", "baseline": "78", "target": "86"},
            "issue_ids": ["i1", "i2"],
            "probability": "0.7",
            "evidence": "estimate",
        },
    ],
    "assumptions": [
        {
            "id": "a1",
            "name": "同行业标杆库存周转天数",
            "value": "70",
            "unit": "天",
            "source": "中国机械工业联合会 2025 年行业报告",
            "evidence": "benchmark",
        },
        {
            "id": "a2",
            "name": "逾期账款中可通过流程改进回收的比例",
            "value": "60",
            "unit": "%",
            "source": "与财务总监访谈",
            "evidence": "estimate",
        },
        {
            "id": "a3",
            "name": "准时交付率每提升 1 个百分点带来的订单增量",
            "value": "200",
            "unit": "万元",
            "source": "销售副总估计",
            "evidence": "estimate",
        },
    ],
    "simulation": {"trials": 2000, "seed": 7},
}

BASE_EN = {
    "title": "Order-to-cash acceleration for Northwind Distribution",
    "customer": {"name": "Northwind Distribution Ltd", "industry": "Wholesale distribution"},
    "seller": {"name": "Meridian Systems", "primary_color": "#0B3954", "accent_color": "#FF7F11"},
    "currency": "USD",
    "locale": "en",
    "baseline": {
        "revenue": "180000000",
        "cogs": "140000000",
        "variable_costs": "150000000",
        "fixed_costs": "20000000",
        "inventory": "30000000",
        "receivables": "25000000",
        "payables": "18000000",
        "cost_of_capital": "0.09",
        "carrying_cost_rate": "0.15",
    },
    "goal": {
        "statement": "Raise operating profit to USD 14M by 2028",
        "viewpoint": "own",
        "metric": "Operating profit",
        "unit": "USD M",
        "baseline": "10",
        "target": "14",
        "deadline": "2028-12-31",
        "owner_role": "CFO",
    },
    "horizon_years": 3,
    "period_months": 6,
    "discount_rate": "0.1",
    "day_count": 360,
    "start_date": "2027-04-01",
    "stage": "present",
    "csfs": [{"id": "c1", "name": "Fill rate", "source": "industry"}],
    "issues": [
        {
            "id": "k1",
            "title": "Credit holds delay 14% of orders by more than two days",
            "kind": "CBI",
            "csf_id": "c1",
            "cell": {"level": "process", "dimension": "design"},
            "importance": 5,
            "hiddenness": 5,
            "trend": 4,
            "evidence": "Order log Q3 2026: 2,310 of 16,500 orders held; median hold 2.6 days.",
            "affected_roles": ["Credit controller", "Sales ops"],
        },
        {
            "id": "k2",
            "title": "Safety stock set by rule of thumb",
            "kind": "CPI",
            "csf_id": "c1",
            "cell": {"level": "job", "dimension": "goals"},
            "importance": 3,
            "hiddenness": 4,
            "trend": 3,
            "evidence": "",
        },
    ],
    "solution": {
        "name": "Integrated credit and replenishment control tower",
        "level": "process",
        "description": "Automates credit decisions inside order entry and sets safety stock "
        "per SKU from demand variability.",
        "capabilities": ["Real-time credit scoring", "SKU-level demand sensing"],
        "addresses": [{"issue_id": "k1", "mode": "solve"}, {"issue_id": "k2", "mode": "solve"}],
        "constraints": ["ERP upgrade to 2026 release first"],
        "scores": {"linkage": 5, "innovation": 4, "risk": 2, "timeliness": 3},
        "costs": [
            {"name": "Implementation", "kind": "one_off", "amount": "1800000", "period": 0},
            {"name": "Subscription", "kind": "recurring", "amount": "400000"},
        ],
    },
    "values": [
        {
            "id": "w1",
            "name": "Faster cash collection",
            "kind": "financial",
            "indicator": {"name": "DSO", "unit": "days", "baseline": "50", "target": "42"},
            "issue_ids": ["k1"],
            "driver": {
                "type": "working_capital",
                "component": "receivables",
                "improvement": {"low": "4", "likely": "8", "high": "10"},
            },
            "timing": {"start_period": 1, "ramp_periods": 2},
            "probability": "0.8",
            "goal_contribution": "0.4",
            "evidence": "confirmed",
            "assumption_ids": ["x1"],
        },
        {
            "id": "w2",
            "name": "Fewer lost orders",
            "kind": "financial",
            "indicator": {"name": "Order cancellation rate", "unit": "%", "baseline": "3.1"},
            "issue_ids": ["k1"],
            "driver": {
                "type": "revenue_uplift",
                "improvement": {"low": "2000000", "likely": "5000000", "high": "8000000"},
            },
            "timing": {"start_period": 2, "ramp_periods": 2, "curve": "s_curve"},
            "probability": "0.6",
            "goal_contribution": "0.9",
            "evidence": "estimate",
            "assumption_ids": ["x1"],
        },
    ],
    "assumptions": [
        {
            "id": "x1",
            "name": "Share of held orders lost to competitors",
            "value": "6",
            "unit": "%",
            "source": "Sales ops survey, Oct 2026",
            "evidence": "estimate",
        }
    ],
    "simulation": {"trials": 2000, "seed": 11},
}


def case_document(base: dict) -> dict:
    return copy.deepcopy(base)


def base_case(locale: str = "zh-CN"):
    return load_case(case_document(BASE_ZH if locale == "zh-CN" else BASE_EN))


def big_document(issues: int = 50, values: int = 30) -> dict:
    """The English base case grown to ``issues`` key issues and ``values`` values, with
    long texts: the pagination case."""
    document = case_document(BASE_EN)
    cells = [
        {"level": level, "dimension": dimension}
        for level in ("organisation", "process", "job")
        for dimension in ("goals", "design", "management")
    ]
    document["issues"] = [
        {
            "id": f"k{n}",
            "title": f"Issue {n}: order hand-off number {n} loses a day between sales and "
            f"credit control at site {n % 7}",
            "kind": "CBI" if n % 3 else "CPI",
            "csf_id": "c1",
            "cell": cells[n % 9],
            "importance": 1 + n % 5,
            "hiddenness": 1 + (n * 2) % 5,
            "trend": 1 + (n * 3) % 5,
            "evidence": ("Observed in the order log and confirmed in interviews. " * 12).strip(),
            "affected_roles": ["Sales ops", "Credit controller"],
        }
        for n in range(1, issues + 1)
    ]
    document["solution"]["addresses"] = [
        {"issue_id": f"k{n}", "mode": "solve" if n % 4 else "bypass", "rationale": "Out of scope"}
        for n in range(1, issues + 1)
    ]
    document["assumptions"] = [
        {
            "id": f"x{n}",
            "name": f"Assumption {n} on the share of held orders",
            "value": str(n),
            "unit": "%",
            "source": "Sales ops survey",
            "evidence": ("estimate", "benchmark", "confirmed")[n % 3],
        }
        for n in range(1, values + 1)
    ]
    document["values"] = [
        {
            "id": f"w{n}",
            "name": f"Value {n}: fewer lost orders in region {n}",
            "kind": "financial" if n % 6 else "non_financial",
            "indicator": {"name": "Cancellation rate", "unit": "%", "baseline": "3.1"},
            "issue_ids": [f"k{n}", f"k{n + 1}"],
            "driver": None
            if n % 6 == 0
            else {
                "type": "revenue_uplift",
                "improvement": {"low": "20000", "likely": "50000", "high": "80000"},
            },
            "timing": {"start_period": 1 + n % 3, "ramp_periods": 1},
            "probability": "0.6",
            "goal_contribution": "0.01",
            "evidence": ("estimate", "benchmark", "confirmed")[n % 3],
            "assumption_ids": [f"x{n}"],
            "description": "Fewer orders are cancelled while they wait for credit release.",
        }
        for n in range(1, values + 1)
    ]
    document["horizon_years"] = 5
    document["period_months"] = 3
    document["simulation"] = {"trials": 500, "seed": 3}
    return document


def sparse_document() -> dict:
    """A case early in its life: no goal, no issues, no values, no assumptions - only a
    solution with costs. Every optional section must be left out, not printed blank."""
    document = case_document(BASE_EN)
    document["goal"] = None
    document["issues"] = []
    document["csfs"] = []
    document["values"] = []
    document["assumptions"] = []
    document["solution"]["addresses"] = []
    document["solution"]["capabilities"] = []
    document["solution"]["constraints"] = []
    document["baseline"]["inventory"] = "0"
    document["stage"] = "establish"
    return document


# Strings that would change a reportlab document if they were parsed as markup.
HOSTILE = (
    "<b>bold</b> & <i>it</i>",
    '<font color="red" size="40">big</font>',
    '<img src="http://127.0.0.1:9/x.png"/>',
    '<img src="file:///etc/passwd"/>',
    '<para><font color="[[[getattr(pow, Attacker().__name__)]]]">x</font></para>',
    '<a href="javascript:alert(1)">link</a> &amp; &lt;b&gt; &#60;',
    "]]></para><br/><seq id='x'/>",
    "ctrl\x00nul\x07bell\x1bescape\x7fdel end",
)


def hostile_document() -> dict:
    """The Chinese base case with a hostile string in every text field (each tagged with
    its field, so a test can find every one of them in the extracted text)."""
    document = case_document(BASE_ZH)
    counter = iter(range(10_000))

    def bad(field: str) -> str:
        n = next(counter)
        return f"F{n}[{field}] {HOSTILE[n % len(HOSTILE)]}"

    document["title"] = bad("title")
    for key in ("name", "industry", "size"):
        document["customer"][key] = bad(f"customer.{key}")
    document["seller"]["name"] = bad("seller.name")
    for key in ("statement", "metric", "owner_role"):
        document["goal"][key] = bad(f"goal.{key}")
    document["goal"]["unit"] = "<b>&"  # units are short (40)
    for csf in document["csfs"]:
        csf["name"] = bad("csf.name")
        csf["description"] = bad("csf.description")
    for issue in document["issues"]:
        issue["title"] = bad("issue.title")
        issue["evidence"] = bad("issue.evidence")
        issue["affected_roles"] = [bad("issue.role")]
    solution = document["solution"]
    solution["name"] = bad("solution.name")
    solution["description"] = bad("solution.description")
    solution["capabilities"] = [bad("solution.capability")]
    solution["constraints"] = [bad("solution.constraint")]
    for address in solution["addresses"]:
        address["rationale"] = bad("address.rationale")
    for cost in solution["costs"]:
        cost["name"] = bad("cost.name")
    for value in document["values"]:
        value["name"] = bad("value.name")
        value["description"] = bad("value.description")
        value["indicator"]["name"] = bad("indicator.name")
        value["indicator"]["unit"] = "<i>&"
    for assumption in document["assumptions"]:
        assumption["name"] = bad("assumption.name")
        assumption["value"] = bad("assumption.value")
        assumption["source"] = bad("assumption.source")
        assumption["unit"] = "</font>"
    return document


def multiple_irr_document() -> dict:
    """Net flows -1.00M, +2.30M, -1.32M: NPV is zero at 10% and at 20% - two IRRs."""
    document = case_document(BASE_EN)
    document["horizon_years"] = 2
    document["period_months"] = 12
    document["solution"]["costs"] = [
        {"name": "Build", "kind": "one_off", "amount": "1000000", "period": 0},
        {"name": "Decommission", "kind": "one_off", "amount": "1320000", "period": 2},
    ]
    document["values"] = [
        {
            "id": "w1",
            "name": "One-year saving",
            "kind": "financial",
            "indicator": {"name": "Cost"},
            "issue_ids": ["k1"],
            "driver": {
                "type": "cost_reduction",
                "improvement": {"low": "2300000", "likely": "2300000", "high": "2300000"},
            },
            "timing": {"start_period": 1},
            "extension": {"years": 1},
            "probability": "1",
            "goal_contribution": "0.1",
            "evidence": "confirmed",
        }
    ]
    document["assumptions"] = []
    return document
