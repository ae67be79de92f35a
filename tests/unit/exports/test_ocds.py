import csv
import json
from importlib.resources import files

import pytest

from spar.exports import ExportError
from spar.exports.ocds import ocds_release_package, ocid
from spar.exports.ocds_validation import ocds_problems

from . import builders


def _package(consultation, **options):
    return json.loads(b"".join(ocds_release_package(consultation, **options)))


@pytest.fixture
def package(consultation):
    return _package(consultation)


def _stats(package, lot="1"):
    release = package["releases"][0]
    return {s["measure"]: s["value"] for s in release["bids"]["statistics"]
            if s["relatedLot"] == lot}


def test_package_validates_against_the_ocds_schema(package):
    assert ocds_problems(package) == []


def test_validator_reports_a_broken_package(package):
    package["releases"][0]["bids"]["details"][0]["status"] = "winner"
    del package["publisher"]
    problems = ocds_problems(package)
    assert any(p.startswith("releases/0/bids/details/0/status: 'winner'") for p in problems)
    assert any("'publisher' is a required property" in p for p in problems)


def test_bids_statistics_count_valid_disqualified_and_abnormally_low(package):
    stats = _stats(package)
    assert stats["bids"] == 6 and stats["validBids"] == 4 and stats["disqualifiedBids"] == 2
    assert stats["abnormallyLowBids"] == 1 and stats["tendersAbnormallyLow"] == 0
    assert stats["lowestValidBidValue"] == 7000 and stats["highestValidBidValue"] == 13000
    assert stats["smeBids"] == 3


def test_an_offer_rejected_as_abnormally_low_is_counted_and_disqualified():
    lot = builders.scored_lot(reviews={"C": {"decision": "rejected", "comment": "non justifié"}})
    package = _package(builders.consultation(lots=[lot]))
    assert ocds_problems(package) == []
    stats = _stats(package)
    assert stats["tendersAbnormallyLow"] == 1 and stats["validBids"] == 3
    bids = {b["id"]: b for b in package["releases"][0]["bids"]["details"]}
    assert bids["1-C"]["status"] == "disqualified"


def test_bids_carry_status_value_and_rank(package):
    bids = {b["id"]: b for b in package["releases"][0]["bids"]["details"]}
    assert bids["1-A"]["status"] == "valid" and bids["1-A"]["rank"] == 1
    assert bids["1-A"]["value"] == {"amount": 10000.0, "currency": "EUR"}
    assert bids["1-D"]["status"] == "disqualified" and bids["1-D"]["hasRank"] is False
    assert "Note éliminatoire" in bids["1-D"]["description"]


def test_award_relates_the_winning_bid_and_lot(package):
    release = package["releases"][0]
    assert release["tag"] == ["tender", "award"]
    (award,) = release["awards"]
    assert award["relatedBids"] == ["1-A"] and award["relatedLots"] == ["1"]
    assert award["suppliers"][0]["name"] == "Papeterie Azur"
    parties = {p["id"]: p for p in release["parties"]}
    assert parties[award["suppliers"][0]["id"]]["roles"] == ["tenderer", "supplier"]


def test_lots_carry_the_award_criteria_breakdown(package):
    lots = {lot["id"]: lot for lot in package["releases"][0]["tender"]["lots"]}
    criteria = lots["1"]["awardCriteria"]["criteria"]
    weights = [n["number"] for c in criteria for n in c["numbers"] if n.get("weight")]
    assert sum(weights) == pytest.approx(100)
    env = next(c for c in criteria if c["name"] == "Performance environnementale")
    assert {"number": 7.5, "threshold": "minimumScore"} in env["numbers"]
    assert criteria[0]["type"] == "price"
    assert "2" in lots and lots["2"]["value"]["amount"] == 15000


def test_statistic_measures_are_in_the_codelist_or_our_documented_one(package):
    text = (files("spar.exports") / "ocds_schema" / "statistic.csv").read_text(encoding="utf-8")
    known = {row["Code"] for row in csv.DictReader(text.splitlines())}
    measures = {s["measure"] for s in package["releases"][0]["bids"]["statistics"]}
    assert measures - known == {"abnormallyLowBids"}


def test_ocid_uses_the_given_prefix(consultation):
    package = _package(consultation, ocid_prefix="ocds-abc123-")
    assert package["releases"][0]["ocid"] == "ocds-abc123-MET-2026-017"


def test_malformed_prefix_is_refused():
    with pytest.raises(ExportError, match="préfixe ocid invalide « OCDS 1 »"):
        ocid("REF", "OCDS 1")


def test_consultation_without_scoring_is_a_valid_tender_release():
    package = _package(builders.consultation(lots=[builders.unscored_lot()]))
    assert ocds_problems(package) == []
    release = package["releases"][0]
    assert release["tag"] == ["tender"] and "awards" not in release
    assert release["bids"] == {"statistics": [], "details": []}


def test_the_abnormally_low_count_names_the_rules_it_counts(package):
    (stat,) = [s for s in package["releases"][0]["bids"]["statistics"]
               if s["measure"] == "abnormallyLowBids" and s["relatedLot"] == "1"]
    assert "mean_ratio : prix inférieur à 0,8 × la moyenne des offres" in stat["notes"]
    assert "modèle de revue" in stat["notes"]
