"""The directory planned as plain dicts from a seeded generator: organisations, then people."""

from __future__ import annotations

import random
import re

from .names import (
    FAMILY_EN,
    FAMILY_FR,
    FEDERAL,
    GIVEN_EN,
    GIVEN_FR,
    HONORIFICS,
    JURISDICTIONS,
    NICKNAMES,
    PLACES,
    PREDECESSORS,
    TITLES,
    TOPICS,
    fold_ascii,
    initials,
    weighted,
)


def plan_organisations(rng: random.Random, count: int) -> list[dict]:
    """``count`` organisations as dicts; ``parent``/``successor`` are indexes of earlier entries."""
    top: list[dict] = []
    for name, acronym, alias in FEDERAL:
        top.append({"name": name, "acronym": acronym, "aliases": [alias] if alias else [], "kind": "federal"})
    for english, _french, code, language in JURISDICTIONS:
        for topic, ministere in TOPICS:
            if language == "fr":
                top.append({"name": f"Ministère {ministere}", "kind": "provincial", "jurisdiction": english})
            else:
                aliases = [f"Ministère {ministere}"] if language == "both" else []
                top.append(
                    {"name": f"Department of {topic}", "kind": "provincial", "jurisdiction": english,
                     "aliases": aliases, "acronym": f"{initials('Department of ' + topic)}-{code}"}
                )  # fmt: skip
    generated = []
    for place in PLACES:
        french = not re.search(r"[A-Z][a-z]+ [A-Z]|^(Halifax|Toronto|Vancouver|Calgary|Regina)$", place)
        generated += [
            {"name": f"{'Ville de' if french else 'City of'} {place}", "kind": "municipal"},
            {"name": f"{'Municipalité de' if french else 'Town of'} {place}-Est", "kind": "municipal"},
            {"name": f"{'Chambre de commerce de' if french else 'Chamber of Commerce of'} {place}", "kind": "non-profit"},
            {"name": f"Société culturelle de {place}", "kind": "non-profit"},
            {"name": f"Société d'histoire de {place}", "kind": "non-profit"},
            {"name": f"Société de développement de {place}", "kind": "non-profit", "acronym": f"SD{initials(place)}"},
            {"name": f"{place} Regional Service Commission", "kind": "municipal", "aliases": [f"Commission de services régionaux de {place}"]},
            {"name": f"Centre de services scolaire de {place}", "kind": "provincial"},
            {"name": f"Cégep de {place}", "kind": "academic"},
            {"name": f"Bibliothèque publique de {place}", "kind": "municipal"},
            {"name": f"{place} Public Library", "kind": "municipal"},
            {"name": f"Coopérative de {place}", "kind": "private"},
        ]  # fmt: skip
    for english, french, code, _language in JURISDICTIONS:
        for body, kind in (
            ("Liquor Corporation", "crown corporation"), ("Lotteries Commission", "crown corporation"),
            ("Housing Corporation", "crown corporation"), ("Legal Aid Commission", "agency"),
            ("Securities Commission", "agency"), ("Workers' Compensation Board", "agency"),
            ("Research and Innovation Foundation", "agency"), ("Arts Council", "agency"),
            ("Human Rights Commission", "agency"), ("Ombud", "agency"),
        ):  # fmt: skip
            generated.append(
                {"name": f"{english} {body}", "kind": kind, "acronym": f"{code}{initials(body)}"}
            )
        generated.append({"name": f"Conseil économique du {french}", "kind": "non-profit"})
        generated.append({"name": f"Fédération des jeunes francophones du {french}", "kind": "non-profit"})
    for family in rng.sample(FAMILY_FR + FAMILY_EN, 120):
        generated.append({"name": f"{family} & Associates", "kind": "private"})
        generated.append({"name": f"Groupe {family} inc.", "kind": "private"})
    rng.shuffle(generated)

    divisions = ["Policy and Planning Branch", "Corporate Services", "Communications", "Human Resources",
                 "Information Management and Technology", "Finance and Administration", "Legal Services",
                 "Direction des communications", "Direction des ressources humaines", "Secrétariat général",
                 "Service des technologies de l'information", "Direction de la planification stratégique"]  # fmt: skip
    n_divisions, n_predecessors = count // 5, count // 12
    n_top = count - n_divisions - n_predecessors
    plan = (top + generated)[:n_top]
    while len(plan) < n_top:  # a small pool for a large count: numbered regional offices
        plan.append({"name": f"Regional Office {len(plan)}", "kind": "agency"})
    taken = set()
    for entry in plan:
        entry.setdefault("aliases", [])
        acronym = entry.get("acronym")
        entry["acronym"] = acronym if acronym and acronym not in taken else None
        taken.add(entry["acronym"])
    by_name = {entry["name"]: index for index, entry in enumerate(plan)}
    parents = [
        i for i, e in enumerate(plan) if e["kind"] in ("federal", "provincial") and "Centre" not in e["name"]
    ]
    for number in range(n_divisions):
        parent = parents[number % len(parents)]
        branch = divisions[(number // len(parents) + parent) % len(divisions)]
        owner = plan[parent]["acronym"] or plan[parent]["name"]
        plan.append(
            {"name": f"{branch} ({owner})", "kind": plan[parent]["kind"], "parent": parent, "aliases": []}
        )
    for name, acronym, successor in PREDECESSORS:
        if successor in by_name:
            by_name[name] = len(plan)
            plan.append(
                {
                    "name": name,
                    "acronym": acronym,
                    "kind": "federal",
                    "successor": by_name[successor],
                    "aliases": [],
                }
            )
    renamed = [i for i, e in enumerate(plan[:n_top]) if e["name"].startswith("Department of ")]
    while len(plan) < count:  # departments renamed when portfolios were regrouped
        successor = renamed[len(plan) % len(renamed)]
        old = plan[successor]["name"] + rng.choice(
            [" and Wellness", " and Labour", " and Culture", " and Sport", " and Energy"]
        )
        if any(e["name"] == old for e in plan[-60:]):
            old += f" ({1990 + len(plan) % 30})"
        plan.append({"name": old, "kind": "provincial", "successor": successor, "aliases": [],
                     "jurisdiction": plan[successor].get("jurisdiction")})  # fmt: skip
    for entry in plan:  # names that are the same once accents and case go: for the duplicates review
        entry.setdefault("acronym", None)
    for index in rng.sample(range(n_top), 15):
        copy = dict(plan[index], name=fold_ascii(plan[index]["name"]).upper(), acronym=None, aliases=[])
        copy.pop("parent", None), copy.pop("successor", None)
        plan[-(index % 50) - 1] = copy  # replaces a renamed-department entry near the end
    return plan[:count]


def plan_people(rng: random.Random, count: int, organisations: list[dict]) -> list[dict]:
    """``count`` people as dicts; ``organisation`` is an index into ``organisations`` or None."""
    given_pool = GIVEN_FR + GIVEN_EN
    family_pool = FAMILY_FR + FAMILY_EN
    given_weights = weighted(rng, given_pool, 0.5)
    family_weights = weighted(rng, family_pool, 0.3)
    org_weights = weighted(rng, organisations, 0.7)
    size = {"federal": 4, "provincial": 3, "crown corporation": 3, "agency": 2, "academic": 2, "municipal": 1}
    org_weights = [w * size.get(o["kind"], 0.5) for w, o in zip(org_weights, organisations, strict=True)]
    index_of = {entry["name"]: i for i, entry in enumerate(organisations)}
    top = max(org_weights)
    for name, share in (("Service New Brunswick", 1.0), ("Canada Customs and Revenue Agency", 0.3)):
        if name in index_of:  # SNB among the largest; the CCRA's people kept their old organisation
            org_weights[index_of[name]] = top * share
    emails: set[str] = set()
    people: list[dict] = []

    def person(given: str, family: str, organisation: int | None, **extra: object) -> dict:
        entry = {"given_name": given, "family_name": family, "organisation": organisation, "aliases": [],
                 "honorific": None, "job_title": None, "email": None}  # fmt: skip
        entry.update(extra)
        return entry

    snb, ccra = index_of.get("Service New Brunswick"), index_of.get("Canada Customs and Revenue Agency")
    planted = [  # the demo's people and their near-duplicates, Hélène Côté in several spellings
        person("Mike", "McKendy", snb, job_title="Vice President, Operations", aliases=["Michael McKendy"]),
        person("M.", "McKendy", snb), person("Michael", "McKendy", ccra),
        person("Brian", "Nussey", snb), person("Cary", "O'Brien", ccra),
        person("Hélène", "Côté", snb, email="helene.cote@snb.ca"), person("Helene", "Cote", None, email="helene.cote@snb.ca"),
        person("Hélène", "Côté-Bélanger", ccra, aliases=["Hélène Bélanger"]), person("H.", "Côté", None),
    ]  # fmt: skip
    for given in ("Brian", "Brian", "Brian", "Brianne", "Bryan"):
        planted.append(person(given, rng.choice(family_pool), snb))
    people.extend(planted)
    while len(people) < count:
        if rng.random() < 0.55:
            given = rng.choices(given_pool, given_weights)[0]
        else:  # French and English names mixed, as in New Brunswick
            given = rng.choice(GIVEN_FR if rng.random() < 0.5 else GIVEN_EN)
        family = rng.choices(family_pool, family_weights)[0]
        if rng.random() < 0.04:
            family = f"{family}-{rng.choice(family_pool)}"
        aliases = []
        if given in NICKNAMES and rng.random() < 0.4:
            aliases.append(f"{NICKNAMES[given]} {family}")
        if rng.random() < 0.05:  # a former family name
            aliases.append(f"{given} {rng.choice(family_pool)}")
        shown = given
        if rng.random() < 0.02:  # known by an initial: "M. McKendy", "J.-P. Cormier"
            shown = "-".join(part[0] + "." for part in given.split("-"))
        organisation = rng.choices(range(len(organisations)), org_weights)[0] if rng.random() < 0.9 else None
        email = None
        if rng.random() < 0.6:
            acronym = organisations[organisation]["acronym"] if organisation is not None else None
            domain = re.sub(r"[^a-z0-9]", "", fold_ascii(acronym or "gnb").lower()) + ".ca"
            base = re.sub(r"[^a-z0-9.]", "", fold_ascii(f"{given}.{family}").lower())
            email, number = f"{base}@{domain}", 2
            while email in emails:
                email, number = f"{base}{number}@{domain}", number + 1
            emails.add(email)
        people.append(
            person(shown, family, organisation, aliases=aliases, email=email,
                   honorific=rng.choice(HONORIFICS) if rng.random() < 0.08 else None,
                   job_title=rng.choice(TITLES) if rng.random() < 0.7 else None)
        )  # fmt: skip
    for _ in range(min(40, count // 500)):  # entered twice with one e-mail address, as "M. Côté"
        original = people[rng.randrange(len(planted), count)]
        if original["email"] and "-" not in original["given_name"]:
            people[rng.randrange(len(planted), count)] = dict(
                original, given_name=original["given_name"][0] + ".", aliases=[]
            )
    return people[:count]


def unique_slug(base: str, taken: set[str]) -> str:
    from events.text import slugify

    root = slugify(base)
    slug, number = root, 2
    while slug in taken:
        slug, number = f"{root}-{number}", number + 1
    taken.add(slug)
    return slug
