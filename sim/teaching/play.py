"""``isf-play actor=ID``: a person takes one actor's decisions; the others are simulated.

Each week the player is asked only what the actor decides at that point of the protocol (see
:mod:`sim.model.policy`): whom to press and how hard, how far to concede under pressure, whether to
hold or lift a veto, whether to go ahead with the force's design, which mandate to put to the
Council, how to vote, whether to commit troops (only when the actor's conditions hold), whether
to release money (same). An empty answer takes the agent's own choice; ``auto`` hands the rest
of the game to the agent. At the end a debrief compares the player's outcome with what the
model produces without a player: the same seed, and ``runs`` runs of the scenario.

    isf-play actor=USA                      # interactive
    isf-play actor=ISR scenario=us_presses_israel seed=4 runs=200
    isf-play actor=TUR answers=moves.txt    # one answer per line (or pipe them to stdin)

Any other ``key=value`` is a config override as for ``isf-sim`` (``actors.ISR.resolve=0.8``).
Parameters are point values (``uncertainty=fixed``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from sim.config import load
from sim.model.mechanisms import council
from sim.model.model import ISFModel
from sim.model.outcomes import outcome
from sim.model.params import ACTOR_IDS, ConfigError
from sim.model.policy import Policy
from sim.model.run import Job, simulate

PROG = "isf-play"


class Human(Policy):
    """A policy that asks a person (answers come from ``read``, prompts go to ``out``)."""

    def __init__(self, read: Callable[[], str | None], out: TextIO, echo: bool = False) -> None:
        self.read, self.out, self.echo = read, out, echo
        self.auto = False
        self.chosen: dict[str, float] | None = None  # efforts last chosen: Enter keeps them

    # -- asking
    def ask(self, prompt: str, parse: Callable[[str], object], default: object) -> object:
        if self.auto:
            return default
        for _ in range(3):
            print(f"  {prompt} ", end="", file=self.out, flush=True)
            line = self.read()
            if line is None:  # no more answers: the agent plays on
                print("(no more answers: the agent's rule plays on)", file=self.out)
                self.auto = True
                return default
            line = line.strip()
            if self.echo:
                print(line, file=self.out)
            if line == "":
                return default
            if line.lower() == "auto":
                self.auto = True
                return default
            try:
                return parse(line)
            except ValueError as exc:
                print(f"  ? {exc}", file=self.out)
        return default

    @staticmethod
    def _yes(line: str) -> bool:
        v = line.lower()
        if v in ("y", "yes", "lift", "go", "commit", "fund", "release", "1", "true"):
            return True
        if v in ("n", "no", "hold", "wait", "keep", "0", "false"):
            return False
        raise ValueError("answer y or n")

    # -- hooks (see sim.model.policy)
    def efforts(self, model, actor, efforts):
        targets = sorted(t for t, lev in actor.p.leverage.items() if lev > 0 and model.actors[t].is_pressed)
        if not targets:
            return efforts
        efforts = self.chosen or efforts
        now = " ".join(f"{t}={efforts.get(t, 0.0):.2f}" for t in targets)

        def parse(line: str) -> dict[str, float]:
            out = dict(efforts)
            for item in line.replace(",", " ").split():
                t, _, v = item.partition("=")
                if t.upper() not in targets:
                    raise ValueError(f"press whom? one of {', '.join(targets)} (e.g. {targets[0]}=0.8)")
                x = float(v)
                if not 0 <= x <= 1:
                    raise ValueError("effort is between 0 and 1")
                out[t.upper()] = x
            return out

        self.chosen = self.ask(f"[press] effort 0..1 on {', '.join(targets)} (Enter keeps {now}):", parse, efforts)
        return self.chosen

    def position(self, model, actor, before, proposed):
        if actor.pressure_in <= 0:  # nobody presses it: nothing to concede
            return proposed

        def parse(line: str) -> float:
            if line.lower() == "hold":
                return before
            x = float(line)
            if not 0 <= x <= 1:
                raise ValueError("a position is between 0 and 1")
            return x

        return self.ask(
            f"[concede] pressure {actor.pressure_in:.2f} moves you {before:.2f} -> {proposed:.2f}; "
            f"Enter accepts, 'hold', or a position 0..1:",
            parse,
            proposed,
        )

    def lift_veto(self, model, actor, target, rule):
        if model.actors[target].offer <= 0 and not rule:
            return rule
        return self.ask(
            f"[veto] your veto on {target} troops: lift it now? y/n (Enter: {'lift' if rule else 'hold'}):",
            self._yes,
            rule,
        )

    def design_final(self, model, actor, disputed, rule):
        return self.ask(
            f"[design] go ahead with the force without {'+'.join(disputed)}? y/n (Enter: {'go' if rule else 'wait'}):",
            self._yes,
            rule,
        )

    def mandate(self, model, actor, rule):
        def parse(line: str) -> str:
            for m in ("enforcement", "borders"):
                if m.startswith(line.lower()):
                    return m
            raise ValueError("enforcement or borders")

        return self.ask(
            f"[draft] mandate of the draft put to the Council: enforcement/borders (Enter: {rule}):", parse, rule
        )

    def votes(self, model, actor, rule):
        def parse(line: str) -> list[int]:
            for v, w in council.VOTE.items():
                if w.startswith(line.lower()):
                    return [v] * len(rule)
            raise ValueError("yes, abstain or no")

        return self.ask(
            f"[vote] on the {model.mandate} draft: yes/abstain/no (Enter: {', '.join(council.VOTE[v] for v in rule)}):",
            parse,
            rule,
        )

    def commit(self, model, actor, allowed, chance):
        return self.ask(
            f"[commit] your conditions hold: commit {actor.offer:,} troops now? y/n "
            f"(Enter: the agent's weekly {chance:.0%} chance):",
            self._yes,
            None,
        )

    def fund(self, model, actor, rule):
        return self.ask(
            f"[fund] your conditions hold: release ${actor.p.funder.pledge_usd / 1e9:.1f} bn now? y/n (Enter: yes):",
            self._yes,
            rule,
        )


def status(model: ISFModel, aid: str) -> str:
    a = model.actors[aid]
    parts = [f"Week {model.week + 1}:"]
    if a.is_pressed:
        parts.append(f"your position {a.position:.2f} (ideal {a.ideal:.2f})")
    if a.vetoes:
        parts.append("vetoes " + ", ".join(f"{t} {'standing' if s else 'lifted'}" for t, s in a.vetoes.items()))
    if a.p.contributor:
        parts.append(f"troops committed {a.committed:,}, deployed {a.deployed:,}" + (" (liaison)" if a.liaison else ""))
    if a.p.funder:
        parts.append(f"released ${a.released / 1e9:.1f} bn")
    parts.append(
        f"| force deployed {model.troops_deployed:,}, UN {'yes' if model.authorized else 'no'}, "
        f"disarmament {model.disarmament:.0%}, deaths last week {model.deaths_week}"
        + (", CEASEFIRE COLLAPSED" if model.collapsed else "")
    )
    return " ".join(parts)


def play(params, aid: str, seed: int, human: Human, out: TextIO) -> ISFModel:
    model = ISFModel(params, rng=seed, trace=True)
    model.policies = {aid: human}
    for _ in range(params.horizon_weeks):
        if not human.auto:
            print(status(model, aid), file=out)
        model.step()
    return model


def debrief(row: dict, same_seed: dict, runs) -> str:
    n = len(runs)
    lines = [f"Debrief — you against the model's own {n} runs of this scenario (no player)", ""]

    def share(col: str) -> str:
        return f"{runs[col].mean():.0%} of runs"

    def week(v: float) -> str:
        return "never" if v != v else f"week {int(v)}"

    items = [
        (
            "ISF deployed",
            "yes" if row["deployed"] else "no",
            "yes" if same_seed["deployed"] else "no",
            share("deployed"),
        ),
        (
            "week of deployment",
            week(row["week_deployed"]),
            week(same_seed["week_deployed"]),
            f"median {week(runs['week_deployed'].median())}",
        ),
        (
            "Council resolution",
            "yes" if row["un_authorized"] else "no",
            "yes" if same_seed["un_authorized"] else "no",
            share("un_authorized"),
        ),
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
        (
            "Hamas disarmament",
            f"{row['disarmament']:.0%}",
            f"{same_seed['disarmament']:.0%}",
            f"mean {runs['disarmament'].mean():.0%}",
        ),
        (
            "ceasefire collapsed",
            "yes" if row["ceasefire_collapsed"] else "no",
            "yes" if same_seed["ceasefire_collapsed"] else "no",
            share("ceasefire_collapsed"),
        ),
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
    return "\n".join(lines)


def parse_args(argv: list[str]) -> tuple[str, int, int, str | None, list[str]]:
    aid, seed, runs, answers, overrides = None, 0, 200, None, []
    for a in argv:
        if "=" not in a:
            raise ConfigError(
                f"'{a}' is not key=value; usage: {PROG} actor=ID [scenario=NAME] [seed=S] "
                f"[runs=N] [answers=FILE] [key=value ...]"
            )
        k, v = a.split("=", 1)
        if k == "actor":
            aid = v.upper() if v.upper() in ACTOR_IDS else v
        elif k == "answers":
            answers = v
        elif k == "runs":
            runs = int(v)
        else:
            if k == "seed":
                seed = int(v)
            overrides.append(a)
    if aid not in ACTOR_IDS:
        raise ConfigError(f"actor={aid}: allowed: {', '.join(ACTOR_IDS)}")
    if runs < 1:
        raise ConfigError("runs must be at least 1")
    return aid, seed, runs, answers, overrides


def _reader(lines: Iterator[str]) -> Callable[[], str | None]:
    def read() -> str | None:
        return next(lines, None)

    return read


def main(argv: list[str] | None = None, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    stdin, out = stdin or sys.stdin, out or sys.stdout
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__, file=out)
        return 0
    try:
        aid, seed, runs, answers, overrides = parse_args(argv)
        params, _settings, _meta = load(overrides)
    except (ConfigError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    if answers:
        with open(answers, encoding="utf-8") as f:
            source = iter([ln.rstrip("\n") for ln in f if not ln.lstrip().startswith("#")])
        human = Human(_reader(source), out, echo=True)
    else:
        human = Human(_reader(iter(stdin.readline, "")), out, echo=not stdin.isatty())
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
    for w, kind, _actor, _target, _v, text in model.events:
        if kind in (
            "veto_yielded",
            "design_final",
            "resolution_passed",
            "mandate_softened",
            "mandate_changed",
            "commit",
            "deploy",
            "funding",
            "collapse",
            "liaison",
            "phase_two",
        ):
            print(f"  week {w:>2}: {text}", file=out)
    print("", file=out)
    results = simulate(Job(params=params, seed=seed, runs=runs, uncertainty="fixed"), workers=1)
    print(debrief(row, same, results.runs), file=out)
    return 0
