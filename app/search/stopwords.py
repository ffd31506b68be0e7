"""Words that carry no subject in French and English, left out of the index and of queries: "qui connaît le SEO"
searches "connaît SEO", "who knows about SEO" searches "knows SEO".

Folded forms (lowercase, no accents), as the analyzer sees them. Deliberately short: a word that is a function word in
one language but a subject in the other ("son", "but", "pain", "été" = summer, "us" = the US) stays searchable.
Changing this list changes what the index holds: bump SCHEMA_VERSION (schema.py) so the indexer rebuilds it."""

FRENCH = frozenset("""
a ai aie aient ait alors as au aucun aucune aupres auquel aussi autre autres aux auxquelles auxquels avais avait
avant avec avez aviez avions avoir avons ayant ca ce ceci cela celle celles celui cependant ces cet cette ceux
chacun chaque chez ci comme comment d dans de depuis des desquelles desquels dont du duquel elle elles en encore
entre es est et etaient etais etait etant etes etre eu eux furent fut ici il ils j je jusqu jusque l la laquelle
le lequel les lesquelles lesquels leur leurs lors lui m ma mais me meme memes mes moi mon n ne ni nos notre nous
on ont ou par parce parmi pas peu plus plupart pour pourquoi qu quand que quel quelle quelles quels qui quoi s
sans se sera serait ses si soi soit sont sous suis sur t ta te tes toi tous tout toute toutes tres tu un une
unes uns vers voici voila vos votre vous y
""".split())

ENGLISH = frozenset("""
about above after again against all am an and any are aren as at be because been before being below between both
by can cannot could couldn did didn do does doesn doing down during each few for from further had hadn has
hasn have haven having he her here hers herself him himself his how i if in into is isn its itself just let me
more most my myself no nor not of off on once only or other ought our ours ourselves out over own same shall she
should so some such than that the their theirs them themselves then there these they this those through to too
under until up very was wasn we were weren what when where which while who whom whose why will with won would
you your yours yourself yourselves
""".split())

STOP_WORDS = FRENCH | ENGLISH

# What a question to the people directory adds around the subject ("who knows about SEO?", "quelqu'un connaît le
# RGPD ?", "expert en référencement"): left out of the directory's words only; the full search keeps them as words.
ASKING_WORDS = frozenset("""
know knows knowing knew known expert experts expertise skill skills help someone somebody anyone anybody
connait connais connaissent connaitre connaissance connaissances sait savent savoir competence competences
competent aide aider quelqu quelquun personne
""".split())
