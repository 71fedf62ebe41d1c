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
