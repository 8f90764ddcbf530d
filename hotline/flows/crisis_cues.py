"""Cue tables for the crisis detector: weighted patterns over normalised text.

Patterns are written against the text that ``crisis.normalise`` produces: lowercase ASCII
letters and digits, single spaces, ``#`` between clauses, no apostrophes (``dont``, ``im``),
no accents (``mas``, ``dano``). Two rules are applied to every pattern by ``prepare``, as the
normaliser applies them to the text, so patterns keep their natural spelling:

* runs of one letter collapse to one (``kill`` matches ``kil``, ``killll`` and ``kil``);
* a space matches one optional space (``k i l l m y s e l f`` is glued into ``killmyself``).

Patterns hold no capturing groups. Names never contain message text.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Kind(enum.Enum):
    IDEATION = "ideation"  # thoughts, wishes or intent of suicide or self-harm
    ATTEMPT = "attempt"  # an act under way or just done: imminent on its own
    FAREWELL = "farewell"  # goodbye notes and last words: ideation and a time cue at once
    DISTRESS = "distress"  # weak on its own: concern, not crisis
    NEGATED = "negated"  # "I'm not suicidal": concern, not crisis
    MEANS = "means"  # a method named: raises ideation to imminent
    TIME = "time"  # now, tonight, goodbye: raises ideation to imminent
    IDIOM = "idiom"  # "dying to join": whatever it overlaps is not a cue
    PAST = "past"  # "years ago": the message may only look back
    PRESENT = "present"  # "again", "tonight": it does not only look back


class Danger(enum.StrEnum):
    """The kind of danger a crisis text shows: each gets its own help."""

    SUICIDE = "suicide"  # suicide or self-harm
    MEDICAL = "medical"  # an overdose, a poisoning, a medical emergency
    VIOLENCE = "violence"  # violence from someone else
    OTHERS = "others"  # danger to others


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    weight: float
    kind: Kind
    pattern: str
    danger: Danger = Danger.SUICIDE


# Shared fragments. Text-speak and common misspellings live here so every cue gets them.
SELF = r"(?:myself|my self|myslef|mysef|myslf|mysefl|meself|mself|mysel)"
KILL = r"(?:kill|kl)(?:ing|in)?"
SUI = r"s[uw]?[iy]? ?[cs]{1,2}[iy]?d"  # suicide, suicde, sucide, suiside, suiscide
SUICIDE = rf"{SUI}(?:e|es|io)\b"
SUICIDAL = rf"{SUI}(?:al|el|le|ial|a|as)\b"
CLAUSE_END = r"(?: #|$)"
WHEN = r"(?:tonight|tonite|2nite|2night|tn|today|2day|now|rn|soon|this weekend|tomorrow)"
ANYMORE = rf"(?: anymore| any more| no more| any longer|{CLAUSE_END})"
DIE_INTENT = (
    r"(?:(?:want|wnt|wan|wanted|need|ready|trying|decided|deserve|plan|planning|hope|intend"
    r"|just want|really want|wish i could|wish to|longing|pray|going to have)(?: to)?"
    r"|wanna|wana|wnna|should|shud|shuld|rather|let me|i wish i could)"
)
ACT_INTENT = (
    r"(?:going to|gonna|gona|gunna|gna|want to|wanna|wana|will|ill|ready to|about to"
    r"|planning to|plan to|decided to|should|might|just|gotta|need to|finna|tryna|im|i am"
    r"|ima|imma|i ma"
    r"|thinking about|thinking of)"
)
HARM_INTENT = (
    r"(?:want to|wanna|going to|gonna|need to|urge to|urges to|about to|will|ill|might|keep"
    r"|been|started|start|cant stop|scared im going to|afraid im going to|thinking about"
    r"|thinking of|i)"
)
QUANTITY = (
    r"(?:like |about |around |over |almost |nearly |at least )?"
    r"(?:all|every|a whole|the whole|a full|an entire|the entire|a bunch of|a lot of"
    r"|a handful of|handfuls of|too many|way too many|a bottle of|bottles of|a whole bunch of"
    r"|lots of|a ton of|loads of|most of|all the"
    r"|half a bottle of|[1-9][0-9]+|twenty|thirty|forty|fifty|hundred|a dozen|all of)"
)
DRUGS = (
    r"(?:pills?|tablets?|meds|medications?|medicine|sleeping pills|bottle|tylenol|advil|xanax"
    r"|oxy|insulin|antidepressants|painkillers|paracetamol|ibuprofen|aspirin|benadryl"
    r"|klonopin|ativan|valium|ambien|opioids|fentanyl|lithium|seroquel)"
)
QUIERO = r"(?:quiero|kiero|qiero|quero|kero|quisiera|kisiera|deseo|me gustaria|ganas de)"
# Where a person stands to jump from; "estoy en el puente", "im on the roof".
HEIGHTS = r"(?:bridge|roof|rooftop|overpass|ledge|edge|cliff|railing|tracks|train tracks)"
# Not followed by a stated errand: "on the roof fixing the gutter", "en el puente esperando".
NO_ERRAND = (
    r"(?! (?:for|fixing|cleaning|working|repairing|waiting|with|to (?:fix|get|meet|see|pick)"
    r"|esperando|para (?:el|la|los|las|un|una|mi|mis)|arreglando|limpiando|trabajando|de la calle"
    r"|con|is|was|closed)\b)"
)
# Permanent departure: "for good", "forever", "para siempre".
FOREVER = r"(?:forever|for good|permanently|for ever|para siempre|de este mundo)"
# Things people give away or no longer need when they plan to die.
BELONGINGS = (
    r"(?:stuff|things|belongings|possessions|everything|all my \w+|my (?:stuff|things|belongings"
    r"|possessions))"
)
ES_PLACES = (
    r"(?:puente|edificio|techo|azotea|balcon|ventana|piso|tren|metro|vias|carretera"
    r"|autopista|precipicio|acantilado|rio|mar|coches|carros)"
)


def _c(
    name: str, weight: float, kind: Kind, *patterns: str, danger: Danger = Danger.SUICIDE
) -> Cue:
    return Cue(name, weight, kind, "|".join(patterns), danger)


IDEA, ACT, BYE, WEAK = Kind.IDEATION, Kind.ATTEMPT, Kind.FAREWELL, Kind.DISTRESS

# Ordered strongest first: at each word the first cue that matches is the one reported.
MAIN_CUES: tuple[Cue, ...] = (
    _c(
        "attempt:overdose_taken",
        0.95,
        ACT,
        rf"\b(?:took|taken|swallowed|downed|popped|ate|chugged|drank) {QUANTITY}"
        rf"(?: (?:of|my|the|her|his|these|those|moms|mums|dads|sleeping))* ?{DRUGS}",
        r"\b(?:i|ive|i have|just|already) (?:just |already )?(?:overdosed|od|oded|overdosing)\b",
        r"\b(?:overdosed|od|odd|oded|took (?:them|it|pills|too many)) on purpose\b",
        r"\b(?:it )?(?:didnt work|failed|im still here|i woke up|i survived)(?: \w+){0,3}"
        r" (?:and|but) (?:i )?(?:want|wana|wanna|will|ill|going|gonna|need|have) (?:to )?"
        r"(?:try|do it) again\b",
    ),
    _c(
        "attempt:means_ready",
        0.9,
        ACT,
        r"\b(?:pills?|tablets|meds|rope|noose|gun|razor|blade|knife) (?:is |are |s |re )?"
        r"(?:ready|loaded|lined up|counted out|tied|set up|in my hand|in my mouth)\b",
        r"\b(?:gun|pistol|knife|blade|razor) (?:to|against|in|on) my "
        r"(?:head|temple|mouth|wrists?|throat|neck|chest)\b",
        r"\b(?:car|engine) (?:is )?running in (?:the|my) garage\b",
        r"\b(?:pills?|tablets|meds|rope|noose|gun|pistol|razor|blades?|knife|bottle of pills"
        r"|bottle|pastillas|pildoras|soga|cuerda|pistola|arma|navaja|cuchilla)"
        r" (?:are |is |s |re |esta |estan )?(?:right )?(?:in front of me|next to me|here with me"
        r"|right here|in my lap|on my lap|aqui (?:enfrente|conmigo|en la mano|junto a mi)"
        r"|enfrente de mi|en la mano|junto a mi|conmigo)",
        r"\bgarage with the (?:car|engine|motor) (?:running|on)\b",
        r"\b(?:gun|pistol|rifle|shotgun|handgun)\b(?: \w+){0,3} (?:its|it is|is|s) loaded\b",
    ),
    _c(
        "es:intento_en_curso",
        0.95,
        ACT,
        r"\b(?:me tome|tome|me trague|trague|me he tomado|ya me tome|acabo de tomar ?me) "
        r"(?:como |unas |mas de )?(?:todas|toda la caja de|todo el frasco de"
        r"|un frasco (?:entero )?de|una caja (?:entera )?de|muchas|un monton de|[1-9][0-9]+"
        r"|veinte|treinta|cuarenta|cincuenta)",
        r"\b(?:pastillas|soga|cuerda|pistola|arma|navaja|cuchilla) (?:ya )?(?:estan |esta )?"
        r"(?:listas?|listos?|preparadas?|cargadas?)\b",
    ),
    _c("kill_self", 0.9, IDEA, rf"\b{KILL} ?{SELF}\b"),
    _c(
        "end_life",
        0.9,
        IDEA,
        r"\b(?:end|ending|endin|take|taking|took) (?:my|my own) (?:life|lif)\b",
    ),
    _c(
        "suicidal_intent",
        0.85,
        IDEA,
        rf"\b(?:thinking|think|thought|thoughts|considering|consider|contemplating|planning"
        r"|plan|planned|decided|researching|obsessing|preparing) (?:about |of |on )?"
        rf"(?:committing |my )?{SUICIDE}",
        rf"\bcommit(?:ting)? {SUICIDE}|\b{DIE_INTENT} {SUICIDE}",
        rf"\b(?:i|ive|i have|just) (?:attempted|tried) {SUICIDE}",
        rf"\b{SUICIDE} (?:is|seems like|sounds like|feels like) (?:the|my) (?:only|best|answer)",
    ),
    _c("textspeak:kms", 0.85, IDEA, r"\bkms\b"),
    _c(
        "textspeak:kys_self",
        0.85,
        IDEA,
        r"\b(?:i|im|ima|imma|i ma|ill|i (?:should|might|will|wanna|just|am gonna|am going to)"
        r"|gonna|gona|finna|about to|bout to|gna|want to|wanna) (?:just )?kys\b",
    ),
    _c(
        "textspeak:unalive",
        0.85,
        IDEA,
        rf"\bunaliv(?:e|ing|ed)?(?: {SELF}| me)?\b",
        r"\bsewer ?slide\b|\bctb(?:ing)?\b|\bcatch(?:ing)? the bus (?:tonight|soon|for good)\b",
        rf"\bself ?delet(?:e|ing|ion)\b|\bdelete {SELF}\b|\bcommit sudoku\b",
    ),
    _c(
        "want_to_die",
        0.85,
        IDEA,
        rf"\b{DIE_INTENT} (?:just )?(?:die|be dead|stop living|not be alive|not exist"
        r"|stop existing|disappear forever|sleep forever|go to sleep forever"
        r"|(?:go to )?sleep and (?:not|never) wake up|never wake up|not wake up|be gone forever"
        r"|leave this world|end it all|end it|just end it|fall asleep forever"
        r"|fall asleep and (?:not|never) wake up)\b",
        rf"\b{DIE_INTENT} (?:just )?(?:be gone|go away|disappear|sleep|rest|leave) {FOREVER}",
        rf"\b{DIE_INTENT} (?:just )?be gone{CLAUSE_END}",
        r"\bwish(?:ing|ed)? (?:i|id|i d)(?: was| were| had| could| would| just| did)* (?:dead|die"
        r"|not alive|wasnt alive|werent alive|never born|never been born|not been born|gone"
        r"|disappear|not exist|didnt exist|wasnt here|werent here|not here|never wake up"
        r"|not wake up|wouldnt wake up|didnt wake up|sleep forever|never woke up|never woken up"
        r"|hadnt woken up|hadnt woke up|not woken up|never existed)\b",
        r"\b(?:better|id be better) (?:off )?dead\b",
        r"\b(?:going to|gonna|gona) die (?:tonight|today|soon|now)\b",
        r"\bleav(?:e|ing) this (?:world|earth|life)\b",
        r"\bnoose\b",
    ),
    _c(
        "means_plan",
        0.85,
        IDEA,
        rf"\bhang(?:ing)? {SELF}\b",
        rf"\b(?:drown|suffocate|electrocute|gas|poison|starve|strangle|smother|stab|shoot)"
        rf"(?:ing|ed)? {SELF}\b",
        r"\b(?:envenenar|ahogar|desangrar|asfixiar|apunalar|degollar|electrocutar|ahorcar"
        r"|aventar|lanzar|arrojar|tirar) ?me\b(?! (?:a la piscina|al agua|en la cama|al sillon))",
        r"\bme (?:voy a|quiero|kiero|pienso|podria|quisiera|gustaria) (?:envenenar|ahogar"
        r"|desangrar|asfixiar|apunalar|degollar|electrocutar|ahorcar|colgar|aventar|lanzar"
        r"|arrojar|tirar)(?: #|$| hoy| ya| esta noche| ahorita| ahora| del| de| desde| al| por)",
        rf"\b(?:want to|wanna|going to|gonna|will|ill|thinking (?:about|of)|urge to|tempted to)"
        rf" us(?:e|ing) (?:it|them|the \w+|my \w+) (?:on|against) {SELF}",
        r"\b(?:usar ?la|usar ?lo|usar ?las|usar ?los) (?:en|contra) mi\b",
        r"\b(?:la|lo|las|los) (?:quiero|voy a|pienso|tengo ganas de) usar (?:en|contra) mi\b",
        rf"\bshoot(?:ing)? {SELF}\b|\bblow (?:my )?(?:brains|head) (?:out|off)\b",
        r"\b(?:use|using|turn|turning|point|pointing) (?:it|the gun|a gun|the knife) "
        rf"(?:on|against) {SELF}",
        r"\b(?:cut|cutting|slit|slitting|slice|slicing|slash|slashing|open|opening)(?:ed)? "
        r"(?:my )?(?:wrists?|veins|throat)\b",
        rf"\b(?:{ACT_INTENT}|thinking about|thinking of|think about) (?:jump|jumping|jumpin) "
        r"(?:off|of|from|in front of|into|onto|under)\b",
        rf"\b(?:going to|gonna|about to|ready to|will|ill|want to|wanna) jump(?: #|$| {WHEN})",
        r"\b(?:thinking about|thinking of) jumping(?: #|$| off| from)",
        rf"\b{ACT_INTENT} (?:take|taking|swallow|swallowing) (?:them all|all of them|all "
        rf"(?:my |the |of my |of the |these |those |of these )?{DRUGS}"
        r"|the whole (?:bottle|pack|box))",
        r"\b(?:pills|meds|tablets|sleeping pills) (?:saved|stashed|stockpiled|hidden) (?:up|away)?",
        r"\b(?:pastillas|pildoras|medicinas) (?:guardadas|ahorradas|escondidas|juntadas)\b",
        r"\b(?:juntando|junte|guardando|guarde) (?:pastillas|pildoras|medicinas)\b",
        rf"\b{ACT_INTENT} (?:overdose|od)\b",
        r"\b(?:a|the|my) (?:plan|pills|rope|gun|means|meds|tablets) to do it\b",
        r"\b(?:have|got|bought|found) (?:the|a|my) (?:rope|noose) (?:already|ready|now|tied|up)\b",
        r"\balready (?:have|got|bought) (?:the|a|my) (?:rope|gun|pills|noose|razor|blades)\b",
        r"\b(?:put|putting|shoot|shooting) (?:a )?bullet (?:in|through|into) my\b",
        r"\b(?:took|swallowed|taken) (?:them|it) all\b|\b(?:took|swallowed) all of them\b",
        r"\b(?:im|i am|sitting|standing|lying|laying) (?:on|at) (?:the )?(?:train )?tracks\b",
        r"\bestoy (?:en|sobre) (?:la |las )?(?:via|vias) del tren\b|\bestoy en la cornisa\b",
        r"\b(?:me tome|ya me tome|me trague) (?:las|mis) (?:pastillas|pildoras|medicinas"
        r"|tabletas) (?:todas|completas|de golpe)\b",
        rf"\b(?:going to|gonna|to|wanna|want to|will|ill|ima) (?:off|take) {SELF}(?: out)?\b",
        r"\b(?:sitting|standing|im|i am) (?:on|at) (?:the |a |this )?(?:ledge|railing"
        r"|edge of (?:the|a) (?:roof|bridge|building|cliff))",
        r"\b(?:sitting|standing|stood|sat) (?:on|at) (?:the |a |this )?edge(?: #|$| rn| now"
        r"| right now| again| tonight)",
        r"\b(?:drive|driving|crash|crashing|steer|swerve|swerving) (?:my car |the car |my truck )?"
        r"(?:into|off) (?:a |the )?(?:tree|wall|traffic|oncoming|bridge|cliff|river|lake|truck"
        r"|pole|barrier|road|overpass|embankment)",
        r"\bcrash (?:my|the) car on purpose\b",
        r"\b(?:walk|walking|step|stepping|run|running|jump|jumping) (?:into|in front of|in to) "
        r"(?:traffic|a (?:car|bus|train|truck)|the (?:train|bus|highway|freeway))",
        r"\b(?:how many|how much) (?:\w+[ ]){0,3}(?:to die|to kill me|to overdose|to od"
        r"|would kill me|will kill me|is lethal|to end it)\b",
        rf"\blethal dose\b|\b(?:painless|easy|quick|quickest|best|fastest|easiest|peaceful"
        rf"|surest) (?:way|ways|method|methods) to (?:die|kill {SELF}|end (?:it|my life))\b",
        r"\b(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|stashing"
        r"|stashed) (?:up )?(?:my |all my |some |enough )?(?:pills|meds|tablets|medication"
        r"|sleeping pills)",
        r"\benough (?:pills|tablets|meds|sleeping pills) (?:saved|to (?:die|kill|end|do it))",
        r"\b(?:googling|googled|searching|searched|looking up|looked up|researching|researched)"
        r" (?:how (?:many|much) (?:pills|tablets|meds)|how to (?:die|hang|overdose|od)|ways to die"
        r"|painless ways|lethal)",
        r"\b(?:vodka|alcohol|whiskey|liquor|tequila|wine|booze) and (?:all )?(?:of )?(?:my |the )?"
        r"(?:sleeping )?(?:pills|meds|tablets)\b",
        rf"\b{ACT_INTENT} (?:swallow|take|down|chug) (?:everything|all|whatever) (?:in|from) "
        r"(?:the|my) (?:medicine cabinet|cabinet|pill box|drawer|bottle)",
    ),
    _c(
        "plan_do_it",
        0.75,
        IDEA,
        r"\b(?:know|decided|figured out|planned|worked out|picked|chose|choose|set) (?:exactly )?"
        r"(?:how|when|where) (?:im|i am|i will|ill|i want to|i wanna|i am going to|to|i) "
        r"(?:going to |gonna )?do it\b",
        r"\b(?:picked|chose|set|have|got|found) (?:a|the) (?:date|day|time|place|spot|method|way)"
        r" (?:to do it|for it|ill do it|i do it)\b",
        r"\b(?:tonight|today) (?:im|i am|ill|i will) (?:finally )?(?:gonna |going to )?do it\b",
        r"\bfinally (?:gonna|going to|ready to|about to) do it\b",
        r"\b(?:tonight|today|tomorrow) is the (?:night|day) (?:i|im|ill) (?:do it|doing it|go"
        r"|end it|leave)\b",
        r"\b(?:have|got) (?:it all|everything) (?:planned|ready|set|figured out)(?: out)?"
        r"(?: #|$| for (?:tonight|today|tomorrow|this weekend))",
        r"\b(?:tengo|ya tengo) todo (?:planeado|listo|preparado)(?: #|$| para (?:esta noche|hoy"
        r"|manana|el fin))",
        r"\bya (?:se|decidi) (?:como|cuando|donde) (?:lo voy a hacer|hacerlo)\b",
    ),
    _c(
        "at_a_height",
        0.45,
        IDEA,
        rf"\b(?:im|i am|standing|sitting|stood|sat) (?:on|at|by|under) (?:the|a|this|that) "
        rf"(?:top of the )?{HEIGHTS}{NO_ERRAND}",
        r"\bestoy (?:en|sobre|arriba de) (?:el|la|un|una) (?:puente|azotea|techo|cornisa|orilla"
        rf"|barandal|vias){NO_ERRAND}",
    ),
    _c(
        "means_bought",
        0.55,
        IDEA,
        r"\b(?:bought|buying|purchased|ordered) (?:a |the |some )?(?:rope|noose|gun|handgun"
        r"|pistol|shotgun|rifle|razor blades|razors|bullets)\b"
        r"(?! (?:for (?:the|my|a|our|his|her|work|camping|hunting|the)|safe|case|lock|cleaning))",
        r"\bcompre (?:una |un |unas )?(?:soga|cuerda|pistola|arma|veneno|navaja|cuchillas)\b",
    ),
    _c(
        "es:quiero_morir",
        0.85,
        IDEA,
        rf"\b(?:{QUIERO}|tengo ganas de|gana de|prefiero|necesito|solo quiero|ojala pudiera) "
        r"morir(?: ?me)?\b",
        r"\bme (?:quiero|kiero|qiero|quisiera|kisiera|gustaria) morir\b",
        r"\bojala (?:que |q )?(?:me muera|me muriera|me muero|estuviera muert[oa]"
        r"|no despertar[ae]?|no existiera|no hubiera nacido|nunca hubiera nacido)",
        r"\b(?:mejor|estaria mejor) (?:muert[oa]|me muero)\b",
        rf"\b(?:{QUIERO}|prefiero) estar muert[oa]\b",
        r"\b(?:me (?:quiero|quisiera|voy a) ir|ir ?me|me ire|me voy) (?:para siempre|de este mundo"
        r"|de esta vida)\b(?! de (?!este mundo|esta vida|aqui))",
        r"\bdormir (?:y no despertar|para siempre)|\bno despertar (?:nunca|mas|jamas)\b",
    ),
    _c(
        "es:matarme",
        0.9,
        IDEA,
        r"\bmatar ?me\b",
        r"\bme (?:quiero|kiero|qiero|voy a|vo a|pienso|podria|quisiera|gustaria|tengo que"
        r"|debo|deberia) matar\b",
        r"\bme mato(?: #|$| hoy| esta noche| ya| ahora| manana)",
        r"\bmejor me mato\b",
        rf"\b{SUI}ar ?me\b|\bme (?:quiero|kiero|voy a|pienso|podria|quisiera|gustaria) {SUI}ar\b",
        rf"\b(?:pienso|pensando|pensar|pense|considero|considerando) (?:en )?(?:el )?{SUICIDE}",
        rf"\b(?:tengo|tuve|he tenido|estoy teniendo|me vienen) (?:pensamientos|ideas) {SUICIDAL}",
        r"\bquitar ?me la vida\b|\bme (?:voy a |quiero |pienso )?quit(?:o|ar|are) la vida\b",
        r"\b(?:acabar|terminar|poner fin a) (?:con )?mi vida\b",
        r"\b(?:pegar ?me|dar ?me|meter ?me|me voy a pegar|me voy a dar|me quiero pegar) un tiro\b",
        r"\bdisparar ?me\b|\bvolar ?me (?:la cabeza|los sesos)\b",
        r"\bahorcar ?me\b|\bcolgar ?me\b|\bme (?:voy a |quiero )?(?:ahorcar|colgar)\b",
        rf"\b(?:tirar|aventar|lanzar|arrojar)(?: ?me)? (?:del|de un|de una|desde|al|a la|a las"
        rf"|a un|por la|frente al?) {ES_PLACES}\b",
        rf"\bme (?:voy a|quiero) (?:tirar|aventar|lanzar|arrojar) (?:del|de un|de una|desde|al"
        rf"|a la|a las|a un|por la|frente al?) {ES_PLACES}\b",
        r"\b(?:voy a|quiero|pienso|tengo ganas de) saltar(?: #|$| del| de la| desde| al| por)",
        r"\b(?:voy a|quiero|pienso) (?:tomar ?me|tomar|hacer ?me|dar ?me)? ?(?:una )?sobredosis\b",
        r"\btomar ?me todas (?:las|mis) (?:pastillas|pildoras|medicinas|tabletas)\b",
        r"\b(?:me voy a|voy a|quiero) tomar(?: ?me)? (?:todas|todo el frasco|el frasco|la caja)",
        r"\bcortar(?: ?me)? las venas\b|\bojala (?:me atropell|me pase algo|no despierte)",
        r"\b(?:suicid\w*|morir|la muerte|matar ?me) es (?:la|mi) unica (?:salida|opcion|solucion)",
        rf"\bunica (?:salida|opcion|solucion) es (?:la muerte|morir|matar ?me|el {SUICIDE})",
    ),
    _c(
        "self_harm",
        0.8,
        IDEA,
        rf"\b{HARM_INTENT} (?:cut|cutting|burn|burning|hurt|hurting|harm|harming|hit|hitting"
        rf"|punch|punching|stab|stabbing|starve|starving|poison|poisoning) {SELF}\b",
        rf"\b(?:cut|burned|burnt|hurt|harmed|hit|punched|scratched|stabbed) {SELF} "
        r"(?:again|on purpose|deliberately|tonight|badly|deep|really bad|last night|today"
        r"|this morning|yesterday|earlier)\b",
        rf"\bcutting {SELF}\b",
        r"\b(?:carved|carving|cut|cutting|burned|burnt|burning|scratched|slashed|sliced)"
        r" (?:into )?my (?:arms?|wrists?|legs?|thighs?|skin|stomach|hips?)"
        r"(?: again| tonight| last night| today| on purpose| deep)",
        r"\b(?:been|started|start|keep|back to|relapsed|relapse) (?:cutting|self ?harming"
        r"|self ?harm|harming)\b|\bcutting again\b|\bi self ?harm\b",
        r"\bself ?harm(?:ed|ing)? again\b",
        rf"\bwhat i (?:might|will|could|ill|am going to|m going to) do to {SELF}",
        rf"\bdo something to {SELF}\b|\bdanger to {SELF}\b",
        r"\bcortar ?me\b|\bme (?:estoy |voy a |quiero )?cort(?:o|ando|are)\b",
        r"\bme (?:quiero|quisiera|voy a|pienso|tengo ganas de) (?:cortar|lastimar|quemar|golpear"
        r"|hacer dano)\b",
        r"\bme (?:volvi|vuelvo|he vuelto|volvere) a (?:cortar|lastimar|quemar|golpear|hacer dano)",
        r"\bme corte (?:otra vez|de nuevo|las venas|los brazos|las piernas|las munecas"
        r"|a proposito)",
        r"\bhacer ?me (?:dano|mal)\b|\blastimar ?me\b",
        r"\bme (?:estoy |voy a |quiero )?lastim(?:o|ando)\b",
        r"\bme (?:estoy )?(?:quem|cort|golpe|lastim)\w* a proposito\b|\bautolesion(?:arme|ando)\b",
    ),
    _c(
        "suicidal",
        0.8,
        IDEA,
        rf"\b{SUICIDAL}",
        rf"^(?:im |i am )?{SUICIDE}$",
        rf"\b{SUICIDE} (?:is all i think about|every day|all the time)",
    ),
    _c(
        "only_way_out",
        0.8,
        IDEA,
        rf"\b(?:death|dying|{SUICIDE}|killing {SELF}|ending it) (?:is|seems|sounds|feels like) "
        r"(?:the|my) (?:only|best|last) (?:way out|option|answer|choice|solution|escape)",
        rf"\bonly (?:way out|option|answer|solution|escape) (?:is|left is) (?:death|dying|to die"
        rf"|{SUICIDE}|to kill {SELF}|to end it)",
        rf"\b(?:way out|option|answer|solution|escape|choice) (?:\w+ )?(?:except|but|other than"
        rf"|besides|apart from) (?:death|dying|to die|{SUICIDE}|killing {SELF}|ending it)\b",
    ),
    _c(
        "better_off_without_me",
        0.8,
        IDEA,
        r"\b(?:better|happier|easier|fine) (?:off )?(?:without|w o|wo|witout|w out) me\b",
        rf"\b(?:better|easier|happier|simpler|lighter) (?:off |for (?:everyone|everybody|all|them"
        rf"|my family|you) )?(?:if|when|once|after) (?:i|im) (?:was |were |am |m |just )?"
        r"(?:dead|gone|not here|not around|wasnt here|werent here|wasnt around|werent around"
        rf"|didnt exist|never existed|disappeared|died|killed {SELF}|never born)\b",
        r"\b(?:mejor|mejores|felices) sin mi\b",
        r"\b(?:mejor (?:para todos )?)?si (?:yo )?no (?:existiera|estuviera|hubiera nacido)\b",
    ),
    _c(
        "no_reason_to_live",
        0.8,
        IDEA,
        r"\b(?:no|zero|nothing|not a single|not one|no more|dont have a|dont have any|have no"
        r"|dont see the|dont see any|cant see the|cant see any) (?:reason|point|purpose|will"
        r"|motivation)s? (?:left )?(?:to|for|in|of) (?:me |my )?(?:live|living|be alive"
        r"|being alive|go on|going on|keep going|keep living|exist|existing|wake up|stay|life)\b",
        r"\b(?:nothing|nobody|no one|noone) (?:left )?to live for\b",
        r"\b(?:whats|what is|wats|wuts) (?:even )?the point (?:of|in) (?:living|life|being alive"
        r"|going on"
        r"|existing|waking up|it all|anything|any of it|any of this|everything|trying anymore)\b",
        r"\bpara (?:que|q) (?:seguir|vivir|seguir viviendo|existir|despertar)\b",
        r"\b(?:isnt|is not|aint|not|never) worth (?:living|staying alive|being alive)\b",
        r"\b(?:life|living|my life) (?:isnt|is not|aint|s not) worth it\b",
        r"\bno (?:tengo|hay|encuentro|veo) (?:razon|razones|motivo|motivos|por que|para que"
        r"|porque|sentido|ningun motivo|ninguna razon) (?:para |de )?(?:vivir|seguir)\b",
        r"\b(?:no|ya no) le (?:veo|encuentro) (?:ningun )?sentido a (?:la vida|vivir|seguir|nada"
        r"|mi vida)\b",
        r"\bla vida no tiene sentido\b|\bya no tengo por (?:que|q) vivir\b",
        r"\bno vale la pena (?:vivir|seguir)\b|\bla vida no vale la pena\b",
    ),
    _c(
        "dont_want_to_live",
        0.8,
        IDEA,
        r"\b(?:dont|do not|dnt|doesnt|does not|no longer|not|never) (?:really )?(?:want|wants"
        r"|wanna|wana|wish|feel like|care) (?:to )?(?:live|be alive|exist|keep living|go on"
        r"|continue|stay alive|be around|living)\b"
        r"(?! (?:in|with|near|at|there|here in|by|together|alone|on|like that|for the))",
        rf"\b(?:dont|do not|dnt) (?:really )?(?:want|wanna|wana) (?:to )?be here{ANYMORE}",
        rf"\b(?:dont|do not|dnt) (?:really )?(?:want|wanna|wana) (?:to )?wake up"
        rf"(?: tomorrow| again| ever| in the morning|{ANYMORE})",
        r"\b(?:hope|wish) i (?:dont|do not|never|wont|dont ever) wake up\b",
        r"\bdont deserve to (?:live|be alive|exist|be here)\b",
        r"\b(?:should not|shouldnt|should never) (?:even )?(?:be alive|exist|have been born"
        r"|be here)(?: #|$| anymore| at all)",
        r"\b(?:be|stay|live) (?:on|in) this (?:earth|world|planet)(?: anymore| any more| #|$)",
        r"\bi (?:want|wana|wanna|need) out(?: #|$| of (?:life|this life|this world))",
        r"\bdont care if i (?:live|die)\b",
        r"\b(?:im|i am|so) done (?:living|being alive|existing|with (?:life|living))\b",
        r"\bwhy (?:am i|im|i am) (?:still )?(?:here|alive|breathing)\b",
        r"\b(?:dont|do not) (?:really )?(?:want|wanna) (?:to )?be(?: #|$)",
        r"\b(?:nobody|no one|noone|dont|doesnt) (?:cares?|care) (?:if|whether) i "
        r"(?:live|die|am alive|m alive)\b",
        r"\bir(?: ?me)? de este mundo\b|\bdejar este mundo\b",
        r"\b(?:dont think|not sure|dont know if|doubt) i can (?:keep going|go on|keep living"
        r"|do this anymore|hold on|survive|last|make it)\b",
        r"\bdejar de (?:vivir|existir)\b|\bno quiero estar en este mundo\b",
        r"\b(?:no tiene|sin) sentido (?:vivir|seguir|la vida|mi vida)\b",
        r"\bmi vida no tiene sentido\b",
        r"\bwant to stop existing\b|\b(?:tired|sick|exhausted|done|fed up|weary) (?:of|with) "
        r"(?:living|being alive|life|existing|my life|being here)\b",
        r"\bgiv(?:e|ing|en) up on (?:life|living)\b",
        r"\b(?:no|ya no) (?:quiero|kiero|qiero|deseo|tengo ganas de|quiere|desea) (?:vivir"
        r"|seguir viviendo|seguir con vida|existir|despertar|estar viv[oa])\b"
        r"(?! (?:en|con|cerca|lejos|junto|alli|alla|aqui en|ahi))",
        r"\b(?:cansad[oa]|harta|harto|me canse|cansa) (?:de )?(?:vivir|la vida|existir)\b",
    ),
    _c(
        "cant_go_on",
        0.75,
        IDEA,
        rf"\b(?:cant|cannot|can not|cnt) (?:go on|keep going|keep living|carry on)"
        rf"(?: like this| living| without|{ANYMORE})",
        r"\b(?:cant|cannot|can not|cnt) (?:do it |do this |take it |take this )?"
        r"(?:anymore|any more)\b",
        r"\b(?:cant|cannot|can not|cnt) (?:live like this|keep doing this|live with this"
        r"|live anymore|cope anymore|keep living like this|be here anymore)\b",
        rf"\b(?:cant|cannot|can not|cnt) (?:do|take|handle|deal with|stand) (?:this|it|life)"
        rf"{ANYMORE}",
        rf"\b(?:cant|cannot|can not|cnt) (?:take|handle|bear|stand) (?:this |the |my )?(?:pain"
        rf"|life|hurt|feeling|loneliness|voices|depression|emptiness){ANYMORE}",
        r"\b(?:dont know|idk|not sure|no idea) how (?:much )?longer i can (?:hold on|keep going"
        r"|go on|do this|take (?:it|this)|last|survive|keep living)",
        r"\b(?:ya )?no (?:puedo|aguanto|soporto) mas\b|\bya no aguanto(?: #|$)",
        r"\b(?:ya )?no (?:quiero|puedo|kiero) seguir(?: #|$| asi| mas| adelante| aqui)",
        r"\bya no (?:quiero|kiero|puedo) estar aqui(?: #|$)",
        r"\bya no (?:voy a|vaya a) estar(?: aqui| viv[oa])?(?: #|$| manana| para (?:la|el|ustedes"
        r"|mis|mi|nadie))",
    ),
    _c(
        "end_it",
        0.75,
        IDEA,
        r"\bend(?:ing|in)? (?:it|this|things|everything) all\b|\bend(?:ing|in)? it all\b",
        rf"\b{ACT_INTENT} (?:just )?end (?:it|things|everything|my suffering)\b",
        rf"\bending (?:it|things|everything)(?: #|$| {WHEN})",
        rf"\bi (?:just )?end (?:it|things|everything)(?: #|$| all| {WHEN})",
        rf"\b{ACT_INTENT} (?:just )?end this(?: #|$)",
        rf"\b(?:telling|tells|told|telling) me to (?:end it|die|end my life|hurt {SELF}|jump"
        r"|do it)\b",
        r"\b(?:going to|gonna|will|ill|im) do it (?:tonight|tonite|2nite|today|rn|right now)"
        r"(?: #|$)",
        r"\bstop me before i (?:do something|hurt|kill|do it|end)",
        r"\bend (?:my|the|this) (?:suffering|pain|misery) (?:permanently|forever|for good)\b",
        r"\bpermanent solution\b|\b(?:stop|end) (?:forever|for good|permanently)\b",
        r"\b(?:want|wanna|need|wish) (?:it all|everything|my life|this life|life) (?:to )?"
        r"(?:end|stop|be over)\b",
        r"\b(?:want|wanna|need|wish) it (?:to )?(?:end|stop|be over)"
        rf"(?: forever| for good|{CLAUSE_END})",
        r"\b(?:want|wanna|need|wish) (?:it|this|everything|it all) (?:to be )?over"
        r"(?: #|$| already| now| forever)",
        r"\b(?:quiero|kiero|ojala) (?:que )?(?:todo|esto|mi vida) (?:se )?(?:acabe|termine)\b",
        r"\b(?:acabar|terminar|acabo|termino|terminare|acabare) con todo(?: #|$| esto| ya| hoy"
        r"| esta noche| de una vez)",
        r"\bse (?:acaba|termina) todo\b",
        r"\b(?:going to|gonna|about to|might|will|ill|afraid i|scared i) (?:do|will do) something "
        r"(?:stupid|drastic|bad|dumb|terrible|permanent)\b",
    ),
    _c(
        "thinking_about_dying",
        0.7,
        IDEA,
        r"\b(?:thinking|think|thoughts|thought) (?:about|of) (?:dying|being dead|ending it"
        rf"|ending my life|not being here|not existing|killing {SELF})",
        r"\bfeel(?:s|ing)? like (?:dying|i want to die|im dying|i should die|ending it)\b",
        r"\b(?:quiero|kiero|me quiero) desaparecer (?:para siempre|de este mundo|del mapa)\b",
        r"\bdesaparecer para siempre\b",
        r"\b(?:disappear|go away|vanish) and never come back\b",
        r"\bmade (?:my )?peace with (?:it|dying|death|my decision|leaving)\b",
        r"\bhate (?:being alive|living|existing|that im alive|that i am alive)\b",
        r"\b(?:disappear|disappeared|vanish|vanished|be gone|gone) (?:forever|for good"
        r"|permanently)\b",
        r"\b(?:check|checking|checked|clock|clocking|log|logging|tap|tapping|bow|bowing) out "
        r"(?:for good|forever|permanently|early|of (?:life|this life|this world))\b",
    ),
    _c(
        "burden",
        0.6,
        IDEA,
        r"\bburden (?:to|on|for) (?:everyone|everybody|all|my family|the people|those|my kids)\b",
        r"\bsoy (?:una )?carga para (?:mi familia|todos|mis hijos|los demas)\b",
        r"\b(?:nobody|no one|noone|no body) (?:would|will|is going to|gonna)? ?(?:even )?"
        r"(?:care|notice|cry)(?: #)? (?:if|when) (?:i|im) (?:die|died|was gone|were gone|am gone"
        r"|not here|not around|no longer here"
        rf"|gone|disappeared|disappear|killed {SELF}|dead)\b",
        r"\b(?:nobody|no one|noone|no body) (?:would|will|is going to|gonna)? ?(?:even )?miss me\b",
        r"\b(?:would|will|does|do|who would|who will) (?:anyone|anybody|people|they) (?:even )?"
        r"(?:notice|care|miss me|cry) (?:if|when) (?:im|i am|i was|i m|i) (?:gone|dead|die|died)\b",
        rf"\bif i (?:died|die|was gone|were gone|disappeared|killed {SELF})(?: tomorrow| today"
        r"| tonight)? (?:nobody|no one|noone) (?:would|will)? ?(?:even )?(?:care|notice|miss me"
        r"|cry)\b",
        r"\bnadie (?:me )?(?:extran(?:aria|ara|a)|va a extranar|lo (?:notaria|notara)"
        r"|se daria cuenta|notaria)\b",
    ),
    _c(
        "farewell",
        0.8,
        BYE,
        rf"\b(?:{SUICIDE}|goodbye|good bye|farewell) (?:notes?|letters?|messages?|video)\b",
        r"\b(?:wrote|written|writing|left|leaving|finished) (?:letters|notes|a letter|a note"
        r"|goodbyes?) (?:to|for) (?:my|everyone|everybody|all)\b",
        r"\bthis is (?:my )?(?:goodbye|good bye|the end|farewell|my last (?:goodbye|message|text"
        r"|words))(?: #|$| ever| forever| to (?:you|everyone|all))",
        r"\b(?:said|saying|say|made) (?:my )?(?:goodbyes|final goodbye|last goodbye)\b",
        r"\bgoodbye (?:forever|world|cruel world)\b",
        r"\bsaying goodbye to (?:everyone|everybody|all of you|you all|my family|the world)\b",
        r"\b(?:wont|will not|never) (?:hear from|see) me (?:again|anymore|ever again)",
        r"\blast time (?:you|youll|you will|anyone) (?:hear|see)s? (?:from )?me\b",
        r"\blast (?:text|message|time) (?:you|youll|you will|anyone) (?:get|hear|see|receive)s? "
        r"(?:from )?me\b",
        r"\b(?:not|wont|dont think ill|dont think i will|dont think im going to|not going to"
        r"|not gonna) (?:make it|survive|last) (?:through|til|until|past|to) (?:tonight"
        r"|the night|the weekend|tomorrow|morning|the day)",
        r"\b(?:be|im|ill be) (?:gone|dead) (?:by|before) (?:morning|tomorrow|tonight|the weekend"
        r"|sunrise)\b",
        r"\b(?:not|wont|will not|not going to|not gonna|dont think (?:ill|i will|im going to)"
        r"|not sure (?:ill|i will)) be (?:around|here|alive) (?:much longer"
        r"|for long|tomorrow|anymore|by (?:morning|tomorrow))",
        r"\bmy last (?:message|text|words)(?: #|$| ever| to)",
        r"\bcarta de despedida\b|\bmi despedida\b|\bme despido de (?:todos|ustedes|la vida)\b",
        r"\b(?:wrote|written|writing|finished|left) (?:my|the|a) (?:suicide |goodbye )?(?:note"
        r"|letter)s?(?: #|$| for (?:everyone|my family|them))",
        r"\b(?:escribi|deje|termine) (?:mi|la|una) (?:carta|nota)"
        r"(?: #|$| de despedida| para todos)",
        r"\bby the time (?:you|anyone|someone|they|u) (?:read|reads|see|sees|get|gets|find|finds)"
        r" (?:this|these|it)\b",
        r"\b(?:after|once|when) (?:im|i am|i m) (?:gone|dead)(?: #|$)|\bafter (?:im|i am) gone\b",
        r"\bcuando (?:yo )?(?:ya )?no (?:este|exista)(?: #|$| cuiden| les)|\bcuando me haya ido\b",
        r"\btell (?:my|them|everyone|everybody|her|him) (?:\w+ ){0,2}(?:im sorry|i m sorry"
        r"|i love (?:them|her|him|you|u|yall|you all)(?: \w+)*? (?:im sorry|goodbye|bye|forever)"
        r"|i said goodbye|goodbye)(?: #|$| for everything| forever)",
        r"\b(?:dile|diles|digale|diganle|decirle|digan) (?:a )?(?:mi|mis|todos) ?\w* que "
        r"(?:lo siento|me perdon\w*|l[oa]s? (?:quiero|amo)\w*(?: \w+)*? (?:perdon\w*|adios"
        r"|lo siento))",
        r"\b(?:este es )?mi ultimo mensaje(?: #|$| para (?:ustedes|todos|ti))",
        r"\b(?:mis )?ultimas palabras\b",
        r"\b(?:dont|do not|no) (?:try to |bother |intenten |traten de )?(?:find|look for|search for"
        r"|buscar ?me|me busquen)(?: me)?(?: #|$)",
        r"\bya me despedi\b|\bme despedi de (?:todos|ustedes|mi familia|la vida)(?: #|$)",
        rf"\b(?:gave|giving|given|give) away (?:all )?(?:of )?(?:my )?{BELONGINGS}",
        r"\b(?:regale|regalando|he regalado|di) (?:todas )?(?:mis|todas mis) cosas\b",
        r"\b(?:wont|will not|dont) need (?:them|it|my \w+|any of (?:it|this)) (?:anymore|any more"
        r"|where im going)\b|\bya no (?:las|los|lo|la) voy a necesitar\b",
        r"\b(?:wont|will not|not going to|not gonna) (?:be at|come to|see|be in) (?:\w+ ){0,3}"
        r"(?:or ever|ever again)\b",
        r"\b(?:sorry|perdon\w*|perdona ?me|perdonen ?me|perdoname) (?:for|por) (?:everything|todo)"
        r"(?: #)? (?:\w+ ){0,4}(?:goodbye|good bye|bye|adios)\b",
        r"\badios para siempre\b|\badios mundo\b",
    ),
    _c(
        "third_party_risk",
        0.6,
        IDEA,
        r"\b(?:wants|want|going|gonna|threatening|threatened|says|said|talking about|trying|about)"
        r" (?:to )?(?:kill|hurt) (?:himself|herself|themselves|themself)\b",
    ),
    # --- Families widened from blind set A's misses (2026-11): each is a general wording
    # family, not a copy of one message. Guards sit in the pattern or in IDIOMS.
    _c(
        "self_harm_act",
        0.8,
        IDEA,
        r"\b(?:relapsed|relapse|relapsing|did|doing|urge to|urges to|want to|wanna|wana|need to"
        r"|tempted to) (?:on |with |into )?(?:sh|self ?harm)\b(?! (?:group|meeting|awareness)\b)",
        r"\bsh (?:again|tonight|last night|today|rn)\b",
        r"\b(?:i|ive|i have|just|i just) (?:cut|burned|burnt|hurt|harmed|scratched|carved)"
        r" (?:again|deep|deeper|too deep|last night|tonight|on purpose|real bad|really bad)\b",
        r"\b(?:want to|wanna|wana|urge to|urges to|need to|itching to|tempted to) (?:cut|sh|burn)"
        r"(?: #|$| so bad| again| rn| right now| tonight| really bad)",
        r"\b(?:cut|cutting|burn|burned|burnt|burning|scratch|scratched|scratching|carve|carved"
        r"|carving|hit|hitting|punch|punched|punching|bang|banged|banging|starve|starved|starving)"
        r" (?:my|myself)(?: \w+){0,4} on purpose\b"
        r"(?! (?:to make|as a joke|for (?:a|the) (?:joke|laugh|video)|lol|jk|haha)\b)",
        r"\b(?:burn|burned|burnt|burning|cut|cutting) (?:my (?:arms?|wrists?|legs?|thighs?|skin"
        r"|stomach|hips?|hands?|belly) |myself )?(?:with|w) (?:a |my |the )?"
        r"(?:lighter|cigarettes?|cigs?|razors?|blades?|box cutter)\b",
        rf"\bthoughts (?:of|about) (?:hurting|harming|cutting|burning|starving) {SELF}",
        r"\bme (?:quemo|queme|quemaba|corto|corte|cortaba|rasguno|rasgune|golpeo|golpee)"
        r" (?:\w+ ){0,2}con (?:un |una |el |la |los |las |mis )?(?:cigarr\w*|encendedor|navajas?"
        r"|cuchillas?|vidrios?|rastrillo|cutter)\b",
        r"\bme (?:estoy|sigo) haciendo (?:dano|mal)\b|\b(?:estoy|sigo) haciendo me (?:dano|mal)\b",
    ),
    _c(
        "self_harm_signs",
        0.55,
        IDEA,
        r"\b(?:till|until|til) (?:i|it|they|my \w+) (?:bleed|bled|bleeds|bleeding)\b",
        r"\bwant(?:ed)? (?:it|myself|me) to hurt\b|\bdeserve (?:the pain|to hurt|to bleed)\b",
    ),
    _c(
        "research_lethality",
        0.8,
        IDEA,
        rf"\bhow (?:many|much) (?:of )?(?:my |the |these |those |a )?{DRUGS} (?:would|will|does|do"
        r"|did|to)(?: it)? (?:take|kill|be enough|be lethal|be fatal)\b",
        r"\bcuantas (?:pastillas|pildoras|tabletas|\w+) (?:se necesitan|necesito|hacen falta"
        r"|son suficientes|para morir|me matan|para una sobredosis)\b",
        r"\b(?:is|would|will|isnt|would a|is a) (?:jump|jumping|fall|falling|drop)"
        r"(?! (?:jacks|rope|start|in the pool))(?: \w+){0,5} (?:enough|high enough|fatal|lethal)\b",
        r"\b(?:high|tall) enough to (?:die|kill|end)\b",
        r"\b(?:highest|tallest)(?: \w+)? (?:bridge|building|cliff|overpass|parking garage|roof"
        r"|tower|floor)s? (?:around here|near me|nearby|in town|close by|near here|i can get to"
        r"|to jump|in the area)\b",
        r"\b(?:el|la) (?:puente|edificio) mas alto (?:de aqui|cercano|por aqui|cerca)\b",
    ),
    _c(
        "means_prepared",
        0.6,
        IDEA,
        r"\b(?:counted|counting|lined|lining|laid|laying) (?:out |up )?(?:all )?"
        r"(?:my |the |of my )?(?:pills|meds|tablets|sleeping pills|pastillas)\b"
        r"(?! (?:for (?:the|this|next) week|into|in (?:my|the) (?:organizer|pill box|pillbox)))",
        rf"\b(?:swallowed|downed|chugged|popped|took) (?:the rest of|what was left of|whats left of"
        rf"|the last of) (?:my |the |her |his )?{DRUGS}\b(?: \w+){{0,2}} (?:with|w|and|n) "
        r"(?:a |some |the )?(?:bottle of |fifth of )?(?:vodka|alcohol|whiskey|liquor|tequila"
        r"|booze|rum|gin)\b",
        rf"\b(?:swallowed|downed|chugged|popped) (?:the rest of|what was left of|whats left of"
        rf"|the last of) (?:my |the |her |his )?{DRUGS}\b",
        r"\b(?:tengo|consegui|ya tengo|traigo) (?:la|una|el|un|mi) (?:pistola|arma|soga|cuerda"
        r"|escopeta|revolver)\b(?! para (?!(?:cuando|hacerlo|mi|matar ?me|esta noche)\b))",
        r"\b(?:i have|ive got|i got|i found|i know where) (?:access to )?(?:a|the|my \w+) "
        r"(?:gun|pistol|rifle|shotgun|handgun|rope|noose)\b"
        r"(?! (?:for|safe|lock|license|permit|class|range|show)\b)",
    ),
    _c(
        "passive_death_wish",
        0.75,
        IDEA,
        r"\b(?:hope|hoping|wish|wishing|pray|praying)(?: that)? (?:\w+ ){1,3}(?:takes|took"
        r"|would take|will take) me(?: #|$| quick| quickly| soon| away| already| now| in my sleep"
        r"| tonight| first)",
        r"\b(?:hope|hoping|wish|wishing|pray|praying)(?: that)? (?:\w+ ){1,3}(?:kills|killed"
        r"|would kill|will kill|ends|hits|would hit) me\b"
        r"(?! (?:out|to|back|home|for|with|on|along|there|shopping|in|up)\b)",
        r"\b(?:relieved|glad|happy|grateful|thankful|ok|okay|fine|wouldnt mind|would not mind"
        r"|wouldnt care|would not care|dont mind|dont care)(?: \w+){0,2} if (?:\w+ ){1,3}(?:killed"
        r"|kills|hit|hits|took|takes|ended|ends|ran over|runs over) me\b"
        r"(?! (?:to|out|home|back|with|for|in)\b)",
        r"\bif (?:a |the )?(?:car|bus|truck|train|something|someone|anything) (?:hit|hits|ran over"
        r"|runs over|killed|kills) me\b(?! (?:while|when|on|at|last|yesterday|once)\b)",
        r"\b(?:wouldnt|would not|dont|do not|wont|will not) (?:even )?(?:mind|care) if i (?:just )?"
        r"(?:died|die|didnt wake up|never woke up|dont wake up|got hit|was dead|were dead"
        r"|disappeared|stopped breathing)\b",
        r"\b(?:stopped|stopping|quit|quitting|skipping|skipped|refusing|not) (?:taking |eating )?"
        r"(?:my )?(?:insulin|meds|medication|medications|medicine|heart meds|pills|dialysis|food"
        r"|eating|treatment|chemo)(?: \w+){0,3} (?:on purpose|so i (?:can|will|could|would|might)"
        r" die|hoping (?:to die|i die|it kills me|it ends))\b",
        r"\bojala (?:que )?(?:\w+ ){0,3}me (?:atropell\w*|mate|matara|lleve|llevara)\b"
        r"(?! (?:a|al|de|con|por|en|para)\b)",
        r"\b(?:me da|me daria) (?:igual|lo mismo) (?:si )?(?:me muero|morir ?me|morir"
        r"|vivir o morir|que me muera)\b",
    ),
    _c(
        "better_without_someone_like_me",
        0.8,
        IDEA,
        r"\b(?:better|happier|mejor|mejores|felices|fine)(?: off)? (?:without|w o|wo|sin)"
        r" (?:a |an |un |una )?\w+ (?:like|como) (?:me|yo)\b",
    ),
    _c(
        "no_longer_a_problem",
        0.65,
        IDEA,
        r"\b(?:wont|will not|not going to|not gonna|never going to|never gonna|no longer) be "
        r"(?:a |an |anyones |anybodys |your |their |everyones )(?:problem|burden|bother|trouble)"
        r"(?: #|$| anymore| any more| again| much longer| for (?:anyone|anybody|you|u|my family"
        r"|long)| to (?:anyone|anybody|you|u|my family))",
        r"\b(?:wont|will not|never|not going to|not gonna) (?:bother|trouble|burden) (?:you|u"
        r"|anyone|anybody|yall|you all|my family)(?: \w+){0,2} (?:again|anymore|any more|ever)\b",
        r"\b(?:wont|will not|dont|do not|wont ever) (?:have to|need to) worry about me (?:again"
        r"|anymore|any more|ever|much longer)\b",
        r"\bya no (?:voy a |vo a |vaya a )?(?:ser|sere|seria) (?:un |una )?(?:problema|carga"
        r"|molestia|estorbo)\b",
        r"\b(?:no|ya no) (?:los |te |les |lo |la |las )?(?:voy a|vo a|volvere a|vuelvo a) "
        r"(?:molestar|causar problemas|dar problemas)(?: a nadie)? (?:nunca mas|jamas|nunca)\b",
    ),
    _c(
        "all_over_soon",
        0.6,
        IDEA,
        r"\b(?:itll|it will|this will|thisll|everything will|itll all|it will all|its all going to"
        r"|its all gonna|its gonna|it is going to|everythings gonna) (?:all )?be over (?:soon"
        r"|tonight|tomorrow|by)\b",
        r"\b(?:going to|gonna|gona|will|ill|i will|im|i am) be gone (?:soon|tonight|forever"
        r"|for good|by (?:morning|tomorrow|tonight)|before (?:morning|sunrise|anyone))\b",
        r"\b(?:pronto|ya|hoy|esta noche|manana) (?:todo|esto) (?:va a|se va a|se va) (?:terminar"
        r"|acabar)\b",
        r"\btodo (?:va a|se va a) (?:terminar|acabar) (?:pronto|hoy|esta noche|ya)\b",
    ),
    _c(
        "plan_at_a_time",
        0.6,
        IDEA,
        r"\b(?:tonights|tonight is) the night(?: #)*$",
        r"\b(?:after|when|once|before) (?:\w+ ){0,3}(?:im|i am|ill|i will|i) (?:going to|gonna"
        r"|gona) do it(?: #|$)",
        r"\b(?:esta noche|hoy en la noche|en la noche) lo (?:hago|voy a hacer)(?: #|$)"
        r"|\blo (?:hago|voy a hacer) esta noche(?: #|$)",
        r"\b(?:a |the )?plan and (?:a |the )?(?:date|time|day|method|means|place)\b",
    ),
    _c(
        "farewell_entrust",
        0.6,
        BYE,
        r"\btell (?:my|them|everyone|everybody|her|him|the) (?:\w+ ){0,2}(?:that )?i (?:love|luv)"
        r" (?:her|him|them|you|u|yall|you all|all of you|everyone)(?: #|$| and| so much| very much"
        r"| always| forever| no matter)",
        r"\b(?:dile|diles|digale|diganle|decirle|digan|le dices|les dices) (?:a )?(?:mi|mis|todos"
        r"|los|las|el|la) ?\w* que (?:l[oa]s? |te )?(?:quiero|amo|quise|ame)\w*"
        r"(?: mucho| muchisimo| siempre| con todo mi corazon)?(?: #|$| y )",
        r"\b(?:take care of|look after|watch over|care for) (?:my) (?:kids|children|babies|baby|son"
        r"|daughter|dog|dogs|cat|cats|pets?|mom|family|sister|brother)(?: #|$| please| ok| pls"
        r"| after| forever| always| for me(?: #|$))",
        r"\b(?:cuiden|cuida|cuidenme|cuidenmelos|cuidale|cuidenle) (?:a |bien a )?(?:mis|mi)"
        r" (?:hijos|hijas|ninos|nenes|bebe|bebes|hijo|hija|perro|perrito|gato|gatito|mascotas?"
        r"|mama|papa|familia)(?: #|$| por favor| porfa| cuando| siempre| por mi| plis)",
        r"\b(?:ya )?(?:deje|escribi|termine|tengo) (?:unas |las |mis )?(?:cartas|notas) (?:para|a)"
        r" (?:todos|mis|mi|cada|ustedes)\b",
    ),
    _c(
        "voices_command",
        0.75,
        IDEA,
        r"\b(?:voices?|my head|my brain|my mind|a voice|the thoughts|my thoughts)(?: \w+){0,2}"
        r" (?:saying|telling me|tell me|tells me|says|told me|whispering|screaming|yelling"
        r"|begging me)(?: me)?(?: to)? (?:jump|die|end it|kill|do it|cut|hurt|overdose|hang)\b",
        r"\b(?:las voces|una voz|mi cabeza|mi mente)(?: \w+){0,2} (?:me )?(?:dice|dicen|repite"
        r"|repiten|grita|gritan|pide|piden) (?:que )?(?:me mate|salte|me corte|me muera|lo haga"
        r"|me tire|me aviente)\b",
    ),
    _c(
        "nothing_left",
        0.75,
        IDEA,
        r"\b(?:nothing|nada) (?:left )?(?:for me|para mi) (?:here|in this world|on this earth"
        r"|anymore|any more|aqui|en este mundo|en esta vida)(?: #|$| anymore)",
    ),
    _c(
        "distress:hopeless",
        0.35,
        WEAK,
        r"\bhopeless\b|\bno hope\b|\bworthless\b|\bempty inside\b|\bdead inside\b",
        r"\bdying inside\b|\bi hate my life\b|\bi give up(?: #|$)|\bno way out\b",
        r"\bmi vida no vale nada\b|\btired of (?:everything|it all|trying)\b",
        r"\b(?:im|i am) (?:so )?done(?: #|$)|\blife (?:is|feels) (?:meaningless|pointless)\b",
        r"\blife (?:has|holds) no (?:meaning|point|purpose)\b|\bno future for me\b",
        r"\b(?:nobody|no one|noone) (?:cares|would care|gives a \w+) (?:about|for|if) me\b",
        # Spanish: hopelessness, worthlessness, emptiness, giving up, "tired of everything".
        r"\bsin esperanzas?\b|\bno (?:tengo|hay|me queda) (?:ninguna )?esperanza\b",
        r"\bno valgo (?:nada|la pena)\b|\bodio mi vida\b|\bme odio\b|\bme rindo(?: #|$)",
        r"\b(?:cansad[oa]|hart[oa]|agotad[oa]) de todo\b|\bvacio por dentro\b",
        r"\bme siento (?:muy |tan )?(?:vaci[oa]|inutil|una basura)\b|\bnadie me quiere\b",
        r"\ba nadie le importo\b|\bno le importo a nadie\b",
    ),
    _c(
        "distress:burden",
        0.35,
        WEAK,
        r"\b(?:im|i am|i feel like|feel like) (?:such )?(?:a|an) (?:burden|waste of space"
        r"|waste of air)\b|\bwaste of space\b|\bhate myself\b|\bsoy (?:una )?carga\b",
        r"\bsoy un estorbo\b|\b(?:im|i am) a lost cause\b",
    ),
    _c(
        "distress:unneeded",
        0.35,
        WEAK,
        r"\b(?:world|everyone|nobody|no one|they|my family) (?:doesnt|dont|would not|wouldnt"
        r"|does not|do not) need me\b|\bnobody needs me\b",
    ),
    _c(
        "distress:disappear",
        0.35,
        WEAK,
        r"\b(?:want|wanna|wish i could|just want) (?:to )?disappear\b",
        r"\b(?:quiero|kiero|me quiero|ganas de) desaparecer\b",
        r"\b(?:im|i am) (?:going to|gonna) die\b|\bwant it to be over\b",
    ),
    _c(
        "distress:leaving_words",
        0.3,
        WEAK,
        r"\bsorry for everything\b|\bperdon por todo\b|\bgoodbye everyone\b|\badios a todos\b",
        r"\bsorry (?:mom|mum|dad|everyone|guys)\b",
    ),
    _c(
        "distress:giving_up",
        0.35,
        WEAK,
        r"\bthanks? (?:you )?for (?:trying|everything you tried)\b|\bgracias por intentar(?:lo)?\b",
    ),
    _c(
        "distress:dwelling_on_means",
        0.45,
        WEAK,
        r"\b(?:keep|kept|been|cant stop|can not stop|cannot stop) (?:looking|staring|thinking)"
        r" (?:at|about) (?:it|them|the (?:gun|pills|rope|knife|bottle|razor|blade|bridge|edge))\b",
        r"\b(?:thinking|think|thought) (?:about|of) using (?:it|them)\b",
        r"\bno dejo de (?:ver|mirar|pensar en) (?:la|el|las|los) (?:pistola|pastillas|soga|cuerda"
        r"|navaja|puente)\b",
    ),
    _c(
        "farewell:love_goodbye",
        0.55,
        BYE,
        r"\blove (?:you|you all|u) (?:all )?(?:# )?(?:goodbye|good bye|bye forever|farewell)\b",
    ),
    _c("textspeak:kys", 0.3, WEAK, r"\bkys\b"),
    _c(
        "farewell:affairs",
        0.45,
        BYE,
        r"\b(?:wrote|written|writing|updated|updating|made|making|finished|signed|did) (?:my|a"
        r"|out my) (?:will|testament|last will)\b(?! (?:power|to)\b)",
        r"\b(?:getting|got|put|putting) (?:my )?(?:affairs|things|stuff|life) in order\b",
        r"\b(?:paid|paying|pay) off (?:everything|all my (?:debts|bills)|my debts)\b",
        r"\b(?:hice|escribi|actualice|deje) (?:mi )?testamento\b",
    ),
    _c(
        "farewell:spare_others",
        0.45,
        BYE,
        r"\bso (?:nobody|no one|noone|they|my family|you|my \w+) (?:has|have|wont have|doesnt have"
        r"|dont have|will not have|wont need) to (?:deal|clean|sort|worry|find|take care|pay)\b",
        r"\bpara que (?:nadie|ustedes|mi familia) (?:tenga|tengan) que (?:limpiar|pagar|buscar)\b",
    ),
    _c(
        "farewell:wont_need",
        0.45,
        BYE,
        r"\b(?:wont|will not|not going to|not gonna|no longer|aint) (?:be )?need(?:ing)? (?:it|them"
        r"|this|that|these|those|my \w+|any of (?:it|this|them)|anything)(?: (?:after|past|beyond)"
        r" (?:this|tonight|today|tomorrow|friday|next)| again| anymore| any more| #|$)",
        r"\bya no (?:las|los|lo|la|le|les) (?:voy a|vo a) (?:ocupar)\b",
        r"\b(?:wont|will not|never|not gonna|not going to) (?:see|hear from) me (?:\w+ ){1,3}"
        r"(?:again|anymore|ever)\b",
    ),
    _c(
        "distress:giving_away",
        0.35,
        WEAK,
        r"\b(?:who|anyone|anybody|does anyone|somebody|alguien) (?:wants?|quiere)"
        r" (?:my|mi|mis) \w+",
        r"\b(?:you|u) can (?:have|keep) (?:my|all my) \w+|\bgave away (?:my|all my) \w+",
    ),
    _c(
        "distress:decided",
        0.35,
        WEAK,
        r"\b(?:made up my mind|my mind is made up|ive decided|i have decided|decision is made"
        r"|ive made my decision|i made my decision|ya lo decidi|ya tome la decision|ya me decidi"
        r"|ya estoy decidid[oa])\b",
        r"\bi have a plan(?: #|$)",
    ),
    _c(
        "distress:set_time",
        0.35,
        WEAK,
        r"\b(?:its|it is) happening (?:tonight|today|tomorrow|this weekend|on \w+|monday|tuesday"
        r"|wednesday|thursday|friday|saturday|sunday)(?: #|$)",
        r"\b(?:its|it is) time(?: #|$)",
    ),
    _c(
        "distress:no_better",
        0.35,
        WEAK,
        r"\b(?:never|not|wont|will not|isnt|is not) (?:ever )?(?:gonna |going to )?get(?:ting)?"
        r" (?:any )?better\b|\bnunca va a mejorar\b|\bnada va a (?:mejorar|cambiar)\b",
    ),
)

# Idioms, topic talk and grief talk: a cue overlapping one of these does not count.
IDIOMS: tuple[str, ...] = (
    r"\bdying (?:to|for)\b|\bto die for\b|\brather die than\b|\bdeath of me\b",
    rf"\b(?:die|died|dying|dead|kill {SELF}|killed {SELF}|killing {SELF}) (?:laughing|of laughter"
    r"|from laughter)\b",
    r"\b(?:die|died|dying|dead) (?:of|from) (?:embarrassment|boredom|laughter|shame|cringe|heat"
    r"|hunger|thirst|curiosity|cuteness|jealousy|envy|exhaustion)\b",
    r"\bd[iy]e (?:my|her|his|your|our|the) hair\b",
    r"\bdead (?:tired|serious|on my feet|set|wrong|last)\b",
    r"\b(?:bored|scared|worried|tired|sick|frightened|freezing|starving) to death\b",
    rf"\bkilling {SELF} (?:trying|to get|to finish|to make it|to keep up|over|at work|at the gym"
    r"|working|for (?:this|that|work|my boss))",
    r"\bkill (?:it|time|the (?:lights|engine|music|mood|vibe)|two birds)\b",
    r"\b(?:could|would|d) kill for\b",
    r"\b[0-9]+ ?kms?\b",
    r"\bend (?:it|things|this) with\b",
    rf"\bcut {SELF} (?:shaving|cooking|on|while|with the|chopping|by accident|accidentally)\b",
    rf"\bhurt {SELF} (?:at|playing|lifting|running|on|in|while|skiing|working out)\b",
    rf"\b{SUICIDE} (?:prevention|awareness|hotline|lifeline|line|loss|survivors?|bereavement"
    r"|squad|doors?|sprints?|drills?|rates?|statistics|stats|risk|postvention|helpline|training"
    r"|walk|vigil|month|week|day|attempt survivor)\b",
    r"\b(?:died|dies|lost|loss|death|deaths|memorial) (?:\w+[ ]){0,3}(?:by|to|from|of) "
    rf"{SUICIDE}",
    rf"\b(?:about|on|regarding|discuss\w*|prevent\w*|screen\w*|and|between|covers?) (?:the )?"
    rf"{SUICIDAL} (?:thoughts|ideation|behaviou?r|feelings|risk|people|youth|teens|clients"
    r"|callers|patients)",
    rf"\b(?:people|someone|somebody|person|friends?|members?|clients?|youth|teens|kids|anyone"
    rf"|those|others|loved ones?) (?:who|that|with)(?: are| is| feel| feels| seem| seems"
    rf"| might be| may be| have| has)? (?:\w+[ ])?{SUICIDAL}",
    rf"\b(?:help|support|supporting|helping|worried about|talk to) (?:my|a|our|his|her) \w+ "
    rf"(?:who|that) (?:is |are |has |have )?(?:\w+[ ]){{0,3}}{SUICIDAL}",
    rf"\b(?:they|theyre|he|hes|she|shes|someone|somebody|anyone|people|person|friend|youre"
    rf"|you|if) (?:is |are |re |s |were |was )?(?:thinking|think|considering) (?:about |of )?"
    rf"{SUICIDE}",
    r"\b(?:muer|mor|mat|mue)\w* (?:de|del) (?:la |el )?(?:risa|hambre|sueno|ganas|frio|calor"
    r"|verguenza|aburrimiento|cansancio|envidia|nervios|miedo|susto|amor|sed|celos|emocion"
    r"|alegria|felicidad|curiosidad)\b",
    r"\bme muero por\b|\bme mata(?:n)? (?:el|la|los|las|este|esta|estos|estas|mi|mis|tu|su)\b",
    r"\bme (?:esta|estan) matando\b|\bme tiene(?:n)? muert[oa]\b",
    r"\bmat(?:ar|o|are|ando|aria)(?: ?me)?[ ](?!cuando\b)\w+(?:ando|iendo)\b",
    r"\bno (?:puedo|aguanto|soporto) mas (?:con |de )?(?:este |esta |el |la |los |las )?"
    r"(?:tanto |tanta |tantos |tantas )?(?:calor|clima|frio|trafico|tarea|tareas|ruido|lluvia"
    r"|risa|hambre|sueno|examen|examenes|jefe|fila|dolor de cabeza|gente|trabajo|escuela|clases"
    r"|vecinos|ninos|cosas|pendientes)\b",
    rf"\b(?:prevencion|prevenir|concientizacion|sobrevivientes?|supervivientes?|duelo|perdida"
    rf"|charla|taller|grupo|capacitacion|sobre|contra|riesgo) (?:\w+[ ]){{0,2}}{SUICIDE}",
    rf"\b(?:personas|gente|alguien|pacientes|jovenes|conducta|comportamiento|ideacion|riesgo"
    rf"|prevencion) (?:con )?(?:pensamientos |ideas |conductas )?{SUICIDAL}",
    r"\bcort\w* (?:el|los|las|la|un|una) (?:pelo|cabello|fleco|flequillo|unas|barba|dedos?"
    r"|mano|pie)\b|\bcort\w* (?:cocinando|sin querer|por accidente)\b",
    r"\bsaltar (?:la |a la )?cuerda\b|\bsaltar en (?:paracaidas|bungee)\b",
    r"\btirar ?me a la piscina\b",
    r"\b(?:asked|asks|ask|asking|pregunto|pregunta) (?:me )?(?:if|whether|about|si) "
    r"(?:\w+ ){0,6}"
    rf"(?:{SUICIDE}|{SUICIDAL}|kill(?:ing)? {SELF}|hurt(?:ing)? {SELF}|dying)"
    r"(?= (?:and |but )?(?:i|yo) (?:said|told (?:her|him|them)|dije) (?:no|i wasnt|im not|que no))",
    rf"\bescuadron {SUICIDAL}|\bsuicide is painless\b",
    r"\bdisappear (?:to|for (?:a|an|the|[0-9]+|some|like)|on (?:a )?(?:vacation|trip|holiday)"
    r"|into (?:my|a|the) (?:room|book|bed|blanket|game|couch)|from (?:work|school|class|social"
    r" media|the internet|facebook|instagram))\b",
    r"\b(?:cant|cannot|can not|cnt) (?:do|take|handle|deal with|stand) (?:this |it |him |her "
    r"|them )?(?:anymore|any more) (?:with|at|from|for) "
    r"(?!(?:my )?(?:life|living|myself|me|this life|this world)\b)(?:my|this|the|these|that"
    r"|those|him|her|them|work|school|his)\b",
)

# Denials of intent: they cancel the cues they overlap, and count as "negated" (concern).
NEGATIONS: tuple[str, ...] = (
    rf"\b(?:dont|do not|didnt|did not|never|not|no longer|wont|will not|would never|wouldnt"
    rf"|would not|not going to|not gonna|am not|im not|i m not|no)(?: really| actually| even)?"
    rf"(?: want(?:ing)? to| wanna| plan(?:ning)? to| going to| gonna| thinking (?:about|of)"
    rf"| intend(?:ing)? to| feeling| feel| be| been| having| a)? (?:kill(?:ing)? {SELF}|die"
    rf"|dying|end (?:my life|it all|it)|hurt(?:ing)? {SELF}|harm(?:ing)? {SELF}"
    rf"|cut(?:ting)? {SELF}|do anything to {SELF}|commit {SUICIDE}|{SUICIDAL}"
    rf"|danger to {SELF}|thoughts of (?:suicide|killing {SELF}|dying|hurting {SELF}"
    rf"|harming {SELF}))",
    rf"\b(?:havent|have not|hasnt|stopped|quit|no longer|not|didnt) (?:been )?(?:self ?harm\w*"
    rf"|cut(?:ting)?(?: {SELF})?|hurt(?:ing)? {SELF}|harmed {SELF}|thought about "
    rf"(?:suicide|killing {SELF}))",
    rf"\b(?:no|ya no|nunca|jamas) (?:me )?(?:quiero |kiero |voy a |pienso |haria |podria )?"
    rf"(?:morir ?me|morir|matar ?me|matar|{SUI}ar ?me|{SUI}ar|hacer ?me dano|dano"
    rf"|quitar ?me la vida|cortar ?me|lastimar ?me)\b",
    rf"\bno soy {SUICIDAL}|\b(?:no tengo|sin) (?:pensamientos|ideas) {SUICIDAL}",
    r"\bsin (?:cortar ?me|lastimar ?me|hacer ?me dano|autolesion\w*)\b",
)

# Talk of the past: a cue in a message that only looks back counts for much less.
PAST = (
    r"\b(?:[0-9]+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|many|several|some"
    r"|couple of) (?:years?|yrs?|months?|decades?) (?:ago|clean|sober|since|later|free|back)\b"
    r"|\b(?:used to|use to|back then|back in|when i was|as a (?:kid|teen|teenager|child)"
    r"|in (?:high school|college|middle school)|in (?:19|20)[0-9][0-9]|years back|long ago"
    r"|since then|ever since|survived|survivor|recovered|in recovery|recovering|its been"
    r"|been [0-9]+ (?:years|months|days)|last year)\b"
    r"|\bhace (?:(?:[0-9]+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|unos|unas"
    r"|muchos|varios|algunos) )?(?:anos?|meses|mes|decadas?)\b"
    r"|\b(?:cuando (?:era|tenia|estaba en)|antes (?:pensaba|queria|me)|solia|en (?:19|20)[0-9]"
    r"[0-9]|el ano pasado|sobreviviente|superviviente|me recupere|en recuperacion)\b"
)
PRESENT = (
    r"\b(?:again|still|tonight|right now|rn|lately|these days|this week|recently|came back"
    r"|coming back|relapsed|relapsing|otra vez|de nuevo|todavia|aun|esta noche|ultimamente"
    r"|estos dias|esta semana|ahora mismo|volvi a|vuelvo a|volvieron)\b"
)

NEGATED_WEIGHT = 0.25
SCREEN_CUES: tuple[Cue, ...] = (
    *(Cue("idiom", 0.0, Kind.IDIOM, pattern) for pattern in IDIOMS),
    *(Cue("negated", NEGATED_WEIGHT, Kind.NEGATED, pattern) for pattern in NEGATIONS),
)
CONTEXT_CUES: tuple[Cue, ...] = (
    Cue("context:present", 0.0, Kind.PRESENT, PRESENT),
    Cue("context:past", 0.0, Kind.PAST, PAST),
)

M, T = Kind.MEANS, Kind.TIME
MODIFIER_CUES: tuple[Cue, ...] = (
    _c(
        "means:pills",
        0.15,
        M,
        rf"\b(?:{DRUGS}|overdose|od|doses?|pastillas|pildoras|tabletas|medicinas|sobredosis"
        r"|frasco)\b",
    ),
    _c(
        "means:gun",
        0.15,
        M,
        r"\b(?:guns?|pistol|handgun|rifle|shotgun|firearm|weapon|bullets?|trigger|pistola|arma"
        r"|escopeta|balas?|tiro)\b",
    ),
    _c("means:rope", 0.15, M, r"\b(?:rope|noose|belt|hang|hanging|cord|soga|cuerda|cinturon)\b"),
    _c(
        "means:height",
        0.15,
        M,
        r"\b(?:bridge|roof|rooftop|ledge|cliff|balcony|overpass|building|jump|jumping|tower"
        r"|parking garage|window|edge|puente|azotea|edificio|techo|balcon|ventana|saltar)\b",
    ),
    _c(
        "means:vehicle",
        0.15,
        M,
        r"\b(?:train|tracks|traffic|highway|freeway|crash|vias|tren|metro|carretera|autopista)\b",
    ),
    _c(
        "means:cutting",
        0.15,
        M,
        r"\b(?:razors?|blades?|knife|knives|wrists?|slit|veins|cuchillo|navaja|cuchilla|venas"
        r"|munecas)\b",
    ),
    _c(
        "means:poison",
        0.15,
        M,
        r"\b(?:bleach|poison|antifreeze|carbon monoxide|exhaust|veneno|cloro|raticida)\b",
    ),
    _c(
        "time:tonight",
        0.1,
        T,
        r"\b(?:tonight|tonite|2nite|2night|tn|esta noche)\b",
        r"\b(?:tonights|today is) the (?:night|day)\b",
    ),
    _c(
        "time:now",
        0.1,
        T,
        r"\b(?:right now|rn|ahora mismo|ahorita|ahora|ya mismo)\b|\bnow(?: #|$)",
    ),
    _c(
        "time:soon",
        0.1,
        T,
        r"\b(?:today|2day|hoy|soon|pronto|already|this (?:evening|afternoon|morning|weekend))\b",
        r"\b(?:in|en) (?:an|a|one|two|a few|few|half an|[0-9]+|un|una|unas|unos) "
        r"(?:hours?|hrs?|minutes?|mins?|horas?|minutos?|rato)\b",
        r"\bbefore (?:morning|dawn|sunrise|anyone wakes|they wake)\b"
        r"|\bantes de que amanezca\b",
        r"\bwhen (?:everyone|everybody|they)(?:s| is| are)? (?:asleep|gone|out|at work)\b",
    ),
    _c(
        "time:goodbye",
        0.1,
        T,
        r"\b(?:goodbye|good bye|bye forever|farewell|adios|despedida|me despido)\b",
    ),
)


_PATTERN_REPEATS = re.compile(r"(?<!\\)([a-z])\1+")


def prepare(pattern: str) -> str:
    """Apply the normaliser's letter collapse and glued-word rule to a pattern."""
    return _PATTERN_REPEATS.sub(r"\1", pattern).replace(" ", " ?")


# --- reading patterns: which letters can a cue start with --------------------------------

WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def split_top_level(pattern: str) -> list[str]:
    """Split a pattern at the '|' that are outside every group and character class."""
    parts, start, depth, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def first_chars(pattern: str) -> frozenset[str] | None:
    """Return the characters a match of `pattern` can start with, or None when unsure."""
    body = pattern.removeprefix(r"\b")
    if not body:
        return None
    if body[0] in WORD_CHARS:
        return None if _optional_at(body, 1) else frozenset(body[0])
    if body.startswith("(?:"):
        return _group_first_chars(body)
    if body.startswith("[") and "]" in body:
        end = body.index("]")
        return None if _optional_at(body, end + 1) else _class_chars(body[1:end])
    return None


def _optional_at(pattern: str, i: int) -> bool:
    return pattern[i : i + 1] in ("?", "*") or pattern[i : i + 2] == "{0"


def _group_first_chars(body: str) -> frozenset[str] | None:
    end = _closing_paren(body)
    sets = [first_chars(alt) for alt in split_top_level(body[3:end])]
    if end < 0 or any(chars is None for chars in sets):
        return None
    found = frozenset().union(*[chars for chars in sets if chars is not None])
    if _optional_at(body, end + 1):
        rest = first_chars(body[end + 2 :])
        return None if rest is None else found | rest
    return found


def _closing_paren(body: str) -> int:
    depth, i, in_class = 0, 0, False
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            i += 1
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
            if depth == 0:
                return i
        i += 1
    return -1


def _class_chars(spec: str) -> frozenset[str] | None:
    if not spec or spec[0] == "^" or "\\" in spec:
        return None
    chars: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            chars.add(spec[i])
            i += 1
    return frozenset(chars)


def specialise(pattern: str, char: str) -> str:
    """Drop the leading alternatives of `pattern` that cannot start with `char`.

    ``(?:going to|want to|will) end it`` becomes ``(?:going to) end it`` for "g": the regex
    engine then walks one branch instead of all of them at every word starting with "g".
    """
    body = pattern.removeprefix(r"\b")
    end = _closing_paren(body) if body.startswith("(?:") else -1
    if end < 0 or _optional_at(body, end + 1):
        return body
    kept = [
        specialise(alt, char)
        for alt in split_top_level(body[3:end])
        if char in (first_chars(alt) or WORD_CHARS)
    ]
    return f"(?:{'|'.join(kept)}){body[end + 1 :]}"
