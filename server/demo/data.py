"""The demo organisation. Names are invented; no real people or patients."""

DEMO_PASSWORD = "valueboard-demo"

ADMIN = ("Morag Sinclair", "admin@valueboard.demo")

BOARDS = ["NHS Highland", "NHS Lothian", "NHS Greater Glasgow and Clyde"]

# (board, team, service, contracted hours per week, huddle day, huddle time, vision)
TEAMS = [
    ("NHS Highland", "Ward 3B Raigmore", "Acute medicine", 1140.0, "tuesday", "14:00",
     "Safe, calm care where every patient goes home on time."),
    ("NHS Highland", "Community Nursing Inverness West", "District nursing", 600.0, "wednesday", "09:15",
     "The right visit, at the right time, by the right person."),
    ("NHS Highland", "Podiatry Highland", "Podiatry", 420.0, "thursday", "12:30",
     "Nobody waits longer than they need to for foot care."),
    ("NHS Lothian", "Ward 108 Royal Infirmary", "Orthopaedics", 1260.0, "monday", "13:45",
     "Every patient mobile on day one."),
    ("NHS Lothian", "Outpatient Physiotherapy Leith", "Physiotherapy", 380.0, "friday", "08:45",
     "Fewer missed appointments, more time for treatment."),
    ("NHS Lothian", "Child and Adolescent Mental Health East", "CAMHS", 520.0, "tuesday", "10:00",
     "Young people seen within 18 weeks."),
    ("NHS Greater Glasgow and Clyde", "Ward 44 Queen Elizabeth", "Respiratory", 1180.0, "thursday", "14:30",
     "Breathing easier, home sooner."),
    ("NHS Greater Glasgow and Clyde", "Diabetes Day Unit Gartnavel", "Diabetes", 300.0, "wednesday", "16:00",
     "Time for the conversations that matter."),
]

# The aim each demo team wrote on its board for each box-score area (board_settings).
BOARD_AIMS = {
    "aim_performance": "Every patient seen when they need us, and nobody harmed while in our care.",
    "aim_capacity": "Give back an hour a day to care by cutting time lost to searching and waiting.",
    "aim_cost": "Spend less on agency cover by planning the rota with the whole team.",
    "aim_staff_experience": "A team that feels able to change how it works, every week.",
}

# A coach's conversations with their first two teams: (held days ago, next one in days — negative:
# overdue), what was discussed, next steps.
COACHING_NOTES = [
    (24, -3, "Went through the first box score together and chose the two measures that go on the board.",
     "The lead books a weekly huddle slot with the ward manager."),
    (9, 19, "Looked back at the last four huddles: ideas are coming in and PDSA cycles are short. Talked about "
     "protecting the 15 minutes when the ward is busy.", "Try a standing huddle at 10:00 for a fortnight."),
]

COACHES = [
    ("Eilidh MacLeod", "eilidh.macleod@valueboard.demo", ["Ward 3B Raigmore", "Community Nursing Inverness West",
                                                          "Podiatry Highland", "Ward 44 Queen Elizabeth"]),
    ("Ravi Chopra", "ravi.chopra@valueboard.demo", ["Ward 108 Royal Infirmary", "Outpatient Physiotherapy Leith",
                                                    "Child and Adolescent Mental Health East"]),
    ("Siobhan Kerr", "siobhan.kerr@valueboard.demo", ["Ward 44 Queen Elizabeth", "Diabetes Day Unit Gartnavel",
                                                      "Ward 3B Raigmore"]),
]

# (name, email local part, team, role in team)
STAFF = [
    ("Fiona Campbell", "fiona.campbell", "Ward 3B Raigmore", "lead"),
    ("Callum Fraser", "callum.fraser", "Ward 3B Raigmore", "member"),
    ("Aisha Rahman", "aisha.rahman", "Ward 3B Raigmore", "member"),
    ("Jamie Ross", "jamie.ross", "Ward 3B Raigmore", "member"),
    ("Kirsty Munro", "kirsty.munro", "Community Nursing Inverness West", "lead"),
    ("Hamish Grant", "hamish.grant", "Community Nursing Inverness West", "member"),
    ("Ewan MacDonald", "ewan.macdonald", "Community Nursing Inverness West", "member"),
    ("Lorna Mackay", "lorna.mackay", "Podiatry Highland", "lead"),
    ("Tomasz Nowak", "tomasz.nowak", "Podiatry Highland", "member"),
    ("Catriona Reid", "catriona.reid", "Ward 108 Royal Infirmary", "lead"),
    ("Daniel Okafor", "daniel.okafor", "Ward 108 Royal Infirmary", "member"),
    ("Gemma Wilson", "gemma.wilson", "Ward 108 Royal Infirmary", "member"),
    ("Priya Nair", "priya.nair", "Ward 108 Royal Infirmary", "member"),
    ("Alasdair Stewart", "alasdair.stewart", "Outpatient Physiotherapy Leith", "lead"),
    ("Niamh Doherty", "niamh.doherty", "Outpatient Physiotherapy Leith", "member"),
    ("Rachel Paterson", "rachel.paterson", "Child and Adolescent Mental Health East", "lead"),
    ("Mohammed Iqbal", "mohammed.iqbal", "Child and Adolescent Mental Health East", "member"),
    ("Sarah Thomson", "sarah.thomson", "Child and Adolescent Mental Health East", "member"),
    ("Graham Docherty", "graham.docherty", "Ward 44 Queen Elizabeth", "lead"),
    ("Laura McAllister", "laura.mcallister", "Ward 44 Queen Elizabeth", "member"),
    ("Chidi Eze", "chidi.eze", "Ward 44 Queen Elizabeth", "member"),
    ("Megan Robertson", "megan.robertson", "Ward 44 Queen Elizabeth", "member"),
    ("Stuart Henderson", "stuart.henderson", "Diabetes Day Unit Gartnavel", "lead"),
    ("Joanna Kowalska", "joanna.kowalska", "Diabetes Day Unit Gartnavel", "member"),
    ("Iain Morrison", "iain.morrison", "Diabetes Day Unit Gartnavel", "member"),
    ("Heather Brown", "heather.brown", "Ward 3B Raigmore", "member"),
]

# ---- box score demo (issue 5) ------------------------------------------------------------------------
DEMO_WEEKS = 16

# Box score measures every demo team gets: (key, name, group, subgroup, unit, direction, target, aim,
# operational definition, source/derived spec, pattern). ``pattern`` drives the weekly values the demo
# writes (see server/demo/seed.py): "shift_up" improves after a test of change, "spike" has one week beyond
# the limits, "trend_down" falls week on week, "steady" is common cause only.
MEASURES = [
    ("seen", "Patients seen", "performance", "access", "patients", "up", None,
     "Increase the number of patients seen each week by 10% by March",
     "Count of patients with a completed contact, Monday to Sunday, from the weekly activity report.",
     None, "shift_up"),
    ("dna", "Did not attend rate", "performance", "access", "%", "down", 8.0,
     "Reduce DNAs to under 8% by the end of the quarter",
     "DNAs divided by booked appointments in the week, as a percentage.", None, "trend_down"),
    ("falls", "Falls", "performance", "safety", "falls", "down", 1.0,
     "Reduce falls by half within six months",
     "Falls recorded on the incident system (Datix), Monday to Sunday, any harm level.", None, "spike"),
    ("feedback", "Would recommend us", "performance", "experience", "%", "up", 90.0,
     "At least 9 in 10 patients would recommend the service",
     "Share of weekly feedback cards answering 'likely' or 'extremely likely'.", None, "steady"),
    ("lost", "Time lost", "capacity", None, "hours", "down", None,
     "Release 10 hours a week of time lost back to patient care",
     "Sum of time lost logged by the team in Valueboard, Monday to Sunday.", ("time_lost", None, "hours"), None),
    ("lost_pct", "Time lost (% of contracted hours)", "capacity", None, "%", "down", None,
     "Time lost below 5% of contracted hours",
     "Time lost logged in Valueboard as a share of the team's contracted hours.",
     ("time_lost", None, "percent_of_contracted"), None),
    ("searching", "Time searching for equipment or information", "capacity", None, "hours", "down", None,
     "Halve time spent searching for equipment or information",
     "Time lost logged under 'Searching for equipment or information'.",
     ("time_lost", "Searching for equipment or information", "hours"), None),
    ("meetings", "Time in meetings", "capacity", None, "hours", "neutral", None, None,
     "Meeting time logged in Valueboard.", ("meeting", None, "hours"), None),
    ("admin", "Time on admin", "capacity", None, "hours", "down", None,
     "Cut duplicate admin by a third", "Admin time logged in Valueboard.", ("admin", None, "hours"), None),
    ("bank", "Bank and agency spend", "cost", None, "£", "down", 2500.0,
     "Bring bank and agency spend within the £2,500 weekly budget",
     "Bank and agency invoices for the week from the finance ledger.", None, "shift_down"),
    ("joy", "Joy in work", "staff_experience", None, "score 1-5", "up", 4.0,
     "Average joy in work of 4 or more", "Mean of the weekly 1-5 check-in at the huddle.", None, "steady_joy"),
]

# How time lost is spread over the default categories (spec/default_time_lost_categories.json; relative
# weights) and how long each takes. Searching is the big one until the equipment store is sorted out.
TIME_LOST_WEIGHTS = {
    "Waiting": 4, "Searching for equipment or information": 9, "IT problems": 4,
    "Rework or duplicate documentation": 2, "Interruptions": 5, "Unplanned cover": 1, "Cancellations or DNAs": 2,
    "Travel": 1,
}
SEARCHING_AFTER_THE_STORE_WAS_SORTED = 4  # weeks 9 on: equipment is found at once; information still takes time
TIME_LOST_MINUTES = (5, 10, 10, 15, 15, 15, 20, 30, 30, 45, 60)

# Ward 3B's weekly rota: the lead shares the role (server/rota/); reminders on Tuesday mornings, before the huddle.
ROTA = {"team": "Ward 3B Raigmore", "remind_day": "tuesday", "remind_time": "09:00",
        "tasks": {"box_score": ["fiona.campbell", "aisha.rahman"], "board": ["callum.fraser", "jamie.ross"],
                  "huddle": ["fiona.campbell", "callum.fraser", "aisha.rahman"]}}
