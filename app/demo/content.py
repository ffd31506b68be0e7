"""The demo community's groups and threads, in French and English.

People are named by their member key (their handle, see `people.py`); `@key` in a body mentions them and
`#topic` tags the post. `days_ago` spreads the threads over the past four weeks: the seeder writes the post's
`created_at` after creating it through the posts service (comments follow their post by a few hours).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    visibility: str
    description: str
    guidelines: str
    animators: tuple[str, ...]
    members: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()  # members of these departments join too (public groups)
    random_members: int = 0  # plus this many other members, picked deterministically (public groups)
    pending: tuple[str, ...] = ()  # requests waiting for an animator (private groups)


@dataclass(frozen=True)
class CommentSpec:
    author: str
    body: str
    replies: tuple["CommentSpec", ...] = ()
    reactions: int = 0


@dataclass(frozen=True)
class PostSpec:
    author: str
    group: str | None  # a GroupSpec key; None = the company-wide feed
    days_ago: float
    body: str
    title: str | None = None
    kind: str = "discussion"
    comments: tuple[CommentSpec, ...] = ()
    reactions: tuple[tuple[str, int], ...] = ()  # (kind, how many members)


def c(author: str, body: str, *replies: CommentSpec, reactions: int = 0) -> CommentSpec:
    return CommentSpec(author, body, tuple(replies), reactions)


COMMS = ("Communication",)

GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "reseau", "Réseau des communicants / Communicators' network", "public",
        "Le réseau de toutes celles et ceux qui communiquent : interne, externe, digital, événementiel. "
        "The network for everyone who communicates, internally or externally, in French or English.",
        "Partagez vos réussites comme vos ratés, citez vos sources, pas de contenu confidentiel ici.",
        ("claire.dubois", "sarah.mitchell"),
        members=("julie.perrin", "sophie.martin", "james.carter", "grace.turner", "lucy.morgan", "olivia.king"),
        departments=COMMS, random_members=6,
    ),
    GroupSpec(
        "veille", "Veille & benchmarks", "public",
        "Tech watch, benchmarks et tendances : IA générative, intranets, outils collaboratifs, concurrents. "
        "Tech watch and benchmarks, shared every week.",
        "Un lien = une phrase qui dit pourquoi c'est utile. One link, one sentence on why it matters.",
        ("helene.rousseau", "antoine.lefevre"),
        members=("hugo.bonnet", "matthew.reed", "francois.lemaire", "grace.turner", "camille.durand",
                 "chloe.blanc", "amelia.scott", "elodie.fontaine"),
        departments=("Innovation",), random_members=10,
    ),
    GroupSpec(
        "bonnes", "Bonnes pratiques", "public",
        "Les méthodes qui ont fait leurs preuves, documentées pour être réutilisées. "
        "Proven practices, written down so that others can reuse them.",
        "Décrivez le contexte, ce que vous avez fait et le résultat mesuré.",
        ("sarah.mitchell",),
        members=("claire.dubois", "pierre.garnier", "camille.durand", "hannah.price", "megan.foster",
                 "chloe.blanc", "anais.colin", "grace.turner", "liam.murphy", "nathalie.giraud", "priya.patel",
                 "mathieu.lambert"),
        random_members=12,
    ),
    GroupSpec(
        "lancements", "Lancements", "public",
        "Les lancements de produits et d'offres : calendrier, kits, retours terrain. "
        "Product and offer launches: calendar, kits and field feedback.",
        "Annonces par les animateurs ; questions et retours bienvenus en commentaire.",
        ("sophie.martin", "claire.dubois"),
        members=("james.carter", "isabella.green", "anais.colin", "grace.turner", "karim.mansouri",
                 "olivia.king", "lea.chevalier"),
        departments=("Marketing",), random_members=10,
    ),
    GroupSpec(
        "entraide", "Entraide", "public",
        "Une question sur un outil, une procédure, un fichier ? Demandez, quelqu'un sait. "
        "Ask anything about tools and processes: someone knows.",
        "Marquez votre question comme résolue en remerciant la personne qui a aidé.",
        ("benoit.caron", "guillaume.faure"),
        members=("nicolas.fournier", "ethan.brooks", "daniel.cooper", "manon.robin", "megan.foster",
                 "karim.mansouri", "margaux.petit", "samuel.lee", "emilie.bernard"),
        departments=("IT",), random_members=15,
    ),
    GroupSpec(
        "comite", "Comité éditorial", "private",
        "Le comité qui prépare le planning éditorial des canaux internes. "
        "The editorial committee planning internal channels.",
        "Les sujets discutés ici ne sont pas encore annoncés : ne les relayez pas avant publication.",
        ("claire.dubois", "elodie.fontaine"),
        members=("sarah.mitchell", "emily.watson", "ines.haddad", "camille.durand", "julie.perrin",
                 "lea.chevalier"),
        pending=("margaux.petit", "olivia.king"),
    ),
    GroupSpec(
        "horizon", "Projet Horizon", "secret",
        "Projet confidentiel : assistant IA pour les équipes terrain. Confidential AI assistant project.",
        "Strictement confidentiel jusqu'à l'annonce officielle.",
        ("francois.lemaire",),
        members=("antoine.lefevre", "hugo.bonnet", "matthew.reed", "chloe.blanc", "priya.patel",
                 "guillaume.faure"),
    ),
    GroupSpec(
        "data", "Communauté Data & IA", "private",
        "Data analysts, engineers et scientists : pipelines, tableaux de bord, modèles. "
        "Data people sharing pipelines, dashboards and models.",
        "Jamais de données personnelles ni de chiffres non publiés dans les captures.",
        ("ethan.brooks", "nicolas.fournier"),
        members=("hugo.bonnet", "romain.vidal", "daniel.cooper", "samuel.lee", "olivier.mercier",
                 "william.harris"),
        pending=("anais.colin",),
    ),
    GroupSpec(
        "managers", "Cercle des managers / Managers' circle", "private",
        "Entre managers : onboarding, entretiens, organisation du travail. Managers helping managers.",
        "Bienveillance et confidentialité : on parle de pratiques, pas de personnes.",
        ("julien.moreau", "charlotte.hughes"),
        members=("nathalie.giraud", "olivier.mercier", "claire.dubois", "james.carter", "maxime.gauthier",
                 "william.harris", "francois.lemaire"),
        pending=("karim.mansouri",),
    ),
)

FOLLOWS_PER_MEMBER = (3, 9)  # each member follows between 3 and 9 others
