"""The config rejects nonsense when it is loaded, and its help texts are the ones --help and
docs/CONFIG.md show."""

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from hsx import config as cfg
from hsx.config import ConfigError, HsxConfig, derive_seed, load_config

ROOT = Path(__file__).resolve().parents[1]


def load(tmp_path, text: str) -> HsxConfig:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_config(path)


def test_defaults_and_shipped_configs_load():
    assert load_config(None).training.mode == "retrain"
    shipped = sorted((ROOT / "configs").glob("*.toml"))
    assert shipped
    for path in shipped:
        load_config(path)


@pytest.mark.parametrize("toml, words", [
    # the example: a typo must not silently run the "continue" path
    ('[training]\nmode = "retrian"', ['training.mode', '"retrian"', '"retrain", "continue"']),
    ("[training]\nmax_steps = 0", ["training.max_steps", "-1 or at least 1", "got 0"]),
    ("[training]\nlearning_rate = 0", ["training.learning_rate", "above 0"]),
    ("[training]\nepochs = 0", ["training.epochs", "at least 1"]),
    ('[sampling]\nbackend = "tgi"', ["sampling.backend", '"tgi"', '"transformers" or "vllm"']),
    ("[sampling]\ntop_p = 1.5", ["sampling.top_p", "(0, 1]", "1.5"]),
    ("[sampling]\ntop_p = 0.0", ["sampling.top_p", "(0, 1]"]),
    ("[sampling]\ntemperature = -0.1", ["sampling.temperature", "at least 0"]),
    ("[sampling]\nmax_new_tokens = 0", ["sampling.max_new_tokens", "at least 1"]),
    ("[selfplay]\np_seq = 1.2", ["selfplay.p_seq", "[0, 1]", "1.2"]),
    ("[selfplay]\nexplore = -0.5", ["selfplay.explore", "[0, 1]"]),
    ("[selfplay]\neasy_share = -1.0", ["selfplay.easy_share", "at least 0"]),
    ("[selfplay]\ntau = 11.0", ["selfplay.tau", "[0, 10]"]),
    ("[selfplay]\npromote_min_difficulty = -1.0", ["selfplay.promote_min_difficulty", "at least 0"]),
    ("[selfplay]\ntarget_low = 9.0\ntarget_high = 2.0", ["selfplay.target_low", "selfplay.target_high"]),
    ("[selfplay]\ntarget_high = 12.0", ["selfplay.target_high", "[0, 10]"]),
    ('[selfplay]\nbob_prompt = "long"', ["selfplay.bob_prompt", '"reason", "short"']),
    ("[selfplay]\nbob_samples = 0", ["selfplay.bob_samples", "at least 1"]),
    ("[selfplay]\nheldout_programs = -1", ["selfplay.heldout_programs", "at least 0"]),
    ('[selfplay]\npool = ""', ["selfplay.pool", "non-empty"]),
    ("[lora]\ndropout = 1.5", ["lora.dropout", "[0, 1]"]),
    ("[lora]\nr = 0", ["lora.r", "at least 1"]),
    ("[lora]\ntarget_modules = []", ["lora.target_modules", "non-empty list"]),
    ('[model]\ndtype = "fp8"', ["model.dtype", '"fp8"', '"bfloat16", "float16", "float32"']),
    ("[model]\nmax_seq_len = 0", ["model.max_seq_len", "at least 1"]),
    ('[sampling]\nbackend = "vllm"\n[model]\ngguf_file = "m.gguf"', ["model.gguf_file", "sampling.backend"]),
    ("[search]\ntests = -1", ["search.tests", "at least 0"]),
    ("[search]\nbudget = 0", ["search.budget", "above 0"]),
    ("[search]\neval_timeout = nan", ["search.eval_timeout", "above 0", "nan"]),
    ("[search]\noverflow_budget = 0", ["search.overflow_budget", "above 0"]),
    ('[search]\nstrategies = ["magic"]', ["search.strategies", '"magic"', '"overflow"']),
    ("[search]\nstrategies = []", ["search.strategies", "not empty"]),
    ("[sandbox]\nheap_mb = 0", ["sandbox.heap_mb", "at least 1"]),
    ("[sandbox]\nrequest_timeout = -1", ["sandbox.request_timeout", "above 0"]),
    ("[sandbox]\nrestart_after = 0", ["sandbox.restart_after", "at least 1"]),
    ("[proof]\ntimeout = 0", ["proof.timeout", "above 0"]),
    ("[proof]\nsearch_budget = -5", ["proof.search_budget", "above 0"]),
    ('[toolchain]\nghc = ""', ["toolchain.ghc", "non-empty"]),
    ('[alice]\nbackend = "llm"', ["alice.backend", '"model", "transform", "mix"']),
    ("[alice]\ntransform_share = 2.0", ["alice.transform_share", "[0, 1]"]),
    ("[alice]\ncandidates = 0", ["alice.candidates", "at least 1"]),
    ("jobs = -2", ["jobs", "at least 0", "-2"]),
])
def test_a_bad_value_is_rejected_naming_the_key_the_value_and_what_is_allowed(tmp_path, toml, words):
    with pytest.raises(ConfigError) as e:
        load(tmp_path, toml)
    for w in words:
        assert w in str(e.value), str(e.value)


def test_the_special_values_that_mean_something_load(tmp_path):
    c = load(tmp_path, "jobs = 0\n[training]\nmax_steps = -1\n[search]\ntests = 0\nmax_shrinks = 0\n"
                       "[selfplay]\nheldout_programs = 0\nrepair_rounds = 0\neasy_share = 2.0\n"
                       "target_low = 5.0\ntarget_high = 5.0\n[sampling]\ntemperature = 0.0\ntop_p = 1.0\n")
    assert c.jobs == 0 and c.training.max_steps == -1 and c.selfplay.easy_share == 2.0


def test_overrides_are_checked_too():
    base = load_config(None)
    with pytest.raises(ConfigError, match="search.depth"):
        base.with_search(depth=-1)
    with pytest.raises(ConfigError, match="training.mode"):
        dataclasses.replace(base.training, mode="continu")
    with pytest.raises(ConfigError, match="selfplay.iterations"):
        cfg.config_from_dict({"selfplay": {"iterations": 0}})


def test_every_field_has_help_text():
    for section, cls in cfg._sections():
        for f in dataclasses.fields(cls):
            if section == "" and "help" not in f.metadata:
                continue  # a section
            assert f.metadata.get("help"), f"{section}.{f.name} has no help text"


def test_docs_config_md_is_the_generated_reference():
    committed = (ROOT / "docs" / "CONFIG.md").read_text()
    assert committed == cfg.reference(), "docs/CONFIG.md is stale: run python -m hsx.config > docs/CONFIG.md"


def test_help_of_a_cli_option_is_the_config_help():
    from hsx.cli.main import main

    out = CliRunner().invoke(main, ["verify", "--help"]).output
    flat = " ".join(out.split())
    for key in ("search.budget", "search.tests", "search.eval_timeout", "jobs"):
        assert " ".join(cfg.help_text(key).split()) in flat, key
    assert "[config search.budget; default 2.0]" in flat
    assert cfg.describe("search.budget").help in " ".join(cfg.reference().split())


def test_derived_seeds_are_stable_and_distinct():
    # The same names give the same seed in every run; streams that arithmetic used to collide on
    # (Alice's round 7 and Bob's "+ 7" of one iteration) get different ones.
    assert derive_seed(3, "alice", 0, 7) == derive_seed(3, "alice", 0, 7)
    seeds = {derive_seed(3, "alice", k, r) for k in range(20) for r in range(12)}
    seeds |= {derive_seed(3, "bob", k) for k in range(20)} | {derive_seed(3, "heldout", "bob")}
    assert len(seeds) == 20 * 12 + 20 + 1
    assert all(0 <= s < 2 ** 31 for s in seeds)
    assert derive_seed(4, "bob", 0) != derive_seed(3, "bob", 0)
