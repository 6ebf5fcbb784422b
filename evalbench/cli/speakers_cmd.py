"""`evalbench speakers`: who speaks in each transcript, in which role, and how that role was decided."""

from __future__ import annotations

from collections import Counter

import click

from evalbench.cli.common import DefaultGroup, coder_option, echo_json, json_option, open_project, project_argument
from evalbench.errors import UserError
from evalbench.ingest.roles import describe_role_source

NO_LABEL = "-"


def shown(label: str | None) -> str:
    return label if label else NO_LABEL


@click.group(cls=DefaultGroup)
def speakers() -> None:
    """Speakers of each transcript with their role, and setting a role by hand.

    `evalbench speakers PROJECT` is short for `evalbench speakers list PROJECT`.

    \b
    Example:
      evalbench speakers study.evb nfg_01_hospitalist.txt
      evalbench speakers set-role study.evb nfg_01_hospitalist.txt "Hannah Osei" interviewer
    """


@speakers.command("list")
@project_argument
@click.argument("document", required=False)
@json_option
def list_cmd(project: str, document: str | None, as_json: bool) -> None:
    """List speakers (of one DOCUMENT, or all) with role, where the role came from, and turns.

    Roles are `interviewer` or `participant`; the source says why: a role word
    in the label (`label`), a name recurring across interviews (`recurring`),
    the one who asks the questions (`detected`), `default`, or `user` when
    someone set it with `evalbench speakers set-role`.

    \b
    Example:
      evalbench speakers list study.evb
      evalbench speakers study.evb nfg_01_hospitalist.txt --json
    """
    with open_project(project) as proj:
        docs = [proj.document(document, with_text=False)] if document else proj.documents()
        names = {d.id: d.name for d in docs}
        found = [s for d in docs for s in proj.speakers(d.id)]
        turns = Counter((t.document_id, t.speaker) for d in docs for t in proj.turns(d.id))
    if as_json:
        echo_json(
            [
                {
                    "document": names[s.document_id],
                    "speaker": s.label,
                    "role": s.role,
                    "role_source": s.role_source,
                    "turns": turns[(s.document_id, s.label)],
                }
                for s in found
            ]
        )
        return
    width = max([len(n) for n in names.values()] + [8])
    who = max([len(shown(s.label)) for s in found] + [7])
    click.echo(f"{'document':<{width}}  {'speaker':<{who}}  {'role':<11}  {'turns':>5}  source")
    for s in found:
        click.echo(
            f"{names[s.document_id]:<{width}}  {shown(s.label):<{who}}  {s.role:<11}  "
            f"{turns[(s.document_id, s.label)]:>5}  {s.role_source} ({describe_role_source(s.role_source)})"
        )


@speakers.command("set-role")
@project_argument
@click.argument("document")
@click.argument("speaker")
@click.argument("role", type=click.Choice(["interviewer", "participant"]))
@coder_option
def set_role(project: str, document: str, speaker: str, role: str, coder: str | None) -> None:
    """Set the role of SPEAKER in DOCUMENT by hand (kept through later imports).

    Use it when detection got a speaker wrong: only participant turns are
    suggested on, counted in matrices and quoted. Give `-` as SPEAKER for
    text without a speaker label. Undo with `evalbench undo`.

    \b
    Example:
      evalbench speakers set-role study.evb nfg_01_hospitalist.txt "Hannah Osei" participant
      evalbench speakers set-role study.evb p07.txt Moderator interviewer --coder alex
    """
    with open_project(project, coder) as proj:
        doc = proj.document(document, with_text=False)
        found = proj.speakers(doc.id)
        match = [s for s in found if shown(s.label) == speaker]
        if not match:
            labels = ", ".join(repr(shown(s.label)) for s in found) or "none"
            raise UserError(f"{proj.path.name}: {doc.name} has no speaker {speaker!r} (speakers: {labels})")
        target = match[0]
        if target.role == role and target.role_source == "user":
            click.echo(f"{shown(target.label)} in {doc.name} is already {role} (set by hand)")
            return
        proj.set_speaker_role(target.id, role)
    click.echo(f"{shown(target.label)} in {doc.name}: {target.role} ({target.role_source}) -> {role} (user)")


COMMANDS = [speakers]
