"""Words that refer back to a group named before: "التنظيم", "الحركة", "الجماعة", and the
pronoun of "التابعة له".

"وتبنى التنظيم الهجوم" names no group, but the group is the nearest one named before
whose own name has the same head word (``تنظيم داعش`` for ``التنظيم``), else the nearest
armed group (``rules/names.yaml: anaphora``). The reference becomes a mention of that
group (``how: antecedent``) that relation cues can use; it is not drafted as a mention.
"""

from __future__ import annotations

from kg.extract.mentions import Hit
from kg.extract.rules import Rules
from kg.extract.text import Folded, fold, word_variants


def antecedents(doc: Folded, hits: list[Hit], types: dict[str, str], kinds: dict[str, str],
                rules: Rules) -> list[Hit]:
    """A hit for each word that refers back to a group, resolved to the group it means."""
    spec = rules.names.get("anaphora") or {}
    heads = {fold(str(word)): fold(str(head)) for word, head in (spec.get("words") or {}).items()}
    fitting = set(spec.get("kinds") or [])
    groups = sorted((h for h in hits if types.get(h.entity) == "Organization" and h.how != "adjective"),
                    key=lambda h: h.fstart)
    out = []
    for token in doc.tokens:
        forms = word_variants(token.folded, rules.clitics, {}, strip=True)
        word = next((f for f in forms if f in heads), None)
        if word is None or any(h.start < token.end and token.start < h.end for h in hits):
            continue
        before = [h for h in groups if h.fend <= token.fstart]
        head = heads[word]
        same = [h for h in before if head in doc.folded[max(0, h.fstart - len(head) - 2):h.fend]]
        armed = [h for h in before if kinds.get(h.entity) in fitting]
        chosen = (same or armed)[-1:] if (same or armed) else []
        if chosen:
            out.append(Hit(token.start, token.end, token.fstart, token.fend, (chosen[0].entity,), "antecedent",
                           f"'{token.folded}' refers back to {chosen[0].entity}"))
    return out
