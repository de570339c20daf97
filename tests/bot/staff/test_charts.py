"""The overview's SVG charts: well-formed, accessible, escaped and to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from markupsafe import Markup

from bot.staff.charts import PALETTE, funnel_chart, stacked_bar_chart
from bot.staff.overview import Funnel, WeeklySeries

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = (date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16))


def series(counts: dict[str, tuple[int, ...]], by: str = "condition") -> WeeklySeries:
    return WeeklySeries(by=by, weeks=WEEKS, categories=tuple(counts), counts=counts)


def parse(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def segments(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "segment"]


def test_the_chart_is_an_image_named_by_its_title_and_description():
    chart = stacked_bar_chart(
        series({"sciatica": (3, 0, 1), "herniated_disc": (1, 2, 0)}), "Leads by condition"
    )
    assert isinstance(chart, Markup)
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ")
    ids = root.get("aria-labelledby").split()
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert [by_id[i].tag for i in ids] == [f"{SVG}title", f"{SVG}desc"]
    assert by_id[ids[0]].text == "Leads by condition"
    desc = by_id[ids[1]].text
    assert "sciatica 4" in desc and "herniated disc 3" in desc
    assert "week of 2 Mar 2026" in desc and "week of 16 Mar 2026" in desc
    legend = [text_of(t) for g in root.iter(f"{SVG}g") for t in g.iter(f"{SVG}text")]
    assert legend == ["sciatica (4)", "herniated disc (3)"]
    assert "Leads" in [t.text for t in root.iter(f"{SVG}text")]  # the y axis label
    assert "script" not in str(chart).lower()


def test_text_is_escaped():
    chart = stacked_bar_chart(
        series({"<script>alert(1)</script>": (1, 0, 0), 'a "quoted" & odd': (0, 1, 0)}),
        "</title><script>x</script>",
    )
    assert "<script>" not in str(chart)
    root = parse(chart)  # still well-formed
    assert root.find(f"{SVG}title").text == "</title><script>x</script>"
    texts = [text_of(t) for t in root.iter(f"{SVG}text")]
    assert "<script>alert(1)</script> (1)" in texts
    assert 'a "quoted" & odd (1)' in texts
    categories = {r.get("data-category") for r in segments(root)}
    assert categories == {"<script>alert(1)</script>", 'a "quoted" & odd'}


def test_bar_heights_are_proportional_and_stacked():
    root = parse(stacked_bar_chart(series({"a": (4, 1, 0), "b": (2, 0, 3)}), "Leads"))
    rects = {(r.get("data-week"), r.get("data-category")): r for r in segments(root)}
    assert set(rects) == {("2026-03-02", "a"), ("2026-03-02", "b"), ("2026-03-09", "a"),
                          ("2026-03-16", "b")}  # fmt: skip
    height = {key: float(r.get("height")) for key, r in rects.items()}
    unit = height[("2026-03-09", "a")]
    assert unit > 0
    assert height[("2026-03-02", "a")] == pytest.approx(4 * unit)
    assert height[("2026-03-02", "b")] == pytest.approx(2 * unit)
    assert height[("2026-03-16", "b")] == pytest.approx(3 * unit)
    # b sits on top of a in the first week, and every bar stands on the same baseline
    a, b = rects[("2026-03-02", "a")], rects[("2026-03-02", "b")]
    assert float(b.get("y")) + float(b.get("height")) == pytest.approx(float(a.get("y")))
    bottoms = {
        round(float(r.get("y")) + float(r.get("height")), 2)
        for key, r in rects.items()
        if key[1] == "a" or key[0] == "2026-03-16"
    }
    assert len(bottoms) == 1
    # the week totals are printed above the bars
    assert {"6", "1", "3"} <= {t.text for t in root.iter(f"{SVG}text")}


def test_no_leads_draws_an_empty_chart():
    root = parse(stacked_bar_chart(series({"routine": (0, 0, 0)}, by="triage"), "Leads"))
    assert segments(root) == []
    assert "No leads in this period." in root.find(f"{SVG}desc").text
    empty = WeeklySeries(by="condition", weeks=(), categories=(), counts={})
    assert parse(stacked_bar_chart(empty, "Leads")).get("role") == "img"


def test_two_charts_on_one_page_have_distinct_ids():
    data = series({"a": (1, 2, 3)})
    page = f"<div>{stacked_bar_chart(data, 'One', prefix='one')}"
    page += f"{stacked_bar_chart(data, 'Two', prefix='two')}"
    page += f"{funnel_chart(Funnel(10, 5, 1), 'Three', prefix='three')}</div>"
    ids = [e.get("id") for e in ET.fromstring(page).iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and len(ids) >= 7
    fills = {r.get("fill") for r in segments(ET.fromstring(page))}
    assert fills == {"url(#one-fill-0)", "url(#two-fill-0)"}
    with pytest.raises(ValueError):
        stacked_bar_chart(data, "x", prefix='a" onload="x')


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("colour", PALETTE)
def test_colours_contrast_at_least_3_to_1_with_white(colour):
    assert 1.05 / (luminance(colour) + 0.05) >= 3


def test_categories_differ_by_pattern_too():
    root = parse(stacked_bar_chart(series({c: (1, 0, 0) for c in "abcdef"}), "Leads"))
    patterns = list(root.iter(f"{SVG}pattern"))
    assert len(patterns) == 6
    marks = [tuple(ET.tostring(child) for child in p)[1:] for p in patterns]
    assert len(set(marks)) == 6  # solid, stripes, dots, hatch, ...


def test_funnel_bars_show_count_and_share_of_conversations():
    root = parse(funnel_chart(Funnel(conversations=200, leads=50, booked=3), "Funnel"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    widths = [float(r.get("width")) for r in bars]
    assert [r.get("data-count") for r in bars] == ["200", "50", "3"]
    assert widths[1] == pytest.approx(widths[0] / 4)
    assert widths[2] == pytest.approx(widths[0] * 3 / 200)
    texts = [text_of(t) for t in root.iter(f"{SVG}text")]
    assert texts == ["Conversations", "200 (100%)", "Leads", "50 (25%)", "Booked a review",
                     "3 (1.5%)"]  # fmt: skip
    desc = root.find(f"{SVG}desc").text
    assert desc == (
        "Conversations: 200 (100% of conversations); Leads: 50 (25% of conversations); "
        "Booked a review: 3 (1.5% of conversations)."
    )
    assert root.get("role") == "img"


def test_funnel_with_no_conversations_does_not_divide_by_zero():
    root = parse(funnel_chart(Funnel(conversations=0, leads=0, booked=0), "Funnel"))
    assert [float(r.get("width")) for r in root.iter(f"{SVG}rect")] == [0, 0, 0]
    assert "%" not in "".join(root.itertext())
    # leads counted without conversations (another source): bars scale to the widest
    root = parse(funnel_chart(Funnel(conversations=0, leads=2, booked=1), "Funnel"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == 0 and widths[2] == pytest.approx(widths[1] / 2)
