"""The demo cast: members, their profiles and platform roles (French and English).

A member's `key` is the handle registration derives from the display name (`Hélène Rousseau` →
`helene.rousseau`), so posts can mention `@key` and the mention resolves. The order matters: with
`ruche demo --members N` below 60, the first N are created, so the people who run the community come first.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "ruche-demo-2026"  # demo only: printed at the end of `ruche demo`
EMAIL_DOMAIN = "ruche.example"  # RFC 2606 reserved; `.local` is refused by the email validator
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class MemberSpec:
    key: str
    name: str
    title: str
    department: str
    location: str
    language: str
    skills: tuple[str, ...]
    bio: str
    role: str = "member"


def _m(key: str, name: str, title: str, department: str, location: str, language: str, skills: str, bio: str,
       role: str = "member") -> MemberSpec:
    return MemberSpec(key, name, title, department, location, language, tuple(s.strip() for s in skills.split(",")),
                      bio, role)


MEMBERS: tuple[MemberSpec, ...] = (
    _m("thomas.girard", "Thomas Girard", "Administrateur de la plateforme", "IT", "Paris", "fr",
       "Python, PostgreSQL, sécurité, Linux",
       "J'administre Ruche et les outils collaboratifs. Un souci de compte ? Écrivez-moi.", "admin"),
    _m("claire.dubois", "Claire Dubois", "Directrice de la communication interne", "Communication", "Paris", "fr",
       "relations presse, gestion de crise, stratégie éditoriale, prise de parole",
       "Vingt ans de communication, dont dix en interne. J'aime les messages courts et les équipes qui se parlent.",
       "communicator"),
    _m("sarah.mitchell", "Sarah Mitchell", "Community manager", "Communication", "London", "en",
       "community management, moderation, storytelling, événementiel",
       "I look after our community guidelines and help groups grow. Bilingual, happy to answer in French too.",
       "moderator"),
    _m("antoine.lefevre", "Antoine Lefèvre", "Responsable innovation", "Innovation", "Paris", "fr",
       "IA générative, design thinking, prototypage, veille",
       "Je teste les outils avant qu'ils ne deviennent à la mode, et je partage ce qui marche vraiment."),
    _m("helene.rousseau", "Hélène Rousseau", "Chargée de veille stratégique", "Innovation", "Lyon", "fr",
       "veille, benchmark, synthèse, Feedly",
       "Veille concurrentielle et benchmarks. Je lis les rapports de 80 pages pour que vous n'ayez pas à le faire."),
    _m("julien.moreau", "Julien Moreau", "Responsable RH", "RH", "Lyon", "fr",
       "recrutement, onboarding, marque employeur, dialogue social",
       "RH de proximité sur le site de Lyon. Passionné par l'accueil des nouveaux arrivants."),
    _m("camille.durand", "Camille Durand", "Chargée de communication digitale", "Communication", "Paris", "fr",
       "SEO, réseaux sociaux, Canva, vidéo",
       "Réseaux sociaux, site web et tout ce qui se mesure en clics. Je parle couramment Google Analytics."),
    _m("francois.lemaire", "François Lemaire", "Directeur de l'innovation", "Innovation", "Paris", "fr",
       "stratégie, IA générative, partenariats start-up",
       "Je pilote le portefeuille de projets d'innovation, dont Horizon."),
    _m("hugo.bonnet", "Hugo Bonnet", "Data scientist", "Innovation", "Paris", "fr",
       "Python, IA générative, machine learning, NLP",
       "Modèles de langage, évaluation et un peu de tout ce qui touche aux données textuelles."),
    _m("emily.watson", "Emily Watson", "Internal communications manager", "Communication", "London", "en",
       "internal comms, storytelling, change management, newsletter",
       "Internal comms for the UK teams. I believe a newsletter should be read in under three minutes."),
    _m("matthew.reed", "Matthew Reed", "Innovation lead", "Innovation", "London", "en",
       "generative AI, design sprints, prototyping, veille",
       "Running design sprints and AI pilots for the London office."),
    _m("nicolas.fournier", "Nicolas Fournier", "Data analyst", "Finance", "Paris", "fr",
       "Power BI, SQL, Excel, Python",
       "Tableaux de bord financiers. Si un chiffre vous semble faux, je veux le savoir."),
    _m("emilie.bernard", "Émilie Bernard", "Cheffe de projet événementiel", "Communication", "Bordeaux", "fr",
       "événementiel, logistique, partenariats, événements hybrides",
       "Séminaires, conventions, soirées : je m'occupe de la logistique pour que vous profitiez du contenu."),
    _m("sophie.martin", "Sophie Martin", "Responsable marketing produit", "Marketing", "Paris", "fr",
       "lancement produit, SEO, études de marché, copywriting",
       "Je fais le lien entre les équipes produit et commerciales au moment des lancements."),
    _m("pierre.garnier", "Pierre Garnier", "Risk manager", "Risques", "Paris", "fr",
       "gestion de crise, continuité d'activité, cartographie des risques",
       "Cartographie des risques et exercices de crise. Mieux vaut s'entraîner que improviser."),
    _m("lea.chevalier", "Léa Chevalier", "Chargée de relations presse", "Communication", "Paris", "fr",
       "relations presse, media training, communiqués, gestion de crise",
       "Relations avec les journalistes et préparation des porte-parole."),
    _m("james.carter", "James Carter", "Head of Marketing UK", "Marketing", "London", "en",
       "brand strategy, product launch, market research",
       "Leading marketing for the UK market. Coffee first, then launch plans."),
    _m("guillaume.faure", "Guillaume Faure", "Développeur", "IT", "Lyon", "fr",
       "Python, FastAPI, Docker, accessibilité",
       "Développeur back-end, je maintiens nos outils internes et nos API."),
    _m("elodie.fontaine", "Élodie Fontaine", "Responsable éditoriale", "Communication", "Paris", "fr",
       "rédaction, ligne éditoriale, veille, newsletter",
       "Je tiens le planning éditorial et relis tout ce qui part vers l'ensemble des collaborateurs."),
    _m("nathalie.giraud", "Nathalie Giraud", "Directrice des risques", "Risques", "Paris", "fr",
       "gestion de crise, audit, réglementation",
       "Direction des risques et de la continuité d'activité."),
    _m("oliver.bennett", "Oliver Bennett", "IT security engineer", "IT", "London", "en",
       "cybersecurity, Python, incident response",
       "Security engineer. Report suspicious emails, it is never a bother."),
    _m("hannah.price", "Hannah Price", "Legal counsel", "Legal", "London", "en",
       "contracts, GDPR, compliance",
       "Legal counsel for the UK entity: contracts, data protection and everything in between."),
    _m("grace.turner", "Grace Turner", "Content strategist", "Marketing", "London", "en",
       "SEO, copywriting, content strategy",
       "Content strategy and SEO for our English-speaking sites."),
    _m("liam.murphy", "Liam Murphy", "Media relations officer", "Communication", "Montréal", "en",
       "relations presse, media training, crisis communication",
       "Press relations for Canada, in English and French."),
    _m("sophie.clarke", "Sophie Clarke", "Events coordinator", "Communication", "London", "en",
       "événementiel, logistics, hybrid events",
       "Events in London: town halls, launches and the Christmas party."),
    _m("ethan.brooks", "Ethan Brooks", "Data engineer", "IT", "Montréal", "en",
       "Python, dbt, PostgreSQL, Power BI",
       "Data pipelines and the warehouse behind most of our dashboards."),
    _m("julie.perrin", "Julie Perrin", "Responsable marque employeur", "RH", "Paris", "fr",
       "marque employeur, LinkedIn, vidéo",
       "Je raconte ce que c'est de travailler chez nous, avec vous de préférence."),
    _m("aurelie.marchand", "Aurélie Marchand", "Juriste propriété intellectuelle", "Juridique", "Lyon", "fr",
       "propriété intellectuelle, marques, contrats, droit à l'image",
       "Marques, droits d'auteur et droit à l'image : posez vos questions avant de publier."),
    _m("mathieu.lambert", "Mathieu Lambert", "Juriste", "Juridique", "Paris", "fr",
       "RGPD, contrats, droit du travail",
       "Juriste en droit social et protection des données."),
    _m("chloe.blanc", "Chloé Blanc", "UX designer", "Innovation", "Montréal", "fr",
       "UX, Figma, accessibilité, tests utilisateurs",
       "Designer UX à Montréal. L'accessibilité n'est pas une option."),
    _m("ines.haddad", "Inès Haddad", "Chargée de communication interne", "Communication", "Montréal", "fr",
       "newsletter, intranet, rédaction, événementiel",
       "Communication interne pour le bureau de Montréal, en français et en anglais."),
    _m("romain.vidal", "Romain Vidal", "Analyste risques", "Risques", "Lyon", "fr",
       "Python, modélisation, Power BI",
       "Modèles de risque et reporting. Python le matin, Power BI l'après-midi."),
    _m("manon.robin", "Manon Robin", "Chargée de formation", "RH", "Lille", "fr",
       "formation, e-learning, onboarding, facilitation",
       "Formation et animation d'ateliers, en présentiel comme à distance."),
    _m("megan.foster", "Megan Foster", "Learning & development specialist", "HR", "Montréal", "en",
       "e-learning, facilitation, onboarding",
       "Learning programmes and onboarding for North America."),
    _m("daniel.cooper", "Daniel Cooper", "Financial analyst", "Finance", "London", "en",
       "Power BI, forecasting, Excel",
       "Forecasts, budgets and the occasional pivot table."),
    _m("isabella.green", "Isabella Green", "Product marketing manager", "Marketing", "Montréal", "en",
       "lancement produit, positioning, SEO",
       "Product marketing for Canada: positioning, launches and sales enablement."),
    _m("yasmine.benali", "Yasmine Benali", "Chargée de RSE", "RH", "Paris", "fr",
       "RSE, bilan carbone, diversité, inclusion",
       "Responsabilité sociétale : bilan carbone, inclusion et engagement solidaire."),
    _m("karim.mansouri", "Karim Mansouri", "Chef de projet digital", "Marketing", "Montréal", "fr",
       "gestion de projet, agilité, SEO",
       "Projets web et agilité, entre Montréal et Paris."),
    _m("priya.patel", "Priya Patel", "Data protection officer", "Legal", "London", "en",
       "GDPR, privacy by design, data governance",
       "Data protection officer. Ask me before you collect personal data, not after."),
    _m("benoit.caron", "Benoît Caron", "Technicien support", "IT", "Lille", "fr",
       "support, Microsoft 365, Teams",
       "Support informatique du site de Lille. Oui, j'ai essayé de l'éteindre et de le rallumer."),
    _m("margaux.petit", "Margaux Petit", "Alternante communication", "Communication", "Paris", "fr",
       "réseaux sociaux, Canva, montage vidéo",
       "En alternance à la communication digitale, en master à côté."),
    _m("charlotte.hughes", "Charlotte Hughes", "HR business partner", "HR", "London", "en",
       "talent management, onboarding, coaching",
       "HR business partner for the London office."),
    _m("anais.colin", "Anaïs Colin", "Chargée de marketing digital", "Marketing", "Lyon", "fr",
       "SEO, SEA, Google Analytics, emailing",
       "Acquisition et référencement. Je lis les rapports Search Console pour le plaisir."),
    _m("olivier.mercier", "Olivier Mercier", "Directeur financier adjoint", "Finance", "Paris", "fr",
       "contrôle de gestion, Power BI, budget",
       "Contrôle de gestion et pilotage budgétaire."),
    _m("maxime.gauthier", "Maxime Gauthier", "Responsable SI", "IT", "Paris", "fr",
       "architecture, cybersécurité, cloud",
       "Responsable du système d'information et de la feuille de route cloud."),
    _m("laurent.roux", "Laurent Roux", "Responsable conformité", "Juridique", "Paris", "fr",
       "conformité, éthique, lutte anti-corruption",
       "Conformité et éthique des affaires."),
    _m("celine.dumas", "Céline Dumas", "Chargée de recrutement", "RH", "Bordeaux", "fr",
       "recrutement, entretiens, sourcing",
       "Recrutement pour les sites de Bordeaux et Lyon."),
    _m("jerome.picard", "Jérôme Picard", "Responsable trésorerie", "Finance", "Paris", "fr",
       "trésorerie, Excel, Power BI",
       "Trésorerie et financement."),
    _m("vincent.morel", "Vincent Morel", "Responsable des achats", "Finance", "Lyon", "fr",
       "achats, négociation, SAP",
       "Achats responsables et relations fournisseurs."),
    _m("isabelle.renard", "Isabelle Renard", "Assistante de direction", "Finance", "Paris", "fr",
       "organisation, Excel, événementiel",
       "Assistante de la direction financière. Agenda, salles et bonne humeur."),
    _m("ryan.o.connor", "Ryan O'Connor", "Risk analyst", "Risk", "London", "en",
       "risk modelling, gestion de crise, Python",
       "Risk analytics for the UK entity."),
    _m("amelia.scott", "Amelia Scott", "UX researcher", "Innovation", "Montréal", "en",
       "user research, accessibility, Figma",
       "User research: interviews, usability tests and journey maps."),
    _m("jack.wilson", "Jack Wilson", "Procurement manager", "Finance", "London", "en",
       "procurement, negotiation, supplier risk",
       "Procurement for the UK and Ireland."),
    _m("noah.campbell", "Noah Campbell", "Cloud architect", "IT", "London", "en",
       "cloud, Kubernetes, architecture",
       "Cloud platform and architecture reviews."),
    _m("chloe.evans", "Chloe Evans", "Compliance officer", "Legal", "London", "en",
       "compliance, anti-bribery, training",
       "Compliance training and policies for the UK teams."),
    _m("william.harris", "William Harris", "Finance business partner", "Finance", "London", "en",
       "budgeting, strategy, Power BI",
       "Finance business partner to the UK leadership team."),
    _m("lucy.morgan", "Lucy Morgan", "Employer branding lead", "HR", "London", "en",
       "employer branding, LinkedIn, video",
       "Employer brand for the UK: careers site, LinkedIn and employee stories."),
    _m("samuel.lee", "Samuel Lee", "Developer advocate", "IT", "Montréal", "en",
       "Python, APIs, technical writing",
       "Helping teams use our internal APIs. Docs or it did not happen."),
    _m("benjamin.wright", "Benjamin Wright", "Business continuity manager", "Risk", "London", "en",
       "business continuity, crisis management, tabletop exercises",
       "Business continuity plans and crisis exercises for the UK."),
    _m("olivia.king", "Olivia King", "Social media manager", "Marketing", "London", "en",
       "social media, SEO, community management",
       "Social media for the UK brand accounts."),
)

# Beyond the named cast (`--members` above 60): names and profiles are combined deterministically.
EXTRA_FIRST_NAMES = (
    "Alice", "Bastien", "Clara", "David", "Eva", "Fabien", "Gaëlle", "Hugo", "Irène", "Jules", "Lina", "Marc",
    "Nora", "Paul", "Rose", "Simon", "Tina", "Victor", "Zoé", "Adam", "Emma", "George", "Holly", "Ian", "Kate",
    "Leo", "Mia", "Nathan", "Ruby", "Sam",
)
EXTRA_LAST_NAMES = (
    "Arnaud", "Barbier", "Carpentier", "Deschamps", "Étienne", "Fleury", "Gilbert", "Huet", "Jacob", "Leclerc",
    "Masson", "Noël", "Olivier", "Paris", "Rey", "Schmitt", "Adams", "Baker", "Collins", "Davies", "Edwards",
    "Fisher", "Gray", "Hall", "Jones", "Kelly", "Lewis", "Mason", "Parker", "Young",
)
EXTRA_PROFILES = (
    ("Chargé·e de communication", "Communication", "Paris", "fr", ("rédaction", "réseaux sociaux")),
    ("Chargé·e RH", "RH", "Lyon", "fr", ("recrutement", "onboarding")),
    ("Ingénieur·e logiciel", "IT", "Lyon", "fr", ("Python", "Docker")),
    ("Contrôleur·se de gestion", "Finance", "Paris", "fr", ("Power BI", "Excel")),
    ("Marketing executive", "Marketing", "London", "en", ("SEO", "copywriting")),
    ("Risk analyst", "Risk", "London", "en", ("risk modelling", "Python")),
    ("Paralegal", "Legal", "London", "en", ("contracts", "GDPR")),
    ("Innovation analyst", "Innovation", "Montréal", "en", ("generative AI", "veille")),
)


def extra_member(index: int) -> MemberSpec:
    """The `index`-th generated member (0-based) beyond the named cast."""
    first = EXTRA_FIRST_NAMES[index % len(EXTRA_FIRST_NAMES)]
    last = EXTRA_LAST_NAMES[(index // len(EXTRA_FIRST_NAMES) + index) % len(EXTRA_LAST_NAMES)]
    title, department, location, language, skills = EXTRA_PROFILES[index % len(EXTRA_PROFILES)]
    bio = "Membre de la communauté Ruche." if language == "fr" else "Member of the Ruche community."
    return MemberSpec("", f"{first} {last}", title, department, location, language, skills, bio)
