"""The writer's rol as its own decision: cues with explicit precedence, a trained model for the rest.

A wrong rol sends a person to the wrong organisation, which costs more than one question, so
`decide` returns None (the dialogue asks) whenever the cues conflict or nothing is clear.
Precedence (first that applies):
  1. a statement about someone else → the helped person's situation, never werkgever by weak cues;
  2. employer cues (hiring, "onze medewerker") → werkgever; owning a business ("ik heb een
     kapsalon", "ons bedrijf") → werkgever unless worker or benefit cues say otherwise;
  3. no job now ("werkloos", "ontslagen", "contract afgelopen") or an own benefit (WW, WIA,
     Wajong, bijstand) without "ik werk" → werkzoekende;
  4. a current job ("ik werk bij", zzp, aanvullende bijstand; "mijn werkgever", a job title) → werkende;
  5. looking for work, school leaver, volunteer, starting a business → werkzoekende;
  6. conflicting cues: the model may choose between them when fairly sure, else None;
  7. no cues: the trained model when it is sure (or DIET agrees), else None.
The cues are data (bot/lexicons/rol.yml); the model is trained by bot.nlp.rol_component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Pattern, Sequence, Tuple

from bot.nlp import eigenaar, lexicon
from knowledge.places import normalise

ROLLEN = ("werkende", "werkzoekende", "werkgever")
BENEFITS = ("ww", "wia", "wajong", "bijstand")
# Without a cue the model decides only on a message of this many words: a short answer
# ("nee, geen uitkering") says nothing about the rol.
MODEL_MIN_WORDS = 5
# Minimum model probability to decide without a cue; below it the dialogue asks.
MODEL_THRESHOLD = 0.8
# Against a decision on weak cues the model must be this sure to make it a conflict.
MODEL_VETO = 0.9
# Any cue-based decision needs at least this much support from the model, else the dialogue asks:
# on a set from a new writer (vers_g, before its errors were read) this took rol wrong from 8.5 to
# 4.9 % for 6 points more questions; a wrong rol costs more than one question.
MODEL_SUPPORT_MIN = 0.2
# With conflicting cues the model may choose between the candidates at this probability.
TIE_BREAK = 0.7
# DIET's inform_<rol> this sure decides together with a model that agrees at least this much.
HINT_THRESHOLD = 0.9
HINT_MODEL_MIN = 0.5
# ... unless the model also finds the message this likely to say nothing about a rol: on the
# development sets every out-of-scope message given a rol ("ik ga verhuizen", a DUO question) came
# through that pair with "geen" at 0.2-0.3.
HINT_NO_ROL_MAX = 0.2


# The group in bot/lexicons/rol.yml that names the topic (work or income), not a rol.
TOPIC_GROUP = "over_werk"


@lru_cache(maxsize=1)
def cue_patterns() -> Dict[str, Tuple[Pattern[str], ...]]:
    """Cue group → compiled patterns, from bot/lexicons/rol.yml (the topic group left out)."""
    data = lexicon.read_lexicon_file("rol")
    return {group: tuple(re.compile(p) for p in patterns) for group, patterns in data.items() if group != TOPIC_GROUP}


@lru_cache(maxsize=1)
def topic_pattern() -> Pattern[str]:
    """One pattern for the words that make a message about work or income at all."""
    return re.compile("|".join(f"(?:{p})" for p in lexicon.read_lexicon_file("rol")[TOPIC_GROUP]))


# A sector word that names an organisation, not a job ("Installatiebedrijf met 25 man").
_ORGANISATIE = re.compile(
    r"(bedrijf|bedrijfje|winkel|praktijk|organisatie|zaak|kwekerij|restaurant|hotel|centrum|bureau|instelling|school|fabriek)$"
)
_IK_BEN = re.compile(
    r"(\b(ik ben|ben ik|ik ben een|ik ben nu|ik ben al \w+ jaar|ik werk als|werkzaam als)|^(\w+ )?ben( een| nu)?"
    r"|\bik ben \d+( jaar)?( oud)? en( een)?) $"
)
# A title opens the message, or the clause after where the writer lives: "Woon in Ens, monteur bij ...".
_WOONT_IN = re.compile(r"^((ik )?woon (in|te|op) (\w+ ){1,2})?$")
# A sector word that names a person, not a workplace: "zoeken we een nachtportier", not "zoek kinderopvang".
_PERSOON = re.compile(
    r"(er|ers|eur|eurs|ster|sters|ist|isten|ent|enten|ant|kundige|kundigen|ende|enden|man|mannen|lieden|vrouw|"
    r"hulp|hulpen|kracht|krachten|assistente|kok|koks|chef|chefs|leraar|leraren|agent|arts|artsen|portier|operator|smid)$"
    r"(?<!center)(?<!centre)(?<!theater)"
)
# Words before a title that hire: "zoeken we een nachtportier", "aannemer in Zierikzee, zoek timmerman".
_WERVING = re.compile(
    r"(\bzoek|\bzoeken (we|wij)|\b(we|wij) zoeken|\b\w*(bedrijf|zaak|winkel|praktijk|kwekerij|restaurant|garage|salon|"
    r"bakkerij|boerderij|hotel|organisatie|instelling|centrum|bureau)( \w+){0,2} zoekt)( (nog|dringend|per|direct|met|spoed|alweer|al|een|twee|drie|vier|vijf|zes|\d+|enkele|"
    r"extra|nieuwe|goede|ervaren|parttime|fulltime|jonge|allround|zelfstandige|gediplomeerde|enthousiaste|vaste))* $"
)
# Words before a title that make it the writer's staff: "onze afwasser heeft wajong", "een van mijn monteurs".
_PERSONEEL = re.compile(
    r"(\b(onze|ons)( (nieuwe|vaste|jonge|oudere|zieke|enige|oudste|beste|huidige|vorige|eigen))?"
    r"|\b(een|twee|drie|een paar|de meeste) van (mijn|mn|onze)) $"
)
# Titles of people a family or a student deals with, not staff: "onze huisarts", "een van mijn docenten".
_GEEN_PERSONEEL = re.compile(
    r"^(docent|docenten|leraar|leraren|schoolleider|directeur|manager|teamleider|juf|meester|mentor)"
)
# What follows a title that makes it a course or a job sought, not a person: "zoek een kok opleiding".
_GEEN_PERSOON_NA = re.compile(r"^ (opleiding|cursus|baan|vacature|vacatures|werk|functie|stage|plek|diploma)\b")


def find_cues(text: str) -> FrozenSet[str]:
    """The cue groups that occur in a sentence of text, plus `beroep` for "ik ben kok" (a job title
    from the sector lexicon right after "ik ben" or "ik werk als", or opening the message: "Docent op een mbo")
    and `werkgever` for a title the writer hires or employs ("zoeken we een nachtportier", "onze afwasser")."""
    found: set = set()
    # per sentence: "... willen niet meer. Kan ik als zelfstandige" is no plan to start
    for index, norm in enumerate(eigenaar.sentences(text)):
        found |= {g for g, patterns in cue_patterns().items() if any(p.search(norm) for p in patterns)}
        for m in lexicon.find_terms(norm, ("sector",)):
            before, after = norm[: m.start], norm[m.end :]
            if _PERSOON.search(m.surface) and not _GEEN_PERSOON_NA.match(after):
                if _WERVING.search(before) or (_PERSONEEL.search(before) and not _GEEN_PERSONEEL.match(m.surface)):
                    found.add("werkgever")
                    continue
            # a title opens the message ("Docent op een mbo"); opening a later sentence it is often someone
            # else ("Kok gaat weg, nieuwe kok nodig")
            opens = index == 0 and _WOONT_IN.match(before) and not _ORGANISATIE.search(m.surface)
            if (_IK_BEN.search(before) or opens) and not after.startswith(" geweest"):
                found.add("beroep")
    return frozenset(found)


@dataclass(frozen=True)
class RolDecision:
    """The decided rol (or None: ask), why, and whether the benefit named is the writer's own."""

    rol: Optional[str]
    reden: str
    cues: FrozenSet[str] = field(default_factory=frozenset)
    eigen_uitkering: bool = True


def decide(
    text: str,
    uitkeringen: Iterable[str] = (),
    model_probs: Optional[Mapping[str, float]] = None,
    intent_hint: Optional[Tuple[str, float]] = None,
    cues: Optional[FrozenSet[str]] = None,
) -> RolDecision:
    """Decide the writer's rol from the text (or its cues, when already found), the writer's own
    benefits found in it, the model's probabilities and the rol of DIET's intent (with its confidence)."""
    cues = find_cues(text) if cues is None else cues
    benefit = any(u in BENEFITS for u in uitkeringen)
    probs = dict(model_probs or {})
    rol, reden, candidates = _by_cues(cues, benefit)
    if rol is None and candidates:
        rol, reden = _tie_break(candidates, probs, reden)
    elif rol is None and len(text.split()) >= MODEL_MIN_WORDS:
        rol, reden = _by_model(probs, intent_hint, text)
    elif rol is not None and reden in WEAK_REASONS and _model_disagrees(rol, probs):
        return RolDecision(None, f"tegenstrijdig: {reden}, model anders", cues)
    elif (
        rol is not None and probs and probs.get(rol, 0.0) < MODEL_SUPPORT_MIN and not _says_ik_werk(reden, cues, probs)
    ):
        return RolDecision(None, f"tegenstrijdig: {reden}, model twijfelt", cues)
    return RolDecision(rol, reden, cues, eigen_uitkering=rol != "werkgever")


Uitkomst = Tuple[Optional[str], str, Tuple[str, ...]]
# Decisions on weak cues only, which a firm model may still turn into a question.
EIGEN_BEDRIJF = "eigen bedrijf"
WERK_ZWAK = "heeft werk (beroep of context)"
ZOEKT_WERK = "zoekt werk of wil een eigen bedrijf starten"
WEAK_REASONS = frozenset({EIGEN_BEDRIJF, WERK_ZWAK, ZOEKT_WERK})


def _by_cues(cues: FrozenSet[str], benefit: bool) -> Uitkomst:
    """Rules 1-6 of the precedence in the module docstring; a conflict names its candidates."""
    # "ik ben bang dat ik geen werk meer heb": a job now, which the writer fears to lose
    if "vrees" in cues:
        cues = (cues - {"zonder_werk"}) | {"werkende_context"}
    # a teacher or coach writing about a pupil or client: the helped person's situation counts
    if "ander_persoon" in cues and "hulpverlener" in cues:
        return _ander_persoon(cues, benefit)
    werkgever = "werkgever" in cues
    # "ons bedrijf" alone counts only without worker cues, below; an HR adviser speaks for the business
    bedrijf = "bedrijf" in cues or "hr" in cues
    zonder = "zonder_werk" in cues
    start = "start_eigen_bedrijf" in cues
    werkt_sterk = "werkende" in cues or ("zzp" in cues and not start and not zonder)
    # A job title or "mijn werkgever" says less than "ik werk": a dismissal in the past overrules it.
    werkt = werkt_sterk or (not zonder and bool({"werkende_context", "beroep"} & cues))
    if "ander_persoon" in cues and not werkgever and "werkende" not in cues:
        return _ander_persoon(cues, benefit)
    if werkgever:
        if benefit and start:
            return "werkzoekende", "uitkering en wil een eigen bedrijf starten", ()
        # "ik werk bij P&O ... wij willen iemand aannemen": the staff department speaks for the employer
        if ("hr" in cues or "leiding" in cues) and werkt_sterk and not zonder and "werkende_context" not in cues:
            return "werkgever", "werkgever-signaal", ()
        # A job title ("fruitteler hier") may be the owner's own trade; "ik werk bij" or "mijn baas" may
        # not. A zzp'er who hires ("ik ben zzp'er en wil iemand in dienst nemen") becomes a werkgever.
        if "werkende" in cues or (not zonder and "werkende_context" in cues):
            return None, "tegenstrijdig: werkgever en werknemer", ("werkgever", "werkende")
        # "wij zoeken chauffeurs, wie heeft geen werk?": the people without work are the candidates
        return "werkgever", "werkgever-signaal", ()
    if "leiding" in cues and not (zonder or benefit) and "werkende" not in cues:
        # "ik ben uitvoerder, een timmerman in mijn ploeg ...": a question for the employer's side, or their own job
        return None, "tegenstrijdig: leidinggevende", ("werkgever", "werkende")
    if "zzp" in cues and not start and not zonder:
        # "mijn eigen garage, alleen ik": a business without staff is a werkende's own work
        return "werkende", "heeft werk", ()
    if "ons_bedrijf" in cues and not bedrijf and not werkt:
        bedrijf = True  # "ons bedrijf zoekt ..." without worker cues: the owner speaks
    if bedrijf and zonder and not werkt_sterk:
        return "werkzoekende", "bedrijf gestopt of geen werk", ()
    if bedrijf and not start:
        if werkt or benefit or "zoekt_werk" in cues:
            other = "werkende" if werkt else "werkzoekende"
            return None, "tegenstrijdig: eigen bedrijf en werknemer, uitkering of werk zoeken", ("werkgever", other)
        return "werkgever", EIGEN_BEDRIJF, ()
    if (zonder or benefit) and not werkt_sterk:
        return "werkzoekende", "geen werk" if zonder else "uitkering zonder werk", ()
    if zonder and werkt_sterk and benefit:
        # "ik werk 6 jaar in een dc, nu contract stop en ik heb WW": the job is the one that ended
        return "werkzoekende", "geen werk meer, uitkering", ()
    if zonder and werkt_sterk:
        return None, "tegenstrijdig: werk en geen werk", ("werkende", "werkzoekende")
    if werkt and not werkt_sterk and "werkende_context" not in cues and "zoekt_werk" in cues:
        # "ik ben monteur ... om werk te vinden": a trade, not necessarily a job now
        return None, "tegenstrijdig: beroep en zoekt werk", ("werkende", "werkzoekende")
    if werkt:
        return "werkende", "heeft werk" if werkt_sterk else WERK_ZWAK, ()
    if start or "zoekt_werk" in cues:
        return "werkzoekende", ZOEKT_WERK, ()
    return None, "geen duidelijk signaal", ()


def _ander_persoon(cues: FrozenSet[str], benefit: bool) -> Uitkomst:
    """Rule 1: the helped person's situation decides ("mijn zoon heeft wajong en zoekt werk")."""
    if "derde_zonder_werk" in cues:
        return "werkzoekende", "ander persoon zonder werk", ()
    # "mijn man is zzp-dakdekker ... geen inkomen": self-employed with little or no work still has a business
    if "zzp" in cues and not benefit and "start_eigen_bedrijf" not in cues:
        return "werkende", "ander persoon met werk", ()
    if "zonder_werk" in cues:
        return "werkzoekende", "ander persoon zonder werk", ()
    if "derde_werkt" in cues:
        return "werkende", "ander persoon met werk", ()
    if benefit or "zoekt_werk" in cues or "start_eigen_bedrijf" in cues:
        return "werkzoekende", "ander persoon zonder werk", ()
    return None, "ander persoon, situatie onduidelijk", ()


def _tie_break(candidates: Sequence[str], probs: Mapping[str, float], reden: str) -> Tuple[Optional[str], str]:
    """Conflicting cues: the model may pick one of the candidates when it is fairly sure."""
    best = max(candidates, key=lambda label: probs.get(label, 0.0))
    p = probs.get(best, 0.0)
    return (best, f"{reden}; model koos ({p:.2f})") if p >= TIE_BREAK else (None, reden)


def _about_work(text: str) -> bool:
    """Without a cue, the model decides only on a message about work or income at all: "ik ga
    verhuizen, moet ik dat doorgeven?" is not ours, however the model reads it."""
    norm = normalise(text)
    return bool(topic_pattern().search(norm) or lexicon.find_terms(norm, ("sector",)))


def _by_model(
    probs: Mapping[str, float], intent_hint: Optional[Tuple[str, float]], text: str
) -> Tuple[Optional[str], str]:
    """Rule 7: the model decides alone when it is sure, or with DIET when both point the same way."""
    if not probs or not _about_work(text) or eigenaar.general_question(text):
        return None, "geen duidelijk signaal"
    label, p = max(probs.items(), key=lambda kv: kv[1])
    if label in ROLLEN and p >= MODEL_THRESHOLD:
        return label, f"model ({p:.2f})"
    if intent_hint is None:
        return None, "geen duidelijk signaal"
    hint_agrees = intent_hint[1] >= HINT_THRESHOLD and label == intent_hint[0]
    if hint_agrees and p >= HINT_MODEL_MIN and probs.get(NO_ROL, 0.0) < HINT_NO_ROL_MAX:
        return label, f"model ({p:.2f}) en intent ({intent_hint[1]:.2f})"
    return None, "geen duidelijk signaal"


def _says_ik_werk(reden: str, cues: FrozenSet[str], probs: Mapping[str, float]) -> bool:
    """A job said in the present tense ("ik werk in een fabriek") stands without the model's support
    when the model only hears a werkzoekende in the question about WW or another job (development
    sets: 8 more right, none more wrong); a model that hears an employer still makes it a question."""
    return reden == "heeft werk" and "werkende" in cues and probs.get("werkgever", 0.0) < 0.5


def _model_disagrees(rol: str, probs: Mapping[str, float]) -> bool:
    """A cue decision the model firmly contradicts (another rol at ≥ MODEL_VETO) is a conflict."""
    return any(label in ROLLEN and label != rol and p >= MODEL_VETO for label, p in probs.items())


# --- the model: word and character n-grams, logistic regression (scikit-learn, part of Rasa) ---
NO_ROL = "geen"  # out of scope, a greeting, or a question that says nothing about the writer
UNCLEAR = "?"


def label_for(intent: Optional[str], metadata: Optional[Mapping[str, object]]) -> Optional[str]:
    """Training label of one NLU example: metadata rol first, else the intent; None = not used."""
    if metadata and "rol" in metadata:
        value = metadata.get("rol")
        if value in ROLLEN:
            return str(value)
        return UNCLEAR if value == UNCLEAR else NO_ROL
    if intent and intent.startswith("inform_") and intent[len("inform_") :] in ROLLEN:
        return intent[len("inform_") :]
    if intent in ("out_of_scope", "greet", "goodbye", "thank", "affirm", "deny", "ask_capabilities"):
        return NO_ROL
    return None


def build_model(texts: Sequence[str], labels: Sequence[str]):  # -> sklearn Pipeline
    """Fit the rol model on normalised texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        ]
    )
    model = make_pipeline(features, LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced"))
    model.fit([normalise(t) for t in texts], list(labels))
    return model


def model_probs(model, text: str) -> Dict[str, float]:
    """Class → probability for one text."""
    probs = model.predict_proba([normalise(text)])[0]
    return {str(label): float(p) for label, p in zip(model.classes_, probs, strict=False)}


def training_pairs(
    examples: Iterable[Tuple[str, Optional[str], Optional[Mapping[str, object]]]],
) -> List[Tuple[str, str]]:
    """(text, label) for every usable (text, intent, metadata) example."""
    pairs = []
    for text, intent, metadata in examples:
        label = label_for(intent, metadata)
        if text and label is not None:
            pairs.append((text, label))
    return pairs
