"""Checking a criteria document (SPEC §2.2): the tree, its leaves' methods and
parameters, the ranking, the review rules, the 2026 environmental rule and the policy's
warnings — every problem located, and the criteria set when there is no error."""

from __future__ import annotations

from typing import Any

from ..engine.criteria import (CATEGORIES, PILLARS, CriteriaSet, Group, Leaf, LowPriceRule, Policy,
                               descendants)
from ..engine.low_price import RULES
from ..engine.methods import METHODS
from ..engine.policy import policy_checks
from .checker import Checker, kind_of
from .identity import document_sha256
from .problems import Problem
from .reading import DocPath, Located
from .spec import (ASSESSORS, FORMAT_VERSION, GROUP_KEYS, INPUT_NAME, LEAF_KEYS, MAX_ID_LENGTH,
                   MAX_TITLE_LENGTH, MAX_VERSION, POLICY_KEYS, RESERVED_INPUTS,
                   REQUIRED_TOP_KEYS, SLUG, TOP_KEYS)


def check_document(document: Any, loc: Located | None = None, file: str = "<criteria>"
                   ) -> tuple[CriteriaSet | None, list[Problem]]:
    """Validate a criteria document (SPEC §2.2); the set is None when there are errors."""
    ck = Checker(loc or Located(), file)
    doc = document
    if not ck.mapping(doc, (), TOP_KEYS, REQUIRED_TOP_KEYS):
        return None, sorted(ck.problems)
    if "spar" in doc and ck.number(doc["spar"], ("spar",), integer=True) \
            and doc["spar"] != FORMAT_VERSION:
        ck.add(("spar",), f"version de format {doc['spar']} inconnue ; seule la version "
               f"{FORMAT_VERSION} est lue")
    if "id" in doc and ck.text(doc["id"], ("id",), SLUG, "un identifiant valide (minuscules, "
                               "chiffres et tirets)") and len(doc["id"]) > MAX_ID_LENGTH:
        ck.add(("id",), f"{MAX_ID_LENGTH} caractères au plus, pas {len(doc['id'])}")
    if "version" in doc and ck.number(doc["version"], ("version",), low=1, integer=True) \
            and doc["version"] > MAX_VERSION:
        ck.add(("version",), f"doit être ≤ {MAX_VERSION}, pas {doc['version']}")
    if "title" in doc and ck.text(doc["title"], ("title",)) \
            and len(doc["title"]) > MAX_TITLE_LENGTH:
        ck.add(("title",), f"{MAX_TITLE_LENGTH} caractères au plus, pas {len(doc['title'])}")
    if "description" in doc:
        ck.text(doc["description"], ("description",))
    if "category" in doc:
        ck.enum(doc["category"], ("category",), CATEGORIES)
    if "points" in doc:
        ck.number(doc["points"], ("points",), low=0, low_open=True)
    policy = Policy()
    if "policy" in doc and ck.mapping(doc["policy"], ("policy",), POLICY_KEYS):
        good = {k: v for k, v in doc["policy"].items()
                if k in POLICY_KEYS and ck.number(v, ("policy", k), low=0, high=100)}
        policy = Policy(**good)

    inputs: dict[str, list[tuple[str, str, DocPath]]] = {}
    root = None
    if "criteria" in doc:
        raw = doc["criteria"]
        if not isinstance(raw, list) or not raw:
            ck.add(("criteria",), "une liste non vide de critères est attendue")
        else:
            children = _check_children(ck, raw, ("criteria",), "", None, True, inputs)
            if children is not None:
                root = Group(id="", label=str(doc.get("title", "")), weight=1.0, pillar=None,
                             path="", children=children)
    for name, uses in inputs.items():
        kinds = {kind for kind, _, _ in uses}
        if len(kinds) > 1:
            desc = ", ".join(f"{p} ({k})" for k, p, _ in uses)
            ck.add(uses[-1][2] + ("input",), f"la réponse « {name} » est lue de façons "
                   f"incompatibles : {desc}")

    tie_break: tuple[str, ...] = ()
    if "ranking" in doc and ck.mapping(doc["ranking"], ("ranking",), {"tie_break"}):
        tb = doc["ranking"].get("tie_break", [])
        if not isinstance(tb, list):
            ck.add(("ranking", "tie_break"), "une liste de chemins de critères est attendue")
        else:
            tie_break = tuple(tb)
            known = {n.path for n in descendants(root)} if root else None
            for k, p in enumerate(tb):
                if not isinstance(p, str):
                    ck.add(("ranking", "tie_break", k), f"un chemin de critère est attendu, "
                           f"pas {kind_of(p)}")
                elif known is not None and p not in known:
                    ck.add(("ranking", "tie_break", k), f"le critère « {p} » n'existe pas ; "
                           "chemins possibles : " + ", ".join(sorted(known)))

    low_price_input, low_rules = None, ()
    if "review" in doc:
        checked = _check_review(ck, doc["review"], inputs)
        if checked is not None:
            low_price_input, low_rules = checked

    if root is not None:
        pillars = {leaf.pillar for leaf in descendants(root) if isinstance(leaf, Leaf)}
        if "environmental" not in pillars:
            ck.add(("criteria",), "aucun critère du pilier environmental : depuis le 21 août "
                   "2026, chaque marché doit comporter au moins un critère environnemental "
                   "(Code de la commande publique, loi Climat et Résilience art. 35)")

    if any(p.severity == "error" for p in ck.problems) or root is None:
        return None, sorted(ck.problems)

    criteria = CriteriaSet(
        id=doc["id"], version=doc["version"], title=doc["title"], category=doc["category"],
        points=float(doc.get("points", 100)), root=root, policy=policy, tie_break=tie_break,
        low_price_input=low_price_input, low_price_rules=low_rules, document=doc,
        sha256=document_sha256(doc),
    )
    _policy_warnings(ck, criteria)
    return criteria, sorted(ck.problems)


def _check_node(ck: Checker, raw, path: DocPath, parent_path: str, parent_pillar: str | None,
                top: bool, inputs: dict[str, list[tuple[str, str, DocPath]]]):
    """A node of the tree, or None when it has errors (which are all recorded)."""
    if not isinstance(raw, dict):
        ck.add(path, f"un critère (objet) est attendu, pas {kind_of(raw)}")
        return None
    is_group = "criteria" in raw
    ok = ck.mapping(raw, path, GROUP_KEYS if is_group else LEAF_KEYS | _method_keys(raw),
                    ("id", "label", "weight"))
    if is_group:
        for key in ("input", "method"):
            if key in raw:
                ck.add(path + (key,), f"« {key} » n'a pas de sens sur un groupe de critères "
                       "(qui a des sous-critères)", key=True)
    nid = raw.get("id")
    ok &= "id" not in raw or ck.text(nid, path + ("id",), SLUG, "un identifiant valide "
                                     "(minuscules, chiffres et tirets)")
    ok &= "label" not in raw or ck.text(raw.get("label"), path + ("label",))
    ok &= "weight" not in raw or ck.number(raw.get("weight"), path + ("weight",), low=0,
                                           low_open=True)
    pillar = raw.get("pillar", parent_pillar)
    if "pillar" in raw:
        ok &= ck.enum(raw["pillar"], path + ("pillar",), PILLARS)
    elif top:
        ck.add(path, "un critère de premier niveau doit avoir un pilier (pillar) : "
               + ", ".join(PILLARS))
        ok = False
    elim = raw.get("eliminatory_below")
    if elim is not None or "eliminatory_below" in raw:
        ok &= ck.number(elim, path + ("eliminatory_below",), low=0, high=1)
    node_path = f"{parent_path}.{nid}" if parent_path else str(nid)
    common = dict(id=nid, label=raw.get("label"), weight=raw.get("weight"),
                  pillar=pillar, path=node_path, eliminatory_below=elim)

    if is_group:
        children_raw = raw["criteria"]
        if not isinstance(children_raw, list) or not children_raw:
            ck.add(path + ("criteria",), "une liste non vide de sous-critères est attendue")
            return None
        if len(children_raw) == 1:
            ck.add(path + ("criteria",), f"le groupe « {nid} » n'a qu'un sous-critère", "warning")
        children = _check_children(ck, children_raw, path + ("criteria",), node_path, pillar,
                                   False, inputs)
        if "help" in raw:
            ok &= ck.text(raw["help"], path + ("help",))
        if not ok or children is None:
            return None
        return Group(children=children, help=raw.get("help"), **common)

    # a leaf
    for key in ("input", "method"):
        if key not in raw:
            ck.add(path, f"clé obligatoire « {key} » manquante (un critère sans sous-critères "
                   "lit une réponse avec une méthode)")
            ok = False
    method_name = raw.get("method")
    method = None
    if "method" in raw:
        if ck.enum(method_name, path + ("method",), METHODS):
            method = METHODS[method_name]
        else:
            ok = False
    if "input" in raw:
        if ck.text(raw["input"], path + ("input",), INPUT_NAME,
                   "un nom de réponse valide (minuscules, chiffres et _)"):
            if raw["input"] in RESERVED_INPUTS:
                ck.add(path + ("input",), f"« {raw['input']} » est réservé aux colonnes des offres")
                ok = False
            elif method is not None:
                inputs.setdefault(raw["input"], []).append((method.KIND, node_path, path))
        else:
            ok = False
    for key in ("unit", "help"):
        if key in raw:
            ok &= ck.text(raw[key], path + (key,))
    if "required" in raw:
        ok &= ck.boolean(raw["required"], path + ("required",))
    if "assessed_by" in raw:
        ok &= ck.enum(raw["assessed_by"], path + ("assessed_by",), ASSESSORS)
    for key in ("minimum", "maximum"):
        if key in raw:
            ok &= ck.number(raw[key], path + (key,))
            if method is not None and method.KIND != "number":
                ck.add(path + (key,), f"« {key} » ne s'applique qu'à une réponse numérique",
                       key=True)
                ok = False
    low, high = raw.get("minimum"), raw.get("maximum")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        ck.add(path + ("minimum",), f"minimum {low:g} supérieur au maximum {high:g} : aucune "
               "offre ne pourrait être régulière")
        ok = False
    if method is None:
        return None
    if getattr(method, "CAUTION", None):
        ck.add(path + ("method",), method.CAUTION, "warning")
    params = ck.params(method.PARAMETERS, raw, path)
    if params is None:
        return None
    for name, message in _cross_checks(method, params):
        ck.add(path + (name,), message)
        ok = False
    if not ok:
        return None
    return Leaf(input=raw["input"], method=method_name, params=params, unit=raw.get("unit"),
                help=raw.get("help"), required=bool(raw.get("required", False)),
                minimum=raw.get("minimum"), maximum=raw.get("maximum"),
                assessed_by=raw.get("assessed_by", getattr(method, "ASSESSED_BY", "supplier")),
                **common)


def _cross_checks(module, params) -> list[tuple[str, str]]:
    """The problems between parameters a method or rule module finds (it may find none)."""
    check = getattr(module, "check", None)
    return check(params) if check is not None else []


def _method_keys(raw: dict) -> set[str]:
    method = METHODS.get(raw.get("method")) if isinstance(raw.get("method"), str) else None
    return {p.name for p in method.PARAMETERS} if method else set()


def _check_children(ck, children_raw, path, parent_path, parent_pillar, top, inputs):
    children, seen, ok = [], {}, True
    for k, child_raw in enumerate(children_raw):
        cid = child_raw.get("id") if isinstance(child_raw, dict) else None
        if isinstance(cid, str):
            if cid in seen:
                ck.add(path + (k, "id"), f"identifiant « {cid} » en double parmi ses voisins "
                       f"(déjà utilisé en position {seen[cid] + 1})")
                ok = False
            seen.setdefault(cid, k)
        child = _check_node(ck, child_raw, path + (k,), parent_path, parent_pillar, top, inputs)
        if child is None:
            ok = False
        else:
            children.append(child)
    return tuple(children) if ok else None


def _check_review(ck: Checker, review, inputs
                  ) -> tuple[str | None, tuple[LowPriceRule, ...]] | None:
    path = ("review",)
    if not ck.mapping(review, path, {"abnormally_low"}):
        return None
    if "abnormally_low" not in review:
        return None, ()
    raw = review["abnormally_low"]
    apath = path + ("abnormally_low",)
    items = raw if isinstance(raw, list) else [raw]
    paths = [apath + (k,) for k in range(len(items))] if isinstance(raw, list) else [apath]
    if not items:
        ck.add(apath, "la liste des règles d'offre anormalement basse est vide")
        return None
    price_input, rules, ok = None, [], True
    for item, ipath in zip(items, paths):
        rule = RULES.get(item.get("method")) if isinstance(item, dict) else None
        allowed = {"input", "method"} | ({p.name for p in rule.PARAMETERS} if rule else set())
        if not ck.mapping(item, ipath, allowed, ("input", "method")):
            ok = False
            continue
        if "method" in item and not ck.enum(item["method"], ipath + ("method",), RULES):
            ok = False
        name = item.get("input")
        if "input" in item:
            if not isinstance(name, str) or name not in inputs:
                ck.add(ipath + ("input",), f"la réponse « {name} » n'est lue par aucun critère")
                ok = False
            elif any(kind != "number" for kind, _, _ in inputs[name]):
                ck.add(ipath + ("input",), f"la réponse « {name} » n'est pas un nombre (prix)")
                ok = False
            elif price_input is not None and name != price_input:
                ck.add(ipath + ("input",), "toutes les règles doivent porter sur la même "
                       f"réponse de prix (« {price_input} »)")
                ok = False
            else:
                price_input = name
        if rule is None:
            continue
        params = ck.params(rule.PARAMETERS, item, ipath)
        if params is None:
            ok = False
            continue
        for pname, message in _cross_checks(rule, params):
            ck.add(ipath + (pname,), message)
            ok = False
        rules.append(LowPriceRule(rule.NAME, params))
    return (price_input, tuple(rules)) if ok else None


def _policy_warnings(ck: Checker, criteria: CriteriaSet) -> None:
    for check in policy_checks(criteria):
        if check.met:
            continue
        if check.bound == "minimum":
            message = (f"le pilier {check.subject} pèse {check.share * 100:.1f} %, sous le "
                       f"minimum de la politique SPAR ({check.limit:g} %)")
        else:
            message = (f"le prix pèse {check.share * 100:.1f} %, au-dessus du maximum de la "
                       f"politique SPAR ({check.limit:g} %)")
        ck.add(("policy", check.key), message, "warning")
