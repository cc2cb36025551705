"""The workspace page without a browser: served without a key, self-contained (no CDN),
and every label it asks for exists in the translation table in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

from api.web import ENUMS, page_labels
from valueframe import model

STATIC = Path(__file__).resolve().parents[2] / "api" / "web" / "static"
TEMPLATE = Path(__file__).resolve().parents[2] / "api" / "web" / "templates" / "web"
SOURCES = sorted(STATIC.rglob("*.js")) + sorted(STATIC.rglob("*.css"))


def _boot(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="vf-boot">(.*?)</script>', html, re.S)
    assert match, "the page embeds its boot data"
    return json.loads(match.group(1))


def test_page_and_assets_are_served_without_a_key(live):
    client = live.app.test_client()
    page = client.get("/app/")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert page.headers["Cache-Control"] == "no-store"
    boot = _boot(page.get_data(as_text=True))
    assert boot["api"] == "/api/v1"
    assert set(boot["labels"]) == set(model.LOCALES)
    assert boot["samples"], "the samples a case can copy are listed"
    for asset in re.findall(r'(?:src|href)="(/app/static/[^"]+)"', page.get_data(as_text=True)):
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()
    for source in SOURCES:
        response = client.get(f"/app/static/{source.relative_to(STATIC).as_posix()}")
        assert response.status_code == 200, source
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()
    root = client.get("/")
    assert root.status_code == 302 and root.headers["Location"].endswith("/app/")
    # The API behind it still wants a key.
    assert client.get("/api/v1/cases").status_code == 401


def test_nothing_is_loaded_from_elsewhere():
    for path in [*SOURCES, *TEMPLATE.glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), path
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, path


def test_every_label_the_page_uses_exists_in_both_languages():
    labels = page_labels()
    source = "\n".join(p.read_text(encoding="utf-8") for p in STATIC.rglob("*.js"))
    literal = set(re.findall(r'"(web\.[a-z0-9_.-]+)"', source, re.I))
    literal -= {"web.item.", "web.f."}
    dynamic = {
        **{f"web.lang.{x}": 1 for x in model.LOCALES},
        **{f"web.stage.{x}.intro": 1 for x in model.STAGES},
        **{f"web.sev.{x}": 1 for x in ("error", "warning", "info")},
        **{f"web.score.{n}": 1 for n in range(1, 6)},
        **{f"web.driver_unit.{x}": 1 for x in model.DRIVER_TYPES},
        **{f"web.dist.{x}": 1 for x in model.DISTRIBUTIONS},
        **{f"web.crit.{x}": 1 for x in ("level", "linkage", "innovation", "risk", "timeliness")},
        **{f"web.doc.{x}": 1 for x in ("proposal", "briefing")},
        **{f"web.doc.{x}_hint": 1 for x in ("proposal", "briefing")},
        **{f"web.create.from_{x}": 1 for x in ("template", "sample")},
    }
    families = {"stage", "level", "dimension", "viewpoint", "csf_source", "issue_kind"}
    families |= {"value_kind", "driver", "component", "curve", "evidence", "cost_kind"}
    enum_keys = {
        f"{family}.{value}"
        for family, name in [
            ("stage", "stages"),
            ("level", "levels"),
            ("dimension", "dimensions"),
            ("viewpoint", "viewpoints"),
            ("csf_source", "csf_sources"),
            ("issue_kind", "issue_kinds"),
            ("value_kind", "value_kinds"),
            ("driver", "driver_types"),
            ("component", "working_capital_components"),
            ("curve", "curves"),
            ("evidence", "evidence"),
            ("cost_kind", "cost_kinds"),
            ("address_mode", "address_modes"),
        ]
        for value in ENUMS[name]
    }
    assert families <= {key.split(".")[0] for key in enum_keys}
    for locale, table in labels.items():
        missing = sorted((literal | set(dynamic) | enum_keys) - set(table))
        assert not missing, f"{locale} lacks {missing}"
        assert all(text.strip() for text in table.values()), locale
