"""The demo threads: tech watch, a benchmark, a project presentation, questions with answers, launches.

Listed oldest first; the seeder creates them in this order so ids and dates agree.
"""

from app.demo.content import PostSpec, c

POSTS: tuple[PostSpec, ...] = (
    PostSpec(
        "claire.dubois", None, 27.2, kind="announcement", title="Bienvenue sur Ruche ! / Welcome to Ruche!",
        body=(
            "Bonjour à toutes et à tous,\n\n"
            "Ruche remplace nos listes de diffusion : posez vos questions dans **Entraide**, partagez votre veille "
            "dans **Veille & benchmarks** et suivez les lancements dans **Lancements**.\n\n"
            "La charte de la communauté est animée par @sarah.mitchell : bienveillance, pas de données "
            "confidentielles dans les groupes publics, et on cite ses sources.\n\n"
            "---\n\n"
            "Hello everyone! Ruche replaces our mailing lists. Ask in **Entraide**, share your tech watch and "
            "follow launches. Write in French or English, whichever you prefer. #bienvenue #ruche"
        ),
        comments=(
            c("sarah.mitchell", "Ravie de lancer cette communauté avec vous ! Les questions sur la charte, c'est par "
              "ici. / Happy to help with any question about the guidelines.", reactions=6),
            c("julien.moreau", "Enfin un seul endroit pour les annonces RH et les questions des équipes. Merci !"),
            c("james.carter", "Great to see the UK and Montréal teams in the same place at last."),
            c("benoit.caron", "Pour les soucis de connexion, postez dans Entraide, je surveille.",
              c("margaux.petit", "Top, merci Benoît !")),
        ),
        reactions=(("celebrate", 14), ("like", 10), ("thanks", 4)),
    ),
    PostSpec(
        "antoine.lefevre", "veille", 25.6, title="Veille IA générative : trois lectures",
        body=(
            "Trois lectures de la semaine :\n\n"
            "1. Les assistants de rédaction intégrés aux suites bureautiques : utiles pour les premiers jets, "
            "encore fragiles sur les chiffres.\n"
            "2. Un retour d'expérience d'une banque sur la recherche documentaire interne (RAG) : 60 % de tickets "
            "support en moins sur les procédures.\n"
            "3. Un guide de l'ANSSI sur les usages sécurisés des IA génératives, à lire avant tout pilote.\n\n"
            "@hugo.bonnet, ton avis sur le point 2 ? #veille #IAgenerative"
        ),
        comments=(
            c("hugo.bonnet", "Le chiffre de 60 % me paraît optimiste mais la démarche est bonne : ils ont d'abord "
              "nettoyé leur base documentaire. C'est 80 % du travail.", reactions=5),
            c("matthew.reed", "Same lesson in our pilot: the model was never the bottleneck, the documents were."),
            c("helene.rousseau", "J'ajoute le guide ANSSI à la page de ressources du groupe."),
        ),
        reactions=(("insightful", 9), ("like", 6)),
    ),
    PostSpec(
        "helene.rousseau", "veille", 24.3, title="Benchmark : les intranets sociaux de cinq grands groupes",
        body=(
            "J'ai comparé les réseaux sociaux internes de cinq groupes (banque, énergie, distribution, conseil, "
            "industrie). Ce qui ressort :\n\n"
            "- **Adoption** : les groupes thématiques animés tiennent dans la durée, les groupes créés « au cas "
            "où » meurent en trois mois.\n"
            "- **Animation** : chaque groupe actif a au moins deux animateurs et un rendez-vous régulier.\n"
            "- **Direction** : les messages des dirigeants marchent quand ils répondent aux commentaires.\n"
            "- **Mobile** : 40 à 60 % des lectures se font sur téléphone.\n\n"
            "La synthèse complète est dans le dossier partagé. #benchmark #intranet #veille"
        ),
        comments=(
            c("claire.dubois", "Très utile pour le comité éditorial, merci Hélène. Le point sur les dirigeants qui "
              "répondent est exactement ce que je cherchais à montrer.",
              c("helene.rousseau", "Je peux te préparer une version de deux pages pour le comité de direction."),
              reactions=4),
            c("emily.watson", "Interesting that mobile is that high. Our UK newsletter stats show the same trend."),
            c("sarah.mitchell", "« Deux animateurs par groupe » : je l'ajoute à la charte des animateurs."),
            c("antoine.lefevre", "Tu as regardé la place de la recherche ? Chez nous c'est la première demande."),
        ),
        reactions=(("insightful", 12), ("like", 8), ("thanks", 3)),
    ),
    PostSpec(
        "camille.durand", "bonnes", 23.1, kind="question", title="SEO de nos actualités : quelles règles ?",
        body=(
            "Nos actualités sur le site institutionnel sont peu trouvées sur Google. Avant de refaire le gabarit, "
            "quelles règles appliquez-vous : longueur des titres, méta-descriptions, liens internes ? #SEO"
        ),
        comments=(
            c("anais.colin", "Titre de moins de 60 caractères avec le mot-clé au début, une méta-description "
              "rédigée (pas générée), et au moins deux liens vers des pages de fond. Et surtout : une URL stable.",
              c("camille.durand", "Merci Anaïs, on teste sur les dix prochaines actualités."), reactions=7),
            c("grace.turner", "On the English site, adding a short FAQ block at the end doubled our impressions in "
              "two months. Happy to share the template."),
            c("karim.mansouri", "Pensez aussi aux images : texte alternatif et poids < 200 Ko, Search Console "
              "nous le reprochait."),
        ),
        reactions=(("like", 5), ("insightful", 3)),
    ),
    PostSpec(
        "matthew.reed", "veille", 22.4, title="Tech watch: AI writing assistants for internal comms",
        body=(
            "We tested three AI writing assistants with the London comms team for two weeks.\n\n"
            "- Good at turning meeting notes into a first draft.\n"
            "- Poor at tone: everything sounds like a press release.\n"
            "- Translation FR ↔ EN was the surprise hit, with a human review.\n\n"
            "Full notes shared with @emily.watson. #veille #generativeAI"
        ),
        comments=(
            c("emily.watson", "The translation point is the one I would push: it saves us a day per newsletter.",
              c("ines.haddad", "Même constat à Montréal, à condition de relire les expressions idiomatiques.")),
            c("priya.patel", "Before rolling out: which tool keeps prompts on EU servers? Let's talk before the "
              "pilot extends.", reactions=4),
        ),
        reactions=(("insightful", 7), ("like", 5)),
    ),
    PostSpec(
        "sarah.mitchell", "bonnes", 21.5, title="Community guidelines: how we moderate",
        body=(
            "A short summary of how moderation works on Ruche:\n\n"
            "1. Animators keep their group on topic.\n"
            "2. Anyone can report a post; the editorial committee reviews reports within a working day.\n"
            "3. We hide rather than delete, and we always tell the author why.\n\n"
            "La version française est épinglée dans le groupe. #moderation #charte"
        ),
        comments=(
            c("claire.dubois", "Merci Sarah. Important : on modère des contenus, jamais des personnes."),
            c("liam.murphy", "Clear and short, exactly what people will actually read."),
        ),
        reactions=(("like", 9), ("thanks", 4)),
    ),
    PostSpec(
        "julien.moreau", "managers", 20.2, title="Onboarding : retour d'expérience du site de Lyon",
        body=(
            "Depuis septembre, chaque nouvel arrivant à Lyon a un parrain ou une marraine et un programme de "
            "deux semaines. Résultat : plus aucun départ pendant la période d'essai sur le trimestre.\n\n"
            "Ce qui a le plus compté : le déjeuner du premier jour et un point à J+30 avec le manager. "
            "@charlotte.hughes, vous faites comment à Londres ? #onboarding"
        ),
        comments=(
            c("charlotte.hughes", "Very similar: a buddy plus a 30-60-90 days plan. We also ask new joiners to post "
              "a short intro here, which helps a lot.",
              c("julien.moreau", "Bonne idée, on l'ajoute au kit d'accueil.")),
            c("nathalie.giraud", "Je prends le modèle de programme pour les arrivées de janvier."),
        ),
        reactions=(("insightful", 4), ("like", 3)),
    ),
    PostSpec(
        "nicolas.fournier", "entraide", 19.3, kind="question",
        title="Power BI : actualiser un rapport connecté à SharePoint ?",
        body=(
            "Mon rapport Power BI lit un fichier Excel sur SharePoint. L'actualisation planifiée échoue avec une "
            "erreur d'identifiants alors que tout marche sur mon poste. Une idée ? #PowerBI"
        ),
        comments=(
            c("ethan.brooks", "In the service, open the dataset settings and set the data source credentials to "
              "OAuth2 with your organisational account; Windows authentication only works on your desktop.",
              c("nicolas.fournier", "C'était exactement ça, merci Ethan !", reactions=2), reactions=6),
            c("daniel.cooper", "And use the SharePoint folder connector rather than the file path: it survives "
              "renames."),
        ),
        reactions=(("like", 4), ("thanks", 2)),
    ),
    PostSpec(
        "pierre.garnier", "bonnes", 18.1, title="Gestion de crise : la checklist des 60 premières minutes",
        body=(
            "Après l'exercice de septembre, voici notre checklist pour la première heure d'une crise :\n\n"
            "1. Qualifier : qui est touché, depuis quand, quelle gravité.\n"
            "2. Convoquer la cellule (liste d'astreinte à jour !).\n"
            "3. Un seul porte-parole, un premier message interne sous 30 minutes.\n"
            "4. Ouvrir la main courante : qui décide quoi, à quelle heure.\n\n"
            "Merci @lea.chevalier pour la partie presse. #gestiondecrise #bonnespratiques"
        ),
        comments=(
            c("lea.chevalier", "J'ajoute : préparer un message d'attente pour les journalistes, validé à l'avance."),
            c("liam.murphy", "We use almost the same list in Montréal; the holding statement is the one people "
              "forget.", reactions=3),
            c("nathalie.giraud", "Checklist validée pour le plan de continuité. Prochain exercice le 15 décembre."),
        ),
        reactions=(("insightful", 10), ("like", 6), ("support", 2)),
    ),
    PostSpec(
        "emilie.bernard", "reseau", 17.2, kind="question",
        title="Événement hybride : quel outil pour les questions du public ?",
        body=(
            "Pour la convention de janvier (300 personnes en salle, 800 à distance), je cherche un outil de "
            "questions / sondages qui mélange bien salle et distanciel. Vos retours ? #événementiel"
        ),
        comments=(
            c("sophie.clarke", "We used the Q&A built into our webinar platform for the London town hall: one "
              "queue for both audiences and a moderator who merges duplicates. Worked well.",
              c("emilie.bernard", "Merci Sophie, tu peux m'envoyer le déroulé de la régie ?")),
            c("ines.haddad", "Prévoir une personne dédiée à la modération des questions, sinon ça déborde."),
        ),
        reactions=(("like", 4),),
    ),
    PostSpec(
        "lea.chevalier", "reseau", 16.4, title="Relations presse : le kit média est à jour",
        body=(
            "Le kit média 2026 est disponible : chiffres clés, biographies des porte-parole, photos libres de "
            "droits, en français et en anglais. @liam.murphy a relu la version canadienne. #relationspresse"
        ),
        comments=(
            c("liam.murphy", "Thanks Léa. The Canadian version has the Montréal office figures."),
            c("james.carter", "Perfect timing for the UK launch, thank you."),
        ),
        reactions=(("thanks", 6), ("like", 5)),
    ),
    PostSpec(
        "francois.lemaire", "horizon", 15.5, title="Projet Horizon — présentation du projet",
        body=(
            "Horizon est un assistant qui répond aux questions des équipes terrain à partir de nos procédures.\n\n"
            "- **Objectif** : répondre en moins de 10 secondes, avec la source citée.\n"
            "- **Périmètre du pilote** : 3 agences, 120 utilisateurs, 6 semaines.\n"
            "- **Équipe** : @antoine.lefevre (produit), @hugo.bonnet (modèles), @chloe.blanc (UX), "
            "@priya.patel (protection des données).\n\n"
            "Merci de garder le sujet confidentiel jusqu'à l'annonce. #Horizon"
        ),
        comments=(
            c("antoine.lefevre", "Le planning détaillé est dans l'espace projet. Premier jalon : corpus validé."),
            c("priya.patel", "I will run the data protection impact assessment this week.", reactions=3),
            c("matthew.reed", "The London pilot team is ready whenever you are."),
        ),
        reactions=(("celebrate", 4), ("like", 2)),
    ),
    PostSpec(
        "sophie.martin", "lancements", 14.3, kind="announcement", title="Lancement de l'offre Pro le 2 décembre",
        body=(
            "C'est officiel : la nouvelle offre Pro sort le **2 décembre**.\n\n"
            "- Kit commercial et FAQ dans le dossier Lancements.\n"
            "- Formation des équipes de vente les 27 et 28 novembre.\n"
            "- Communiqué de presse préparé avec @lea.chevalier.\n\n"
            "Questions en commentaire, on répond à tout. #lancement #offrepro"
        ),
        comments=(
            c("james.carter", "UK launch follows on December 9. We will reuse the FAQ, translated."),
            c("anais.colin", "La landing page est prête, on active les campagnes le 2 au matin.", reactions=3),
            c("isabella.green", "Montréal is aligned on the 9th as well, bilingual assets in progress.",
              c("sophie.martin", "Super, on fait un point commun jeudi ?")),
            c("olivia.king", "Social posts scheduled for the UK accounts."),
        ),
        reactions=(("celebrate", 16), ("like", 8)),
    ),
    PostSpec(
        "guillaume.faure", "entraide", 13.6, kind="question",
        title="Authentification unique sur l'outil de réservation de salles ?",
        body="Quelqu'un a déjà branché l'outil de réservation de salles sur notre SSO ? La doc est muette. #SSO",
        comments=(
            c("benoit.caron", "Oui, il faut demander l'activation SAML à l'éditeur, puis nous envoyer les "
              "métadonnées. Je te transfère le ticket de l'an dernier.",
              c("guillaume.faure", "Parfait, merci !")),
            c("noah.campbell", "The London instance already uses it, the config is in the IT wiki."),
        ),
        reactions=(("like", 3),),
    ),
    PostSpec(
        "james.carter", "lancements", 13.2, title="UK launch plan — feedback welcome",
        body=(
            "Draft plan for the UK launch of the Pro offer on December 9:\n\n"
            "1. Press release with @liam.murphy's media list for the trade press.\n"
            "2. LinkedIn campaign led by @olivia.king.\n"
            "3. Customer webinar on December 11.\n\n"
            "Anything missing? #launch #offrepro"
        ),
        comments=(
            c("grace.turner", "A comparison page for search would help: people search for 'Pro vs Standard'."),
            c("sophie.martin", "On a une page comparatif côté France, je te l'envoie pour traduction."),
        ),
        reactions=(("like", 6), ("insightful", 2)),
    ),
    PostSpec(
        "emily.watson", "reseau", 12.5, title="Our newsletter open rate doubled after we cut it in half",
        body=(
            "We moved from a 12-item monthly newsletter to a 5-item fortnightly one in September. "
            "Open rate went from 31% to 64%, and clicks followed.\n\n"
            "The rule now: if it does not need action or pride, it goes to Ruche instead. #newsletter "
            "#bonnespratiques"
        ),
        comments=(
            c("elodie.fontaine", "Très inspirant. On teste le format court pour la lettre de janvier ?",
              c("claire.dubois", "Oui, on en parle au comité éditorial.")),
            c("ines.haddad", "À Montréal on a fait pareil avec une version bilingue en colonnes, même effet."),
            c("camille.durand", "Vous mesurez le temps de lecture aussi ?"),
        ),
        reactions=(("insightful", 11), ("like", 7)),
    ),
    PostSpec(
        "hugo.bonnet", "horizon", 12.1, title="Horizon : premiers résultats du prototype",
        body=(
            "Sur 200 questions réelles des agences :\n\n"
            "- 78 % de réponses jugées correctes par les experts métier ;\n"
            "- 9 % de « je ne sais pas » (c'est voulu) ;\n"
            "- temps de réponse médian : 4 secondes.\n\n"
            "Les erreurs viennent surtout de procédures en double. @antoine.lefevre on fait la liste ? #Horizon"
        ),
        comments=(
            c("antoine.lefevre", "Oui, je la partage demain avec les responsables d'agence."),
            c("chloe.blanc", "Les testeurs demandent à voir la source avant la réponse, je modifie la maquette.",
              reactions=2),
        ),
        reactions=(("celebrate", 4), ("insightful", 2)),
    ),
    PostSpec(
        "elodie.fontaine", "comite", 11.3, title="Planning éditorial de décembre",
        body=(
            "Proposition pour décembre :\n\n"
            "- sem. 49 : lancement de l'offre Pro (relais @sophie.martin) ;\n"
            "- sem. 50 : résultats du baromètre interne ;\n"
            "- sem. 51 : portraits d'équipes de Montréal (@ines.haddad) ;\n"
            "- sem. 52 : rétrospective de l'année.\n\n"
            "Commentaires avant vendredi. #planning"
        ),
        comments=(
            c("ines.haddad", "Je peux livrer les portraits pour la semaine 51, en FR et EN."),
            c("claire.dubois", "Validé. On garde un créneau libre en semaine 50 au cas où."),
        ),
        reactions=(("like", 4),),
    ),
    PostSpec(
        "oliver.bennett", None, 10.6, title="Phishing campaign in progress / Campagne d'hameçonnage en cours",
        body=(
            "We are seeing fake 'shared document' emails this morning. Do not click: use the Report button.\n\n"
            "Des courriels « document partagé » frauduleux circulent ce matin. Ne cliquez pas, signalez-les avec "
            "le bouton Signaler. #cybersecurite"
        ),
        comments=(
            c("maxime.gauthier", "Merci Oliver. Les liens sont bloqués depuis 10 h, mais signalez quand même."),
            c("isabelle.renard", "J'en ai reçu deux, signalés !"),
        ),
        reactions=(("thanks", 12), ("like", 4)),
    ),
    PostSpec(
        "hannah.price", "bonnes", 10.2, title="GDPR in comms: five checks before you send a survey",
        body=(
            "1. Do you need names at all? Anonymous is easier.\n"
            "2. Say why you collect each answer.\n"
            "3. Set a deletion date.\n"
            "4. Use the approved survey tool only.\n"
            "5. Ask @priya.patel if in doubt.\n\n"
            "#GDPR #RGPD"
        ),
        comments=(
            c("priya.patel", "And please: no free-text field asking about health."),
            c("mathieu.lambert", "Même règle côté France ; je traduis la liste pour le groupe.",
              c("hannah.price", "Merci Mathieu !")),
        ),
        reactions=(("insightful", 8), ("thanks", 3)),
    ),
    PostSpec(
        "grace.turner", "veille", 9.5, title="Benchmark: how four competitors announce launches on LinkedIn",
        body=(
            "I looked at 40 launch posts from four competitors.\n\n"
            "- Videos under 45 seconds get three times the comments.\n"
            "- Posts by employees outperform the brand page.\n"
            "- Carousels work for B2B features, not for brand news.\n\n"
            "#benchmark #SEO #veille"
        ),
        comments=(
            c("olivia.king", "Matches what we see on the UK account: employee posts win."),
            c("julie.perrin", "Argument parfait pour le programme d'ambassadeurs, merci Grace."),
        ),
        reactions=(("insightful", 7), ("like", 4)),
    ),
    PostSpec(
        "claire.dubois", "comite", 9.1, kind="question",
        title="Déménagement de Lyon : communiquer avant l'annonce officielle ?",
        body=(
            "Les rumeurs circulent sur le déménagement du site de Lyon. Faut-il un message d'attente maintenant "
            "ou attendre l'annonce du 15 ? J'ai besoin de vos avis. #lyon"
        ),
        comments=(
            c("emily.watson", "In my experience silence feeds rumours: a short 'here is what we know and when "
              "you will know more' works."),
            c("julie.perrin", "D'accord avec Emily, avec une date précise pour la suite."),
            c("elodie.fontaine", "Je propose un brouillon ce soir."),
        ),
        reactions=(("support", 3),),
    ),
    PostSpec(
        "julie.perrin", "reseau", 8.4, kind="question",
        title="Vidéos témoignages : quelle autorisation de droit à l'image ?",
        body=(
            "On tourne des vidéos de collaborateurs pour la marque employeur. Quelle autorisation faut-il, et "
            "pour combien de temps ? @aurelie.marchand #marqueemployeur"
        ),
        comments=(
            c("aurelie.marchand", "Une autorisation écrite, précise sur les supports et la durée (trois ans "
              "c'est raisonnable), révocable. Le modèle est dans l'espace juridique.",
              c("julie.perrin", "Merci Aurélie, c'est parfait."), reactions=4),
            c("lucy.morgan", "In the UK we also re-confirm when someone leaves the company."),
        ),
        reactions=(("thanks", 5), ("like", 2)),
    ),
    PostSpec(
        "thomas.girard", None, 8.2, kind="announcement",
        title="Maintenance de Ruche samedi 7 h–8 h / Ruche maintenance on Saturday",
        body=(
            "Ruche sera indisponible samedi de 7 h à 8 h (heure de Paris) pour une mise à jour.\n\n"
            "Ruche will be unavailable on Saturday 6–7 am UK time for an upgrade. #maintenance"
        ),
        comments=(c("benoit.caron", "Je serai d'astreinte si besoin."),),
        reactions=(("thanks", 5),),
    ),
    PostSpec(
        "ethan.brooks", "data", 7.3, title="dbt + Power BI: our new finance pipeline",
        body=(
            "The finance models now run in dbt every night and feed the Power BI datasets directly. "
            "Refresh time dropped from 50 to 8 minutes, and every figure has a documented lineage. "
            "@nicolas.fournier helped test the reports. #PowerBI #dbt"
        ),
        comments=(
            c("nicolas.fournier", "Et on a enfin une seule définition du chiffre d'affaires !", reactions=3),
            c("olivier.mercier", "Bravo à tous les deux. On présente ça au comité financier ?"),
        ),
        reactions=(("celebrate", 5), ("like", 3)),
    ),
    PostSpec(
        "romain.vidal", "data", 6.4, kind="question",
        title="Python : quelle librairie pour des graphiques interactifs ?",
        body="Pour les rapports risques, je cherche des graphiques interactifs exportables en HTML. Plotly, "
             "Altair, autre chose ? #Python",
        comments=(
            c("hugo.bonnet", "Plotly pour l'export HTML autonome, Altair si tu veux une grammaire plus propre."),
            c("samuel.lee", "Plotly, and keep the JSON small: one trace per series, not per point.",
              c("romain.vidal", "Noté, merci à vous deux.")),
        ),
        reactions=(("like", 3),),
    ),
    PostSpec(
        "manon.robin", "entraide", 6.1, kind="question",
        title="Animer un atelier à distance à 40 personnes ?",
        body="Je prépare un atelier de 2 h à distance pour 40 managers. Un outil de tableau blanc que vous "
             "recommandez ? #facilitation",
        comments=(
            c("megan.foster", "Break-out rooms of 5 with one board each, and a facilitator per two rooms. The tool "
              "matters less than the timing.", reactions=3),
            c("chloe.blanc", "Prépare les tableaux à l'avance avec des zones nommées, ça évite le chaos."),
        ),
        reactions=(("like", 2),),
    ),
    PostSpec(
        "antoine.lefevre", "veille", 5.4, title="Veille IA générative : petits modèles et nouveaux arrivants",
        body=(
            "- Les modèles « petits » rattrapent les gros sur les tâches de classement : intéressant pour les "
            "coûts.\n"
            "- Une étude sur l'effet des assistants sur les nouveaux arrivants : gains forts la première année.\n"
            "- Rappel : pas de données clients dans les outils grand public.\n\n"
            "#veille #IAgenerative"
        ),
        comments=(
            c("helene.rousseau", "L'étude sur les nouveaux arrivants intéressera @julien.moreau."),
            c("julien.moreau", "Effectivement, je la lis ce week-end."),
        ),
        reactions=(("insightful", 6), ("like", 3)),
    ),
    PostSpec(
        "megan.foster", "bonnes", 5.2, title="Onboarding buddy programme: what we learnt in Montréal",
        body=(
            "Six months of buddies in Montréal:\n\n"
            "- Buddies from another team work better than from the same team.\n"
            "- A lunch budget matters more than a checklist.\n"
            "- New joiners rate the programme 4.6/5.\n\n"
            "#onboarding #bonnespratiques"
        ),
        comments=(
            c("charlotte.hughes", "The lunch budget point is gold. Stealing it for London."),
            c("manon.robin", "On l'intègre à la formation des tuteurs en France."),
        ),
        reactions=(("insightful", 6), ("like", 4)),
    ),
    PostSpec(
        "isabella.green", "lancements", 4.5, title="Montréal launch event: save the date (December 10)",
        body=(
            "The Pro offer launch event in Montréal will take place on **December 10**, 5 pm, at the office. "
            "Bilingual programme, customers welcome. @emilie.bernard is helping with logistics. "
            "#launch #événementiel"
        ),
        comments=(
            c("emilie.bernard", "Traiteur et régie réservés, il reste à valider la liste des invités."),
            c("karim.mansouri", "Je m'occupe de la page d'inscription."),
        ),
        reactions=(("celebrate", 7), ("like", 3)),
    ),
    PostSpec(
        "yasmine.benali", None, 4.2, title="Semaine européenne du handicap : les ateliers sont ouverts à tous",
        body=(
            "Du 17 au 21 novembre, ateliers de sensibilisation à Paris, Lyon et en ligne : langue des signes, "
            "accessibilité numérique, handicaps invisibles. Inscriptions sur la page RSE. "
            "English sessions available online. #RSE #inclusion"
        ),
        comments=(
            c("chloe.blanc", "Je co-anime l'atelier accessibilité numérique, venez avec vos documents !"),
            c("amelia.scott", "Signed up for the online session, thank you for the English slot."),
        ),
        reactions=(("support", 8), ("like", 6)),
    ),
    PostSpec(
        "chloe.blanc", "bonnes", 3.4, title="Accessibilité : six réflexes pour vos documents",
        body=(
            "1. Des titres structurés, pas du gras.\n"
            "2. Un texte alternatif pour chaque image utile.\n"
            "3. Un contraste suffisant (4,5:1).\n"
            "4. Des liens explicites, jamais « cliquez ici ».\n"
            "5. Des tableaux simples.\n"
            "6. Le vérificateur d'accessibilité avant d'envoyer.\n\n"
            "#accessibilite #bonnespratiques"
        ),
        comments=(
            c("amelia.scott", "Number 4 is the one I see broken most often in our intranet."),
            c("camille.durand", "On l'ajoute au gabarit des actualités, merci Chloé."),
            c("sarah.mitchell", "Pinning this for the communicators' network too."),
        ),
        reactions=(("insightful", 9), ("like", 6)),
    ),
    PostSpec(
        "liam.murphy", "reseau", 3.1, kind="question",
        title="Media training: a good bilingual trainer in Montréal?",
        body="Two of our spokespeople need media training in both French and English before January. "
             "Any recommendation? @lea.chevalier #relationspresse",
        comments=(
            c("lea.chevalier", "On a travaillé avec un cabinet à Montréal l'an dernier, très bien en bilingue. "
              "Je t'envoie le contact.", c("liam.murphy", "Thank you Léa!")),
        ),
        reactions=(("like", 2),),
    ),
    PostSpec(
        "karim.mansouri", "entraide", 2.6, kind="question",
        title="Un gabarit de compte rendu de projet bilingue ?",
        body="Quelqu'un a un gabarit de compte rendu de projet en français et en anglais ? #gestiondeprojet",
        comments=(
            c("samuel.lee", "There is one in the PMO space, two columns FR/EN. I'll link it here."),
            c("isabelle.renard", "J'en ai un plus simple pour les réunions courtes, je te l'envoie."),
        ),
        reactions=(("thanks", 2),),
    ),
    PostSpec(
        "claire.dubois", None, 2.3, kind="announcement",
        title="Baromètre interne 2026 : les résultats / Internal survey results",
        body=(
            "Merci aux 2 140 personnes qui ont répondu (78 % de participation) !\n\n"
            "- 82 % recommandent l'entreprise comme employeur ;\n"
            "- la reconnaissance et la charge de travail restent nos deux chantiers ;\n"
            "- Ruche est citée comme la meilleure nouveauté de l'année.\n\n"
            "Thank you to everyone who answered! Results by site will be shared by your managers. "
            "#barometre #survey"
        ),
        comments=(
            c("julien.moreau", "Les restitutions par site commencent lundi à Lyon."),
            c("charlotte.hughes", "London sessions on Thursday, invitations sent."),
            c("ryan.o.connor", "Great participation rate, well done everyone."),
        ),
        reactions=(("celebrate", 12), ("like", 9), ("insightful", 3)),
    ),
    PostSpec(
        "daniel.cooper", "data", 2.0, title="Forecast dashboard v2 is live",
        body="Version 2 of the forecast dashboard is live: scenario toggles, monthly drill-down and a French "
             "version. Feedback welcome. #PowerBI",
        comments=(c("william.harris", "Scenario toggles are exactly what the leadership team asked for."),),
        reactions=(("celebrate", 4),),
    ),
    PostSpec(
        "nathalie.giraud", "managers", 1.6, title="Exercice de crise le 15 décembre : à vos agendas",
        body=(
            "Exercice de crise le 15 décembre de 9 h à 12 h. Les managers de site sont attendus en cellule ; "
            "le scénario reste secret. @pierre.garnier coordonne. #gestiondecrise"
        ),
        comments=(
            c("pierre.garnier", "Les convocations partent demain. Merci de vérifier vos numéros d'astreinte."),
            c("james.carter", "Noted for the UK managers, we join remotely."),
        ),
        reactions=(("like", 4),),
    ),
    PostSpec(
        "sophie.clarke", None, 1.1, title="London Christmas party — sign-up sheet open",
        body="The London Christmas party is on December 18 at 6 pm. Sign up by Friday so we can order enough "
             "food! Everyone visiting from Paris or Montréal is welcome. #events",
        comments=(
            c("daniel.cooper", "Signed up. Is there a vegetarian option?",
              c("sophie.clarke", "Yes, and vegan too.")),
            c("antoine.lefevre", "Je serai à Londres cette semaine-là, je m'inscris !"),
        ),
        reactions=(("celebrate", 9), ("like", 5)),
    ),
    PostSpec(
        "camille.durand", "reseau", 0.7, title="Nos posts LinkedIn de novembre : ce qui a marché",
        body=(
            "Top 3 du mois : la vidéo des équipes de Montréal, le carrousel sur l'offre Pro, le portrait de "
            "@manon.robin. Les posts avec un visage font deux fois plus d'engagement. #reseauxsociaux #SEO"
        ),
        comments=(
            c("manon.robin", "Je ne m'attendais pas à ça, merci !"),
            c("olivia.king", "Same pattern on the UK page: faces beat logos."),
        ),
        reactions=(("like", 7), ("celebrate", 2)),
    ),
    PostSpec(
        "francois.lemaire", "horizon", 0.4, kind="announcement", title="Horizon : feu vert pour la phase pilote",
        body=(
            "Le comité a validé la phase pilote : trois agences à partir du 5 janvier. Merci à toute l'équipe. "
            "L'annonce générale est prévue après le pilote. #Horizon"
        ),
        comments=(
            c("hugo.bonnet", "Excellente nouvelle. On fige le corpus vendredi."),
            c("guillaume.faure", "L'infrastructure du pilote est prête côté IT."),
        ),
        reactions=(("celebrate", 5),),
    ),
    PostSpec(
        "margaux.petit", "entraide", 0.2, kind="question",
        title="Sous-titres automatiques sur une vidéo Teams ?",
        body="Comment ajouter des sous-titres automatiques à l'enregistrement d'une réunion Teams avant de le "
             "partager ? #accessibilite",
        comments=(
            c("benoit.caron", "Active la transcription pendant la réunion, les sous-titres sont générés ensuite "
              "dans Stream. Je t'envoie la procédure.", c("margaux.petit", "Merci beaucoup !")),
        ),
        reactions=(("like", 1),),
    ),
)
