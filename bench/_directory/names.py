"""What the bench directory is made of: the typed queries, names, places and bodies (a fixed seed)."""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

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
