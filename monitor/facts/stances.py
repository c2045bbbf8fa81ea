"""Word lists and patterns of the position engine: stance verbs, cues, pronouns, roles."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """A word list written as one string."""
    return frozenset(text.split())


# --- stance triggers ----------------------------------------------------------------------------
# Regex fragments (matched case-insensitively, on word boundaries) for each stance class. Longer
# phrases come first inside a class; the engine also orders classes so that "will not stop ...
# until" (a vow) is tried before "will not" (a refusal).
VOW_PHRASES: tuple[str, ...] = (
    r"(?:will|would|shall) not (?:stop|rest|end|cease|halt|give up)\b(?:[^.;?!]{0,80}?)\buntil",
    r"(?:won['’]t|wouldn['’]t) (?:stop|rest|end|cease|halt|give up)\b(?:[^.;?!]{0,80}?)\buntil",
    # the span stops at a coordinated verb: in "will keep X closed and has refused to let Y in
    # until ...", the "until" belongs to the refusal
    r"(?:continue[sd]?|continuing|keeps?|kept|keeping|press(?:es|ed)? on|fight(?:s|ing)? on"
    r"|carr(?:y|ies|ied) on|go(?:es)? on)\b"
    r"(?:(?!\band (?:has|have|had|will|is|are|was|were)\b)[^.;?!\"“”]){0,80}?\buntil",
    r"(?:is|are|was|were|remains?|remained) (?:fully |firmly |still )?committed to",
    r"vow(?:s|ed|ing)?",
    r"pledg(?:e|es|ed|ing)",
    r"promis(?:e|es|ed|ing)",
    r"swore|swears|sworn",
    r"threaten(?:s|ed|ing)?",
)
REJECT_PHRASES: tuple[str, ...] = (
    r"(?:has|have|had) no (?:intention|plans?) (?:of|to)",
    r"(?:does|do|did) not intend to",
    r"(?:doesn['’]t|don['’]t|didn['’]t) intend to",
    r"(?:will|would|shall) (?:not|never)",
    r"(?:won['’]t|wouldn['’]t)",
    r"rul(?:e|es|ed|ing) out",
    # keeping a door closed is refusing to open it ("will keep the crossing closed")
    r"(?:keeps?|kept|keeping) (?:[\w'’-]+ ){1,4}?(?:closed|shut|sealed)",
    r"turn(?:s|ed|ing)? down",
    r"walk(?:s|ed)? away from",
    r"balk(?:s|ed)? at",
    r"reject(?:s|ed|ing)?",
    r"refus(?:e|es|ed|ing)",
    r"dismiss(?:es|ed|ing)?",
    r"oppos(?:e|es|ed|ing)",
    r"(?:is|are|was|were|remains?|remained) (?:firmly |strongly |still )?opposed to",
    r"condemn(?:s|ed|ing)?",
    r"denounc(?:e|es|ed|ing)",
    r"veto(?:es|ed|ing)?",
    r"vot(?:e|es|ed|ing) (?:against|down)",
    r"object(?:s|ed|ing)? to",
    r"reneg(?:e|es|ed|ing) on",
    r"backtrack(?:s|ed|ing)? on",
    r"walk(?:s|ed|ing)? back",
)
DENY_PHRASES: tuple[str, ...] = (r"den(?:y|ies|ied|ying)", r"refut(?:e|es|ed|ing)")
ACCEPT_PHRASES: tuple[str, ...] = (
    r"sign(?:s|ed)? (?:off|on) (?:on|to)",
    r"(?:reach(?:es|ed)?|str(?:ike|ikes|uck)|clinch(?:es|ed)?|seal(?:s|ed)?) (?:an? |the )?"
    r"(?:[\w-]+ ){0,3}?(?:deal|agreement|accord)",
    r"(?:g[ai]ve|gives) (?:its |their |the )?(?:final )?(?:approval|green light|go-ahead|backing"
    r"|blessing) (?:to|for)",
    r"vot(?:e|es|ed|ing) (?:for|in favou?r of)",
    r"dropp?(?:s|ed|ing)? (?:its|their|his|her) (?:\w+ )?(?:demand|objection|opposition)s?"
    r"(?: to| for)?",
    r"agre(?:e|es|ed|eing)",
    r"accept(?:s|ed|ing)?",
    r"approv(?:e|es|ed|ing)",
    r"welcom(?:e|es|ed|ing)",
    r"sign(?:s|ed|ing)?",
    r"endors(?:e|es|ed|ing)",
    r"back(?:s|ed)",
    r"support(?:s|ed|ing)?",
    r"embrac(?:e|es|ed|ing)",
    r"consent(?:s|ed)? to",
    r"ratif(?:y|ies|ied)",
)
PROPOSE_PHRASES: tuple[str, ...] = (
    r"put(?:s|ting)? forward",
    r"(?:is|are|was|were|stands?|stood|remains?) (?:now |still |also )?"
    r"(?:(?:ready|prepared|willing|open) to|(?:ready|prepared) for)",
    r"offer(?:s|ed|ing)?",
    r"propos(?:e|es|ed|ing)",
    r"suggest(?:s|ed|ing)?",
    r"plan(?:s|ned|ning)?",
    r"unveil(?:s|ed|ing)?",
    r"float(?:s|ed)",
    r"submit(?:s|ted)",
)
DEMAND_PHRASES: tuple[str, ...] = (
    r"(?:make|makes|made|making) (?:[\w'’-]+ ){1,8}?conditional (?:on|upon)",
    r"call(?:s|ed|ing)? (?:for|on)",
    r"insist(?:s|ed|ing)?(?: on| that)?",
    r"condition(?:s|ed|ing)? (?:\w+ ){0,6}?(?:on|upon)",
    r"(?:press|push)(?:es|ed|ing)? for",
    r"ask(?:s|ed|ing)? for",
    r"appeal(?:s|ed|ing)? for",
    r"seek(?:s|ing)?|sought",
    r"demand(?:s|ed|ing)?",
    r"urg(?:e|es|ed|ing)",
    r"want(?:s|ed|ing)?",
    r"request(?:s|ed|ing)?",
)
# Attributed statements with no stance of their own: the class "other" (and the speakers of
# reported speech and quotes).
SPEECH_PHRASES: tuple[str, ...] = (
    r"according to",
    r"sa(?:id|ys|y)",
    r"t(?:old|ells?)",
    r"add(?:s|ed)",
    r"stat(?:ed|es)",
    r"announc(?:e|es|ed)",
    r"not(?:ed|es)",
    r"explain(?:s|ed)",
    r"stress(?:es|ed)",
    r"emphasi[sz](?:e|es|ed)",
    r"argu(?:e|es|ed)",
    r"claim(?:s|ed)",
    r"wr(?:ote|ites)",
    r"post(?:s|ed)",
    r"declar(?:e|es|ed)",
    r"confirm(?:s|ed)",
    r"warn(?:s|ed)",
    r"assert(?:s|ed)",
    r"report(?:s|ed)",
    r"describ(?:e|es|ed)",
    r"call(?:s|ed)?",
    r"reiterat(?:e|es|ed)",
    r"reaffirm(?:s|ed)",
    r"restat(?:e|es|ed)",
    r"repeat(?:s|ed)",
    r"maintain(?:s|ed)",
)
# The first four letters (or the whole word, when shorter) of every word a trigger above can
# start with. The engine tries its patterns only where such a word starts, which is about ten
# times faster than one large alternation over all text; a test proves the list complete.
TRIGGER_HEADS: frozenset[str] = words(
    "posi stan poli did does has had main stoo stuc stic will woul shal won cont keep kept pres "
    "figh carr go goes is are was were rema vow vows vowe vowi pled prom swor swea have do don "
    "didn does rule ruli turn walk balk reje refu dism oppo cond deno deny deni sign agre acce "
    "appr welc endo back supp embr cons rati put puts putt offe prop sugg plan unve floa subm "
    "call insi push ask asks aske aski appe seek soug dema urge urgi urgs want requ acco said "
    "says say told tell add adds adde stat anno note expl stre emph argu clai wrot writ post "
    "decl conf warn asse repo desc reit reaf rest repe stoo stan make made maki reac stru stri "
    "clin seal gave give thre veto vote voti obje rene drop"
)
# Speech verbs that restate an existing position: what they attribute reinforces, never refines.
REAFFIRM_WORDS: frozenset[str] = words(
    "reiterate reiterates reiterated reaffirm reaffirms reaffirmed restate restates restated "
    "repeat repeats repeated maintain maintains maintained"
)
# "Israel's position is unchanged", "maintained its stance": a restatement with no new content.
UNCHANGED_PATTERN = (
    r"(?:position|stance|policy)(?: on [^,.;]{1,60}?)? (?:is|was|remains?|remained|has|had)"
    r" (?:not changed|unchanged|the same|not shifted)"
    r"|(?:position|stance)(?: on [^,.;]{1,60}?)? (?:has|had) not (?:changed|shifted)"
    r"|(?:did|does|has|had) not (?:change|changed|shift|shifted) (?:its|their|his|her) "
    r"(?:position|stance)"
    r"|(?:maintain(?:s|ed)?|st(?:ands?|ood) by|stuck to|sticks to) (?:its|their|his|her) "
    r"(?:position|stance)"
)
# An actor refusing to change its own offer restates it ("would not improve its offer"): such a
# claim reaffirms the actor's position and never shifts it.
OWN_POSITION = (
    r"^(?:\w+ ){0,3}?(?:its|their|our|his|her) (?:own )?(?:\w+ )?(?:offer|proposal|demands?"
    r"|position|stance|terms|conditions|plan)\b"
)
# Nominal stances after a possessor: "Hamas's rejection of", "its demand for".
NOMINAL_STANCES: dict[str, str] = {
    "demand": "demand",
    "demands": "demand",
    "call": "demand",
    "calls": "demand",
    "insistence": "demand",
    "condition": "demand",
    "conditions": "demand",
    "offer": "propose",
    "proposal": "propose",
    "proposals": "propose",
    "acceptance": "accept",
    "approval": "accept",
    "endorsement": "accept",
    "agreement": "accept",
    "support": "accept",
    "rejection": "reject",
    "refusal": "reject",
    "opposition": "reject",
    "pledge": "vow",
    "vow": "vow",
    "promise": "vow",
    "commitment": "vow",
    "denial": "deny",
}
NOMINAL_LINKS: tuple[str, ...] = ("for", "to", "of", "that", "on")

# Words that are nouns as often as verbs: as a verb they need a clear subject (see engine).
NOUN_LIKE: frozenset[str] = words(
    "demand demands offer offers plan plans call calls vow vows pledge pledges promise promises "
    "support supports request requests welcome sign signs claim claims report reports "
    "post posts back backs float floats"
)

# A person's alias also matches by surname ("Fawzi Barhoum" -> "Barhoum") unless its last word is
# one of these, which end the names of organisations and places ("European Union").
ORG_WORDS: frozenset[str] = words(
    "union states nations authority council ministry forces force front army party brigades "
    "brigade jihad movement organization organisation kingdom republic emirates arabia "
    "government office agency committee court bank fund league alliance coalition group "
    "city strip bank east west north south house assembly parliament company corporation "
    "institute foundation network news times post press guard guards corps police association "
    "federation confederation commission management partners capital holdings trust associates "
    "ventures industries logistics systems technologies airlines motors energy"
)
MIN_SURNAME_CHARS = 4
# Leading words of a claim that say when or how, not what ("agreed on Thursday to release").
CLAIM_PREAMBLE = (
    r"(?:(?:late |early )?on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?: (?:night|morning|evening|afternoon))?|today|yesterday|tonight|overnight"
    r"|in a (?:statement|letter|post|speech|televised address|interview)|in principle"
    r"|on \w+ \d{1,2}|[a-z]+ly)\s*,?\s+"
)

# --- negation -----------------------------------------------------------------------------------
NEGATIONS: frozenset[str] = frozenset({"not", "never", "no", "cannot", "neither", "nor"})
# What a negated stance verb means. "did not accept X" is a refusal of X; "did not reject X" is
# not an acceptance (it leaves the door open), so it falls to "other"; a negated speech verb says
# nothing. Verb-specific overrides: "does not want to govern" and "has no plan to" are refusals.
NEGATED_STANCE: dict[str, str | None] = {
    "accept": "reject",
    "reject": "other",
    "demand": "other",
    "propose": "other",
    "vow": "other",
    "deny": "other",
    "other": None,
}
NEGATED_VERB_STANCE: dict[str, str] = {"want": "reject", "plan": "reject", "intend": "reject"}

# --- modals, conditionals, speculation, background ----------------------------------------------
AUXILIARIES: frozenset[str] = words(
    "has have had is are was were be been being did does do will would shall can 'll ’ll "
    "could may might should must"
)
# Modals that make the statement hypothetical unless someone is reported as saying it.
REPORTED_ONLY_MODALS: frozenset[str] = frozenset({"would", "should"})
HYPOTHETICAL_MODALS: frozenset[str] = frozenset({"could", "may", "might", "must"})
# A stance verb inside a clause opened by one of these is not a stance ("if Hamas accepts").
CONDITIONAL_CUES: frozenset[str] = words(
    "if unless whether once until till provided providing lest whenever assuming suppose "
    "supposing before"
)
CONDITIONAL_PHRASES: tuple[str, ...] = (
    "as long as",
    "so long as",
    "in case",
    "in the event",
    "even if",
    "on condition that",
)
# Predicates before "to <verb>" that let the infinitive's stance stand ("Hamas decided to accept").
CONTROL_PREDICATES: frozenset[str] = words(
    "decided decides decide voted votes moved moves chose chooses agreed "
    "ready prepared willing open forced compelled obliged"
)
# Predicates that make it speculation ("is expected to accept", "has yet to respond").
SPECULATIVE_PREDICATES: frozenset[str] = words(
    "expected likely unlikely set due poised bound yet supposed thought believed said "
    "reported rumoured rumored seems seemed appears appeared hoped hopes hope"
)
# A statement framed as the past is background, not a new position ("rejected a similar plan
# last year"). Reported speech backshifts tenses ("said it had agreed"), so the past perfect is
# background only outside reported speech.
BACKGROUND_PATTERN = (
    r"\b(?:last (?:week|month|year|summer|winter|spring|autumn|fall|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday)|earlier (?:this|in the) (?:week|month|year)"
    r"|previously|initially"
    r"|at first|at the time|in the past|back in|formerly|in (?:19|20)\d\d"
    r"|(?:\w+ )?(?:weeks|months|years) (?:ago|earlier|before)|a (?:year|month) ago)\b"
)

# --- subjects -----------------------------------------------------------------------------------
SUBJECT_PRONOUNS: frozenset[str] = frozenset({"he", "she", "they", "it"})
FIRST_PERSON: frozenset[str] = frozenset({"we", "i"})
POSSESSIVE_PRONOUNS: frozenset[str] = frozenset({"its", "their", "his", "her", "our", "my"})
PERSON_PRONOUNS: frozenset[str] = frozenset({"he", "she"})
# Heads of a definite description that stands for an actor already named: "the group said".
DEFINITE_HEADS: frozenset[str] = words(
    "group movement organisation organization official officials spokesperson spokesman "
    "spokeswoman mediators mediator government ministry office president minister negotiator "
    "negotiators delegation faction leadership army military cabinet administration militants "
    "country kingdom emirate state leader leaders team side party alliance bloc union board "
    "company firm bank club council committee commission agency"
)
# Nouns of a speaker's role: they sit between an organisation and a name ("Hamas official Basem
# Naim") and never start a name themselves.
ROLE_WORDS: frozenset[str] = words(
    "official officials spokesperson spokesman spokeswoman spokespeople negotiator negotiators "
    "leader leaders chief head minister ministers president vice prime premier envoy envoys "
    "delegation delegations source sources representative representatives ambassador officer "
    "officers commander commanders adviser advisor advisers advisors aide aides member members "
    "office government ministry military army cabinet mediator mediators team politburo bureau "
    "secretary general spokesmen foreign defence defense interior affairs state department "
    "security council national prosecutor lawmakers lawmaker senator chancellor king emir "
    "sheikh crown prince diplomat diplomats authorities authority negotiating political armed "
    "wing administration agency agencies bureau leadership faction group movement force forces "
    "police presidency parliament speaker mayor governor director counsel coordinator executive "
    "executives ceo chairman chairwoman chair founder owner board management investor investors "
    "shareholder shareholders union unions analyst economist lawyer lawyers attorney judge "
    "regulator regulators campaigners activists lobby"
)
# Roles held by one person: "he" and "she" can stand for them, "they" and "it" cannot.
PERSON_ROLES: frozenset[str] = words(
    "official spokesperson spokesman spokeswoman negotiator leader chief head minister president "
    "premier envoy ambassador officer commander adviser advisor aide member secretary senator "
    "chancellor king emir sheikh prince diplomat mayor governor director prosecutor speaker"
)
# Lowercase modifiers allowed inside a speaker's noun phrase ("Hamas's top negotiator").
NP_MODIFIERS: frozenset[str] = words(
    "top senior chief deputy former acting lead leading exiled veteran high-ranking shadow "
    "interim outgoing incoming opposition largest biggest major "
    "high unnamed anonymous key main political military armed official overseas"
)
# Capitalised words that never name an actor.
NOT_NAMES: frozenset[str] = words(
    "the a an and but or so yet if when while after before as in on at by for with from of to "
    "this that these those there here it its he she they we i you his her their our my "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
    "january february march april may june july august september october november december "
    "however meanwhile also still later earlier separately mr mrs ms dr sir "
    "both all some many most several other others each every no none officials sources "
    "witnesses residents analysts diplomats observers critics experts protesters medics doctors "
    "rescuers families relatives survivors people civilians militants soldiers troops police "
    "authorities negotiators mediators leaders lawmakers ministers reporters journalists "
    "one two three four five six seven eight nine ten dozens hundreds thousands millions"
)
# Endings of plural common nouns that open sentences ("Drivers said", "Analysts expect").
COMMON_PLURALS: tuple[str, ...] = ("ers", "ors", "ists", "ents", "ants", "ians", "ees", "ives")
# Name connectors inside a capitalised name ("Ministry of Foreign Affairs", "Khalil al-Hayya").
NAME_CONNECTORS: frozenset[str] = frozenset({"of", "for", "al", "el", "bin", "ibn", "de", "du"})
TITLE_WORDS: frozenset[str] = words(
    "president prime minister premier secretary foreign defence defense chancellor king emir "
    "sheikh crown prince general gen spokesman spokeswoman spokesperson ambassador envoy "
    "senator mr mrs ms dr state special vice chief of"
)
DAYS: frozenset[str] = words(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight"
)
# Lowercase words skipped between a subject and its verb ("Hamas on Tuesday formally rejected").
FILLER_WORDS: frozenset[str] = words(
    "also again now still already reportedly formally officially publicly later finally "
    "repeatedly swiftly quickly firmly flatly categorically effectively partially largely "
    "broadly earlier then today yesterday tonight immediately subsequently once on late early "
    "this morning evening night afternoon overnight week even just apparently clearly "
    "essentially only longer"
)
PREPOSITIONS: frozenset[str] = words(
    "in to at on into against with by toward towards over between about after before than "
    "across through under among amid despite without within upon onto behind beyond"
)
DETERMINERS: frozenset[str] = words(
    "a an this that these those its their his her our my any another every each some no"
)

# Adjectival forms of common actor names: "Israeli officials said" is Israel speaking. They count
# only before a role word, so "Israeli strikes" names no speaker.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "israel": ("Israeli",),
    "qatar": ("Qatari",),
    "egypt": ("Egyptian",),
    "turkey": ("Turkish",),
    "turkiye": ("Turkish",),
    "türkiye": ("Turkish",),
    "iran": ("Iranian",),
    "iraq": ("Iraqi",),
    "jordan": ("Jordanian",),
    "lebanon": ("Lebanese",),
    "syria": ("Syrian",),
    "saudi arabia": ("Saudi",),
    "united states": ("American", "US", "U.S."),
    "us": ("American", "US", "U.S."),
    "usa": ("American",),
    "united kingdom": ("British", "UK"),
    "uk": ("British",),
    "britain": ("British",),
    "france": ("French",),
    "germany": ("German",),
    "russia": ("Russian",),
    "ukraine": ("Ukrainian",),
    "china": ("Chinese",),
    "japan": ("Japanese",),
    "india": ("Indian",),
    "pakistan": ("Pakistani",),
    "european union": ("EU", "European"),
    "eu": ("European",),
    "united nations": ("UN", "U.N."),
    "un": ("UN",),
    "yemen": ("Yemeni",),
    "houthis": ("Houthi",),
    "hezbollah": ("Hezbollah",),
    "hamas": ("Hamas",),
}

# "Refused to say whether ...", "declined to comment": a refusal to speak is no position.
UNSPOKEN_VERBS: frozenset[str] = words(
    "say comment confirm deny disclose elaborate speculate answer specify name reveal detail "
    "explain respond"
)
# Verdicts in a statement: "called the demand unacceptable", "said the plan was a non-starter".
NEGATIVE_VERDICTS = (
    r"unacceptable|a non-?starter|absurd|ridiculous|out of the question|dead on arrival"
    r"|a provocation|illegitimate|a trap|a sham|a farce|a betrayal|a capitulation"
    r"|humiliating|null and void|a red line"
)
# Only explicit acceptance: "a step in the right direction" or "fair" judge without agreeing,
# and a proposer calls its own offer fair.
POSITIVE_VERDICTS = r"acceptable"

# --- reported commitments -----------------------------------------------------------------------
# "Hamas said it would release ...": what a reported "will/would <verb>" commits the speaker to.
VOW_VERBS: frozenset[str] = words(
    "continue keep fight retaliate respond strike destroy defeat pursue resume expand escalate "
    "punish eliminate crush dismantle press persist hit attack act defend eradicate"
)
# Reported "will/would <verb>" of procedure or routine is no commitment on any topic ("Netanyahu
# said he would convene his government").
NONCOMMITTAL_VERBS: frozenset[str] = words(
    "study consider review respond examine discuss decide look wait see evaluate assess be have "
    "need meet hold send seek try attempt comment give take make get know convene vote visit "
    "travel attend arrive go come speak talk announce publish issue brief answer reply"
)
MODAL_COMMIT = r"(?:would|will|['’]ll|shall|(?:is|are|was|were) going to)"
OBLIGATION = r"(?:must|should|needs? to|needed to|has to|have to|had to|ought to)"

# --- claims and topics --------------------------------------------------------------------------
# Where a claim ends: the next clause, an attribution, or a change of speaker.
CLAIM_STOPS = (
    r"[;:]|,\s*[\"“]|\s[—–]\s|\s--\s|\((?!\d)"
    r"|,\s*(?:but|while|whereas|although|though|even though|as|after|before|despite|even as|amid"
    r"|and|adding|even if|in an? (?:attempt|bid|effort) to|seeking to|hoping to|aiming to"
    r"|saying|according to|which|who|in a statement)\b"
    r"|\s(?:but|while|whereas)\s"
    r"|,\s*(?:[\w'’.-]+\s+){0,6}?(?:said|says|told|added|stated|noted|wrote)\b"
)
CLAIM_LEADS: frozenset[str] = frozenset({"to", "that", "on", "for", "upon", "of", "with"})
MAX_CLAIM_CHARS = 240
# Longer "sentences" are text without punctuation (a flattened table, a list): no sentence of
# news is this long, and the per-verb work would grow with the square of their length.
MAX_SENTENCE_CHARS = 1500
MAX_HEADING_WORDS = 6  # a line this short without final punctuation heads a section
STOP_WORDS: frozenset[str] = words(
    "a an the and or but of to in on at for with from by as is are was were be been being it its "
    "this that these those there their they them he she his her we our us i you your which who "
    "whom what when where will would shall should could can may might must has have had do does "
    "did not no so than then also any all some such into over under about after before "
    "between within upon up out off only just more most very said says until unless while "
    "because if whether so though although"
)
# Words that cannot head the noun phrase of a claim (the fallback topic).
HEAD_SKIP: frozenset[str] = words(
    "a an the its their his her our my this that these those all any some every each both such "
    "no more further new full fully first total complete entire own other another several "
    "not never also to be what it them him us he she they we i is are was were has have had "
    "will would could should can may might must do does did been being"
)
# Heads that only announce the real subject: "any demand to disarm" is about disarming.
GENERIC_HEADS: frozenset[str] = words(
    "demand demands call calls offer offers proposal proposals plan plans idea ideas bid bids "
    "effort efforts attempt attempts request requests push pressure move step steps"
)
# Where the main part of a claim ends: topics named after these are conditions or context
# ("release the captives in stages tied to the withdrawal" is about the captives).
CLAIM_SUBORDINATORS = (
    r"\b(?:as|while|whereas|tied to|linked to|conditional on|in exchange for|in return for|after"
    r"|before|until|once|if|unless|within|so that|under which|which|who|because|since|provided"
    r"|without)\b"
)
# Adjectives of peoples and places: "the Palestinian group" is a definite description, and such
# a word alone ("a Palestinian official") names no actor.
DEMONYM_SUFFIXES: tuple[str, ...] = ("ian", "ean", "ese", "ish", "ic")
# Light verbs of claims such as "take part in governance": the topic is what follows them.
LIGHT_VERB_PHRASES: tuple[str, ...] = (
    "take part in",
    "play a role in",
    "play any role in",
    "have a role in",
    "have any role in",
    "be part of",
    "be involved in",
)
ADJECTIVE_SUFFIXES: tuple[str, ...] = (
    "ible",
    "able",
    "ive",
    "ous",
    "ful",
    "less",
    "ish",
    "ic",
    "ly",
)
# Claims headed by these ("welcomed the agreement", "offered to cap them") take their topic from
# their clause when it names exactly one configured topic.
VAGUE_HEADS: frozenset[str] = words(
    "agreement deal accord announcement decision move proposal proposals plan offer idea step "
    "statement terms text framework arrangement arrangements outcome it this that them these those"
)
# Claims headed by these say nothing a topic can be keyed on.
EMPTY_HEADS: frozenset[str] = words(
    "it this that them him her us something anything nothing everything one"
)

# --- comparing claims ---------------------------------------------------------------------------
# Words outlets use interchangeably in claims, mapped to one form before two claims are compared.
CLAIM_SYNONYMS: dict[str, str] = {
    "free": "release",
    "freed": "release",
    "frees": "release",
    "freeing": "release",
    "captive": "hostage",
    "captives": "hostage",
    "hostages": "hostage",
    "troop": "force",
    "troops": "force",
    "forces": "force",
    "soldiers": "force",
    "pull": "withdraw",
    "pullout": "withdraw",
    "withdrawal": "withdraw",
    "withdrawing": "withdraw",
    "withdrew": "withdraw",
    "ceasefire": "truce",
    "truce": "truce",
    "armistice": "truce",
    "guarantee": "guarantee",
    "assurances": "guarantee",
    "assurance": "guarantee",
    "govern": "governance",
    "governing": "governance",
    "government": "governance",
    "administration": "governance",
    "administer": "governance",
    "disarm": "arms",
    "disarmament": "arms",
    "disarming": "arms",
    "disarmed": "arms",
    "weapons": "arms",
    "weapon": "arms",
}

# --- language guard -----------------------------------------------------------------------------
# A sentence of another language would only yield look-alikes of English stance verbs ("propose",
# "refuse" are French too): it is skipped when its function words are more often those of
# another European language than English ones, or when a long sentence has next to no English
# ones (Arabic, Hebrew, Russian ... have none at all).
ENGLISH_MARKERS: frozenset[str] = words(
    "the a an of to in on and that is are was were it its for with as by has have had will would "
    "not said says be from this their they he she we at or but which who any all must should "
    "after before over into than about been more also no there when what while can could did "
    "do does if them his her our you my us under against up out"
)
FOREIGN_MARKERS: frozenset[str] = words(
    "le la les de du des et un une est au aux sur pour dans par qui que ne pas il elle ils "
    "el los las y en del por con para una su se lo es al como "
    "der die das und den dem ist nicht ein eine einen mit von zu im auf sich für "
    "il di che e della per non una sono gli nel "
    "os da do em um uma com não na no"
)
MIN_WORDS_FOR_LANGUAGE_GUARD = 6
