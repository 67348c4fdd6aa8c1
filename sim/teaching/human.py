"""The human policy of ``isf-play``: a person takes one actor's decisions (see :mod:`sim.model.policy`).

Each hook asks only when the actor decides something at that point of the week, shows what the
agent's own rule would do, and takes an empty answer as that choice. A question whose answer
would not change (going ahead without a vetoed contributor, aiming for a funder's money) is asked
when it arises and again only when something changed, not every week.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from sim.model.mechanisms import council
from sim.model.policy import Policy
from sim.model.roles import effective_resolve

NO_DRAFT = ("none", "hold", "wait", "no", "n")


def dimension_ends(conf_dir: Path | str | None) -> dict[str, str]:
    """What each end of each dimension means, for the prompts: ``0 low ... 1 high``, as the
    case file (``case.yaml`` in the case folder ``conf_dir``) says; {} if it cannot be read."""
    from sim.config import files

    try:
        node = files.read_yaml(Path(conf_dir) / "case.yaml")[1]
    except Exception:  # noqa: BLE001 - the prompts then name the dimensions only
        return {}
    dims = ((node or {}).get("case") or {}).get("dimensions") or {}
    return {d: f"0 {e.get('low', '')} ... 1 {e.get('high', '')}" for d, e in dims.items() if isinstance(e, dict)}


def _shipped_ends(case_name: str) -> dict[str, str]:
    from sim.config.compose import CASES_DIR

    return dimension_ends(CASES_DIR / case_name) if (CASES_DIR / case_name / "case.yaml").is_file() else {}


def relevant_dimensions(actor, pressed_only: bool = True) -> list[int]:
    """The dimensions that matter to the actor (salience > 0), its main one first; with
    ``pressed_only``, only those it is pressed on this week."""
    sal = actor.p.salience
    dims = [d for d in range(len(sal)) if sal[d] > 0 and (not pressed_only or actor.pressure_in[d] > 0)]
    return sorted(dims, key=lambda d: (d != actor.main_dimension, -sal[d], d))


class Human(Policy):
    """A policy that asks a person (answers come from ``read``, prompts go to ``out``)."""

    def __init__(
        self, read: Callable[[], str | None], out: TextIO, echo: bool = False, ends: dict[str, str] | None = None
    ) -> None:
        self.read, self.out, self.echo = read, out, echo
        self.ends = ends  # dimension -> what its ends mean (None: the shipped case's of that name)
        self.auto = False
        self.chosen: dict[str, float] | None = None  # efforts last chosen: Enter keeps them
        self.decided: dict[tuple, tuple[object, bool]] = {}  # question -> (what it depended on, answer)

    # -- asking
    def say(self, text: str) -> None:
        if not self.auto:
            print(text, file=self.out)

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

    def ask_once(self, question: tuple, depends: object, prompt: str, rule: bool, until: str) -> bool:
        """A yes/no question asked when it arises, then again only when ``depends`` changes (the
        answer stands meanwhile; ``until`` says when that is)."""
        if question in self.decided and self.decided[question][0] == depends:
            return self.decided[question][1]
        answer = bool(self.ask(f"{prompt} (your answer stands until {until}):", self._yes, rule))
        self.decided[question] = (depends, answer)
        return answer

    @staticmethod
    def _yes(line: str) -> bool:
        v = line.lower()
        if v in ("y", "yes", "lift", "go", "commit", "fund", "release", "take", "1", "true"):
            return True
        if v in ("n", "no", "hold", "wait", "keep", "0", "false"):
            return False
        raise ValueError("answer y or n")

    # -- hooks (see sim.model.policy), in the order of the weekly protocol
    def take_offer(self, model, actor, funder, rule):
        f = model.actors[funder].p.funder
        g, scale = actor.p.armed_group, model.params.mechanisms.money.scale_usd
        pull = g.money_value * f.pledge_usd / scale
        d = actor.compliance_dim
        resolve = effective_resolve(model, actor) * actor.p.salience[d]
        prompt = (
            f"[money] {funder} pays ${f.pledge_usd / 1e9:.1f} bn for reconstruction once you have decided to disarm "
            f"and reached disarmament {f.disarmament_threshold:.2f} (your willingness is {actor.settled[d]:.2f}; "
            f"the offer pulls you with {pull:.2f} against your resolve {resolve:.2f}). Heed it? y/n "
            f"(Enter: {'yes' if rule else 'no'})"
        )
        return self.ask_once(("take_offer", funder), rule, prompt, rule, "the offer is paid or withdrawn")

    def disarm(self, model, actor, rule):
        d = actor.compliance_dim
        prompt = (
            f"[disarm] your willingness to disarm ({actor.settled[d]:.2f}) has reached "
            f"{actor.p.armed_group.decide_at:.2f}: decide to disarm now? Weapons are handed over from then on, and "
            f"the decision is not taken back. y/n (Enter: {'yes' if rule else 'no'})"
        )
        return self.ask_once(("disarm",), rule, prompt, rule, "your willingness changes")

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
        """Ask about the dimensions that matter to the actor and that it is pressed on: a number
        sets the main one (listed first), ``dim=x`` any of them, ``hold`` keeps them all."""
        dims = relevant_dimensions(actor)
        if not dims:  # nobody presses it where it cares: nothing to concede
            return proposed
        every = model.case.dimensions
        names = [every[d] for d in dims]
        moves = ", ".join(f"{every[d]} {before[d]:.2f} -> {proposed[d]:.2f}" for d in dims)

        def parse(line: str) -> list[float]:
            if line.lower() == "hold":
                return [before[d] if d in dims else proposed[d] for d in range(len(every))]
            out = list(proposed)
            for item in line.replace(",", " ").split():
                name, _, value = item.rpartition("=") if "=" in item else (names[0], "=", item)
                if name.lower() not in names:
                    raise ValueError(f"which dimension? one of {', '.join(names)} (e.g. {names[0]}=0.3)")
                try:
                    x = float(value)
                except ValueError:
                    raise ValueError(f"Enter, hold, a number 0..1 or {names[0]}=x") from None
                if not 0 <= x <= 1:
                    raise ValueError("a position is between 0 and 1")
                out[every.index(name.lower())] = x
            return out

        pressure = ", ".join(f"{every[d]} {actor.pressure_in[d]:.2f}" for d in dims)
        return self.ask(
            f"[concede] pressure ({pressure}) moves you: {moves}. Enter accepts, 'hold' keeps all, "
            f"a number sets {names[0]}, or dimension=x:",
            parse,
            proposed,
        )

    def legend(self, actor) -> None:
        """Say once what the actor's positions mean."""
        dims = relevant_dimensions(actor, pressed_only=False)
        if actor.is_pressed and dims:
            every = actor.model.case.dimensions
            ends = self.ends if self.ends is not None else _shipped_ends(actor.model.case.name)
            self.say(
                "Your positions, on the dimensions that matter to you (most important first): "
                + "; ".join(every[d] + (f" ({ends[every[d]]})" if every[d] in ends else "") for d in dims)
                + "."
            )

    def lift_veto(self, model, actor, target, rule):
        if model.actors[target].offer <= 0 and not rule:
            return rule
        return self.ask(
            f"[veto] your veto on {target} troops (your settled {model.case.dimensions[actor.veto_dim]} position "
            f"{actor.settled[actor.veto_dim]:.2f}; the rule lifts it at "
            f"{model.params.mechanisms.vetoes.yield_at:.2f}): "
            f"lift it now? y/n (Enter: {'lift' if rule else 'hold'}):",
            self._yes,
            rule,
        )

    def design_final(self, model, actor, disputed, rule):
        prompt = (
            f"[design] declare the force's design final without {'+'.join(disputed)} (they are vetoed)? y/n "
            f"(Enter: {'go' if rule else 'wait for the veto to yield'})"
        )
        until = "the agent's advice or the vetoed contributors change"
        return self.ask_once(("design_final",), (tuple(disputed), rule), prompt, rule, until)

    def mandate(self, model, actor, rule):
        drafts = model.case.draft_names
        chances = ", ".join(
            f"{m} {council.chance_of_passage(model, m):.0%}"
            + (
                f" (forecast veto: {'+'.join(council.forecast_vetoes(model, m))})"
                if council.forecast_vetoes(model, m)
                else ""
            )
            for m in drafts
        )
        default = rule or "none"
        options = ", ".join(sorted(drafts, reverse=True))  # Gaza: enforcement, borders

        def parse(line: str) -> str | None:
            v = line.lower()
            if v in NO_DRAFT:
                return None
            for m in drafts:
                if m.startswith(v):
                    return m
            raise ValueError(f"{options} or none (do not table it this week)")

        return self.ask(
            f"[draft] table the draft this week? {options} or none (your forecast of passage: "
            f"{chances}; Enter: {default}):",
            parse,
            rule,
        )

    def votes(self, model, actor, rule):
        def parse(line: str) -> list[int]:
            for v, w in council.VOTE.items():
                if w.startswith(line.lower()):
                    return [v] * len(rule)
            raise ValueError("yes, abstain or no")

        return self.ask(
            f"[vote] {model.case.words.get('sponsor', 'the sponsor')} tables a draft with a "
            f"{model.agenda.mandate} mandate: yes/abstain/no "
            f"(Enter: {', '.join(council.VOTE[v] for v in rule)}):",
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
