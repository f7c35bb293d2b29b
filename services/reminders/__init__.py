"""Each meeting's reminder plan and the notices around it, written to the outbox.

The plan is derived, every time the dispatcher runs, from the meeting's start and the configured
offsets (largest first), so no schedule lives only in memory:

- the first offset (3 days): ANNOUNCE in the cell's groups and privately to every linked member who
  gets reminders, with the RSVP buttons; supervisors following the cell get it without buttons;
- other offsets of a day or more (1 day): NUDGE privately to members who have not answered, and a
  TALLY of the answers plus a reminder to publish the documents to the secretary;
- offsets under a day (2 hours): a SOON notice in the groups;
- at the start: OPEN, a button for the secretary that opens check-in;
- `summary_after_hours` after check-in closed with no summary: SUMMARY to the secretary, once.

A step is written once (ReminderStep is unique per meeting and step) in the same transaction as
its outbox rows. Keys are `m<meeting>:<step>.<start yyyymmddHHMM>:<platform>:<chat>`, so moving a
meeting re-arms the steps still ahead of it. After downtime, a step whose moment passed is still
written while the meeting is ahead (its rows expire at the start), and the later steps it covers
are skipped: a member gets one message, not three. Exempted members get reminders only if they
asked (Person.wants_reminders); a member who excused themselves gets nothing more.

Modules: `timeline` (the plan and the notice kinds), `audience` (who is reached, the tally),
`steps` (writing due steps), `hygiene` (stale and undelivered messages), `actions` (the
secretary's cancel, move and resend). The names below are the package's interface.
"""

from services.reminders.actions import cancel_meeting, move_meeting, resend
from services.reminders.audience import Member, current_members, members, names_list, unreachable
from services.reminders.hygiene import drop_stale, report_undelivered
from services.reminders.steps import due_meetings, record_announced, tell_no_day, write_due_steps
from services.reminders.timeline import Kind, Notice, Render, Rendered, Step, plan, summary_step

__all__ = [
    "Kind",
    "Member",
    "Notice",
    "Render",
    "Rendered",
    "Step",
    "cancel_meeting",
    "current_members",
    "drop_stale",
    "due_meetings",
    "members",
    "move_meeting",
    "names_list",
    "plan",
    "record_announced",
    "report_undelivered",
    "resend",
    "summary_step",
    "tell_no_day",
    "unreachable",
    "write_due_steps",
]
