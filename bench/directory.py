"""Directory search latency with 20,000 people and 3,000 organisations, through the real server.

    .venv/bin/python bench/directory.py [--people 20000] [--organisations 3000] [--rounds 5]
    .venv/bin/python bench/directory.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/bench_directory

Builds a directory with French, Acadian and English names (accents, initials, aliases, acronyms, divisions
and predecessors of organisations, a few talks) in a migrated scratch database, timing the load and one
duplicates.rescan(); prints the query plan of each statement people.queries.search_people runs, and where the time
of a request goes in-process (SQL statements, rendering); then serves events.app:create_app with uvicorn
(one worker) on 127.0.0.1, signs in as a staff user and measures, client-side and one request at a time,
GET /manage/people/search?q=... (the type-ahead) and GET /manage/people?q=... (the staff directory page, when
it exists) for queries typed keystroke by keystroke. Target: p95 < 30 ms per endpoint and backend.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import http.client
import logging
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from collections import Counter
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

HOST = "127.0.0.1"  # loopback only
BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
EMAIL = "bench-staff@example.org"
SEED = 20240501
TARGET_P95_MS = 30.0
SEARCH = "/manage/people/search"
DIRECTORY = "/manage/people"

# What staff type, keystroke by keystroke: every prefix of each phrase is one request (the page trims
# what was typed, so a trailing space sends nothing new).
TYPED = [
    "mckendy",  # m, mc, mck, mcke, ... (Mike McKendy, SNB)
    "helene cote",  # accent-free query for Hélène Côté
    "societe",  # Société ... organisations, through their people
    "m mckendy",  # an initial and a family name
    "brian snb",  # a given name and an organisation's acronym
    "ccra",  # everyone at the Canada Customs and Revenue Agency
    "thériault",  # typed with the accent
    "marie-eve gagnon",
    "o'brien",
    "j leblanc",
    "universite moncton",
    "nguyen",
]
NO_MATCH = ["zzq", "qxj wv", "mckendyx", "xylophone"]  # typos and names nobody has

# --- the directory ------------------------------------------------------------------------------------

GIVEN_FR = (
    "Hélène Élise Émilie Éric Étienne François Françoise Geneviève Gérard Gaëtan Gisèle Jérôme Josée Joël "
    "Julie Léa Léon Lucie Marc-André Marie-Ève Marie-Hélène Maxime Mélanie Michèle Nathalie Noémie Pierre "
    "Réjean Renée Rémi Sébastien Stéphane Stéphanie Sylvie Thérèse Valérie Véronique Zoé André Andrée Benoît "
    "Céline Chantal Claude Danielle Denis Diane Ève Frédéric Guy Isabelle Jacques Jean Jean-François "
    "Jean-Pierre Jocelyn Louise Luc Manon Marcel Martin Mathieu Michel Monique Nicole Normand Pascal Patrice "
    "Raymond René Roger Simon Sophie Suzanne Yves Anaïs Chloé Maëlle Noël Aurélie Ginette Huguette Lise "
    "Mireille Solange Yvon Gilles Serge Alain Annie Caroline Josianne Karine Mélissa Roxanne Vincent "
    "Adèle Agathe Albéric Alphonse Amélie Antoine Armand Arthur Béatrice Bernadette Clémence Colette Cyrille "
    "Delphine Désiré Donat Édith Edmond Élodie Émile Ernest Estelle Fabienne Félix Florence Gaston Gervais "
    "Ghislain Hervé Hortense Irène Jacinthe Joséphine Laurent Léopold Lionel Lorraine Magalie Marielle "
    "Médéric Odette Olivier Philippe Rachelle Rodrigue Rosaire Sylvain Thierry Ulysse Yolande"
).split()
GIVEN_EN = (
    "Michael Mike Brian Sarah Jennifer David John James Robert Mary Patricia Linda Barbara Elizabeth Susan "
    "Jessica Karen Nancy Lisa Margaret Daniel Matthew Mark Paul Steven Andrew Kevin Jason Ryan Gary Timothy "
    "Brenda Heather Kathleen Colleen Shannon Wendy Cary Ian Graham Fiona Moira Angus Duncan Siobhan Connor "
    "Aidan Megan Kelly Tara Emily Olivia Liam Noah Ethan Hannah Rebecca Laura Amanda Christopher Joshua "
    "William Bill Thomas Charles Peter Gordon Douglas Wayne Darlene Sheila Anne Krista Tanya Amir Priya "
    "Wei Mei Fatima Omar Raj Anita Alison Beverly Bradley Carl Craig Derek Dorothy Eileen Gail Glenn Harold "
    "Irene Jeffrey Joan Keith Lorna Marilyn Neil Norma Owen Pamela Phyllis Roy Russell Sandra Shawn Trevor "
    "Valerie Vernon Wanda Yvonne Zachary Nadia Samir Leila Youssef Aisha Hiroshi Ana Mateo Lucia"
).split()
FAMILY_FR = (
    "Côté Gagnon Roy Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque "
    "Bergeron LeBlanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Lapointe "
    "Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Landry Martel Bédard Grenier Lessard Bernier Richard "
    "Michaud Hébert Desjardins Couture Turcotte Lachance Parent Blais Gosselin Savard Proulx Beaudoin Demers "
    "Perreault Boudreau Cormier Arsenault Doucet Gallant Savoie Robichaud Babineau Thériault Després Goguen "
    "Bourque Léger Maillet Chiasson Comeau Haché Mallet Daigle Thibodeau Cyr Violette Pitre Losier Godin "
    "Duguay Mazerolle Collette Vautour Belliveau Melanson Surette d'Entremont Aucoin Chassé Béliveau Allain "
    "Ferron Légère Brideau Lanteigne Frenette Basque Tremblay Gaudet Hachey Landriault Dionne Laplante "
    "Després Noël Bastarache Saulnier Boudreault Lemieux Vaillancourt Brisson Charest Desrosiers Lacroix "
    "Lajoie Marchand Ménard Paradis Rioux Sirois Thériot Veilleux Arseneau Gionet Cassie Chouinard "
    "Bélisle Côté-Bélanger Dupuis Jalbert Lagacé Lepage Lévêque Ouellette Rousseau Séguin Thériault-Roy "
    "Bérubé Desroches Gallien Lapierre Larocque Méthot Pinet Poitras Racine Thibodeau-Cyr"
).split()
FAMILY_EN = (
    "McKendy MacDonald McDonald MacLean McLean MacKenzie McKenna McGraw McNeil MacNeil McIntyre MacIntyre "
    "McCarthy O'Brien O'Neil O'Leary O'Connor Smith Johnson Brown Wilson Taylor Campbell Stewart Anderson "
    "Thompson Murray Fraser Ross Reid Graham Kennedy Sullivan Walsh Ryan Murphy Kelly Doyle Power Foley "
    "Hanlon Nussey Hatfield Steeves Nguyen Tran Chen Wang Li Singh Patel Sharma Khan Haddad Khoury Saad "
    "Abboud Diallo Traoré Sock Paul Augustine Francis Googoo Denny Bernard Simon Clarke Hughes Jones "
    "Williams Davies Evans Morrison Robertson Watson Henderson Mitchell Bell Young Allen Wright Scott Hill "
    "Green Adams Baker Nelson Carter Parker Collins Edwards Morris Cook Rogers Morgan Cooper Peterson "
    "Gray Ward Bennett Wood Barnes Fisher Hunter Hamilton Graves McAllister McKay MacKinnon McPhee "
    "MacPherson McCormack O'Hara Fitzgerald Gallagher Keating"
).split()
NICKNAMES = {
    "Michael": "Mike", "Robert": "Bob", "William": "Bill", "Elizabeth": "Liz", "Jennifer": "Jen",
    "Christopher": "Chris", "Margaret": "Peggy", "Patricia": "Trish", "Daniel": "Dan", "Andrew": "Andy",
    "Jean-François": "J.-F.", "Jean-Pierre": "J.-P.", "Marc-André": "M.-A.", "Marie-Ève": "Marie-Eve",
    "Timothy": "Tim", "Kathleen": "Kathy", "Rebecca": "Becky", "Susan": "Sue", "Thomas": "Tom",
}  # fmt: skip
HONORIFICS = ["Dr.", "Dr.", "Hon.", "Me", "Prof.", "Dre"]
TITLES = [
    "Director", "Director, Programs", "Program Manager", "Policy Analyst", "Senior Policy Advisor",
    "Deputy Minister", "Assistant Deputy Minister", "Chief Information Officer", "Executive Director",
    "Manager, Corporate Services", "Communications Officer", "Project Coordinator", "Senior Analyst",
    "Vice President, Operations", "Chief Executive Officer", "Mayor", "Councillor", "Town Manager",
    "Directeur général", "Directrice générale", "Directrice des communications", "Conseillère en politiques",
    "Conseiller principal", "Analyste", "Sous-ministre adjointe", "Coordonnatrice de projets",
    "Chef de service", "Agent de développement", "Professeure titulaire", "Researcher", "Consultant",
]  # fmt: skip
JURISDICTIONS = [  # English, French, short code, language of the names
    ("New Brunswick", "Nouveau-Brunswick", "NB", "both"),
    ("Québec", "Québec", "QC", "fr"),
    ("Nova Scotia", "Nouvelle-Écosse", "NS", "en"),
    ("Prince Edward Island", "Île-du-Prince-Édouard", "PE", "en"),
    ("Newfoundland and Labrador", "Terre-Neuve-et-Labrador", "NL", "en"),
    ("Ontario", "Ontario", "ON", "en"),
    ("Manitoba", "Manitoba", "MB", "en"),
    ("Saskatchewan", "Saskatchewan", "SK", "en"),
    ("Alberta", "Alberta", "AB", "en"),
    ("British Columbia", "Colombie-Britannique", "BC", "en"),
    ("Yukon", "Yukon", "YT", "en"),
    ("Northwest Territories", "Territoires du Nord-Ouest", "NT", "en"),
    ("Nunavut", "Nunavut", "NU", "en"),
]
TOPICS = [  # (English, French after "Ministère ")
    ("Health", "de la Santé"), ("Education and Early Childhood Development", "de l'Éducation et du Développement de la petite enfance"),
    ("Finance", "des Finances"), ("Justice", "de la Justice"),
    ("Environment and Local Government", "de l'Environnement et des Gouvernements locaux"),
    ("Transportation and Infrastructure", "des Transports et de l'Infrastructure"),
    ("Social Development", "du Développement social"), ("Agriculture, Aquaculture and Fisheries", "de l'Agriculture, de l'Aquaculture et des Pêches"),
    ("Natural Resources and Energy Development", "des Ressources naturelles et du Développement de l'énergie"),
    ("Tourism, Heritage and Culture", "du Tourisme, du Patrimoine et de la Culture"),
    ("Post-Secondary Education, Training and Labour", "de l'Éducation postsecondaire, de la Formation et du Travail"),
    ("Public Safety", "de la Sécurité publique"), ("Economic Development", "du Développement économique"),
    ("Municipal Affairs", "des Affaires municipales"), ("Intergovernmental Affairs", "des Affaires intergouvernementales"),
    ("Treasury Board", "du Conseil du Trésor"), ("Executive Council Office", "du Conseil exécutif"),
    ("Immigration", "de l'Immigration"), ("Seniors", "des Aînés"), ("Indigenous Affairs", "des Affaires autochtones"),
    ("Housing", "de l'Habitation"), ("Digital Services", "des Services numériques"), ("Labour", "du Travail"),
    ("Family Services", "de la Famille"), ("Francophone Affairs", "de la Francophonie"),
    ("Official Languages", "des Langues officielles"),
]  # fmt: skip
FEDERAL = [  # name, acronym, French alias (successor links are set in PREDECESSORS)
    ("Canada Revenue Agency", "CRA", "Agence du revenu du Canada"), ("Statistics Canada", "StatCan", "Statistique Canada"),
    ("Service Canada", None, None), ("Health Canada", "HC", "Santé Canada"),
    ("Public Health Agency of Canada", "PHAC", "Agence de la santé publique du Canada"),
    ("Treasury Board of Canada Secretariat", "TBS", "Secrétariat du Conseil du Trésor du Canada"),
    ("Canada School of Public Service", "CSPS", "École de la fonction publique du Canada"),
    ("Employment and Social Development Canada", "ESDC", "Emploi et Développement social Canada"),
    ("Immigration, Refugees and Citizenship Canada", "IRCC", "Immigration, Réfugiés et Citoyenneté Canada"),
    ("Public Services and Procurement Canada", "PSPC", "Services publics et Approvisionnement Canada"),
    ("Shared Services Canada", "SSC", "Services partagés Canada"), ("Canadian Heritage", "PCH", "Patrimoine canadien"),
    ("Global Affairs Canada", "GAC", "Affaires mondiales Canada"),
    ("Innovation, Science and Economic Development Canada", "ISED", "Innovation, Sciences et Développement économique Canada"),
    ("Atlantic Canada Opportunities Agency", "ACOA", "Agence de promotion économique du Canada atlantique"),
    ("Fisheries and Oceans Canada", "DFO", "Pêches et Océans Canada"),
    ("Environment and Climate Change Canada", "ECCC", "Environnement et Changement climatique Canada"),
    ("Natural Resources Canada", "NRCan", "Ressources naturelles Canada"), ("Transport Canada", "TC", "Transports Canada"),
    ("Indigenous Services Canada", "ISC", "Services aux Autochtones Canada"),
    ("Library and Archives Canada", "LAC", "Bibliothèque et Archives Canada"), ("Privy Council Office", "PCO", "Bureau du Conseil privé"),
    ("Canada Border Services Agency", "CBSA", "Agence des services frontaliers du Canada"),
    ("Royal Canadian Mounted Police", "RCMP", "Gendarmerie royale du Canada"),
    ("Office of the Commissioner of Official Languages", "OCOL", "Commissariat aux langues officielles"),
    ("Canada Mortgage and Housing Corporation", "CMHC", "Société canadienne d'hypothèques et de logement"),
    ("Business Development Bank of Canada", "BDC", "Banque de développement du Canada"),
    ("Canadian Food Inspection Agency", "CFIA", "Agence canadienne d'inspection des aliments"),
    ("Veterans Affairs Canada", "VAC", "Anciens Combattants Canada"),
    ("National Research Council Canada", "NRC", "Conseil national de recherches Canada"),
    ("Agriculture and Agri-Food Canada", "AAFC", "Agriculture et Agroalimentaire Canada"),
    ("Public Service Commission of Canada", "PSC", "Commission de la fonction publique du Canada"),
    ("Canadian Radio-television and Telecommunications Commission", "CRTC", "Conseil de la radiodiffusion et des télécommunications canadiennes"),
    ("Office of the Auditor General of Canada", "OAG", "Bureau du vérificateur général du Canada"),
    ("Elections Canada", None, "Élections Canada"), ("Canada Post", None, "Postes Canada"),
    ("Service New Brunswick", "SNB", "Services Nouveau-Brunswick"),
    ("Institute of Public Administration of Canada", "IPAC", "Institut d'administration publique du Canada"),
    ("École nationale d'administration publique", "ENAP", None),
    ("Société de l'Acadie du Nouveau-Brunswick", "SANB", None), ("Société nationale de l'Acadie", "SNA", None),
    ("Société des alcools du Québec", "SAQ", None), ("Société d'habitation du Québec", "SHQ", None),
    ("Société de l'assurance automobile du Québec", "SAAQ", None), ("Société Santé en français", "SSF", None),
    ("Revenu Québec", None, None), ("Hydro-Québec", None, None), ("NB Power", None, "Énergie NB"),
    ("Université de Moncton", "UdeM", None), ("University of New Brunswick", "UNB", "Université du Nouveau-Brunswick"),
    ("Collège communautaire du Nouveau-Brunswick", "CCNB", None), ("New Brunswick Community College", "NBCC", None),
    ("Association francophone des municipalités du Nouveau-Brunswick", "AFMNB", None),
    ("Réseau de santé Vitalité", None, "Vitalité Health Network"), ("Horizon Health Network", None, "Réseau de santé Horizon"),
]  # fmt: skip
PREDECESSORS = [  # an earlier name, its acronym, the name of the body that succeeded it
    ("Canada Customs and Revenue Agency", "CCRA", "Canada Revenue Agency"),
    ("Revenue Canada", None, "Canada Customs and Revenue Agency"),
    ("Human Resources Development Canada", "HRDC", "Employment and Social Development Canada"),
    ("Public Works and Government Services Canada", "PWGSC", "Public Services and Procurement Canada"),
    ("Citizenship and Immigration Canada", "CIC", "Immigration, Refugees and Citizenship Canada"),
    ("Indian and Northern Affairs Canada", "INAC", "Indigenous Services Canada"),
    ("Foreign Affairs and International Trade Canada", "DFAIT", "Global Affairs Canada"),
    ("Industry Canada", "IC", "Innovation, Science and Economic Development Canada"),
    ("Canadian Centre for Management Development", "CCMD", "Canada School of Public Service"),
    ("Registry New Brunswick", None, "Service New Brunswick"),
]
PLACES = (  # separated by ", " (some have spaces)
    "Moncton, Dieppe, Shédiac, Bouctouche, Memramcook, Caraquet, Shippagan, Lamèque, Tracadie, Bathurst, "
    "Campbellton, Dalhousie, Edmundston, Grand-Sault, Saint-Quentin, Kedgwick, Richibouctou, "
    "Rogersville, Neguac, Miramichi, Fredericton, Oromocto, Sackville, Sussex, Hampton, Quispamsis, "
    "Rothesay, Woodstock, Florenceville-Bristol, Saint-Léonard, Clair, Haut-Madawaska, Petit-Rocher, "
    "Beresford, Néguac, Cap-Pelé, Beaubassin-Est, Saint-Antoine, Québec, Montréal, Lévis, Laval, "
    "Gatineau, Sherbrooke, Trois-Rivières, Rimouski, Sept-Îles, Gaspé, Matane, Chicoutimi, Saguenay, "
    "Jonquière, Alma, Baie-Comeau, Drummondville, Granby, Saint-Hyacinthe, Saint-Jean-sur-Richelieu, "
    "Longueuil, Terrebonne, Repentigny, Joliette, Victoriaville, Thetford-Mines, Rivière-du-Loup, "
    "Montmagny, Sainte-Anne-des-Monts, Carleton-sur-Mer, Bonaventure, Chandler, Percé, "
    "Îles-de-la-Madeleine, Rouyn-Noranda, Val-d'Or, Amos, La Sarre, Mont-Laurier, "
    "Sainte-Agathe-des-Monts, Saint-Jérôme, Shawinigan, La Tuque, Magog, Halifax, Dartmouth, Truro, "
    "Sydney, Yarmouth, Clare, Argyle, Chéticamp, Antigonish, Lunenburg, Wolfville, Kentville, Digby, "
    "Amherst, Pictou, Charlottetown, Summerside, Tignish, Wellington, Abram-Village, Souris, Montague, "
    "St. John's, Corner Brook, Gander, Grand Falls-Windsor, Stephenville, Labrador City, "
    "Happy Valley-Goose Bay, Ottawa, Toronto, Sudbury, Hearst, Kapuskasing, Timmins, Hawkesbury, "
    "Cornwall, Kingston, Windsor, Penetanguishene, Winnipeg, Saint-Boniface, Brandon, Regina, Saskatoon, "
    "Gravelbourg, Edmonton, Calgary, Bonnyville, Vancouver, Victoria, Kelowna, Whitehorse, Yellowknife, "
    "Iqaluit, Saint John"
).split(", ")


def fold_ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def initials(name: str) -> str:
    small = {"de", "du", "des", "la", "le", "les", "of", "and", "the", "et", "for", "d", "l", "en", "à"}
    words = re.findall(r"[\w]+", name.replace("'", " ").replace("’", " "))
    return "".join(fold_ascii(word[0]).upper() for word in words if word.lower() not in small)


def weighted(rng: random.Random, items: list, exponent: float) -> list[float]:
    """Zipf-like weights over a shuffled copy's ranks: a few common values, a long tail."""
    order = list(range(len(items)))
    rng.shuffle(order)
    weights = [0.0] * len(items)
    for rank, index in enumerate(order, start=1):
        weights[index] = 1 / rank**exponent
    return weights


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


async def flush_organisations(session, pending: list, org_ids: list[int]) -> None:  # noqa: ANN001
    session.add_all(pending)
    await session.flush()
    org_ids.extend(o.id for o in pending)
    pending.clear()


async def load_directory(config, args: argparse.Namespace, password: str) -> dict:  # noqa: ANN001
    """Insert the directory in batches through the ORM models, then time the service paths and a rescan."""
    from sqlalchemy import func, select

    from events.audit import COMMAND_LINE
    from events.domain.accounts.service import create_user
    from events.domain.events import service as events
    from events.domain.people import duplicates
    from events.domain.people import service as people
    from events.models import DuplicateSuggestion, EventStatus, Organisation, OrganisationKind, Person, Role

    rng = random.Random(SEED)
    org_plan = plan_organisations(rng, args.organisations)
    service_people = min(200, args.people // 10)
    person_plan = plan_people(rng, args.people, org_plan)
    figures: dict = {}
    maker = config.create_session_maker()

    async with maker() as session:
        if await session.scalar(select(func.count()).select_from(Person)):
            raise SystemExit("the database already has people: --postgres needs an EMPTY scratch database")

    started = time.perf_counter()
    org_ids: list[int] = []
    slugs: set[str] = set()
    for first in range(0, len(org_plan), args.batch):
        async with maker() as session, session.begin():
            pending: list = []
            for number, entry in enumerate(org_plan[first : first + args.batch], start=first):
                if max(entry.get("parent", -1), entry.get("successor", -1)) >= len(org_ids):
                    await flush_organisations(session, pending, org_ids)  # it refers to one of this batch
                pending.append(
                    Organisation(
                        slug=unique_slug(entry["name"], slugs), name=entry["name"], acronym=entry["acronym"],
                        kind=OrganisationKind(entry["kind"]), jurisdiction=entry.get("jurisdiction"),
                        aliases=entry["aliases"],
                        website=f"https://www.example.ca/{number}" if number % 7 == 0 else None,
                        parent_id=org_ids[entry["parent"]] if "parent" in entry else None,
                        successor_id=org_ids[entry["successor"]] if "successor" in entry else None,
                    )
                )  # fmt: skip
            await flush_organisations(session, pending, org_ids)
    figures["organisations_s"] = time.perf_counter() - started

    bulk = person_plan[: len(person_plan) - service_people]
    started = time.perf_counter()
    person_ids: list[int] = []
    slugs = set()
    for first in range(0, len(bulk), args.batch):
        async with maker() as session, session.begin():
            batch = [
                Person(
                    slug=unique_slug(f"{p['given_name']} {p['family_name']}", slugs), given_name=p["given_name"],
                    family_name=p["family_name"], honorific=p["honorific"], job_title=p["job_title"],
                    organisation_id=org_ids[p["organisation"]] if p["organisation"] is not None else None,
                    email=p["email"], aliases=p["aliases"],
                )
                for p in bulk[first : first + args.batch]
            ]  # fmt: skip
            session.add_all(batch)
            await session.flush()
            person_ids.extend(p.id for p in batch)
    figures["people_bulk_s"] = time.perf_counter() - started
    figures["people_bulk"] = len(bulk)

    # The last ones one by one through the service, as staff would add them (duplicate check included).
    started = time.perf_counter()
    async with maker() as session, session.begin():
        organisations = {o.id: o for o in await session.scalars(select(Organisation))}
        for p in person_plan[len(bulk) :]:
            created = await people.create_person(
                session, COMMAND_LINE, given_name=p["given_name"], family_name=p["family_name"],
                honorific=p["honorific"], job_title=p["job_title"], email=p["email"], aliases=p["aliases"],
                organisation=organisations[org_ids[p["organisation"]]] if p["organisation"] is not None else None,
            )  # fmt: skip
            person_ids.append(created.id)
    figures["people_service_s"] = time.perf_counter() - started
    figures["people_service"] = len(person_plan) - len(bulk)

    # Duplicates that staff already merged: hidden from search (their name terms are removed).
    async with maker() as session, session.begin():
        pairs = rng.sample(range(20, len(person_ids) - 1), min(100, len(person_ids) // 200))
        for index in pairs:
            duplicate = await session.get(Person, person_ids[index])
            duplicate.merged_into_id = person_ids[index + 1]
    figures["merged"] = len(pairs)

    started = time.perf_counter()
    async with maker() as session, session.begin():
        events_made, talks, links = 0, 0, 0
        speakers = list(
            await session.scalars(select(Person).where(Person.merged_into_id.is_(None)).limit(3000))
        )
        for number in range(args.talks // 15):
            event = await events.create_event(
                session, COMMAND_LINE, title=f"Forum des gestionnaires {2005 + number}",
                start_date=dt.date(2005 + number % 20, 5, 1 + number % 28), city="Moncton",
            )  # fmt: skip
            events_made += 1
            for talk in range(15):
                presentation = await events.add_presentation(
                    session, COMMAND_LINE, event, title=f"Services partagés, volet {talk + 1}"
                )
                talks += 1
                for speaker in rng.sample(speakers, rng.choice((1, 1, 2, 3))):
                    await events.add_speaker(session, COMMAND_LINE, presentation, speaker)
                    links += 1
            await events.set_event_status(session, COMMAND_LINE, event, EventStatus.PUBLISHED)
    figures["talks_s"] = time.perf_counter() - started
    figures["talks"] = (events_made, talks, links)

    async with maker() as session, session.begin():
        figures["open_before_rescan"] = await duplicates.open_count(session)
        started = time.perf_counter()
        figures["rescan_open"] = await duplicates.rescan(session)
        figures["rescan_s"] = time.perf_counter() - started
        rows = await session.execute(
            select(DuplicateSuggestion.kind, func.count()).group_by(DuplicateSuggestion.kind)
        )
        figures["rescan_by_kind"] = {kind.value: number for kind, number in rows}
        await create_user(session, COMMAND_LINE, email=EMAIL, password=password, role=Role.STAFF)

    async with maker() as session:
        from events.models import organisation_name_term, person_name_term

        figures["counts"] = {
            "people": await session.scalar(select(func.count()).select_from(Person)),
            "merged people": await session.scalar(select(func.count()).select_from(Person).where(Person.merged_into_id.is_not(None))),
            "people with aliases": sum(1 for p in person_plan if p["aliases"]),
            "people known by an initial": sum(1 for p in person_plan if re.fullmatch(r"(\w\.-?)+", p["given_name"])),
            "people without organisation": sum(1 for p in person_plan if p["organisation"] is None),
            "person name terms": await session.scalar(select(func.count()).select_from(person_name_term)),
            "organisations": await session.scalar(select(func.count()).select_from(Organisation)),
            "with an acronym": await session.scalar(select(func.count()).select_from(Organisation).where(Organisation.acronym.is_not(None))),
            "divisions (parent)": await session.scalar(select(func.count()).select_from(Organisation).where(Organisation.parent_id.is_not(None))),
            "predecessors (successor)": await session.scalar(select(func.count()).select_from(Organisation).where(Organisation.successor_id.is_not(None))),
            "organisation name terms": await session.scalar(select(func.count()).select_from(organisation_name_term)),
        }  # fmt: skip
        biggest = await session.execute(
            select(Organisation.name, func.count(Person.id))
            .join(Person, Person.organisation_id == Organisation.id)
            .group_by(Organisation.id, Organisation.name)
            .order_by(func.count(Person.id).desc())
            .limit(3)
        )
        figures["biggest"] = [(name, number) for name, number in biggest]
    if config.get_engine().dialect.name == "postgresql":
        # Statistics, as autovacuum would gather them shortly after a bulk load.
        async with (
            config.get_engine().execution_options(isolation_level="AUTOCOMMIT").connect() as connection
        ):
            await connection.exec_driver_sql("ANALYZE")
    return figures


# --- in-process: plan, matches, SQL and rendering time --------------------------------------------------


def typed_queries() -> list[str]:
    """Every prefix of each typed phrase, as the page sends it (trimmed), then the no-match queries."""
    queries = []
    for phrase in TYPED:
        for end in range(1, len(phrase) + 1):
            prefix = phrase[:end].strip()
            if prefix and (not queries or queries[-1] != prefix):
                queries.append(prefix)
    return queries + NO_MATCH


class Statements:
    """Every SQL statement the process runs while active, with the time spent in the driver."""

    def __init__(self) -> None:
        self.rows: list[list] = []

    def before(self, _conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        self.rows.append([statement, parameters, time.perf_counter(), None])

    def after(self, *_args: object) -> None:
        self.rows[-1][3] = time.perf_counter() - self.rows[-1][2]

    def __enter__(self) -> Statements:
        sa_event.listen(Engine, "before_cursor_execute", self.before)
        sa_event.listen(Engine, "after_cursor_execute", self.after)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa_event.remove(Engine, "before_cursor_execute", self.before)
        sa_event.remove(Engine, "after_cursor_execute", self.after)


def summary(statement: str) -> str:
    words = " ".join(statement.split())
    verb = words.split(" ", 1)[0].upper()
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", words, re.I)
    return f"{verb} {table.group(1) if table else ''}".strip()


async def in_process(config, settings, queries: list[str], rounds: int) -> dict:  # noqa: ANN001
    """Match counts, and the time of people.queries.search_people and of the fragment's rendering.

    On PostgreSQL the statements are also timed on a connection with plan_cache_mode=force_custom_plan:
    asyncpg prepares every statement and keeps it per connection, and after five executions PostgreSQL
    may plan it once for any parameters (a generic plan), without knowing how common the prefix is.
    """
    from litestar.plugins.jinja import JinjaTemplateEngine
    from sqlalchemy import func, select, text

    from events.domain.people import queries as people_queries
    from events.domain.people.search import people_matching
    from events.models import Person
    from events.resources import TEMPLATES_DIR
    from events.web.templating import configure_environment

    engine = JinjaTemplateEngine(directory=TEMPLATES_DIR)
    configure_environment(engine.engine, settings)
    template = engine.get_template("manage/partials/people_matches.html")
    maker = config.create_session_maker()
    postgres = config.get_engine().dialect.name == "postgresql"
    result: dict = {"queries": {}, "postgres": postgres}
    repeat = max(rounds, 5) * 2

    async def timed(session, query: str) -> tuple[float, list]:  # noqa: ANN001
        await people_queries.search_people(session, query)  # warm
        times, found = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            found = await people_queries.search_people(session, query)
            times.append(time.perf_counter() - started)
        return 1000 * statistics.median(times), found

    async with maker() as session, maker() as custom:
        if postgres:
            await custom.execute(text("SET plan_cache_mode = force_custom_plan"))
        for query in dict.fromkeys(queries):
            matches = await session.scalar(
                select(func.count())
                .select_from(Person)
                .where(Person.merged_into_id.is_(None), people_matching(query))
            )
            sql_ms, found = await timed(session, query)
            render = []
            for _ in range(repeat):
                started = time.perf_counter()
                size = len(template.render(matches=found, q=query).encode())
                render.append(time.perf_counter() - started)
            result["queries"][query] = {
                "matches": matches,
                "sql_ms": sql_ms,
                "custom_ms": (await timed(custom, query))[0] if postgres else None,
                "render_ms": 1000 * statistics.median(render),
                "bytes": size,
            }
    return result


async def explain(config, queries: list[str]) -> list[tuple]:  # noqa: ANN001
    """Every statement people.queries.search_people runs (captured from the driver), with the database's plan.

    PostgreSQL: EXPLAIN ANALYZE with the values (a custom plan), and, for the first query's statement on the
    name terms, the generic plan of the same prepared statement (PREPARE, then EXECUTE under
    plan_cache_mode=force_generic_plan).
    """
    from events.domain.people import queries as people_queries

    maker = config.create_session_maker()
    dialect = config.get_engine().dialect.name
    plans = []
    async with maker() as session:
        for number, query in enumerate(queries):
            with Statements() as statements:
                await people_queries.search_people(session, query)
            connection = await session.connection()
            captured = [row[:2] for row in statements.rows]
            for index, (statement, parameters) in enumerate(captured, start=1):
                generic = []
                if dialect == "sqlite":
                    rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                    depth = {0: -1}
                    lines = []
                    for node, parent, _unused, detail in rows.all():
                        depth[node] = depth.get(parent, -1) + 1
                        lines.append("  " * depth[node] + detail)
                else:
                    explain_sql = "EXPLAIN (ANALYZE, BUFFERS) "
                    rows = (await connection.exec_driver_sql(explain_sql + statement, parameters)).all()
                    lines = [row[0] for row in rows]
                    if number == 0 and "name_term" in statement:
                        values = ", ".join(
                            str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"
                            for v in parameters
                        )
                        await connection.exec_driver_sql("PREPARE bench_search AS " + statement)
                        await connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
                        rows = await connection.exec_driver_sql(
                            f"{explain_sql}EXECUTE bench_search({values})"
                        )
                        generic = [row[0] for row in rows.all()]
                        await connection.exec_driver_sql("RESET plan_cache_mode")
                        await connection.exec_driver_sql("DEALLOCATE bench_search")
                plans.append((query, index, len(captured), statement, parameters, lines, generic))
    return plans


def request_statements(settings, password: str, repeat: int = 15) -> dict[str, tuple]:  # noqa: ANN001
    """The SQL statements of signed-in requests, in-process (TestClient), each timed in the driver (median)."""
    from litestar.testing import TestClient

    from events.app import create_app

    out = {}
    with TestClient(create_app(settings)) as client:
        page = client.get("/manage/login").text
        token = html.unescape(re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1))
        form = {"email": EMAIL, "password": password, "_csrf_token": token, "next": "/manage"}
        client.post("/manage/login", data=form)
        requests = [(SEARCH, q) for q in ("mck", "m", "")]
        if client.get(DIRECTORY, params={"q": "mc"}).status_code == 200:
            requests += [(DIRECTORY, q) for q in ("mck", "m", "")]
        for path, query in requests:
            client.get(path, params={"q": query})  # warm
            totals, runs = [], []
            for _ in range(repeat):
                with Statements() as statements:
                    started = time.perf_counter()
                    response = client.get(path, params={"q": query})
                    totals.append(time.perf_counter() - started)
                response.raise_for_status()
                runs.append([(summary(s), d or 0.0) for s, _p, _t, d in statements.rows])
            names = [name for name, _ in runs[-1]]
            same = [run for run in runs if [name for name, _ in run] == names]
            each = [statistics.median(run[i][1] for run in same) for i in range(len(names))]
            driver = statistics.median(sum(d for _, d in run) for run in runs)
            out[f"{path}?q={query}"] = (
                list(zip(names, each, strict=True)),
                statistics.median(totals),
                driver,
            )
    return out


# --- the real server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", "events.app:create_app", "--factory", "--workers", "1",
        "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    # A new session puts uvicorn in its own process group, stopped as a whole.
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, start_new_session=True)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class Client:
    """One keep-alive connection, as a browser tab typing into the field; cookies kept by hand."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or value in ("", '""', "null"):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, data, dict(response.headers)

    def wait_ready(self, process: subprocess.Popen, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with code {process.returncode}")
            try:
                self.request("GET", "/manage/login")
                return
            except OSError:
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout} s")

    def sign_in(self, password: str) -> None:
        status, page, _ = self.request("GET", "/manage/login")
        token = html.unescape(re.search(r'name="_csrf_token" value="([^"]+)"', page.decode()).group(1))
        form = {"email": EMAIL, "password": password, "_csrf_token": token, "next": "/manage"}
        status, _, headers = self.request("POST", "/manage/login", urllib.parse.urlencode(form))
        if status not in (302, 303) or headers.get("location") != "/manage":
            raise RuntimeError(f"signing in was answered {status} {headers.get('location')}")
        status, _, _ = self.request("GET", "/manage")
        if status != 200 or "events_session" not in self.cookies:
            raise RuntimeError(f"GET /manage after signing in: {status}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def measure(client: Client, path: str, queries: list[str], rounds: int, warmup: int) -> dict:
    """Sequential requests, one query after the other as typed; latency from sending to the last byte."""
    per_query: dict[str, list[float]] = {query: [] for query in queries}
    latencies, problems, sizes = [], Counter(), []
    for round_number in range(warmup + rounds):
        for query in queries:
            url = f"{path}?{urllib.parse.urlencode({'q': query})}"
            started = time.perf_counter()
            status, data, _ = client.request("GET", url)
            elapsed = 1000 * (time.perf_counter() - started)
            if status != 200:
                problems[status] += 1
            if round_number >= warmup:
                latencies.append(elapsed)
                per_query[query].append(elapsed)
                sizes.append(len(data))
    return {
        "latencies": latencies,
        "per_query": per_query,
        "problems": problems,
        "bytes": statistics.median(sizes),
        "sent": (warmup + rounds) * len(queries),
    }


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    port: int, path: str, queries: list[str], cookies: dict, seconds: int, connections: int, folder: Path
) -> dict:
    """wrk cycling through the queries with the sign-in cookie (the Lua script is written to the temp folder)."""
    script = folder / "queries.lua"
    paths = ", ".join(
        '"' + f"{path}?{urllib.parse.urlencode({'q': q})}".replace('"', '\\"') + '"' for q in queries
    )
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items()).replace('"', '\\"')
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        f'  return wrk.format("GET", paths[i], {{["Cookie"] = "{cookie}"}})\nend\n'
    )
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        f"http://{HOST}:{port}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    problems = re.findall(r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", output, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p90": to_ms(re.search(r"^\s+90%\s+(\S+)", output, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
        "max": to_ms(re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M).group(1)),
        "problems": "; ".join(problems),
    }


def serve_and_measure(
    env: dict[str, str], password: str, queries: list[str], args: argparse.Namespace, folder: Path
) -> dict:
    port = free_port()
    server = start_server(port, env)
    results: dict = {"endpoints": {}, "wrk": {}, "load": [os.getloadavg()[0]]}
    try:
        client = Client(port)
        client.wait_ready(server)
        client.sign_in(password)
        status, _, _ = client.request("GET", f"{DIRECTORY}?q=mc")
        results["directory_status"] = status
        endpoints = [("type-ahead", SEARCH, queries), ("type-ahead, q empty", SEARCH, [""])]
        if status == 200:
            endpoints += [
                ("directory page", DIRECTORY, queries),
                ("directory page, q empty", DIRECTORY, [""]),
            ]
        for name, path, endpoint_queries in endpoints:
            rounds = args.rounds if len(endpoint_queries) > 1 else args.rounds * 60
            cpu_before = cpu_seconds(server.pid)
            result = measure(client, path, endpoint_queries, rounds, args.warmup)
            # warm-up requests included: CPU time is read around the whole loop
            result["cpu_ms"] = 1000 * (cpu_seconds(server.pid) - cpu_before) / result["sent"]
            results["endpoints"][name] = result
            print(f"  measured {name}: {len(result['latencies'])} requests", file=sys.stderr, flush=True)
        if args.wrk_seconds and not shutil.which("wrk"):
            print("  wrk is not installed (apt-get install -y wrk): skipped", file=sys.stderr)
        elif args.wrk_seconds:
            for name, path, endpoint_queries in endpoints:
                if len(endpoint_queries) > 1:
                    for connections in (1, 4):
                        results["wrk"][(name, connections)] = run_wrk(
                            port,
                            path,
                            endpoint_queries,
                            client.cookies,
                            args.wrk_seconds,
                            connections,
                            folder,
                        )
    finally:
        results["load"].append(os.getloadavg()[0])
        stop_server(server)
    return results


# --- report ---------------------------------------------------------------------------------------------


def classify(query: str) -> str:
    if query in NO_MATCH:
        return "no match"
    if " " in query or "-" in query:
        return "two words"
    return "1 letter" if len(query) == 1 else ("2-3 letters" if len(query) <= 3 else "4+ letters")


def report(
    args, database: str, figures: dict, inproc: dict, plans: dict, statements: dict, served: dict
) -> bool:  # noqa: ANN001
    ok = True
    print(
        f"\n=== Directory search, {database}: {args.people:,} people, {args.organisations:,} organisations ===\n"
    )
    print("Loading")
    print(f"  organisations, ORM batches of {args.batch}      {figures['organisations_s']:7.2f} s")
    print(
        f"  people, ORM batches of {args.batch}             {figures['people_bulk_s']:7.2f} s  ({figures['people_bulk']:,}, "
        f"{1000 * figures['people_bulk_s'] / figures['people_bulk']:.2f} ms each)"
    )
    print(
        f"  people, service.create_person one by one {figures['people_service_s']:7.2f} s  ({figures['people_service']}, "
        f"{1000 * figures['people_service_s'] / max(figures['people_service'], 1):.1f} ms each, duplicate check included)"
    )
    events_made, talks, links = figures["talks"]
    print(
        f"  {events_made} events, {talks} talks, {links} speaker links (service) {figures['talks_s']:6.2f} s"
    )
    print(
        f"  duplicates.rescan()                      {figures['rescan_s']:7.2f} s  -> {figures['rescan_open']:,} open "
        f"suggestions ({figures['open_before_rescan']} before; by kind: {figures['rescan_by_kind']})"
    )
    print("  " + ", ".join(f"{k}: {v:,}" for k, v in figures["counts"].items()))
    print("  largest organisations: " + ", ".join(f"{n} ({c})" for n, c in figures["biggest"]))

    shown: set[str] = set()
    for query, index, count, statement, parameters, lines, generic in plans:
        how = "EXPLAIN QUERY PLAN" if database == "SQLite" else "EXPLAIN (ANALYZE, BUFFERS), custom plan"
        print(
            f"\nQuery plan of statement {index} of {count} of people.queries.search_people(session, {query!r}) ({how})"
        )
        print(
            "  "
            + (" ".join(statement.split()) if statement not in shown else "(the same statement as above)")
        )
        shown.add(statement)
        print(f"  parameters: {parameters!r}")
        for line in lines:
            print("    " + line)
        if generic:
            print(
                "\n  The same prepared statement's generic plan (EXECUTE under plan_cache_mode=force_generic_plan),"
            )
            print("  which PostgreSQL may keep for a pooled asyncpg connection after five executions:")
            for line in generic:
                print("    " + line)

    rows = inproc["queries"]
    custom = inproc["postgres"]
    print("\nIn-process, per query (median): matches = people matching in all (the fragment shows 10),")
    print(
        "SQL = people.queries.search_people on an AsyncSession (statement + 10 rows to objects), render = the fragment"
    )
    if custom:
        print("custom = the same on a connection with plan_cache_mode=force_custom_plan")
    head = f"  {'query':<20}{'class':<13}{'matches':>8}{'SQL ms':>9}" + (f"{'custom':>9}" if custom else "")
    print(head + f"{'render ms':>10}")
    for query, row in sorted(rows.items(), key=lambda item: -item[1]["sql_ms"])[:15]:
        line = f"  {query!r:<20}{classify(query):<13}{row['matches']:>8,}{row['sql_ms']:>9.2f}"
        line += f"{row['custom_ms']:>9.2f}" if custom else ""
        print(line + f"{row['render_ms']:>10.3f}")
    print(f"  ... {len(rows) - 15} more")
    for key, label in (
        (("sql_ms", "SQL ms"), ("custom_ms", "custom ms")) if custom else (("sql_ms", "SQL ms"),)
    ):
        by_class: dict[str, list[float]] = {}
        for query, row in rows.items():
            by_class.setdefault(classify(query), []).append(row[key])
        every = [row[key] for row in rows.values()]
        print(
            f"  {label} by class (median / max): "
            + ", ".join(f"{name} {statistics.median(v):.2f} / {max(v):.2f}" for name, v in by_class.items())
            + f"; all {statistics.median(every):.2f} / {max(every):.2f}"
        )
    print(f"  render ms: max {max(row['render_ms'] for row in rows.values()):.3f}")

    print(
        "\nSigned-in requests in-process (TestClient, median of 15): statements, time in the driver, in all"
    )
    for url, (rows_, total, driver) in statements.items():
        print(
            f"  {url:<24}{len(rows_):>3} statements {1000 * driver:7.2f} ms in the driver {1000 * total:7.2f} ms in all"
        )
        print("      " + ", ".join(f"{s} {1000 * (d or 0):.2f}" for s, d in rows_))

    print(
        f"\nServed: uvicorn --workers 1, one keep-alive connection, sequential; {args.warmup} warm-up round(s), then"
    )
    print(
        f"{args.rounds} rounds of {len(typed_queries())} queries typed keystroke by keystroke; latency from request to last byte"
    )
    print(
        f"(load average of the machine, 1 min: {served['load'][0]:.2f} before, {served['load'][1]:.2f} after; {os.cpu_count()} CPUs)"
    )
    print(
        "(CPU ms = the uvicorn process's CPU time per request, from /proc; with SQLite it includes the database's)"
    )
    if served["directory_status"] != 200:
        print(
            f"  GET {DIRECTORY}?q=mc answered {served['directory_status']}: the staff directory page is not there yet, skipped"
        )
    print(
        f"  {'endpoint':<26}{'requests':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'bytes':>8}{'CPU ms':>8}  target p95 < {TARGET_P95_MS:.0f} ms"
    )
    for name, result in served["endpoints"].items():
        values = result["latencies"]
        p95 = percentile(values, 0.95)
        verdict = ""
        if "empty" not in name:
            passed = p95 < TARGET_P95_MS
            ok &= passed
            verdict = "PASS" if passed else "FAIL"
        print(
            f"  {name:<26}{len(values):>9}{percentile(values, 0.5):>8.2f}{p95:>8.2f}{percentile(values, 0.99):>8.2f}"
            f"{max(values):>8.2f}{result['bytes']:>8.0f}{result['cpu_ms']:>8.2f}  {verdict}"
        )
        if result["problems"]:
            print(f"  {'':<26}answers other than 200: {dict(result['problems'])}")
    for name, result in served["endpoints"].items():
        if "empty" in name:
            continue
        print(f"\n  {name}, by class of query (p50 / p95 ms)")
        by_class = {}
        for query, values in result["per_query"].items():
            by_class.setdefault(classify(query), []).extend(values)
        for label, values in by_class.items():
            print(
                f"    {label:<12}{len(values):>5} requests {percentile(values, 0.5):7.2f} / {percentile(values, 0.95):7.2f}"
            )
        slowest = sorted(result["per_query"].items(), key=lambda item: -statistics.median(item[1]))[:6]
        print(
            "    slowest queries (median ms): "
            + ", ".join(f"{q!r} {statistics.median(v):.1f}" for q, v in slowest)
        )
    if served["wrk"]:
        print(f"\n  wrk -t1 --latency -d{args.wrk_seconds}s, cycling through the same queries")
        print(f"  {'endpoint':<20}{'conns':>6}{'req/s':>8}{'p50':>8}{'p90':>8}{'p99':>8}{'max':>8}")
        for (name, connections), row in served["wrk"].items():
            print(
                f"  {name:<20}{connections:>6}{row['rps']:>8.0f}{row['p50']:>8.2f}{row['p90']:>8.2f}{row['p99']:>8.2f}{row['max']:>8.2f}"
            )
            if row["problems"]:
                print(f"  {'':<20}wrk reported: {row['problems']}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--organisations", type=int, default=3_000)
    parser.add_argument(
        "--talks", type=int, default=300, help="talks in published events, with speaker links (default 300)"
    )
    parser.add_argument(
        "--batch", type=int, default=2_000, help="rows per ORM flush while loading (default 2000)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="measured rounds of the typed queries (default 5)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="warm-up rounds, not measured (default 1)")
    parser.add_argument(
        "--wrk-seconds", type=int, default=5, help="wrk run per endpoint and concurrency; 0: no wrk"
    )
    parser.add_argument(
        "--explain", action="append", help="queries whose plan is printed (default: 'mck', 'm')"
    )
    parser.add_argument(
        "--postgres", metavar="URL",
        help="an EMPTY scratch database, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/bench_directory",
    )  # fmt: skip
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the finally blocks stop the server
    logging.getLogger("httpx").setLevel(logging.WARNING)  # TestClient logs every request at INFO

    from events.config import Settings
    from events.db import migrate, sqlalchemy_config

    queries = typed_queries()
    password = secrets.token_urlsafe(16)
    database = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory(prefix="events-bench-directory-") as temp:
        folder = Path(temp)
        env = {
            **os.environ,
            "EVENTS_DATA_DIR": str(folder / "data"),
            "EVENTS_SECRET_KEY": "bench-secret-key-not-for-production",
            "EVENTS_DEBUG": "off",
        }
        for name in ("EVENTS_DATABASE_URL", "EVENTS_STORAGE_DIR", "EVENTS_PUBLIC_URL"):
            env.pop(name, None)  # SQLite and files in the temporary folder; plain-http cookies
        if args.postgres:
            env["EVENTS_DATABASE_URL"] = args.postgres
        settings = Settings.from_env(env)
        print(f"migrating {settings.database_url} ...", file=sys.stderr, flush=True)
        migrate(settings)  # runs its own event loop

        async def prepare() -> tuple[dict, dict, dict]:
            config = sqlalchemy_config(settings)
            try:
                print("loading the directory ...", file=sys.stderr, flush=True)
                figures = await load_directory(config, args, password)
                print("in-process measurements ...", file=sys.stderr, flush=True)
                inproc = await in_process(config, settings, queries, args.rounds)
                plans = await explain(config, args.explain or ["mck", "m"])
                return figures, inproc, plans
            finally:
                await config.get_engine().dispose()

        figures, inproc, plans = asyncio.run(prepare())
        statements = request_statements(settings, password)
        print("serving ...", file=sys.stderr, flush=True)
        served = serve_and_measure(env, password, queries, args, folder)
        ok = report(args, database, figures, inproc, plans, statements, served)
    if args.postgres:
        print(f"\nThe data stays in {args.postgres}; drop the scratch database when done.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
