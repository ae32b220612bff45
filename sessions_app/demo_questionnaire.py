"""The Day 0 demo questionnaire: the seed's session on the digital public sphere, its questions
and options in English with French and Spanish translations, and the Day 0 phases."""

from sessions_app.models import Event, Option, Phase, Question, Session
from sessions_app.phase_templates import DAY0_PHASES, title_translations

QUESTIONS = [
    (
        "q1",
        Question.Kind.SINGLE,
        Question.Respondent.INDIVIDUAL,
        None,
        "To you, the Internet is:",
        [("opportunity", "More an opportunity"), ("threat", "More a threat"), ("both", "Both"), ("neither", "Neither")],
    ),
    (
        "q2",
        Question.Kind.MULTIPLE,
        Question.Respondent.INDIVIDUAL,
        2,
        "Who should be most responsible for the quality of information online? (at most 2)",
        [
            ("governments", "Governments"),
            ("platforms", "Internet platforms"),
            ("citizens", "Citizens"),
            ("media", "News media"),
            ("international", "International organisations"),
        ],
    ),
    (
        "q3",
        Question.Kind.SCALE,
        Question.Respondent.INDIVIDUAL,
        None,
        "How much do you trust the information you find on social media? (1 = not at all, 5 = completely)",
        [(str(i), str(i)) for i in range(1, 6)],
    ),
    (
        "q4",
        Question.Kind.RANKING,
        Question.Respondent.GROUP,
        None,
        "Rank these actions to strengthen the digital public sphere, the most important first",
        [
            ("education", "Education and digital literacy"),
            ("regulation", "Regulation of platforms"),
            ("design", "Platform design for quality debate"),
            ("fact-checking", "Independent fact-checking"),
        ],
    ),
    ("q5", Question.Kind.OPEN, Question.Respondent.GROUP, None, "Key points of your group's discussion", []),
    ("q6", Question.Kind.OPEN, Question.Respondent.GROUP, None, "Your group's recommendation to decision-makers", []),
]

# The questionnaire in French and Spanish, so that the demo's French and Spanish interfaces show
# the questions in their language (see sessions_app.translations).
SESSION_TRANSLATIONS = {
    "fr": {
        "title": "Façonner l'espace public numérique",
        "material": (
            "Internet est devenu le lieu où beaucoup d'entre nous s'informent et débattent. Qui décide de ce que "
            "nous voyons ? Comment garder un espace public où les faits peuvent être vérifiés et où chacun peut "
            "prendre part ?"
        ),
    },
    "es": {
        "title": "Dar forma a la esfera pública digital",
        "material": (
            "Internet se ha convertido en el lugar donde muchos de nosotros nos informamos y debatimos. ¿Quién "
            "decide lo que vemos? ¿Cómo mantener una esfera pública donde los hechos puedan verificarse y todos "
            "puedan participar?"
        ),
    },
}
# question code: {language: (text, {option code: label})}
QUESTION_TRANSLATIONS = {
    "q1": {
        "fr": (
            "Pour vous, Internet est :",
            {
                "opportunity": "Plutôt une chance",
                "threat": "Plutôt une menace",
                "both": "Les deux",
                "neither": "Aucun des deux",
            },
        ),
        "es": (
            "Para usted, Internet es:",
            {"opportunity": "Más una oportunidad", "threat": "Más una amenaza", "both": "Ambas", "neither": "Ninguna"},
        ),
    },
    "q2": {
        "fr": (
            "Qui devrait être le plus responsable de la qualité de l'information en ligne ? (2 au plus)",
            {
                "governments": "Les gouvernements",
                "platforms": "Les plateformes Internet",
                "citizens": "Les citoyens",
                "media": "Les médias d'information",
                "international": "Les organisations internationales",
            },
        ),
        "es": (
            "¿Quién debería ser el principal responsable de la calidad de la información en línea? (2 como máximo)",
            {
                "governments": "Los gobiernos",
                "platforms": "Las plataformas de Internet",
                "citizens": "La ciudadanía",
                "media": "Los medios de comunicación",
                "international": "Las organizaciones internacionales",
            },
        ),
    },
    "q3": {
        "fr": (
            "Quelle confiance accordez-vous aux informations trouvées sur les réseaux sociaux ? "
            "(1 = aucune, 5 = totale)",
            {},
        ),
        "es": ("¿Cuánto confía en la información que encuentra en las redes sociales? (1 = nada, 5 = totalmente)", {}),
    },
    "q4": {
        "fr": (
            "Classez ces actions pour renforcer l'espace public numérique, la plus importante en premier",
            {
                "education": "Éducation et culture numérique",
                "regulation": "Régulation des plateformes",
                "design": "Des plateformes conçues pour un débat de qualité",
                "fact-checking": "Vérification indépendante des faits",
            },
        ),
        "es": (
            "Ordene estas acciones para fortalecer la esfera pública digital, la más importante primero",
            {
                "education": "Educación y alfabetización digital",
                "regulation": "Regulación de las plataformas",
                "design": "Plataformas diseñadas para un debate de calidad",
                "fact-checking": "Verificación independiente de los hechos",
            },
        ),
    },
    "q5": {
        "fr": ("Points clés de la discussion de votre groupe", {}),
        "es": ("Puntos clave del debate de su grupo", {}),
    },
    "q6": {
        "fr": ("La recommandation de votre groupe aux décideurs", {}),
        "es": ("La recomendación de su grupo a los responsables políticos", {}),
    },
}


def demo_questionnaire_create(event: Event) -> Session:
    """The seed's session (the digital public sphere) with its questions, and the Day 0 phases."""
    session = Session.objects.create(
        event=event,
        translations=SESSION_TRANSLATIONS,
        order=1,
        code="digital-public-sphere",
        title="Shaping the digital public sphere",
        material=(
            "The Internet has become the place where many of us inform ourselves and debate. Who decides what we "
            "see? How do we keep a public sphere where facts can be checked and everyone can take part?"
        ),
    )
    for order, (code, kind, respondent, max_choices, text, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            session=session,
            order=order,
            code=code,
            kind=kind,
            respondent=respondent,
            text=text,
            max_choices=max_choices,
            translations={lang: {"text": texts[0]} for lang, texts in QUESTION_TRANSLATIONS.get(code, {}).items()},
        )
        labels = QUESTION_TRANSLATIONS.get(code, {})
        Option.objects.bulk_create(
            Option(
                question=question,
                order=i,
                code=option_code,
                label=label,
                translations={
                    lang: {"label": texts[1][option_code]} for lang, texts in labels.items() if option_code in texts[1]
                },
            )
            for i, (option_code, label) in enumerate(options, start=1)
        )
    # The Day 0 phases, their titles in English with the product's French and Spanish.
    Phase.objects.bulk_create(
        Phase(
            event=event,
            order=order,
            kind=kind,
            title=title,
            translations=title_translations(title, title),
            planned_minutes=minutes,
            session=session if kind == Phase.Kind.BREAKOUT else None,
        )
        for order, (kind, title, minutes) in enumerate(DAY0_PHASES, start=1)
    )
    return session
