"""Prompts and the parsers that read answers back (pure: no toolchain needed)."""

import re
from pathlib import Path

import pytest

from hsx.agents import prompts
from hsx.agents.parsing import ParsedAnswer, ParseFailure, parse_alice, parse_bob, same_program, strip_think
from hsx.pool.programs import Program
from hsx.proof.lhmodule import PROOF_MARKER

ROOT = Path(__file__).resolve().parent.parent

P = Program(id="safe-div", code="safeDiv :: Int -> Int -> Maybe Int\nsafeDiv _ 0 = Nothing\nsafeDiv n d = Just (n `div` d)\n",
            entry="safeDiv", type="Int -> Int -> Maybe Int", arity=2, inputs=(("7", "2"), ("1", "0"), ("(-7)", "2")),
            outputs=("Just 3", "Nothing", "Just (-4)"), size=3, tags=("maybe",), reflectable="true")

SKELETON = """\
{-@ LIQUID "--reflection" @-}
module HsxEquiv where

-- ==== program A (A.hs) ====
safeDiv :: Int -> Int -> Maybe Int
{-@ reflect safeDiv @-}
safeDiv _ 0 = Nothing
safeDiv n d = Just (n `div` d)

-- ==== theorem (stated by hsx from the entries' common type) ====
{-@ equiv :: x1:Int -> x2:Int -> { safeDiv x1 x2 == safeDiv_b x1 x2 } @-}
equiv :: Int -> Int -> Proof

""" + PROOF_MARKER + "\n"

Q = "safeDiv :: Int -> Int -> Maybe Int\nsafeDiv n d = if d == 0 then Nothing else Just (div n d)\n"


def fence(label, body):
    return f"```{label}\n{body}\n```"


# ------------------------------------------------------------------------------------------------
# Alice

def test_parse_sinq_answer():
    text = "Q drops the zero check.\n\n" + fence("haskell", Q) + "\n\n" + fence("input", "7\n(-2)")
    assert parse_alice(text, "sinq", 2) == ParsedAnswer("sinq", Q, inputs=("7", "(-2)"))


def test_parse_seq_answer():
    proof = "equiv n d = ()"
    text = fence("haskell", Q) + "\n" + fence("proof", proof)
    assert parse_alice(text, "seq", 2) == ParsedAnswer("seq", Q, proof=proof + "\n")


def test_think_blocks_are_ignored():
    decoy = fence("haskell", "decoy = 1") + "\n" + fence("input", "1\n2")
    real = fence("haskell", Q) + "\n" + fence("input", "3\n0")
    text = f"<think>draft:\n{decoy}\n</think>\n{real}"
    assert parse_alice(text, "sinq", 2).inputs == ("3", "0")
    # The chat template opened the block in the prompt: everything up to </think> is thought.
    text = f"reasoning...\n{real}\nmore reasoning</think>\nnothing here"
    assert parse_alice(text, "sinq", 2) == ParseFailure("no ```haskell block with the program Q")
    text = f"still thinking\n{decoy}\n</think>\n{real}"
    assert parse_alice(text, "sinq", 2).q_code.startswith("safeDiv")
    # Cut off while thinking: nothing after <think> counts.
    text = f"{real}\n<think>let me also try\n{decoy}"
    assert parse_alice(text, "sinq", 2).inputs == ("3", "0")


def test_strip_think():
    assert strip_think("a<think>b</think>c<think>d</think>e") == "ace"
    assert strip_think("xx</think>yy") == "yy"
    assert strip_think("yy<think>zz") == "yy"


def test_last_blocks_win():
    text = (fence("haskell", "first = 1") + "\n" + fence("input", "1\n1") + "\nOn second thought:\n"
            + fence("haskell", Q) + "\n" + fence("input", "5\n0"))
    answer = parse_alice(text, "sinq", 2)
    assert answer.q_code == Q and answer.inputs == ("5", "0")


def test_missing_markers():
    assert parse_alice("no code at all", "sinq", 1) == ParseFailure("no ```haskell block with the program Q")
    assert parse_alice(fence("haskell", Q), "sinq", 2) == ParseFailure("no ```input block with the diverging input")
    assert parse_alice(fence("haskell", Q), "seq", 2) == ParseFailure("no ```proof block with the proof")
    assert isinstance(parse_alice(fence("haskell", "  \n"), "seq", 2), ParseFailure)
    # A block that is never closed (the answer was cut off) does not count.
    assert parse_alice(fence("haskell", Q) + "\n```proof\nequiv n d = ", "seq", 2) == \
        ParseFailure("no ```proof block with the proof")
    # An input fenced as haskell is not an input block.
    assert isinstance(parse_alice(fence("haskell", Q) + "\n" + fence("haskell", "1\n2"), "sinq", 2), ParseFailure)


def test_wrong_arity():
    text = fence("haskell", Q) + "\n" + fence("input", "7\n\n")
    failure = parse_alice(text, "sinq", 2)
    assert isinstance(failure, ParseFailure) and "1 non-empty line(s)" in failure.reason and "2 argument" in failure.reason
    assert isinstance(parse_alice(fence("haskell", Q) + "\n" + fence("input", "1\n2\n3"), "sinq", 2), ParseFailure)
    # Blank and comment lines do not count as arguments.
    assert parse_alice(fence("haskell", Q) + "\n" + fence("input", "-- n\n7\n\n-- d\n0\n"), "sinq", 2).inputs == ("7", "0")


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_alice("", "both", 1)


# ------------------------------------------------------------------------------------------------
# Bob

@pytest.mark.parametrize("text, expected", [
    ("They agree everywhere.\nANSWER: YES", True),
    ("Differ at d = 0.\nANSWER: NO", False),
    ("answer: yes", True),
    ("**ANSWER: NO**", False),
    ("First I thought ANSWER: YES, but d = 0 differs.\nANSWER: NO", False),
    ("ANSWER: NO\nWait, they are the same.\nANSWER: YES.", True),
    ("ANSWER:\nNO", False),
    ("I cannot decide.", None),
    ("ANSWER: YES or NO", None),
    ("ANSWER: maybe", None),
    ("<think>ANSWER: YES</think>\nThey differ on empty lists.", None),
    ("<think>hmm ANSWER: NO</think>\nANSWER: YES", True),
    ("reasoning ANSWER: NO</think>\nANSWER: YES", True),
    ("ANSWER: YES\n<think>wait, maybe ANSWER: NO", True),
])
def test_parse_bob(text, expected):
    assert parse_bob(text) is expected


# ------------------------------------------------------------------------------------------------
# Prompts

def _text(conversation):
    assert isinstance(conversation, list) and conversation
    assert all(set(m) == {"role", "content"} and m["role"] in ("user", "assistant") for m in conversation)
    return "\n".join(m["content"] for m in conversation)


def test_alice_sinq_prompt():
    text = _text(prompts.alice_sinq(P))
    assert P.code.strip() in text
    assert "safeDiv :: Int -> Int -> Maybe Int" in text
    assert "safeDiv 1 0  ==>  Nothing" in text and "safeDiv (-7) 2  ==>  Just (-4)" in text
    assert "```haskell" in text and "```input" in text and "```proof" not in text
    assert "<argument 1>\n<argument 2>" in text


def test_alice_seq_prompt():
    text = _text(prompts.alice_seq(P, SKELETON))
    assert P.code.strip() in text
    assert SKELETON.strip() in text and PROOF_MARKER in text
    assert "```haskell" in text and "```proof" in text and "```input" not in text
    assert "safeDiv_b" in text  # how Q's entry is named in the theorem
    for forbidden in ("assume", "ignore", "lazy", "trust", "second signature", "pragma"):
        assert forbidden in text


def test_alice_repair_appends_the_feedback():
    first = prompts.alice_seq(P, SKELETON)
    answer = fence("haskell", Q) + "\n" + fence("proof", "equiv n d = ()")
    conversation = prompts.alice_repair(first, answer, "proof-failed at equiv:\n  x" + "y" * 10000)
    assert conversation[:len(first)] == first
    assert conversation[len(first)] == {"role": "assistant", "content": answer}
    last = conversation[-1]
    assert last["role"] == "user" and "proof-failed at equiv" in last["content"] and "```proof" in last["content"]
    assert len(last["content"]) < prompts.MAX_FEEDBACK_CHARS + 500
    again = prompts.alice_repair(prompts.alice_sinq(P), "no blocks", "no ```haskell block with the program Q")
    assert "```input" in again[-1]["content"] and len(again) == 3
    # A second repair round keeps asking for the same kind of block.
    twice = prompts.alice_repair(again, "still nothing", "no ```input block")
    assert "```input" in twice[-1]["content"] and len(twice) == 5


def test_bob_prompt():
    text = _text(prompts.bob_judge(P.code, Q))
    assert P.code.strip() in text and Q.strip() in text
    assert "ANSWER: YES" in text and "ANSWER: NO" in text
    assert text.index("Reason step by step") < text.index("ANSWER: YES")


def test_prompt_formats_round_trip_through_the_parsers():
    """An answer written exactly as a prompt asks parses; so does Bob's format."""
    sinq = prompts.alice_sinq(P)[0]["content"]
    blocks = re.findall(r"```(\w+)\n", sinq)
    assert blocks[-2:] == [prompts.Q_LABEL, prompts.INPUT_LABEL]
    assert parse_alice(fence(blocks[-2], Q) + "\n" + fence(blocks[-1], "1\n0"), "sinq", 2).inputs == ("1", "0")
    seq = prompts.alice_seq(P, SKELETON)[0]["content"]
    assert re.findall(r"```(\w+)\n", seq)[-2:] == [prompts.Q_LABEL, prompts.PROOF_LABEL]
    assert parse_bob(f"because...\n{prompts.ANSWER_MARKER} {prompts.YES}") is True


def test_no_prompt_text_outside_prompts_module():
    # Phrases only the real prompts use.  (hsx/models/tinymodel.py holds a few prompt-like English lines
    # as tokenizer training text; those are not prompts and are not checked here.)
    sentinels = ["ANSWER: YES", "ANSWER: NO", "```input", "```proof", "Reason step by step",
                 "hsx did not accept your answer", "write a program Q that", "How hsx checks the proof"]
    offenders = []
    for path in sorted((ROOT / "hsx").rglob("*.py")):
        if path.name == "prompts.py":
            continue
        text = path.read_text()
        offenders += [f"{path.name}: {s!r}" for s in sentinels if s in text]
    assert offenders == []


# ------------------------------------------------------------------------------------------------
# Same program up to renaming

def test_same_program_up_to_renaming_layout_and_comments():
    p = "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total xs\n"
    q = ("module Sum where\n\n-- adds things up\ntotalOf :: [Int] -> Int\ntotalOf [] = 0\n"
         "totalOf (y : ys) =\n    y + totalOf ys  {- recursion -}\n")
    assert same_program(p, q)
    assert same_program(p, p)


def test_same_program_renames_own_data_types_consistently():
    p = "data T = L | N T Int T\n\nf :: T -> Int\nf L = 0\nf (N l x r) = f l + x + f r\n"
    q = "data Tree = Leaf | Node Tree Int Tree\n\ng :: Tree -> Int\ng Leaf = 0\ng (Node a v b) = g a + v + g b\n"
    assert same_program(p, q)


@pytest.mark.parametrize("q", [
    "total :: [Int] -> Int\ntotal [] = 1\ntotal (x : xs) = x + total xs\n",  # literal
    "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x * total xs\n",  # operator
    "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = xs + total xs\n",  # x and xs both -> xs
    "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total (x : xs)\n",
    "total :: [Integer] -> Integer\ntotal [] = 0\ntotal (x : xs) = x + total xs\n",  # Prelude type
])
def test_different_programs_are_not_the_same(q):
    p = "total :: [Int] -> Int\ntotal [] = 0\ntotal (x : xs) = x + total xs\n"
    assert not same_program(p, q)


def test_library_names_are_not_renamed():
    p = "f :: [Int] -> Int\nf xs = foldr (+) 0 xs\n"
    assert not same_program(p, "f :: [Int] -> Int\nf xs = foldl (+) 0 xs\n")
    assert same_program(p, "g :: [Int] -> Int\ng ys = foldr (+) 0 ys\n")
    assert not same_program("f :: Maybe Int -> Int\nf Nothing = 0\nf (Just x) = x\n",
                            "f :: Maybe Int -> Int\nf (Just x) = 0\nf Nothing = x\n")
