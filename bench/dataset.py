"""The benchmark community as rows: the same sizes and seed give the same rows on every backend and every run.

Everything that links rows (who belongs to which group, which post gets comments and reactions) is planned first,
in memory, so that denormalised counters (`comment_count`, `reaction_count`) are known before the posts are written;
text is produced lazily while the rows stream to the database. Each table draws from its own seeded generator, so
the order in which tables are consumed does not change their content.
"""

import hashlib
import html
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from app.text import fold, slugify

BENCH_PASSWORD = "bench-password-2026"
DEFAULT_END = datetime(2026, 11, 1, tzinfo=UTC)
COMPANY_WIDE_SHARE = 0.35  # share of posts outside any group
MENTION_SHARE = 0.05  # posts that @mention one or two readers
REPLY_SHARE = 0.25  # share of comments answering an earlier top-level comment
POST_REACTION_SHARE = 0.75  # the rest of the reactions go to comments

COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "email", "password_hash", "display_name", "handle", "title", "department", "location", "bio",
              "language", "role", "is_active", "created_at", "updated_at", "name_key", "department_key", "search_key"),
    "user_skills": ("user_id", "skill_key", "skill", "position"),
    "groups": ("id", "slug", "name", "name_key", "description", "guidelines", "visibility", "created_by_id",
               "created_at"),
    "group_memberships": ("id", "group_id", "user_id", "status", "requested_at", "joined_at"),
    "follows": ("id", "follower_id", "followed_id", "created_at"),
    "posts": ("id", "author_id", "group_id", "kind", "title", "body", "body_html", "created_at", "edited_at",
              "deleted_at", "hidden_at", "comment_count", "reaction_count"),
    "post_topics": ("post_id", "topic"),
    "post_mentions": ("post_id", "user_id"),
    "comments": ("id", "post_id", "parent_id", "author_id", "body", "body_html", "created_at", "edited_at",
                 "deleted_at", "reaction_count"),
    "reactions": ("id", "user_id", "post_id", "comment_id", "kind", "created_at"),
    "activities": ("id", "type", "actor_id", "group_id", "post_id", "comment_id", "subject_user_id", "payload",
                   "created_at"),
}
TABLES = tuple(COLUMNS)  # in an order that respects foreign keys
# The notifier has handled the history, as the migration that created it assumed (its notifications are not part of
# the dataset): its cursor moves after the loaded activities.
NOTIFIER_AFTER_HISTORY = "UPDATE outbox_cursors SET last_id = (SELECT coalesce(max(id), 0) FROM activities)"
ID_TABLES = tuple(t for t in TABLES if COLUMNS[t][0] == "id")

FIRST = ("Camille", "Léa", "Hugo", "Chloé", "Louis", "Manon", "Jules", "Inès", "Arthur", "Zoé", "Emma", "Noah",
         "Olivia", "Liam", "Sophie", "James", "Amélie", "Thomas", "Sarah", "Lucas", "Élodie", "Marc", "Anna", "Paul")
LAST = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
        "Lefèvre", "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Garcia", "Müller", "Rossi", "Nguyen", "Faure")
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "HR", "Finance", "Support", "Legal", "Operations",
               "Communication", "Data", "Design", "Logistics")
TITLES = ("Engineer", "Manager", "Analyst", "Designer", "Consultant", "Chargée de mission", "Responsable",
          "Developer", "Coordinator", "Technicien")
LOCATIONS = ("Paris", "Lyon", "Nantes", "Lille", "Bordeaux", "Toulouse", "London", "Brussels", "Montréal", "Remote")
SKILLS = ("Python", "SQL", "Négociation", "Excel", "Management", "Design", "Rédaction", "Kubernetes", "Comptabilité",
          "Formation", "Data science", "Recrutement", "Juridique", "Supply chain", "Prise de parole", "UX")
GROUP_THEMES = ("Communauté Data", "Best practices", "Lean office", "Green IT", "Sales club", "Mentorat",
                "Cafés RH", "Open source", "Sécurité", "Nouveaux arrivants", "Innovation", "Bien-être")
TOPICS = ("lancement", "onboarding", "data", "securite", "rse", "bestpractice", "question", "afterwork",
          "formation", "release", "kpi", "teletravail")
_PROSE = (
    "le projet avance bien et l'équipe partage ses retours sur la nouvelle version du process "
    "merci à tous pour votre aide nous cherchons un volontaire pour la démo de jeudi prochain "
    "the team shipped the release yesterday and we would love your feedback on the dashboard "
    "quick question does anyone know who owns the onboarding checklist for new hires this quarter "
    "réunion atelier client budget planning formation sécurité données qualité innovation partage "
    "meeting workshop customer roadmap training security data quality insight sharing community"
)
WORDS = tuple(_PROSE.split())
REACTIONS = ("like", "like", "like", "thanks", "insightful", "celebrate", "support")


def bench_email(i: int) -> str:
    """Member `i` (1-based) signs in as bench{i}@example.com with BENCH_PASSWORD; bench1 is the admin."""
    return f"bench{i}@example.com"


@dataclass(frozen=True)
class Sizes:
    members: int = 1000
    groups: int = 100
    posts: int = 100_000
    comments: int = 300_000
    reactions: int = 300_000
    follows: int = 50  # members each member follows
    group_joins: int = 10  # groups each member joins
    days: int = 365  # posts are spread over this many days before `end`
    seed: int = 2026
    end: datetime = DEFAULT_END


def visibility_of(group_id: int) -> str:
    """Six public, three private and one secret group in every ten."""
    slot = group_id % 10
    return "public" if slot < 6 else "private" if slot < 9 else "secret"


@dataclass
class _Plan:
    members_of: dict[int, list[int]] = field(default_factory=dict)
    memberships: list[tuple[int, int, str]] = field(default_factory=list)
    post_group: list[int | None] = field(default_factory=list)
    post_author: list[int] = field(default_factory=list)
    post_ts: list[float] = field(default_factory=list)
    post_topics: dict[int, list[str]] = field(default_factory=dict)
    post_mentions: dict[int, list[int]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # display names and handles, by user id - 1
    handles: list[str] = field(default_factory=list)
    comment_count: list[int] = field(default_factory=list)
    comments: list[tuple[float, int, int, int | None]] = field(default_factory=list)  # ts, post, author, parent
    reactions: list[tuple[int, int | None, int | None, float]] = field(default_factory=list)
    post_reactions: list[int] = field(default_factory=list)
    comment_reactions: list[int] = field(default_factory=list)


class Dataset:
    """Plans the community once; `rows(table)` then streams that table's rows in id order."""

    def __init__(self, sizes: Sizes, password_hash: str) -> None:
        self.sizes = sizes
        self.password_hash = password_hash
        self.end_ts = sizes.end.timestamp()
        self.start_ts = self.end_ts - sizes.days * 86400
        self.plan = _Plan()
        self._plan_people()
        self._plan_memberships()
        self._plan_posts()
        self._plan_comments()
        self._plan_reactions()

    def _rng(self, name: str) -> random.Random:
        return random.Random(f"{self.sizes.seed}:{name}")

    def rows(self, table: str) -> Iterator[tuple[Any, ...]]:
        rows: Iterator[tuple[Any, ...]] = getattr(self, f"_rows_{table}")()
        return rows

    def count(self, table: str) -> int:
        s, p = self.sizes, self.plan
        return {
            "users": s.members, "user_skills": sum(_skill_count(i) for i in range(1, s.members + 1)),
            "groups": s.groups, "group_memberships": len(p.memberships),
            "follows": s.members * min(s.follows, max(s.members - 1, 0)), "posts": s.posts,
            "post_topics": sum(len(t) for t in p.post_topics.values()),
            "post_mentions": sum(len(m) for m in p.post_mentions.values()), "comments": len(p.comments),
            "reactions": len(p.reactions), "activities": s.posts + len(p.comments) + len(p.reactions),
        }[table]

    # Planning: who is where, what gets comments and reactions

    def _plan_people(self) -> None:
        rng = self._rng("names")
        for i in range(1, self.sizes.members + 1):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            self.plan.names.append(name)
            self.plan.handles.append(f"{slugify(name, max_length=30, sep='.')}.{i}")

    def _plan_memberships(self) -> None:
        s, p, rng = self.sizes, self.plan, self._rng("memberships")
        if s.groups == 0:
            return
        seen: set[tuple[int, int]] = set()
        for g in range(1, s.groups + 1):
            creator = rng.randint(1, s.members)
            p.members_of[g] = [creator]
            p.memberships.append((g, creator, "animator"))
            seen.add((g, creator))
        for u in range(1, s.members + 1):
            for g in sorted(rng.sample(range(1, s.groups + 1), min(s.group_joins, s.groups))):
                if (g, u) in seen:
                    continue
                seen.add((g, u))
                status = "pending" if visibility_of(g) == "private" and rng.random() < 0.1 else "member"
                p.memberships.append((g, u, status))
                if status == "member":
                    p.members_of[g].append(u)

    def _readers(self, group_id: int | None) -> list[int] | range:
        return range(1, self.sizes.members + 1) if group_id is None else self.plan.members_of[group_id]

    def _plan_posts(self) -> None:
        s, p, rng = self.sizes, self.plan, self._rng("posts")
        groups = list(p.members_of)
        cum = list(accumulate(len(p.members_of[g]) for g in groups))  # bigger groups post more
        span = self.end_ts - self.start_ts
        for i in range(s.posts):
            group: int | None = None
            if groups and rng.random() >= COMPANY_WIDE_SHARE:
                group = rng.choices(groups, cum_weights=cum)[0]
            p.post_group.append(group)
            p.post_author.append(rng.choice(self._readers(group)))
            p.post_ts.append(self.start_ts + span * (i + rng.random() * 0.9) / max(s.posts, 1))
            if rng.random() < 0.25:
                p.post_topics[i + 1] = sorted(set(rng.sample(TOPICS, rng.randint(1, 2))))
            if rng.random() < MENTION_SHARE:
                readers = self._readers(group)
                mentioned = {rng.choice(readers) for _ in range(rng.randint(1, 2))} - {p.post_author[-1]}
                if mentioned:
                    p.post_mentions[i + 1] = sorted(mentioned)

    def _plan_comments(self) -> None:
        s, p, rng = self.sizes, self.plan, self._rng("comments")
        p.comment_count = [0] * s.posts
        if s.posts == 0 or s.comments == 0:
            return
        cum = list(accumulate(rng.paretovariate(2.0) for _ in range(s.posts)))  # a few posts draw crowds
        for index in rng.choices(range(s.posts), cum_weights=cum, k=s.comments):
            p.comment_count[index] += 1
        drafts: list[tuple[float, int, int]] = []
        for index, n in enumerate(p.comment_count):
            readers = self._readers(p.post_group[index])
            for _ in range(n):
                ts = min(p.post_ts[index] + rng.expovariate(1 / 7200), self.end_ts)
                drafts.append((ts, index + 1, rng.choice(readers)))
        drafts.sort()
        top_level: dict[int, list[int]] = {}
        for comment_id, (ts, post_id, author) in enumerate(drafts, start=1):
            tops = top_level.setdefault(post_id, [])
            parent = rng.choice(tops) if tops and rng.random() < REPLY_SHARE else None
            if parent is None:
                tops.append(comment_id)
            p.comments.append((ts, post_id, author, parent))

    def _plan_reactions(self) -> None:
        s, p, rng = self.sizes, self.plan, self._rng("reactions")
        p.post_reactions = [0] * s.posts
        p.comment_reactions = [0] * len(p.comments)
        on_posts = round(s.reactions * POST_REACTION_SHARE) if p.comments else s.reactions
        if s.posts:
            wanted = [0] * s.posts
            cum = list(accumulate(c + 1 for c in p.comment_count))  # discussed posts get more reactions
            for index in rng.choices(range(s.posts), cum_weights=cum, k=on_posts):
                wanted[index] += 1
            for index, n in enumerate(wanted):
                readers = self._readers(p.post_group[index])
                for user in rng.sample(readers, min(n, len(readers))):
                    p.reactions.append((user, index + 1, None, p.post_ts[index]))
                    p.post_reactions[index] += 1
        if p.comments:
            wanted = [0] * len(p.comments)
            for index in rng.choices(range(len(p.comments)), k=s.reactions - on_posts):
                wanted[index] += 1
            for index, n in enumerate(wanted):
                ts, post_id, _, _ = p.comments[index]
                readers = self._readers(p.post_group[post_id - 1])
                for user in rng.sample(readers, min(n, len(readers))):
                    p.reactions.append((user, None, index + 1, ts))
                    p.comment_reactions[index] += 1

    # Rows, table by table

    def _rows_users(self) -> Iterator[tuple[Any, ...]]:
        s, rng = self.sizes, self._rng("users")
        joined = _dt(self.start_ts - 30 * 86400)
        for i in range(1, s.members + 1):
            name, handle = self.plan.names[i - 1], self.plan.handles[i - 1]
            role = "admin" if i == 1 else "moderator" if i == s.members and i > 3 else (
                "communicator" if i == s.members - 1 and i > 3 else "member")
            bio = _sentence(rng, 8, 20) if rng.random() < 0.5 else ""
            title, department = rng.choice(TITLES), rng.choice(DEPARTMENTS)
            search_key = " ".join(fold(part) for part in (name, handle, title))  # as app.users.models does
            yield (i, bench_email(i), self.password_hash, name, handle, title, department, rng.choice(LOCATIONS),
                   bio, rng.choice((None, "fr", "en")), role, True, joined, joined, fold(name), fold(department),
                   search_key)

    def _rows_user_skills(self) -> Iterator[tuple[Any, ...]]:
        rng = self._rng("user_skills")
        for i in range(1, self.sizes.members + 1):
            for position, skill in enumerate(rng.sample(SKILLS, _skill_count(i))):
                yield (i, fold(skill), skill, position)

    def _rows_groups(self) -> Iterator[tuple[Any, ...]]:
        rng = self._rng("groups")
        created = _dt(self.start_ts - 7 * 86400)
        for g in range(1, self.sizes.groups + 1):
            name = f"{GROUP_THEMES[g % len(GROUP_THEMES)]} {g}"
            creator = self.plan.members_of[g][0]
            yield (g, slugify(name), name, name.casefold(), _sentence(rng, 10, 25), "", visibility_of(g), creator,
                   created)

    def _rows_group_memberships(self) -> Iterator[tuple[Any, ...]]:
        at = _dt(self.start_ts - 7 * 86400)
        for i, (g, u, status) in enumerate(self.plan.memberships, start=1):
            yield (i, g, u, status, at, None if status == "pending" else at)

    def _rows_follows(self) -> Iterator[tuple[Any, ...]]:
        s, rng = self.sizes, self._rng("follows")
        at = _dt(self.start_ts - 7 * 86400)
        k = min(s.follows, max(s.members - 1, 0))
        follow_id = 0
        for u in range(1, s.members + 1):
            others = [o for o in rng.sample(range(1, s.members + 1), min(k + 1, s.members)) if o != u][:k]
            for o in sorted(others):
                follow_id += 1
                yield (follow_id, u, o, at)

    def _rows_posts(self) -> Iterator[tuple[Any, ...]]:
        p, rng = self.plan, self._rng("post_text")
        for index in range(self.sizes.posts):
            post_id, group, author = index + 1, p.post_group[index], p.post_author[index]
            roll = rng.random()
            kind, title = "discussion", None
            if roll < 0.12:
                kind, title = "question", _sentence(rng, 5, 10, end="?")
            elif roll < 0.14 and group is None:
                kind, title, author = "announcement", _sentence(rng, 4, 8, end=""), 1  # the admin announces
            elif roll < 0.3:
                title = _sentence(rng, 4, 8, end="")
            body = _sentence(rng, 12, 70)
            if post_id in p.post_mentions:
                body += " " + " ".join(f"@{p.handles[u - 1]}" for u in p.post_mentions[post_id])
            if post_id in p.post_topics:
                body += " " + " ".join(f"#{t}" for t in p.post_topics[post_id])
            created = _dt(p.post_ts[index])
            flag = rng.random()
            deleted = _dt(p.post_ts[index] + 3600) if flag < 0.005 else None
            hidden = _dt(p.post_ts[index] + 3600) if 0.005 <= flag < 0.008 else None
            yield (post_id, author, group, kind, title, body, _html(body), created, None, deleted, hidden,
                   p.comment_count[index], p.post_reactions[index])

    def _rows_post_topics(self) -> Iterator[tuple[Any, ...]]:
        for post_id in sorted(self.plan.post_topics):
            for topic in self.plan.post_topics[post_id]:
                yield (post_id, topic)

    def _rows_post_mentions(self) -> Iterator[tuple[Any, ...]]:
        for post_id in sorted(self.plan.post_mentions):
            for user_id in self.plan.post_mentions[post_id]:
                yield (post_id, user_id)

    def _rows_comments(self) -> Iterator[tuple[Any, ...]]:
        rng = self._rng("comment_text")
        for index, (ts, post_id, author, parent) in enumerate(self.plan.comments):
            body = _sentence(rng, 4, 30)
            yield (index + 1, post_id, parent, author, body, _html(body), _dt(ts), None, None,
                   self.plan.comment_reactions[index])

    def _rows_reactions(self) -> Iterator[tuple[Any, ...]]:
        rng = self._rng("reaction_kinds")
        for i, (user, post_id, comment_id, ts) in enumerate(self.plan.reactions, start=1):
            at = _dt(min(ts + rng.expovariate(1 / 3600), self.end_ts))
            yield (i, user, post_id, comment_id, rng.choice(REACTIONS), at)

    def _rows_activities(self) -> Iterator[tuple[Any, ...]]:
        """The outbox's history, oldest first: what the app wrote when each post, comment and reaction was made
        (a network's outbox keeps it all; the server's statements are planned against it)."""
        p = self.plan
        posts: dict[int, tuple[int, int | None, str]] = {}  # author, group, kind
        events: list[tuple[datetime, int, int]] = []
        for row in self._rows_posts():
            posts[row[0]] = (row[1], row[2], row[3])
            events.append((row[7], 0, row[0]))
        events += [(_dt(ts), 1, index + 1) for index, (ts, _, _, _) in enumerate(p.comments)]
        reactions = list(self._rows_reactions())
        events += [(row[5], 2, i) for i, row in enumerate(reactions)]
        events.sort()
        counts: dict[tuple[int, int], int] = {}
        for activity_id, (at, kind, key) in enumerate(events, start=1):
            if kind == 0:
                author, group, post_kind = posts[key]
                mentions = p.post_mentions.get(key, [])
                yield (activity_id, "post.created", author, group, key, None, None,
                       json.dumps({"kind": post_kind, "mentions": mentions}), at)
            elif kind == 1:
                _, post_id, author, parent = p.comments[key - 1]
                payload = {"parent_id": parent, "post_author_id": posts[post_id][0],
                           "parent_author_id": p.comments[parent - 1][2] if parent else None, "mentions": []}
                yield (activity_id, "comment.created", author, posts[post_id][1], post_id, key, None,
                       json.dumps(payload), at)
            else:
                _, user, post_id, comment_id, reaction, _ = reactions[key]
                target_post = post_id or p.comments[comment_id - 1][1]
                target_author = posts[post_id][0] if post_id else p.comments[comment_id - 1][2]
                target = (0, post_id) if post_id else (1, comment_id)
                counts[target] = counts.get(target, 0) + 1
                yield (activity_id, "reaction.changed", user, posts[target_post][1], post_id, comment_id, None,
                       json.dumps({"reaction_count": counts[target], "kind": reaction,
                                   "target_author_id": target_author, "target_post_id": target_post}), at)


def fingerprint(dataset: Dataset) -> str:
    """A digest of every row of every table: equal for equal sizes and seed."""
    digest = hashlib.sha256()
    for table in TABLES:
        for row in dataset.rows(table):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _skill_count(user_id: int) -> int:
    return 2 + user_id % 3


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _sentence(rng: random.Random, low: int, high: int, end: str = ".") -> str:
    text = " ".join(rng.choices(WORDS, k=rng.randint(low, high)))
    return text[0].upper() + text[1:] + end


def _html(body: str) -> str:
    return f"<p>{html.escape(body, quote=False)}</p>"

