"""The SME portal's demo: a programme of planned purchases across the shipped criteria
sets and twenty company profiles of varied sizes, skills and labels (most visible), so
that matching shows something real. Called by :func:`spar.services.demo.seed` once the
criteria sets are published."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from stdnum import luhn

from . import profiles, programme
from .clock import PARIS
from .principal import Principal

#: (title, criteria set, months ahead, estimate range in € HT, description)
PROGRAMME = (
    ("Papier de reprographie recyclé et écolabellisé", "fournitures-bureau", 2,
     (80_000, 120_000), "Accord-cadre de deux ans pour le papier A4 et A3 des services "
     "métropolitains, livré par palettes groupées."),
    ("Fournitures de bureau des collèges", "fournitures-bureau", 5, (150_000, 220_000),
     "Fournitures courantes (classeurs, stylos, enveloppes) des 40 collèges, livraisons "
     "regroupées par établissement."),
    ("Ordinateurs portables des agents", "equipements-informatiques", 3,
     (900_000, 1_300_000), "Renouvellement de 1 500 postes nomades, avec une part de "
     "matériel reconditionné et la reprise des anciens postes."),
    ("Postes de travail des médiathèques", "equipements-informatiques", 8,
     (200_000, 300_000), "Postes fixes pour le public des médiathèques, garantie sur site."),
    ("Nettoyage des bâtiments administratifs", "nettoyage-locaux", 1, (600_000, 800_000),
     "Nettoyage de l'hôtel de métropole et de ses annexes, en journée, produits écolabellisés."),
    ("Nettoyage des gymnases", "nettoyage-locaux", 6, (250_000, 350_000),
     "Entretien des équipements sportifs, intervention en horaires décalés limitée."),
    ("Restauration scolaire des collèges (Est)", "restauration-scolaire", 4,
     (2_000_000, 2_600_000), "Repas des collèges de l'est de la métropole, produits EGalim "
     "et bio, menus végétariens, contenants réemployables."),
    ("Portage de repas aux personnes âgées", "restauration-scolaire", 9, (400_000, 550_000),
     "Repas livrés à domicile, circuits courts, lutte contre le gaspillage."),
    ("Collecte des biodéchets (secteur Nord)", "collecte-dechets-proprete", 3,
     (1_800_000, 2_400_000), "Collecte en porte-à-porte des biodéchets, bennes à faibles "
     "émissions et silencieuses."),
    ("Nettoiement des marchés forains", "collecte-dechets-proprete", 7, (300_000, 420_000),
     "Nettoiement après marché, enlèvement des dépôts sauvages."),
    ("Réhabilitation thermique d'un collège", "travaux-rehabilitation", 5,
     (3_000_000, 4_200_000), "Isolation par l'extérieur, menuiseries, ventilation ; réemploi "
     "des matériaux et chantier d'insertion."),
    ("Rénovation d'une halle de marché", "travaux-rehabilitation", 11, (1_200_000, 1_600_000),
     "Charpente et couverture, valorisation des déchets de chantier."),
)

#: The profile given to the demo supplier (whose token is printed): a waste collector,
#: like the example offers' first firm.
SUPPLIER_PROFILE = 14

#: (name, size, département, categories, skills, standing answers, evidence, visible)
PROFILES: tuple[tuple[Any, ...], ...] = (
    ("Papeterie des Canuts", "micro", "69", ["supplies"], ["papeterie", "fournitures de bureau"],
     {"labels_papier": ["EU Ecolabel", "FSC Recyclé"], "part_recyclee_pct": 55,
      "emballages_reemployables": True, "livraisons_par_mois": 2, "part_ess_pct": 10},
     {"labels_papier": ["EU Ecolabel", "FSC Recyclé"]}, True),
    ("Bureau Vert Rhône-Alpes", "small", "38", ["supplies"], ["fournitures de bureau",
                                                             "mobilier"],
     {"labels_papier": ["NF Environnement"], "part_recyclee_pct": 35,
      "emballages_reemployables": True, "livraisons_par_mois": 4},
     {"labels_papier": ["NF Environnement"]}, True),
    ("Fournitures Générales de France", "large", "75", ["supplies"], ["fournitures de bureau"],
     {"labels_papier": ["PEFC"], "part_recyclee_pct": 15, "emballages_reemployables": False,
      "livraisons_par_mois": 8}, {}, True),
    ("Atelier Papier Solidaire", "micro", "69", ["supplies", "services"],
     ["papeterie", "entreprise adaptée", "reprographie"],
     {"labels_papier": ["Der Blaue Engel"], "part_recyclee_pct": 80, "part_ess_pct": 100,
      "livraisons_par_mois": 1}, {"labels_papier": ["Der Blaue Engel"]}, True),
    ("Numérique Reconditionné Lyonnais", "small", "69", ["supplies"],
     ["informatique", "reconditionnement", "recyclage DEEE"],
     {"labels_environnementaux": ["EPEAT Silver"], "part_reconditionnes_pct": 60,
      "garantie_ans": 3, "pieces_detachees_ans": 7, "reprise_ess": True},
     {"labels_environnementaux": ["EPEAT Silver"]}, True),
    ("InfoSystèmes Alpes", "medium", "74", ["supplies", "services"],
     ["informatique", "infogérance", "postes de travail"],
     {"labels_environnementaux": ["TCO Certified", "EPEAT Gold"], "part_reconditionnes_pct":
      20, "garantie_ans": 5, "pieces_detachees_ans": 10, "reprise_ess": False},
     {"labels_environnementaux": ["TCO Certified", "EPEAT Gold"]}, True),
    ("Distribution Informatique Nationale", "large", "92", ["supplies"], ["informatique"],
     {"labels_environnementaux": ["EPEAT Bronze"], "part_reconditionnes_pct": 0,
      "garantie_ans": 3, "pieces_detachees_ans": 5, "reprise_ess": False},
     {"labels_environnementaux": ["EPEAT Bronze"]}, True),
    ("Propreté Saône Services", "small", "69", ["services"], ["nettoyage", "bâtiments"],
     {"part_produits_ecolabel_pct": 90, "nettoyage_sans_chimie": True,
      "deplacements_equipes": "transports en commun ou vélo", "part_heures_journee_pct": 80,
      "heures_insertion": 1200}, {}, True),
    ("Net Horizon", "medium", "01", ["services"], ["nettoyage", "vitrerie"],
     {"part_produits_ecolabel_pct": 60, "nettoyage_sans_chimie": False,
      "deplacements_equipes": "véhicule électrique", "part_heures_journee_pct": 40,
      "heures_insertion": 600}, {}, True),
    ("Clean Express France", "large", "93", ["services"], ["nettoyage"],
     {"part_produits_ecolabel_pct": 30, "nettoyage_sans_chimie": False,
      "deplacements_equipes": "véhicule thermique", "part_heures_journee_pct": 10,
      "heures_insertion": 300}, {}, True),
    ("Régie de Quartier Croix-Rousse", "micro", "69", ["services"],
     ["nettoyage", "insertion", "espaces verts"],
     {"part_produits_ecolabel_pct": 75, "nettoyage_sans_chimie": True,
      "deplacements_equipes": "transports en commun ou vélo", "part_heures_journee_pct": 90,
      "heures_insertion": 3000}, {}, True),
    ("Cuisine Centrale du Beaujolais", "small", "69", ["services"],
     ["restauration collective", "circuits courts"],
     {"part_egalim_pct": 65, "part_bio_pct": 35, "part_circuits_courts_pct": 50,
      "menus_vegetariens_semaine": 2, "plan_anti_gaspillage": True,
      "contenants_reemployables": True, "heures_insertion": 800}, {}, True),
    ("Restauration Collective Rhodanienne", "medium", "69", ["services"],
     ["restauration collective", "portage de repas"],
     {"part_egalim_pct": 52, "part_bio_pct": 22, "part_circuits_courts_pct": 25,
      "menus_vegetariens_semaine": 1, "plan_anti_gaspillage": True,
      "contenants_reemployables": False, "heures_insertion": 500}, {}, True),
    ("Grands Traiteurs Associés", "large", "75", ["services"], ["restauration collective"],
     {"part_egalim_pct": 45, "part_bio_pct": 20, "part_circuits_courts_pct": 10,
      "menus_vegetariens_semaine": 1, "plan_anti_gaspillage": False,
      "contenants_reemployables": False}, {}, True),
    ("Collectes Vertes du Lyonnais", "medium", "69", ["services"],
     ["collecte des déchets", "biodéchets", "propreté urbaine"],
     {"motorisation_flotte": "bioGNV", "co2_kg_par_tonne": 11, "bruit_db": 72,
      "formation_heures_agent": 21, "heures_insertion": 2500}, {}, True),
    ("Environnement Urbain SA", "large", "13", ["services"],
     ["collecte des déchets", "propreté urbaine"],
     {"motorisation_flotte": "diesel Euro VI", "co2_kg_par_tonne": 19, "bruit_db": 78,
      "formation_heures_agent": 10, "heures_insertion": 1500}, {}, True),
    ("Bâtir Ensemble Rhône", "small", "69", ["works"],
     ["isolation", "réemploi", "chantier d'insertion"],
     {"valorisation_pct": 85, "engins_faibles_emissions_pct": 60, "heures_insertion": 2200,
      "reemploi_tonnes": 40}, {}, True),
    ("Menuiseries Durables du Pilat", "micro", "42", ["works"], ["menuiserie", "bois local"],
     {"valorisation_pct": 70, "engins_faibles_emissions_pct": 30, "heures_insertion": 500,
      "reemploi_tonnes": 8}, {}, True),
    ("Constructions Générales Nationales", "large", "92", ["works"],
     ["gros œuvre", "réhabilitation"],
     {"valorisation_pct": 60, "engins_faibles_emissions_pct": 20, "heures_insertion": 1200,
      "reemploi_tonnes": 15}, {}, False),
    ("Charpentes et Couvertures d'Auvergne", "small", "63", ["works"],
     ["charpente", "couverture"],
     {"valorisation_pct": 75, "engins_faibles_emissions_pct": 40, "heures_insertion": 450},
     {}, False),
)


def demo_siret(k: int) -> str:
    """The k-th demo SIRET: 14 digits with a valid Luhn key (an invented firm)."""
    body = f"9{k:08d}0001"
    return body + luhn.calc_check_digit(body)


def _month(now: datetime, ahead: int) -> str:
    local = now.astimezone(PARIS)
    index = local.year * 12 + local.month - 1 + ahead
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def seed(uow: Callable[[], Any], buyer: Principal, supplier: Principal | None,
         now: datetime) -> dict[str, Any]:
    """Publish the demo programme with ``buyer`` and save the demo profiles (one under
    ``supplier``'s SIRET and name, so the demo supplier sees its matches at once); a few
    firms say they are interested. What was created."""
    from .criteria_sets import list_sets

    published = {record.set_id: record.version for record in list_sets(uow())}
    items = []
    for title, set_id, ahead, (low, high), description in PROGRAMME:
        if set_id not in published:
            continue
        items.append(programme.create(uow(), buyer, {
            "title": title, "criteria_set": set_id, "version": published[set_id],
            "expected_publication": _month(now, ahead), "estimate_min": float(low),
            "estimate_max": float(high), "description": description}))
    sirets = []
    for k, (name, size, departement, categories, skills, answers, evidence, visible) in \
            enumerate(PROFILES):
        firm = Principal(None, "supplier", None, demo_siret(k), name)
        if k == SUPPLIER_PROFILE and supplier is not None:
            firm = supplier
            name = supplier.name or name
        siret = firm.siret
        profiles.save_profile(uow(), firm, {
            "name": name, "size": size, "departement": departement,
            "categories": categories, "skills": skills, "standing_answers": answers,
            "standing_evidence": evidence, "visibility": "visible" if visible else "private"})
        sirets.append((siret, name))
    # a few firms follow the first planned purchases, so the buyer sees who is interested
    for item, (siret, name) in zip(items[:2], sirets[:2]):
        programme.express_interest(uow(), Principal(None, "supplier", None, siret, name),
                                   item["id"], {"message": "Nous fournissons déjà des "
                                                           "collectivités de la région et "
                                                           "suivrons la consultation."})
    return {"programme": [item["id"] for item in items], "profiles": len(sirets)}

