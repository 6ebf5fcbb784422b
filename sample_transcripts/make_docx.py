"""Build nfg_03_cmo.docx, a synthetic Word transcript with a heading, a metadata
table and bold speaker labels, so the .docx importer has a realistic file to read.

Run from anywhere:  .venv/bin/python sample_transcripts/make_docx.py
The committed .docx is the output of this script; re-run it after editing TURNS.
"""
# Turns are prose, one per line, so long lines are expected here.
# ruff: noqa: E501

from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "nfg_03_cmo.docx"

TITLE = "Synthetic interview transcript — Learning Lab evaluation, P03"
NOTICE = (
    "SYNTHETIC — invented by the evalbench team for testing and demonstration. No real patients, staff or hospitals."
)
META = [
    ("Participant", "P03"),
    ("Site", "Northfield General"),
    ("Role", "Chief Medical Officer"),
    ("Interviewer", "Dana Whitfield"),
    ("Mode", "In person, administration suite"),
]

INTERVIEWER = "Dana Whitfield"
PARTICIPANT = "Lorraine Achterberg"

TURNS = [
    (INTERVIEWER, "Thank you for fitting this in. I know your calendar is — well, I saw your calendar."),
    (
        PARTICIPANT,
        "It’s a mess, yes. Board meeting Thursday, so everything is a bit frantic. But I wanted to do this one myself rather than send someone.",
    ),
    (INTERVIEWER, "I appreciate that. Could you start by telling me why Northfield joined the Learning Lab?"),
    (
        PARTICIPANT,
        "A few reasons, and I’ll be honest about all of them. The noble reason is that diagnostic error is the biggest safety problem nobody measures. We have dashboards for falls, for pressure injuries, for central line infections, and nothing for the thing that probably harms the most patients. The less noble reason is that we’d had two large claims in eighteen months, both missed diagnoses, and the board was asking me what we were doing about it. And the practical reason is that the grant paid for the coaching, so the cost to us was mostly staff time.",
    ),
    (INTERVIEWER, "Mostly staff time."),
    (
        PARTICIPANT,
        "Which is not nothing. I underestimated it, frankly. When we signed the participation agreement I think I budgeted for a couple of hours a month from each lead. It was far more than that, and for the first nine months I let people absorb it on their own time, which I’m not proud of. Hannah Osei was doing case prep on her days off. When I realised, I carved out a half day a month for the physician leads. I should have done it at the start.",
    ),
    (INTERVIEWER, "How did you find the money for that half day?"),
    (
        PARTICIPANT,
        "I moved it out of a locum line that we’d underspent. Which is a one-off. For this fiscal year it’s in the base budget. For next year — I’m going to have that fight in March, and I think I’ll win it, but it’s not guaranteed. Our margins are thin. We’re a community teaching hospital, we don’t have an endowment to fall back on.",
    ),
    (INTERVIEWER, "How does the Learning Lab fit with Northfield’s broader priorities?"),
    (
        PARTICIPANT,
        "It fits the mission very well. Our mission statement talks about being the safest place to receive care in the region — everybody’s does, I know — but we actually put it in our strategic plan with a safety pillar. The Learning Lab gave that pillar something concrete about diagnosis. Where it fits less well is with the operational priorities of the year. This was the year of the new tower opening, a nurse staffing crisis and an EHR upgrade. Diagnostic safety was never going to be the top thing on anyone’s list.",
    ),
    (INTERVIEWER, "How did that play out?"),
    (
        PARTICIPANT,
        "In small ways, mostly. Meetings that got bumped. IT resources that got pulled onto the upgrade. The DxCatch button was built in about six weeks, which is quick, but the fixes afterwards took months because the analyst had been reassigned. And people were tired. You can only ask a tired nurse to come to a case review on her day off so many times.",
    ),
    (INTERVIEWER, "What do you see as the main successes?"),
    (
        PARTICIPANT,
        "Three things. First, the reporting. We went from essentially zero diagnostic safety reports to a steady stream — ten or twelve a month — and the quality of what people write is genuinely thoughtful. Second, the case reviews have become a place where people can talk about a missed diagnosis without it becoming a disciplinary matter. That’s a cultural shift and I don’t want to overclaim it, but I see it. Third, there are a handful of concrete system fixes — the pending results routing is the one everyone mentions — that I can point to in front of the board.",
    ),
    (INTERVIEWER, "You mentioned the board. How did they respond?"),
    (
        PARTICIPANT,
        "Surprisingly well. I presented the pending results case to the quality committee of the board, anonymised, as a timeline. One of the board members is a retired engineer and he loved it — he said it was the first time he’d understood how a hospital actually makes mistakes. Since then they’ve asked for a diagnostic safety update twice a year. That’s an external push I actually welcome, because it keeps it on my agenda.",
    ),
    (INTERVIEWER, "Were there things about the programme design that didn’t suit Northfield?"),
    (
        PARTICIPANT,
        "The measurement package was built for an academic centre. The Collaborative wanted monthly data in a format our systems couldn’t produce, and Martin spent hours every month doing it by hand. And the early training assumed a level of research infrastructure we don’t have — people talking about inter-rater reliability of the review instrument when we were just trying to get radiology to turn up. I raised it with the programme director, and to their credit they simplified things in the second year, but a year is a long time.",
    ),
    (INTERVIEWER, "What about the coaching?"),
    (
        PARTICIPANT,
        "Good. Our coach was very skilled. I’d have liked more of it aimed at leadership — I didn’t really know what I was supposed to be doing as the executive sponsor, beyond turning up at the kickoff and signing things. It was only about halfway through that I understood my job was to remove obstacles. The button, the half day, getting the lab director in a room. Those were things only I could do.",
    ),
    (INTERVIEWER, "That’s an interesting realisation. What would you tell another CMO about that role?"),
    (
        PARTICIPANT,
        "Ask your team every month, what is in your way that I can move? And then actually move it. Don’t wait for them to escalate — they won’t. Frontline people are very polite about obstacles.",
    ),
    (INTERVIEWER, "Turning to the future — what happens now that the grant has ended?"),
    (
        PARTICIPANT,
        "The reviews continue. The tool stays. What we lose is the external structure — the coaching calls, the cross-site meetings where our people could hear what Riverside and St Brendan’s were doing. Those cross-site meetings were underrated. Our team came back from the one in the spring with three ideas they’d stolen shamelessly, which is exactly what you want. I’m trying to persuade the other two CMOs to keep a quarterly call going, at least informally.",
    ),
    (INTERVIEWER, "How is that going?"),
    (
        PARTICIPANT,
        "Slowly. St Brendan’s has had a change in CMO and the new person is still finding their feet. Riverside is keen. We’ll see.",
    ),
    (INTERVIEWER, "And the leadership changes here — I understand you’re on your third quality director?"),
    (
        PARTICIPANT,
        "Yes. Which is painful. Each time, the Learning Lab loses its institutional memory at the director level and Martin and I have to explain it again. The new director starts in January and I’ve already asked that it be in her first ninety days plan. The lesson I’d take is to write it into the quality plan and the committee structure, so it doesn’t depend on any one person — including me, frankly. I won’t be here forever.",
    ),
    (INTERVIEWER, "Is there anything you’d want the funder or the Collaborative to hear?"),
    (
        PARTICIPANT,
        "Two things. Fund the end, not just the beginning — the last six months, where you’re trying to make it permanent, are when you most need help and when the support falls away. And give us more guidance on spreading the learning. We did a good job learning inside one service line. We did a poor job spreading it to surgery, to the clinics, to the other hospitals in our system. Nobody told us how, and we didn’t have the bandwidth to figure it out.",
    ),
    (INTERVIEWER, "That’s very clear. Anything else?"),
    (
        PARTICIPANT,
        "Only that I’m glad we did it. It was harder and more expensive than I expected and it was worth it. Now, I’m afraid I have a budget call in four minutes.",
    ),
    (INTERVIEWER, "Of course. Thank you so much."),
]


def build(path: Path = OUT) -> Path:
    """Write the transcript to ``path`` and return it."""
    import docx  # python-docx, imported here so importing this module stays cheap

    document = docx.Document()
    document.core_properties.title = TITLE
    document.core_properties.author = "evalbench team (synthetic)"
    document.add_heading(TITLE, level=1)
    document.add_paragraph().add_run(NOTICE).italic = True
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for key, value in META:
        cells = table.add_row().cells
        cells[0].text = key
        cells[1].text = value
    document.add_paragraph()
    for speaker, text in TURNS:
        para = document.add_paragraph()
        para.add_run(f"{speaker}:").bold = True
        para.add_run(f" {text}")
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
