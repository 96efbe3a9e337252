"""Demo text: the home page, the course and one teaching module per footstep.

Written for this platform in our own words. The quotes are illustrative voices drawn from
common experiences of living with persistent pain, not words of real, named people.
"""

# Printed on the demo's certificates and policy pages (home.ProgrammeSettings).
ORGANISATION_NAME = "Ten Footsteps demonstration programme"
CONTACT_EMAIL = "tenfootsteps@example.org"

HOME_INTRO = (
    "<p>Ten Footsteps is training for social prescribers, link workers, wellbeing coaches and "
    "other primary care staff who support people living with persistent pain. Over two "
    "online workshops you learn ten practical self-management skills, the footsteps, and "
    "resources you can hand to the people you support.</p>"
)

COURSE_INDEX_INTRO = (
    "<p>Each course run is one cohort: two mandatory four-hour online workshops a fortnight "
    "apart, then three optional two-hour question-and-answer sessions over the following two "
    "months. Before the first workshop you fill a short baseline questionnaire; three months "
    "after the workshops, a follow-up (some runs ask again at six and twelve months).</p>"
)

LIBRARY_INTRO = (
    "<p>One module per footstep. Each explains the idea, suggests how to talk about it with "
    "the person you support, and lists resources you can share with them.</p>"
)

RUN_INTRO = (
    "<p>Open to social prescribers and other link workers in the area. Both workshops are "
    "needed to complete the course; bring questions from your own practice to the optional "
    "Q&amp;A sessions.</p>"
)

WORKSHOP_AGENDAS = [
    (
        "<ul><li>Welcome, and what brings people with pain to social prescribing</li>"
        "<li>Footsteps 1 to 5: knowledge about pain, acceptance, pacing, goals, getting "
        "active</li><li>A lived-experience trainer on what helped, and what did not</li>"
        "<li>Practice in pairs: opening a conversation about self-management</li></ul>"
    ),
    (
        "<ul><li>What you tried since workshop 1</li>"
        "<li>Footsteps 6 to 10: moods, sleep, food and relationships, relaxation and "
        "mindfulness, setbacks</li><li>Choosing resources for the person in front of you</li>"
        "<li>Planning your next conversations; the follow-up questionnaire</li></ul>"
    ),
]

QA_AGENDA = (
    "<p>An open session: bring situations from your practice, questions about the footsteps "
    "and feedback on the resources you have used.</p>"
)

LIVE_WELL_WITH_PAIN = {
    "url": "https://livewellwithpain.co.uk/ten-footsteps/",
    "title": "Live Well with Pain: the Ten Footsteps",
    "description": "The free online Ten Footsteps to pain self-management, one page per step.",
}

MODULES: dict[int, dict] = {
    1: {
        "summary": "Persistent pain is a real condition in its own right. Understanding why it "
        "persists is the first step towards managing it.",
        "body": [
            (
                "paragraph",
                "<p>Short-lived pain usually means tissue damage and fades as the body heals. "
                "Pain that lasts beyond three months works differently: the nervous system "
                "becomes more sensitive and keeps sounding the alarm after the tissues have "
                "healed. Hurt no longer reliably means harm.</p><p>Many people have been told "
                "their scans are normal and feel disbelieved. Explaining that their pain is "
                "real, and that sleep, stress, mood, activity and worry all turn its volume up "
                "or down, shows them where they have influence.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask what they understand about their pain and what they have been "
                "told.</li><li>Use an everyday image, such as an over-sensitive smoke alarm or "
                "a volume dial.</li><li>Ask what makes the pain better or worse: these are the "
                "levers for the other footsteps.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "Once someone explained that my nerves had become over-protective, "
                    "I stopped being frightened that every twinge meant more damage.",
                    "attribution": "A person living with back pain (illustrative)",
                },
            ),
            (
                "resources",
                [
                    LIVE_WELL_WITH_PAIN,
                    {
                        "url": "https://www.flippinpain.co.uk/",
                        "title": "Flippin' Pain",
                        "description": "A public campaign explaining modern pain science in "
                        "plain words, with short videos.",
                    },
                ],
            ),
        ],
    },
    2: {
        "summary": "Moving from searching for a cure towards living well alongside pain that "
        "may remain.",
        "body": [
            (
                "paragraph",
                "<p>Acceptance is not giving up. It means recognising that the pain may not go "
                "away completely, and turning energy from a search for a cure towards the "
                "things in life that can still change. People often arrive here after years of "
                "appointments, scans and medicines that have not solved the problem.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Acknowledge the losses: work, hobbies, roles in the family.</li>"
                "<li>Ask what matters most to them now, and what they would do more of if pain "
                "were less in charge.</li><li>Expect to return to this footstep more than once; "
                "acceptance comes and goes.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "I spent five years waiting to be fixed. Things improved when I "
                    "started asking what I could do with the life I had.",
                    "attribution": "A person living with fibromyalgia (illustrative)",
                },
            ),
            ("resources", [LIVE_WELL_WITH_PAIN]),
        ],
    },
    3: {
        "summary": "Spotting the boom-and-bust cycle and balancing activity and rest across "
        "the day.",
        "body": [
            (
                "paragraph",
                "<p>On a good day people often do everything they have been putting off, then "
                "pay for it with several bad days. This boom-and-bust cycle slowly shrinks what "
                "they can do. Pacing means doing a steady, planned amount whatever the day is "
                "like, and building up gradually.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask them to describe a good day and the days after it.</li>"
                "<li>Find a baseline: the amount of an activity they can manage even on a "
                "bad day, then cut it a little.</li><li>Break tasks into chunks with planned "
                "breaks, and increase slowly, by about a tenth at a time.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "I garden for twenty minutes, have a cup of tea, then do another "
                    "twenty. I get more done in a week than when I used to push through.",
                    "attribution": "A person living with arthritis (illustrative)",
                },
            ),
            (
                "resources",
                [
                    LIVE_WELL_WITH_PAIN,
                    {
                        "url": "https://www.paintoolkit.org/",
                        "title": "The Pain Toolkit",
                        "description": "Short, practical tips on pacing and planning, written by "
                        "a person who lives with pain.",
                    },
                ],
            ),
        ],
    },
    4: {
        "summary": "Small, meaningful goals, planned in steps, with rewards for progress.",
        "body": [
            (
                "paragraph",
                "<p>Goals give pacing a direction. The best ones come from what matters to the "
                "person, such as walking to the school gate or meeting a friend for coffee, "
                "rather than from what a professional thinks they should do. Big goals are "
                "broken into weekly steps that are small enough to succeed.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask what they would like to be doing in three months.</li>"
                "<li>Make the first step specific: what, when, where and how much.</li>"
                "<li>Ask how confident they are from 0 to 10; below 7, make the step smaller."
                "</li><li>Agree a reward, and review the step next time you meet.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "My goal was to carry my granddaughter. We started with a bag of "
                    "shopping.",
                    "attribution": "A person living with neck and shoulder pain (illustrative)",
                },
            ),
            ("resources", [LIVE_WELL_WITH_PAIN]),
        ],
    },
    5: {
        "summary": "Building fitness gradually and safely, with movement the person enjoys.",
        "body": [
            (
                "paragraph",
                "<p>Movement helps persistent pain: it calms the nervous system, strengthens "
                "muscles, lifts mood and improves sleep. Many people avoid it because it hurts "
                "at first and they fear causing damage. Starting low, going slow and choosing "
                "something enjoyable makes it last.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Explain that some extra soreness when starting is expected and not a "
                "sign of harm.</li><li>Look for local options: walking groups, gentle exercise "
                "classes, swimming, chair-based exercise, gardening projects.</li><li>Link the "
                "activity to their goals and pace it.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "The walking group was the first place where nobody asked me to "
                    "explain myself. We went at my speed.",
                    "attribution": "A person living with persistent pain after surgery "
                    "(illustrative)",
                },
            ),
            (
                "resources",
                [
                    {
                        "url": "https://www.nhs.uk/better-health/get-active/",
                        "title": "NHS Better Health: get active",
                        "description": "Free ideas and apps for becoming more active at any "
                        "level of fitness.",
                    },
                    LIVE_WELL_WITH_PAIN,
                ],
            ),
        ],
    },
    6: {
        "summary": "How stress, anxiety, low mood and frustration interact with pain, and "
        "practical ways to ease them.",
        "body": [
            (
                "paragraph",
                "<p>Pain and mood feed each other. Worry, low mood, anger and frustration make "
                "pain feel worse, and living with pain wears mood down. Naming this cycle is "
                "often a relief, and it opens the door to things that help both: activity, "
                "connection, enjoyable routines and, when needed, talking therapies.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask how the pain affects their mood, and how their mood affects the "
                "pain.</li><li>Notice unhelpful thoughts together, such as 'I can't do anything "
                "any more', and look for a fairer version.</li><li>Know your local talking "
                "therapies service and how to refer; follow your safeguarding route if you are "
                "worried about someone's safety.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "I used to think I was just angry at the pain. Keeping a mood diary "
                    "showed me the bad pain days followed the stressful ones.",
                    "attribution": "A person living with migraine (illustrative)",
                },
            ),
            (
                "resources",
                [
                    {
                        "url": "https://www.nhs.uk/every-mind-matters/",
                        "title": "NHS Every Mind Matters",
                        "description": "Self-help for stress, anxiety and low mood, with a free "
                        "personalised plan.",
                    },
                    LIVE_WELL_WITH_PAIN,
                ],
            ),
        ],
    },
    7: {
        "summary": "Routines and habits that help people with pain rest and sleep better.",
        "body": [
            (
                "paragraph",
                "<p>Poor sleep lowers the pain threshold, and pain disturbs sleep. Small "
                "changes to routine often help more than people expect: regular times to go to "
                "bed and get up, a wind-down hour, a cool dark room, and less caffeine, alcohol "
                "and screen time in the evening.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask about a typical night and the day that follows.</li>"
                "<li>Suggest getting up after about twenty minutes awake and doing something "
                "calm until sleepy.</li><li>Short daytime naps are fine; long ones can steal "
                "the night's sleep.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "Getting up at the same time every day, even after a bad night, "
                    "was hard for two weeks. Then my sleep started to settle.",
                    "attribution": "A person living with persistent hip pain (illustrative)",
                },
            ),
            (
                "resources",
                [
                    {
                        "url": "https://www.nhs.uk/every-mind-matters/mental-health-issues/sleep/",
                        "title": "NHS Every Mind Matters: sleep",
                        "description": "Practical tips for falling asleep and sleeping better.",
                    },
                ],
            ),
        ],
    },
    8: {
        "summary": "Eating well, and helping family and friends understand the condition.",
        "body": [
            (
                "paragraph",
                "<p>A balanced diet supports energy, weight, mood and sleep, all of which "
                "affect pain. Pain can also get in the way of shopping and cooking, so simple "
                "meals and batch cooking on better days help.</p><p>Relationships matter just "
                "as much. Family and friends may not understand an invisible condition, may do "
                "too much for the person, or may doubt them. Helping the person explain pacing "
                "and what support they want protects these relationships.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask what a typical day's food looks like, without judgement.</li>"
                "<li>Ask who knows about their pain and how those people respond.</li>"
                "<li>Practise a short explanation they could give to someone close.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "When my husband understood pacing, he stopped telling me to rest "
                    "and started reminding me to take my breaks.",
                    "attribution": "A person living with persistent pelvic pain (illustrative)",
                },
            ),
            (
                "resources",
                [
                    {
                        "url": "https://www.nhs.uk/live-well/eat-well/food-guidelines-and-food-"
                        "labels/the-eatwell-guide/",
                        "title": "NHS: the Eatwell Guide",
                        "description": "What a balanced diet looks like, on one page.",
                    },
                    LIVE_WELL_WITH_PAIN,
                ],
            ),
        ],
    },
    9: {
        "summary": "Breathing, relaxation and mindfulness techniques that calm the body's "
        "response to pain.",
        "body": [
            (
                "paragraph",
                "<p>Pain keeps the body on alert: tense muscles, shallow breathing, a racing "
                "mind. Relaxation and mindfulness turn that alert down. Slow breathing, "
                "progressive muscle relaxation and noticing the present moment without "
                "judging it are skills that improve with a few minutes' practice a day.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Try a minute of slow breathing together: in through the nose, a longer "
                "breath out.</li><li>Suggest practising when the pain is milder, so the skill "
                "is ready for worse days.</li><li>Offer choices: audio guides, apps, classes, "
                "or simply a slow walk paying attention to the surroundings.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "Mindfulness didn't take my pain away. It took away some of the "
                    "panic that came with it.",
                    "attribution": "A person living with persistent pain (illustrative)",
                },
            ),
            ("resources", [LIVE_WELL_WITH_PAIN]),
        ],
    },
    10: {
        "summary": "Preparing a plan for flare-ups so that a bad day does not undo progress.",
        "body": [
            (
                "paragraph",
                "<p>Setbacks and flare-ups happen to everyone who lives with persistent pain; "
                "they are part of the condition, not a failure. A plan written on a good day "
                "makes a bad day less frightening: what tends to trigger a flare-up, the early "
                "warning signs, what helps, who to tell, and how to build back up.</p>",
            ),
            ("heading", "Talking about it"),
            (
                "paragraph",
                "<ul><li>Ask about their last flare-up: what set it off and what helped.</li>"
                "<li>Fill in the setback plan together and suggest they keep it somewhere easy "
                "to find.</li><li>Plan the way back: cut activity back, then return to the "
                "paced baseline rather than stopping altogether.</li><li>Agree when a flare-up "
                "needs a call to their GP or NHS 111, for example new symptoms.</li></ul>",
            ),
            (
                "quote",
                {
                    "quote": "My plan is stuck on the fridge. On a bad day I don't have to "
                    "think, I just follow it.",
                    "attribution": "A person living with back pain (illustrative)",
                },
            ),
            ("resources", [LIVE_WELL_WITH_PAIN]),
        ],
    },
}

SETBACK_PLAN_FOOTSTEP = 10
SETBACK_PLAN_TITLE = "My setback plan (worksheet)"
SETBACK_PLAN_DESCRIPTION = (
    "A one-page plan to fill in with the person you support, on a good day, for a bad one."
)
SETBACK_PLAN_SECTIONS = [
    ("Things that can set off a flare-up for me", 4),
    ("Early warning signs I notice", 3),
    ("What helps me in the first few days", 4),
    ("People I will tell, and what I will ask of them", 3),
    ("How I will build back up to my usual activities", 3),
    ("When I will contact my GP or NHS 111", 2),
]
