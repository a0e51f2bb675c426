"""Lineage on small hand-made networks: which changes make parentage, and cycles."""

from __future__ import annotations

from kg.analysis.lineage import lineage, to_dot, to_mermaid
from tests.analysis.test_temporal import net_of, rel


def test_people_who_defect_do_not_make_their_new_organization_a_descendant() -> None:
    net = net_of(
        rel("government", "group", "defection", "2015", "2015", kind="lineage", fact="f1"),
        rel("commander", "group", "left in defection", None, "2015", kind="left", fact="f1"),
        rel("faction", "group", "defection", "2016", "2016", kind="lineage", fact="f2"),  # no agents
    )
    assert [link.child for link in lineage(net, "group", "down")] == ["faction"]


def test_a_cycle_never_makes_an_organization_its_own_descendant() -> None:
    net = net_of(
        rel("b", "a", "split", "2014", "2014", kind="lineage", fact="f1"),
        rel("a", "b", "split", "2016", "2016", kind="lineage", fact="f2"),
    )
    assert [(link.child, link.parent) for link in lineage(net, "a", "down")] == [("b", "a")]
    assert [(link.child, link.parent) for link in lineage(net, "a", "up")] == [("a", "b")]


def test_diagrams_draw_an_edge_stated_twice_once() -> None:
    net = net_of(
        rel("b", "a", "split", None, None, kind="lineage", fact="f1"),
        rel("b", "a", "split", None, None, kind="lineage", fact="f2"),
    )
    links = lineage(net, "a", "both")
    assert len(links) == 2
    assert to_dot(links, {}).count('"b" -> "a" [label="split"]') == 1
    assert to_mermaid(links, {}).count('-->|"split"|') == 1
