"""The local demo account (`manage.py create_demo_account`): one person's year, told through every part of the app.

A dozen needs whose check-ins carry real patterns (sleep and patience with oneself rising together, a need low
for the last two weeks, a busy stretch and a week away), reflections with feelings that move with those needs,
statements, a needs card, a love profile, three relationships (one with a pause plan) and a partner connected
through an invitation code. All of it is written through the services the pages use, except the check-ins,
which go in bulk and then have their kept numbers rebuilt, as the benchmark's do (journal/devdata.py). Dates
count back from the demo person's today."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import math
import random

from journal.models import Prompt, Reflection
from journal.services.prompts import personal_prompt_save
from journal.services.reflections import reflection_save
from journal.services.settings import settings_save
from needs.models.needs import CatalogueNeed, CheckIn, Need
from needs.models.relationships import RelationshipKind
from needs.models.sharing import Answer, SharedNeed
from needs.services.accounts import local_today
from needs.services.derived import checkins_rebuild
from needs.services.needs import need_save
from needs.services.relationships import pause_plan_save, relationship_create, relationship_ratings_save
from needs.services.sharing import (
    card_create,
    invitation_create,
    love_profile_save,
    partner_answer_save,
    partner_join,
    partner_share_set,
    statement_save,
)

# key: (name, catalogue slug or "" for the person's own, category, importance, what "met" looks like, what helps)
DEMO_NEEDS = {
    "sleep": ("Restful sleep", "restful-sleep", "physical", 5,
              "I wake before the alarm and the morning doesn't feel like a climb.",
              "Screens off by ten, the window open a little, no coffee after lunch."),
    "move": ("Moving your body", "moving-your-body", "physical", 4,
             "Some part of the day out of the chair, breathing a little harder.",
             "A walk at lunch, the bike to work, stretching while the kettle boils."),
    "air": ("Fresh air and daylight", "fresh-air-and-daylight", "physical", 3,
            "I've been outside in daylight before the afternoon is over.", "Lunch outside; phone calls on foot."),
    "think": ("Room to think", "room-to-think", "mental", 4,
              "An hour in the day when nobody needs an answer from me.",
              "A blocked morning in the calendar, notifications off, a notebook."),
    "focus": ("Uninterrupted focus", "uninterrupted-focus", "mental", 3,
              "One task held long enough to finish it properly.", "Headphones, one tab, the door closed."),
    "learn": ("Learning something new", "learning-something-new", "mental", 2,
              "Being a happy beginner at something.", "The Thursday pottery class."),
    "still": ("Stillness", "stillness", "spiritual", 3,
              "A few minutes of doing nothing at all, without guilt.",
              "Sitting by the window before anyone else is up."),
    "nature": ("Connection to nature", "connection-to-nature", "spiritual", 3,
               "Noticing something growing, flying or changing.", "The river path; the plants on the balcony."),
    "values": ("Living by your values", "living-by-your-values", "spiritual", 4,
               "What I say I care about matches what I did today.", "Saying no early, before it turns sour."),
    "heard": ("Being heard", "being-heard", "emotional", 5,
              "Someone listens to the end before answering, and asks a second question.",
              "Asking plainly: “I don't need advice, just listen for a minute.”"),
    "belong": ("Belonging", "belonging", "emotional", 3,
               "Being part of something where I'd be missed.", "The Sunday running group; calling my brother."),
    "patience": ("Patience with myself", "", "emotional", 4,
                 "I make a mistake and move on without a speech in my head.",
                 "Talking to myself the way I'd talk to a friend."),
}  # fmt: skip

# A few check-ins carry a note.
DEMO_NOTES = {
    "sleep": ["Woke at four and lay there planning.", "Slept straight through. Rare and lovely.",
              "Late film, late night. Worth it, mostly.", "Earplugs helped."],
    "move": ["Walked the long way home.", "Bike to work both ways.", "Only the stairs today."],
    "think": ["Back-to-back calls until six.", "Protected the morning and it held.",
              "Every gap filled with messages."],
    "heard": ["Long talk with Sam after dinner.", "Felt talked over in the meeting.",
              "My brother called just to listen."],
    "patience": ["Burnt the rice, laughed instead of sighing.", "Hard on myself about the report."],
}  # fmt: skip

MY_QUESTION = "What did I say yes to today that I wanted to say no to?"

# (days back, or None for a year ago today; title; Markdown body; linked needs; staff prompt slug, or "mine"
# for the person's own question). Oldest first; a day without check-ins moves to the nearest day with some.
DEMO_REFLECTIONS = [
    (None, "Starting out", "First entry. I wrote down what I need instead of what I ought to do, and the list "
     "came out longer than I expected. **That's allowed.**", "sleep think heard", "honesty-general-unedited-list"),
    (360, "", "Five hours of sleep again. I keep calling it a busy patch, but it has been a busy patch for "
     "months.", "sleep patience", "honesty-physical-honest-sleep"),
    (355, "Listening", "Told Sam about my week and watched the phone come out halfway through. I said nothing, "
     "which is my usual move. Next time: *I just need you to listen for a minute.*", "heard", ""),
    (349, "What a good night looks like", "- in bed by half ten\n- phone charging in the hall\n- window open a "
     "crack\n\nTwo out of three tonight.", "sleep", ""),
    (346, "", "Saw the sun come up by accident on the way to an early train, and stood there longer than the "
     "train allowed.", "nature air", "honesty-spiritual-last-awe"),
    (343, "", "Snapped at myself for forgetting a birthday. Then noticed I would never speak to a friend like "
     "that.", "patience", "patience-emotional-after-a-slip"),
    (337, "The river path", "Twenty minutes by the water at lunch. My shoulders came down from around my ears.",
     "move nature air", "time-alone-physical-solo-walk"),
    (330, "", "Meetings from nine until dark. I don't think I had a single thought of my own today.",
     "think focus", ""),
    (324, "Saying no", "Turned down the Friday drinks. Felt guilty for about an hour, then slept nine hours.",
     "values sleep", ""),
    (318, "", "Running group on Sunday. Nobody cared about my pace, and I liked being one of the crowd.",
     "belong move", ""),
    (314, "", "Bought earplugs. Best money I've spent in a while.", "sleep", ""),
    (311, "Three small things", "1. The first coffee, drunk slowly.\n2. A neighbour waving from the bus stop.\n"
     "3. Finishing the book I'd carried around for a month.", "still values",
     "time-alone-spiritual-three-small-things"),
    (304, "", "Woke at four with a list going round my head. Wrote it down and went back to sleep, which felt "
     "like a small victory.", "sleep think", ""),
    (297, "Why I hint", "When I need something I tend to hint and then wait. I think I learned it early, when "
     "asking felt like being a bother. Written down, it looks less true.", "heard values",
     "openness-general-hint-wait-ask"),
    (290, "", "A quiet evening alone. I expected to feel lonely and mostly felt rested.", "still",
     "time-alone-general-alone-not-lonely"),
    (287, "Old habit", "Said yes to a favour I had no time for. I noticed it while it was happening, which is "
     "a start.", "values patience", "mine"),
    (283, "Small steps", "I keep wanting to be *fixed* by next week. Sleep is a little better than it was. "
     "A little is fine.", "sleep patience", "patience-general-rushing-to-be-fixed"),
    (276, "", "Sam cooked and we talked for an hour with no screens. I hadn't noticed how much I'd missed that.",
     "heard belong", ""),
    (269, "Morning window", "Ten minutes by the window before anyone was up. No plan, no list. I'd like that "
     "to be ordinary.", "still", "time-alone-spiritual-after-a-quiet-minute"),
    (262, "", "Rain all day and I never went out. Restless and short-tempered by evening; the body notices.",
     "air move", ""),
    (258, "", "Tried a few stretches before bed. Felt silly. Slept well.", "move sleep",
     "time-alone-physical-gentle-ten-minutes"),
    (255, "Riley", "Coffee with Riley. Lots of laughing, and a long story about their new job. Good to see "
     "them.", "belong heard", ""),
    (248, "", "Read for an hour instead of scrolling, and slept better. Probably not a coincidence.",
     "sleep still", ""),
    (241, "Launch month", "The project launch is on and the calendar is solid for three weeks. Noting it so "
     "that future me remembers *why* everything felt thin.", "think focus", ""),
    (235, "", "Lunch at my desk four days running. Tomorrow: outside, even for ten minutes.", "air think", ""),
    (229, "Crowded head", "The crowded hour is just after lunch, when every message from the morning arrives "
     "at once. What would ease it: one block to read them all, instead of all afternoon.", "think focus",
     "honesty-mental-crowded-head"),
    (223, "", "The launch went out. Proud of it, and completely empty.", "think values patience", ""),
    (218, "After", "Slept ten hours. Walked to the market. Nobody needed anything from me.",
     "sleep move still", ""),
    (213, "", "Starlings over the roofs at dusk. Forgot my phone for twenty minutes.", "nature still", ""),
    (208, "Packing", "Off to the coast next week, and the laptop stays at home. Slightly nervous, mostly glad.",
     "still", ""),
    (199, "Back from the coast", "A week without the phone. The sea changes colour through the day, and it "
     "turns out I can sit for an hour without reaching for anything.\n\nTo keep:\n- breakfast without a "
     "screen\n- one long walk a day\n- bed when I'm tired", "nature still sleep", ""),
    (194, "", "First week back. Kept the breakfast rule; lost the walk rule by Wednesday.", "move patience", ""),
    (188, "", "Sam asked what I need from our evenings. I didn't have an answer ready. I'd like to.", "heard",
     "openness-general-asked-their-needs"),
    (184, "", "Went to the cinema on my own. I used to find that sad. Today it felt like a treat.", "still",
     "time-alone-emotional-own-company"),
    (181, "Beginner", "First pottery class. My bowl looks like a hat. I loved every minute.", "learn belong",
     ""),
    (175, "", "Competent at work, a complete beginner on Thursdays. The second is more restful than I "
     "expected.", "learn focus", ""),
    (168, "One sentence", "The sentence I want to practise: **I'd like to be listened to for five minutes "
     "before we solve anything.**", "heard", "openness-general-ready-sentence"),
    (162, "", "Said the sentence. Sam said yes, and then did it. So much easier than months of hinting.",
     "heard belong", ""),
    (156, "", "Good sleep four nights in a row. Even the commute felt lighter.", "sleep patience", ""),
    (150, "What I value", "Honesty, mostly. I told a colleague plainly about a missed deadline, and it went "
     "better than covering it up ever does.", "values", "honesty-spiritual-value-this-week"),
    (143, "", "Riley called at eleven with another crisis. I listened for an hour and went to bed wired.",
     "heard sleep", ""),
    (140, "", "Brought a cake to the running group. Someone asked for the recipe and I was absurdly pleased.",
     "belong", ""),
    (137, "Trees", "The plane trees on our street have been there longer than anyone living on it. I found "
     "that steadying today.", "nature still", "time-alone-spiritual-nature-today"),
    (131, "", "Too many late nights this week. A small sulk at myself, then an early night.", "sleep patience",
     ""),
    (124, "Both ways", "Thinking about Riley. I'm nearly always the one listening. I don't mind listening; I "
     "mind that it only goes one way.", "heard values", "stepping-back-general-met-and-unmet"),
    (118, "", "Pottery: a mug whose handle stays on. Tiny, silly pride.", "learn", ""),
    (112, "", "Quiet Sunday. Read, napped, walked. Nothing to report, which is the point.",
     "still sleep move", ""),
    (106, "Months, not days", "Looking back three months: I sleep more, I ask more plainly, I'm gentler when "
     "I slip. None of it happened in a week.", "sleep heard patience", "patience-general-months-not-days"),
    (99, "", "A heavy cold coming on. Cancelled the weekend without apologising twice.", "sleep values", ""),
    (92, "Getting better", "Four days in bed. Annoyed at first, then oddly grateful for the enforced quiet.",
     "sleep patience still", "patience-physical-pause-not-failure"),
    (86, "", "Back at the running group, slowly. Someone had saved me a coffee.", "belong move", ""),
    (80, "", "Riley cancelled my birthday dinner by text, an hour before. I said it was fine. It wasn't.",
     "heard belong", ""),
    (74, "What I didn't say", "I felt hurt and wrote “no worries”. The honest version: *I'd been looking "
     "forward to it, and I felt forgotten.*", "heard values", "time-alone-emotional-not-yet-said"),
    (68, "", "Long walk with my brother. We talked about Dad, and it was easier than usual.",
     "belong heard move", ""),
    (62, "Steadier", "A small sign of a steadier mind: I read a sharp email and waited until morning to "
     "answer it.", "patience think", "patience-mental-steadier-mind"),
    (56, "", "A good week at work: clear mornings, proper lunches outside. Writing it down so I remember good "
     "weeks exist.", "think air focus", ""),
    (50, "", "Sam and I cooked together on Tuesday and Friday. A habit worth protecting.", "belong heard", ""),
    (47, "", "Agreed to lead the Monday meeting when I'd rather have said “not this month”. Next time I'll ask "
     "for a day to think.", "think values", "mine"),
    (45, "After the call", "An hour after talking with Riley I feel tired and a bit invisible. That's the "
     "honest answer.", "heard", "stepping-back-emotional-hour-after"),
    (41, "", "Nine hours of sleep and a slow breakfast. Everything else went better from there.", "sleep", ""),
    (37, "A pause", "I'm stepping back from the late-night calls with Riley for a while. Not an ending. I wrote "
     "down what would need to change, and a day to look again.", "heard values",
     "stepping-back-general-pause-not-ending"),
    (33, "", "Guilty all day about Riley. Then I noticed the guilt is about being *seen* as unkind, not about "
     "being unkind.", "patience values", "stepping-back-emotional-guilt-about-space"),
    (29, "", "A glaze test I'm happy with: deep blue, like the sea that week.", "learn still", ""),
    (25, "", "Woke before the alarm, rested, and sat by the window for ten minutes first. More of these.",
     "sleep still", ""),
    (21, "A new deadline", "The quarter-end report landed with three weeks to go. Blocking mornings already "
     "feels impossible.", "think focus", ""),
    (18, "", "Meetings on meetings. Came home with nothing left for Sam, and said so instead of going quiet.",
     "think heard", ""),
    (15, "Noticing", "Room to think has been low for days. Not a failing, just information: I need a "
     "protected hour, and I need to ask for it.", "think patience", ""),
    (13, "", "Asked my manager for two meeting-free mornings a week. She said she'd try. Small and concrete.",
     "think values", "openness-mental-protect-focus"),
    (11, "", "The mornings didn't happen this week. Trying not to take it personally.", "think patience", ""),
    (10, "A year on", "A year ago I thought needing things made me difficult. Now I think it makes me easier to "
     "be around: people don't have to guess.", "heard values", "patience-spiritual-year-ago"),
    (9, "", "Walked at lunch in the rain. Came back damp and clearer.", "move air think", ""),
    (7, "Good enough", "What is **already good enough**:\n- I sleep better than a year ago\n- I ask for things "
     "now\n- I noticed this stretch early", "sleep patience heard", "patience-general-already-enough"),
    (5, "", "Sam made tea, asked about the report, then just listened. Like being held up for a moment.",
     "heard belong", ""),
    (3, "Cards", "Sam and I swapped needs cards. Reading theirs, I learned they need quiet mornings too. We can "
     "take turns.", "heard belong", ""),
    (2, "", "Another late evening on the report. Bed at ten anyway; the slides can wait.",
     "sleep think values", ""),
    (1, "", "Two days to go. Tired, but I know what I need and whom I can ask. That's new.",
     "think heard patience", "time-alone-general-how-are-you-really"),
]  # fmt: skip
# Reflections that say which day they were written ("Quiet Sunday."), by their days back in the table above:
# the demo is rebuilt relative to today, so each is moved to the nearest such weekday.
NAMED_DAYS = {324: calendar.FRIDAY, 318: calendar.SUNDAY, 112: calendar.SUNDAY}

DEMO_STATEMENTS = {
    "heard": ("When I start telling you about my day and the phone comes out,", "I feel a little alone in the room,",
              "because being heard matters a great deal to me.",
              "Could we keep the ten minutes after dinner for talking, phones away?"),
    "think": ("When meetings fill every morning of the week,", "I feel scattered and tired by noon,",
              "because I need room to think to do good work.",
              "Could we keep Tuesday and Thursday mornings free of meetings?"),
}  # fmt: skip

PARTNER_NEEDS = {
    "company": ("Companionship", "companionship", "emotional", 4,
                "An evening spent doing something together, not just in the same room.",
                "Cooking together; a walk after dinner."),
    "focus": ("Uninterrupted focus", "uninterrupted-focus", "mental", 4,
              "Two quiet hours in the morning before anyone talks to me.", "Headphones and an early start."),
    "play": ("Play and fun", "play-and-fun", "emotional", 3, "Laughing at something silly once a day.", ""),
    "move": ("Moving your body", "moving-your-body", "physical", 3, "A long swim at the weekend.", ""),
}  # fmt: skip

PARTNER_REFLECTIONS = [
    (20, "", "Evenings have been quiet this month; a deadline is eating everything. I'd like to help without "
     "trying to fix it.", "company"),
    (6, "Early start", "Quiet morning before the house woke. More done by nine than in the whole of yesterday.",
     "focus"),
    (3, "", "We swapped needs cards. Reading the one about being heard, I recognised myself reaching for the "
     "phone. Fair.", "company"),
]  # fmt: skip

FIRST_BACK = 367  # a year and a couple of days: last year's first entry has check-ins around it
AWAY = range(201, 208)  # a week at the coast, phone left at home
ILL = range(93, 97)  # a cold
LOW_FROM = 16  # "Room to think" stays below 4 from here to today: the home page's "could use some care"
ALWAYS_RATED = ("sleep", "think")


def _busy(back: int) -> float:
    """Work pressure, 0–1: a launch in the first half of the year, then the deadline of the last weeks."""
    if back <= LOW_FROM:
        return 1.0
    if back <= 21:
        return 0.6
    return 0.8 if 215 <= back <= 240 else 0.15


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


def _demo_scores(rng: random.Random, today: dt.date) -> dict[int, dict[str, int]]:
    """{days back: {need key: score}} for each day with check-ins (not every day: gaps, a week away, a cold)."""
    rest = social = 0.0
    days = {}
    for back in range(FIRST_BACK, 0, -1):
        # Moods that move slowly: a good run of nights lifts sleep and patience together.
        rest = 0.7 * rest + rng.gauss(0, 0.7)
        social = 0.8 * social + rng.gauss(0, 0.5)
        if back in AWAY or back in ILL or rng.random() < 0.07:
            continue
        year = 1 - back / FIRST_BACK  # 0 a year ago, 1 today: the slow change of the months
        busy, weekend = _busy(back), (today - dt.timedelta(days=back)).weekday() >= 5
        levels = {
            "sleep": 3.5 + 3.5 * year + 1.5 * rest - 0.5 * busy,
            "patience": 3.5 + 3 * year + 1.2 * rest,
            "move": 4 + 2.5 * year + weekend,
            "air": 5 + 1.5 * math.sin(back / 30),
            "think": 6.5 - 4 * busy,
            "focus": 6 - 2 * busy,
            "learn": 2.5 + 3.5 * (back <= 181),  # the pottery class began
            "still": 4 + 2 * year - 1.5 * busy,
            "nature": 5 + 1.5 * weekend,
            "values": 6 + year,
            "heard": 4 + 3 * year + social,
            "belong": 5.5 + 0.8 * social + 0.5 * weekend,
        }
        days[back] = {key: _clamp(level + rng.gauss(0, 0.8)) for key, level in levels.items()}
        if back <= LOW_FROM:
            days[back]["think"] = min(days[back]["think"], 3)
    return days


def _feelings(rng: random.Random, scores: dict[str, int], back: int) -> tuple[int, int]:
    """Anxiety falls as sleep and patience rise; self-confidence rises with being heard and moving."""
    anxiety = 9.5 - 0.55 * scores["sleep"] - 0.3 * scores["patience"] + 1.2 * _busy(back)
    confidence = 1 + 0.4 * scores["heard"] + 0.25 * scores["move"] + 0.2 * scores["patience"]
    return _clamp(anxiety + rng.gauss(0, 1.1)), _clamp(confidence + rng.gauss(0, 1.1))


def _nearest(back: int, days: dict, *, today: dt.date | None = None, weekday: int | None = None) -> int:
    """The day nearest `back` (days before today) that has check-ins in `days`; with `weekday`, one that also
    falls on that day of the week (or, failing that, the nearest such day before it)."""

    def fits(candidate: int) -> bool:
        return weekday is None or (today - dt.timedelta(days=candidate)).weekday() == weekday

    for offset in range(30):
        for candidate in (back - offset, back + offset):
            if candidate in days and fits(candidate):
                return candidate
    if weekday is None:
        return back
    return back + ((today - dt.timedelta(days=back)).weekday() - weekday) % 7


def _needs_of(user, table: dict) -> dict[str, Need]:
    catalogue = CatalogueNeed.objects.in_bulk([row[1] for row in table.values() if row[1]], field_name="slug")
    return {
        key: need_save(user=user, name=name, category=category, importance=importance, met_looks_like=met,
                       what_helps=helps, catalogue_need=catalogue.get(slug))
        for key, (name, slug, category, importance, met, helps) in table.items()
    }  # fmt: skip


def _checkins_of(user, needs: dict, scores: dict, today: dt.date, rng: random.Random, *, notes=None) -> int:
    """Check-ins in bulk (a year of them one by one takes too long for `make run`), then the kept numbers."""
    rows = []
    for back, day in sorted(scores.items(), reverse=True):
        for key, need in needs.items():
            if key not in ALWAYS_RATED and rng.random() < 0.1:
                continue  # not every need every day
            checkin = CheckIn(owner=user, need=need, date=today - dt.timedelta(days=back), score=day[key])
            if notes and key in notes and rng.random() < 0.08:
                checkin.seal("note", rng.choice(notes[key]), owner=user)
            rows.append(checkin)
    CheckIn.objects.bulk_create(rows, batch_size=1000)
    checkins_rebuild(owner_id=user.pk)
    return len(rows)


def _demo_journal(user, needs: dict, scores: dict, today: dt.date, rng: random.Random) -> int:
    prompts = Prompt.objects.in_bulk(
        [row[4] for row in DEMO_REFLECTIONS if row[4] != "mine"], field_name="slug"
    )
    mine = personal_prompt_save(
        user=user, data={"text": MY_QUESTION, "category": "", "step": "stepping_back", "is_active": True}
    )
    for index, (back, title, body, linked, prompt) in enumerate(DEMO_REFLECTIONS):
        weekday = NAMED_DAYS.get(back)
        if back is None:
            year_ago = today - dt.timedelta(days=365)
            with contextlib.suppress(ValueError):  # 29 February
                year_ago = today.replace(year=today.year - 1)
            data = {"date": year_ago}
            back = (today - year_ago).days
        else:
            back = _nearest(back, scores, today=today, weekday=weekday)
            data = {"date": today - dt.timedelta(days=back)}
        data |= {"title": title, "body": body, "needs": [needs[key] for key in linked.split()]}
        data |= {"prompt": prompts.get(prompt), "personal_prompt": mine if prompt == "mine" else None}
        if index % 7 != 3 and back in scores:  # most note their feelings, not all
            data["anxiety"], data["confidence"] = _feelings(rng, scores[back], back)
        reflection_save(user=user, reflection=Reflection(owner=user), data=data)
    return len(DEMO_REFLECTIONS)


def _demo_openness(user, needs: dict) -> dict:
    statements = {
        key: statement_save(user=user, need=needs[key], observation=observation, feeling=feeling,
                            need_words=need_words, request=request)
        for key, (observation, feeling, need_words, request) in DEMO_STATEMENTS.items()
    }  # fmt: skip
    love_profile_save(
        user=user,
        text="I feel loved when someone makes time without being asked: a walk together, a cup of tea set down "
        "beside me, a message that shows they remembered something I said.",
        needs=[needs["heard"], needs["belong"]],
    )
    card_create(
        user=user,
        label="For my sister",
        needs=[needs[key] for key in ("sleep", "heard", "think", "still")],
        statements=list(statements.values()),
        include_profile=True,
        include_scores=True,
    )
    return statements


def _ratings(need: Need, today: dt.date, backs: range, level) -> list[tuple]:
    return [(need, today - dt.timedelta(days=back), _clamp(level(back))) for back in backs]


def _demo_relationships(user, needs: dict, today: dt.date, rng: random.Random) -> int:
    """Sam, where being heard grew over the year; Riley, where it has stayed low for weeks (the stepping-back
    sections, and a pause plan); the team at work, where room to think fell with the deadline."""
    sam = relationship_create(
        user=user, nickname="Sam", kind=RelationshipKind.PARTNER, needs=[needs["heard"], needs["belong"]]
    )
    every_fortnight = range(360, 0, -14)
    relationship_ratings_save(user=user, relationship=sam, ratings=[
        *_ratings(needs["heard"], today, every_fortnight, lambda b: 8 - 4 * b / 360 + rng.gauss(0, 0.5)),
        *_ratings(needs["belong"], today, every_fortnight, lambda b: 8 - 2 * b / 360 + rng.gauss(0, 0.5)),
    ])  # fmt: skip
    riley = relationship_create(
        user=user, nickname="Riley", kind=RelationshipKind.FRIEND, needs=[needs["heard"], needs["values"]]
    )
    weekly = range(180, 0, -7)

    def fading(back: int) -> float:
        return 2.5 if back <= 45 else min(6.5, 3.5 + 3 * (back - 45) / 75)

    relationship_ratings_save(user=user, relationship=riley, ratings=[
        *_ratings(needs["heard"], today, weekly, fading),
        *_ratings(needs["values"], today, weekly, lambda b: 3 if b <= 45 else 6),
        *_ratings(needs["belong"], today, weekly, lambda b: fading(b) + 1.5),
    ])  # fmt: skip
    pause_plan_save(
        user=user,
        relationship=riley,
        what_must_change="Our calls go both ways: room for my news too, not only the latest crisis. Until then "
        "I'll answer messages but skip the late-night calls.",
        check_back_on=today + dt.timedelta(days=24),
    )
    work = relationship_create(
        user=user,
        nickname="My team at work",
        kind=RelationshipKind.WORK,
        needs=[needs["think"], needs["focus"]],
    )
    relationship_ratings_save(user=user, relationship=work, ratings=[
        *_ratings(needs["think"], today, every_fortnight, lambda b: 2.5 if b <= 21 else 6 + rng.gauss(0, 0.7)),
        *_ratings(needs["focus"], today, every_fortnight, lambda b: 4 if b <= 21 else 6 + rng.gauss(0, 0.7)),
    ])  # fmt: skip
    return 3


DEMO_NAME, PARTNER_NAME = "Jo", "Sam"  # the names each shows the other in the partner exchange


def _demo_partner(user, partner, needs: dict, statements: dict, today: dt.date, rng: random.Random) -> None:
    """Sam's own small account, connected to the demo person by an invitation code; each shares two needs
    and answers one of the other's."""
    settings_save(
        user=partner, profile={"display_name": PARTNER_NAME, "partner_emails": False}, confirm_time_zone=True
    )
    theirs = _needs_of(partner, PARTNER_NEEDS)
    recent = {back: {key: _clamp(6 + rng.gauss(0, 1.2)) for key in theirs} for back in range(56, 0, -1)}
    _checkins_of(partner, theirs, recent, today, rng)
    for back, title, body, linked in PARTNER_REFLECTIONS:
        data = {"date": today - dt.timedelta(days=back), "title": title, "body": body}
        data["needs"] = [theirs[key] for key in linked.split()]
        reflection_save(user=partner, reflection=Reflection(owner=partner), data=data)
    company = statement_save(
        user=partner,
        need=theirs["company"],
        observation="When we're both on our phones all evening,",
        feeling="I feel far away from you,",
        need_words="because doing things together is how I feel close.",
        request="Could we cook together twice a week?",
    )
    code = invitation_create(user=user).reveal("code", owner=user)
    connection = partner_join(user=partner, code=code)
    partner_share_set(user=user, connection=connection, needs=[needs["heard"], needs["sleep"]],
                      statements=[statements["heard"]])  # fmt: skip
    partner_share_set(user=partner, connection=connection, needs=[theirs["company"], theirs["focus"]],
                      statements=[company])  # fmt: skip
    shared = {s.need_id: s for s in SharedNeed.objects.filter(connection=connection)}
    partner_answer_save(user=partner, shared=shared[needs["heard"].pk], kind=Answer.OFFER,
                        note="Yes to phones away after dinner. Nudge me if I forget.")  # fmt: skip
    partner_answer_save(user=partner, shared=shared[needs["sleep"].pk], kind=Answer.MORE,
                        note="What helps most on the nights you can't settle?")  # fmt: skip
    partner_answer_save(user=user, shared=shared[theirs["company"].pk], kind=Answer.OFFER,
                        note="Tuesdays and Fridays? I'll choose the first recipe.")  # fmt: skip


def demo_data_create(*, user, partner) -> str:
    """Give the demo person (`user`) a year of history and `partner` a small account connected to theirs.
    Both must be new (the command deletes and recreates the demo people); the same history every time,
    counted back from today."""
    rng = random.Random(14)
    # The demo addresses reach nobody: no "something new" emails for them.
    settings_save(
        user=user, profile={"display_name": DEMO_NAME, "partner_emails": False}, confirm_time_zone=True
    )
    today = local_today(user)
    needs = _needs_of(user, DEMO_NEEDS)
    scores = _demo_scores(rng, today)
    checkins = _checkins_of(user, needs, scores, today, rng, notes=DEMO_NOTES)
    reflections = _demo_journal(user, needs, scores, today, rng)
    statements = _demo_openness(user, needs)
    relationships = _demo_relationships(user, needs, today, rng)
    _demo_partner(user, partner, needs, statements, today, rng)
    return (
        f"sample data: {len(needs)} needs, {checkins} check-ins on {len(scores)} days, {reflections} "
        f"reflections, {len(statements)} statements, a needs card, {relationships} relationships and a partner"
    )
