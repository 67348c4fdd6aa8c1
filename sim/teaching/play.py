"""``isf-play actor=ID``: a person takes one actor's decisions; the others are simulated.

Each week the player sees where things stand, is asked only what the actor decides at that point
of the protocol (:mod:`sim.teaching.human`, on the hooks of :mod:`sim.model.policy`) — whom to
press and how hard; how far to concede under pressure, on each dimension of the issue space that
matters to the actor (composition, mandate, disarmament); whether to hold or lift a veto; whether
to go ahead with the force's design without a vetoed contributor; whether to table the draft and
with which mandate; how to vote; whether Hamas aims for a funder's disarmament threshold; whether
to commit troops or release money (only when the actor's conditions hold) — and then hears what
happened that week: votes and their result, vetoes, commitments, money, the ceasefire, and its
own conditions. An empty answer takes the agent's own choice; ``auto`` hands the rest of the game
to the agent. At the end a debrief compares the player's outcome with what the model produces
without a player: the same seed, and ``runs`` runs of the scenario.

    isf-play actor=USA                      # interactive
    isf-play actor=ISR scenario=us_presses_israel seed=4 runs=200
    isf-play actor=TUR answers=moves.txt    # one answer per line (or pipe them to stdin)
    isf-play actor=USA case=path/to/case     # another case (a name under conf/cases/ or a folder)
    isf-play --version

Any other ``key=value`` is a config override as for ``isf-sim`` (``actors.ISR.resolve=0.8``).
Parameters are point values (``uncertainty=fixed``). ``runs`` is 1 to 100000 (default 200), ``seed``
0 to 2**32-1. Bad input (an unknown key or actor, a bad number, an answers file that is missing,
a directory or not UTF-8 text, a closed or empty stdin) is one line ``isf-play: error: ...`` and
exit code 2, before the game starts (:mod:`sim.teaching.play_args`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from sim.model.narrative import GENERIC, describe
from sim.model.params import ConfigError
from sim.teaching import play_args
from sim.teaching.human import Human, relevant_dimensions
from sim.teaching.tool import UsageError, error, version_line

if TYPE_CHECKING:
    from sim.model.model import ISFModel

__all__ = ["Human", "debrief", "main", "news", "play", "status"]

PROG = "isf-play"


def status(model: ISFModel, aid: str) -> str:
    """The week's situation as the player's actor sees it (before the week is played)."""
    a = model.actors[aid]
    parts = [f"Week {model.week + 1}:"]
    if a.is_pressed:
        dims = relevant_dimensions(a, pressed_only=False)
        parts.append(
            "your positions "
            + ", ".join(f"{model.case.dimensions[d]} {a.settled[d]:.2f} (ideal {a.ideal[d]:.2f})" for d in dims)
            + ";"
        )
    if a.vetoes:
        parts.append("vetoes " + ", ".join(f"{t} {'standing' if s else 'lifted'}" for t, s in a.vetoes.items()) + ";")
    if a.p.contributor:
        parts.append(
            f"troops committed {a.committed:,}, deployed {a.deployed:,}" + (" (liaison)" if a.liaison else "") + ";"
        )
    if a.p.funder:
        parts.append(f"released ${a.released / 1e9:.1f} bn;")
    if a.p.armed_group:
        i = model.armed_groups.index(a)
        parts.append(f"{'decided' if model.progress.decided[i] else 'not decided'} to disarm;")
    agenda, situation = model.agenda, model.situation
    un = f"passed ({agenda.mandate})" if agenda.authorized else f"not passed ({agenda.failed_votes} failed vote(s))"
    parts.append(
        f"| design {'final' if agenda.design_final else 'open'}, UN resolution {un}, force deployed "
        f"{model.troops_deployed:,}, disarmament {model.progress.mean_disarmament:.0%}, deaths last week "
        f"{situation.deaths_week}" + (", CEASEFIRE COLLAPSED" if situation.collapsed else "")
    )
    return " ".join(parts)


# events every player hears of as they happen; the player's own actor's votes and conditions too
NEWS = (
    "collapse",
    "recovery",
    "offer_taken",
    "offer_dropped",
    "veto_yielded",
    "design_final",
    "mandate_changed",
    "council_tabled",
    "resolution_passed",
    "resolution_failed",
    "phase_two",
    "liaison",
    "commit",
    "withdraw",
    "deploy",
    "funding",
)
OWN = ("not_tabled", "condition", "pressure")
KEY_EVENTS = (  # the end-of-game recap
    "collapse",
    "recovery",
    "veto_yielded",
    "design_final",
    "mandate_changed",
    "resolution_passed",
    "phase_two",
    "liaison",
    "commit",
    "withdraw",
    "deploy",
    "funding",
)


def news(events: list[tuple], aid: str, case=None) -> list[str]:
    """This week's events that concern the player, as sentences: what everyone hears (votes'
    results with each member's vote, vetoes, commitments, money, the ceasefire) and what is
    about the player's own actor. ``case``: the case whose words tell them (params.case)."""
    case = GENERIC if case is None else case
    out, votes = [], []
    for _w, kind, actor, target, value, data in events:
        if kind == "vote":
            votes.append(describe(kind, actor, target, value, data, case))
        elif kind in NEWS or (kind in OWN and actor == aid):
            if kind == "pressure":
                continue  # the [concede] question showed it
            out.append(describe(kind, actor, target, value, data, case))
    if votes:  # after the tabling, before the result
        at = next((i for i, e in enumerate(out) if e.startswith("the Council passes") or e.startswith("the draft")), 0)
        out.insert(at, "the votes: " + "; ".join(votes))
    return out


def play(params, aid: str, seed: int, human: Human, out: TextIO) -> ISFModel:
    """Play the horizon week by week: the status before the player's questions, the news after."""
    from sim.model.model import ISFModel

    model = ISFModel(params, rng=seed, trace=True)
    model.use_policies({aid: human})
    human.legend(model.actors[aid])
    for _ in range(params.horizon_weeks):
        if not human.auto:
            print(status(model, aid), file=out)
        seen = len(model.trace.events)
        model.step()
        if not human.auto:
            for line in news(model.trace.events[seen:], aid, params.case):
                print(f"  > {line}", file=out)
    return model


def debrief(row: dict, same_seed: dict, runs, params=None, sampled=None, command: str = "") -> str:
    """The player's run against the model's (same seed) and the model's ``runs``, all at the
    parameters' point values; ``params`` names the armed groups whose disarmament is compared
    (None: the columns in ``row``). ``sampled``: the same seeds with the parameters drawn from
    their ranges (isf-sim's default), whose shares are told too, with the ``command`` that gives
    them: students compare the debrief with the README's figures, which are sampled."""
    n = len(runs)
    lines = [
        f"Debrief — you against the model's own {n} runs of this scenario (no player), every parameter",
        "at its point value (uncertainty=fixed), as in your game",
        "",
    ]

    def share(col: str) -> str:
        return f"{runs[col].mean():.0%} of runs"

    def week(v: float) -> str:
        return "never" if v != v else f"week {int(v)}"

    def yes_no(label: str, col: str) -> tuple[str, str, str, str]:
        return label, "yes" if row[col] else "no", "yes" if same_seed[col] else "no", share(col)

    items = [
        yes_no("ISF deployed", "deployed"),
        (
            "week of deployment",
            week(row["week_deployed"]),
            week(same_seed["week_deployed"]),
            f"median {week(runs['week_deployed'].median())}",
        ),
        yes_no("Council resolution", "un_authorized"),
        (
            "contributors",
            row["contributors"] or "none",
            same_seed["contributors"] or "none",
            f"{(runs['contributors'] == row['contributors']).mean():.0%} of runs end as you did",
        ),
        ("troops deployed", f"{row['troops']:,}", f"{same_seed['troops']:,}", f"mean {runs['troops'].mean():,.0f}"),
        (
            "funding released",
            f"${row['funding_usd'] / 1e9:.1f} bn",
            f"${same_seed['funding_usd'] / 1e9:.1f} bn",
            f"mean ${runs['funding_usd'].mean() / 1e9:.1f} bn",
        ),
        *(
            (
                f"{name} disarmament",
                f"{row[col]:.0%}",
                f"{same_seed[col]:.0%}",
                f"mean {runs[col].mean():.0%}",
            )
            for name, col in _disarmament_columns(row, params)
            if col in runs
        ),
        yes_no("ceasefire collapsed", "ceasefire_collapsed"),
        (
            "deaths",
            f"{row['deaths']:,}",
            f"{same_seed['deaths']:,}",
            f"median {runs['deaths'].median():,.0f}; {(runs['deaths'] < row['deaths']).mean():.0%} of runs had fewer",
        ),
    ]
    w = max(len(i[0]) for i in items)
    lines.append(f"  {'':<{w}}  {'you':>14}  {'model, same seed':>16}  model, {n} runs")
    for label, you, same, dist in items:
        lines.append(f"  {label:<{w}}  {you:>14}  {same:>16}  {dist}")
    lines += [
        "",
        f"  your configuration: {row['configuration']}",
        f"  the model's (same seed): {same_seed['configuration']}",
    ]
    if sampled is not None and len(sampled):
        deployed, authorized = sampled["deployed"].mean(), sampled["un_authorized"].mean()
        where = f" ({command})" if command else ""
        lines += [
            "",
            "  With the parameters drawn from their evidence ranges instead (uncertainty=sample, isf-sim's",
            f"  default and the README's figures), the same {len(sampled)} seeds give: ISF deployed in",
            f"  {deployed:.0%} of runs, a Council resolution in {authorized:.0%}{where}",
        ]
    return "\n".join(lines)


def _disarmament_columns(row: dict, params) -> list[tuple[str, str]]:
    """(armed group's name, its disarmament column) for each armed group."""
    cols = [c for c in row if c.startswith("disarmament.")]
    names = {aid: a.name for aid, a in params.actors.items()} if params is not None else {}
    return [(names.get(c.split(".", 1)[1], c.split(".", 1)[1]), c) for c in cols]


def parse_args(argv: list[str]) -> tuple[str, int, int, str | None, list[str]]:
    """(actor, seed, runs, answers file, config overrides) of a command line; UsageError if bad."""
    a = play_args.parse(argv)
    return a.actor, a.seed, a.runs, a.answers, a.overrides


def main(argv: list[str] | None = None, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = out or sys.stdout
    if any(a in ("-h", "--help") for a in argv):
        print(play_args.HELP, file=out)
        return 0
    if "--version" in argv:
        print(version_line(PROG), file=out)
        return 0
    try:
        args = play_args.parse(argv)
        aid, seed, runs, answers, overrides = args.actor, args.seed, args.runs, args.answers, args.overrides
        from sim.config import compose
        from sim.config.compose import case_dir
        from sim.sweep.job import make_job
        from sim.teaching.human import dimension_ends

        conf_dir = case_dir(args.case or None)
        job, _settings, _design = make_job(compose(overrides, conf_dir), overrides)  # as isf-sim builds it
        params = job.params
        aid = play_args.actor_of(aid, list(params.actors))
        ends = dimension_ends(conf_dir)
        if answers:
            given = iter(play_args.answers_from_file(answers))
            human = Human(lambda: next(given, None), out, echo=True, ends=ends)
        else:
            read, echo = play_args.stdin_reader(stdin if stdin is not None else sys.stdin)
            human = Human(read, out, echo=echo, ends=ends)
    except (UsageError, ConfigError) as exc:
        return error(PROG, exc)
    try:
        return _game(job, aid, seed, runs, human, out, _sampled_command(args, seed, runs))
    except UsageError as exc:  # piped answers that cannot be read, found mid-game
        return error(PROG, exc)
    except KeyboardInterrupt:
        print(f"\n{PROG}: stopped", file=sys.stderr)
        return 130


def _sampled_command(args: play_args.PlayArgs, seed: int, runs: int) -> str:
    """The isf-sim command whose table gives the debrief's sampled shares."""
    words = [f"case={args.case}"] if args.case else []
    words += [o for o in args.overrides if not o.startswith("seed=")] + [f"runs={runs}", f"seed={seed}"]
    return "isf-sim " + " ".join(words)


def _game(job, aid: str, seed: int, runs: int, human: Human, out: TextIO, command: str = "") -> int:
    """Play, then tell the key events and the debrief (``job``: the scenario as isf-sim builds it)."""
    from dataclasses import replace

    from sim.model.model import ISFModel
    from sim.model.outcomes import outcome
    from sim.model.run import Job, simulate

    params = job.params
    a = params.actors[aid]
    print(
        f"You play {a.name} ({aid}) in scenario '{params.scenario}', seed {seed}, "
        f"{params.horizon_weeks} weeks. Enter = the agent's own choice; 'auto' = let it play on.",
        file=out,
    )
    model = play(params, aid, seed, human, out)
    row = outcome(model, seed)
    same = outcome(ISFModel(params, rng=seed).run(), seed)
    print(f"\nThe {params.horizon_weeks} weeks are over. Key events:", file=out)
    for w, kind, actor, target, value, data in model.trace.events:
        if kind in KEY_EVENTS:
            print(f"  week {w:>2}: {describe(kind, actor, target, value, data, params.case)}", file=out)
    print("", file=out)
    results = simulate(Job(params=params, seed=seed, runs=runs, uncertainty="fixed"), workers=1)
    sampled = simulate(replace(job, seed=seed, runs=runs, uncertainty="sample", trace=False, weekly=False))
    print(debrief(row, same, results.runs, params, sampled.runs, command), file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
