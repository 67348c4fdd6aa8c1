"""Parameters: provenance for every number, and validation that names what is wrong."""

from __future__ import annotations

import re

import pytest
import yaml

from helpers import ROOT, raw_config
from sim.config import actor_ids, build, parameter_meta, scenarios
from sim.config.compose import CONF_DIR
from sim.model.params import ConfigError

EVIDENCE = ROOT.parent / "shared" / "evidence.md"
KNOWN_IDS = {f"E{i:02d}" for i in range(1, 51)}
if EVIDENCE.exists():
    KNOWN_IDS = set(re.findall(r"^- (E\d\d) ", EVIDENCE.read_text(), flags=re.M)) or KNOWN_IDS


DESIGN_ACTORS = "USA ISR TUR QAT EGY SAU ARE JOR IDN AZE PAK HAMAS UNSC RUS CHN GBR FRA".split()


def test_every_design_actor_has_one_file_with_its_id():
    files = {p.stem for p in (CONF_DIR / "actors").glob("*.yaml")}
    assert files == set(actor_ids()) == set(DESIGN_ACTORS)
    for aid in actor_ids():
        first = (CONF_DIR / "actors" / f"{aid}.yaml").read_text().splitlines()[0]
        assert first == f"# @package actors.{aid}"


def test_every_parameter_has_range_and_provenance(base_raw):
    meta = parameter_meta(base_raw)
    assert len(meta) > 100
    for path, m in meta.items():
        assert "range" in m, path
        low, high = m["range"]
        assert low <= m["value"] <= high, f"{path} = {m['value']} outside its range {m['range']}"
        assert m.get("sources") or m.get("assumption"), f"{path} cites no evidence and is no assumption"
        for e in m.get("sources") or []:
            assert e in KNOWN_IDS, f"{path} cites unknown evidence id {e}"


def test_a_parameter_without_provenance_is_rejected(base_raw):
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    del raw["actors"]["ISR"]["meta"]["resolve"]
    with pytest.raises(ConfigError, match=r"actors\.ISR\.resolve has no provenance"):
        build(raw)
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["TUR"]["meta"]["contributor"]["offer"].pop("sources")
    with pytest.raises(ConfigError, match=r"actors\.TUR\.contributor\.offer cites no evidence"):
        build(raw)


def test_scenarios_change_only_their_declared_levers(base_raw):
    base = parameter_meta(base_raw)
    for name in scenarios():
        raw = raw_config(f"scenario={name}")
        levers = raw["scenario"]["levers"]
        for lv in levers:
            assert lv.get("sources") or lv.get("assumption"), f"{name}: lever {lv['key']} unexplained"
            for e in lv.get("sources") or []:
                assert e in KNOWN_IDS
        changed = {p for p, m in parameter_meta(raw).items() if m["value"] != base[p]["value"]}
        assert changed == {lv["key"] for lv in levers}, name


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("sed", 1, r"unknown key 'sed' \(did you mean 'seed'\?\); allowed here: scenario, seed"),
        ("runs", "abc", r"runs = 'abc' is not a number; allowed: an integer"),
        ("runs", 0, r"runs = 0 is out of range"),
        ("horizon_weeks", 2.5, r"horizon_weeks = 2.5 is not an integer"),
        ("uncertainty", "maybe", r"uncertainty = 'maybe'; allowed: fixed, sample"),
        ("trace", "yes", r"trace = 'yes' is not a boolean"),
        ("report", {"colour": "red"}, r"unknown key 'report\.colour'; allowed here: outcome"),
        ("report", {"outcome": 3}, r"report\.outcome = 3; allowed: an outcome name"),
    ],
)
def test_run_settings_are_validated(base_raw, key, value, message):
    raw = {**base_raw, key: value}
    with pytest.raises(ConfigError, match=message):
        build(raw)


def test_actor_values_are_validated(base_raw):
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["ISR"]["resolve"] = -1
    with pytest.raises(ConfigError, match=r"actors\.ISR\.resolve = -1 is out of range; allowed: a number in \[0, 10\]"):
        build(raw)
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["ISR"]["veto"]["targets"] = ["XYZ"]
    with pytest.raises(ConfigError, match=r"unknown actor id 'XYZ'"):
        build(raw)
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["xyz"] = raw["actors"]["JOR"]
    with pytest.raises(ConfigError, match=r"actors\.xyz: not an actor id; allowed: capital letters"):
        build(raw)
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["XYZ"] = raw["actors"]["JOR"]  # actors are data: a new id needs no code
    assert "XYZ" in build(raw)[0].actors
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["USA"]["pressure"]["JOR"] = 0.5
    with pytest.raises(ConfigError, match=r"actors\.USA\.pressure\.JOR has no provenance"):
        build(raw)
    with pytest.raises(ConfigError, match=r"JOR has no resolve, so nothing moves it"):
        build(raw, frozenset({"actors.USA.pressure.JOR"}))


def test_every_actor_has_a_position_and_salience_on_every_dimension(base_raw):
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    del raw["actors"]["ISR"]["position"]["mandate"]
    with pytest.raises(ConfigError, match=r"actors\.ISR\.position\.mandate is missing"):
        build(raw)
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["HAMAS"]["salience"]["disarmament"] = 1.5
    with pytest.raises(ConfigError, match=r"actors\.HAMAS\.salience\.disarmament = 1\.5 is out of range"):
        build(raw)
    raw = yaml.safe_load(yaml.safe_dump(base_raw))
    raw["actors"]["USA"]["position"]["legitimacy"] = 0.5
    with pytest.raises(
        ConfigError, match=r"unknown key 'actors\.USA\.position\.legitimacy'; allowed here: composition"
    ):
        build(raw)


def test_sampling_stays_in_ranges_and_respects_fixed(base_params, base_meta):
    import random

    from sim.model.paths import sample

    for s in range(20):
        _, drawn = sample(base_params, base_meta, random.Random(s), frozenset({"actors.ISR.resolve"}))
        assert "actors.ISR.resolve" not in drawn
        for path, v in drawn.items():
            low, high = base_meta[path]["range"]
            assert low <= v <= high, path


@pytest.mark.parametrize("case", ["gaza", "haiti"])
def test_a_sampled_run_gets_what_setting_its_draws_by_path_gives(case):
    """sample() sets its draws through a setter compiled once per job (sim.model.paths.Setter):
    field for field, the parameters are those with_values() builds from the same draws by path,
    the untouched parts shared, every value where the path says (a drawn value is read back)."""
    import random

    from sim.config.compose import case_dir, compose
    from sim.model.paths import get_value, sample, with_values

    raw = compose([], case_dir(case))
    params, meta = build(raw)[0], parameter_meta(raw)
    fixed = frozenset(sorted(meta)[::5])
    for s in range(15):
        new, drawn = sample(params, meta, random.Random(s), fixed)
        assert drawn and not fixed & set(drawn)
        assert new == with_values(params, drawn)
        assert new.case is params.case
        for path, v in drawn.items():
            assert get_value(new, path) == v, path
        assert new.actors.keys() == params.actors.keys()


def test_drawn_values_become_param_columns_in_draw_order():
    """A chunk's draws -> param.* columns: transposed when every run drew the same paths (a job),
    key by key with NaN where a run drew nothing otherwise; integers become floats."""
    import math

    from sim.model.run import drawn_columns

    assert drawn_columns([{"a.x": 1, "a.y": 0.5}, {"a.x": 2, "a.y": 0.25}]) == {
        "param.a.x": [1.0, 2.0],
        "param.a.y": [0.5, 0.25],
    }
    assert list(drawn_columns([{"b": 1.0, "a": 2.0}])) == ["param.b", "param.a"]
    mixed = drawn_columns([{"a": 1.0}, {"b": 2.0}])
    assert mixed["param.a"][0] == 1.0 and math.isnan(mixed["param.a"][1]) and mixed["param.b"][1] == 2.0
    assert drawn_columns([{}, {}]) == {} and drawn_columns([]) == {}


def test_runs_share_the_binding_of_their_roles_not_of_their_numbers():
    """The dimensions roles name are resolved once per shape of the parameters
    (sim.model.roles.bind): a run with other numbers reuses it, but reads its own drawn
    gate_tolerance; a run whose veto names another dimension gets its own binding."""
    from sim.config.compose import case_dir, compose
    from sim.model.model import ISFModel
    from sim.model.paths import with_values

    params = build(compose([], case_dir("gaza")))[0]
    base = ISFModel(params, rng=0)
    other = ISFModel(with_values(params, {"actors.ISR.territory.gate_tolerance": 3, "actors.ISR.resolve": 1.2}), rng=0)
    assert other.drafts is base.drafts and other.force_dims is base.force_dims  # the same binding
    assert (base.gate_tolerance, other.gate_tolerance) == (0, 3)
    moved = ISFModel(with_values(params, {"actors.ISR.veto.dimension": "mandate"}), rng=0)
    israel = moved.actors["ISR"]
    assert israel.veto_dim == params.case.dimensions.index("mandate") != base.actors["ISR"].veto_dim
    assert moved.veto_dims == [israel.veto_dim] and moved.drafts is not base.drafts
