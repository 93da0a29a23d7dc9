"""The Center's default criteria set, in its own words, in English, French, German and Dutch.

Eight standards follow the life of a mentoring relationship and the organisation around it;
each criterion is scored 0-4. The structure (areas, self-assessment with an action plan,
required criteria, thresholds per step) follows common practice in mentoring quality
frameworks; the texts are the Center's.
"""

from __future__ import annotations

from ecbm_quality.domain.criteria import CriteriaContent, Criterion, Standard, Threshold
from ecbm_quality.domain.steps import Step

A, D = Step.ACCREDITED, Step.DISTINCTION

# code -> (weight, required from, {lang: (statement, guidance, evidence expected)})
_CRITERIA: dict[str, tuple[int, Step | None, dict[str, tuple[str, str, str]]]] = {
    "REC-1": (
        2,
        A,
        {
            "en": (
                "Who the programme is for, and why, is written down.",
                "Describe the young people or adults you serve and the need you answer.",
                "A programme description naming its participants and aims.",
            ),
            "fr": (
                "Le public du programme et sa raison d'être sont écrits.",
                "Décrivez les personnes accompagnées et le besoin auquel vous répondez.",
                "Une description du programme nommant son public et ses buts.",
            ),
            "de": (
                "Für wen das Programm da ist und warum, ist schriftlich festgehalten.",
                "Beschreiben Sie, wen Sie begleiten und auf welchen Bedarf Sie antworten.",
                "Eine Programmbeschreibung mit Zielgruppe und Zielen.",
            ),
            "nl": (
                "Voor wie het programma is en waarom, staat op papier.",
                "Beschrijf wie u begeleidt en op welke behoefte u antwoordt.",
                "Een programmabeschrijving met doelgroep en doelen.",
            ),
        },
    ),
    "REC-2": (
        1,
        None,
        {
            "en": (
                "Volunteers are recruited with a clear picture of the role.",
                "Show how a candidate learns what mentoring asks of them before committing.",
                "A role description and the material used to recruit.",
            ),
            "fr": (
                "Les bénévoles sont recrutés avec une image claire du rôle.",
                "Montrez comment un candidat découvre ce que le mentorat demande.",
                "Une description du rôle et les supports de recrutement.",
            ),
            "de": (
                "Ehrenamtliche werden mit einem klaren Bild der Rolle gewonnen.",
                "Zeigen Sie, wie Interessierte erfahren, was Mentoring von ihnen verlangt.",
                "Eine Rollenbeschreibung und das Werbematerial.",
            ),
            "nl": (
                "Vrijwilligers worden geworven met een helder beeld van de rol.",
                "Laat zien hoe kandidaten leren wat mentoring van hen vraagt.",
                "Een rolbeschrijving en het wervingsmateriaal.",
            ),
        },
    ),
    "SCR-1": (
        3,
        A,
        {
            "en": (
                "Every mentor is screened before meeting a mentee.",
                "Interviews, references and the checks your country's law asks for.",
                "The screening procedure and a record of checks done.",
            ),
            "fr": (
                "Chaque mentor est vérifié avant de rencontrer un mentoré.",
                "Entretiens, références et contrôles exigés par la loi du pays.",
                "La procédure de vérification et un registre des contrôles.",
            ),
            "de": (
                "Jede Mentorin und jeder Mentor wird vor dem ersten Treffen geprüft.",
                "Gespräche, Referenzen und die gesetzlich vorgeschriebenen Nachweise.",
                "Das Prüfverfahren und ein Nachweis der erfolgten Prüfungen.",
            ),
            "nl": (
                "Elke mentor wordt gescreend voor de eerste ontmoeting.",
                "Gesprekken, referenties en de controles die de wet vraagt.",
                "De screeningsprocedure en een overzicht van uitgevoerde controles.",
            ),
        },
    ),
    "SCR-2": (
        2,
        A,
        {
            "en": (
                "Safeguarding is known to everyone involved.",
                "Mentors and staff know how to recognise and report a concern.",
                "A safeguarding policy and who is responsible for it.",
            ),
            "fr": (
                "La protection des personnes est connue de tous.",
                "Mentors et équipe savent repérer et signaler une inquiétude.",
                "Une politique de protection et la personne responsable.",
            ),
            "de": (
                "Schutzkonzepte sind allen Beteiligten bekannt.",
                "Mentor:innen und Team erkennen und melden Verdachtsfälle.",
                "Ein Schutzkonzept und die zuständige Person.",
            ),
            "nl": (
                "Iedereen kent het beleid voor veiligheid en bescherming.",
                "Mentoren en staf herkennen en melden een zorg.",
                "Een beschermingsbeleid en wie ervoor verantwoordelijk is.",
            ),
        },
    ),
    "TRN-1": (
        2,
        A,
        {
            "en": (
                "Mentors are trained before they start.",
                "Cover the role, boundaries, listening and where to get help.",
                "The training plan and attendance records.",
            ),
            "fr": (
                "Les mentors sont formés avant de commencer.",
                "Abordez le rôle, les limites, l'écoute et où trouver de l'aide.",
                "Le plan de formation et les présences.",
            ),
            "de": (
                "Mentor:innen werden vor dem Start geschult.",
                "Rolle, Grenzen, Zuhören und wo es Hilfe gibt.",
                "Der Schulungsplan und Teilnahmelisten.",
            ),
            "nl": (
                "Mentoren worden opgeleid voor ze beginnen.",
                "Behandel de rol, grenzen, luisteren en waar hulp te vinden is.",
                "Het opleidingsplan en aanwezigheidslijsten.",
            ),
        },
    ),
    "TRN-2": (
        1,
        D,
        {
            "en": (
                "Mentors keep learning while they mentor.",
                "Offer refresher sessions and peer exchange.",
                "A calendar of sessions held in the last year.",
            ),
            "fr": (
                "Les mentors continuent d'apprendre pendant le mentorat.",
                "Proposez des sessions de rappel et des échanges entre pairs.",
                "Un calendrier des sessions de l'année écoulée.",
            ),
            "de": (
                "Mentor:innen lernen während des Mentorings weiter.",
                "Bieten Sie Auffrischungen und kollegialen Austausch an.",
                "Ein Kalender der Termine im letzten Jahr.",
            ),
            "nl": (
                "Mentoren blijven leren tijdens het mentoraat.",
                "Bied opfrissessies en intervisie aan.",
                "Een kalender van sessies van het afgelopen jaar.",
            ),
        },
    ),
    "MAT-1": (
        2,
        A,
        {
            "en": (
                "Matches are made on stated grounds, with the mentee's say.",
                "Explain what you weigh (interests, place, availability) and who agrees.",
                "The matching procedure and an anonymised example.",
            ),
            "fr": (
                "Les binômes sont formés sur des critères explicites, avec l'avis du mentoré.",
                "Expliquez ce qui compte (intérêts, lieu, disponibilités) et qui décide.",
                "La procédure de mise en relation et un exemple anonymisé.",
            ),
            "de": (
                "Tandems entstehen nach genannten Gründen und mit Mitsprache der Mentees.",
                "Erklären Sie, was zählt (Interessen, Ort, Zeit) und wer zustimmt.",
                "Das Matching-Verfahren und ein anonymisiertes Beispiel.",
            ),
            "nl": (
                "Koppels worden gevormd op benoemde gronden, met inspraak van de mentee.",
                "Leg uit wat telt (interesses, plaats, tijd) en wie instemt.",
                "De koppelingsprocedure en een geanonimiseerd voorbeeld.",
            ),
        },
    ),
    "MAT-2": (
        1,
        None,
        {
            "en": (
                "Expectations are agreed at the start of each match.",
                "Frequency, duration, goals and how to end are talked through.",
                "A match agreement template.",
            ),
            "fr": (
                "Les attentes sont convenues au début de chaque binôme.",
                "Fréquence, durée, objectifs et fin sont discutés.",
                "Un modèle d'accord de binôme.",
            ),
            "de": (
                "Erwartungen werden zu Beginn jedes Tandems vereinbart.",
                "Häufigkeit, Dauer, Ziele und Abschluss werden besprochen.",
                "Eine Vorlage für die Tandemvereinbarung.",
            ),
            "nl": (
                "Verwachtingen worden bij de start van elk koppel afgesproken.",
                "Frequentie, duur, doelen en afsluiting worden besproken.",
                "Een sjabloon voor de koppelafspraak.",
            ),
        },
    ),
    "SUP-1": (
        3,
        A,
        {
            "en": (
                "Each match is followed up regularly by the programme.",
                "A named person contacts mentor and mentee at set intervals.",
                "Follow-up records and the intervals used.",
            ),
            "fr": (
                "Chaque binôme est suivi régulièrement par le programme.",
                "Une personne désignée contacte mentor et mentoré à intervalles fixes.",
                "Les traces de suivi et les intervalles appliqués.",
            ),
            "de": (
                "Jedes Tandem wird regelmäßig vom Programm begleitet.",
                "Eine benannte Person meldet sich in festen Abständen bei beiden.",
                "Begleitnotizen und die vereinbarten Abstände.",
            ),
            "nl": (
                "Elk koppel wordt regelmatig opgevolgd door het programma.",
                "Een vaste persoon neemt op vaste momenten contact op met beiden.",
                "Opvolgingsnotities en de gehanteerde intervallen.",
            ),
        },
    ),
    "SUP-2": (
        1,
        D,
        {
            "en": (
                "Mentors can get support between follow-ups.",
                "Say how a mentor reaches someone when a question cannot wait.",
                "Contact arrangements and examples of support given.",
            ),
            "fr": (
                "Les mentors trouvent du soutien entre deux suivis.",
                "Dites comment joindre quelqu'un quand une question ne peut attendre.",
                "Les modalités de contact et des exemples de soutien.",
            ),
            "de": (
                "Mentor:innen erhalten auch zwischen den Terminen Unterstützung.",
                "Sagen Sie, wie man jemanden erreicht, wenn eine Frage drängt.",
                "Erreichbarkeit und Beispiele geleisteter Unterstützung.",
            ),
            "nl": (
                "Mentoren vinden steun tussen twee opvolgmomenten.",
                "Zeg hoe een mentor iemand bereikt als een vraag niet kan wachten.",
                "Bereikbaarheid en voorbeelden van gegeven steun.",
            ),
        },
    ),
    "CLO-1": (
        2,
        A,
        {
            "en": (
                "Matches end in a planned way, also when they end early.",
                "A closing conversation, a thank-you, and what happens next.",
                "The closure procedure and closure records.",
            ),
            "fr": (
                "Les binômes se terminent de façon prévue, même en cas d'arrêt anticipé.",
                "Un entretien de clôture, des remerciements et la suite.",
                "La procédure de clôture et ses traces.",
            ),
            "de": (
                "Tandems enden geplant, auch wenn sie früher enden.",
                "Ein Abschlussgespräch, ein Dank und wie es weitergeht.",
                "Das Abschlussverfahren und Abschlussnotizen.",
            ),
            "nl": (
                "Koppels worden gepland afgesloten, ook als ze vroeger stoppen.",
                "Een afsluitend gesprek, een bedankje en wat er daarna komt.",
                "De afsluitprocedure en afsluitnotities.",
            ),
        },
    ),
    "CLO-2": (
        1,
        None,
        {
            "en": (
                "What participants say at the end is collected and used.",
                "Ask mentors and mentees about their experience and act on it.",
                "An exit questionnaire and a change it led to.",
            ),
            "fr": (
                "L'avis des participants en fin de parcours est recueilli et utilisé.",
                "Interrogez mentors et mentorés et tenez-en compte.",
                "Un questionnaire de fin et un changement qui en découle.",
            ),
            "de": (
                "Rückmeldungen am Ende werden gesammelt und genutzt.",
                "Fragen Sie nach Erfahrungen und handeln Sie danach.",
                "Ein Abschlussfragebogen und eine daraus folgende Änderung.",
            ),
            "nl": (
                "Wat deelnemers aan het einde zeggen, wordt verzameld en gebruikt.",
                "Vraag naar ervaringen en doe er iets mee.",
                "Een eindvragenlijst en een verandering die eruit volgde.",
            ),
        },
    ),
    "EVA-1": (
        2,
        A,
        {
            "en": (
                "The programme measures whether it reaches its aims.",
                "Choose a few outcomes and measure them the same way every year.",
                "The outcome measures and last year's figures.",
            ),
            "fr": (
                "Le programme mesure s'il atteint ses buts.",
                "Choisissez quelques résultats et mesurez-les chaque année de la même façon.",
                "Les indicateurs et les chiffres de l'an dernier.",
            ),
            "de": (
                "Das Programm misst, ob es seine Ziele erreicht.",
                "Wählen Sie wenige Wirkungen und messen Sie sie jährlich gleich.",
                "Die Wirkungsindikatoren und die Zahlen des Vorjahres.",
            ),
            "nl": (
                "Het programma meet of het zijn doelen haalt.",
                "Kies enkele resultaten en meet ze elk jaar op dezelfde manier.",
                "De resultaatindicatoren en de cijfers van vorig jaar.",
            ),
        },
    ),
    "EVA-2": (
        3,
        D,
        {
            "en": (
                "An evaluation with a comparison or an outside view exists.",
                "A study with a before/after or comparison group, or an external review.",
                "The evaluation report.",
            ),
            "fr": (
                "Une évaluation avec comparaison ou regard extérieur existe.",
                "Une étude avant/après ou avec groupe de comparaison, ou une revue externe.",
                "Le rapport d'évaluation.",
            ),
            "de": (
                "Es gibt eine Evaluation mit Vergleich oder Blick von außen.",
                "Eine Vorher/nachher-Studie, eine Vergleichsgruppe oder ein externes Gutachten.",
                "Der Evaluationsbericht.",
            ),
            "nl": (
                "Er is een evaluatie met vergelijking of een blik van buitenaf.",
                "Een voor/na-studie, een vergelijkingsgroep of een externe review.",
                "Het evaluatierapport.",
            ),
        },
    ),
    "GOV-1": (
        2,
        A,
        {
            "en": (
                "Responsibilities and money are accounted for.",
                "Who decides, who is accountable, and how the programme is funded.",
                "Statutes or mandate, an organisation chart and the last accounts.",
            ),
            "fr": (
                "Les responsabilités et l'argent sont rendus transparents.",
                "Qui décide, qui rend compte, et comment le programme est financé.",
                "Statuts ou mandat, organigramme et derniers comptes.",
            ),
            "de": (
                "Zuständigkeiten und Finanzen sind nachvollziehbar.",
                "Wer entscheidet, wer verantwortlich ist und wie das Programm finanziert wird.",
                "Satzung oder Auftrag, Organigramm und letzter Abschluss.",
            ),
            "nl": (
                "Verantwoordelijkheden en geld zijn verantwoord.",
                "Wie beslist, wie verantwoording aflegt en hoe het programma betaald wordt.",
                "Statuten of opdracht, organogram en laatste jaarrekening.",
            ),
        },
    ),
    "GOV-2": (
        1,
        None,
        {
            "en": (
                "Personal data is handled lawfully and kept no longer than needed.",
                "Know what you keep, why, for how long, and who may see it.",
                "A record of processing and the retention rules.",
            ),
            "fr": (
                "Les données personnelles sont traitées légalement et pas gardées trop longtemps.",
                "Sachez ce que vous gardez, pourquoi, combien de temps et qui y accède.",
                "Un registre des traitements et les règles de conservation.",
            ),
            "de": (
                "Personenbezogene Daten werden rechtmäßig und nicht länger als nötig verarbeitet.",
                "Wissen Sie, was Sie speichern, warum, wie lange und wer Zugriff hat.",
                "Ein Verarbeitungsverzeichnis und Löschfristen.",
            ),
            "nl": (
                "Persoonsgegevens worden wettig verwerkt en niet langer bewaard dan nodig.",
                "Weet wat u bewaart, waarom, hoe lang en wie het mag zien.",
                "Een verwerkingsregister en bewaartermijnen.",
            ),
        },
    ),
}

_STANDARDS: dict[str, dict[str, str]] = {
    "REC": {"en": "Recruitment", "fr": "Recrutement", "de": "Gewinnung", "nl": "Werving"},
    "SCR": {
        "en": "Screening and safety",
        "fr": "Vérification et sécurité",
        "de": "Prüfung und Schutz",
        "nl": "Screening en veiligheid",
    },
    "TRN": {"en": "Training", "fr": "Formation", "de": "Schulung", "nl": "Opleiding"},
    "MAT": {"en": "Matching", "fr": "Mise en relation", "de": "Matching", "nl": "Koppeling"},
    "SUP": {
        "en": "Monitoring and support",
        "fr": "Suivi et soutien",
        "de": "Begleitung und Unterstützung",
        "nl": "Opvolging en ondersteuning",
    },
    "CLO": {"en": "Closure", "fr": "Clôture", "de": "Abschluss", "nl": "Afsluiting"},
    "EVA": {
        "en": "Evaluation and evidence",
        "fr": "Évaluation et preuves",
        "de": "Evaluation und Wirkung",
        "nl": "Evaluatie en bewijs",
    },
    "GOV": {
        "en": "Governance",
        "fr": "Gouvernance",
        "de": "Organisation und Aufsicht",
        "nl": "Bestuur",
    },
}

TITLE = {
    "en": "Quality criteria for mentoring programmes",
    "fr": "Critères de qualité des programmes de mentorat",
    "de": "Qualitätskriterien für Mentoring-Programme",
    "nl": "Kwaliteitscriteria voor mentoringprogramma's",
}


def _criterion(code: str) -> Criterion:
    weight, required, texts = _CRITERIA[code]
    return Criterion(
        code=code,
        statement={lang: t[0] for lang, t in texts.items()},
        guidance={lang: t[1] for lang, t in texts.items()},
        evidence_expected={lang: t[2] for lang, t in texts.items()},
        weight=weight,
        required_for=required,
    )


def default_content() -> CriteriaContent:
    """Thresholds: accredited 60% overall and 40% per standard; distinction 80% and 60%."""
    return CriteriaContent(
        title=TITLE,
        standards=tuple(
            Standard(
                code=code,
                title=title,
                criteria=tuple(_criterion(c) for c in _CRITERIA if c.startswith(code + "-")),
            )
            for code, title in _STANDARDS.items()
        ),
        thresholds={
            Step.ACCREDITED: Threshold(overall=60, minimum_per_standard=40),
            Step.DISTINCTION: Threshold(overall=80, minimum_per_standard=60),
        },
    )
