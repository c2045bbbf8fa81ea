"""Data for the figure engine: metric specs, built-in metrics, word lists and interval rules.

How a stated number becomes an interval (the rule `numbers.py` applies, `diff.py` relies on)
------------------------------------------------------------------------------------------
A reporter states a number at a precision: "66,600" is stated to the hundred, "67,000" to the
thousand, "1.2 million" to the hundred thousand, "48" to the unit. That precision is the *step*:
the place of the last significant digit, or five of it when that digit is 5 ("2,500" sits on the
grid of 500s, "250" on the grid of 50s). Small plain integers (no trailing zero) have step 1.

The *slack* of a bound word is the step, capped at SLACK_CAP of the value (a single-digit number
like "60,000" would otherwise allow +10,000) and never below one person for counts:

    exact, not round    "67,074"            [67074, 67074]
    exact, round        "67,000", "1.2m"    [v - h, v + h]   h = min(step/2, SLACK_CAP*v)
                        (round = stated with a scale word, or >= ROUND_MIN with >= 3 zeros)
    more_than           "more than 66,600"  (66600, 66700]   v + slack, upper end closed
    at_least            "at least 10"       [10, 11)         v + slack, upper end open
    nearly              "nearly 43,000"     [42000, 43000]
    about               "about 67,000"      [66000, 68000]   v -/+ slack
    up_to               "up to 50"          [45, 50]
    fewer_than          "fewer than 50"     [45, 50)
    range               "between 40 and 50" [40, 50]          value = the midpoint
    vague               "dozens"            [24, 144)         never a figure on its own

Why a tight upper end for "more than 66,600": a writer who knew the count was 67,074 would have
written "more than 67,000"; stating the hundred says the count is below the next hundred. So a
later exact 67,074 is news (+474), while "about 67,000" and "67,074" overlap (rounding, not news).

The diff reads the *current* state with these implied intervals and a *new* report literally
(its one-sided bounds open: "more than 20" is (20, inf)). A lower figure that is still literally
true ("more than 20" after "24") is a writer rounding down, not a decrease; a higher figure above
the implied ceiling of the state ("67,074" after "more than 66,600") is a change.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- interval rule constants (see the module docstring) ---------------------------------------
SLACK_CAP = 0.10  # a bound word never stretches an interval by more than 10% of the value
ROUND_MIN = 10_000  # a bare number at or above this with 3+ trailing zeros is treated as rounded
ROUND_ZEROS = 3
MAX_VALUE = 1e15  # larger values are absurd in news text ("10^30"): dropped
MAX_PEOPLE = 1e10  # no count of people exceeds the world's population


@dataclass(frozen=True, slots=True)
class MinChange:
    """Smallest move worth an alert: relative (0.001 for "0.1%") and/or absolute."""

    relative: float | None = None
    absolute: float | None = None


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One figure a watch tracks: the terms that govern its numbers, and how it may move."""

    name: str
    label: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    unit: str = "people"  # people | percent | currency | any
    cumulative: bool = False
    min_change: MinChange = MinChange()


# Built-ins work without configuration. Killed, injured, arrested and evacuated counts only grow
# within a story, so a lower figure from another outlet is stale, not news; missing, displaced and
# hostages legitimately go down (people are found, return home, are released).
BUILTIN_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec(
        name="killed",
        label="Killed",
        terms=(
            "killed",
            "killing",
            "dead",
            "deaths",
            "died",
            "death toll",
            "toll",
            "fatalities",
            "lives lost",
            "lost their lives",
        ),
        cumulative=True,
    ),
    MetricSpec(
        name="injured",
        label="Injured",
        terms=("injured", "wounded", "hurt", "injuries"),
        cumulative=True,
    ),
    MetricSpec(
        name="missing",
        label="Missing",
        terms=("missing", "unaccounted for", "trapped under the rubble"),
    ),
    MetricSpec(
        name="displaced",
        label="Displaced",
        terms=(
            "displaced",
            "forced from their homes",
            "fled their homes",
            "lost their homes",
            "homeless",
            "without shelter",
            "uprooted",
        ),
    ),
    MetricSpec(
        name="hostages",
        label="Hostages held",
        terms=("hostages", "captives", "hostage", "held captive", "abductees"),
        # Counts of hostages freed, seized or dead are other figures than those still held.
        exclude=(
            "freed",
            "released",
            "release",
            "returned",
            "taken",
            "taking",
            "took",
            "seized",
            "deceased",
            "dead",
            "killed",
            "died",
            "remains",
            "bodies",
        ),
    ),
    MetricSpec(
        name="arrested",
        label="Arrested",
        terms=("arrested", "detained", "arrests", "taken into custody", "detentions"),
        exclude=("released", "freed"),
        cumulative=True,
    ),
    MetricSpec(
        name="evacuated",
        label="Evacuated",
        terms=("evacuated", "evacuations", "evacuees"),
        cumulative=True,
    ),
)

# --- numbers ------------------------------------------------------------------------------------
# Bound words before a number, longest first in the regex; the value is the bound class.
BOUND_WORDS: dict[str, str] = {
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "upward of": "more_than",
    "exceeding": "more_than",
    "north of": "more_than",
    "just over": "more_than",
    "well over": "more_than",
    "just more than": "more_than",
    "well above": "more_than",
    "at least": "at_least",
    "no fewer than": "at_least",
    "no less than": "at_least",
    "not less than": "at_least",
    "a minimum of": "at_least",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "just below": "nearly",
    "just shy of": "nearly",
    "approaching": "nearly",
    "about": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "approximately": "about",
    "approx.": "about",
    "an estimated": "about",
    "estimated": "about",
    "circa": "about",
    "up to": "up_to",
    "as many as": "up_to",
    "as much as": "up_to",
    "at most": "up_to",
    "a maximum of": "up_to",
    "no more than": "up_to",
    "not more than": "up_to",
    "fewer than": "fewer_than",
    "less than": "fewer_than",
    "under": "fewer_than",
    "below": "fewer_than",
}
# Verbs that state a bound without a bound word: "the toll passed 67,000" is more than 67,000.
# The phrase shown stays the number as written; only the interval changes.
BOUND_VERBS: dict[str, str] = {
    "passed": "more_than",
    "passes": "more_than",
    "surpassed": "more_than",
    "surpasses": "more_than",
    "exceeded": "more_than",
    "exceeds": "more_than",
    "topped": "more_than",
    "tops": "more_than",
    "crossed": "more_than",
    "crosses": "more_than",
    "nearing": "nearly",
    "nears": "nearly",
    "neared": "nearly",
}
# After a number: "50 or more", "50 or so", "10,000-plus".
BOUND_SUFFIXES: dict[str, str] = {
    "or more": "at_least",
    "or so": "about",
    "plus": "at_least",
    "+": "at_least",
}

UNIT_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALE_WORDS: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "lakh": 100_000,
    "crore": 10_000_000,
}
# Abbreviated scales glued to digits or after a space: "5bn", "$3.5 bn", "2.1mn".
SCALE_ABBREVIATIONS: dict[str, int] = {
    "bn": 1_000_000_000,
    "bln": 1_000_000_000,
    "mn": 1_000_000,
    "mln": 1_000_000,
    "tn": 1_000_000_000_000,
    "trn": 1_000_000_000_000,
}
# "m" and "k" mean million and thousand only beside a currency ("$5m"); "5m" alone may be metres.
CURRENCY_ONLY_SCALES: dict[str, int] = {"m": 1_000_000, "k": 1_000, "b": 1_000_000_000}

# Vague quantities: interval [low, high); value = low. Longest phrases first in the regex.
VAGUE_QUANTITIES: dict[str, tuple[float, float]] = {
    "hundreds of millions": (200e6, 1e9),
    "hundreds of thousands": (200e3, 1e6),
    "tens of thousands": (20e3, 100e3),
    "tens of millions": (20e6, 100e6),
    "several dozen": (30, 120),
    "a few dozen": (24, 72),
    "several hundred": (300, 1_000),
    "a few hundred": (200, 500),
    "several thousand": (3_000, 10_000),
    "a few thousand": (2_000, 5_000),
    "several million": (3e6, 10e6),
    "a few million": (2e6, 5e6),
    "dozens": (24, 144),
    "scores": (40, 200),
    "hundreds": (200, 1_000),
    "thousands": (2_000, 100_000),
    "millions": (2e6, 1e9),
}

CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "jpy": "JPY",
    "₹": "INR",
    "₪": "ILS",
    "ils": "ILS",
    "nis": "ILS",
    "a$": "AUD",
    "c$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
}
CURRENCY_NAMES: dict[str, str] = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yen": "JPY",
    "shekels": "ILS",
    "rupees": "INR",
}

MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)
# A number right after these names a thing, not a quantity ("Resolution 2334", "phase 2").
IDENTIFIER_WORDS: tuple[str, ...] = (
    "no",
    "nos",
    "number",
    "resolution",
    "article",
    "section",
    "chapter",
    "page",
    "pages",
    "p",
    "pp",
    "room",
    "flight",
    "route",
    "highway",
    "gate",
    "unit",
    "brigade",
    "division",
    "battalion",
    "level",
    "phase",
    "stage",
    "bill",
    "act",
    "vol",
    "volume",
    "episode",
    "season",
    "tier",
    "category",
    "camp",
    "platform",
    "terminal",
    "building",
    "block",
    "point",
    "item",
    "clause",
    "paragraph",
    "grade",
    "class",
    "covid",
    "size",
    "version",
    "model",
)
AGE_WORDS: tuple[str, ...] = ("aged", "age", "ages")
# After a number these make it a count of people even when it looks like a year.
COUNT_NOUNS: tuple[str, ...] = (
    "people",
    "persons",
    "civilians",
    "residents",
    "children",
    "women",
    "men",
    "soldiers",
    "troops",
    "fighters",
    "migrants",
    "refugees",
    "prisoners",
    "detainees",
    "hostages",
    "captives",
    "workers",
    "patients",
    "students",
    "families",
    "households",
    "dead",
    "killed",
    "injured",
    "wounded",
    "deaths",
    "casualties",
    "victims",
    "palestinians",
    "israelis",
)
TIME_UNITS: tuple[str, ...] = (
    "seconds",
    "second",
    "minutes",
    "minute",
    "mins",
    "hours",
    "hour",
    "hrs",
    "days",
    "day",
    "nights",
    "night",
    "weeks",
    "week",
    "months",
    "month",
    "years",
    "year",
    "yrs",
    "decades",
    "decade",
    "centuries",
    "century",
)
MEASURE_UNITS: tuple[str, ...] = (
    "km",
    "kilometres",
    "kilometers",
    "kilometre",
    "kilometer",
    "miles",
    "mile",
    "metres",
    "meters",
    "metre",
    "meter",
    "feet",
    "foot",
    "ft",
    "sq",
    "square",
    "tonnes",
    "tonne",
    "tons",
    "ton",
    "kg",
    "kilograms",
    "kilos",
    "litres",
    "liters",
    "barrels",
    "barrel",
    "acres",
    "hectares",
    "mph",
    "kph",
    "degrees",
    "°",
    "calories",
    "mw",
    "gw",
    "kwh",
    "bpd",
)
# Time zones and clock words after a number make it a time ("0800 GMT", "3 pm").
CLOCK_WORDS: tuple[str, ...] = (
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "a.m",
    "p.m",
    "gmt",
    "utc",
    "bst",
    "cet",
    "cest",
    "est",
    "edt",
    "pst",
    "pdt",
    "idt",
    "eet",
    "eest",
    "o'clock",
    "local time",
)
# A count of people never counts these; a people metric skips a number followed by one.
NON_PEOPLE_NOUNS: tuple[str, ...] = (
    "trucks",
    "lorries",
    "vehicles",
    "cars",
    "buses",
    "tanks",
    "buildings",
    "homes",
    "houses",
    "schools",
    "hospitals",
    "mosques",
    "churches",
    "targets",
    "sites",
    "rockets",
    "missiles",
    "drones",
    "shells",
    "bombs",
    "projectiles",
    "tunnels",
    "points",
    "votes",
    "seats",
    "pages",
    "articles",
    "items",
    "cases",
    "incidents",
    "attacks",
    "strikes",
    "airstrikes",
    "raids",
    "villages",
    "towns",
    "cities",
    "countries",
    "nations",
    "states",
    "provinces",
    "districts",
    "governorates",
    "neighbourhoods",
    "neighborhoods",
    "camps",
    "shelters",
    "tents",
    "meals",
    "parcels",
    "aircraft",
    "planes",
    "flights",
    "ships",
    "boats",
    "vessels",
    "animals",
    "cattle",
    "sheep",
    "per",
    "times",
    "percent",
    "clauses",
    "paragraphs",
    "sources",
)
# After a number these make it something other than a quantity of any metric ("a 60% chance").
NOT_A_QUANTITY_AFTER: tuple[str, ...] = ("chance", "probability", "likelihood", "odds")
# Before a number: the size of a population, not a count of the metric ("a population of 2.1
# million", "a city of 400,000", "home to 300,000 people").
POPULATION_BEFORE: tuple[str, ...] = (
    "population of",
    "populations of",
    "a city of",
    "a town of",
    "home to",
    "inhabitants of",
)

# --- sentences and clauses -----------------------------------------------------------------------
# A period after these does not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "maj",
        "cmdr",
        "adm",
        "rep",
        "sen",
        "gov",
        "pres",
        "rev",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "nos",
        "vs",
        "v",
        "approx",
        "est",
        "fig",
        "mt",
        "ft",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
    }
)
# A comma followed by one of these opens a new clause ("..., bringing the toll to ...").
CLAUSE_OPENERS: tuple[str, ...] = (
    "and",
    "but",
    "or",
    "while",
    "whereas",
    "although",
    "though",
    "after",
    "before",
    "as",
    "bringing",
    "raising",
    "taking",
    "pushing",
    "leaving",
    "making",
    "up from",
    "down from",
    "from",
    "compared with",
    "compared to",
    "the highest",
    "the most",
    "since when",
    "even as",
    "yet",
    "so",
    "plus",
)
# A comma followed by these opens an aside that ends at the next comma; what follows the aside
# continues the clause before it ("104 people, including 46 children, were killed").
ASIDE_OPENERS: tuple[str, ...] = (
    "including",
    "among them",
    "among whom",
    "most of them",
    "many of them",
    "some of them",
    "mostly",
    "mainly",
    "according to",
    "officials said",
    "the ministry said",
    "it said",
    "he said",
    "she said",
    "they said",
    "medics said",
    "witnesses said",
    "sources said",
    "reports said",
)
# A comma then one of these opens a clause that hangs on the one before: it takes that clause's
# windows and years ("After the 2009 storm, which killed 300", "in 2019-20, with 9,000 cases").
DEPENDENT_OPENERS: tuple[str, ...] = ("which", "who", "whom", "whose", "where", "with")
# Of those, the relative pronouns open an aside that the next comma closes ("Core inflation,
# which strips out energy, edged up to 3.1%").
RELATIVE_PRONOUNS: tuple[str, ...] = ("which", "who", "whom", "whose", "where")
# Asides that name a part of the figure of their clause ("104 killed, including 46 children"):
# their numbers may take the clause's terms, and are never the whole metric.
PART_OPENERS: tuple[str, ...] = (
    "including",
    "among them",
    "among whom",
    "most of them",
    "many of them",
    "some of them",
    "mostly",
    "mainly",
)
# After a comma, words ending in -ing that do not open a participle clause.
NOT_PARTICIPLES: tuple[str, ...] = (
    "during",
    "morning",
    "evening",
    "nothing",
    "something",
    "anything",
    "everything",
    "building",
    "ceiling",
    "spring",
    "king",
    "thing",
    "things",
    "according",
    "including",
)
# A comma segment with one of these and no digit is an attribution ("..., two sources familiar
# with the talks said."): a clause of its own, whose numbers count sources, not the metric.
ATTRIBUTION_SEGMENT_VERBS: tuple[str, ...] = (
    "said",
    "says",
    "say",
    "told",
    "added",
    "reported",
    "report",
    "reports",
    "confirmed",
    "announced",
)
# Hard clause barriers inside a sentence.
CLAUSE_BARRIERS = ";:()[]—–"

# --- windows, planned and previous values --------------------------------------------------------
WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Gatherings whose size is the count of one event.
EVENT_NOUNS: tuple[str, ...] = (
    "march",
    "marches",
    "rally",
    "rallies",
    "protest",
    "protests",
    "demonstration",
    "demonstrations",
    "vigil",
    "procession",
    "gathering",
)
# Later episodes of a story: a count "since" one of these is a window, not the running total.
EPISODE_NOUNS: tuple[str, ...] = (
    "ceasefire",
    "truce",
    "pause",
    "agreement",
    "deal",
    "accord",
    "announcement",
    "talks",
    "vote",
    "aftershock",
)
# A count tied to one of these is a windowed count, never the cumulative metric.
STRONG_WINDOWS: tuple[str, ...] = (
    rf"since (?:(?:early|late) )?(?:{WEEKDAYS})(?: (?:morning|afternoon|evening|night))?",
    r"since (?:dawn|daybreak|midnight|this morning|last night|yesterday|the weekend|noon|sunrise)",
    # A later episode of the story: "since the agreement was announced", "since the truce".
    rf"since the (?:{'|'.join(EPISODE_NOUNS)})s?\b"
    r"(?: (?:was|were|had been|has been|came) \w+"
    r"| (?:began|started|collapsed|ended|took effect|broke down|was signed|came into force))?",
    r"(?:in|over|during|within) the (?:past|last|previous) (?:\w+ )?"
    r"(?:hours?|days?|day|nights?|weeks?|week|months?)",
    r"(?:in|over|during|within) the (?:past|last|previous) \d+ (?:hours|days|weeks|months)",
    # One place or day of several: "in the townships of Kanyama and George alone".
    r"(?:in|on) (?:[\w'’-]+ ){1,6}alone",
    # One event as the subject: "a magnitude 5.4 aftershock killed three people".
    r"(?:an?|one|another) (?:[\w.'’-]+ ){0,3}(?:aftershock|blast|explosion|bombing|shooting"
    r"|stampede|crash|collapse|airstrike|landslide)s?",
    # "in the 24 hours before the truce began", "in the two days after the quake"
    r"(?:in|over|during|within) the (?:\d+|\w+) (?:hours|days|weeks|months)"
    r" (?:before|after|since|following|leading up to|to|until)",
    r"at (?:one|some) point",
    # The size of one event: "a second march drew 55,000 people", "42,000 people took part".
    rf"(?:{'|'.join(EVENT_NOUNS)})(?: [\w'’-]+){{0,6}}? (?:drew|attracted|brought out|mobilised"
    r"|mobilized|gathered)",
    r"took part",
    r"turned out",
    r"at (?:its|their|the) (?:peak|height)",
    r"in the latest (?:\w+ )?(?:strikes?|attacks?|wave|raids?|bombardment|bombing|shelling"
    r"|violence|fighting|clashes|incidents?|round)",
    r"(?:in|from|by) (?:a|an|the|two|three|several|separate|multiple|(?:\w+'s)) (?:\w+ ){0,2}"
    r"(?:strikes?|airstrikes?|attacks?|raids?|bombings?|blasts?|explosions?|shootings?|shelling"
    r"|stampede|crash|collapse|aftershocks?)",
    r"overnight",
    r"in a single day",
    r"in one day",
    r"so far (?:today|this (?:week|month|year))",
    # "this month's floods" names the event; "this month" dates the count.
    r"this (?:week|month|year)(?!['’]s)",
    r"last (?:week|month|year|night)(?!['’]s)",
    r"a day earlier",
    r"(?:a|an|one|two|three|four|five|six|several|a few) (?:days?|weeks?|months?|years?) ago",
    r"earlier this (?:week|month|year)",
    r"at the (?:time|start of the war|height of the war)",
    r"the previous day",
)
# An earlier value of the same figure: "the union, which first asked for 25%", "initially".
EARLIER_MARKERS: tuple[str, ...] = (
    "initially",
    "originally",
    "at first",
    "at the outset",
    "first asked",
    "first demanded",
    "first offered",
    "first proposed",
    "first sought",
    "first reported",
    "first said",
    "previous",
    "previously",
    "earlier figure",
)
# A clause opened by these after a comma states the earlier value ("..., up from 16%").
PREVIOUS_OPENERS: tuple[str, ...] = ("up from", "down from", "from", "compared with", "compared to")
# Before a number of a cumulative count, a part of it: "the first seven hostages", "another 80".
PART_BEFORE: tuple[str, ...] = ("first", "remaining", "last", "another", "further", "additional")
# A term that, right before a number, is a verb taking it as object: "were missing five players".
VERB_BEFORE_TERMS: tuple[str, ...] = ("missing",)
# Weaker: a day named in the clause. Overridden by cumulative markers, a verb of a rising total,
# or an attribution ("the ministry said on Tuesday").
WEAK_WINDOWS: tuple[str, ...] = (
    rf"on (?:{WEEKDAYS})",
    rf"(?:{WEEKDAYS})['’]s",
    r"yesterday",
    r"today",
    r"tonight",
    r"this (?:morning|afternoon|evening)",
    r"earlier (?:today|this week)",
    r"on \d{1,2} (?:" + "|".join(MONTHS) + r")\b",
    r"on (?:" + "|".join(MONTHS) + r") \d{1,2}\b",
)
# Every word a STRONG_WINDOWS or WEAK_WINDOWS pattern can start with: the engine tries the
# patterns only where one of these words stands (tests check the patterns against this list).
WINDOW_PATTERN_FIRST_WORDS: tuple[str, ...] = (
    "since",
    "in",
    "over",
    "during",
    "within",
    "from",
    "by",
    "overnight",
    "so",
    "this",
    "last",
    "a",
    "the",
    "on",
    "yesterday",
    "today",
    "tonight",
    "earlier",
    "at",
    "an",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "several",
    *WEEKDAYS.lower().split("|"),
    *EVENT_NOUNS,
    "another",
    "took",
    "turned",
)
# "since the floods began last week": the start of the story's event, its time included. An
# episode ("since the truce began") is a window instead (STRONG_WINDOWS, tried after these).
CUMULATIVE_PATTERNS: tuple[str, ...] = (
    rf"since the (?!(?:{'|'.join(EPISODE_NOUNS)})s?\b)\w+(?: \w+)?"
    r" (?:began|started|struck|hit|broke out|erupted|started)(?: (?:in|near|across) \w+)?"
    rf"(?: (?:last|this) (?:week|month|year)| on (?:{WEEKDAYS})| in \w+)?",
)
CUMULATIVE_MARKERS: tuple[str, ...] = (
    "overall",
    "total",
    "cumulative",
    "in all",
    "altogether",
    "to date",
    "so far",
    "since the war",
    "since the start",
    "since the beginning",
    "since the outbreak",
    "since the conflict",
    "since october 2023",
    "since 7 october 2023",
    "since october 7, 2023",
    "since the fighting began",
    "since the invasion",
    "since the earthquake",
    "since the quake",
    "since the disaster",
    "since the outbreak",
    "since the floods",
    "since the flooding",
    "since the first",
    "in the war",
    "during the war",
    "of the war",
)
RISE_VERBS: tuple[str, ...] = (
    "rose",
    "risen",
    "rises",
    "rising",
    "climbed",
    "climbs",
    "reached",
    "reaches",
    "stood",
    "stands",
    "increased",
    "jumped",
    "surpassed",
    "passed",
    "topped",
    "exceeded",
    "hit",
    "brought",
    "bringing",
    "raising",
    "pushing",
    "now",
    # A revised total is the running one: "lowered its toll from Tuesday's quake to 58".
    "lowered",
    "raised",
    "revised",
    "updated",
)
# The present perfect states where things stand now: "750 people have been killed by Tuesday's
# earthquake", "the 2026 floods have killed 31". A day or a year in its clause dates the event.
PERFECT_MARKERS: tuple[str, ...] = (
    "have been",
    "has been",
    "have died",
    "has died",
    "has killed",
    "have killed",
    "has risen",
    "have risen",
    "has reached",
    "have reached",
)
ATTRIBUTION_VERBS: tuple[str, ...] = (
    "said",
    "says",
    "told",
    "announced",
    "reported",
    "confirmed",
    "stated",
    "added",
    "noted",
    "published",
    "released",
)
# Modal and plan wording: the number is proposed or expected, not counted.
PLANNED_MARKERS: tuple[str, ...] = (
    "would",
    "will",
    "could",
    "might",
    "should",
    "shall",
    "set to",
    "due to",
    "is to",
    "are to",
    "plans to",
    "plan to",
    "planned",
    "proposed",
    "proposes",
    "propose",
    "proposal",
    "under the plan",
    "under the deal",
    "under the agreement",
    "under the terms",
    "expected to",
    "expected",
    "expects",
    "expect",
    "forecast",
    "forecasts",
    "forecasted",
    "projected",
    "predicted",
    "predicts",
    "to be released",
    "to be freed",
    "calls for",
    "called for",
    "demanded",
    "demands",
    "offered",
    "offer",
)
# After a number: an increment, not a total ("four more hostages", "12 additional deaths").
INCREMENT_WORDS: tuple[str, ...] = ("more", "additional", "further", "extra", "new")
# A correction notice quotes the wrong figure: "An earlier version of this article said 48".
RETRACTED_MARKERS: tuple[str, ...] = (
    "an earlier version",
    "a previous version",
    "incorrectly said",
    "incorrectly stated",
    "incorrectly reported",
    "wrongly said",
    "wrongly stated",
    "misstated",
    "erroneously",
)
# Before a number: it is the old value of a reported move ("up from 66,600"), or the move itself
# ("rose by 474"), not the current figure.
PREVIOUS_MARKERS: tuple[str, ...] = (
    "up from",
    "down from",
    "from",
    "compared with",
    "compared to",
    "previously",
    "earlier figure of",
    "previous figure of",
    "from",
)
CHANGE_VERBS: tuple[str, ...] = (
    "rose",
    "risen",
    "fell",
    "fallen",
    "increased",
    "decreased",
    "dropped",
    "climbed",
    "jumped",
    "grew",
    "declined",
    "rising",
    "falling",
    "up",
    "down",
    "increase",
    "decrease",
    "rise",
    "fall",
    "drop",
)
