"""skill_synonyms: the bilingual list the people search widens skills with, seeded with the demo's skills

The table and its first rows in one revision: the list is useful from the first start, and admins edit it from then
on (/admin/skill-synonyms). The rows are written as data here (no import of `app`), so later edits of the code's
defaults never rewrite an admin's list.

Revision ID: a8bbb541cf66
Revises: 7c1d2e4f6a80
Create Date: 2026-12-07 16:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'a8bbb541cf66'
down_revision: str | None = '7c1d2e4f6a80'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (français, English): the skills of the demo community (app/demo/people.py) and their usual translations.
DEFAULTS = [
    ("référencement", "SEO"),
    ("référencement payant", "SEA"),
    ("relations presse", "press relations"),
    ("communication interne", "internal communication"),
    ("communication interne", "internal comms"),
    ("communication de crise", "crisis communication"),
    ("gestion de crise", "crisis management"),
    ("accessibilité", "accessibility"),
    ("RGPD", "GDPR"),
    ("conformité", "compliance"),
    ("continuité d'activité", "business continuity"),
    ("contrats", "contracts"),
    ("cybersécurité", "cybersecurity"),
    ("IA générative", "generative AI"),
    ("apprentissage automatique", "machine learning"),
    ("lancement produit", "product launch"),
    ("logistique", "logistics"),
    ("marque employeur", "employer branding"),
    ("négociation", "negotiation"),
    ("prototypage", "prototyping"),
    ("études de marché", "market research"),
    ("stratégie", "strategy"),
    ("stratégie de marque", "brand strategy"),
    ("stratégie éditoriale", "content strategy"),
    ("réseaux sociaux", "social media"),
    ("animation de communauté", "community management"),
    ("formation", "training"),
    ("vidéo", "video"),
    ("montage vidéo", "video editing"),
    ("modération", "moderation"),
    ("achats", "procurement"),
    ("lutte anti-corruption", "anti-bribery"),
    ("gestion des talents", "talent management"),
    ("conduite du changement", "change management"),
    ("événements hybrides", "hybrid events"),
    ("événementiel", "events"),
    ("recherche utilisateur", "user research"),
    ("tests utilisateurs", "user testing"),
    ("rédaction", "copywriting"),
    ("rédaction technique", "technical writing"),
    ("gestion de projet", "project management"),
    ("gouvernance des données", "data governance"),
    ("cartographie des risques", "risk mapping"),
    ("modélisation des risques", "risk modelling"),
    ("réponse aux incidents", "incident response"),
    ("RSE", "CSR"),
    ("intégration des nouveaux", "onboarding"),
    ("budget", "budgeting"),
    ("prévisions", "forecasting"),
    ("propriété intellectuelle", "intellectual property"),
    ("veille", "market watch"),
    ("dialogue social", "labour relations"),
    ("droit du travail", "employment law"),
    ("recrutement", "recruitment"),
    ("diversité", "diversity"),
    ("éthique", "ethics"),
    ("trésorerie", "treasury"),
    ("marques", "trademarks"),
    ("ligne éditoriale", "editorial line"),
    ("prise de parole", "public speaking"),
    ("contrôle de gestion", "management control"),
    ("partenariats", "partnerships"),
    ("risques fournisseurs", "supplier risk"),
    ("exercices de crise", "tabletop exercises"),
]


def upgrade() -> None:
    table = op.create_table(
        'skill_synonyms',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('french', sa.String(length=60), nullable=False),
        sa.Column('english', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_synonyms')),
    )
    op.bulk_insert(table, [{'position': i, 'french': fr, 'english': en} for i, (fr, en) in enumerate(DEFAULTS)])


def downgrade() -> None:
    op.drop_table('skill_synonyms')
