"""A keyword safety net for messages about a child in acute danger.

NLU (the `acute_concern` intent) catches most such messages; this net catches the rest
wherever a message reaches the answer action, in Danish and English, with or without
æ/ø/å. It errs on the side of showing the emergency advice.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.language.text import fold, folded_text

# Word-prefix patterns in plain Danish and English, each a danger sign alone. They are folded
# (`fold_pattern`) exactly like the message, so "slået", "slaaet" and "slaet" all match "slået".
# Regex syntax here uses no upper-case escapes and no "aa"/"ae"/"oe" outside words (folding would change them).
_DANGER = [
    r"kvælertag", r"kvæler", r"kvalt", r"mærke?r? på halsen", r"blå(?:t|e)? mærke", r"blå plet",
    r"slår (?:ham|hende|barnet|dem|mig|os)", r"slået", r"slaaet", r"slog (?:ham|hende|barnet|mig)", r"tæsker", r"tæsket",
    r"sparker (?:ham|hende|barnet|mig)", r"sparket", r"vold mod", r"voldtæg", r"seksuelt? (?:misbrug|overgreb|krænket)",
    r"krænket seksuelt", r"overgreb", r"incest", r"selvmord", r"tage sit (?:eget )?liv", r"vil dø\b", r"vil ikke leve",
    r"skade sig selv", r"skærer i sig selv", r"cutter", r"tør ikke (?:at )?(?:gå |komme )?hjem",
    r"bange for at (?:gå|komme|tage) hjem", r"truet med", r"truer med", r"kniv", r"i akut fare", r"er i fare",
    r"i fare (?:nu|lige nu)", r"alene hjemme .*(?:dag|døgn|nat)", r"(?:er|blev|blevet|bliver) forladt\b",
    r"forladt (?:af|alene|barnet|børnene|babyen|ham|hende|dem|sin|sit|sine)\b", r"strangl", r"chok(?:ed|ing)",
    r"\bhits? (?:him|her|the child|me)", r"\bbeat(?:s|en|ing)?\b", r"(?<!substance )\babus", r"suicid",
    r"kill (?:him|her|them)sel",
    r"self[- ]harm", r"in danger", r"unsafe", r"afraid to go home", r"bruis",
    r"rør(?:er|te)? ved (?:hende|ham|hendes|hans|barnet|dem)\b", r"brandsår", r"brandmærke", r"cigaretmærke",
    r"touch(?:es|ed|ing)? (?:her|him) ", r"burn(?:s|ed)? on",
    r"ikke tør (?:at )?(?:gå |komme )?hjem", r"(?:slår|slog|sparker|sparkede|tæsker) (?:sin|sit|sine)\b",
    r"sex med", r"misbrug(?:er|te)? (?:hende|ham|barnet|dem)\b", r"sig selv ihjel", r"efterladt",
    r"left alone", r"alone at home", r"skåret sig", r"skærer sig", r"bløder", r"cut (?:her|him|them)sel", r"bleeding",
    r"\bburn(?:s|ed|t)? (?:her|his|him|the)\b", r"\bhit(?:s|ting)? (?:the|a) (?:baby|child|boy|girl|kids?)\b",
    r"\bleft (?:\w+ ){1,3}alone\b", r"\blocked (?:in|inside|up)\b", r"\balone in (?:a|the) (?:\w+ )?car\b",
    r"låst (?:\w+ ){0,3}inde\b", r"lukket (?:\w+ ){0,3}inde\b", r"alene (?:tilbage )?i (?:en |den )?(?:\w+ )?bil(?:en)?\b",
    # Life in danger: breathing, consciousness, drowning, poisoning, fire, threats to kill, weapons.
    r"not breathing", r"can ?t breathe", r"cannot breathe", r"bevidstløs",
    r"unconscious", r"passed out", r"drukn", r"\bdrown", r"under vandet",
    r"faldet i (?:vandet|havnen|søen|poolen|åen|kanalen)",
    r"\bfell (?:in|into) the (?:water|pool|lake|river|harbou?r|canal)", r"\bslugt", r"overdos", r"forgift", r"poison",
    r"\bild i\b", r"det brænder(?! på)", r"(?:brand|brænder) i (?:huset|lejligheden|opgangen|køkkenet|værelset)",
    r"\bon fire\b", r"\bfire in\b",
    r"ihjel", r"dræbe", r"\bkill(?:s|ed|ing)? (?:him|her|the|them|a|my)\b", r"\bmurder", r"\bstrangle",
    r"pistol", r"gevær", r"våben", r"\bguns?\b", r"\bweapon", r"\bknife", r"\bknives",
    r"ryst(?:er|ede|et)? (?:babyen|barnet|spædbarnet|den lille)", r"\bshak(?:es|ing|en|e) the (?:baby|child|toddler)",
    r"springe ud (?:fra|af)", r"hoppe ud (?:fra|af)", r"\bjump (?:off|out of|from)",
    r"bortfør", r"\bkidnap", r"mod (?:hans|hendes|deres) vilje", r"against (?:his|her|their) will",
    r"giftes bort", r"tvangsægteskab", r"forced (?:to )?marr", r"\brap(?:e|ed|ing)\b",
    r"ikke (?:fået|givet \w+) mad i (?:flere |mange )?dage", r"\bstarv",
    # Smoke, a child at an edge, a life threatened with the parent's own, a child locked in, poison and pills,
    # a baby shaken.
    r"\btyk røg", r"\brøg(?:en)? (?:ud|inde|overalt|kommer|vælter)\b", r"vælter (?:\w+ ){0,2}røg", r"\bfuld(?:t)? af røg",
    r"\brøgfyld", r"\bsmoke (?:is )?(?:coming|pouring|everywhere)", r"\bfull of smoke",
    r"(?:på|ude på) kanten af (?:taget|altanen|en altan|broen|tagryggen|vinduet)",
    r"\bedge of (?:the|a) (?:\w+ )?(?:roof|balcony|bridge|window)", r"\bgoing to jump\b",
    r"tage (?:sit|sin) (?:\w+ ){0,4}liv\b",
    r"\blocked (?:\w+ ){0,5}in (?:the|a) (?:basement|cellar|room|closet|cupboard|attic|shed)",
    r"afløbsrens", r"drukket (?:\w+ ){0,4}(?:klor|sprit|lampeolie|gift|rensemiddel)",
    r"(?:givet|fået) (?:\w+ ){0,3}piller",
    r"\bswallowed (?:\w+ ){0,3}(?:bleach|cleaner)",
    r"ryst(?:e|er|ede|et)? (?:\w+ ){0,3}(?:baby|babyen|spædbarnet|barnet)\b",
    # Signs of a body in danger, whatever the cause: breathing, responsiveness, colour, seizures, bleeding, a fall,
    # burns, an electric shock, a crushed or trapped child, swallowed medicine or a battery.
    r"(?:kan|kunne) (?:ikke|knap|næsten ikke) (?:(?:trække|få) vejret|få luft)", r"trækker (?:ikke|knap) vejret",
    r"trækker vejret (?:underligt|mærkeligt|tungt|besværet)", r"galt i halsen",
    r"\b(?:barely|can ?t|cannot|isn ?t|not|stopped|stops) breath", r"\bbreathing (?:weird|strange|funny|oddly)",
    r"\bchokes?\b", r"\bthroat (?:is )?(?:closing|swelling)", r"hæv(?:er|et) (?:op )?i (?:halsen|ansigtet)",
    r"reagerer (?:ikke|slet ikke)", r"\bnot respond", r"\bunresponsive", r"svær(?:e)? at (?:vække|få liv i)",
    r"\bslap og\b", r"\b(?:floppy|limp)\b", r"\b(?:blå|grå) (?:i (?:ansigtet|læberne)|læber)",
    r"ved at blive (?:grå|blå)", r"\blips (?:look |are |turning )?(?:blue|grey|gray)", r"\bturn(?:ed|ing) blue",
    r"\bkramper (?:i|nu|og)\b", r"\bseizur", r"\bjerking", r"blodet (?:sprøjter|fosser|løber)", r"fyldt med blod",
    r"\bblood (?:everywhere|is (?:pouring|spurting|gushing))", r"\bheavy bleeding", r"snittet i",
    r"faldet (?:ned )?(?:fra|ud af) (?:\w+ ){0,3}(?:meter|altan|vindue|tag|stige|loft)",
    r"\bfell (?:\w+ ){0,4}(?:metres|meters|feet|from|off|out of)\b", r"can ?t feel (?:his|her|their) legs",
    r"kan ikke mærke (?:sine |sit )?ben", r"skold(?:et|ede|ning)", r"kogende (?:vand|olie)", r"\bscald",
    r"\bboiling (?:water|pasta|oil)", r"\bskin (?:is )?peeling", r"fik (?:et )?stød", r"\belectr(?:ic shock|ocut)",
    r"plastikpose over hovedet", r"\b(?:bag|pose) over (?:(?:his|her|the|hans|hendes) )?(?:head|hoved\w*)",
    r"væltet (?:ned )?over", r"fanget under", r"\btrapped (?:under|in)", r"\bcrushed",
    r"(?:spist|slugt|taget|drukket) (?:\w+ ){0,4}(?:piller|panodil|pamol|tabletter|medicin|batteri)",
    r"\b(?:took|swallowed|ate) (?:\w+ ){0,3}(?:pills|tablets|medicine|paracetamol|battery|batteries)",
    # A child gone or taken, an animal attacking, thin ice, climbing out over a railing, gas.
    r"kan ikke finde \w+ på \d+ år", r"\bvanished\b", r"\bgone missing\b", r"trukket (?:\w+ ){0,3}ind i (?:en|sin|bilen)",
    r"\b(?:grabbed|pulled|dragged|snatched) (?:a|the|my|our) (?:child|girl|boy|kid|son|daughter)",
    r"bidt (?:sig fast|i (?:armen|benet|ansigtet|halsen))", r"\b(?:dog|hund) (?:\w+ ){0,2}(?:attack|bit|biting|angriber)",
    r"\bmauled\b", r"\bisen (?:knager|revner|brister)", r"gennem isen", r"\bthrough the ice\b",
    r"(?:klatrer|kravler) (?:op |ud )?(?:over|på|ud) (?:rækværket|altanen|vinduet|gelænderet)",
    r"\bclimbing (?:over|on|out)(?: of)? (?:the )?(?:balcony|railing|window)", r"kulilte", r"\bcarbon monoxide",
    r"lugter (?:\w+ ){0,2}af gas", r"\bsmells? of gas\b", r"gasslugt", r"ryger ind", r"\bshut in (?:a|the) car\b",
    r"end it (?:tonight|today|all)", r"going to end (?:it|her life|his life)", r"gøre en ende på (?:det|sit liv)",
    r"sparker løs på", r"banker løs på", r"ansigtet nedad i", r"\bface down in", r"ligger en nyfødt",
    # More signs and kinds (a helper's 240 acute messages of 161 kinds, the half used for writing these): household
    # chemicals swallowed, swelling and trouble swallowing, a limp or lifeless body, hit by a vehicle, cold to the
    # core, a rash with fever, a child about to jump or saying goodbye, taken abroad or into a stranger's car, a
    # child not come home, forced marriage and cutting, honour threats, trafficking, threats to stab or beat, a
    # child hiding from a parent, on the tracks, trapped, fireworks in the face, a found newborn, a parent hearing
    # voices that they all must die.
    r"(?:drukket|drak|spist|slugt|tygget|tyggede|haft) (?:\w+ ){0,5}(?:afspændingsmiddel|opvasketab\w*|opvaskemiddel|"
    r"vaskekaps\w*|vaskemiddel|rengøringsmiddel|klorin|lampeolie|svampe)",
    r"\b(?:drank|ate|swallowed|chewed|bit into) (?:\w+ ){0,4}(?:detergent|bleach|dishwasher|laundry|cleaning|mushrooms)",
    r"svært ved at (?:synke|trække vejret|få luft)", r"\b(?:can ?t|cannot|trouble) swallow",
    r"(?:læber|læberne|tunge|tungen|ansigt|ansigtet|øjne) (?:\w+ ){0,1}hæver",
    r"\b(?:lips|tongue|face|throat) (?:is |are )?swell",
    r"\b(?:helt|meget) slap\b", r"livløs", r"\blifeless", r"faldet om\b", r"\bcollapsed\b", r"vågner ikke",
    r"\bwon ?t wake", r"\bbarely (?:talking|moving|awake|conscious|breathing)", r"\bgasping", r"\bgisper",
    r"\bblue (?:\w+ ){0,2}(?:around|round) the (?:lips|mouth)", r"påkørt", r"\brun over\b",
    r"ramt af (?:en |et |bussen|bilen|toget|lastbilen)(?:\w+)?", r"ramt (?:en|et) (?:dreng|pige|barn)\b",
    r"\b(?:hit|struck|knocked down) by (?:a|the) (?:car|bus|truck|lorry|train|van|bike)",
    r"\biskold", r"\bhypoth?erm", r"\bnedkølet", r"kold og (?:stille|slap|mumler|sløv|kan ikke)",
    r"(?:lilla|blålilla|mørkerøde) (?:prikker|pletter)", r"\b(?:purple|dark red) (?:spots|rash)",
    r"tagkant", r"sidder (?:ude )?på taget", r"(?:siger|skriver|truer med),? (?:at )?(?:han|hun) vil (?:springe|hoppe)",
    r"afskedsbrev", r"farvel til (?:hele|alle)", r"\bsuicide note", r"\bgoodbye (?:to )?(?:everyone|all of you)",
    r"tage (?:alle )?(?:sine|sin|mine|hans|hendes) piller", r"\btake all (?:my|her|his) pills",
    r"ikke (?:skal|vil) være her i morgen", r"\bwon ?t be (?:here|alive) tomorrow",
    r"kan ikke finde (?:\w+ ){1,3}(?:på )?\d+ år",
    r"\b(?:can ?t|cannot) find (?:my|our|the|a) (?:\w+ )?(?:son|daughter|child|boy|girl|kid)",
    r"skulle have været hjemme for (?:\w+ ){0,3}siden", r"ikke kommet hjem (?:i nat|siden)", r"\bhasn ?t come home",
    r"steget ind i (?:en|bilen|hans|hendes) (?:\w+ )?(?:bil|varevogn)", r"\bgot into (?:a|the) (?:\w+ )?(?:car|van) with",
    r"(?:tager|tage|tog) (?:børnene|barnet|dem|ham|hende) med (?:til|ud af) (?:udlandet|landet)",
    r"aldrig (?:skal )?se (?:dem|ham|hende|børnene) igen", r"\bnever see (?:them|him|her|the kids) again",
    r"for at blive gift", r"skal giftes med", r"\bto be married (?:off|to)", r"skæres forneden", r"omskær",
    r"\bfgm\b", r"\bgenital cutting", r"ære\w* (?:\w+ ){0,5}(?:blod|dræb)", r"\bhonou?r (?:killing|violence|crime)",
    r"sælger (?:hende|ham) til", r"\bholdt (?:fanget|indespærret|i en lejlighed)", r"taget (?:hans|hendes) pas",
    r"\btook (?:his|her) passport", r"\btraffick", r"stukket ned", r"\bstab(?:bed|bing)?\b", r"\bpunch(?:ed|es|ing)\b",
    r"(?:bankes|tæskes) ud af", r"vil (?:tæske|banke|slå|dræbe) (?:ham|hende|barnet|os)\b", r"tæske (?:ham|hende|barnet)",
    r"\bwill hurt (?:his|her|my|the|our)", r"gemmer sig (?:\w+ ){0,6}(?:far|mor|stedfar|faren|moren)",
    r"\bhiding (?:\w+ ){0,8}(?:dad|mum|mom|father|mother|stepdad)", r"råber stop",
    r"spærret (?:\w+ ){0,4}inde\b", r"kvælningsleg", r"\bchoking game", r"strømmen tager", r"\bstill out there",
    r"er stadig derude", r"\b(?:på|ved) (?:sporet|skinnerne|togbanen)", r"\bon the (?:tracks|railway)",
    r"\bi klemme\b", r"sidder fast i", r"\bstuck in (?:an |the )?(?:escalator|machine|lift)",
    r"(?:krudt|fyrværkeri|raket\w*) (?:\w+ ){0,4}i (?:ansigtet|øjet|øjnene)",
    r"\bfireworks? (?:\w+ ){0,4}in (?:his|her) (?:face|eye)",
    r"fundet (?:\w+ ){0,2}nyfødt", r"nyfødt (?:\w+ ){0,3}(?:fundet|i en papkasse|i en cykelkurv)",
    r"\bfound (?:\w+ ){0,2}newborn", r"(?:hører|snakker med) stemmer", r"\bhears? voices",
    r"skal (?:\w+ ){0,3}dø (?:i nat|i aften|i dag)", r"\bmisbrugt (?:hende|ham|barnet)", r"har ikke fået mad",
    r"ikke tisset", r"\bhasn ?t (?:peed|weed)", r"bule på hovedet", r"\b(?:hit|banged|bumped) (?:his|her) head",
    r"sparkede (?:\w+ )?(?:pigen|drengen|barnet|ham|hende)\b",
    r"hæver (?:\w+ ){0,3}(?:læber|tunge|halsen|ansigtet)",
    r"træk(?:ke|ker|ket|kede)? (?:\w+ ){0,8}ind i (?:en|sin|bilen|varevognen)",
]
# Signs that are dangerous together: an intoxicated parent about to drive or leave with the child.
_INTOXICATED = (r"\b(?:fuld|beruset|påvirket|drunk|intoxicated|har drukket|sprut|alkohol|stoffer|skæv|high|helt væk|"
                r"slurr\w*|snøvl\w*|smells? of (?:wine|alcohol|booze|beer)|lugter af (?:vin|sprut|alkohol|øl)|"
                r"(?:kan|kunne) (?:næsten |knap )?ikke stå)\b")
_DRIVING = (r"\b(?:kør|køre|kører|bil|bilen|cykel|cyklen|cykle|drive|driving|car|bike|hente|henter|tage \w+ med|"
            r"have \w+ med|udlevere|gå med (?:ham|hende|barnet|babyen)|tabt (?:sin|sit|babyen|barnet))\b")
# A child out alone or thrown out where it is dangerous: at night, by a road, in the cold.
_OUT_ALONE = (r"\b(?:alene|smidt (?:\w+ ){0,3}ud|sat (?:\w+ ){0,3}ud|alone|by (?:him|her)self|thrown out|kicked out|wandering|"
              r"on (?:his|her|their) own|på egen hånd|slipped out|smuttet ud|stukket af|løbet ud af|"
              r"locked out|ikke må komme ind|åbner ikke døren|står (?:udenfor|uden for)|barfodet|barefoot|"
              r"i bare (?:sokker|tæer|t-shirt))\b")
_DANGEROUS_PLACE = (r"\b(?:\w*motorvej\w*|om natten|midt om natten|(?:på|ved|langs) (?:gaden|vejen)|frost\w*|kulde\w*|"
                    r"sne|sneen|snow|minus \w+ grader|all ni(?:ght|te)|"
                    r"highway|motorway|(?:on|in|by) the (?:street|road)|at night|in the cold|"
                    r"havnekant\w*|kajkant\w*|(?:ved|langs|på) (?:havnen|kajen|vandet|søen|åen|kanalen)|vandkant\w*|"
                    r"harbou?r|quay|(?:water|lake|river|canal)(?: ?s)? edge|"
                    r"(?:by|along|near) the (?:water|lake|river|canal|pool))\b")
# Gone under in water and not come up ("gå til bunds i sagen" alone is thorough work, not drowning).
_GONE_UNDER = (r"(?:gået|gik|er gaaet) til bunds|ikke (?:kommet|dukket) op (?:igen|til overfladen)|\bwent under\b|"
               r"\b(?:hasn ?t|has not|didn ?t|did not) (?:come|came) (?:back )?up\b")
_WATER = (r"\b(?:vand\w*|svømme\w*|sø|søen|havnen|havet|åen|poolen|badekar\w*|bassin\w*|water|pool|lake|sea|river|"
          r"swimming|bath\w*)\b")
# Violence heard or seen while it happens.
_VIOLENCE = r"\b(?:slå|slår|slås|slag|sparker|råber|smadre|smadrer|hitting|beating|screaming|smashing)\b"
_HAPPENING = (r"\b(?:lige nu|i dette øjeblik|skriger|skrige|græde|græder|right now|det sker nu|foregår nu|er ved at|"
              r"kan høre|can hear)\b")


def fold_pattern(pattern: str) -> str:
    """The pattern with its words folded as `folded_text` folds a message (æ/ae → a, ø/oe → o, å/aa → a)."""
    return fold(pattern)


# Pairs of signs that are a danger sign together.
_TOGETHER = ((_INTOXICATED, _DRIVING), (_VIOLENCE, _HAPPENING), (_OUT_ALONE, _DANGEROUS_PLACE), (_GONE_UNDER, _WATER))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]]:
    pairs = tuple((re.compile(fold_pattern(first)), re.compile(fold_pattern(second))) for first, second in _TOGETHER)
    return re.compile("|".join(fold_pattern(p) for p in _DANGER)), pairs


def is_acute_danger(text: str) -> bool:
    """True when the message describes a child who may be in danger right now."""
    folded = folded_text(text)
    danger, pairs = _patterns()
    return bool(danger.search(folded)) or any(first.search(folded) and second.search(folded) for first, second in pairs)
